#include "core/analysis/cohorts/cohorts.h"

#include <algorithm>
#include <numeric>

#include "core/analysis/customer_facts.h"

namespace rapport {

namespace {

const char* kByNames[] = {"none", "first_product", "source", "discount_code", "country"};

// The group value of a customer's first order: a product id, a label id or a country id (kNoId = none).
uint32_t GroupValue(const Workspace& ws, CohortBy by, uint32_t customer, uint32_t first_order) {
  const OrderTable& o = ws.orders;
  switch (by) {
    case CohortBy::kNone:
      return 0;
    case CohortBy::kFirstProduct:
      return o.line_count[first_order] ? ws.lines.product[o.first_line[first_order]] : kNoId;
    case CohortBy::kSource:
      return o.source[first_order] ? o.source[first_order] : kNoId;
    case CohortBy::kDiscountCode:
      return o.discount_code[first_order] ? o.discount_code[first_order] : kNoId;
    case CohortBy::kCountry: {
      const uint32_t c = customer < ws.customers.country.size() ? ws.customers.country[customer] : 0;
      if (c != 0) return c;
      return o.country[first_order] ? o.country[first_order] : kNoId;
    }
  }
  return kNoId;
}

std::string GroupLabel(const Workspace& ws, CohortBy by, uint32_t value) {
  if (by == CohortBy::kNone) return "";
  if (value == kNoId) return "(none)";
  switch (by) {
    case CohortBy::kFirstProduct: {
      const ProductTable& p = ws.products;
      if (!p.title[value].empty()) return p.title[value];
      if (!p.sku[value].empty()) return p.sku[value];
      return p.key[value];
    }
    case CohortBy::kCountry:
      return ws.countries[value];
    default:
      return ws.labels[value];
  }
}

}  // namespace

bool CohortByFromName(const std::string& name, CohortBy* out) {
  for (int i = 0; i < 5; ++i) {
    if (name == kByNames[i]) {
      *out = static_cast<CohortBy>(i);
      return true;
    }
  }
  if (name.empty()) {
    *out = CohortBy::kNone;
    return true;
  }
  return false;
}

const char* CohortByName(CohortBy by) { return kByNames[static_cast<int>(by)]; }

CohortResult ComputeCohorts(const Workspace& ws, const Settings& settings, const CohortOptions& options,
                            const FactsSource& facts_source) {
  CohortResult res;
  res.by = options.by;
  res.as_of_day = settings.as_of_day != kNoDay ? settings.as_of_day : ws.LatestValidOrderDay();
  res.currency = AnalysisCurrency(ws, settings);
  if (res.as_of_day == kNoDay) return res;
  const std::shared_ptr<const CustomerFacts> facts_held = FactsFrom(facts_source, ws, res.as_of_day, res.currency);
  const CustomerFacts& facts = *facts_held;
  res.last_month_partial = MonthIndex(res.as_of_day + 1) == MonthIndex(res.as_of_day);
  const int32_t as_of_month = MonthIndex(res.as_of_day);

  // Day -> month index through a table over the days spanned (CivilFromDays once per day, not per order).
  int32_t min_day = res.as_of_day;
  for (uint32_t c = 0; c < facts.size(); ++c) {
    if (facts.orders[c]) min_day = std::min(min_day, facts.first_day[c]);
  }
  std::vector<int32_t> month_of(static_cast<size_t>(res.as_of_day - min_day) + 1);
  for (int32_t d = min_day; d <= res.as_of_day; ++d) month_of[d - min_day] = MonthIndex(d);
  const int32_t first_month = month_of[0];
  const int32_t n_cohorts = as_of_month - first_month + 1;

  // Groups: value per customer, then rank values by customers.
  std::vector<uint32_t> value(facts.size(), kNoId);
  std::vector<std::pair<uint32_t, int64_t>> group_sizes;  // (value, customers)
  {
    std::vector<int64_t> size_by_value;
    int64_t none = 0;
    // Each customer's value read off its first order, the order table swept forward (ForEachFirstOrder).
    if (options.by == CohortBy::kNone) {
      for (uint32_t c = 0; c < facts.size(); ++c) value[c] = 0;
    } else {
      ForEachFirstOrder(facts, ws.orders, [&](uint32_t c, uint32_t first) { value[c] = GroupValue(ws, options.by, c, first); });
    }
    for (uint32_t c = 0; c < facts.size(); ++c) {
      if (!facts.orders[c]) continue;
      const uint32_t v = value[c];
      if (v == kNoId) {
        ++none;
      } else {
        if (v >= size_by_value.size()) size_by_value.resize(v + 1, 0);
        ++size_by_value[v];
      }
    }
    for (uint32_t v = 0; v < size_by_value.size(); ++v) {
      if (size_by_value[v]) group_sizes.emplace_back(v, size_by_value[v]);
    }
    if (none) group_sizes.emplace_back(kNoId, none);
  }
  std::vector<std::string> labels;
  for (const auto& g : group_sizes) labels.push_back(GroupLabel(ws, options.by, g.first));
  std::vector<size_t> order(group_sizes.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (group_sizes[a].second != group_sizes[b].second) return group_sizes[a].second > group_sizes[b].second;
    return labels[a] < labels[b];
  });
  // Group slot per value: 0..kept-1, `kept` = "(other)".
  const size_t max_groups = options.max_groups > 0 ? static_cast<size_t>(options.max_groups) : order.size();
  const size_t kept = std::min(order.size(), max_groups);
  const bool has_other = order.size() > kept;
  const size_t n_groups = kept + (has_other ? 1 : 0);
  std::vector<uint32_t> slot_of_value;  // by value, kNoId value stored at the end
  auto slot_index = [&](uint32_t v) -> size_t { return v == kNoId ? slot_of_value.size() - 1 : v; };
  {
    uint32_t max_value = 0;
    for (const auto& g : group_sizes) {
      if (g.first != kNoId) max_value = std::max(max_value, g.first);
    }
    slot_of_value.assign(static_cast<size_t>(max_value) + 2, static_cast<uint32_t>(kept));
    for (size_t rank = 0; rank < kept; ++rank) slot_of_value[slot_index(group_sizes[order[rank]].first)] = rank;
  }

