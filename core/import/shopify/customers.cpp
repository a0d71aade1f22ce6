// The Shopify customers export (Admin > Customers > Export): one row per customer, three header generations
// (<=2021, 2022-2023, 2024+ with `Customer ID` and `Default Address ...` columns). Described in
// docs/formats/shopify.md ("Customers export"); columns are found by name once, in Begin().
#include "core/import/header.h"
#include "core/import/internal/common.h"
#include "core/util/text.h"

namespace rapport::import_internal {

namespace {

class ShopifyCustomersImporter : public Importer {
 public:
  explicit ShopifyCustomersImporter(const ImportOptions& options) : options_(options) {}

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    header_.Reset(first);
    columns_ = first.size();
    const ColumnMapping& m = options_.mapping;
    email_col_ = m.email.empty() ? header_.Find("Email") : header_.Find(m.email);
    phone_col_ = m.phone.empty() ? header_.Find("Phone") : header_.Find(m.phone);
    address_phone_ = header_.Find("Default Address Phone");
    id_col_ = m.customer.empty() ? header_.Find("Customer ID") : header_.Find(m.customer);
    first_name_ = header_.Find("First Name");
    last_name_ = header_.Find("Last Name");
    country_ = header_.FindAny({"Country Code", "Default Address Country Code", "Country"});
    tags_ = header_.Find("Tags");
    accepts_ = header_.FindAny({"Accepts Email Marketing", "Accepts Marketing"});
    spent_ = header_.Find("Total Spent");
    orders_ = header_.Find("Total Orders");
    if (email_col_ >= 0) email_label_ = header_.Label(static_cast<size_t>(email_col_));
    if (email_col_ < 0 && id_col_ < 0) {
      return InvalidArgument(file_name + ":" + std::to_string(first.line()) +
                             ":1: missing column `Email`: a Shopify customers export has First Name, Last Name, "
                             "Email, ..., Total Spent, Total Orders, ... (found " + header_.Preview(6) + ")");
    }
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    ++b->rows_read;
    if (r.size() != columns_) {
      message_.assign("expected ");
      AppendInt(&message_, static_cast<int64_t>(columns_));
      message_.append(" fields (as in the header), found ");
      AppendInt(&message_, static_cast<int64_t>(r.size()));
      AddIssue(b, r, -1, "", "ragged_row", message_, true);
      ++b->rows_rejected;
      return;
    }
    const std::string_view email_text = TrimAscii(Field(r, email_col_));
    NormalizeEmailTo(email_text, &email_);
    NormalizePhoneTo(Field(r, phone_col_), &phone_);
    if (phone_.empty()) NormalizePhoneTo(Field(r, address_phone_), &phone_);
    const std::string_view id = StripExcelGuard(Field(r, id_col_));
    platform_id_.clear();
    if (!id.empty()) platform_id_.append("shopify:").append(id);
    if (email_.empty() && phone_.empty() && platform_id_.empty()) {
      message_.assign("expected an email, a phone or a customer id, found ");
      if (email_text.empty()) {
        message_.append("none");
      } else {
        message_.append("the email ");
        AppendQuoted(&message_, email_text);
      }
      AddIssue(b, r, email_col_, email_col_ >= 0 ? std::string_view(email_label_) : std::string_view(),
               "missing_customer", message_, true);
      ++b->rows_rejected;
      return;
    }
    int64_t spent = -1;
    const std::string_view spent_text = TrimAscii(Field(r, spent_));
    if (!spent_text.empty() && !ParseMoneyCents(spent_text, &spent, options_.decimal_separator)) {
      spent = -1;
      message_.assign("`Total Spent`: expected an amount like 125.40, found ");
      AppendQuoted(&message_, spent_text);
      message_.append("; the customer is kept without it");
      AddIssue(b, r, spent_, "Total Spent", "bad_amount", message_, false);
    }
    int64_t orders = -1;
    const std::string_view orders_text = TrimAscii(Field(r, orders_));
    if (!orders_text.empty() && (!ParseInt64(orders_text, &orders) || orders < 0 || orders > INT32_MAX)) {
      orders = -1;
      message_.assign("`Total Orders`: expected a whole number like 3, found ");
      AppendQuoted(&message_, orders_text);
      message_.append("; the customer is kept without it");
      AddIssue(b, r, orders_, "Total Orders", "bad_quantity", message_, false);
    }
    ImportBatch::Customers& c = b->customers;
    c.who.Append(email_, phone_, platform_id_, TrimAscii(Field(r, first_name_)), TrimAscii(Field(r, last_name_)));
    c.country.Append(TrimAscii(Field(r, country_)));
    c.tags.Append(TrimAscii(Field(r, tags_)));
    c.accepts_marketing.push_back(ParseYesNo(Field(r, accepts_)));
    c.reported_spent_cents.push_back(spent);
    c.reported_orders.push_back(static_cast<int32_t>(orders));
    c.line.push_back(r.line());
    ++b->rows_accepted;
  }

  Status End(ImportBatch*) override { return Status::Ok(); }
  // One row a customer, final when read: a large export is merged in slices of customers.
  bool OrdersSliceable() const override { return true; }

 private:
  ImportOptions options_;
  HeaderIndex header_;
  size_t columns_ = 0;
  int email_col_ = -1, phone_col_ = -1, address_phone_ = -1, id_col_ = -1, first_name_ = -1, last_name_ = -1, country_ = -1, tags_ = -1,
      accepts_ = -1, spent_ = -1, orders_ = -1;
  std::string email_, phone_, platform_id_;
  std::string email_label_;  // the email column's label, for messages
  std::string message_;      // a bad row's message, built in place
};

}  // namespace

int ShopifyCustomersScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("Total Spent") < 0 || h.Find("Total Orders") < 0 || h.Find("Email") < 0) return 0;
  int score = 50;
  for (const char* name : {"First Name", "Last Name", "Accepts Email Marketing", "Accepts Marketing", "Customer ID",
                           "Tax Exempt", "Accepts SMS Marketing"}) {
    if (h.Find(name) >= 0) score += 5;
  }
  return score;
}

std::unique_ptr<Importer> CreateShopifyCustomers(const ImportOptions& options) {
  return std::make_unique<ShopifyCustomersImporter>(options);
}

}  // namespace rapport::import_internal
