// Magento 2 / Adobe Commerce Sales > Orders grid > Export > CSV (FORMATS.md §3a): one row per order, no line
// items, dates like `Jun 3, 2024 10:11:12 AM` in the admin's timezone without offset, status labels (or raw
// codes before 2.4), no currency column. Rules (docs/formats/magento.md):
//   - key "magento:<ID>" (the increment id as written, leading zeros kept);
//   - total = `Grand Total (Base)`, else `Grand Total (Purchased)`; currency = options.currency (the
//     store's base currency); a row whose two grand totals differ gets a `currency_assumed` warning once;
//   - refunded = `Total Refunded`; when that column is hidden, a `Closed` order counts as fully refunded;
//   - identity: `Customer Email` when the merchant showed that column; otherwise orders are guests and a
//     `no_customer_identity` warning says how to get emails;
//   - `Canceled` -> cancelled, `Suspected Fraud` -> voided; status kept as a slug ("on_hold").
#include "core/import/internal/common.h"
#include "core/import/internal/orders.h"
#include "core/util/text.h"

namespace rapport::import_internal {

namespace {

constexpr const char* kMagentoLayout =
    "a Magento orders grid export has ID, Purchase Point, Purchase Date, Bill-to Name, Ship-to Name, "
    "Grand Total (Base), Grand Total (Purchased), Status";

class MagentoOrdersImporter : public Importer {
 public:
  explicit MagentoOrdersImporter(const ImportOptions& options) : options_(options) {
    format_ = options.date_format == DateFormat::kAuto ? DateFormat::kMonthNameDayYear : options.date_format;
  }

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    c_.Reset(first, file_name);
    const HeaderIndex& h = c_.header;
    const ColumnMapping& m = options_.mapping;
    id_ = c_.Pick(m.order, {"ID"});
    point_ = h.Find("Purchase Point");
    date_ = c_.Pick(m.date, {"Purchase Date"});
    bill_to_ = h.Find("Bill-to Name");
    ship_to_ = h.Find("Ship-to Name");
    base_total_ = h.Find("Grand Total (Base)");
    purchased_total_ = h.Find("Grand Total (Purchased)");
    total_ = m.amount.empty() ? (base_total_ >= 0 ? base_total_ : purchased_total_) : h.Find(m.amount);
    status_ = c_.Pick(m.status, {"Status"});
    email_col_ = c_.Pick(m.email, {"Customer Email"});
    customer_name_ = h.Find("Customer Name");
    subtotal_ = h.Find("Subtotal");
    shipping_ = h.Find("Shipping and Handling");
    refunded_ = h.Find("Total Refunded");
    currency_col_ = m.currency.empty() ? -1 : h.Find(m.currency);
    if (id_ < 0) return c_.Missing(first, "ID", kMagentoLayout);
    if (date_ < 0) return c_.Missing(first, "Purchase Date", kMagentoLayout);
    if (total_ < 0) return c_.Missing(first, "Grand Total (Base)", kMagentoLayout);
    UpperTo(options_.currency, &currency_);
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    ++b->rows_read;
    if (c_.RejectRagged(b, r)) return;
    const std::string_view id = StripExcelGuard(Field(r, id_));
    if (id.empty()) {
      c_.Reject(b, r, id_, "missing_order_id", "`" + c_.Label(id_) + "`: expected an order number like 000000123, found nothing");
      return;
    }
    OrderFields f;
    if (!c_.Date(b, r, date_, format_, DateFormatExample(format_), &f.created)) return;
    const char* kRejects = "; the order is rejected";
    const char dec = options_.decimal_separator;
    if (!c_.Money(b, r, total_, true, dec, &f.total, true, kRejects) ||
        !c_.Money(b, r, subtotal_, false, dec, &f.subtotal, true, kRejects) ||
        !c_.Money(b, r, shipping_, false, dec, &f.shipping, true, kRejects) ||
        !c_.Money(b, r, refunded_, false, dec, &f.refunded, true, kRejects)) {
      return;
    }
    if (!f.created.has_offset) NoteAssumedTimezone(b, r, date_, c_, &noted_timezone_);
    if (subtotal_ < 0) f.subtotal = f.total;
    if (!noted_currency_ && base_total_ >= 0 && purchased_total_ >= 0 && total_ == base_total_) {
      int64_t purchased = 0;
      if (ParseMoneyCents(TrimAscii(Field(r, purchased_total_)), &purchased, dec) && purchased != f.total) {
        noted_currency_ = true;
        c_.Warn(b, r, purchased_total_, "currency_assumed",
                "`Grand Total (Purchased)` differs from `Grand Total (Base)`: the order was placed in another "
                "currency; amounts are taken in the base currency " + currency_ + " (the grid has no currency column)");
      }
    }
    const std::string_view status = Field(r, status_);
    f.flags = FlagsFromStatus(status);
    StatusSlugTo(status, &status_buf_);
    f.financial_status = status_buf_;
    if (refunded_ < 0 && status_buf_ == "closed") f.refunded = f.total;
    const std::string_view email_text = TrimAscii(Field(r, email_col_));
    NormalizeEmailTo(email_text, &email_);
    if (email_.empty() && !email_text.empty()) {
      c_.Warn(b, r, email_col_, "bad_email",
              "`" + c_.Label(email_col_) + "`: expected an address like name@example.com, found " + Quoted(email_text) +
                  "; the order is kept without it");
    } else if (email_col_ < 0 && !noted_identity_) {
      noted_identity_ = true;
      c_.Warn(b, r, -1, "no_customer_identity",
              "the export has no `Customer Email` column: orders count for revenue, but customers stay "
              "unidentified. Show the `Customer Email` column in the orders grid (Columns menu) and export again");
    }
    std::string_view person = TrimAscii(Field(r, customer_name_));
    if (person.empty()) person = TrimAscii(Field(r, bill_to_));
    if (person.empty()) person = TrimAscii(Field(r, ship_to_));
    SplitName(person, &f.first_name, &f.last_name);
    key_.assign("magento:").append(id);
    f.key = key_;
    f.name = id;
    f.email = email_;
    if (currency_col_ >= 0 && !TrimAscii(Field(r, currency_col_)).empty()) {
      UpperTo(TrimAscii(Field(r, currency_col_)), &row_currency_);
      f.currency = row_currency_;
    } else {
      f.currency = currency_;
    }
    f.source = TrimAscii(Field(r, point_));
    f.line = r.line();
    AppendOrder(b, f);
    ++b->rows_accepted;
  }

