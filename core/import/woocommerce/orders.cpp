// WooCommerce Analytics > Orders download (in-browser and emailed layouts, FORMATS.md §2a): one row per
// order, refunds as separate rows with negative net sales, the customer by name only (no email).
// docs/formats/woocommerce.md gives the rules; in short:
//   - order key "woocommerce:<Order #>" (the same key as the Advanced Order Export importer, so the two
//     files of one store do not double-count);
//   - total = `Net sales` (`Net Sales`, or `N. Revenue (formatted)` when that is all there is);
//   - a refund row (negative net sales) is folded into its order's refunded amount when that order is in
//     the file; otherwise it is kept as a negative order `woocommerce:<Order #>:refund:<day>:<cents>`;
//   - identity: none by default (names are not unique: orders count for revenue, customers stay
//     unidentified, one `no_customer_identity` warning). `--map customer=Customer` opts in to
//     "woocommerce-name:<name>" ids, which the Customers report importer also writes for names that are
//     unique in that report, so the two files then join.
//   - dates are site-local wall time without offset: one `timezone_assumed` warning.
#include <vector>

#include "core/import/internal/common.h"
#include "core/import/internal/orders.h"
#include "core/import/internal/woocommerce.h"
#include "core/util/text.h"
#include "core/workspace/key_index.h"

namespace rapport::import_internal {

void WooNameIdTo(std::string_view name, std::string* out) {
  out->clear();
  name = TrimAscii(name);
  if (name.empty()) return;
  out->append("woocommerce-name:");
  bool space = false;
  for (char c : name) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) out->push_back(' ');
    space = false;
    out->push_back(AsciiLower(c));
  }
}

