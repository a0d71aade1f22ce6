// Generic customer-feedback files: NPS / survey answers (`generic_surveys`) and support tickets
// (`generic_tickets`, which also reads Zendesk's and Freshdesk's ticket exports by their column names).
// One row per answer or ticket; described in docs/formats/generic.md ("Surveys" and "Tickets").
#include <unordered_map>

#include "core/import/header.h"
#include "core/import/internal/common.h"
#include "core/util/text.h"

namespace rapport::import_internal {

namespace {

const std::initializer_list<std::string_view> kEmailNames = {"email", "customer_email", "requester_email", "e-mail",
                                                             "respondent_email", "user_email"};
const std::initializer_list<std::string_view> kDateNames = {
    "date", "created_at", "created", "created_time", "submitted_at", "timestamp", "response_date", "survey_date",
    "ticket_date", "datetime", "time"};

// Shared row plumbing: identity, date and the repeat-counted key.
class FeedbackImporter : public Importer {
 public:
  explicit FeedbackImporter(const ImportOptions& options) : options_(options) {}

 protected:
  int Resolve(const std::string& mapped, std::initializer_list<std::string_view> names) const {
    return mapped.empty() ? header_.FindAnyLoose(names) : header_.Find(mapped);
  }

  Status BeginCommon(const CsvRecord& first, const std::string& file_name, const char* what) {
    header_.Reset(first);
    columns_ = first.size();
    const ColumnMapping& m = options_.mapping;
    email_col_ = Resolve(m.email.empty() ? m.customer : m.email, kEmailNames);
    customer_col_ = m.customer.empty() ? header_.FindAnyLoose({"customer_id", "contact_id", "requester_id"})
                                       : header_.Find(m.customer);
    date_ = Resolve(m.date, kDateNames);
    if (date_ < 0 || (email_col_ < 0 && customer_col_ < 0)) {
      return InvalidArgument(file_name + ":" + std::to_string(first.line()) + ":1: " + what +
                             " needs an email (or customer id) column and a date column; found " +
                             header_.Preview(8) + ". Give a column mapping");
    }
    return Status::Ok();
  }

  void Reject(ImportBatch* b, const CsvRecord& r, int column, const char* code, std::string message) {
    AddIssue(b, r, column, column >= 0 ? header_.Label(static_cast<size_t>(column)) : std::string(), code,
             std::move(message), true);
    ++b->rows_rejected;
  }

  // Identity and date of a row; false after rejecting it.
  bool Common(const CsvRecord& r, ImportBatch* b, Timestamp* when) {
    ++b->rows_read;
    if (r.size() != columns_) {
      Reject(b, r, -1, "ragged_row",
             "expected " + std::to_string(columns_) + " fields (as in the header), found " + std::to_string(r.size()));
      return false;
    }
    NormalizeEmailTo(Field(r, email_col_), &email_);
    platform_id_.clear();
    const std::string_view id = StripExcelGuard(Field(r, customer_col_));
    if (!id.empty() && id != "0") platform_id_.append("generic:").append(id);
    const std::string_view date_text = TrimAscii(r[static_cast<size_t>(date_)]);
    if (!ParseTimestamp(date_text, options_.date_format, when)) {
      Reject(b, r, date_, "bad_date",
             "`" + header_.Label(static_cast<size_t>(date_)) + "`: expected a date like 2024-03-01 10:15:00, found " +
                 (date_text.empty() ? std::string("nothing") : Quoted(date_text)));
      return false;
    }
    return true;
  }

  // "<prefix>:<email or id>:<day>[:<extra>]:<n>", n counting earlier rows with the same key.
  void RepeatKey(const char* prefix, int32_t day, std::string_view extra) {
    key_.assign(prefix).push_back(':');
    key_.append(email_.empty() ? std::string_view(platform_id_) : std::string_view(email_)).push_back(':');
    AppendDay(&key_, day);
    if (!extra.empty()) key_.append(":").append(extra);
    const uint32_t n = repeats_[key_]++;
    key_.push_back(':');
    AppendInt(&key_, n);
  }

  ImportOptions options_;
  HeaderIndex header_;
  size_t columns_ = 0;
  int email_col_ = -1, customer_col_ = -1, date_ = -1;
  std::string email_, platform_id_, key_;
  std::unordered_map<std::string, uint32_t> repeats_;
};

class SurveysImporter : public FeedbackImporter {
 public:
  using FeedbackImporter::FeedbackImporter;

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    RAPPORT_RETURN_IF_ERROR(BeginCommon(first, file_name, "a survey file"));
    score_ = Resolve(options_.mapping.score, {"nps", "score", "nps_score", "rating", "likelihood_to_recommend"});
    if (score_ < 0) {
      for (size_t i = 0; i < header_.size(); ++i) {  // "How likely are you to recommend us ...?"
        if (ContainsIgnoreCase(header_.Label(i), "recommend")) score_ = static_cast<int>(i);
      }
    }
    comment_ = Resolve(options_.mapping.comment, {"comment", "comments", "feedback", "reason", "why", "text"});
    if (score_ < 0) {
      return InvalidArgument(file_name + ":" + std::to_string(first.line()) +
                             ":1: a survey file needs a 0-10 score column (nps, score, rating); found " +
                             header_.Preview(8) + ". Give a column mapping");
    }
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    Timestamp when;
    if (!Common(r, b, &when)) return;
    if (email_.empty() && platform_id_.empty()) {
      Reject(b, r, email_col_ >= 0 ? email_col_ : customer_col_, "missing_customer",
             "expected an email or a customer id, found nothing");
      return;
    }
    const std::string_view score_text = TrimAscii(r[static_cast<size_t>(score_)]);
    int64_t score = 0;
    if (!ParseInt64(score_text, &score) || score < 0 || score > 10) {
      Reject(b, r, score_, "bad_score",
             "`" + header_.Label(static_cast<size_t>(score_)) + "`: expected a whole number from 0 to 10, found " +
                 (score_text.empty() ? std::string("nothing") : Quoted(score_text)));
      return;
    }
    RepeatKey("survey", when.day, {});
    ImportBatch::Surveys& s = b->surveys;
    s.key.Append(key_);
    s.who.Append(email_, {}, platform_id_, {}, {});
    s.day.push_back(when.day);
    s.score.push_back(static_cast<int8_t>(score));
    s.comment.Append(TrimAscii(Field(r, comment_)));
    s.line.push_back(r.line());
    ++b->rows_accepted;
  }

