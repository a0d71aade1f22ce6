// The Shopify orders export (Admin > Orders > Export), both the 73-column (2022) and 79-column headers.
// The export as it really is -- one row per line item, order fields on the first row only, `Created at`
// with the store's UTC offset, Excel-guard apostrophes, no explicit test-order column -- is described in
// docs/formats/shopify.md; this file follows that description and does not repeat it.
//
// Columns are found by name once, in Begin(). Per row: no heap allocation (strings are normalised into
// reused member buffers and appended to the batch's text columns (BatchText)).
#include <cstring>

#include "core/import/header.h"
#include "core/import/internal/common.h"
#include "core/util/date.h"
#include "core/util/text.h"

namespace rapport::import_internal {

namespace {

constexpr const char* kDateExample = "2024-03-01 10:15:00 -0500";

class ShopifyOrdersImporter : public Importer {
 public:
  explicit ShopifyOrdersImporter(const ImportOptions& options) : options_(options) {}

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch* batch) override {
    header_.Reset(first);
    columns_ = first.size();
    const ColumnMapping& m = options_.mapping;
    name_ = Pick(m.order, {"Name"});
    email_col_ = Pick(m.email, {"Email"});
    financial_status_ = header_.Find("Financial Status");
    fulfillment_status_ = header_.Find("Fulfillment Status");
    fulfilled_at_ = header_.Find("Fulfilled at");
    accepts_marketing_ = header_.Find("Accepts Marketing");
    currency_ = Pick(m.currency, {"Currency"});
    subtotal_ = header_.Find("Subtotal");
    shipping_ = header_.Find("Shipping");
    taxes_ = header_.Find("Taxes");
    total_ = Pick(m.amount, {"Total"});
    discount_code_ = header_.Find("Discount Code");
    discount_amount_ = header_.Find("Discount Amount");
    created_at_ = Pick(m.date, {"Created at"});
    li_quantity_ = Pick(m.quantity, {"Lineitem quantity"});
    li_name_ = Pick(m.title, {"Lineitem name"});
    li_price_ = header_.Find("Lineitem price");
    li_sku_ = Pick(m.sku, {"Lineitem sku"});
    li_discount_ = header_.Find("Lineitem discount");
    vendor_ = header_.Find("Vendor");
    billing_name_ = header_.Find("Billing Name");
    shipping_name_ = header_.Find("Shipping Name");
    billing_phone_ = header_.Find("Billing Phone");
    shipping_phone_ = header_.Find("Shipping Phone");
    phone_col_ = Pick(m.phone, {"Phone"});
    billing_country_ = header_.Find("Billing Country");
    shipping_country_ = header_.Find("Shipping Country");
    cancelled_at_ = header_.Find("Cancelled at");
    payment_method_ = header_.Find("Payment Method");
    payment_gateway_ = header_.Find("Payment Gateway");
    refunded_ = header_.Find("Refunded Amount");
    id_ = header_.Find("Id");
    customer_id_ = Pick(m.customer, {"Customer ID", "Customer Id"});
    tags_ = header_.Find("Tags");
    source_ = header_.Find("Source");

    const struct { int index; const char* name; } required[] = {
        {name_, "Name"}, {created_at_, "Created at"}, {currency_, "Currency"}, {total_, "Total"}};
    for (const auto& r : required) {
      if (r.index < 0) {
        return InvalidArgument(file_name + ":" + std::to_string(first.line()) + ":1: missing column `" + r.name +
                               "`: a Shopify orders export has Name, Email, Financial Status, ..., Currency, "
                               "Subtotal, ..., Total, ..., Created at, Lineitem quantity, ... (found " +
                               header_.Preview(6) + ")");
      }
    }
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    ++b->rows_read;
    const std::string_view name = StripExcelGuard(Field(r, name_));
    if (r.size() != columns_) {
      AddIssue(b, r, -1, "", "ragged_row",
               "expected " + std::to_string(columns_) + " fields (as in the header), found " +
                   std::to_string(r.size()),
               true);
      ++b->rows_rejected;
      // A broken order row takes its line-item rows with it.
      if (!TrimAscii(Field(r, currency_)).empty()) StartRejected(name, r.line());
      return;
    }
    if (TrimAscii(Field(r, currency_)).empty()) {
      OnContinuation(r, name, b);
      return;
    }
    if (!AddOrder(r, name, b)) {
      ++b->rows_rejected;
      StartRejected(name, r.line());
      return;
    }
    state_ = kInOrder;
    order_name_.assign(name.data(), name.size());
    order_line_ = r.line();
    AddLine(r, b, /*continuation=*/false);
    ++b->rows_accepted;
  }

