#include "core/segment/context.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/util/text.h"

namespace rapport {

namespace {
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

size_t Index(FieldId f) { return static_cast<size_t>(f); }
}  // namespace

void SetNumberColumn(SegmentContext* context, FieldId field, std::vector<double> values) {
  context->number[Index(field)] = std::move(values);
  context->unavailable[Index(field)].clear();
}

void SetEnumColumn(SegmentContext* context, FieldId field, std::vector<uint8_t> codes) {
  context->enum_code[Index(field)] = std::move(codes);
  context->unavailable[Index(field)].clear();
}

uint8_t EnumCode(FieldId field, std::string_view value) {
  const std::string normal = NormalizeEnumValue(value);
  const auto& values = EnumValues(field);
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == normal) return static_cast<uint8_t>(i);
  }
  return kNoEnum;
}

SegmentContext BuildSegmentContext(const Workspace& ws, const Settings& settings, int32_t as_of_day,
                                   const SegmentContextOptions& options) {
  SegmentContextBuilder builder(ws, settings, as_of_day, options);
  return builder.Result();
}

// The parts of a build (SegmentContextBuilder::Run), in order: the facts (constructor), their columns, the
// customer fields and tags, the order lines (where each order's go; the lines; by product and the categories),
// the feedback, RFM (its rankings a Run each: RfmBuilder), the funnel stage.
constexpr int kSegmentParts = 9;

struct SegmentContextBuilder::State {
  State(const Workspace& w, const Settings& s, const SegmentContextOptions& o) : ws(w), settings(s), options(o) {}
  const Workspace& ws;
  const Settings settings;
  SegmentContextOptions options;
  SegmentContext ctx;
  int part = 1;
  // Between the order lines' parts: each order's lines with a product, and where they go in line_*.
  static constexpr uint32_t kNotCounted = UINT32_MAX;
  std::vector<uint32_t> kept, at;
  uint32_t total = 0;
  size_t next_order = 0;  // the lines' parts: the next order to count or to copy
  bool kept_counted = false;  // `kept` is complete
  size_t next_customer = 0;  // where the lines go: the next customer
  size_t lines_sized = 0;     // the lines' columns made this long so far (their part's first Runs)
  // The lines by product and the categories' masks (part 5): which pass (count, room, deal, masks), the next
  // line, each product's next place and its dense category.
  int lines_phase = 0;
  size_t next_line = 0;
  std::vector<uint32_t> cursor, product_category;
  std::shared_ptr<AnalysesUnderWay> analyses;  // RFM's part, between its pieces (AttachAnalysesPart0Step)
  std::shared_ptr<const RfmResult> rfm;        // given instead (GiveRfm)
};

SegmentContextBuilder::SegmentContextBuilder(const Workspace& ws, const Settings& settings, int32_t as_of_day,
                                             const SegmentContextOptions& options)
    : s_(std::make_unique<State>(ws, settings, options)) {
  SegmentContext& ctx = s_->ctx;
  ctx.workspace = &ws;
  ctx.as_of_day = as_of_day != kNoDay ? as_of_day : (settings.as_of_day != kNoDay ? settings.as_of_day : ws.LatestValidOrderDay());
  ctx.currency = AnalysisCurrency(ws, settings);
  ctx.settings = settings;
  ctx.settings.as_of_day = ctx.as_of_day;
  ctx.customers = ws.customers.size();
  // Held, not copied (the engine's kept facts are shared: a copy at 1,000,000 customers took ~0.4 s).
  ctx.facts_held = options.facts ? options.facts(ctx.as_of_day, ctx.currency)
                                 : std::make_shared<const CustomerFacts>(BuildCustomerFacts(ws, ctx.as_of_day, ctx.currency));
  s_->options.facts = FactsSource();  // used here only (the engine's source reads the call it came with)
}

SegmentContextBuilder::~SegmentContextBuilder() = default;

bool SegmentContextBuilder::done() const { return s_->part >= kSegmentParts; }

