#include "core/playbook/playbooks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "core/analysis/funnel/funnel.h"
#include "core/analysis/products/products.h"
#include "core/recommend/pair_counts.h"
#include "core/util/date.h"
#include "core/util/text.h"

namespace rapport {

const char* PlaybookName(PlaybookKind kind) {
  switch (kind) {
    case PlaybookKind::kFeedbackRecovery: return "feedback_recovery";
    case PlaybookKind::kAtRiskHighValue: return "at_risk_high_value";
    case PlaybookKind::kWinback: return "winback";
    case PlaybookKind::kReplenishment: return "replenishment";
    case PlaybookKind::kReviewRequest: return "review_request";
    case PlaybookKind::kLoyaltyUpgrade: return "loyalty_upgrade";
    case PlaybookKind::kCrossSell: return "cross_sell";
    case PlaybookKind::kCount: break;
  }
  return "?";
}

const char* PlaybookTitle(PlaybookKind kind) {
  switch (kind) {
    case PlaybookKind::kFeedbackRecovery: return "Negative-feedback recovery";
    case PlaybookKind::kAtRiskHighValue: return "At-risk high value";
    case PlaybookKind::kWinback: return "Tiered win-back";
    case PlaybookKind::kReplenishment: return "Replenishment reminder";
    case PlaybookKind::kReviewRequest: return "Post-purchase review request";
    case PlaybookKind::kLoyaltyUpgrade: return "Loyalty tier upgrade";
    case PlaybookKind::kCrossSell: return "Cross-sell";
    case PlaybookKind::kCount: break;
  }
  return "?";
}

bool PlaybookFromName(std::string_view name, PlaybookKind* kind) {
  for (size_t i = 0; i < kPlaybookCount; ++i) {
    const auto k = static_cast<PlaybookKind>(i);
    if (EqualsIgnoreCase(TrimAscii(name), PlaybookName(k))) {
      *kind = k;
      return true;
    }
  }
  return false;
}

PlaybookOptions DefaultPlaybookOptions(const Settings& settings) {
  PlaybookOptions o;
  o.overdue_factor = settings.overdue_factor;
  o.churn_window_days = settings.churn_window_days;
  o.review_delay_days = settings.review_request_delay_days;
  return o;
}

std::string FormatMoney(int64_t cents, std::string_view currency) {
  const bool negative = cents < 0;
  const uint64_t abs = negative ? static_cast<uint64_t>(-(cents + 1)) + 1 : static_cast<uint64_t>(cents);
  std::string whole = std::to_string(abs / 100);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(whole[i]);
  }
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%02u", static_cast<unsigned>(abs % 100));
  std::string out = (negative ? "-" : "") + grouped + frac;
  if (!currency.empty()) out += " " + std::string(currency);
  return out;
}

namespace {

std::string ProductName(const Workspace& ws, uint32_t p) {
  if (p >= ws.products.size()) return "a product";
  if (!ws.products.title[p].empty()) return ws.products.title[p];
  if (!ws.products.sku[p].empty()) return ws.products.sku[p];
  return ws.products.key[p];
}

std::string Percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%g%%", std::round(share * 1000) / 10);
  return buf;
}

// Distinct (product, day) purchases of one customer, sorted by product then day.
// One customer's distinct products (of ctx.line_* [begin, end), products below `products`) with the last day
// each was bought, in the order first met: a stamp per product instead of sorting the lines.
class LastPurchases {
 public:
  explicit LastPurchases(size_t products) : stamp_(products, kNoId), last_(products, 0) {}
  void Set(const SegmentContext& ctx, uint32_t c, size_t begin, size_t end) {
    products_.clear();
    for (size_t i = begin; i < end; ++i) {
      const uint32_t p = ctx.line_product[i];
      if (p >= stamp_.size()) continue;
      const int32_t day = ctx.line_day[i];
      if (stamp_[p] != c) {
        stamp_[p] = c;
        last_[p] = day;
        products_.push_back(p);
      } else if (day > last_[p]) {
        last_[p] = day;
      }
    }
  }
  const std::vector<uint32_t>& products() const { return products_; }
  int32_t last_day(uint32_t p) const { return last_[p]; }

 private:
  std::vector<uint32_t> stamp_;  // per product: the customer it was last met for
  std::vector<int32_t> last_;
  std::vector<uint32_t> products_;
};

