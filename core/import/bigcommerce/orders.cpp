// BigCommerce Orders > Export, "Default" template (FORMATS.md §4): one row per order, line items packed into
// `Product Details` (`Product ID: 823, Product Qty: 1, ... | Product ID: ...`), `Order Date` as MM/DD/YYYY
// (or `Mar 13th 2026`) with an optional `Order Time`, store timezone without offset. docs/formats/bigcommerce.md.
//   - key "bigcommerce:<Order ID>"; identity `Customer Email`, else `Billing Email`; phone likewise;
//     `Customer ID` other than 0 (guests) becomes "bigcommerce:<id>";
//   - total `Order Total (inc tax)`, refunded `Refund Amount`, currency `Order Currency Code` (else the
//     options' currency); `Cancelled` / `Declined` are cancelled;
//   - the day/month order of `Order Date` is decided from the first kSniffRows rows (values > 12), never
//     per cell; when nothing tells, month-first (BigCommerce's own default) with an `ambiguous_date` warning.
#include "core/import/internal/common.h"
#include "core/import/internal/orders.h"
#include "core/import/internal/sniff.h"
#include "core/util/text.h"

namespace rapport::import_internal {

namespace {

constexpr const char* kBigCommerceLayout =
    "a BigCommerce orders export has Order ID, Customer ID, Customer Name, Customer Email, ..., Order Date, "
    "Order Status, ..., Order Total (inc tax), ..., Product Details";

// "14:21:24" or "2:21 PM" -> seconds since midnight; false otherwise.
bool ParseClock(std::string_view text, int32_t* seconds) {
  Timestamp t;
  char probe[48] = "2000-01-01 ";
  if (text.size() > sizeof probe - 12) return false;
  text.copy(probe + 11, text.size());
  if (!ParseTimestamp(std::string_view(probe, 11 + text.size()), DateFormat::kAuto, &t)) return false;
  *seconds = t.seconds;
  return true;
}

struct ProductItem {
  std::string_view id, qty, sku, name, unit_price, total_price;
};

// Parses one item by its `Product <Field>:` labels. Labels start the item or follow ", ".
void ParseItem(std::string_view item, ProductItem* out) {
  *out = ProductItem();
  static constexpr struct { std::string_view label; int slot; } kLabels[] = {
      {"Product ID:", 0}, {"Product Qty:", 1}, {"Product SKU:", 2}, {"Product Name:", 3},
      {"Product Unit Price:", 4}, {"Product Total Price:", 5}, {"Product Weight:", 6},
      {"Product Variation Details:", 6}, {"Product Options:", 6}};
  std::string_view* slots[] = {&out->id, &out->qty, &out->sku, &out->name, &out->unit_price, &out->total_price, nullptr};
  // Positions of labels, in order.
  size_t pos = 0;
  int slot = -1;
  size_t value_start = 0;
  const auto close = [&](size_t end) {
    if (slot >= 0 && slots[slot] != nullptr) {
      std::string_view v = item.substr(value_start, end - value_start);
      v = TrimAscii(v);
      if (!v.empty() && v.back() == ',') v = TrimAscii(v.substr(0, v.size() - 1));
      *slots[slot] = v;
    }
  };
  while (pos < item.size()) {
    size_t at = item.find("Product ", pos);
    if (at == std::string_view::npos) break;
    bool boundary = at == 0 || TrimAscii(item.substr(0, at)).empty() ||
                    (at >= 2 && item[at - 2] == ',' && item[at - 1] == ' ');
    int found = -1;
    size_t length = 0;
    if (boundary) {
      for (const auto& l : kLabels) {
        if (item.compare(at, l.label.size(), l.label) == 0) {
          found = l.slot;
          length = l.label.size();
          break;
        }
      }
    }
    if (found < 0) {
      pos = at + 1;
      continue;
    }
    close(at);
    slot = found;
    value_start = at + length;
    pos = value_start;
  }
  close(item.size());
}

class BigCommerceOrdersImporter : public Importer {
 public:
  explicit BigCommerceOrdersImporter(const ImportOptions& options) : options_(options) {}

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    c_.Reset(first, file_name);
    const HeaderIndex& h = c_.header;
    const ColumnMapping& m = options_.mapping;
    order_ = c_.Pick(m.order, {"Order ID"});
    customer_id_ = c_.Pick(m.customer, {"Customer ID"});
    customer_name_ = h.FindAny({"Customer Name", "Billing Name"});
    email_col_ = c_.Pick(m.email, {"Customer Email"});
    billing_email_ = h.Find("Billing Email");
    phone_col_ = c_.Pick(m.phone, {"Customer Phone"});
    billing_phone_ = h.Find("Billing Phone");
    billing_first_ = h.Find("Billing First Name");
    billing_last_ = h.Find("Billing Last Name");
    date_ = c_.Pick(m.date, {"Order Date"});
    time_ = h.Find("Order Time");
    status_ = c_.Pick(m.status, {"Order Status"});
    subtotal_ = h.FindAny({"Subtotal (inc tax)", "Subtotal (ex tax)"});
    tax_ = h.Find("Tax Total");
    shipping_ = h.FindAny({"Shipping Cost (inc tax)", "Shipping Cost (ex tax)"});
    coupon_value_ = h.Find("Coupon Value");
    coupon_details_ = h.Find("Coupon Details");
    total_ = c_.Pick(m.amount, {"Order Total (inc tax)", "Order Total (ex tax)", "Order Total"});
    currency_col_ = c_.Pick(m.currency, {"Order Currency Code"});
    shipping_country_ = h.Find("Shipping Country");
    billing_country_ = h.Find("Billing Country");
    products_ = h.Find("Product Details");
    refund_ = h.Find("Refund Amount");
    channel_ = h.Find("Channel Name");
    date_shipped_ = h.Find("Date Shipped");
    if (order_ < 0) return c_.Missing(first, "Order ID", kBigCommerceLayout);
    if (date_ < 0) return c_.Missing(first, "Order Date", kBigCommerceLayout);
    if (total_ < 0) return c_.Missing(first, "Order Total (inc tax)", kBigCommerceLayout);
    UpperTo(options_.currency, &default_currency_);
    format_ = options_.date_format;
    decided_ = format_ != DateFormat::kAuto;
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    if (decided_) {
      Row(r, b);
      return;
    }
    buffer_.Add(r);
    sniffer_.Add(Field(r, date_));
    if (buffer_.size() >= kSniffRows) Decide(b);
  }

