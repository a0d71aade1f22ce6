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

// Assigns every customer's stage from the facts (the DESIGN §3 rules, see funnel.h).
void AssignStages(const Workspace& ws, const Settings& settings, const CustomerFacts& facts, double store_median,
                  const std::vector<double>* p_alive, std::vector<Stage>* out) {
  const int32_t as_of = facts.as_of_day;
  const std::vector<uint8_t> advocacy = AdvocacyFlags(ws, as_of);
  std::vector<int32_t> scratch;
  out->assign(facts.size(), Stage::kNotCustomer);
  for (uint32_t c = 0; c < facts.size(); ++c) {
    const int32_t orders = facts.orders[c];
    if (orders == 0) continue;
    const int32_t since_last = as_of - facts.last_day[c];
    Stage stage;
    if (since_last >= settings.churn_window_days) {
      stage = Stage::kLapsed;
    } else {
      bool at_risk;
      const double p = (p_alive && c < p_alive->size()) ? (*p_alive)[c] : NAN;
      if (!std::isnan(p)) {
        at_risk = p < 0.5;
      } else {
        double expected = facts.purchase_days[c] >= 2 ? OwnMedianIntervalDays(ws, facts, c, &scratch) : store_median;
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
      } else if (as_of - facts.first_day[c] < settings.new_customer_days) {
        stage = Stage::kNew;
      } else {
        stage = Stage::kOneTime;
      }
    }
    (*out)[c] = stage;
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
  scratch->clear();
  int32_t prev = kNoDay;
  for (const int32_t* p = facts.begin_days(c); p != facts.end_days(c); ++p) {
    const int32_t day = *p;
    if (prev != kNoDay && day != prev) scratch->push_back(day - prev);
    prev = day;
  }
  return MedianOf(scratch->data(), scratch->data() + scratch->size());
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

FunnelFlow ComputeFunnelFlow(const Workspace& ws, const Settings& settings, int32_t from_day, int32_t to_day,
                             const FactsSource& facts) {
  FunnelFlow flow;
  flow.from_day = from_day;
  flow.to_day = to_day;
  flow.currency = AnalysisCurrency(ws, settings);
  // One facts build: the earlier date's facts are narrowed from the later one's (a sequential pass).
  std::shared_ptr<const CustomerFacts> from_held, to_held;
  if (from_day == kNoDay || to_day == kNoDay) {  // "no cut-off" is the later of the two
    from_held = FactsFrom(facts, ws, from_day, flow.currency);
    to_held = FactsFrom(facts, ws, to_day, flow.currency);
  } else if (from_day <= to_day) {
    to_held = FactsFrom(facts, ws, to_day, flow.currency);
    from_held = std::make_shared<const CustomerFacts>(NarrowCustomerFacts(ws, *to_held, from_day));
  } else {
    from_held = FactsFrom(facts, ws, from_day, flow.currency);
    to_held = std::make_shared<const CustomerFacts>(NarrowCustomerFacts(ws, *from_held, to_day));
  }
  const CustomerFacts& from_facts = *from_held;
  const CustomerFacts& to_facts = *to_held;
  std::vector<Stage> from_stage, to_stage;
  AssignStages(ws, settings, from_facts, StoreMedianIntervalDays(ws, from_facts), nullptr, &from_stage);
  AssignStages(ws, settings, to_facts, StoreMedianIntervalDays(ws, to_facts), nullptr, &to_stage);
  for (size_t c = 0; c < to_stage.size(); ++c) {
    if (to_stage[c] == Stage::kNotCustomer && from_stage[c] == Stage::kNotCustomer) continue;
    ++flow.customers[static_cast<int>(from_stage[c])][static_cast<int>(to_stage[c])];
    ++flow.total;
  }
  return flow;
}

}  // namespace rapport