// Runs of ctx.line_* per customer of [first, end): [runs[c - first], runs[c - first + 1]). The lines are grouped
// by customer in id order (SegmentContext), so the range's lines are found by binary search, not counted from 0.
std::vector<size_t> LineRuns(const SegmentContext& ctx, uint32_t first, uint32_t end) {
  const std::vector<uint32_t>& lc = ctx.line_customer;
  const size_t from = static_cast<size_t>(std::lower_bound(lc.begin(), lc.end(), first) - lc.begin());
  const size_t to = static_cast<size_t>(std::lower_bound(lc.begin() + from, lc.end(), end) - lc.begin());
  std::vector<size_t> runs(static_cast<size_t>(end - first) + 1, 0);
  for (size_t i = from; i < to; ++i) ++runs[lc[i] - first + 1];
  runs[0] = from;
  for (size_t c = 0; c < end - first; ++c) runs[c + 1] += runs[c];
  return runs;
}

}  // namespace

std::vector<ProductInterval> ProductRepurchaseIntervals(const SegmentContext& ctx, int32_t min_repeats) {
  // The products analysis owns the definition (distinct purchase days, median by linear interpolation), so
  // the playbook and the Products page quote the same interval; the context's facts are the products
  // analysis's own (same as_of and currency), so only the replenishment rows are computed.
  return ProductIntervalsOf(ComputeReplenishment(*ctx.workspace, ctx.facts(), std::max(1, min_repeats)), min_repeats);
}

std::vector<ProductInterval> ProductIntervalsOf(const std::vector<ReplenishmentRow>& rows, int32_t min_repeats) {
  std::vector<ProductInterval> out;
  for (const ReplenishmentRow& row : rows) {
    if (row.product == kNoId || row.intervals < std::max(1, min_repeats)) continue;
    const int32_t days = static_cast<int32_t>(std::lround(row.median_days));
    if (days <= 0) continue;
    out.push_back(ProductInterval{row.product, days, static_cast<uint32_t>(row.intervals)});
  }
  std::sort(out.begin(), out.end(), [](const ProductInterval& a, const ProductInterval& b) { return a.product < b.product; });
  return out;
}

std::string PlaybookReason(const SegmentContext& ctx, const PlaybookOptions& opt, const NextAction& a) {
  const Workspace& ws = *ctx.workspace;
  const CustomerFacts& f = ctx.facts();
  const uint32_t c = a.customer;
  const int32_t as_of = ctx.as_of_day;
  const std::string currency = ctx.currency < ws.currencies.size() ? ws.currencies[ctx.currency] : "";
  switch (a.kind) {
    case PlaybookKind::kFeedbackRecovery: {
      const int32_t d = a.due_day;
      const std::string when = " on " + FormatDay(d) + " (" + std::to_string(as_of - d) + " days ago)";
      switch (ctx.last_complaint_kind[c]) {
        case SegmentContext::kLowReview:
          return "left a " + std::to_string(ctx.last_complaint_score[c]) + "-star review" + when;
        case SegmentContext::kLowNps:
          return "answered " + std::to_string(ctx.last_complaint_score[c]) + " out of 10 to the NPS survey" + when;
        default: return "opened a support ticket" + when;
      }
    }
    case PlaybookKind::kAtRiskHighValue: {
      const int32_t since = as_of - f.last_day[c];
      const int32_t usual = a.days;
      return std::to_string(since - usual) + " days overdue against " +
             (a.own ? "their usual " + std::to_string(usual) + "-day cadence"
                    : "the store's usual " + std::to_string(usual) + " days between first and second order") +
             "; top " + Percent(opt.at_risk_top_share) + " by spend (" + FormatMoney(f.net_cents[c], currency) + ")";
    }
    case PlaybookKind::kWinback: {
      std::vector<WinbackTier> tiers = opt.winback;
      std::stable_sort(tiers.begin(), tiers.end(), [](const WinbackTier& x, const WinbackTier& y) { return x.days < y.days; });
      if (a.tier < 0 || static_cast<size_t>(a.tier) >= tiers.size()) return "";
      const size_t t = static_cast<size_t>(a.tier);
      return "no order for " + std::to_string(as_of - f.last_day[c]) + " days (last on " + FormatDay(f.last_day[c]) +
             "); tier " + std::to_string(t + 1) + " of " + std::to_string(tiers.size()) + " (" +
             std::to_string(tiers[t].days) + "+ days): " + tiers[t].offer;
    }
    case PlaybookKind::kReplenishment:
      return "last bought " + ProductName(ws, a.product) + " on " + FormatDay(a.ref_day) +
             "; customers rebuy it after a median " + std::to_string(a.days) + " days (" + std::to_string(a.count) +
             " repeat purchases), so the next order is expected on " + FormatDay(a.ref_day + a.days);
    case PlaybookKind::kReviewRequest: {
      const OrderTable& o = ws.orders;
      const uint32_t order = a.ref;
      return "order " + (order < o.name.size() && !o.name[order].empty() ? std::string(o.name[order]) + " " : std::string()) +
             (a.own ? "fulfilled on " : "placed on ") + FormatDay(a.ref_day) + "; no review yet of " +
             ProductName(ws, a.product) + "; ask " + std::to_string(opt.review_delay_days) + " days after " +
             (a.own ? "fulfilment" : "the order");
    }
    case PlaybookKind::kLoyaltyUpgrade: {
      std::vector<LoyaltyTier> tiers = opt.tiers;
      std::stable_sort(tiers.begin(), tiers.end(),
                       [](const LoyaltyTier& x, const LoyaltyTier& y) { return x.min_spend_cents < y.min_spend_cents; });
      if (a.tier < 0 || static_cast<size_t>(a.tier) >= tiers.size()) return "";
      const LoyaltyTier& now = tiers[static_cast<size_t>(a.tier)];
      return "reached " + now.name + " with the order of " + FormatDay(f.last_day[c]) + ": spent " +
             FormatMoney(f.net_cents[c], currency) + " (" + now.name + " from " + FormatMoney(now.min_spend_cents, currency) + ")";
    }
    case PlaybookKind::kCrossSell: {
      char lift[32];
      std::snprintf(lift, sizeof lift, "%.1f", a.lift);
      return "bought " + ProductName(ws, a.ref) + "; its buyers are " + lift + "x as likely as others to buy " +
             ProductName(ws, a.product) + " (" + std::to_string(a.count) + " customers bought both)";
    }
    case PlaybookKind::kCount: break;
  }
  return "";
}

