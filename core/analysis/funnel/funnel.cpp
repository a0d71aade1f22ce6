#include "core/analysis/funnel/funnel.h"

#include <algorithm>
#include <cmath>

namespace rapport {

namespace {

// The median of [b, e) (-1 when empty); b is reordered. A customer's few intervals are sorted by insertion,
// a longer list selected (nth_element): the same value either way.
double MedianOf(int32_t* b, int32_t* e) {
  const size_t n = static_cast<size_t>(e - b);
  if (n == 0) return -1;
  if (n <= 16) {
    for (size_t i = 1; i < n; ++i) {
      const int32_t v = b[i];
      size_t j = i;
      for (; j > 0 && b[j - 1] > v; --j) b[j] = b[j - 1];
      b[j] = v;
    }
    return n % 2 == 1 ? b[n / 2] : (static_cast<double>(b[n / 2 - 1]) + b[n / 2]) / 2.0;
  }
  int32_t* mid = b + n / 2;
  std::nth_element(b, mid, e);
  if (n % 2 == 1) return *mid;
  const int32_t upper = *mid;
  const int32_t lower = *std::max_element(b, mid);
  return (static_cast<double>(lower) + upper) / 2.0;
}

int32_t ResolveAsOf(const Workspace& ws, const Settings& s) {
  return s.as_of_day != kNoDay ? s.as_of_day : ws.LatestValidOrderDay();
}

// 1 for customers with a review >= 4 or an NPS answer >= 9 dated on or before as_of.
std::vector<uint8_t> AdvocacyFlags(const Workspace& ws, int32_t as_of_day) {
  std::vector<uint8_t> flag(ws.customers.size(), 0);
  const ReviewTable& r = ws.reviews;
  for (size_t i = 0; i < r.size(); ++i) {
    const uint32_t c = r.customer[i];
    if (c != kNoId && c < flag.size() && r.rating[i] >= 4 && r.day[i] <= as_of_day) flag[c] = 1;
  }
  const SurveyTable& s = ws.surveys;
  for (size_t i = 0; i < s.size(); ++i) {
    const uint32_t c = s.customer[i];
    if (c != kNoId && c < flag.size() && s.score[i] >= 9 && s.day[i] <= as_of_day) flag[c] = 1;
  }
  return flag;
}

// A customer's counted orders as of the stage's day: the first `orders` of its time-ordered days.
struct OrdersAsOf {
  const int32_t* days;
  int32_t orders;
  bool several_days;  // two purchase days or more
};

// The median of the intervals between consecutive distinct days of days[0, n) (-1 for fewer than two
// distinct days); `scratch` is reused.
double MedianIntervalOf(const int32_t* days, int32_t n, std::vector<int32_t>* scratch) {
  scratch->clear();
  for (int32_t k = 1; k < n; ++k) {
    if (days[k] != days[k - 1]) scratch->push_back(days[k] - days[k - 1]);
  }
  return MedianOf(scratch->data(), scratch->data() + scratch->size());
}

// Assigns every customer's stage as of `as_of` (the DESIGN §3 rules, see funnel.h); orders_of(c) gives the
// customer's OrdersAsOf.
template <typename OrdersOf>
void AssignStages(const Workspace& ws, const Settings& settings, int32_t as_of, size_t n_customers,
                  double store_median, const std::vector<double>* p_alive, OrdersOf orders_of,
                  std::vector<Stage>* out) {
  const std::vector<uint8_t> advocacy = AdvocacyFlags(ws, as_of);
  std::vector<int32_t> scratch;
  out->assign(n_customers, Stage::kNotCustomer);
  for (uint32_t c = 0; c < n_customers; ++c) {
    const OrdersAsOf co = orders_of(c);
    const int32_t orders = co.orders;
    if (orders == 0) continue;
    const int32_t since_last = as_of - co.days[orders - 1];
    Stage stage;
    if (since_last >= settings.churn_window_days) {
      stage = Stage::kLapsed;
    } else {
      bool at_risk;
      const double p = (p_alive && c < p_alive->size()) ? (*p_alive)[c] : NAN;
      if (!std::isnan(p)) {
        at_risk = p < 0.5;
      } else {
        double expected = co.several_days ? MedianIntervalOf(co.days, orders, &scratch) : store_median;
        at_risk = expected >= 0 && since_last > settings.overdue_factor * expected;
      }
      if (at_risk) {
        stage = Stage::kAtRisk;
      } else if (orders >= 2 && advocacy[c]) {
        stage = Stage::kAdvocate;
      } else if (orders >= 3) {
        stage = Stage::kLoyal;
      } else if (orders == 2) {
        stage = Stage::kRepeat;
      } else if (as_of - co.days[0] < settings.new_customer_days) {
        stage = Stage::kNew;
      } else {
        stage = Stage::kOneTime;
      }
    }
    (*out)[c] = stage;
  }
}

// Every customer's stage as of the facts' day.
void AssignStages(const Workspace& ws, const Settings& settings, const CustomerFacts& facts, double store_median,
                  const std::vector<double>* p_alive, std::vector<Stage>* out) {
  AssignStages(ws, settings, facts.as_of_day, facts.size(), store_median, p_alive, [&](uint32_t c) {
    return OrdersAsOf{facts.begin_days(c), facts.orders[c], facts.purchase_days[c] >= 2};
  }, out);
}

// Every customer's stage as of an earlier day than the facts' (as_of_day <= facts.as_of_day): each customer's
// orders then are a prefix of its time-ordered orders, read in place (no narrowed copy of the facts).
void AssignStagesBefore(const Workspace& ws, const Settings& settings, const CustomerFacts& facts, int32_t as_of_day,
                        std::vector<Stage>* out) {
  const size_t n = facts.size();
  // Per customer, the orders kept (bit 31: two purchase days or more), and the store's first-to-second
  // purchase-day gaps as of that day.
  std::vector<uint32_t> kept(n, 0);
  std::vector<int32_t> gaps;
  gaps.reserve(facts.customers_with_orders / 2 + 1);
  for (uint32_t c = 0; c < n; ++c) {
    const int32_t* days = facts.begin_days(c);
    const uint32_t orders = static_cast<uint32_t>(facts.orders[c]);
    uint32_t k = 0;
    while (k < orders && days[k] <= as_of_day) ++k;
    if (k == 0) continue;
    uint32_t second = 1;  // the first order on a later day than the first
    while (second < k && days[second] == days[0]) ++second;
    if (second < k) gaps.push_back(days[second] - days[0]);
    kept[c] = k | (second < k ? 0x80000000u : 0);
  }
  const double store_median = MedianOf(gaps.data(), gaps.data() + gaps.size());
  AssignStages(ws, settings, as_of_day, n, store_median, nullptr, [&](uint32_t c) {
    return OrdersAsOf{facts.begin_days(c), static_cast<int32_t>(kept[c] & 0x7fffffffu), (kept[c] >> 31) != 0};
  }, out);
}

// The customers in each (from stage, to stage) cell, and their total.
void CountFlow(const std::vector<Stage>& from_stage, const std::vector<Stage>& to_stage, FunnelFlow* flow) {
  for (size_t c = 0; c < to_stage.size(); ++c) {
    if (to_stage[c] == Stage::kNotCustomer && from_stage[c] == Stage::kNotCustomer) continue;
    ++flow->customers[static_cast<int>(from_stage[c])][static_cast<int>(to_stage[c])];
    ++flow->total;
  }
}

}  // namespace

const char* StageName(Stage stage) {
  static const char* kNames[] = {"not_customer", "new", "one_time", "repeat", "loyal", "advocate", "at_risk", "lapsed"};
  return kNames[static_cast<int>(stage)];
}

const char* StageLabel(Stage stage) {
  static const char* kLabels[] = {"Not yet a customer", "New", "One-time", "Repeat", "Loyal", "Advocate", "At risk", "Lapsed"};
  return kLabels[static_cast<int>(stage)];
}

double OwnMedianIntervalDays(const Workspace& ws, const CustomerFacts& facts, uint32_t c, std::vector<int32_t>* scratch) {
  return MedianIntervalOf(facts.begin_days(c), facts.orders[c], scratch);
}

double StoreMedianIntervalDays(const Workspace& ws, const CustomerFacts& facts) {
  std::vector<int32_t> gaps;
  gaps.reserve(facts.customers_with_orders / 2 + 1);
  for (uint32_t c = 0; c < facts.size(); ++c) {
    if (facts.purchase_days[c] < 2) continue;
    const int32_t first = facts.first_day[c];
    for (const int32_t* p = facts.begin_days(c); p != facts.end_days(c); ++p) {
      if (*p != first) {
        gaps.push_back(*p - first);
        break;
      }
    }
  }
  return MedianOf(gaps.data(), gaps.data() + gaps.size());
}

FunnelResult ComputeFunnelFromFacts(const Workspace& ws, const Settings& settings, const CustomerFacts& facts,
                                    const FunnelInputs& inputs) {
  FunnelResult r;
  r.as_of_day = facts.as_of_day;
  r.currency = facts.currency;
  r.used_model = inputs.p_alive != nullptr;
  r.store_median_interval_days = StoreMedianIntervalDays(ws, facts);
  AssignStages(ws, settings, facts, r.store_median_interval_days, inputs.p_alive, &r.stage);

  std::array<int64_t, kStageCount> count{}, net{};
  for (uint32_t c = 0; c < facts.size(); ++c) {
    const int s = static_cast<int>(r.stage[c]);
    ++count[s];
    net[s] += facts.net_cents[c];
  }
  for (int s = 1; s < kStageCount; ++s) {
    r.customers += count[s];
    r.net_cents += net[s];
  }
  for (int s = 1; s < kStageCount; ++s) {
    FunnelStageRow row;
    row.stage = static_cast<Stage>(s);
    row.customers = count[s];
    row.net_cents = net[s];
    row.share_customers = r.customers ? static_cast<double>(count[s]) / r.customers : 0.0;
    row.share_revenue = r.net_cents ? static_cast<double>(net[s]) / r.net_cents : 0.0;
    r.stages.push_back(row);
  }
  return r;
}

FunnelResult ComputeFunnel(const Workspace& ws, const Settings& settings, const FunnelInputs& inputs) {
  const CustomerFacts facts = BuildCustomerFacts(ws, ResolveAsOf(ws, settings), AnalysisCurrency(ws, settings));
  return ComputeFunnelFromFacts(ws, settings, facts, inputs);
}

std::vector<Stage> FunnelFlowLaterStages(const Workspace& ws, const Settings& settings, const CustomerFacts& later_facts) {
  std::vector<Stage> stages;
  AssignStages(ws, settings, later_facts, StoreMedianIntervalDays(ws, later_facts), nullptr, &stages);
  return stages;
}

FunnelFlow FunnelFlowFromLaterStages(const Workspace& ws, const Settings& settings, int32_t from_day, int32_t to_day,
                                     const CustomerFacts& later_facts, const std::vector<Stage>& later_stages) {
  FunnelFlow flow;
  flow.from_day = from_day;
  flow.to_day = to_day;
  flow.currency = AnalysisCurrency(ws, settings);
  // The earlier date's stages read each customer's orders up to it, a prefix of its time-ordered orders.
  std::vector<Stage> earlier_stage;
  AssignStagesBefore(ws, settings, later_facts, std::min(from_day, to_day), &earlier_stage);
  const bool later_is_to = to_day >= from_day;
  const std::vector<Stage>& from_stage = later_is_to ? earlier_stage : later_stages;
  const std::vector<Stage>& to_stage = later_is_to ? later_stages : earlier_stage;
  CountFlow(from_stage, to_stage, &flow);
  return flow;
}

FunnelFlow ComputeFunnelFlow(const Workspace& ws, const Settings& settings, int32_t from_day, int32_t to_day,
                             const FactsSource& facts) {
  const uint32_t currency = AnalysisCurrency(ws, settings);
  if (from_day == kNoDay || to_day == kNoDay) {  // "no cut-off" is the later of the two
    FunnelFlow flow;
    flow.from_day = from_day;
    flow.to_day = to_day;
    flow.currency = currency;
    const std::shared_ptr<const CustomerFacts> from_facts = FactsFrom(facts, ws, from_day, currency);
    const std::shared_ptr<const CustomerFacts> to_facts = FactsFrom(facts, ws, to_day, currency);
    std::vector<Stage> from_stage, to_stage;
    AssignStages(ws, settings, *from_facts, StoreMedianIntervalDays(ws, *from_facts), nullptr, &from_stage);
    AssignStages(ws, settings, *to_facts, StoreMedianIntervalDays(ws, *to_facts), nullptr, &to_stage);
    CountFlow(from_stage, to_stage, &flow);
    return flow;
  }
  // One facts build, for the later date.
  const std::shared_ptr<const CustomerFacts> later_facts = FactsFrom(facts, ws, std::max(from_day, to_day), currency);
  return FunnelFlowFromLaterStages(ws, settings, from_day, to_day, *later_facts,
                                   FunnelFlowLaterStages(ws, settings, *later_facts));
}

}  // namespace rapport
