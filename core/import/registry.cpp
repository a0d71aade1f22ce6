// The list of formats, in the order they are tried; the highest header score wins, ties go to the
// earlier entry. Generic importers score low so that a platform's own format always wins.
#include "core/import/importer.h"
#include "core/import/internal/common.h"

namespace rapport {

using namespace import_internal;

const std::vector<ImporterInfo>& Importers() {
  static const std::vector<ImporterInfo> kImporters = {
      {"shopify_orders", "Shopify", "orders", "Shopify orders export", &ShopifyOrdersScore, &CreateShopifyOrders},
      {"shopify_customers", "Shopify", "customers", "Shopify customers export", &ShopifyCustomersScore,
       &CreateShopifyCustomers},
      {"shopify_products", "Shopify", "products", "Shopify products export", &ShopifyProductsScore,
       &CreateShopifyProducts},
      {"judgeme_reviews", "Judge.me", "reviews", "Judge.me reviews export", &JudgemeReviewsScore,
       &CreateJudgemeReviews},
      {"woocommerce_orders", "WooCommerce", "orders", "WooCommerce Analytics orders report",
       &WooAnalyticsOrdersScore, &CreateWooAnalyticsOrders},
      {"woocommerce_customers", "WooCommerce", "customers", "WooCommerce Analytics customers report",
       &WooCustomersScore, &CreateWooCustomers},
      {"woocommerce_aoe_orders", "WooCommerce", "orders", "WooCommerce Advanced Order Export file",
       &WooAoeOrdersScore, &CreateWooAoeOrders},
      {"magento_orders", "Magento", "orders", "Magento 2 orders grid export", &MagentoOrdersScore,
       &CreateMagentoOrders},
      {"bigcommerce_orders", "BigCommerce", "orders", "BigCommerce orders export", &BigCommerceOrdersScore,
       &CreateBigCommerceOrders},
      {"yotpo_reviews", "Yotpo", "reviews", "Yotpo reviews file", &YotpoReviewsScore, &CreateYotpoReviews},
      {"zendesk_tickets", "Zendesk", "tickets", "Zendesk tickets export", &ZendeskTicketsScore,
       &CreateZendeskTickets},
      {"gorgias_tickets", "Gorgias", "tickets", "Gorgias tickets export", &GorgiasTicketsScore,
       &CreateGorgiasTickets},
      {"generic_tickets", "Generic", "tickets", "support tickets file (Freshdesk, or email, date, status)",
       &GenericTicketsScore, &CreateGenericTickets},
      {"delighted_surveys", "Delighted", "surveys", "Delighted survey responses", &DelightedSurveysScore,
       &CreateDelightedSurveys},
      {"typeform_surveys", "Typeform", "surveys", "Typeform results with an NPS question", &TypeformSurveysScore,
       &CreateTypeformSurveys},
      {"generic_surveys", "Generic", "surveys", "NPS survey file (email, date, 0-10 score)", &GenericSurveysScore,
       &CreateGenericSurveys},
      {"generic_transactions", "Generic", "transactions", "generic transactions file (customer, date, amount)",
       &GenericTransactionsScore, &CreateGenericTransactions},
  };
  return kImporters;
}

const std::vector<std::string_view>& MappingRoles() {
  static const std::vector<std::string_view> kRoles = {"customer", "email",    "phone",  "date",  "amount",  "order",
                                                       "sku",      "title",    "quantity", "currency", "rating", "score",
                                                       "comment",  "status",   "channel", "csat"};
  return kRoles;
}

std::string* MappingRole(ColumnMapping* m, std::string_view role) {
  std::string* fields[] = {&m->customer, &m->email, &m->phone, &m->date,     &m->amount, &m->order,
                           &m->sku,      &m->title, &m->quantity, &m->currency, &m->rating, &m->score,
                           &m->comment,  &m->status, &m->channel, &m->csat};
  const std::vector<std::string_view>& roles = MappingRoles();
  for (size_t i = 0; i < roles.size(); ++i) {
    if (roles[i] == role) return fields[i];
  }
  return nullptr;
}

const std::string* MappingRole(const ColumnMapping& m, std::string_view role) {
  return MappingRole(const_cast<ColumnMapping*>(&m), role);
}

const ImporterInfo* FindImporter(std::string_view format) {
  for (const ImporterInfo& info : Importers()) {
    if (format == info.format) return &info;
  }
  return nullptr;
}

const ImporterInfo* DetectImporter(const CsvRecord& header, const ImportOptions& options) {
  if (!options.format.empty() && options.format != "auto") return FindImporter(options.format);
  const ImporterInfo* best = nullptr;
  int best_score = 0;
  for (const ImporterInfo& info : Importers()) {
    const int score = info.score(header);
    if (score > best_score) {
      best = &info;
      best_score = score;
    }
  }
  // A column mapping makes any file a generic transactions file when nothing else claims it.
  // The mapping's roles say which kind of file it is.
  if (best == nullptr && !options.mapping.empty()) {
    const ColumnMapping& m = options.mapping;
    if (!m.score.empty()) return FindImporter("generic_surveys");
    if (!m.status.empty() || !m.channel.empty() || !m.csat.empty()) return FindImporter("generic_tickets");
    best = FindImporter("generic_transactions");
  }
  return best;
}

}  // namespace rapport