PlaybookResult RunPlaybooks(const SegmentContext& ctx, const PlaybookOptions& opt,
                            const std::vector<ProductInterval>* intervals) {
  const PlaybookCandidates all = FindPlaybookCandidates(ctx, opt, opt.priority, intervals);
  return AssignPlaybooks(ctx, opt, {&all});
}

// The cross-sell candidates: each customer's distinct products (sorted, in one flat array: customer c's are
// set_items[set_begin[c] .. set_begin[c + 1]); a vector per customer was a million allocations), the pairs of
// products in the customers' sets, each product's partners that clear the thresholds (best lift first), then
// each active customer's best partner not yet bought. Each pass over the customers goes a range at a time.
struct CrossSellFinder::Impl {
  static constexpr size_t kMaxBasket = 40;  // larger sets (resellers) are left out of the pair counts
  struct Partner {
    uint32_t product;
    uint32_t both;
    double lift;
  };
  Impl(const SegmentContext& ctx, const PlaybookOptions& opt)
      : ctx(ctx), opt(opt), n(ctx.customers), products(ctx.workspace->products.size()), set_begin(n + 1, 0),
        buyers(products, 0), stamp(products, kNoId), pairs(products, 0) {
    if (ctx.as_of_day == kNoDay) phase = kDone;
  }
  // Customers [c, end) with about `rows` rows (lines: `by` the runs, or set items), at least one; 0: all.
  size_t End(size_t rows, const std::vector<size_t>& by) const {
    size_t end = c;
    while (end < n && (end == c || rows == 0 || by[end] - by[c] < rows)) ++end;
    return end;
  }
  size_t Run(size_t rows) {
    const CustomerFacts& f = ctx.facts();
    const int32_t as_of = ctx.as_of_day;
    const size_t begin = c;
    switch (phase) {
      case kSets: {
        if (runs.empty()) {
          runs = LineRuns(ctx, 0, static_cast<uint32_t>(ctx.customers));
          set_items.reserve(ctx.line_product.size());
        }
        const size_t end = End(rows, runs);
        for (; c < end; ++c) {
          const size_t first = set_items.size();
          for (size_t i = runs[c]; i < runs[c + 1]; ++i) {
            const uint32_t p = ctx.line_product[i];
            if (p >= products || stamp[p] == c) continue;
            stamp[p] = static_cast<uint32_t>(c);
            set_items.push_back(p);
          }
          std::sort(set_items.begin() + static_cast<std::ptrdiff_t>(first), set_items.end());
          set_begin[c + 1] = set_items.size();
          if (set_items.size() == first) continue;
          ++customers_with_products;
          for (size_t k = first; k < set_items.size(); ++k) ++buyers[set_items[k]];
        }
        const size_t done = runs[end] - runs[begin];
        if (c == n) Next();
        return done;
      }
      case kPairs: {
        const size_t end = End(rows, set_begin);
        for (; c < end; ++c) {
          const uint32_t *b = set_items.data() + set_begin[c], *e = set_items.data() + set_begin[c + 1];
          const size_t size = static_cast<size_t>(e - b);
          if (size < 2 || size > kMaxBasket) continue;
          for (const uint32_t* i = b; i != e; ++i) {
            for (const uint32_t* j = i + 1; j != e; ++j) pairs.Add(*i, *j);
          }
        }
        const size_t done = set_begin[end] - set_begin[begin];
        if (c == n) Next();
        return done;
      }
      case kPartners: {
        partners.resize(products);
        pairs.ForEach([&](uint64_t key, uint32_t both) {
          if (static_cast<int32_t>(both) < opt.cross_sell_min_customers) return;
          const uint32_t a = static_cast<uint32_t>(key >> 32), b = static_cast<uint32_t>(key);
          const double lift = static_cast<double>(both) * customers_with_products /
                              (static_cast<double>(buyers[a]) * buyers[b]);
          if (lift < opt.cross_sell_min_lift) return;
          partners[a].push_back(Partner{b, both, lift});
          partners[b].push_back(Partner{a, both, lift});
        });
        for (auto& list : partners) {
          std::sort(list.begin(), list.end(), [](const Partner& x, const Partner& y) {
            if (x.lift != y.lift) return x.lift > y.lift;
            if (x.both != y.both) return x.both > y.both;
            return x.product < y.product;
          });
        }
        pairs = PairCounts(0, 0);
        Next();
        return 0;
      }
      case kCandidates: {
        const size_t end = End(rows, set_begin);
        for (; c < end; ++c) {
          const uint32_t *sb = set_items.data() + set_begin[c], *se = set_items.data() + set_begin[c + 1];
          if (sb == se || f.orders[c] == 0 || as_of - f.last_day[c] > opt.cross_sell_active_days) continue;
          const Partner* best = nullptr;
          uint32_t from = 0;
          for (const uint32_t* xp = sb; xp != se; ++xp) {
            const uint32_t x = *xp;
            for (const Partner& z : partners[x]) {
              if (std::binary_search(sb, se, z.product)) continue;
              if (!best || z.lift > best->lift || (z.lift == best->lift && (z.both > best->both ||
                  (z.both == best->both && z.product < best->product)))) {
                best = &z;
                from = x;
              }
              break;  // the list is sorted: the first product not yet bought is x's best
            }
          }
          if (!best) continue;
          NextAction a;
          a.kind = PlaybookKind::kCrossSell;
          a.customer = static_cast<uint32_t>(c);
          a.product = best->product;
          a.due_day = f.last_day[c] + opt.cross_sell_delay_days;
          a.ref = from;
          a.count = best->both;
          a.lift = best->lift;
          actions.push_back(a);
        }
        const size_t done = set_begin[end] - set_begin[begin];
        if (c == n) Next();
        return done;
      }
      case kDone: return 0;
    }
    return 0;
  }
  void Next() {
    phase = static_cast<Phase>(phase + 1);
    c = 0;
  }

