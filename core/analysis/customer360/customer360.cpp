#include "core/analysis/customer360/customer360.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/analysis/side_by_side.h"
#include "core/util/text.h"

namespace rapport {

namespace {

// Below this many orders the index is built inline: a thread's start costs more than it saves.
constexpr size_t kSecondThreadOrders = 100000;

std::string DaysText(double days) {
  char buf[32];
  const double rounded = std::round(days);
  std::snprintf(buf, sizeof buf, "%.0f", rounded);
  return buf;
}

std::string MoneyText(int64_t cents) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(std::llabs(cents % 100)));
  return buf;
}

bool ContainsIgnoreCase(std::string_view hay, std::string_view needle_lower) {
  if (needle_lower.size() > hay.size()) return false;
  for (size_t i = 0; i + needle_lower.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle_lower.size() && AsciiLower(hay[i + k]) == needle_lower[k]) ++k;
    if (k == needle_lower.size()) return true;
  }
  return false;
}

NextBestAction ChooseAction(const Workspace& ws, const Customer360Context& ctx, const Customer360& v) {
  const Settings& s = ctx.settings;
  const int32_t as_of = v.as_of_day;
  NextBestAction a;
  // 1. Negative feedback in the last 30 days comes first.
  int32_t bad_day = kNoDay;
  std::string bad_text;
  for (uint32_t i : v.reviews) {
    if (ws.reviews.rating[i] <= 2 && ws.reviews.day[i] <= as_of && as_of - ws.reviews.day[i] < 30 && ws.reviews.day[i] >= bad_day) {
      bad_day = ws.reviews.day[i];
      bad_text = "left a " + std::to_string(ws.reviews.rating[i]) + "-star review on " + FormatDay(bad_day);
    }
  }
  for (uint32_t i : v.tickets) {
    if (ws.tickets.csat[i] >= 1 && ws.tickets.csat[i] <= 2 && ws.tickets.day[i] <= as_of && as_of - ws.tickets.day[i] < 30 &&
        ws.tickets.day[i] >= bad_day) {
      bad_day = ws.tickets.day[i];
      bad_text = "rated their support ticket " + std::to_string(ws.tickets.csat[i]) + "/5 on " + FormatDay(bad_day);
    }
  }
  for (uint32_t i : v.surveys) {
    if (ws.surveys.score[i] <= 6 && ws.surveys.day[i] <= as_of && as_of - ws.surveys.day[i] < 30 && ws.surveys.day[i] >= bad_day) {
      bad_day = ws.surveys.day[i];
      bad_text = "answered " + std::to_string(ws.surveys.score[i]) + "/10 to the NPS survey on " + FormatDay(bad_day);
    }
  }
  if (bad_day != kNoDay) {
    return {"recover", "Recover the relationship", "They " + bad_text + ": reach out personally before any campaign",
            as_of};
  }
  if (v.valid_orders == 0) {
    return {"none", "No action", "No valid order yet", kNoDay};
  }
  // "their usual 45-day cadence", or for one-time buyers "the store's usual 30 days to a second order".
  const std::string cadence = v.cadence_is_own ? "their usual " + DaysText(v.expected_interval_days) + "-day cadence"
                                               : "the store's usual " + DaysText(v.expected_interval_days) +
                                                     " days to a second order";
  if (v.stage == Stage::kLapsed) {
    return {"win_back", "Win back",
            "Last ordered " + std::to_string(v.days_since_last_order) + " days ago, past the " +
                std::to_string(s.churn_window_days) + "-day churn window" +
                (v.net_cents > 0 ? " (" + MoneyText(v.net_cents) + " spent in " + std::to_string(v.valid_orders) +
                                       (v.valid_orders == 1 ? " order)" : " orders)")
                                 : std::string()),
            as_of};
  }
  if (v.stage == Stage::kAtRisk) {
    if (v.has_predictions && !std::isnan(v.p_alive) && v.p_alive < 0.5) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.0f%%", v.p_alive * 100);
      return {"reach_out", "Reach out now",
              std::string("The model puts their chance of still being a customer at ") + buf + "; last order " +
                  std::to_string(v.days_since_last_order) + " days ago",
              as_of};
    }
    return {"reach_out", "Reach out now",
            DaysText(v.days_overdue) + " days overdue against " + cadence, as_of};
  }
  // A review request once the delay after the last order has passed, if they never reviewed.
  if (v.reviews.empty()) {
    const int32_t due = v.last_day + s.review_request_delay_days;
    if (due <= as_of && as_of - v.last_day < 60) {
      return {"review_request", "Ask for a review",
              "Ordered on " + FormatDay(v.last_day) + " (" + std::to_string(v.days_since_last_order) +
                  " days ago) and has not reviewed yet",
              due};
    }
  }
  if (v.stage == Stage::kLoyal || v.stage == Stage::kAdvocate) {
    return {"reward_loyalty", "Reward loyalty",
            std::to_string(v.valid_orders) + " orders and " + MoneyText(v.net_cents) +
                " spent: invite them to the VIP tier; next order expected around " + FormatDay(v.next_order_expected_day),
            as_of};
  }
  if (v.stage == Stage::kNew || v.stage == Stage::kOneTime) {
    const int32_t due = v.next_order_expected_day != kNoDay ? v.next_order_expected_day : as_of;
    return {"nudge_second_order", "Nudge a second order",
            "One order so far; most repeat customers order again within " + DaysText(v.expected_interval_days) +
                " days, so reach out around " + FormatDay(due),
            due};
  }
  return {"remind", "Remind before the next order",
          "Next order expected around " + FormatDay(v.next_order_expected_day) + " (" + cadence + ")",
          v.next_order_expected_day};
}

}  // namespace