  Status End(ImportBatch* b) override {
    if (!decided_) Decide(b);
    return Status::Ok();
  }

 private:
  void Decide(ImportBatch* b) {
    decided_ = true;
    const DateGuess g = sniffer_.Guess(DateFormat::kMonthDayYear);
    format_ = g.format;
    if (g.ambiguous || g.conflicting) {
      ImportIssue issue;
      issue.line = buffer_.LineOf(g.example_index);
      issue.column = static_cast<uint32_t>(date_ + 1);
      issue.field = c_.Label(date_);
      issue.code = "ambiguous_date";
      issue.message = "`" + issue.field + "`: dates like " + Quoted(g.example) +
                      (g.conflicting ? " have values over 12 in both places; " : " could be day-first or month-first; ") +
                      "read as " + (format_ == DateFormat::kDayMonthYear ? "day-month-year" : "month-day-year") +
                      ". Set the date format if that is wrong";
      issue.rejected = false;
      b->issues.push_back(std::move(issue));
    }
    buffer_.Replay([&](const CsvRecord& r) { Row(r, b); });
  }

  // Dates: the sniffed numeric order, but `Mar 13th 2026` is read by name whatever was sniffed.
  bool ParseDate(std::string_view text, Timestamp* out) const {
    if (!text.empty() && ((text[0] >= 'A' && text[0] <= 'Z') || (text[0] >= 'a' && text[0] <= 'z'))) {
      return ParseTimestamp(text, DateFormat::kMonthNameDayYear, out);
    }
    return ParseTimestamp(text, format_, out);
  }