  enum Phase { kSets, kPairs, kPartners, kCandidates, kDone };
  const SegmentContext& ctx;
  PlaybookOptions opt;
  size_t n, products;
  Phase phase = kSets;
  size_t c = 0;  // the next customer of the pass
  std::vector<size_t> runs, set_begin;
  std::vector<uint32_t> set_items, buyers, stamp;  // stamp: per product, the customer whose set has it last
  size_t customers_with_products = 0;
  PairCounts pairs;
  std::vector<std::vector<Partner>> partners;
  std::vector<NextAction> actions;
};

CrossSellFinder::CrossSellFinder(const SegmentContext& context, const PlaybookOptions& options)
    : impl_(std::make_unique<Impl>(context, options)) {}
CrossSellFinder::~CrossSellFinder() = default;
bool CrossSellFinder::done() const { return impl_->phase == Impl::kDone; }
size_t CrossSellFinder::Run(size_t rows) { return impl_->Run(rows); }
std::vector<NextAction> CrossSellFinder::Result() {
  while (!done()) Run(0);
  return std::move(impl_->actions);
}

PlaybookCandidates FindPlaybookCandidates(const SegmentContext& ctx, const PlaybookOptions& opt,
                                          const std::vector<PlaybookKind>& kinds,
                                          const std::vector<ProductInterval>* intervals, uint32_t customers_begin,
                                          uint32_t customers_end) {
  PlaybookCandidates result;
  const Workspace& ws = *ctx.workspace;
  const CustomerFacts& f = ctx.facts();
  const int32_t as_of = ctx.as_of_day;
  const size_t n = ctx.customers;
  const uint32_t end = static_cast<uint32_t>(std::min<size_t>(customers_end, n));
  const uint32_t begin = std::min(customers_begin, end);
  std::vector<std::vector<NextAction>>& candidates = result.by_kind;
  candidates.resize(kPlaybookCount);
  auto add = [&](PlaybookKind kind, NextAction a) {
    a.kind = kind;
    candidates[static_cast<size_t>(kind)].push_back(a);
  };
  auto enabled = [&](PlaybookKind kind) {
    return std::find(opt.priority.begin(), opt.priority.end(), kind) != opt.priority.end() &&
           std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
  };
  const bool need_runs = enabled(PlaybookKind::kReplenishment);  // the cross-sell finder makes its own
  const std::vector<size_t> runs = need_runs ? LineRuns(ctx, begin, end) : std::vector<size_t>();

  if (as_of != kNoDay) {
    // 1. Negative-feedback recovery.
    if (enabled(PlaybookKind::kFeedbackRecovery)) {
      for (uint32_t c = begin; c < end; ++c) {
        const int32_t d = ctx.last_complaint_day[c];
        if (d == kNoDay || d > as_of || as_of - d > opt.recovery_days) continue;
        NextAction a;
        a.customer = c;
        a.due_day = d;
        add(PlaybookKind::kFeedbackRecovery, a);
      }
    }

    // 2. At-risk high value.
    if (enabled(PlaybookKind::kAtRiskHighValue)) {
      std::vector<int64_t> spend;
      for (size_t c = 0; c < n; ++c) {
        if (f.orders[c] > 0) spend.push_back(f.net_cents[c]);
      }
      if (!spend.empty()) {
        // The top-th largest spend: a selection, not a sort of every customer's (~70 ms at 1,000,000).
        const size_t top = std::max<size_t>(1, static_cast<size_t>(std::ceil(opt.at_risk_top_share * spend.size())));
        const auto kth = spend.begin() + static_cast<std::ptrdiff_t>(std::min(top, spend.size()) - 1);
        std::nth_element(spend.begin(), kth, spend.end(), std::greater<int64_t>());
        const int64_t threshold = *kth;
        // Cadence as the funnel defines it: the customer's own median interval between distinct purchase days,
        // else the store's median first-to-second interval.
        const double store_gap = StoreMedianIntervalDays(ws, f);
        std::vector<int32_t> scratch;
        for (uint32_t c = begin; c < end; ++c) {
          if (f.orders[c] == 0 || f.net_cents[c] < threshold || f.net_cents[c] <= 0) continue;
          const double own_gap = OwnMedianIntervalDays(ws, f, c, &scratch);
          const bool own = own_gap > 0;
          const double cadence = std::max(own ? own_gap : store_gap, static_cast<double>(opt.min_cadence_days));
          if (cadence <= 0) continue;
          const int32_t since = as_of - f.last_day[c];
          if (since <= opt.overdue_factor * cadence || since > opt.churn_window_days) continue;
          NextAction a;
          a.customer = c;
          a.due_day = f.last_day[c] + static_cast<int32_t>(std::floor(opt.overdue_factor * cadence)) + 1;
          a.days = static_cast<int32_t>(std::lround(cadence));
          a.own = own;
          add(PlaybookKind::kAtRiskHighValue, a);
        }
      }
    }

    // 3. Tiered win-back.
    if (enabled(PlaybookKind::kWinback) && !opt.winback.empty()) {
      std::vector<WinbackTier> tiers = opt.winback;
      std::stable_sort(tiers.begin(), tiers.end(), [](const WinbackTier& a, const WinbackTier& b) { return a.days < b.days; });
      for (uint32_t c = begin; c < end; ++c) {
        if (f.orders[c] == 0) continue;
        const int32_t since = as_of - f.last_day[c];
        if (since < tiers[0].days || since > opt.winback_max_days) continue;
        size_t t = 0;
        while (t + 1 < tiers.size() && since >= tiers[t + 1].days) ++t;
        NextAction a;
        a.customer = c;
        a.tier = static_cast<int32_t>(t);
        a.due_day = f.last_day[c] + tiers[t].days;
        add(PlaybookKind::kWinback, a);
      }
    }

    // 4. Replenishment.
    if (enabled(PlaybookKind::kReplenishment)) {
      result.intervals = intervals ? *intervals : ProductRepurchaseIntervals(ctx, opt.replenish_min_repeats);
      std::vector<int32_t> interval(ws.products.size(), 0);
      std::vector<uint32_t> repeats(ws.products.size(), 0);
      for (const ProductInterval& pi : result.intervals) {
        interval[pi.product] = pi.median_days;
        repeats[pi.product] = pi.repeats;
      }
      // Per customer, the product due first (then the lowest id) from the last day each product was bought:
      // a minimum, so the order the products are met in does not matter.
      LastPurchases buys(ws.products.size());
      for (uint32_t c = begin; c < end; ++c) {
        if (runs[c - begin + 1] == runs[c - begin]) continue;
        buys.Set(ctx, c, runs[c - begin], runs[c - begin + 1]);
        NextAction best;
        bool found = false;
        for (const uint32_t p : buys.products()) {
          if (interval[p] <= 0) continue;
          const int32_t last = buys.last_day(p);
          const int32_t due = last + interval[p] - opt.replenish_lead_days;
          if (due > as_of + opt.replenish_lead_days || as_of - due > opt.replenish_window_days) continue;
          if (found && (due > best.due_day || (due == best.due_day && p >= best.product))) continue;
          found = true;
          best.customer = c;
          best.product = p;
          best.due_day = due;
          best.ref_day = last;
          best.days = interval[p];
          best.count = repeats[p];
        }
        if (found) add(PlaybookKind::kReplenishment, best);
      }
    }

    // 5. Post-purchase review request.
    if (enabled(PlaybookKind::kReviewRequest)) {
      std::vector<uint64_t> reviewed;  // (customer << 32 | product), sorted
      for (size_t i = 0; i < ws.reviews.size(); ++i) {
        const uint32_t c = ws.reviews.customer[i];
        if (c >= n) continue;
        reviewed.push_back((uint64_t{c} << 32) | ws.reviews.product[i]);
      }
      std::sort(reviewed.begin(), reviewed.end());
      auto has_review = [&](uint32_t c, uint32_t p) {
        return std::binary_search(reviewed.begin(), reviewed.end(), (uint64_t{c} << 32) | p);
      };
      const OrderTable& o = ws.orders;
      for (uint32_t c = begin; c < end; ++c) {
        if (f.orders[c] == 0) continue;
        const uint32_t order = f.end_orders(c)[-1];
        const bool fulfilled = order < o.fulfilled_day.size() && o.fulfilled_day[order] != kNoDay &&
                               o.fulfilled_day[order] <= as_of;
        const int32_t base = fulfilled ? o.fulfilled_day[order] : o.day[order];
        const int32_t due = base + opt.review_delay_days;
        if (due > as_of + opt.review_delay_days || as_of - due > opt.review_window_days) continue;
        uint32_t product = kNoId;
        const uint32_t first = order < o.first_line.size() ? o.first_line[order] : 0;
        const uint32_t count = order < o.line_count.size() ? o.line_count[order] : 0;
        for (uint32_t li = first; li < first + count && li < ws.lines.size(); ++li) {
          const uint32_t p = ws.lines.product[li];
          if (p != kNoId && !has_review(c, p)) {
            product = p;
            break;
          }
        }
        if (product == kNoId) continue;  // every product of the order is reviewed already (or none is known)
        NextAction a;
        a.customer = c;
        a.product = product;
        a.due_day = due;
        a.ref = order;
        a.ref_day = base;
        a.own = fulfilled;
        add(PlaybookKind::kReviewRequest, a);
      }
    }

    // 6. Loyalty tier upgrade.
    if (enabled(PlaybookKind::kLoyaltyUpgrade) && !opt.tiers.empty()) {
      std::vector<LoyaltyTier> tiers = opt.tiers;
      std::stable_sort(tiers.begin(), tiers.end(),
                       [](const LoyaltyTier& a, const LoyaltyTier& b) { return a.min_spend_cents < b.min_spend_cents; });
      auto tier_of = [&](int64_t spend) {
        int t = -1;
        for (size_t i = 0; i < tiers.size(); ++i) {
          if (spend >= tiers[i].min_spend_cents) t = static_cast<int>(i);
        }
        return t;
      };
      for (uint32_t c = begin; c < end; ++c) {
        if (f.orders[c] == 0 || as_of - f.last_day[c] > opt.tier_recent_days) continue;
        int64_t last_day_spend = 0;
        for (const uint32_t* p = f.begin_orders(c); p != f.end_orders(c); ++p) {
          if (ws.orders.day[*p] == f.last_day[c]) last_day_spend += ws.orders.net_cents(*p);
        }
        const int now = tier_of(f.net_cents[c]);
        const int before = tier_of(f.net_cents[c] - last_day_spend);
        if (now < 0 || now <= before) continue;
        NextAction a;
        a.customer = c;
        a.tier = now;
        a.due_day = f.last_day[c];
        add(PlaybookKind::kLoyaltyUpgrade, a);
      }
    }

    // 7. Cross-sell from co-purchase lift (customers' distinct product sets).
    if (enabled(PlaybookKind::kCrossSell)) {
      std::vector<NextAction>& cross_sell = candidates[static_cast<size_t>(PlaybookKind::kCrossSell)];
      cross_sell = CrossSellFinder(ctx, opt).Result();
      if (begin > 0 || end < n) {
        cross_sell.erase(std::remove_if(cross_sell.begin(), cross_sell.end(),
                                        [&](const NextAction& a) { return a.customer < begin || a.customer >= end; }),
                         cross_sell.end());
      }
    }
  }
  return result;
}

