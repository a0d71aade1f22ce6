// Typeform results download (Results › Download › CSV): `#` (the response token), one column per question
// titled with the question's text, hidden fields by name (where `email` usually lives), then `Start Date
// (UTC)`, `Submit Date (UTC)`, `Network ID` (FORMATS.md §7b). The NPS answer is the question whose title
// contains "recommend" unless a mapping names it; the date is the submit date, in UTC as the header says.
#include "core/import/internal/common.h"
#include "core/import/internal/feedback.h"

namespace rapport::import_internal {

namespace {

const FeedbackLayout& TypeformLayout() {
  static const FeedbackLayout kLayout = [] {
    FeedbackLayout l;
    l.surveys = true;
    l.what = "a Typeform results file";
    l.key_prefix = "typeform";
    l.email = {"email", "email_address", "e-mail", "what_is_your_email", "whats_your_email_address"};
    l.customer_id = {"customer_id", "user_id"};
    l.date = {"submit_date_utc", "submitted_at", "start_date_utc"};
    l.score = {"nps", "nps_score"};
    l.comment = {"comment", "why", "reason", "feedback"};
    l.id = {"#"};
    l.score_by_question = true;
    return l;
  }();
  return kLayout;
}

}  // namespace

// `#` first and `Submit Date (UTC)` are Typeform's; an NPS question makes it a survey file.
int TypeformSurveysScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (header.size() == 0 || CleanHeaderCell(header[0]) != "#" || h.FindLoose("submit_date_utc") < 0) return 0;
  if (h.FindAnyLoose({"nps", "nps_score"}) >= 0) return 65;
  for (size_t i = 0; i < h.size(); ++i) {
    if (ContainsIgnoreCase(h.Label(i), "recommend")) return 65;
  }
  return 0;
}

std::unique_ptr<Importer> CreateTypeformSurveys(const ImportOptions& options) {
  return CreateFeedbackImporter(TypeformLayout(), options);
}

}  // namespace rapport::import_internal