  Status End(ImportBatch*) override { return Status::Ok(); }
  // An order's rows are contiguous: only the last order can still gain lines (AddLine uses back()).
  bool OrdersSliceable() const override { return true; }

 private:
  enum State { kNone, kInOrder, kInRejectedOrder };

  int Pick(const std::string& mapped, std::initializer_list<std::string_view> defaults) const {
    return mapped.empty() ? header_.FindAny(defaults) : header_.Find(mapped);
  }

  void StartRejected(std::string_view name, uint64_t line) {
    state_ = kInRejectedOrder;
    order_name_.assign(name.data(), name.size());
    order_line_ = line;
  }

  void OnContinuation(const CsvRecord& r, std::string_view name, ImportBatch* b) {
    if (state_ == kNone || name != order_name_) {
      AddIssue(b, r, currency_, header_.Label(currency_), "orphan_line",
               "a line-item row (empty `Currency`) of order " + Quoted(name) +
                   ", but no order row with that `Name` comes just before it",
               true);
      ++b->rows_rejected;
      return;
    }
    if (state_ == kInRejectedOrder) {
      AddIssue(b, r, -1, "", "rejected_order",
               "line item of order " + Quoted(name) + ", whose order row (line " + std::to_string(order_line_) +
                   ") was rejected",
               true);
      ++b->rows_rejected;
      return;
    }
    if (AddLine(r, b, /*continuation=*/true)) {
      ++b->rows_accepted;
    } else {
      ++b->rows_rejected;
    }
  }

  // Money in column `index`: empty -> 0 (or an error when required). False after recording an issue.
  bool Money(const CsvRecord& r, int index, bool required, int64_t* cents, ImportBatch* b, bool rejected,
             const char* what) {
    *cents = 0;
    if (index < 0) return true;
    const std::string_view text = TrimAscii(r[static_cast<size_t>(index)]);
    if (text.empty() && !required) return true;
    if (ParseMoneyCents(text, cents, options_.decimal_separator)) return true;
    AddIssue(b, r, index, header_.Label(static_cast<size_t>(index)), "bad_amount",
             "`" + header_.Label(static_cast<size_t>(index)) + "`: expected an amount like 125.40, found " +
                 (text.empty() ? std::string("nothing") : Quoted(text)) + what,
             rejected);
    return false;
  }

