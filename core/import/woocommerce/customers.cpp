// WooCommerce Analytics > Customers export (FORMATS.md §2a): `Name,Username,Last Active,Sign Up,Email,Orders,
// Total Spend,AOV,Country / Region,City,Region,Postal Code`, one row per customer. The key is the email;
// a row without one needs a username ("woocommerce:user:<username>"). Names that occur once in the report
// also become the alias "woocommerce-name:<name>", which Analytics orders carry when the merchant opts in to
// name identity (docs/formats/woocommerce.md), so those orders join these customers. Names that occur more
// than once get no alias. The aliases are known only at the end of the file, so End() writes them.
#include <vector>

#include "core/import/internal/common.h"
#include "core/import/internal/orders.h"
#include "core/import/internal/woocommerce.h"
#include "core/util/text.h"
#include "core/workspace/key_index.h"

namespace rapport::import_internal {

namespace {

constexpr const char* kWooCustomersLayout =
    "a WooCommerce Analytics customers report has Name, Username, Last Active, Sign Up, Email, Orders, Total Spend";

class WooCustomersImporter : public Importer {
 public:
  explicit WooCustomersImporter(const ImportOptions& options) : options_(options) {}

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    c_.Reset(first, file_name);
    const ColumnMapping& m = options_.mapping;
    name_ = c_.header.Find("Name");
    username_ = c_.header.Find("Username");
    email_col_ = c_.Pick(m.email, {"Email"});
    orders_ = c_.header.Find("Orders");
    spend_ = c_.Pick(m.amount, {"Total Spend", "Total spend"});
    country_ = c_.header.FindAny({"Country / Region", "Country"});
    if (email_col_ < 0) return c_.Missing(first, "Email", kWooCustomersLayout);
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    ++b->rows_read;
    if (c_.RejectRagged(b, r)) return;
    const std::string_view email_text = TrimAscii(Field(r, email_col_));
    NormalizeEmailTo(email_text, &email_);
    const std::string_view username = TrimAscii(Field(r, username_));
    if (email_.empty() && username.empty()) {
      c_.RejectCell(b, r, email_col_, "missing_customer", {"expected an email like name@example.com, found "},
                    email_text, " (and no `Username`)");
      return;
    }
    if (email_.empty() && !email_text.empty()) {
      c_.WarnCell(b, r, email_col_, "bad_email", {"expected an address like name@example.com, found "}, email_text,
                  "; the customer is kept by username");
    }
    int64_t spent = -1, orders = -1;
    const std::string_view spend_text = TrimAscii(Field(r, spend_));
    if (!spend_text.empty() && !ParseMoneyCents(spend_text, &spent, options_.decimal_separator)) {
      spent = -1;
      c_.WarnCell(b, r, spend_, "bad_amount", {"expected an amount like 125.40, found "}, spend_text,
                  "; the customer is kept without it");
    }
    const std::string_view orders_text = TrimAscii(Field(r, orders_));
    if (!orders_text.empty() && (!ParseInt64(orders_text, &orders) || orders < 0 || orders > INT32_MAX)) {
      orders = -1;
      c_.WarnCell(b, r, orders_, "bad_quantity", {"expected a whole number like 3, found "}, orders_text,
                  "; the customer is kept without it");
    }
    const std::string_view person = TrimAscii(Field(r, name_));
    std::string_view first, last;
    SplitName(person, &first, &last);
    ImportBatch::Customers& c = b->customers;
    c.who.email.Append(email_);
    c.who.phone.Append({});
    c.who.first_name.Append(first);
    c.who.last_name.Append(last);
    WooNameIdTo(person, &name_id_);
    uint32_t name = kNoName;
    if (!name_id_.empty()) {
      name = names_.try_emplace(name_id_, static_cast<uint32_t>(name_count_.size())).first->second;
      if (name == name_count_.size()) name_count_.push_back(0);
      ++name_count_[name];
    }
    row_name_.push_back(name);
    if (email_.empty()) {
      fallback_.assign("woocommerce:user:").append(username);
      fallback_ids_.Append(fallback_);
    } else {
      fallback_ids_.Append({});
    }
    c.country.Append(TrimAscii(Field(r, country_)));
    c.tags.Append({});
    c.accepts_marketing.push_back(-1);
    c.reported_spent_cents.push_back(spent);
    c.reported_orders.push_back(static_cast<int32_t>(orders));
    c.line.push_back(r.line());
    ++b->rows_accepted;
  }

  Status End(ImportBatch* b) override {
    // The names by id (the index keeps them in the order they were first seen).
    std::vector<std::string_view> name_text(name_count_.size());
    for (const auto& entry : names_) name_text[entry.second] = entry.first;
    // The username id identifies an email-less row; otherwise a name that is unique in this report.
    const auto id_of = [&](size_t i) {
      const std::string_view fallback = fallback_ids_[i];
      if (!fallback.empty()) return fallback;
      const uint32_t name = row_name_[i];
      return name != kNoName && name_count_[name] == 1 ? name_text[name] : std::string_view();
    };
    size_t bytes = 0;
    for (size_t i = 0; i < row_name_.size(); ++i) bytes += id_of(i).size();
    BatchText ids;
    if (bytes > 0) ids.Reserve(row_name_.size(), bytes);  // sized once (none while every row is empty: lazy)
    for (size_t i = 0; i < row_name_.size(); ++i) ids.Append(id_of(i));
    b->customers.who.platform_id = std::move(ids);
    return Status::Ok();
  }

 private:
  ImportOptions options_;
  Cells c_;
  int name_ = -1, username_ = -1, email_col_ = -1, orders_ = -1, spend_ = -1, country_ = -1;
  std::string email_, name_id_, fallback_;
  // Each accepted row's name id as a number (kNoName: none): the distinct names once in `names_`, with how many
  // rows carry each, so a report of repeated names holds 4 bytes a row until End().
  static constexpr uint32_t kNoName = UINT32_MAX;
  KeyIndex names_;
  std::vector<uint32_t> name_count_, row_name_;
  BatchText fallback_ids_;
};

}  // namespace

int WooCustomersScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("Email") < 0 || h.Find("Username") < 0 || h.FindAny({"Total Spend", "Total spend"}) < 0) return 0;
  int score = 60;
  for (const char* name : {"Name", "Last Active", "Sign Up", "Orders", "AOV", "Country / Region"}) {
    if (h.Find(name) >= 0) score += 5;
  }
  return score;
}

std::unique_ptr<Importer> CreateWooCustomers(const ImportOptions& options) {
  return std::make_unique<WooCustomersImporter>(options);
}

}  // namespace rapport::import_internal