void SegmentContextBuilder::Run(size_t orders_per_run) {
  State& s = *s_;
  SegmentContext& ctx = s.ctx;
  const Workspace& ws = s.ws;
  const Settings& settings = s.settings;
  const SegmentContextOptions& options = s.options;
  const size_t n = ctx.customers;
  const CustomerFacts& f = ctx.facts();
  const int32_t as_of = ctx.as_of_day;
  switch (s.part) {
    case 1: {
      // --- From the customer facts -------------------------------------------------------------------
      std::vector<double> orders(n), net(n, kMissing), aov(n, kMissing), first(n, kMissing), last(n, kMissing),
          since_last(n, kMissing), since_first(n, kMissing);
      for (size_t c = 0; c < n; ++c) {
        orders[c] = f.orders[c];
        if (f.orders[c] == 0) continue;
        net[c] = static_cast<double>(f.net_cents[c]);
        aov[c] = std::round(static_cast<double>(f.net_cents[c]) / f.orders[c]);
        first[c] = f.first_day[c];
        last[c] = f.last_day[c];
        if (as_of != kNoDay) {
          since_last[c] = as_of - f.last_day[c];
          since_first[c] = as_of - f.first_day[c];
        }
      }
      SetNumberColumn(&ctx, FieldId::kOrders, std::move(orders));
      SetNumberColumn(&ctx, FieldId::kNetSpend, std::move(net));
      SetNumberColumn(&ctx, FieldId::kAov, std::move(aov));
      SetNumberColumn(&ctx, FieldId::kFirstOrderDate, std::move(first));
      SetNumberColumn(&ctx, FieldId::kLastOrderDate, std::move(last));
      SetNumberColumn(&ctx, FieldId::kDaysSinceLastOrder, std::move(since_last));
      SetNumberColumn(&ctx, FieldId::kDaysSinceFirstOrder, std::move(since_first));
      break;
    }
    case 2: {
      // --- Customer fields ---------------------------------------------------------------------------
      const CustomerTable& cu = ws.customers;
      std::vector<double> accepts(n, kMissing);
      std::vector<uint8_t> subscription(n, EnumCode(FieldId::kEmailSubscriptionStatus, "unknown"));
      const uint8_t yes = EnumCode(FieldId::kEmailSubscriptionStatus, "subscribed");
      const uint8_t no = EnumCode(FieldId::kEmailSubscriptionStatus, "not_subscribed");
      for (size_t c = 0; c < n && c < cu.accepts_marketing.size(); ++c) {
        if (cu.accepts_marketing[c] == 1) {
          accepts[c] = 1;
          subscription[c] = yes;
        } else if (cu.accepts_marketing[c] == 0) {
          accepts[c] = 0;
          subscription[c] = no;
        }
      }
      SetNumberColumn(&ctx, FieldId::kAcceptsMarketing, std::move(accepts));
      SetEnumColumn(&ctx, FieldId::kEmailSubscriptionStatus, std::move(subscription));

      // Tags: split on commas, trimmed, lower-cased, interned.
      std::unordered_map<std::string, uint32_t> tag_index;
      ctx.tag_offsets.assign(n + 1, 0);
      for (size_t c = 0; c < n; ++c) {
        if (c < cu.tags.size()) {
          std::string_view rest = cu.tags[c];
          while (!rest.empty()) {
            const size_t comma = rest.find(',');
            const std::string_view part = TrimAscii(rest.substr(0, comma));
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            if (part.empty()) continue;
            std::string lower = ToLowerAscii(part);
            auto it = tag_index.find(lower);
            uint32_t id;
            if (it == tag_index.end()) {
              id = static_cast<uint32_t>(ctx.tag_names.size());
              tag_index.emplace(lower, id);
              ctx.tag_names.push_back(std::move(lower));
            } else {
              id = it->second;
            }
            ctx.tag_ids.push_back(id);
          }
        }
        ctx.tag_offsets[c + 1] = static_cast<uint32_t>(ctx.tag_ids.size());
      }
      ctx.tag_mask.assign(n, 0);
      for (size_t c = 0; c < n; ++c) {
        uint64_t mask = 0;
        for (uint32_t k = ctx.tag_offsets[c]; k < ctx.tag_offsets[c + 1]; ++k) {
          mask |= uint64_t{1} << std::min<uint32_t>(ctx.tag_ids[k], 63);
        }
        ctx.tag_mask[c] = mask;
      }
      break;
    }
    case 3: {
      // --- Order lines of counted orders, grouped by customer -----------------------------------------
      const OrderTable& o = ws.orders;
      const OrderLineTable& l = ws.lines;
      // Grouped by customer (in the facts' order of their orders), each order's lines in file order. Built in
      // three passes that read the orders and lines in sequence: looking each customer's orders up through their
      // ids costs a cache miss per order and per line at 5.6 M orders (most of this function's time, before).
      const size_t orders = o.first_line.size();
      auto line_end = [&](uint32_t order) { return std::min<size_t>(o.first_line[order] + size_t{o.line_count[order]}, l.size()); };
      // Both passes a range at a time, about orders_per_run orders a Run (the second's lookups through the
      // customers' order ids took ~0.1 s natively at 5.6 M orders).
      size_t budget = std::max<size_t>(orders_per_run, 1);
      // 1. The lines with a known product, per order.
      std::vector<uint32_t>& kept = s.kept;
      if (!s.kept_counted) {
        if (s.next_order == 0) kept.assign(orders, 0);
        const size_t end = std::min(orders, s.next_order + budget);
        for (uint32_t order = static_cast<uint32_t>(s.next_order); order < end; ++order) {
          uint32_t k = 0;
          for (size_t li = o.first_line[order]; li < line_end(order); ++li) k += l.product[li] != kNoId;
          kept[order] = k;
        }
        budget -= end - s.next_order;
        s.next_order = end;
        if (end < orders) return;  // this part again
        s.next_order = 0;
        s.kept_counted = true;
        if (budget == 0) return;
      }
      // 2. Where each counted order's lines go, customers in id order.
      std::vector<uint32_t>& at = s.at;
      if (s.next_customer == 0) at.assign(orders, State::kNotCounted);
      uint32_t total = s.total;
      uint32_t c = static_cast<uint32_t>(s.next_customer);
      for (size_t done = 0; c < n && done < budget; ++c) {
        for (const uint32_t* p = f.begin_orders(c); p != f.end_orders(c); ++p) {
          if (*p >= orders) continue;
          at[*p] = total;
          total += kept[*p];
        }
        done += static_cast<size_t>(f.end_orders(c) - f.begin_orders(c));
      }
      s.total = total;
      s.next_customer = c;
      if (c < n) return;  // this part again
      break;
    }
    case 4: {
      // 3. The lines themselves (the next part, the same order lines).
      const OrderTable& o = ws.orders;
      const OrderLineTable& l = ws.lines;
      const size_t orders = o.first_line.size();
      auto line_end = [&](uint32_t order) { return std::min<size_t>(o.first_line[order] + size_t{o.line_count[order]}, l.size()); };
      const std::vector<uint32_t>& kept = s.kept;
      const std::vector<uint32_t>& at = s.at;
      const uint32_t total = s.total;
      // First the three columns' room, 2 * orders_per_run lines a Run: the zeroing and first touch of their
      // ~150 MB at ws1m's lines took ~0.45 s natively when done in one Run (~3 ms a MB on this VM).
      if (s.lines_sized < total) {
        if (s.lines_sized == 0) {
          ctx.line_customer.reserve(total);
          ctx.line_product.reserve(total);
          ctx.line_day.reserve(total);
        }
        s.lines_sized = std::min<size_t>(total, s.lines_sized + 2 * std::max<size_t>(orders_per_run, 1));
        ctx.line_customer.resize(s.lines_sized);
        ctx.line_product.resize(s.lines_sized);
        ctx.line_day.resize(s.lines_sized);
        return;  // this part again
      }
      // orders_per_run orders a Run (the lines of 5.6 M orders took ~0.5 s natively in one).
      const size_t end = std::min(orders, s.next_order + std::max<size_t>(orders_per_run, 1));
      for (uint32_t order = static_cast<uint32_t>(s.next_order); order < end; ++order) {
        if (at[order] == State::kNotCounted || kept[order] == 0) continue;
        uint32_t to = at[order];
        const uint32_t customer = o.customer[order];
        for (size_t li = o.first_line[order]; li < line_end(order); ++li) {
          if (l.product[li] == kNoId) continue;
          ctx.line_customer[to] = customer;
          ctx.line_product[to] = l.product[li];
          ctx.line_day[to] = o.day[order];
          ++to;
        }
      }
      s.next_order = end;
      if (end < orders) return;  // this part again
      s.kept = std::vector<uint32_t>();
      s.at = std::vector<uint32_t>();
      break;
    }
    case 5: {
      // Counting sort of the lines by product, then the categories bought as a mask per customer (dense
      // category index in order of first appearance): 4 * orders_per_run lines a Run (in one, ~0.16-0.24 s
      // natively at ws1m's ~12 M lines).
      const size_t products = ws.products.size();
      const size_t lines = ctx.line_product.size();
      size_t budget = 4 * std::max<size_t>(orders_per_run, 1);
      if (s.lines_phase == 0) {  // each product's lines counted
        if (s.next_line == 0) ctx.product_line_offsets.assign(products + 1, 0);
        const size_t end = std::min(lines, s.next_line + budget);
        for (size_t i = s.next_line; i < end; ++i) {
          const uint32_t p = ctx.line_product[i];
          if (p < products) ++ctx.product_line_offsets[p + 1];
        }
        budget -= end - s.next_line;
        s.next_line = end;
        if (end < lines) return;  // this part again
        for (size_t p = 0; p < products; ++p) ctx.product_line_offsets[p + 1] += ctx.product_line_offsets[p];
        ctx.product_lines.reserve(ctx.product_line_offsets[products]);
        s.cursor.assign(ctx.product_line_offsets.begin(), ctx.product_line_offsets.end() - 1);
        s.next_line = 0;
        s.lines_phase = 1;
        if (budget == 0) return;
      }
      if (s.lines_phase == 1) {  // their room, a range a Run (zeroing and first touch: as the lines' columns')
        const size_t size = ctx.product_line_offsets[products];
        const size_t end = std::min(size, ctx.product_lines.size() + budget);
        budget -= end - ctx.product_lines.size();
        ctx.product_lines.resize(end);
        if (end < size) return;  // this part again
        s.lines_phase = 2;
        if (budget == 0) return;
      }
      if (s.lines_phase == 2) {  // the lines dealt to their products
        const size_t end = std::min(lines, s.next_line + budget);
        for (size_t i = s.next_line; i < end; ++i) {
          const uint32_t p = ctx.line_product[i];
          if (p < products) ctx.product_lines[s.cursor[p]++] = static_cast<uint32_t>(i);
        }
        budget -= end - s.next_line;
        s.next_line = end;
        if (end < lines) return;  // this part again
        std::unordered_map<uint32_t, uint32_t> category_index;
        s.product_category.assign(products, UINT32_MAX);
        for (size_t p = 0; p < products && p < ws.products.category.size(); ++p) {
          const uint32_t label = ws.products.category[p];
          if (label == 0) continue;
          auto it = category_index.find(label);
          if (it == category_index.end()) {
            it = category_index.emplace(label, static_cast<uint32_t>(ctx.category_labels.size())).first;
            ctx.category_labels.push_back(label);
          }
          s.product_category[p] = it->second;
        }
        ctx.category_mask.assign(n, 0);
        s.next_line = 0;
        s.lines_phase = 3;
        if (budget == 0) return;
      }
      // The categories' masks.
      const size_t end = std::min(lines, s.next_line + budget);
      for (size_t i = s.next_line; i < end; ++i) {
        const uint32_t p = ctx.line_product[i];
        if (p >= products || s.product_category[p] == UINT32_MAX) continue;
        ctx.category_mask[ctx.line_customer[i]] |= uint64_t{1} << std::min<uint32_t>(s.product_category[p], 63);
      }
      s.next_line = end;
      if (end < lines) return;  // this part again
      s.cursor = std::vector<uint32_t>();
      s.product_category = std::vector<uint32_t>();
      break;
    }
    case 6: {
      // --- Feedback -----------------------------------------------------------------------------------
      std::vector<double> reviews(n, 0), min_rating(n, kMissing), sum_rating(n, 0), tickets(n, 0), nps(n, kMissing);
      std::vector<int32_t> nps_day(n, kNoDay);
      ctx.max_rating.assign(n, 0);
      ctx.last_complaint_day.assign(n, kNoDay);
      ctx.last_complaint_kind.assign(n, SegmentContext::kNoComplaint);
      ctx.last_complaint_score.assign(n, -1);
      auto complaint = [&](uint32_t c, int32_t day, uint8_t kind, int8_t score) {
        if (ctx.last_complaint_day[c] == kNoDay || day > ctx.last_complaint_day[c] ||
            (day == ctx.last_complaint_day[c] && kind > ctx.last_complaint_kind[c])) {
          ctx.last_complaint_day[c] = day;
          ctx.last_complaint_kind[c] = kind;
          ctx.last_complaint_score[c] = score;
        }
      };
      auto counted = [&](int32_t day) { return as_of == kNoDay || day == kNoDay || day <= as_of; };
      const ReviewTable& r = ws.reviews;
      for (size_t i = 0; i < r.size(); ++i) {
        const uint32_t c = r.customer[i];
        if (c >= n || !counted(r.day[i])) continue;
        const int8_t rating = r.rating[i];
        reviews[c] += 1;
        sum_rating[c] += rating;
        if (std::isnan(min_rating[c]) || rating < min_rating[c]) min_rating[c] = rating;
        if (rating > ctx.max_rating[c]) ctx.max_rating[c] = rating;
        if (rating <= 2 && r.day[i] != kNoDay) complaint(c, r.day[i], SegmentContext::kLowReview, rating);
      }
      std::vector<double> avg(n, kMissing);
      for (size_t c = 0; c < n; ++c) {
        if (reviews[c] > 0) avg[c] = sum_rating[c] / reviews[c];
      }
      const TicketTable& t = ws.tickets;
      for (size_t i = 0; i < t.size(); ++i) {
        const uint32_t c = t.customer[i];
        if (c >= n || !counted(t.day[i])) continue;
        tickets[c] += 1;
        if (t.day[i] != kNoDay) complaint(c, t.day[i], SegmentContext::kTicket, -1);
      }
      const SurveyTable& s = ws.surveys;
      for (size_t i = 0; i < s.size(); ++i) {
        const uint32_t c = s.customer[i];
        if (c >= n || !counted(s.day[i])) continue;
        if (nps_day[c] == kNoDay || s.day[i] >= nps_day[c]) {  // the latest answer (the later row on a tie)
          nps_day[c] = s.day[i];
          nps[c] = s.score[i];
        }
        if (s.score[i] <= 6 && s.day[i] != kNoDay) complaint(c, s.day[i], SegmentContext::kLowNps, s.score[i]);
      }
      SetNumberColumn(&ctx, FieldId::kReviews, std::move(reviews));
      SetNumberColumn(&ctx, FieldId::kMinRating, std::move(min_rating));
      SetNumberColumn(&ctx, FieldId::kAvgRating, std::move(avg));
      SetNumberColumn(&ctx, FieldId::kTickets, std::move(tickets));
      SetNumberColumn(&ctx, FieldId::kNps, std::move(nps));
      break;
    }
    case 7: {
      // --- Fields of other analyses: unavailable until attached ------------------------------------------
      for (FieldId field : {FieldId::kRfmR, FieldId::kRfmF, FieldId::kRfmM, FieldId::kRfmFm, FieldId::kRfmSegment}) {
        ctx.unavailable[Index(field)] = "is not available until the RFM analysis (core/analysis/rfm) is part of this build";
      }
      ctx.unavailable[Index(FieldId::kStage)] =
          "is not available until the retention funnel (core/analysis/funnel) is part of this build";
      for (FieldId field : {FieldId::kPAlive, FieldId::kPredictedClv, FieldId::kNextOrderDate}) {
        ctx.unavailable[Index(field)] =
            options.models ? "is not available until the customer-base models (core/model) are part of this build"
                           : "is not available for past dates (models are fitted at the analysis date only)";
      }
      if (s.rfm) {
        AttachAnalysesPart0With(&ctx, ws, settings, options, *s.rfm);
        s.rfm.reset();
      } else if (!AttachAnalysesPart0Step(&ctx, ws, settings, options, &s.analyses)) {
        return;  // this part again
      }
      break;
    }
    case 8:
      AttachAnalysesPart(&ctx, ws, settings, options, 1);
      break;
    default:
      return;
  }
  ++s.part;
}

