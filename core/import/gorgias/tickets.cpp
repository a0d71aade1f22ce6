// Gorgias ticket export. Gorgias does not publish the CSV's column names (FORMATS.md §6c), so this layout
// is an educated guess built from its ticket object (`id`, `channel`, `status`, `created_datetime`,
// `customer.email`, `satisfaction_survey.score` 1-5), with the spellings a spreadsheet would give them;
// docs/formats/feedback.md lists which names are documented and which are guessed. A mapping overrides all.
#include "core/import/internal/common.h"
#include "core/import/internal/feedback.h"

namespace rapport::import_internal {

namespace {

const FeedbackLayout& GorgiasLayout() {
  static const FeedbackLayout kLayout = [] {
    FeedbackLayout l;
    l.what = "a Gorgias tickets export";
    l.key_prefix = "gorgias";
    l.email = {"customer_email", "customer.email", "email"};
    l.customer_id = {"customer_id", "customer.id"};
    l.date = {"created_datetime", "created_date", "created_at", "created"};
    l.score = {"satisfaction_survey_score", "satisfaction_score", "survey_score", "csat"};
    l.comment = {"satisfaction_survey_comment", "survey_comment"};
    l.id = {"ticket_id", "id"};
    l.status = {"status"};
    l.channel = {"channel"};
    return l;
  }();
  return kLayout;
}

}  // namespace

// The API's own `created_datetime` (in any spelling) is Gorgias' mark; `Satisfaction survey score` next to
// a customer email column is the other.
int GorgiasTicketsScore(const CsvRecord& header) {
  HeaderIndex h(header);
  const bool email = h.FindAnyLoose({"customer_email", "customer.email"}) >= 0;
  if (!email) return 0;
  if (h.FindAnyLoose({"created_datetime", "closed_datetime"}) >= 0) return 65;
  if (h.FindAnyLoose({"satisfaction_survey_score"}) >= 0) return 55;
  return 0;
}

std::unique_ptr<Importer> CreateGorgiasTickets(const ImportOptions& options) {
  return CreateFeedbackImporter(GorgiasLayout(), options);
}

}  // namespace rapport::import_internal
