// SegmentContext: every per-customer column a segment rule can test, built ONCE per workspace, analysis
// date and currency, then reused for every evaluation (the dashboard re-counts on each keystroke; the caller
// keeps the context until the workspace, as_of or settings change).
//
// Columns are plain arrays indexed by customer id, so a comparison is one vectorisable loop. Numbers, money
// (cents), counts and days are doubles with NaN for "the customer has no such value" (no orders, no reviews):
// every comparison with NaN is false, which is the language's rule for missing values.
//
// Fields that come from other analyses (RFM scores and segment, funnel stage, model predictions) are filled
// by AttachAnalyses (context_analyses.cpp) when this build has them; until then `unavailable[field]` says why,
// and a rule that uses the field is an error rather than a guess.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/analysis/customer_facts.h"
#include "core/segment/ast.h"
#include "core/workspace/workspace.h"

namespace rapport {

constexpr uint8_t kNoEnum = 255;

struct SegmentContext {
  const Workspace* workspace = nullptr;
  int32_t as_of_day = kNoDay;   // relative dates (-90d) count from here
  uint32_t currency = kNoId;    // orders and money are in this currency (AnalysisCurrency)
  size_t customers = 0;
  Settings settings;            // as given, with as_of_day set to the context's analysis date
  // Counted orders per customer (valid, <= as_of, in `currency`): the engine's kept facts, shared, not copied.
  std::shared_ptr<const CustomerFacts> facts_held;
  const CustomerFacts& facts() const { return *facts_held; }

  // Numeric columns by FieldId (empty for text, tags and enum fields, and for unavailable fields).
  std::vector<double> number[kFieldCount];
  // Enum columns by FieldId: an index into EnumValues(field), kNoEnum when the customer has none.
  std::vector<uint8_t> enum_code[kFieldCount];
  // Non-empty when the field cannot be used in this context, saying why ("... is not available until ...").
  std::string unavailable[kFieldCount];

  // Tags: customer c has tag_ids[tag_offsets[c] .. tag_offsets[c + 1]), ids into tag_names (lower-case).
  std::vector<uint32_t> tag_offsets, tag_ids;
  std::vector<std::string> tag_names;
  // The same as one word per customer for a branch-free CONTAINS: bit t for tag id t < 63; bit 63 when the
  // customer also has a tag with id >= 63 (those are checked in the lists above).
  std::vector<uint64_t> tag_mask;

  // Lines of counted orders, grouped by customer: (customer, product, order day).
  std::vector<uint32_t> line_customer, line_product;
  std::vector<int32_t> line_day;
  // The same lines by product: product p's lines are product_lines[product_line_offsets[p] .. [p + 1]), as
  // indexes into line_*, so bought("SKU") touches only that product's buyers.
  std::vector<uint32_t> product_line_offsets, product_lines;
  // Product categories bought, one word per customer: bit k for the k-th category in category_labels
  // (Workspace::labels ids, k < 63); bit 63 when the customer bought in a later category too.
  std::vector<uint32_t> category_labels;
  std::vector<uint64_t> category_mask;

  // Feedback on or before as_of: the best review rating given (0 = none), and the latest complaint — a
  // ticket, a review of 2 stars or less, or an NPS answer of 6 or less — with what it was.
  std::vector<int8_t> max_rating;
  std::vector<int32_t> last_complaint_day;  // kNoDay when none
  enum ComplaintKind : uint8_t { kNoComplaint = 0, kTicket, kLowReview, kLowNps };
  std::vector<uint8_t> last_complaint_kind;
  std::vector<int8_t> last_complaint_score;  // the rating or NPS score (-1 for a ticket)

  // The model fields (p_alive, predicted_clv, next_order_date) are fitted on first use, not when the context
  // is built: most rules never name them, and the fit is the one slow part (seconds at 1,000,000 customers).
  // EnsureModels() fits them once (EvaluateRule calls it when a rule names one); until then their column is
  // empty and models_pending is true. Safe to call on a shared const context: the lazily written columns are
  // guarded by models_mutex and written once.
  bool models_pending = false;
  std::shared_ptr<std::mutex> models_mutex = std::make_shared<std::mutex>();
  void EnsureModels() const;

