// "Advanced Order Export For WooCommerce" (AlgolPlus) CSV with its default fields (FORMATS.md §2b): one row
// per line item, the order columns repeated on every row. Consecutive rows with the same `Order Number`
// are one order; its fields are read from the first of them. Labels are renamable in the plugin, so every
// column is found by name (and the mapping can point elsewhere). docs/formats/woocommerce.md.
#include "core/import/internal/common.h"
#include "core/import/internal/orders.h"
#include "core/util/text.h"

namespace rapport::import_internal {

namespace {

constexpr const char* kAoeLayout =
    "an Advanced Order Export file has Order Number, Order Status, Order Date, ..., Email (Billing), ..., "
    "Item Name, Quantity, Item Cost, ..., Order Total Amount";

class WooAoeOrdersImporter : public Importer {
 public:
  explicit WooAoeOrdersImporter(const ImportOptions& options) : options_(options) {}

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    c_.Reset(first, file_name);
    const HeaderIndex& h = c_.header;
    const ColumnMapping& m = options_.mapping;
    order_ = c_.Pick(m.order, {"Order Number", "Order ID"});
    status_ = c_.Pick(m.status, {"Order Status"});
    date_ = c_.Pick(m.date, {"Order Date", "Paid Date"});
    first_name_ = h.Find("First Name (Billing)");
    last_name_ = h.Find("Last Name (Billing)");
    email_col_ = c_.Pick(m.email, {"Email (Billing)", "Customer User Email", "Billing Email"});
    phone_col_ = c_.Pick(m.phone, {"Phone (Billing)", "Billing Phone"});
    user_id_ = c_.Pick(m.customer, {"Customer User ID", "Customer ID"});
    country_ = h.FindAny({"Country Code (Shipping)", "Country Code (Billing)"});
    billing_country_ = h.Find("Country Code (Billing)");
    sku_ = c_.Pick(m.sku, {"SKU"});
    item_name_ = c_.Pick(m.title, {"Item Name", "Product Name"});
    quantity_ = c_.Pick(m.quantity, {"Quantity", "Qty"});
    item_cost_ = h.FindAny({"Item Cost", "Item Price"});
    coupon_ = h.Find("Coupon Code");
    payment_ = h.Find("Payment Method Title");
    cart_discount_ = h.Find("Cart Discount Amount");
    subtotal_ = h.Find("Order Subtotal Amount");
    shipping_ = h.Find("Order Shipping Amount");
    refund_ = h.Find("Order Refund Amount");
    total_ = c_.Pick(m.amount, {"Order Total Amount", "Order Total"});
    tax_ = h.Find("Order Total Tax Amount");
    currency_col_ = c_.Pick(m.currency, {"Currency", "Order Currency"});
    completed_ = h.Find("Completed Date");
    if (order_ < 0) return c_.Missing(first, "Order Number", kAoeLayout);
    if (date_ < 0) return c_.Missing(first, "Order Date", kAoeLayout);
    if (total_ < 0) return c_.Missing(first, "Order Total Amount", kAoeLayout);
    UpperTo(options_.currency, &default_currency_);
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    ++b->rows_read;
    if (c_.RejectRagged(b, r)) return;
    const std::string_view order = StripExcelGuard(Field(r, order_));
    if (order.empty()) {
      c_.Reject(b, r, order_, "missing_order_id", "`" + c_.Label(order_) + "`: expected an order number, found nothing");
      return;
    }
    if (state_ != kNone && order == current_) {
      if (state_ == kRejected) {
        c_.Reject(b, r, -1, "rejected_order",
                  "line item of order " + Quoted(order) + ", whose first row (line " + std::to_string(order_line_) +
                      ") was rejected");
        return;
      }
      if (AddLine(r, b, /*continuation=*/true)) ++b->rows_accepted;
      return;
    }
    current_.assign(order.data(), order.size());
    order_line_ = r.line();
    if (!AddOrder(r, order, b)) {
      state_ = kRejected;
      return;
    }
    state_ = kInOrder;
    AddLine(r, b, /*continuation=*/false);
    ++b->rows_accepted;
  }

  Status End(ImportBatch*) override { return Status::Ok(); }

 private:
  enum State { kNone, kInOrder, kRejected };

