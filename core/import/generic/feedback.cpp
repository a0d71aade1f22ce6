// Generic customer-feedback files: NPS / survey answers (`generic_surveys`) and support tickets
// (`generic_tickets`, which also reads Freshdesk's ticket export by its column names). One row per answer
// or ticket; the row handling is internal/feedback.cpp's, and docs/formats/feedback.md describes the files.
#include "core/import/internal/common.h"
#include "core/import/internal/feedback.h"

namespace rapport::import_internal {

namespace {

const Names kEmailNames = {"email", "customer_email", "requester_email", "e-mail", "respondent_email", "user_email"};
const Names kDateNames = {"date",        "created_at",  "created",     "created_time", "submitted_at", "timestamp",
                          "response_date", "survey_date", "ticket_date", "datetime",     "time"};

}  // namespace

const FeedbackLayout& GenericSurveysLayout() {
  static const FeedbackLayout kLayout = [] {
    FeedbackLayout l;
    l.surveys = true;
    l.what = "a survey file";
    l.email = kEmailNames;
    l.customer_id = {"customer_id", "contact_id", "requester_id"};
    l.date = kDateNames;
    l.score = {"nps", "score", "nps_score", "rating", "likelihood_to_recommend"};
    l.comment = {"comment", "comments", "feedback", "reason", "why", "text"};
    l.score_by_question = true;
    return l;
  }();
  return kLayout;
}

const FeedbackLayout& GenericTicketsLayout() {
  static const FeedbackLayout kLayout = [] {
    FeedbackLayout l;
    l.what = "a tickets file";
    l.email = kEmailNames;
    l.customer_id = {"customer_id", "contact_id", "requester_id"};
    l.date = kDateNames;
    l.score = {"csat", "satisfaction_score", "satisfaction", "survey_results", "rating"};
    l.id = {"ticket_id", "id", "ticket"};
    l.status = {"status", "ticket_status"};
    l.channel = {"channel", "via", "source"};
    return l;
  }();
  return kLayout;
}

// Header names only (the 0-10 values are checked row by row): an email or customer column, a date, a score.
int GenericSurveysScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (FindFirstLoose(h, kEmailNames) < 0 || FindFirstLoose(h, kDateNames) < 0) return 0;
  if (h.FindAnyLoose({"nps", "nps_score", "score", "likelihood_to_recommend"}) >= 0) return 30;
  for (size_t i = 0; i < h.size(); ++i) {
    if (ContainsIgnoreCase(h.Label(i), "recommend")) return 30;  // "How likely are you to recommend us?"
  }
  return 0;
}

int GenericTicketsScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("Ticket ID") >= 0 && h.Find("Created time") >= 0) return 60;  // Freshdesk
  if (FindFirstLoose(h, kEmailNames) < 0 || FindFirstLoose(h, kDateNames) < 0) return 0;
  if (h.FindAnyLoose({"ticket_id", "ticket"}) >= 0) return 30;
  return h.FindAnyLoose({"status", "ticket_status"}) >= 0 && h.FindAnyLoose({"channel", "csat"}) >= 0 ? 25 : 0;
}

std::unique_ptr<Importer> CreateGenericSurveys(const ImportOptions& options) {
  return CreateFeedbackImporter(GenericSurveysLayout(), options);
}

std::unique_ptr<Importer> CreateGenericTickets(const ImportOptions& options) {
  return CreateFeedbackImporter(GenericTicketsLayout(), options);
}

}  // namespace rapport::import_internal