Customer360Context BuildCustomer360Context(const Workspace& ws, const Settings& settings,
                                           const CustomerPredictions& predictions, const FactsSource& facts) {
  Customer360Context ctx;
  ctx.settings = settings;
  ctx.as_of_day = settings.as_of_day != kNoDay ? settings.as_of_day : ws.LatestValidOrderDay();
  ctx.currency = AnalysisCurrency(ws, settings);
  ctx.predictions = predictions;
  auto store_wide = [&] {
    ctx.facts = FactsFrom(facts, ws, ctx.as_of_day, ctx.currency);
    FunnelInputs inputs;
    inputs.p_alive = predictions.p_alive;
    ctx.funnel = ComputeFunnelFromFacts(ws, settings, *ctx.facts, inputs);
    ctx.rfm = ComputeRfmFromFacts(ws, *ctx.facts);
  };
  // Every order by customer: a counting sort, touching only all_order_offsets/all_order_ids.
  auto orders_by_customer = [&] {
    const OrderTable& o = ws.orders;
    const size_t n_customers = ws.customers.size();
    ctx.all_order_offsets.assign(n_customers + 1, 0);
    for (size_t i = 0; i < o.size(); ++i) {
      if (o.customer[i] != kNoId) ++ctx.all_order_offsets[o.customer[i] + 1];
    }
    for (size_t c = 0; c < n_customers; ++c) ctx.all_order_offsets[c + 1] += ctx.all_order_offsets[c];
    ctx.all_order_ids.resize(ctx.all_order_offsets[n_customers]);
    std::vector<uint32_t> cursor(ctx.all_order_offsets.begin(), ctx.all_order_offsets.end() - 1);
    for (uint32_t i = 0; i < o.size(); ++i) {
      if (o.customer[i] != kNoId) ctx.all_order_ids[cursor[o.customer[i]]++] = i;
    }
  };
  SideBySide(kAnalysisThreads && ws.orders.size() >= kSecondThreadOrders, store_wide, orders_by_customer);
  return ctx;
}

