// Yotpo reviews, the snake_case import/export template (FORMATS.md §5c, unconfirmed beyond a public gist):
// `published,review_title,review_content,review_score,date,product_id,display_name,email,comment_content,...`.
// One row per review. docs/formats/reviews.md.
//   - key "yotpo:<email>:<day>:<product_id>:<title>" (stable across re-imports);
//   - `product_id` is the store's product id or SKU: it is matched against product SKUs;
//   - a review without email is kept with the reviewer's name only (it counts in product ratings, not
//     for a customer); `published` false is kept too (the rating is still a signal) with source "yotpo
//     (unpublished)";
//   - dates without an offset get the once-per-file `timezone_assumed` warning.
#include "core/import/internal/common.h"
#include "core/import/internal/orders.h"
#include "core/util/text.h"

namespace rapport::import_internal {

namespace {

constexpr const char* kYotpoLayout =
    "a Yotpo reviews file has published, review_title, review_content, review_score, date, product_id, "
    "display_name, email";

class YotpoReviewsImporter : public Importer {
 public:
  explicit YotpoReviewsImporter(const ImportOptions& options) : options_(options) {}

  Status Begin(const CsvRecord& first, const std::string& file_name, ImportBatch*) override {
    c_.Reset(first, file_name);
    const HeaderIndex& h = c_.header;
    const ColumnMapping& m = options_.mapping;
    published_ = h.Find("published");
    title_ = c_.Pick(m.title, {"review_title", "title"});
    body_ = c_.Pick(m.comment, {"review_content", "content"});
    rating_ = c_.Pick(m.rating, {"review_score", "score"});
    date_ = c_.Pick(m.date, {"date", "created_at", "review_date"});
    product_ = c_.Pick(m.sku, {"product_id", "sku"});
    product_title_ = h.FindAny({"product_title", "product_name"});
    name_ = h.FindAny({"display_name", "user_name", "name"});
    email_col_ = c_.Pick(m.email, {"email", "user_email"});
    if (rating_ < 0) return c_.Missing(first, "review_score", kYotpoLayout);
    if (date_ < 0) return c_.Missing(first, "date", kYotpoLayout);
    return Status::Ok();
  }

  void OnRecord(const CsvRecord& r, ImportBatch* b) override {
    ++b->rows_read;
    if (c_.RejectRagged(b, r)) return;
    const std::string_view rating_text = TrimAscii(Field(r, rating_));
    int64_t rating = 0;
    if (!ParseInt64(rating_text, &rating) || rating < 1 || rating > 5) {
      c_.Reject(b, r, rating_, "bad_rating",
                "`" + c_.Label(rating_) + "`: expected a whole number from 1 to 5, found " +
                    (rating_text.empty() ? std::string("nothing") : Quoted(rating_text)));
      return;
    }
    Timestamp when;
    if (!c_.Date(b, r, date_, options_.date_format,
                 options_.date_format == DateFormat::kAuto ? "2024-06-03 10:11:12" : DateFormatExample(options_.date_format),
                 &when)) {
      return;
    }
    if (!when.has_offset) NoteAssumedTimezone(b, r, date_, c_, &noted_timezone_);
    const std::string_view email_text = TrimAscii(Field(r, email_col_));
    NormalizeEmailTo(email_text, &email_);
    if (email_.empty() && !email_text.empty()) {
      c_.Warn(b, r, email_col_, "bad_email",
              "`" + c_.Label(email_col_) + "`: expected an address like name@example.com, found " + Quoted(email_text) +
                  "; the review is kept without a customer");
    }
    const std::string_view product = StripExcelGuard(Field(r, product_));
    const std::string_view title = TrimAscii(Field(r, title_));
    key_.assign("yotpo:").append(email_).push_back(':');
    AppendDay(&key_, when.day);
    key_.push_back(':');
    key_.append(product).push_back(':');
    key_.append(title);
    std::string_view first, last;
    SplitName(Field(r, name_), &first, &last);
    ImportBatch::Reviews& v = b->reviews;
    v.key.Append(key_);
    v.who.Append(email_, {}, {}, first, last);
    v.product_sku.Append(product);
    v.product_handle.Append({});
    v.product_title.Append(TrimAscii(Field(r, product_title_)));
    v.rating.push_back(static_cast<int8_t>(rating));
    v.day.push_back(when.day);
    v.title.Append(title);
    v.body.Append(TrimAscii(Field(r, body_)));
    v.source.Append(ParseYesNo(Field(r, published_)) == 0 ? std::string_view("yotpo (unpublished)")
                                                           : std::string_view("yotpo"));
    v.line.push_back(r.line());
    ++b->rows_accepted;
  }

  Status End(ImportBatch*) override { return Status::Ok(); }
  // Each row is final when read: the batch may be sliced by its reviews.
  bool OrdersSliceable() const override { return true; }

 private:
  ImportOptions options_;
  Cells c_;
  int published_ = -1, title_ = -1, body_ = -1, rating_ = -1, date_ = -1, product_ = -1, product_title_ = -1,
      name_ = -1, email_col_ = -1;
  bool noted_timezone_ = false;
  std::string email_, key_;
};

}  // namespace

int YotpoReviewsScore(const CsvRecord& header) {
  HeaderIndex h(header);
  if (h.Find("review_score") < 0 || h.Find("review_content") < 0) return 0;
  int score = 60;
  for (const char* name : {"published", "review_title", "date", "product_id", "display_name", "email",
                           "comment_content"}) {
    if (h.Find(name) >= 0) score += 5;
  }
  return score;
}

std::unique_ptr<Importer> CreateYotpoReviews(const ImportOptions& options) {
  return std::make_unique<YotpoReviewsImporter>(options);
}

}  // namespace rapport::import_internal