namespace {

constexpr const char* kWooOrdersLayout =
    "a WooCommerce Analytics orders report has Date, Order #, Status, Customer, ..., Net sales";

// "2× Name, 1× Other, Name" -> items. An item starts at the beginning or after ", " followed by
// digits and "×" (U+00D7) or "x ", so commas inside names are kept.
template <typename Fn>
void ForEachProduct(std::string_view cell, Fn&& fn) {
  const auto quantity_at = [&](size_t i, int64_t* qty, size_t* name_start) {
    size_t j = i;
    int64_t q = 0;
    while (j < cell.size() && cell[j] >= '0' && cell[j] <= '9' && j - i < 7) q = q * 10 + (cell[j++] - '0');
    if (j == i) return false;
    if (cell.substr(j, 2) == "\xC3\x97") {
      j += 2;
    } else if (j < cell.size() && (cell[j] == 'x' || cell[j] == 'X') && j + 1 < cell.size() && cell[j + 1] == ' ') {
      ++j;
    } else {
      return false;
    }
    while (j < cell.size() && cell[j] == ' ') ++j;
    *qty = q;
    *name_start = j;
    return true;
  };
  cell = TrimAscii(cell);
  if (cell.empty()) return;
  int64_t qty = 1;
  size_t start = 0;
  if (!quantity_at(0, &qty, &start)) {
    fn(1, cell);
    return;
  }
  size_t search = start;
  while (true) {
    size_t comma = cell.find(", ", search);
    int64_t next_qty = 0;
    size_t next_start = 0;
    while (comma != std::string_view::npos && !quantity_at(comma + 2, &next_qty, &next_start)) {
      comma = cell.find(", ", comma + 1);
    }
    if (comma == std::string_view::npos) {
      fn(qty, TrimAscii(cell.substr(start)));
      return;
    }
    fn(qty, TrimAscii(cell.substr(start, comma - start)));
    qty = next_qty;
    start = search = next_start;
  }
}

class WooAnalyticsOrdersImporter : public Importer {
 public:
  explicit WooAnalyticsOrdersImporter(const ImportOptions& options) : options_(options) {}

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    c_.Reset(first, file_name);
    const ColumnMapping& m = options_.mapping;
    date_ = c_.Pick(m.date, {"Date"});
    order_ = c_.Pick(m.order, {"Order #", "Order"});
    status_ = c_.Pick(m.status, {"Status"});
    customer_ = c_.header.Find("Customer");
    name_identity_ = !m.customer.empty();
    if (name_identity_) customer_ = c_.header.Find(m.customer);
    products_ = c_.header.FindAny({"Product(s)", "Products"});
    items_sold_ = c_.Pick(m.quantity, {"Items sold", "Items Sold"});
    coupons_ = c_.header.FindAny({"Coupon(s)", "Coupons"});
    net_ = c_.Pick(m.amount, {"Net sales", "Net Sales", "N. Revenue (formatted)", "N. Revenue"});
    attribution_ = c_.header.Find("Attribution");
    currency_col_ = m.currency.empty() ? -1 : c_.header.Find(m.currency);
    if (date_ < 0) return c_.Missing(first, "Date", kWooOrdersLayout);
    if (order_ < 0) return c_.Missing(first, "Order #", kWooOrdersLayout);
    if (net_ < 0) return c_.Missing(first, "Net sales", kWooOrdersLayout);
    UpperTo(options_.currency, &currency_);
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
    Timestamp created;
    if (!c_.Date(b, r, date_, options_.date_format,
                 options_.date_format == DateFormat::kAuto ? "2024-06-03 10:11:12" : DateFormatExample(options_.date_format),
                 &created)) {
      return;
    }
    if (!created.has_offset) NoteAssumedTimezone(b, r, date_, c_, &noted_timezone_);
    int64_t net = 0;
    if (!c_.Money(b, r, net_, true, options_.decimal_separator, &net, true, "; the row is rejected")) return;
    std::string_view currency = currency_;
    if (currency_col_ >= 0 && !TrimAscii(Field(r, currency_col_)).empty()) {
      UpperTo(TrimAscii(Field(r, currency_col_)), &row_currency_);
      currency = row_currency_;
    }
    if (net < 0) {
      // A refund row: folded into its order at End() when that order is in the file.
      const uint32_t name = refund_names_.try_emplace(order, static_cast<uint32_t>(refund_names_.size())).first->second;
      refunds_.push_back(Refund{name, -net, created, r.line()});
      refund_currency_.Append(currency);
      ++b->rows_accepted;
      return;
    }
    const std::string_view person = TrimAscii(Field(r, customer_));
    OrderFields f;
    key_.assign("woocommerce:").append(order);
    f.key = key_;
    f.name = order;
    SplitName(person, &f.first_name, &f.last_name);
    if (name_identity_) {
      WooNameIdTo(person, &platform_id_);
      f.platform_id = platform_id_;
    } else if (!person.empty() && !noted_identity_) {
      noted_identity_ = true;
      c_.Warn(b, r, customer_, "no_customer_identity",
              "`" + c_.Label(customer_) +
                  "` holds a name, not an email: these orders count for revenue, but customers stay unidentified "
                  "(names are not unique). Import the Analytics > Customers report or an Advanced Order Export "
                  "file with `Email (Billing)` for customer metrics, or map customer=Customer to trust names");
    }
    f.created = created;
    f.currency = currency;
    f.subtotal = net;
    f.total = net;
    const std::string_view status = Field(r, status_);
    f.flags = FlagsFromStatus(status);
    StatusSlugTo(status, &status_buf_);
    f.financial_status = status_buf_;
    f.discount_code = TrimAscii(Field(r, coupons_));
    f.source = TrimAscii(Field(r, attribution_));
    f.line = r.line();
    AppendOrder(b, f);
    int32_t listed = 0;
    ForEachProduct(Field(r, products_), [&](int64_t qty, std::string_view title) {
      if (title.empty()) return;
      const int32_t q = qty > INT32_MAX ? INT32_MAX : static_cast<int32_t>(qty);
      listed += q;
      AppendLine(b, {}, title, {}, q, 0, 0);
    });
    int64_t sold = 0;
    const std::string_view sold_text = TrimAscii(Field(r, items_sold_));
    if (!sold_text.empty() && ParseInt64(sold_text, &sold) && listed > 0 && sold != listed) {
      c_.Warn(b, r, items_sold_, "quantity_mismatch",
              "`" + c_.Label(items_sold_) + "` says " + std::string(sold_text) + " items, `" + c_.Label(products_) +
                  "` lists " + std::to_string(listed) + "; the order is kept with the listed items");
    }
    ++b->rows_accepted;
  }