  bool AddOrder(const CsvRecord& r, std::string_view name, ImportBatch* b) {
    // Order-level fields: any bad one rejects the order (the issue names the first).
    const std::string_view created_text = TrimAscii(r[static_cast<size_t>(created_at_)]);
    Timestamp created;
    if (!ParseTimestamp(created_text, options_.date_format, &created)) {
      AddIssue(b, r, created_at_, header_.Label(static_cast<size_t>(created_at_)), "bad_date",
               "`" + header_.Label(static_cast<size_t>(created_at_)) + "`: expected a date like " +
                   (options_.date_format == DateFormat::kAuto ? kDateExample : DateFormatExample(options_.date_format)) +
                   ", found " + (created_text.empty() ? std::string("nothing") : Quoted(created_text)),
               true);
      return false;
    }
    const std::string_view currency = TrimAscii(r[static_cast<size_t>(currency_)]);
    bool currency_ok = currency.size() == 3;
    for (char c : currency) currency_ok = currency_ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
    if (!currency_ok) {
      AddIssue(b, r, currency_, header_.Label(static_cast<size_t>(currency_)), "bad_currency",
               "`Currency`: expected a three-letter ISO code like USD, found " + Quoted(currency), true);
      return false;
    }
    int64_t subtotal, shipping, taxes, total, discount, refunded;
    const char* kRejects = "; the order is rejected";
    if (!Money(r, total_, true, &total, b, true, kRejects) || !Money(r, subtotal_, false, &subtotal, b, true, kRejects) ||
        !Money(r, shipping_, false, &shipping, b, true, kRejects) || !Money(r, taxes_, false, &taxes, b, true, kRejects) ||
        !Money(r, discount_amount_, false, &discount, b, true, kRejects) ||
        !Money(r, refunded_, false, &refunded, b, true, kRejects)) {
      return false;
    }
    if (name.empty()) {
      AddIssue(b, r, name_, header_.Label(static_cast<size_t>(name_)), "missing_order_id",
               "`Name`: expected the order name like #1001, found nothing", true);
      return false;
    }

    // Warnings only from here on: the order is kept.
    int32_t fulfilled_day = kNoDay;
    const std::string_view fulfilled_text = TrimAscii(Field(r, fulfilled_at_));
    if (!fulfilled_text.empty()) {
      Timestamp t;
      if (ParseTimestamp(fulfilled_text, options_.date_format, &t)) {
        fulfilled_day = t.day;
      } else {
        AddIssue(b, r, fulfilled_at_, header_.Label(static_cast<size_t>(fulfilled_at_)), "bad_date",
                 "`Fulfilled at`: expected a date like " + std::string(kDateExample) + ", found " +
                     Quoted(fulfilled_text) + "; the order is kept without a fulfilment day",
                 false);
      }
    }
    const std::string_view email_text = TrimAscii(Field(r, email_col_));
    NormalizeEmailTo(email_text, &email_);
    if (email_.empty() && !email_text.empty()) {
      AddIssue(b, r, email_col_, header_.Label(static_cast<size_t>(email_col_)), "bad_email",
               "`Email`: expected an address like name@example.com, found " + Quoted(email_text) +
                   "; the order is kept without it",
               false);
    }
    // Phone: the order's `Phone`, else the billing phone, else the shipping phone.
    NormalizePhoneTo(Field(r, phone_col_), &phone_);
    if (phone_.empty()) NormalizePhoneTo(Field(r, billing_phone_), &phone_);
    if (phone_.empty()) NormalizePhoneTo(Field(r, shipping_phone_), &phone_);
    const std::string_view customer_id = StripExcelGuard(Field(r, customer_id_));
    scratch_.clear();
    if (!customer_id.empty()) scratch_.append("shopify:").append(customer_id);
    std::string_view person = TrimAscii(Field(r, billing_name_));
    if (person.empty()) person = TrimAscii(Field(r, shipping_name_));
    const size_t space = person.find(' ');
    const std::string_view first_name = person.substr(0, space);
    const std::string_view last_name = space == std::string_view::npos ? std::string_view() : TrimAscii(person.substr(space + 1));

    ImportBatch::Orders& o = b->orders;
    const std::string_view id = StripExcelGuard(Field(r, id_));
    // Id and Name together: the Id is unique across stores (two stores can share one workspace, both with a
    // #1001), the Name tells apart orders that carry the same Id (copies of a store's export with renamed
    // orders, as the 100x benchmark file of PEERS.md makes). The same file imported twice keeps its keys.
    key_.assign("shopify:");
    if (!id.empty()) key_.append(id).append(":");
    key_.append(name);
    o.key.Append(key_);
    o.name.Append(name);
    o.who.Append(email_, phone_, scratch_, first_name, last_name);
    o.created.push_back(created);
    UpperTo(currency, &upper_);
    o.currency.Append(upper_);
    o.subtotal_cents.push_back(subtotal);
    o.discount_cents.push_back(discount);
    o.shipping_cents.push_back(shipping);
    o.tax_cents.push_back(taxes);
    o.total_cents.push_back(total);
    o.refunded_cents.push_back(refunded);

    const std::string_view financial = TrimAscii(Field(r, financial_status_));
    uint8_t flags = 0;
    if (!TrimAscii(Field(r, cancelled_at_)).empty()) flags |= kOrderCancelled;
    if (EqualsIgnoreCase(financial, "voided")) flags |= kOrderVoided;
    // Test orders: no column says so; Shopify's test gateway is the "Bogus Gateway" (docs/formats/shopify.md).
    if (ContainsIgnoreCase(Field(r, payment_method_), "bogus") || ContainsIgnoreCase(Field(r, payment_gateway_), "bogus") ||
        HasTag(Field(r, tags_), "test")) {
      flags |= kOrderTest;
    }
    o.flags.push_back(flags);
    LowerTo(financial, &lower_);
    o.financial_status.Append(lower_);
    LowerTo(TrimAscii(Field(r, fulfillment_status_)), &lower_);
    o.fulfillment_status.Append(lower_);
    o.source.Append(TrimAscii(Field(r, source_)));
    o.discount_code.Append(TrimAscii(Field(r, discount_code_)));
    std::string_view country = TrimAscii(Field(r, shipping_country_));
    if (country.empty()) country = TrimAscii(Field(r, billing_country_));
    o.country.Append(country);
    o.fulfilled_day.push_back(fulfilled_day);
    o.accepts_marketing.push_back(ParseYesNo(Field(r, accepts_marketing_)));
    o.first_line.push_back(static_cast<uint32_t>(b->lines.order.size()));
    o.line_count.push_back(0);
    o.line.push_back(r.line());
    return true;
  }