Customer360 BuildCustomer360(const Workspace& ws, const Customer360Context& ctx, uint32_t c) {
  Customer360 v;
  v.customer = c;
  v.as_of_day = ctx.as_of_day;
  v.currency = ctx.currency;
  const OrderTable& o = ws.orders;
  const CustomerFacts& f = *ctx.facts;

  // Timeline: every order of the customer.
  std::vector<uint32_t> ids(ctx.all_order_ids.begin() + ctx.all_order_offsets[c],
                            ctx.all_order_ids.begin() + ctx.all_order_offsets[c + 1]);
  std::sort(ids.begin(), ids.end(), [&](uint32_t x, uint32_t y) {
    if (o.day[x] != o.day[y]) return o.day[x] < o.day[y];
    if (o.seconds[x] != o.seconds[y]) return o.seconds[x] < o.seconds[y];
    return x < y;
  });
  for (uint32_t i : ids) {
    TimelineOrder t;
    t.order = i;
    t.day = o.day[i];
    t.valid = CountedOrder(o, i, ctx.as_of_day, ctx.currency);
    t.total_cents = o.total_cents[i];
    t.net_cents = o.net_cents(i);
    for (uint32_t l = o.first_line[i], e = l + o.line_count[i]; l < e; ++l) {
      const uint32_t p = ws.lines.product[l];
      if (p == kNoId) continue;
      auto it = std::find(t.products.begin(), t.products.end(), p);
      if (it == t.products.end()) {
        t.products.push_back(p);
        t.quantities.push_back(ws.lines.quantity[l]);
      } else {
        t.quantities[it - t.products.begin()] += ws.lines.quantity[l];
      }
    }
    if (t.valid) {
      for (size_t k = 0; k < t.products.size(); ++k) {
        auto pit = std::find_if(v.products.begin(), v.products.end(),
                                [&](const ProductBought& b) { return b.product == t.products[k]; });
        if (pit == v.products.end()) {
          v.products.push_back({t.products[k], 0, 0, t.day, t.day});
          pit = v.products.end() - 1;
        }
        pit->quantity += t.quantities[k];
        ++pit->orders;
        pit->last_day = t.day;
      }
    }
    v.orders.push_back(std::move(t));
  }
  std::sort(v.products.begin(), v.products.end(), [](const ProductBought& a, const ProductBought& b) {
    return a.quantity != b.quantity ? a.quantity > b.quantity : a.product < b.product;
  });

  // Spend and cadence from the facts (valid orders only).
  v.valid_orders = f.orders[c];
  v.net_cents = f.net_cents[c];
  v.aov_cents = v.valid_orders ? static_cast<double>(v.net_cents) / v.valid_orders : 0.0;
  v.first_day = f.first_day[c];
  v.last_day = f.last_day[c];
  if (v.valid_orders) v.days_since_last_order = ctx.as_of_day - v.last_day;
  int32_t prev = kNoDay;
  for (const uint32_t* p = f.begin_orders(c); p != f.end_orders(c); ++p) {
    if (prev != kNoDay && o.day[*p] != prev) v.intervals_days.push_back(o.day[*p] - prev);
    prev = o.day[*p];
  }
  if (!v.intervals_days.empty()) {
    std::vector<int32_t> sorted = v.intervals_days;
    std::sort(sorted.begin(), sorted.end());
    const size_t n = sorted.size();
    v.median_interval_days = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + static_cast<double>(sorted[n / 2])) / 2.0;
  }
  const size_t n_int = v.intervals_days.size();
  if (n_int >= 4) {
    double recent = 0, earlier = 0;
    for (size_t k = 0; k < n_int; ++k) (k + 3 >= n_int ? recent : earlier) += v.intervals_days[k];
    v.recent_mean_interval_days = recent / 3.0;
    v.earlier_mean_interval_days = earlier / static_cast<double>(n_int - 3);
    const double ratio = v.recent_mean_interval_days / std::max(v.earlier_mean_interval_days, 1.0);
    v.frequency_trend = ratio > 1.25 ? "slowing down" : ratio < 0.8 ? "speeding up" : "steady";
  } else {
    v.frequency_trend = "not enough orders";
  }
  v.cadence_is_own = v.median_interval_days >= 0;
  v.expected_interval_days = v.cadence_is_own ? v.median_interval_days : ctx.funnel.store_median_interval_days;
  if (v.valid_orders && v.expected_interval_days >= 0) {
    v.days_overdue = v.days_since_last_order - v.expected_interval_days;
    v.next_order_expected_day = v.last_day + static_cast<int32_t>(std::lround(v.expected_interval_days));
  }

  v.stage = ctx.funnel.stage[c];
  v.r = ctx.rfm.r[c];
  v.f = ctx.rfm.f[c];
  v.m = ctx.rfm.m[c];
  v.segment = ctx.rfm.segment[c];
  const CustomerPredictions& pr = ctx.predictions;
  auto pick = [&](const std::vector<double>* col) { return col && c < col->size() ? (*col)[c] : NAN; };
  v.p_alive = pick(pr.p_alive);
  v.expected_purchases = pick(pr.expected_purchases);
  v.predicted_clv_cents = pick(pr.predicted_clv_cents);
  v.has_predictions = !std::isnan(v.p_alive) || !std::isnan(v.expected_purchases) || !std::isnan(v.predicted_clv_cents);

  auto collect = [&](const std::vector<uint32_t>& customer_col, const std::vector<int32_t>& day_col, std::vector<uint32_t>* out) {
    for (uint32_t i = 0; i < customer_col.size(); ++i) {
      if (customer_col[i] == c) out->push_back(i);
    }
    std::stable_sort(out->begin(), out->end(), [&](uint32_t x, uint32_t y) { return day_col[x] < day_col[y]; });
  };
  collect(ws.reviews.customer, ws.reviews.day, &v.reviews);
  collect(ws.tickets.customer, ws.tickets.day, &v.tickets);
  collect(ws.surveys.customer, ws.surveys.day, &v.surveys);
  v.action = ChooseAction(ws, ctx, v);
  return v;
}