namespace {

void DescribePlaybook(const PlaybookOptions& opt, const std::string& currency, PlaybookSummary* out) {
  PlaybookSummary& summary = *out;
  const PlaybookKind kind = summary.kind;
  switch (kind) {
    case PlaybookKind::kFeedbackRecovery:
      summary.rule = "complained(-" + std::to_string(opt.recovery_days) + "d)";
      summary.timing = "at once: due on the day of the complaint";
      break;
    case PlaybookKind::kAtRiskHighValue:
      summary.rule = "top " + Percent(opt.at_risk_top_share) + " by net spend AND days_since_last_order > " +
                     std::to_string(opt.overdue_factor).substr(0, 4) + " x own cadence (at least " +
                     std::to_string(opt.min_cadence_days) + " days) AND days_since_last_order <= " +
                     std::to_string(opt.churn_window_days);
      summary.timing = "the day after they became overdue";
      break;
    case PlaybookKind::kWinback: {
      summary.rule = "days_since_last_order >= " + std::to_string(opt.winback.empty() ? 0 : opt.winback[0].days) +
                     " AND days_since_last_order <= " + std::to_string(opt.winback_max_days);
      summary.timing = "on day";
      for (size_t i = 0; i < opt.winback.size(); ++i) summary.timing += (i ? ", " : " ") + std::to_string(opt.winback[i].days);
      summary.timing += " after the last order, one offer per tier";
      break;
    }
    case PlaybookKind::kReplenishment:
      summary.rule = "bought a product with a trusted repurchase interval (>= " +
                     std::to_string(opt.replenish_min_repeats) + " repeat purchases)";
      summary.timing = std::to_string(opt.replenish_lead_days) +
                       " days before last purchase + the product's median interval";
      break;
    case PlaybookKind::kReviewRequest:
      summary.rule = "latest order has a product they have not reviewed";
      summary.timing = std::to_string(opt.review_delay_days) + " days after fulfilment (else after the order)";
      break;
    case PlaybookKind::kLoyaltyUpgrade:
      summary.rule = "the latest order lifted net spend into a higher tier (";
      for (size_t i = 0; i < opt.tiers.size(); ++i) {
        summary.rule += (i ? ", " : "") + opt.tiers[i].name + " " + FormatMoney(opt.tiers[i].min_spend_cents, currency);
      }
      summary.rule += ")";
      summary.timing = "on the day of the upgrading order (within " + std::to_string(opt.tier_recent_days) + " days)";
      break;
    case PlaybookKind::kCrossSell:
      summary.rule = "bought X, not Z, and lift(X -> Z) >= " + std::to_string(opt.cross_sell_min_lift).substr(0, 4) +
                     " with >= " + std::to_string(opt.cross_sell_min_customers) + " customers who bought both";
      summary.timing = std::to_string(opt.cross_sell_delay_days) + " days after the last order";
      break;
    case PlaybookKind::kCount: break;
  }
}

}  // namespace