  bool available(FieldId f) const { return unavailable[static_cast<size_t>(f)].empty(); }
  const std::vector<double>& column(FieldId f) const { return number[static_cast<size_t>(f)]; }
};

struct SegmentContextOptions {
  // Offer the model fields (p_alive, predicted_clv, next_order_date), fitted on first use. Month-end history
  // turns this off: refitting a model for every past month is too slow for a live view.
  bool models = true;
  // Fit them while building instead of on first use (benchmarks, tests of the fit itself). Default false.
  bool eager_models = false;
  // Where the customer facts come from (the engine's kept ones: held, neither copied nor rebuilt); empty = built here.
  FactsSource facts;
};

// The base columns from the workspace (facts, customer fields, reviews, tickets, surveys, order lines), then
// AttachAnalyses. `as_of_day` kNoDay = workspace.AsOf(settings).
SegmentContext BuildSegmentContext(const Workspace& workspace, const Settings& settings, int32_t as_of_day,
                                   const SegmentContextOptions& options = {});

// Fills the fields computed by other analyses (RFM, funnel stage; models when options.eager_models, else
// marks them pending). Defined in context_analyses.cpp, which is the one place that knows those analyses.
void AttachAnalyses(SegmentContext* context, const Workspace& workspace, const Settings& settings,
                    const SegmentContextOptions& options);

// AttachAnalyses in two parts (SegmentContextBuilder's steps): 0 the models' state and RFM, 1 the funnel stage.
void AttachAnalysesPart(SegmentContext* context, const Workspace& workspace, const Settings& settings,
                        const SegmentContextOptions& options, int part);
// Part 0 a piece a call (RFM's parts: core/analysis/rfm RfmBuilder), its work in progress in `under_way` (null
// at the first call, again once done); true once the part is attached, as AttachAnalysesPart(..., 0) does.
struct AnalysesUnderWay;
bool AttachAnalysesPart0Step(SegmentContext* context, const Workspace& workspace, const Settings& settings,
                             const SegmentContextOptions& options, std::shared_ptr<AnalysesUnderWay>* under_way);
// Part 0 from an RFM result of the context's own facts computed elsewhere (the engine's "rfm" op keeps one).
struct RfmResult;
void AttachAnalysesPart0With(SegmentContext* context, const Workspace& workspace, const Settings& settings,
                             const SegmentContextOptions& options, const RfmResult& rfm);

// BuildSegmentContext a part at a time (the engine's steps, core/api/cache.h; at 1,000,000 customers the whole
// took ~1 s natively): the constructor takes the facts (options.facts is called there only), each Run builds one
// part of the columns (the facts' columns, the customer fields and tags, the order lines, the feedback, RFM's
// rankings one a Run, the funnel stage); Result is BuildSegmentContext's. `workspace` must outlive it.
class SegmentContextBuilder {
 public:
  SegmentContextBuilder(const Workspace& workspace, const Settings& settings, int32_t as_of_day,
                        const SegmentContextOptions& options = {});
  ~SegmentContextBuilder();
  SegmentContextBuilder(const SegmentContextBuilder&) = delete;
  SegmentContextBuilder& operator=(const SegmentContextBuilder&) = delete;
  bool done() const;
  // One part; the order lines' copy (a pass over the orders) takes several, `orders_per_run` orders each.
  void Run(size_t orders_per_run = size_t{1} << 20);  // 2^21 took ~0.2 s natively at ws1m's 5.6 M orders
  SegmentContext Result();  // runs what is left first; once
  // The columns from the customer facts (orders, net_spend, aov, the first and last order dates and the days
  // since) are built once the first Run has run: from then on a rule that reads only those
  // (FactsColumnsSuffice) can be evaluated on Partial() with the same members as on Result(), before the other
  // parts (the customer fields, the order lines, RFM, ...) are built. Partial's other columns are not built yet:
  // it is for such rules only, and valid until Result is called.
  bool FactsColumnsBuilt() const;
  const SegmentContext& Partial() const;
  // True when the next Run would begin RFM's rankings: a caller that keeps the RFM result of the same facts
  // (Partial()'s as_of_day, currency and facts) gives it instead, and the part takes its columns from it.
  bool WantsRfm() const;
  void GiveRfm(std::shared_ptr<const RfmResult> rfm);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Whether `node` reads only the columns built from the customer facts (SegmentContextBuilder::Partial):
// comparisons of orders, net_spend, aov, first_order_date, last_order_date, days_since_last_order and
// days_since_first_order, ordered_since and ordered_between (which read the facts), joined by AND, OR, NOT and
// BUT NOT.
bool FactsColumnsSuffice(const Node& node);

// For AttachAnalyses and tests: install a numeric or enum column (size = customers) and mark it available.
void SetNumberColumn(SegmentContext* context, FieldId field, std::vector<double> values);
void SetEnumColumn(SegmentContext* context, FieldId field, std::vector<uint8_t> codes);
// The code of a value of an enum field (matched as NormalizeEnumValue does), kNoEnum if unknown.
uint8_t EnumCode(FieldId field, std::string_view value);
// True for p_alive, predicted_clv and next_order_date (fitted on first use).
bool IsModelField(FieldId field);

}  // namespace rapport