  // Appends the row's line item to the last order. False (after a warning) when the line is dropped.
  bool AddLine(const CsvRecord& r, ImportBatch* b, bool continuation) {
    const std::string_view title = TrimAscii(Field(r, li_name_));
    const std::string_view quantity_text = TrimAscii(Field(r, li_quantity_));
    const std::string_view sku = StripExcelGuard(Field(r, li_sku_));
    if (title.empty() && quantity_text.empty() && sku.empty()) return !continuation;
    const char* kDropped = continuation ? "; the line item is dropped, its order is kept"
                                        : "; the line item is dropped, the order is kept";
    int64_t quantity = 1;
    if (!quantity_text.empty() && (!ParseInt64(quantity_text, &quantity) || quantity < 0 || quantity > INT32_MAX)) {
      AddIssue(b, r, li_quantity_, header_.Label(static_cast<size_t>(li_quantity_)), "bad_quantity",
               "`Lineitem quantity`: expected a whole number like 2, found " + Quoted(quantity_text) + kDropped,
               continuation);
      return false;
    }
    int64_t price, discount;
    if (!Money(r, li_price_, false, &price, b, continuation, kDropped) ||
        !Money(r, li_discount_, false, &discount, b, continuation, kDropped)) {
      return false;
    }
    ImportBatch::Lines& l = b->lines;
    l.order.push_back(static_cast<uint32_t>(b->orders.key.size() - 1));
    l.sku.Append(sku);
    l.title.Append(title);
    l.vendor.Append(TrimAscii(Field(r, vendor_)));
    l.quantity.push_back(static_cast<int32_t>(quantity));
    l.unit_price_cents.push_back(price);
    l.discount_cents.push_back(discount);
    ++b->orders.line_count.back();
    return true;
  }

  ImportOptions options_;
  HeaderIndex header_;
  size_t columns_ = 0;
  int name_ = -1, email_col_ = -1, financial_status_ = -1, fulfillment_status_ = -1, fulfilled_at_ = -1,
      accepts_marketing_ = -1, currency_ = -1, subtotal_ = -1, shipping_ = -1, taxes_ = -1, total_ = -1,
      discount_code_ = -1, discount_amount_ = -1, created_at_ = -1, li_quantity_ = -1, li_name_ = -1, li_price_ = -1,
      li_sku_ = -1, li_discount_ = -1, vendor_ = -1, billing_name_ = -1, shipping_name_ = -1, billing_phone_ = -1,
      shipping_phone_ = -1, phone_col_ = -1, billing_country_ = -1, shipping_country_ = -1, cancelled_at_ = -1,
      payment_method_ = -1, payment_gateway_ = -1, refunded_ = -1, id_ = -1, customer_id_ = -1, tags_ = -1,
      source_ = -1;
  State state_ = kNone;
  std::string order_name_;
  uint64_t order_line_ = 0;
  // Reused buffers (no allocation per row once grown).
  std::string email_, phone_, key_, upper_, lower_, scratch_;
};

}  // namespace

int ShopifyOrdersScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("Name") < 0 || h.Find("Created at") < 0 || h.Find("Lineitem name") < 0) return 0;
  int score = 50;
  for (const char* name : {"Financial Status", "Fulfillment Status", "Currency", "Total", "Lineitem quantity",
                           "Lineitem price", "Billing Name", "Shipping Country", "Refunded Amount", "Id"}) {
    if (h.Find(name) >= 0) score += 5;
  }
  return score;
}

std::unique_ptr<Importer> CreateShopifyOrders(const ImportOptions& options) {
  return std::make_unique<ShopifyOrdersImporter>(options);
}

}  // namespace rapport::import_internal