std::vector<PlaybookSummary> DescribePlaybooks(const PlaybookOptions& opt, const std::string& currency) {
  std::vector<PlaybookSummary> out;
  for (PlaybookKind kind : opt.priority) {
    if (kind >= PlaybookKind::kCount) continue;
    PlaybookSummary summary;
    summary.kind = kind;
    DescribePlaybook(opt, currency, &summary);
    out.push_back(std::move(summary));
  }
  return out;
}

namespace {

// Orders the actions by (due day, customer). A customer holds at most one action (AssignPlaybooks' priority),
// so the customers taken in id order and dealt into their due days' runs (a counting sort) give that order
// without a comparison sort of the actions (~1 M of them at 1,000,000 customers: the sort was most of the run).
// Due days spread over 2^22 days or more fall back to the sort.
void SortByDueDayThenCustomer(size_t customers, std::vector<NextAction>* actions) {
  auto by_day_then_customer = [](const NextAction& a, const NextAction& b) {
    return a.due_day != b.due_day ? a.due_day < b.due_day : a.customer < b.customer;
  };
  if (actions->empty()) return;
  int32_t lo = (*actions)[0].due_day, hi = lo;
  for (const NextAction& a : *actions) {
    lo = std::min(lo, a.due_day);
    hi = std::max(hi, a.due_day);
  }
  if (static_cast<int64_t>(hi) - lo >= (int64_t{1} << 22)) {
    std::sort(actions->begin(), actions->end(), by_day_then_customer);
    return;
  }
  std::vector<uint32_t> of_customer(customers, UINT32_MAX);  // the action's index
  std::vector<uint32_t> at(static_cast<size_t>(hi - lo) + 2, 0);  // each day's first place
  for (uint32_t i = 0; i < actions->size(); ++i) {
    const NextAction& a = (*actions)[i];
    of_customer[a.customer] = i;
    ++at[static_cast<size_t>(a.due_day - lo) + 1];
  }
  for (size_t d = 1; d < at.size(); ++d) at[d] += at[d - 1];
  std::vector<NextAction> sorted(actions->size());
  for (size_t c = 0; c < customers; ++c) {
    if (of_customer[c] == UINT32_MAX) continue;
    const NextAction& a = (*actions)[of_customer[c]];
    sorted[at[static_cast<size_t>(a.due_day - lo)]++] = a;
  }
  actions->swap(sorted);
}

}  // namespace

