// Zendesk's ticket export (Admin Center › Reports › Export › CSV): one row per ticket, customer in
// `Requester email`, CSAT in `Satisfaction Score` as Good / Bad / Offered / Not Offered. Column list in
// docs/formats/feedback.md (FORMATS.md §6a); the rows are handled by internal/feedback.cpp.
#include "core/import/internal/common.h"
#include "core/import/internal/feedback.h"

namespace rapport::import_internal {

namespace {

const FeedbackLayout& ZendeskLayout() {
  static const FeedbackLayout kLayout = [] {
    FeedbackLayout l;
    l.what = "a Zendesk tickets export";
    l.key_prefix = "zendesk";
    l.email = {"requester_email"};
    l.customer_id = {"requester_id"};
    l.date = {"created_at"};
    l.score = {"satisfaction_score"};
    l.id = {"id"};
    l.status = {"status"};
    l.channel = {"via"};
    return l;
  }();
  return kLayout;
}

}  // namespace

// `Requester email` and `Created at` are the documented pair; `Summation column` or `Via` make it certain.
int ZendeskTicketsScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("Requester email") < 0 || h.Find("Created at") < 0) return 0;
  return h.Find("Summation column") >= 0 || h.Find("Via") >= 0 ? 70 : 60;
}

std::unique_ptr<Importer> CreateZendeskTickets(const ImportOptions& options) {
  return CreateFeedbackImporter(ZendeskLayout(), options);
}

}  // namespace rapport::import_internal
