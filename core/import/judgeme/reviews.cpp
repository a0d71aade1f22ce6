// Judge.me reviews export/import layout (`title,body,rating,review_date,source,curated,reviewer_name,
// reviewer_email,product_id,product_handle,reply,...`): one row per review. docs/formats/reviews.md.
#include "core/import/header.h"
#include "core/import/internal/common.h"
#include "core/import/internal/orders.h"
#include "core/util/text.h"

namespace rapport::import_internal {

namespace {

class JudgemeReviewsImporter : public Importer {
 public:
  explicit JudgemeReviewsImporter(const ImportOptions& options) : options_(options) {}

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    c_.Reset(first, file_name);
    const ColumnMapping& m = options_.mapping;
    title_ = c_.header.Find("title");
    body_ = m.comment.empty() ? c_.header.Find("body") : c_.header.Find(m.comment);
    rating_ = m.rating.empty() ? c_.header.Find("rating") : c_.header.Find(m.rating);
    date_ = m.date.empty() ? c_.header.Find("review_date") : c_.header.Find(m.date);
    source_ = c_.header.Find("source");
    curated_ = c_.header.Find("curated");
    name_ = c_.header.Find("reviewer_name");
    email_col_ = m.email.empty() ? c_.header.Find("reviewer_email") : c_.header.Find(m.email);
    product_id_ = c_.header.Find("product_id");
    handle_ = c_.header.Find("product_handle");
    if (rating_ < 0 || date_ < 0) {
      return InvalidArgument(file_name + ":" + std::to_string(first.line()) +
                             ":1: missing column `rating` or `review_date`: a Judge.me reviews file has title, body, "
                             "rating, review_date, ... (found " + c_.header.Preview(6) + ")");
    }
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    ++b->rows_read;
    if (c_.RejectRagged(b, r)) return;
    if (EqualsIgnoreCase(TrimAscii(Field(r, curated_)), "spam")) {
      c_.Reject(b, r, curated_, "spam_review", "`curated` is `spam`: the review is not imported");
      return;
    }
    const std::string_view rating_text = TrimAscii(r[static_cast<size_t>(rating_)]);
    int64_t rating = 0;
    if (!ParseInt64(rating_text, &rating) || rating < 1 || rating > 5) {
      c_.Reject(b, r, rating_, "bad_rating",
             "`" + c_.header.Label(static_cast<size_t>(rating_)) + "`: expected a whole number from 1 to 5, found " +
                 (rating_text.empty() ? std::string("nothing") : Quoted(rating_text)));
      return;
    }
    const std::string_view date_text = TrimAscii(r[static_cast<size_t>(date_)]);
    Timestamp when;
    if (!ParseTimestamp(date_text, options_.date_format, &when)) {
      c_.Reject(b, r, date_, "bad_date",
             "`" + c_.header.Label(static_cast<size_t>(date_)) + "`: expected a date like 2025-03-02 10:12:00 UTC, found " +
                 (date_text.empty() ? std::string("nothing") : Quoted(date_text)));
      return;
    }
    NormalizeEmailTo(Field(r, email_col_), &email_);
    const std::string_view handle = TrimAscii(Field(r, handle_));
    const std::string_view product_id = StripExcelGuard(Field(r, product_id_));
    const std::string_view title = TrimAscii(Field(r, title_));
    key_.assign("judgeme:").append(email_).push_back(':');
    AppendDay(&key_, when.day);
    key_.push_back(':');
    key_.append(handle.empty() ? product_id : handle).push_back(':');
    key_.append(title);
    std::string_view person = TrimAscii(Field(r, name_));
    const size_t space = person.find(' ');
    ImportBatch::Reviews& v = b->reviews;
    v.key.Append(key_);
    v.who.Append(email_, {}, {}, person.substr(0, space),
                 space == std::string_view::npos ? std::string_view() : TrimAscii(person.substr(space + 1)));
    v.product_sku.Append({});
    v.product_handle.Append(handle);
    v.product_title.Append({});
    v.rating.push_back(static_cast<int8_t>(rating));
    v.day.push_back(when.day);
    v.title.Append(title);
    v.body.Append(TrimAscii(Field(r, body_)));
    v.source.Append(TrimAscii(Field(r, source_)));
    v.line.push_back(r.line());
    ++b->rows_accepted;
  }

  Status End(ImportBatch*) override { return Status::Ok(); }
  // Each row is final when read: the batch may be sliced by its reviews.
  bool OrdersSliceable() const override { return true; }

 private:
  ImportOptions options_;
  Cells c_;
  int title_ = -1, body_ = -1, rating_ = -1, date_ = -1, source_ = -1, curated_ = -1, name_ = -1, email_col_ = -1,
      product_id_ = -1, handle_ = -1;
  std::string email_, key_;
};

}  // namespace

int JudgemeReviewsScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("rating") < 0 || h.Find("review_date") < 0 || h.Find("reviewer_email") < 0) return 0;
  int score = 50;
  for (const char* name : {"title", "body", "reviewer_name", "product_handle", "product_id", "curated", "reply"}) {
    if (h.Find(name) >= 0) score += 5;
  }
  return score;
}

std::unique_ptr<Importer> CreateJudgemeReviews(const ImportOptions& options) {
  return std::make_unique<JudgemeReviewsImporter>(options);
}

}  // namespace rapport::import_internal