void SortPlaybookActions(size_t customers, PlaybookResult* result) { SortByDueDayThenCustomer(customers, &result->actions); }

PlaybookResult AssignPlaybooks(const SegmentContext& ctx, const PlaybookOptions& opt,
                               const std::vector<const PlaybookCandidates*>& parts, bool sorted) {
  PlaybookResult result;
  const Workspace& ws = *ctx.workspace;
  const int32_t as_of = ctx.as_of_day;
  result.as_of_day = as_of;
  const size_t n = ctx.customers;
  const std::string currency = ctx.currency < ws.currencies.size() ? ws.currencies[ctx.currency] : "";
  for (const PlaybookCandidates* part : parts) {
    if (!part->intervals.empty()) result.intervals = part->intervals;
  }
  // Priority: the first playbook in the list that a customer qualifies for.
  // The parts' candidates of a kind are read where they are, in the parts' order (not copied into one list).
  std::vector<uint8_t> taken(n, 0);
  for (PlaybookKind kind : opt.priority) {
    if (kind >= PlaybookKind::kCount) continue;
    PlaybookSummary summary;
    summary.kind = kind;
    for (const PlaybookCandidates* part : parts) {
      const auto& of_kind = part->by_kind[static_cast<size_t>(kind)];
      summary.eligible += of_kind.size();
      for (const NextAction& a : of_kind) {
        if (taken[a.customer]) continue;
        taken[a.customer] = 1;
        ++summary.assigned;
        if (a.due_day <= as_of) ++summary.due_by_as_of;
        result.actions.push_back(a);
      }
    }
    DescribePlaybook(opt, currency, &summary);
    result.playbooks.push_back(std::move(summary));
  }
  if (sorted) SortByDueDayThenCustomer(n, &result.actions);
  return result;
}

}  // namespace rapport