std::vector<CustomerSearchHit> SearchCustomers(const Workspace& ws, const Settings& settings, const std::string& query,
                                               size_t limit) {
  std::vector<CustomerSearchHit> hits;
  const std::string needle = ToLowerAscii(TrimAscii(query));
  if (needle.empty() || limit == 0) return hits;
  const CustomerTable& cu = ws.customers;
  std::vector<uint32_t> slot(cu.size(), kNoId);
  std::string name;
  for (uint32_t c = 0; c < cu.size(); ++c) {
    name.assign(cu.first_name[c]).append(" ").append(cu.last_name[c]);
    if (ContainsIgnoreCase(cu.email[c], needle) || ContainsIgnoreCase(name, needle) || ContainsIgnoreCase(cu.key[c], needle)) {
      slot[c] = static_cast<uint32_t>(hits.size());
      hits.push_back({c, 0, 0});
    }
  }
  if (hits.empty()) return hits;
  const int32_t as_of = settings.as_of_day != kNoDay ? settings.as_of_day : ws.LatestValidOrderDay();
  const uint32_t currency = AnalysisCurrency(ws, settings);
  const OrderTable& o = ws.orders;
  for (size_t i = 0; i < o.size(); ++i) {
    const uint32_t c = o.customer[i];
    if (c == kNoId || slot[c] == kNoId || !CountedOrder(o, i, as_of, currency)) continue;
    CustomerSearchHit& h = hits[slot[c]];
    h.net_cents += o.net_cents(i);
    ++h.orders;
  }
  std::sort(hits.begin(), hits.end(), [](const CustomerSearchHit& a, const CustomerSearchHit& b) {
    return a.net_cents != b.net_cents ? a.net_cents > b.net_cents : a.customer < b.customer;
  });
  if (hits.size() > limit) hits.resize(limit);
  return hits;
}

}  // namespace rapport
