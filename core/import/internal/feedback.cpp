// The shared feedback importer (internal/feedback.h): one class for tickets and surveys, driven by a
// FeedbackLayout. A column mapping (ImportOptions::mapping) overrides every name the layout lists.
#include "core/import/internal/feedback.h"

#include <unordered_map>

#include "core/import/internal/common.h"
#include "core/import/internal/orders.h"
#include "core/util/text.h"

namespace rapport::import_internal {

int FindFirstLoose(const HeaderIndex& header, const Names& names) {
  for (std::string_view name : names) {
    const int i = header.FindLoose(name);
    if (i >= 0) return i;
  }
  return -1;
}

namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

class FeedbackImporter : public Importer {
 public:
  FeedbackImporter(const FeedbackLayout& layout, const ImportOptions& options) : layout_(layout), options_(options) {}

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    c_.Reset(first, file_name);
    const ColumnMapping& m = options_.mapping;
    // A mapped customer column is read as an email when it holds one, and as a platform id either way.
    email_col_ = Resolve(m.email.empty() ? m.customer : m.email, layout_.email);
    customer_col_ = Resolve(m.customer, layout_.customer_id);
    date_ = Resolve(m.date, layout_.date);
    const std::string where = file_name + ":" + std::to_string(first.line()) + ":1: ";
    if (date_ < 0 || (email_col_ < 0 && customer_col_ < 0)) {
      return InvalidArgument(where + layout_.what + " needs an email (or customer id) column and a date column; found " +
                             c_.header.Preview(8) + ". Give a column mapping");
    }
    score_ = Resolve(layout_.surveys ? m.score : m.csat, layout_.score);
    if (score_ < 0 && layout_.surveys && layout_.score_by_question && m.score.empty()) {
      for (size_t i = 0; i < c_.header.size(); ++i) {  // "How likely are you to recommend us ...?"
        if (ContainsIgnoreCase(c_.header.Label(i), "recommend")) score_ = static_cast<int>(i);
      }
    }
    if (score_ < 0 && layout_.surveys) {
      return InvalidArgument(where + layout_.what + " needs a 0-10 score column (nps, score, rating); found " +
                             c_.header.Preview(8) + ". Give a column mapping");
    }
    comment_ = Resolve(m.comment, layout_.comment);
    id_ = Resolve(m.order, layout_.id);
    status_ = Resolve(m.status, layout_.status);
    channel_ = Resolve(m.channel, layout_.channel);
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    ++b->rows_read;
    if (c_.RejectRagged(b, r)) return;
    NormalizeEmailTo(Field(r, email_col_), &email_);
    platform_id_.clear();
    const std::string_view customer = StripExcelGuard(TrimAscii(Field(r, customer_col_)));
    if (!customer.empty() && customer != "0") {
      platform_id_.append(*layout_.key_prefix ? layout_.key_prefix : "generic").append(":").append(customer);
    }
    const std::string_view date_text = TrimAscii(r[static_cast<size_t>(date_)]);
    Timestamp when;
    bool date_ok = ParseTimestamp(date_text, options_.date_format, &when);
    if (!date_ok && layout_.unix_dates && AllDigits(date_text) && date_text.size() >= 9 && date_text.size() <= 10) {
      date_ok = ParseTimestamp(date_text, DateFormat::kUnixSeconds, &when);
    }
    if (!date_ok) {
      c_.RejectCell(b, r, date_, "bad_date", {"expected a date like 2024-03-01 10:15:00, found "}, date_text, {});
      return;
    }
    if (layout_.surveys) {
      Survey(r, b, when.day);
    } else {
      Ticket(r, b, when.day);
    }
  }

  Status End(ImportBatch*) override { return Status::Ok(); }
  // Each row is final when read (its key's repeat number counts earlier rows only): sliced by its rows.
  bool OrdersSliceable() const override { return true; }

 private:
  int Resolve(const std::string& mapped, const Names& names) const {
    return mapped.empty() ? FindFirstLoose(c_.header, names) : c_.header.Find(mapped);
  }

