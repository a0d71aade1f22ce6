#include "core/analysis/kpi/kpi.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/analysis/customer_facts.h"

namespace rapport {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Ratio(double num, double den) { return den > 0 ? num / den : kNaN; }

// Median of a non-empty vector (mean of the two middle values for an even count); NaN when empty.
double Median(std::vector<int32_t>* v) {
  if (v->empty()) return kNaN;
  const size_t n = v->size(), mid = n / 2;
  std::nth_element(v->begin(), v->begin() + mid, v->end());
  const double upper = (*v)[mid];
  if (n % 2) return upper;
  const double lower = *std::max_element(v->begin(), v->begin() + mid);
  return (lower + upper) / 2.0;
}

CurrencyKpis ForCurrency(const Workspace& w, uint32_t currency, int32_t as_of, int32_t period, const FactsSource& source) {
  CurrencyKpis k;
  k.currency = w.currencies[currency];
  const OrderTable& o = w.orders;
  for (size_t i = 0; i < o.size(); ++i) {
    if (!CountedOrder(o, i, as_of, currency)) continue;
    k.gross_cents += o.total_cents[i];
    k.refunded_cents += o.refunded_cents[i];
    if (k.first_order_day == kNoDay || o.day[i] < k.first_order_day) k.first_order_day = o.day[i];
    if (k.last_order_day == kNoDay || o.day[i] > k.last_order_day) k.last_order_day = o.day[i];
  }
  const std::shared_ptr<const CustomerFacts> facts = FactsFrom(source, w, as_of, currency);
  const CustomerFacts& f = *facts;
  k.net_cents = k.gross_cents - k.refunded_cents;
  k.identified_orders = f.identified_orders;
  k.guest_orders = f.guest_orders;
  k.orders = f.identified_orders + f.guest_orders;
  k.identified_net_cents = f.identified_net_cents;
  k.customers = f.customers_with_orders;

  std::vector<int32_t> gaps;
  const int32_t a_lo = as_of - 2 * period, a_hi = as_of - period;  // window A = (a_lo, a_hi]
  for (uint32_t c = 0; c < f.size(); ++c) {
    if (f.orders[c] == 0) continue;
    if (f.orders[c] >= 2) {
      ++k.repeat_customers;
      gaps.push_back(f.second_day[c] - f.first_day[c]);
    }
    bool in_a = false, in_b = false;
    for (const int32_t* it = f.begin_days(c); it != f.end_days(c); ++it) {
      const int32_t d = *it;
      if (d > a_lo && d <= a_hi) in_a = true;
      else if (d > a_hi && d <= as_of) in_b = true;
    }
    if (in_a) {
      ++k.retention_base;
      if (in_b) ++k.retention_retained;
    }
  }
  k.aov_cents = Ratio(static_cast<double>(k.net_cents), static_cast<double>(k.orders));
  k.purchase_frequency = Ratio(static_cast<double>(k.identified_orders), static_cast<double>(k.customers));
  k.repeat_purchase_rate = Ratio(static_cast<double>(k.repeat_customers), static_cast<double>(k.customers));
  k.median_days_first_to_second = Median(&gaps);
  k.historical_clv_cents = Ratio(static_cast<double>(k.identified_net_cents), static_cast<double>(k.customers));
  k.retention_rate = Ratio(static_cast<double>(k.retention_retained), static_cast<double>(k.retention_base));
  k.churn_rate = std::isnan(k.retention_rate) ? kNaN : 1.0 - k.retention_rate;
  return k;
}

FeedbackKpis Feedback(const Workspace& w, int32_t as_of) {
  FeedbackKpis fb;
  auto counted = [&](int32_t day) { return as_of == kNoDay || day == kNoDay || day <= as_of; };
  for (size_t i = 0; i < w.surveys.size(); ++i) {
    if (!counted(w.surveys.day[i])) continue;
    const int score = w.surveys.score[i];
    if (score < 0 || score > 10) continue;
    ++fb.surveys;
    if (score >= 9) ++fb.promoters;
    else if (score >= 7) ++fb.passives;
    else ++fb.detractors;
  }
  fb.nps = fb.surveys > 0 ? 100.0 * static_cast<double>(fb.promoters - fb.detractors) / static_cast<double>(fb.surveys) : kNaN;
  for (size_t i = 0; i < w.tickets.size(); ++i) {
    if (!counted(w.tickets.day[i])) continue;
    ++fb.tickets;
    const int csat = w.tickets.csat[i];
    if (csat < 1 || csat > 5) continue;
    ++fb.rated_tickets;
    if (csat >= 4) ++fb.satisfied_tickets;
  }
  fb.csat = Ratio(static_cast<double>(fb.satisfied_tickets), static_cast<double>(fb.rated_tickets));
  int64_t rating_sum = 0;
  std::vector<uint8_t> reviewed(w.customers.size(), 0);
  for (size_t i = 0; i < w.reviews.size(); ++i) {
    if (!counted(w.reviews.day[i])) continue;
    const int rating = w.reviews.rating[i];
    if (rating < 1 || rating > 5) continue;
    ++fb.reviews;
    rating_sum += rating;
    const uint32_t c = w.reviews.customer[i];
    if (c != kNoId && c < reviewed.size() && !reviewed[c]) {
      reviewed[c] = 1;
      ++fb.reviewing_customers;
    }
  }
  // Customers with a valid order up to as_of (any currency), and how many of them wrote a review.
  std::vector<uint8_t> buyer(w.customers.size(), 0);
  for (size_t i = 0; i < w.orders.size(); ++i) {
    const uint32_t c = w.orders.customer[i];
    if (c != kNoId && CountedOrder(w.orders, i, as_of, kNoId)) buyer[c] = 1;
  }
  int64_t buyers = 0, reviewing_buyers = 0;
  for (size_t c = 0; c < buyer.size(); ++c) {
    buyers += buyer[c];
    if (buyer[c] && reviewed[c]) ++reviewing_buyers;
  }
  fb.review_rate = fb.reviews > 0 ? Ratio(static_cast<double>(reviewing_buyers), static_cast<double>(buyers)) : kNaN;
  fb.average_rating = Ratio(static_cast<double>(rating_sum), static_cast<double>(fb.reviews));
  return fb;
}

}  // namespace