  void Row(const CsvRecord& r, ImportBatch* b) {
    ++b->rows_read;
    if (c_.RejectRagged(b, r)) return;
    const std::string_view order = StripExcelGuard(Field(r, order_));
    if (order.empty()) {
      c_.Reject(b, r, order_, "missing_order_id", "`" + c_.Label(order_) + "`: expected an order number, found nothing");
      return;
    }
    OrderFields f;
    const std::string_view date_text = TrimAscii(Field(r, date_));
    if (!ParseDate(date_text, &f.created)) {
      c_.Reject(b, r, date_, "bad_date",
                "`" + c_.Label(date_) + "`: expected a date like " +
                    (format_ == DateFormat::kAuto ? "03/13/2026" : DateFormatExample(format_)) + ", found " +
                    (date_text.empty() ? std::string("nothing") : Quoted(date_text)));
      return;
    }
    const std::string_view time_text = TrimAscii(Field(r, time_));
    if (!time_text.empty()) {
      int32_t seconds = 0;
      if (ParseClock(time_text, &seconds)) {
        f.created.seconds = seconds;
      } else {
        c_.Warn(b, r, time_, "bad_time",
                "`" + c_.Label(time_) + "`: expected a time like 14:21:24, found " + Quoted(time_text) +
                    "; the order is kept at midnight");
      }
    }
    const char* kRejects = "; the order is rejected";
    const char dec = options_.decimal_separator;
    if (!c_.Money(b, r, total_, true, dec, &f.total, true, kRejects) ||
        !c_.Money(b, r, subtotal_, false, dec, &f.subtotal, true, kRejects) ||
        !c_.Money(b, r, tax_, false, dec, &f.tax, true, kRejects) ||
        !c_.Money(b, r, shipping_, false, dec, &f.shipping, true, kRejects) ||
        !c_.Money(b, r, coupon_value_, false, dec, &f.discount, true, kRejects) ||
        !c_.Money(b, r, refund_, false, dec, &f.refunded, true, kRejects)) {
      return;
    }
    if (subtotal_ < 0) f.subtotal = f.total;
    if (!f.created.has_offset) NoteAssumedTimezone(b, r, date_, c_, &noted_timezone_);
    const std::string_view currency = TrimAscii(Field(r, currency_col_));
    if (currency.empty()) {
      f.currency = default_currency_;
    } else {
      UpperTo(currency, &currency_);
      f.currency = currency_;
    }
    std::string_view email_text = TrimAscii(Field(r, email_col_));
    if (email_text.empty()) email_text = TrimAscii(Field(r, billing_email_));
    NormalizeEmailTo(email_text, &email_);
    if (email_.empty() && !email_text.empty()) {
      c_.Warn(b, r, email_col_ >= 0 ? email_col_ : billing_email_, "bad_email",
              "expected an address like name@example.com, found " + Quoted(email_text) + "; the order is kept without it");
    }
    NormalizePhoneTo(Field(r, phone_col_), &phone_);
    if (phone_.empty()) NormalizePhoneTo(Field(r, billing_phone_), &phone_);
    const std::string_view customer_id = StripExcelGuard(Field(r, customer_id_));
    platform_id_.clear();
    if (!customer_id.empty() && customer_id != "0") platform_id_.append("bigcommerce:").append(customer_id);
    const std::string_view person = TrimAscii(Field(r, customer_name_));
    if (person.empty()) {
      f.first_name = TrimAscii(Field(r, billing_first_));
      f.last_name = TrimAscii(Field(r, billing_last_));
    } else {
      SplitName(person, &f.first_name, &f.last_name);
    }
    key_.assign("bigcommerce:").append(order);
    f.key = key_;
    f.name = order;
    f.email = email_;
    f.phone = phone_;
    f.platform_id = platform_id_;
    const std::string_view status = Field(r, status_);
    f.flags = FlagsFromStatus(status);
    StatusSlugTo(status, &status_buf_);
    f.financial_status = status_buf_;
    f.fulfillment_status = status_buf_ == "shipped" || status_buf_ == "completed" ? "fulfilled"
                           : status_buf_ == "partially_shipped"                  ? "partial"
                                                                                 : "";
    Timestamp shipped;
    const std::string_view shipped_text = TrimAscii(Field(r, date_shipped_));
    if (!shipped_text.empty() && ParseDate(shipped_text, &shipped)) f.fulfilled_day = shipped.day;
    f.discount_code = TrimAscii(Field(r, coupon_details_));
    std::string_view country = TrimAscii(Field(r, shipping_country_));
    if (country.empty()) country = TrimAscii(Field(r, billing_country_));
    f.country = country;
    f.source = TrimAscii(Field(r, channel_));
    f.line = r.line();
    AppendOrder(b, f);
    AddProducts(r, b);
    ++b->rows_accepted;
  }