  bool AddOrder(const CsvRecord& r, std::string_view order, ImportBatch* b) {
    Timestamp created;
    if (!c_.Date(b, r, date_, options_.date_format,
                 options_.date_format == DateFormat::kAuto ? "2024-06-03 10:11" : DateFormatExample(options_.date_format),
                 &created)) {
      return false;
    }
    OrderFields f;
    const char* kRejects = "; the order is rejected";
    const char dec = options_.decimal_separator;
    if (!c_.Money(b, r, total_, true, dec, &f.total, true, kRejects) ||
        !c_.Money(b, r, subtotal_, false, dec, &f.subtotal, true, kRejects) ||
        !c_.Money(b, r, shipping_, false, dec, &f.shipping, true, kRejects) ||
        !c_.Money(b, r, tax_, false, dec, &f.tax, true, kRejects) ||
        !c_.Money(b, r, cart_discount_, false, dec, &f.discount, true, kRejects) ||
        !c_.Money(b, r, refund_, false, dec, &f.refunded, true, kRejects)) {
      return false;
    }
    if (f.refunded < 0) f.refunded = -f.refunded;  // some versions write refunds negative
    if (subtotal_ < 0) f.subtotal = f.total;
    if (!created.has_offset) NoteAssumedTimezone(b, r, date_, c_, &noted_timezone_);
    const std::string_view email_text = TrimAscii(Field(r, email_col_));
    NormalizeEmailTo(email_text, &email_);
    if (email_.empty() && !email_text.empty()) {
      c_.Warn(b, r, email_col_, "bad_email",
              "`" + c_.Label(email_col_) + "`: expected an address like name@example.com, found " + Quoted(email_text) +
                  "; the order is kept without it");
    }
    NormalizePhoneTo(Field(r, phone_col_), &phone_);
    const std::string_view user = StripExcelGuard(Field(r, user_id_));
    platform_id_.clear();
    if (!user.empty() && user != "0") platform_id_.append("woocommerce:user:").append(user);
    key_.assign("woocommerce:").append(order);
    f.key = key_;
    f.name = order;
    f.email = email_;
    f.phone = phone_;
    f.platform_id = platform_id_;
    f.first_name = TrimAscii(Field(r, first_name_));
    f.last_name = TrimAscii(Field(r, last_name_));
    f.created = created;
    const std::string_view currency = TrimAscii(Field(r, currency_col_));
    if (currency.empty()) {
      f.currency = default_currency_;
    } else {
      UpperTo(currency, &currency_);
      f.currency = currency_;
    }
    const std::string_view status = Field(r, status_);
    f.flags = FlagsFromStatus(status);
    StatusSlugTo(status, &status_buf_);
    f.financial_status = status_buf_;
    f.discount_code = TrimAscii(Field(r, coupon_));
    std::string_view country = TrimAscii(Field(r, country_));
    if (country.empty()) country = TrimAscii(Field(r, billing_country_));
    f.country = country;
    const std::string_view completed = TrimAscii(Field(r, completed_));
    Timestamp done;
    if (!completed.empty() && ParseTimestamp(completed, options_.date_format, &done)) f.fulfilled_day = done.day;
    f.line = r.line();
    AppendOrder(b, f);
    return true;
  }

  // The row's line item; false when it is dropped (the order is kept): a warning on the order's first row,
  // a rejected row otherwise (the row has nothing else to give).
  bool AddLine(const CsvRecord& r, ImportBatch* b, bool continuation) {
    const std::string_view title = TrimAscii(Field(r, item_name_));
    const std::string_view sku = StripExcelGuard(Field(r, sku_));
    const std::string_view qty_text = TrimAscii(Field(r, quantity_));
    if (title.empty() && sku.empty()) return true;
    int64_t qty = 1;
    if (!qty_text.empty() && (!ParseInt64(qty_text, &qty) || qty < 0 || qty > INT32_MAX)) {
      std::string message = "`" + c_.Label(quantity_) + "`: expected a whole number like 2, found " +
                            Quoted(qty_text) + "; the line item is dropped, the order is kept";
      if (continuation) c_.Reject(b, r, quantity_, "bad_quantity", std::move(message));
      else c_.Warn(b, r, quantity_, "bad_quantity", std::move(message));
      return false;
    }
    int64_t cost = 0;
    if (!c_.Money(b, r, item_cost_, false, options_.decimal_separator, &cost, continuation,
                  "; the line item is dropped, the order is kept")) {
      return false;
    }
    AppendLine(b, sku, title, {}, static_cast<int32_t>(qty), cost, 0);
    return true;
  }

  ImportOptions options_;
  Cells c_;
  int order_ = -1, status_ = -1, date_ = -1, first_name_ = -1, last_name_ = -1, email_col_ = -1, phone_col_ = -1,
      user_id_ = -1, country_ = -1, billing_country_ = -1, sku_ = -1, item_name_ = -1, quantity_ = -1,
      item_cost_ = -1, coupon_ = -1, payment_ = -1, cart_discount_ = -1, subtotal_ = -1, shipping_ = -1,
      refund_ = -1, total_ = -1, tax_ = -1, currency_col_ = -1, completed_ = -1;
  State state_ = kNone;
  std::string current_;
  uint64_t order_line_ = 0;
  bool noted_timezone_ = false;
  std::string default_currency_, currency_, email_, phone_, platform_id_, key_, status_buf_;
};

}  // namespace

int WooAoeOrdersScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("Order Number") < 0 && h.Find("Order ID") < 0) return 0;
  if (h.Find("Order Total Amount") < 0) return 0;
  int score = 55;
  for (const char* name : {"Order Status", "Order Date", "Email (Billing)", "First Name (Billing)", "Item Name",
                           "Item Cost", "Order Subtotal Amount", "Order Shipping Amount", "Order Refund Amount"}) {
    if (h.Find(name) >= 0) score += 5;
  }
  return score;
}

std::unique_ptr<Importer> CreateWooAoeOrders(const ImportOptions& options) {
  return std::make_unique<WooAoeOrdersImporter>(options);
}

}  // namespace rapport::import_internal