  // Dense cells: [group][cohort][month since], month since < n_cohorts - cohort.
  const size_t months_cap = options.months > 0 ? static_cast<size_t>(options.months) : static_cast<size_t>(n_cohorts);
  const size_t stride = static_cast<size_t>(n_cohorts);
  const size_t cells = n_groups * stride * stride;
  std::vector<int64_t> active(cells, 0), net(cells, 0), sizes(n_groups * stride, 0);
  for (uint32_t c = 0; c < facts.size(); ++c) {
    if (!facts.orders[c]) continue;
    const size_t g = slot_of_value[slot_index(value[c])];
    const int32_t cohort = month_of[facts.first_day[c] - min_day] - first_month;
    ++sizes[g * stride + cohort];
    int64_t* act = active.data() + (g * stride + cohort) * stride;
    int64_t* rev = net.data() + (g * stride + cohort) * stride;
    // The customer's orders' days and nets, laid out in sequence by the facts (not looked up in the order
    // table, where a customer's orders lie far apart).
    int32_t prev = -1;
    const int32_t* days = facts.begin_days(c);
    const int64_t* nets = facts.begin_net(c);
    for (int32_t i = 0, n = facts.orders[c]; i < n; ++i) {
      const int32_t k = month_of[days[i] - min_day] - first_month - cohort;
      if (k != prev) {
        ++act[k];
        prev = k;
      }
      rev[k] += nets[i];
    }
  }

  for (size_t rank = 0; rank < n_groups; ++rank) {
    CohortGroup group;
    group.label = rank < kept ? labels[order[rank]] : "(other)";
    if (!options.filter.empty() && group.label != options.filter) continue;
    std::vector<double> avg_active(months_cap, 0), avg_net(months_cap, 0), avg_size(months_cap, 0);
    for (int32_t cohort = 0; cohort < n_cohorts; ++cohort) {
      const int64_t size = sizes[rank * stride + cohort];
      if (size == 0) continue;
      Cohort row;
      row.month_index = first_month + cohort;
      row.customers = size;
      group.customers += size;
      const size_t months = std::min(months_cap, static_cast<size_t>(n_cohorts - cohort));
      const int64_t* act = active.data() + (rank * stride + cohort) * stride;
      const int64_t* rev = net.data() + (rank * stride + cohort) * stride;
      double cumulative = 0;
      for (size_t k = 0; k < months; ++k) {
        row.active.push_back(act[k]);
        row.retention.push_back(static_cast<double>(act[k]) / size);
        row.net_cents.push_back(rev[k]);
        const double per = static_cast<double>(rev[k]) / size;
        cumulative += per;
        row.net_per_customer_cents.push_back(per);
        row.cumulative_net_per_customer_cents.push_back(cumulative);
        avg_active[k] += act[k];
        avg_net[k] += cumulative * size;
        avg_size[k] += size;
      }
      group.cohorts.push_back(std::move(row));
    }
    for (size_t k = 0; k < months_cap; ++k) {
      if (avg_size[k] == 0) break;
      group.average_retention.push_back(avg_active[k] / avg_size[k]);
      group.average_cumulative_net_per_customer_cents.push_back(avg_net[k] / avg_size[k]);
    }
    res.customers += group.customers;
    res.groups.push_back(std::move(group));
  }
  return res;
}

}  // namespace rapport