  // `Product Details`: items separated by '|'. A piece that does not start with a `Product ` label was cut
  // out of a name containing '|' and is glued back.
  void AddProducts(const CsvRecord& r, ImportBatch* b) {
    const std::string_view cell = Field(r, products_);
    if (TrimAscii(cell).empty()) return;
    size_t start = 0;
    bool warned = false;
    while (start < cell.size()) {
      size_t end = cell.find('|', start);
      while (end != std::string_view::npos &&
             TrimAscii(cell.substr(end + 1)).substr(0, 8) != std::string_view("Product ")) {
        end = cell.find('|', end + 1);
      }
      const std::string_view piece = cell.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      start = end == std::string_view::npos ? cell.size() : end + 1;
      if (TrimAscii(piece).empty()) continue;
      ProductItem item;
      ParseItem(piece, &item);
      int64_t qty = 1, unit = 0;
      bool ok = item.qty.empty() || (ParseInt64(item.qty, &qty) && qty >= 0 && qty <= INT32_MAX);
      if (ok && !item.unit_price.empty()) ok = ParseMoneyCents(item.unit_price, &unit, options_.decimal_separator);
      if (ok && item.unit_price.empty() && !item.total_price.empty()) {
        int64_t total = 0;
        ok = ParseMoneyCents(item.total_price, &total, options_.decimal_separator);
        unit = qty > 0 ? total / qty : total;
      }
      if (!ok || (item.name.empty() && item.sku.empty())) {
        if (!warned) {
          warned = true;
          c_.Warn(b, r, products_, "bad_line_item",
                  "`" + c_.Label(products_) + "`: expected items like `Product ID: 823, Product Qty: 1, Product SKU: "
                  "ABC, Product Name: ..., Product Unit Price: 12.00`, found " + Quoted(TrimAscii(piece)) +
                  "; that item is dropped, the order is kept");
        }
        continue;
      }
      AppendLine(b, item.sku, item.name.empty() ? item.sku : item.name, {}, static_cast<int32_t>(qty), unit, 0);
    }
  }

  ImportOptions options_;
  Cells c_;
  int order_ = -1, customer_id_ = -1, customer_name_ = -1, email_col_ = -1, billing_email_ = -1, phone_col_ = -1,
      billing_phone_ = -1, billing_first_ = -1, billing_last_ = -1, date_ = -1, time_ = -1, status_ = -1,
      subtotal_ = -1, tax_ = -1, shipping_ = -1, coupon_value_ = -1, coupon_details_ = -1, total_ = -1,
      currency_col_ = -1, shipping_country_ = -1, billing_country_ = -1, products_ = -1, refund_ = -1,
      channel_ = -1, date_shipped_ = -1;
  DateFormat format_ = DateFormat::kAuto;
  bool decided_ = false, noted_timezone_ = false;
  RecordBuffer buffer_;
  DateSniffer sniffer_;
  std::string default_currency_, currency_, email_, phone_, platform_id_, key_, status_buf_;
};

}  // namespace

int BigCommerceOrdersScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("Order ID") < 0 || h.Find("Product Details") < 0) return 0;
  int score = 60;
  for (const char* name : {"Customer Email", "Order Date", "Order Status", "Order Total (inc tax)",
                           "Order Currency Code", "Refund Amount", "Billing Email", "Subtotal (inc tax)"}) {
    if (h.Find(name) >= 0) score += 5;
  }
  return score;
}

std::unique_ptr<Importer> CreateBigCommerceOrders(const ImportOptions& options) {
  return std::make_unique<BigCommerceOrdersImporter>(options);
}

}  // namespace rapport::import_internal