  Status End(ImportBatch*) override { return Status::Ok(); }

 private:
  ImportOptions options_;
  DateFormat format_;
  Cells c_;
  int id_ = -1, point_ = -1, date_ = -1, bill_to_ = -1, ship_to_ = -1, base_total_ = -1, purchased_total_ = -1,
      total_ = -1, status_ = -1, email_col_ = -1, customer_name_ = -1, subtotal_ = -1, shipping_ = -1,
      refunded_ = -1, currency_col_ = -1;
  bool noted_timezone_ = false, noted_currency_ = false, noted_identity_ = false;
  std::string currency_, row_currency_, email_, key_, status_buf_;
};

}  // namespace

int MagentoOrdersScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("Purchase Date") < 0) return 0;
  if (h.Find("Grand Total (Base)") < 0 && h.Find("Grand Total (Purchased)") < 0) return 0;
  int score = 60;
  for (const char* name : {"ID", "Purchase Point", "Bill-to Name", "Ship-to Name", "Status", "Customer Email",
                           "Total Refunded"}) {
    if (h.Find(name) >= 0) score += 5;
  }
  return score;
}

std::unique_ptr<Importer> CreateMagentoOrders(const ImportOptions& options) {
  return std::make_unique<MagentoOrdersImporter>(options);
}

}  // namespace rapport::import_internal