KpiResult ComputeKpis(const Workspace& w, const Settings& settings, const FactsSource& facts) {
  KpiResult r;
  r.as_of_day = settings.as_of_day != kNoDay ? settings.as_of_day : w.LatestValidOrderDay();
  r.retention_period_days = settings.retention_period_days;
  if (r.as_of_day != kNoDay) {
    // Currencies with at least one valid order up to as_of, by code.
    std::vector<uint8_t> seen(w.currencies.size(), 0);
    for (size_t i = 0; i < w.orders.size(); ++i) {
      if (CountedOrder(w.orders, i, r.as_of_day, kNoId)) seen[w.orders.currency[i]] = 1;
    }
    std::vector<uint32_t> ids;
    for (uint32_t id = 0; id < seen.size(); ++id) {
      if (seen[id]) ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) { return w.currencies[a] < w.currencies[b]; });
    for (uint32_t id : ids) r.currencies.push_back(ForCurrency(w, id, r.as_of_day, settings.retention_period_days, facts));
    if (!r.currencies.empty()) {
      // settings.currency when present, else the most net revenue (ties: first code).
      const CurrencyKpis* best = nullptr;
      for (const CurrencyKpis& k : r.currencies) {
        if (!settings.currency.empty() && k.currency == settings.currency) {
          best = &k;
          break;
        }
      }
      if (!best) {
        for (const CurrencyKpis& k : r.currencies) {
          if (!best || k.net_cents > best->net_cents) best = &k;
        }
      }
      r.headline_currency = best->currency;
    }
  }
  r.feedback = Feedback(w, r.as_of_day);
  return r;
}

}  // namespace rapport