bool SegmentContextBuilder::FactsColumnsBuilt() const { return s_->part > 1; }

bool SegmentContextBuilder::WantsRfm() const { return s_->part == 7 && !s_->analyses && !s_->rfm; }

void SegmentContextBuilder::GiveRfm(std::shared_ptr<const RfmResult> rfm) { s_->rfm = std::move(rfm); }

const SegmentContext& SegmentContextBuilder::Partial() const { return s_->ctx; }

bool FactsColumnsSuffice(const Node& node) {
  switch (node.kind) {
    case Node::kAnd:
    case Node::kOr: return node.left && node.right && FactsColumnsSuffice(*node.left) && FactsColumnsSuffice(*node.right);
    case Node::kNot: return node.left && FactsColumnsSuffice(*node.left);
    case Node::kCompare:
      if (!node.field) return false;
      switch (node.field->id) {
        case FieldId::kOrders:
        case FieldId::kNetSpend:
        case FieldId::kAov:
        case FieldId::kFirstOrderDate:
        case FieldId::kLastOrderDate:
        case FieldId::kDaysSinceLastOrder:
        case FieldId::kDaysSinceFirstOrder: return true;
        default: return false;
      }
    case Node::kCall:
      return node.function && (node.function->id == FunctionId::kOrderedSince || node.function->id == FunctionId::kOrderedBetween);
  }
  return false;
}

SegmentContext SegmentContextBuilder::Result() {
  while (!done()) Run();
  return std::move(s_->ctx);
}

}  // namespace rapport
