// Delighted survey responses. Delighted documents its API response (`id`, `person.email`, `score` 0-10,
// `comment`, `permalink`, `created_at` in Unix seconds, `survey_type`) but not the CSV's header
// (FORMATS.md §7a); this layout reads the names a CSV of those fields is expected to carry, accepts
// Unix-seconds and ISO dates, and keeps only NPS answers' 0-10 scores. docs/formats/feedback.md says
// which names are documented and which are guessed. A mapping overrides all.
#include "core/import/internal/common.h"
#include "core/import/internal/feedback.h"

namespace rapport::import_internal {

namespace {

const FeedbackLayout& DelightedLayout() {
  static const FeedbackLayout kLayout = [] {
    FeedbackLayout l;
    l.surveys = true;
    l.what = "a Delighted responses export";
    l.key_prefix = "delighted";
    l.email = {"email", "person_email", "person.email"};
    l.customer_id = {"person_id", "person"};
    l.date = {"created_at", "response_timestamp", "date"};
    l.score = {"score"};
    l.comment = {"comment"};
    l.id = {"response_id", "id"};
    l.unix_dates = true;
    return l;
  }();
  return kLayout;
}

}  // namespace

// `Permalink` (a link to the response on delighted.com) beside `Score` and an email is Delighted's mark.
int DelightedSurveysScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.FindLoose("permalink") < 0 || h.FindLoose("score") < 0) return 0;
  if (h.FindAnyLoose({"email", "person_email", "person.email"}) < 0) return 0;
  return h.FindAnyLoose({"survey_type", "response_id"}) >= 0 ? 65 : 55;
}

std::unique_ptr<Importer> CreateDelightedSurveys(const ImportOptions& options) {
  return CreateFeedbackImporter(DelightedLayout(), options);
}

}  // namespace rapport::import_internal