  // "<kind>:[<prefix>:]<id>" when the row has an id; else "<kind>:<email or customer>:<day>:<n>", n counting
  // earlier rows with the same customer and day, so re-importing a file adds nothing and true repeats stay.
  // Returns n, or UINT32_MAX for a key by id; key_ is the whole key when `whole`, else without ":<n>".
  uint32_t Key(const char* kind, const CsvRecord& r, int32_t day, bool whole) {
    const std::string_view id = StripExcelGuard(TrimAscii(Field(r, id_)));
    key_.assign(kind).push_back(':');
    if (!id.empty()) {
      if (*layout_.key_prefix) key_.append(layout_.key_prefix).push_back(':');
      key_.append(id);
      return UINT32_MAX;
    }
    key_.append(email_.empty() ? std::string_view(platform_id_) : std::string_view(email_)).push_back(':');
    AppendDay(&key_, day);
    const uint32_t n = repeats_[key_]++;
    if (whole) {
      key_.push_back(':');
      AppendInt(&key_, n);
    }
    return n;
  }

  void Survey(const CsvRecord& r, ImportBatch* b, int32_t day) {
    if (email_.empty() && platform_id_.empty()) {
      c_.Reject(b, r, email_col_ >= 0 ? email_col_ : customer_col_, "missing_customer",
             "expected an email or a customer id, found nothing");
      return;
    }
    const std::string_view score_text = TrimAscii(r[static_cast<size_t>(score_)]);
    int64_t score = 0;
    if (!ParseInt64(score_text, &score) || score < 0 || score > 10) {
      c_.RejectCell(b, r, score_, "bad_score", {"expected a whole number from 0 to 10, found "}, score_text, {});
      return;
    }
    // A key made from the row is stored as its count only (ImportBatch::Surveys::Keys).
    const uint32_t repeat = Key("survey", r, day, false);
    ImportBatch::Surveys& s = b->surveys;
    s.key.written.Append(repeat == UINT32_MAX ? std::string_view(key_) : std::string_view());
    s.key.repeat.push_back(repeat);
    s.who.Append(email_, {}, platform_id_, {}, {});
    s.day.push_back(day);
    s.score.push_back(static_cast<int8_t>(score));
    s.comment.Append(TrimAscii(Field(r, comment_)));
    s.line.push_back(r.line());
    ++b->rows_accepted;
  }

  void Ticket(const CsvRecord& r, ImportBatch* b, int32_t day) {
    const std::string_view csat_text = TrimAscii(Field(r, score_));
    int64_t csat = -1;
    // 1-5, or Zendesk's Good / Bad (5 / 1); Offered, Not Offered and empty mean no rating.
    if (EqualsIgnoreCase(csat_text, "good")) {
      csat = 5;
    } else if (EqualsIgnoreCase(csat_text, "bad")) {
      csat = 1;
    } else if (!csat_text.empty() && ParseInt64(csat_text, &csat)) {
      if (csat < 1 || csat > 5) {
        c_.WarnCell(b, r, score_, "bad_rating", {"expected a satisfaction score from 1 to 5, found "}, csat_text,
                    "; the ticket is kept without it");
        csat = -1;
      }
    } else {
      csat = -1;
    }
    Key("ticket", r, day, true);
    ImportBatch::Tickets& t = b->tickets;
    t.key.Append(key_);
    t.who.Append(email_, {}, platform_id_, {}, {});
    t.day.push_back(day);
    LowerTo(TrimAscii(Field(r, status_)), &lower_);
    t.status.Append(lower_);
    LowerTo(TrimAscii(Field(r, channel_)), &lower_);
    t.channel.Append(lower_);
    t.csat.push_back(static_cast<int8_t>(csat));
    t.line.push_back(r.line());
    ++b->rows_accepted;
  }

  const FeedbackLayout& layout_;
  ImportOptions options_;
  Cells c_;  // the header, and the reject vocabulary shared with the other platforms' importers
  int email_col_ = -1, customer_col_ = -1, date_ = -1, score_ = -1, comment_ = -1, id_ = -1, status_ = -1,
      channel_ = -1;
  std::string email_, platform_id_, key_, lower_;
  std::unordered_map<std::string, uint32_t> repeats_;
};

}  // namespace

std::unique_ptr<Importer> CreateFeedbackImporter(const FeedbackLayout& layout, const ImportOptions& options) {
  return std::make_unique<FeedbackImporter>(layout, options);
}

}  // namespace rapport::import_internal