  Status End(ImportBatch* b) override {
    if (refunds_.empty()) return Status::Ok();
    ImportBatch::Orders& o = b->orders;
    // The first order of each refunded order number (only the refunded numbers are looked for, so the lookup
    // holds the refunds' numbers, not every order's).
    constexpr uint32_t kNone = UINT32_MAX;
    std::vector<uint32_t> first(refund_names_.size(), kNone);
    size_t unseen = first.size();
    for (size_t i = 0; i < o.name.size() && unseen > 0; ++i) {
      const uint32_t name = refund_names_.Get(o.name[i], kNone);
      if (name != kNone && first[name] == kNone) {
        first[name] = static_cast<uint32_t>(i);
        --unseen;
      }
    }
    std::vector<uint32_t> orphans;
    for (size_t i = 0; i < refunds_.size(); ++i) {
      const Refund& refund = refunds_[i];
      if (first[refund.name] != kNone) {
        o.refunded_cents[first[refund.name]] += refund.cents;
      } else {
        orphans.push_back(static_cast<uint32_t>(i));
      }
    }
    std::vector<std::string_view> name_text(refund_names_.size());
    for (const auto& entry : refund_names_) name_text[entry.second] = entry.first;
    // Refunds of orders outside the file: negative orders, so net revenue is still right. The columns grow
    // once for them (their keys are longer than the others: the key text is sized from theirs).
    ReserveMoreOrders(b, orphans.size());
    size_t key_bytes = o.key.bytes();
    for (const uint32_t i : orphans) key_bytes += RefundKey(name_text[refunds_[i].name], refunds_[i]).size();
    o.key.Reserve(o.key.size() + orphans.size(), key_bytes);
    for (const uint32_t i : orphans) {
      const Refund* refund = &refunds_[i];
      OrderFields f;
      f.key = RefundKey(name_text[refund->name], *refund);
      f.name = name_text[refund->name];
      f.created = refund->created;
      f.currency = refund_currency_[i];
      f.subtotal = -refund->cents;
      f.total = -refund->cents;
      f.financial_status = "refund";
      f.line = refund->line;
      AppendOrder(b, f);
    }
    return Status::Ok();
  }

 private:
  struct Refund;
  // "woocommerce:<Order #>:refund:<day>:<cents>", the key of a refund whose order is not in the file (in key_).
  const std::string& RefundKey(std::string_view order, const Refund& refund) {
    key_.assign("woocommerce:").append(order).append(":refund:");
    AppendDay(&key_, refund.created.day);
    key_.push_back(':');
    AppendInt(&key_, refund.cents);
    return key_;
  }
  // A refund row, folded at End(): its order number as an id in refund_names_, its currency in refund_currency_.
  struct Refund {
    uint32_t name;
    int64_t cents;
    Timestamp created;
    uint64_t line;
  };
  ImportOptions options_;
  Cells c_;
  int date_ = -1, order_ = -1, status_ = -1, customer_ = -1, products_ = -1, items_sold_ = -1, coupons_ = -1,
      net_ = -1, attribution_ = -1, currency_col_ = -1;
  bool name_identity_ = false, noted_timezone_ = false, noted_identity_ = false;
  std::vector<Refund> refunds_;
  KeyIndex refund_names_;    // the refunded order numbers -> id
  RunText refund_currency_;  // row i: refunds_[i]'s currency
  std::string currency_, row_currency_, key_, platform_id_, status_buf_;
};

}  // namespace

int WooAnalyticsOrdersScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("Order #") < 0 || h.Find("Date") < 0) return 0;
  if (h.FindAny({"Net sales", "Net Sales", "N. Revenue (formatted)"}) < 0) return 0;
  int score = 60;
  for (const char* name : {"Status", "Customer", "Customer type", "Product(s)", "Items sold", "Coupon(s)"}) {
    if (h.Find(name) >= 0) score += 5;
  }
  return score;
}

std::unique_ptr<Importer> CreateWooAnalyticsOrders(const ImportOptions& options) {
  return std::make_unique<WooAnalyticsOrdersImporter>(options);
}

}  // namespace rapport::import_internal