  Status End(ImportBatch*) override { return Status::Ok(); }

 private:
  int score_ = -1, comment_ = -1;
};

class TicketsImporter : public FeedbackImporter {
 public:
  using FeedbackImporter::FeedbackImporter;

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    RAPPORT_RETURN_IF_ERROR(BeginCommon(first, file_name, "a tickets file"));
    const ColumnMapping& m = options_.mapping;
    id_ = Resolve(m.order, {"ticket_id", "id", "ticket"});
    status_ = Resolve(m.status, {"status", "ticket_status"});
    channel_ = Resolve(m.channel, {"channel", "via", "source"});
    csat_ = Resolve(m.csat, {"csat", "satisfaction_score", "satisfaction", "survey_results", "rating"});
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    Timestamp when;
    if (!Common(r, b, &when)) return;
    const std::string_view csat_text = TrimAscii(Field(r, csat_));
    int64_t csat = -1;
    // 1-5, or Zendesk's Good / Bad (5 / 1); Offered, Not Offered and empty mean no rating.
    if (EqualsIgnoreCase(csat_text, "good")) {
      csat = 5;
    } else if (EqualsIgnoreCase(csat_text, "bad")) {
      csat = 1;
    } else if (!csat_text.empty() && ParseInt64(csat_text, &csat)) {
      if (csat < 1 || csat > 5) {
        AddIssue(b, r, csat_, header_.Label(static_cast<size_t>(csat_)), "bad_rating",
                 "`" + header_.Label(static_cast<size_t>(csat_)) + "`: expected a satisfaction score from 1 to 5, found " +
                     Quoted(csat_text) + "; the ticket is kept without it",
                 false);
        csat = -1;
      }
    } else {
      csat = -1;
    }
    const std::string_view id = StripExcelGuard(Field(r, id_));
    if (!id.empty()) {
      key_.assign("ticket:").append(id);
    } else {
      RepeatKey("ticket", when.day, {});
    }
    ImportBatch::Tickets& t = b->tickets;
    t.key.Append(key_);
    t.who.Append(email_, {}, platform_id_, {}, {});
    t.day.push_back(when.day);
    LowerTo(TrimAscii(Field(r, status_)), &lower_);
    t.status.Append(lower_);
    LowerTo(TrimAscii(Field(r, channel_)), &lower_);
    t.channel.Append(lower_);
    t.csat.push_back(static_cast<int8_t>(csat));
    t.line.push_back(r.line());
    ++b->rows_accepted;
  }

  Status End(ImportBatch*) override { return Status::Ok(); }

 private:
  int id_ = -1, status_ = -1, channel_ = -1, csat_ = -1;
  std::string lower_;
};

}  // namespace

// Header names only (the 0-10 values are checked row by row): an email or customer column, a date, a score.
int GenericSurveysScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.FindAnyLoose(kEmailNames) < 0 || h.FindAnyLoose(kDateNames) < 0) return 0;
  int score = h.FindAnyLoose({"nps", "nps_score", "score", "likelihood_to_recommend"}) >= 0 ? 30 : 0;
  for (size_t i = 0; i < h.size() && score == 0; ++i) {
    if (ContainsIgnoreCase(h.Label(i), "recommend")) score = 30;  // "How likely are you to recommend us?"
  }
  return score;
}

int GenericTicketsScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("Requester email") >= 0 && h.Find("Created at") >= 0) return 60;  // Zendesk
  if (h.Find("Ticket ID") >= 0 && h.Find("Created time") >= 0) return 60;      // Freshdesk
  if (h.FindAnyLoose(kEmailNames) < 0 || h.FindAnyLoose(kDateNames) < 0) return 0;
  if (h.FindAnyLoose({"ticket_id", "ticket"}) >= 0) return 30;
  return h.FindAnyLoose({"status", "ticket_status"}) >= 0 && h.FindAnyLoose({"channel", "csat"}) >= 0 ? 25 : 0;
}

std::unique_ptr<Importer> CreateGenericSurveys(const ImportOptions& options) {
  return std::make_unique<SurveysImporter>(options);
}

std::unique_ptr<Importer> CreateGenericTickets(const ImportOptions& options) {
  return std::make_unique<TicketsImporter>(options);
}

}  // namespace rapport::import_internal
