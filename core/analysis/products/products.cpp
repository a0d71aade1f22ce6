#include "core/analysis/products/products.h"

#include <algorithm>
#include <cmath>

#include "core/analysis/by_customer.h"
#include "core/analysis/customer_facts.h"
#include "core/util/big_buffer.h"

namespace rapport {

namespace {

// Quartiles with linear interpolation between order statistics (numpy's default) of b[0, n), n > 0: the
// order statistics they need are selected (nth_element, ascending), not sorted for; b is reordered.
struct Quartiles {
  double q1 = 0, median = 0, q3 = 0;
};
Quartiles QuartilesOf(int32_t* b, size_t n) {
  size_t from = 0;  // b[0, from) holds the smallest values, in order
  auto at = [&](size_t k) {
    if (k >= from) {
      std::nth_element(b + from, b + k, b + n);
      from = k + 1;
    }
    return b[k];
  };
  auto quantile = [&](double q) {
    const double pos = q * static_cast<double>(n - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, n - 1);
    const double frac = pos - static_cast<double>(lo);
    const int32_t v_lo = at(lo);
    return v_lo + (at(hi) - v_lo) * frac;
  };
  Quartiles r;
  r.q1 = quantile(0.25);
  r.median = quantile(0.5);
  r.q3 = quantile(0.75);
  return r;
}

// The lines of the counted orders of each customer with facts, grouped by customer (ascending id) and, within
// a customer, by order in table order (runs of one order's lines, ascending order id), built as the customer
// facts are (by_customer.h) rather than by walking each customer's orders through the order table. The lines
// are grouped in place, in the one buffer they were distributed into (8 M lines at 1 M customers).
struct CustomerLines {
  struct Line {
    uint32_t customer, order, product;
    int32_t day;
  };
  std::vector<uint32_t> offsets;  // customer c's lines are items[offsets[c], offsets[c + 1])
  BigBuffer<Line> items{0};
};

CustomerLines BuildCustomerLines(const Workspace& ws, const CustomerFacts& facts) {
  const OrderTable& o = ws.orders;
  const size_t n_customers = facts.size();
  const size_t n_orders = o.size();
  const int32_t* const day = o.day.data();
  const uint32_t* const customer = o.customer.data();
  const uint32_t* const first_line = o.first_line.data();
  const uint32_t* const line_count = o.line_count.data();
  const uint32_t* const line_product = ws.lines.product.data();
  auto counted = [&](size_t i) { return customer[i] != kNoId && CountedOrder(o, i, facts.as_of_day, facts.currency); };
  const CustomerBuckets cb(n_customers);

  CustomerLines out;
  out.offsets.assign(n_customers + 1, 0);
  std::vector<uint32_t> bucket_start(cb.buckets() + 1, 0);
  for (size_t i = 0; i < n_orders; ++i) {
    if (counted(i)) bucket_start[cb.bucket(customer[i]) + 1] += line_count[i];
  }
  for (size_t b = 0; b < cb.buckets(); ++b) bucket_start[b + 1] += bucket_start[b];
  const uint32_t n_lines = bucket_start[cb.buckets()];
  // Each line into its bucket as one 16-byte item (one write stream per bucket), then each bucket grouped by
  // customer in place.
  out.items = BigBuffer<CustomerLines::Line>(n_lines);
  CustomerLines::Line* const items = out.items.data();
  {
    std::vector<uint32_t> cursor(bucket_start.begin(), bucket_start.end() - 1);
    for (size_t i = 0; i < n_orders; ++i) {
      if (!counted(i)) continue;
      const uint32_t c = customer[i];
      uint32_t at = cursor[cb.bucket(c)];
      for (uint32_t l = first_line[i], e = l + line_count[i]; l < e; ++l) {
        items[at++] = {c, static_cast<uint32_t>(i), line_product[l], day[i]};
      }
      cursor[cb.bucket(c)] = at;
    }
  }
  GroupByCustomerInPlace(cb, bucket_start, items, &out.offsets, [](size_t, size_t) {});
  return out;
}

std::vector<ReplenishmentRow> ReplenishmentFrom(const Workspace& ws, const CustomerFacts& facts,
                                                const CustomerLines& cl, int64_t min_intervals) {
  const size_t n_products = ws.products.size();
  std::vector<ReplenishmentRow> rows;
  // Per customer with two purchase days or more, the days each product was bought: consecutive different days
  // of one product are an interval. A customer's lines are usually in day order already (an export lists
  // orders by date): then the last day each product was seen (customer << 32 | day, so a new customer needs no
  // reset) gives the intervals in one pass; otherwise its (product, day) pairs are sorted. One pass collects
  // (product, interval) codes, a counting sort groups them by product.
  std::vector<int64_t> interval_count(n_products, 0), interval_customers(n_products, 0);
  std::vector<uint32_t> last_customer(n_products, kNoId);
  std::vector<uint64_t> seen(n_products, ~uint64_t{0});
  std::vector<uint64_t> codes;  // product << 32 | interval
  std::vector<uint64_t> pairs;  // product << 32 | day (as unsigned, order-preserving)
  auto interval = [&](uint32_t p, uint32_t c, uint32_t gap) {
    codes.push_back(static_cast<uint64_t>(p) << 32 | gap);
    ++interval_count[p];
    if (last_customer[p] != c) {
      last_customer[p] = c;
      ++interval_customers[p];
    }
  };
  const CustomerLines::Line* const line = cl.items.data();
  uint64_t* const last = seen.data();
  const uint32_t n_customers = static_cast<uint32_t>(facts.size());
  for (uint32_t c = 0; c < n_customers; ++c) {
    if (facts.purchase_days[c] < 2) continue;
    const uint32_t begin = cl.offsets[c], end = cl.offsets[c + 1];
    bool in_day_order = true;
    for (uint32_t k = begin + 1; k < end && in_day_order; ++k) in_day_order = line[k - 1].day <= line[k].day;
    if (in_day_order) {
      const uint64_t stamp = static_cast<uint64_t>(c) << 32;
      for (uint32_t k = begin; k < end; ++k) {
        const uint32_t p = line[k].product;
        if (p == kNoId) continue;
        const int32_t day = line[k].day;
        const uint64_t before = last[p];
        last[p] = stamp | static_cast<uint32_t>(day);
        if ((before >> 32) != c) continue;  // the customer's first purchase of p
        const int32_t prev = static_cast<int32_t>(static_cast<uint32_t>(before));
        if (day > prev) interval(p, c, static_cast<uint32_t>(day - prev));
      }
      continue;
    }
    pairs.clear();
    for (uint32_t k = begin; k < end; ++k) {
      if (line[k].product == kNoId) continue;
      pairs.push_back(static_cast<uint64_t>(line[k].product) << 32 | (static_cast<uint32_t>(line[k].day) ^ 0x80000000u));
    }
    std::sort(pairs.begin(), pairs.end());
    for (size_t k = 1; k < pairs.size(); ++k) {
      const uint32_t p = static_cast<uint32_t>(pairs[k] >> 32);
      if (static_cast<uint32_t>(pairs[k - 1] >> 32) != p) continue;
      const uint32_t gap = static_cast<uint32_t>(pairs[k]) - static_cast<uint32_t>(pairs[k - 1]);
      if (gap != 0) interval(p, c, gap);  // 0: the same day again
    }
  }
  std::vector<uint32_t> interval_offset(n_products + 1, 0);
  for (size_t p = 0; p < n_products; ++p) interval_offset[p + 1] = interval_offset[p] + static_cast<uint32_t>(interval_count[p]);
  std::vector<int32_t> intervals(codes.size());
  {
    std::vector<uint32_t> cursor(interval_offset.begin(), interval_offset.end() - 1);
    for (uint64_t code : codes) intervals[cursor[code >> 32]++] = static_cast<int32_t>(code & 0xffffffffu);
    std::vector<uint64_t>().swap(codes);
  }
  for (uint32_t p = 0; p < n_products; ++p) {
    const int64_t n = interval_count[p];
    if (n == 0 || n < min_intervals) continue;
    const Quartiles q = QuartilesOf(intervals.data() + interval_offset[p], static_cast<size_t>(n));
    ReplenishmentRow row;
    row.product = p;
    row.intervals = n;
    row.customers = interval_customers[p];
    row.q1_days = q.q1;
    row.median_days = q.median;
    row.q3_days = q.q3;
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end(), [](const ReplenishmentRow& a, const ReplenishmentRow& b) {
    return a.intervals != b.intervals ? a.intervals > b.intervals : a.product < b.product;
  });
  return rows;
}

}  // namespace

std::vector<ReplenishmentRow> ComputeReplenishment(const Workspace& ws, const CustomerFacts& facts, int64_t min_intervals) {
  return ReplenishmentFrom(ws, facts, BuildCustomerLines(ws, facts), min_intervals);
}

ProductResult ComputeProducts(const Workspace& ws, const Settings& settings, const ProductOptions& options,
                              const FactsSource& facts_source) {
  ProductResult res;
  res.as_of_day = settings.as_of_day != kNoDay ? settings.as_of_day : ws.LatestValidOrderDay();
  res.currency = AnalysisCurrency(ws, settings);
  const size_t n_products = ws.products.size();
  res.product_baskets.assign(n_products, 0);
  if (res.as_of_day == kNoDay) return res;
  const std::shared_ptr<const CustomerFacts> facts_held = FactsFrom(facts_source, ws, res.as_of_day, res.currency);
  const CustomerFacts& facts = *facts_held;
  const OrderTable& o = ws.orders;
  const OrderLineTable& lines = ws.lines;

  const CustomerLines cl = BuildCustomerLines(ws, facts);
  res.replenishment = ReplenishmentFrom(ws, facts, cl, options.min_intervals);

  // --- First product -> repeat and 12-month value; journeys.
  std::vector<int64_t> fp_customers(n_products, 0), fp_repeat(n_products, 0), fp_matured(n_products, 0),
      fp_net12(n_products, 0), journey_first(n_products, 0);
  std::vector<uint64_t> journey_pairs;  // first << 32 | next
  journey_pairs.reserve(facts.customers_with_orders);
  // The end of each first day's 12 months, AddMonths(day, 12), computed once per distinct day.
  int32_t earliest = res.as_of_day;
  for (uint32_t c = 0; c < facts.size(); ++c) {
    if (facts.orders[c] != 0) earliest = std::min(earliest, facts.first_day[c]);
  }
  std::vector<int32_t> horizon_of(static_cast<size_t>(res.as_of_day - earliest) + 1, kNoDay);
  std::vector<uint32_t> stamp(n_products, kNoId);  // dedupe products within a first order
  // A customer's lines are runs of one order each, by ascending order id. Its orders in time order are usually
  // in table order too, so the run of its j-th order usually starts where the previous one ended: checked first;
  // otherwise (orders listed out of time order) the customer's runs are listed once and binary-searched.
  const CustomerLines::Line* const line = cl.items.data();
  struct Run {
    uint32_t order, begin, end;
  };
  std::vector<Run> runs;
  uint32_t runs_of = kNoId;  // the customer `runs` lists
  // Sets [*b, *e) to the lines of customer c's order `order`, trying the run that starts at `at` first; false
  // when the order has no line.
  auto run_of = [&](uint32_t c, uint32_t order, uint32_t at, uint32_t* b, uint32_t* e) {
    const uint32_t end = cl.offsets[c + 1];
    if (at < end && line[at].order == order) {
      uint32_t k = at + 1;
      while (k < end && line[k].order == order) ++k;
      *b = at;
      *e = k;
      return true;
    }
    if (runs_of != c) {
      runs_of = c;
      runs.clear();
      for (uint32_t k = cl.offsets[c]; k < end; ++k) {
        if (runs.empty() || runs.back().order != line[k].order) runs.push_back({line[k].order, k, k});
        runs.back().end = k + 1;
      }
    }
    auto it = std::lower_bound(runs.begin(), runs.end(), order, [](const Run& r, uint32_t id) { return r.order < id; });
    if (it == runs.end() || it->order != order) return false;
    *b = it->begin;
    *e = it->end;
    return true;
  };
  for (uint32_t c = 0; c < facts.size(); ++c) {
    if (facts.orders[c] == 0) continue;
    const uint32_t* begin = facts.begin_orders(c);
    const uint32_t n_orders = static_cast<uint32_t>(facts.orders[c]);
    const int32_t first_day = facts.first_day[c];
    int32_t& horizon = horizon_of[static_cast<size_t>(first_day - earliest)];
    if (horizon == kNoDay) horizon = AddMonths(first_day, 12);
    const bool matured = horizon <= res.as_of_day + 1;  // the 12 months [first_day, horizon) have ended
    int64_t net12 = 0;
    if (matured) {
      const int32_t* days = facts.begin_days(c);
      const int64_t* nets = facts.begin_net(c);
      for (uint32_t k = 0; k < n_orders && days[k] < horizon; ++k) net12 += nets[k];
    }
    uint32_t first_begin, first_end;
    if (!run_of(c, begin[0], cl.offsets[c], &first_begin, &first_end)) continue;  // a first order without lines
    for (uint32_t k = first_begin; k < first_end; ++k) {
      const uint32_t p = line[k].product;
      if (p == kNoId || stamp[p] == c) continue;
      stamp[p] = c;
      ++fp_customers[p];
      if (n_orders >= 2) ++fp_repeat[p];
      if (matured) {
        ++fp_matured[p];
        fp_net12[p] += net12;
      }
    }
    const uint32_t first_product = line[first_begin].product;
    if (first_product == kNoId) continue;
    ++journey_first[first_product];
    uint32_t next = kNoId;
    for (uint32_t j = 1, at = first_end; j < n_orders && next == kNoId; ++j) {
      uint32_t run_begin, run_end;
      if (!run_of(c, begin[j], at, &run_begin, &run_end)) continue;
      at = run_end;
      for (uint32_t k = run_begin; k < run_end; ++k) {
        const uint32_t p = line[k].product;
        if (p != kNoId && p != first_product) {
          next = p;
          break;
        }
      }
    }
    if (next != kNoId) journey_pairs.push_back(static_cast<uint64_t>(first_product) << 32 | next);
  }
  for (uint32_t p = 0; p < n_products; ++p) {
    if (!fp_customers[p]) continue;
    FirstProductRow row;
    row.product = p;
    row.customers = fp_customers[p];
    row.repeat_customers = fp_repeat[p];
    row.repeat_rate = static_cast<double>(fp_repeat[p]) / fp_customers[p];
    row.matured_customers = fp_matured[p];
    row.avg_net_12m_cents = fp_matured[p] ? static_cast<double>(fp_net12[p]) / fp_matured[p] : 0.0;
    res.first_product.push_back(row);
  }
  std::sort(res.first_product.begin(), res.first_product.end(), [](const FirstProductRow& a, const FirstProductRow& b) {
    return a.customers != b.customers ? a.customers > b.customers : a.product < b.product;
  });
  auto emit_journey = [&](uint64_t code, int64_t customers) {
    JourneyRow row;
    row.first_product = static_cast<uint32_t>(code >> 32);
    row.next_product = static_cast<uint32_t>(code & 0xffffffffu);
    row.customers = customers;
    row.share_of_first = static_cast<double>(customers) / journey_first[row.first_product];
    res.journeys.push_back(row);
  };
  if (n_products <= 2048) {
    // Dense counts (at most 4 M cells) instead of sorting the pair codes.
    std::vector<uint32_t> dense_pairs(n_products * n_products, 0);
    for (uint64_t code : journey_pairs) ++dense_pairs[(code >> 32) * n_products + (code & 0xffffffffu)];
    for (size_t i = 0; i < dense_pairs.size(); ++i) {
      if (dense_pairs[i]) emit_journey(static_cast<uint64_t>(i / n_products) << 32 | (i % n_products), dense_pairs[i]);
    }
  } else {
    std::sort(journey_pairs.begin(), journey_pairs.end());
    for (size_t i = 0; i < journey_pairs.size();) {
      size_t j = i;
      while (j < journey_pairs.size() && journey_pairs[j] == journey_pairs[i]) ++j;
      emit_journey(journey_pairs[i], static_cast<int64_t>(j - i));
      i = j;
    }
  }
  std::sort(res.journeys.begin(), res.journeys.end(), [](const JourneyRow& a, const JourneyRow& b) {
    if (a.customers != b.customers) return a.customers > b.customers;
    if (a.first_product != b.first_product) return a.first_product < b.first_product;
    return a.next_product < b.next_product;
  });
  if (options.top_journeys >= 0 && res.journeys.size() > static_cast<size_t>(options.top_journeys)) {
    res.journeys.resize(options.top_journeys);
  }

  // --- Frequently bought together: baskets per product (distinct products per order), and pairs counted in a
  // triangular array when the products are few, else as sorted pair codes. A catalogue of at most 2,048 products
  // counts every pair in the basket pass itself (≤ 2 M cells); a larger one first finds the frequent products,
  // then counts pairs of them in a second pass. The emitted rows are the same either way: a pair's count never
  // exceeds either product's baskets, so a pair that passes the thresholds is a pair of frequent products.
  auto counted = [&](size_t i) { return CountedOrder(o, i, res.as_of_day, res.currency); };
  const bool one_pass = n_products <= 2048;
  std::vector<uint32_t> dense, product_of_dense;
  size_t nf = 0;
  bool triangular = true;
  std::vector<uint32_t> tri;
  std::vector<uint64_t> pair_codes;
  std::vector<uint32_t> basket;
  auto count_basket_pairs = [&](const uint32_t* items, size_t m) {  // REQUIRES: items sorted, distinct
    for (size_t x = 0; x < m; ++x) {
      const uint64_t a = items[x];
      if (triangular) {
        // Row a holds pairs (a, b > a) at a * (2 nf - a - 1) / 2 + (b - a - 1).
        uint32_t* row = tri.data() + a * (2 * nf - a - 1) / 2;
        for (size_t y = x + 1; y < m; ++y) ++row[items[y] - a - 1];
      } else {
        for (size_t y = x + 1; y < m; ++y) pair_codes.push_back(a << 32 | items[y]);
      }
    }
  };
  if (one_pass) {
    nf = n_products;
    tri.assign(nf * (nf - (nf ? 1 : 0)) / 2 + 1, 0);
    product_of_dense.resize(nf);
    for (uint32_t p = 0; p < nf; ++p) product_of_dense[p] = p;
  }
  {
    // Local pointers: the stores below would otherwise make the compiler reload each column's data pointer.
    const uint32_t* const first_line = o.first_line.data();
    const uint32_t* const line_count = o.line_count.data();
    const uint32_t* const product = lines.product.data();
    int64_t* const product_baskets = res.product_baskets.data();
    const int32_t as_of = res.as_of_day;
    const uint32_t in_currency = res.currency;
    const uint32_t n_orders = static_cast<uint32_t>(o.size());
    int64_t baskets = 0;
    uint32_t small[32];
    for (uint32_t i = 0; i < n_orders; ++i) {
      if (!CountedOrder(o, i, as_of, in_currency)) continue;
      ++baskets;
      const uint32_t first = first_line[i], n_lines = line_count[i];
      if (n_lines == 1) {  // most baskets: one product, no pairs
        const uint32_t p = product[first];
        if (p != kNoId) ++product_baskets[p];
        continue;
      }
      // The basket's distinct products, sorted: by insertion for the usual short basket, else sort + unique.
      const uint32_t* items = small;
      size_t m = 0;
      if (n_lines <= 32) {
        for (uint32_t l = first, e = first + n_lines; l < e; ++l) {
          const uint32_t p = product[l];
          if (p == kNoId) continue;
          size_t at = m;
          while (at > 0 && small[at - 1] > p) --at;
          if (at > 0 && small[at - 1] == p) continue;
          for (size_t j = m; j > at; --j) small[j] = small[j - 1];
          small[at] = p;
          ++m;
        }
      } else {
        basket.clear();
        for (uint32_t l = first, e = first + n_lines; l < e; ++l) {
          if (product[l] != kNoId) basket.push_back(product[l]);
        }
        std::sort(basket.begin(), basket.end());
        basket.erase(std::unique(basket.begin(), basket.end()), basket.end());
        items = basket.data();
        m = basket.size();
      }
      for (size_t j = 0; j < m; ++j) ++product_baskets[items[j]];
      if (one_pass && m >= 2) count_basket_pairs(items, m);
    }
    res.baskets = baskets;
  }
  const double min_count_support = options.min_support * static_cast<double>(res.baskets);
  const int64_t min_item = std::max<int64_t>(options.min_pair_count, static_cast<int64_t>(std::ceil(min_count_support)));
  if (!one_pass) {
    dense.assign(n_products, kNoId);
    for (uint32_t p = 0; p < n_products; ++p) {
      if (res.product_baskets[p] >= std::max<int64_t>(min_item, 1)) {
        dense[p] = static_cast<uint32_t>(product_of_dense.size());
        product_of_dense.push_back(p);
      }
    }
    nf = product_of_dense.size();
    triangular = nf <= 4096;
    tri.assign(triangular ? nf * (nf - (nf ? 1 : 0)) / 2 + 1 : 0, 0);
    std::fill(stamp.begin(), stamp.end(), kNoId);
    for (uint32_t i = 0; i < o.size(); ++i) {
      if (!counted(i) || o.line_count[i] < 2) continue;
      basket.clear();
      for (uint32_t l = o.first_line[i], e = l + o.line_count[i]; l < e; ++l) {
        const uint32_t p = lines.product[l];
        if (p == kNoId || dense[p] == kNoId || stamp[p] == i) continue;
        stamp[p] = i;
        basket.push_back(dense[p]);
      }
      std::sort(basket.begin(), basket.end());
      if (basket.size() >= 2) count_basket_pairs(basket.data(), basket.size());
    }
  }
  auto emit = [&](uint32_t a, uint32_t b, int64_t count) {
    if (count < options.min_pair_count || count <= 0 || static_cast<double>(count) < min_count_support) return;
    BoughtTogetherRow row;
    row.product_a = product_of_dense[a];
    row.product_b = product_of_dense[b];
    const double ca = static_cast<double>(res.product_baskets[row.product_a]);
    const double cb = static_cast<double>(res.product_baskets[row.product_b]);
    row.count = count;
    row.support = static_cast<double>(count) / res.baskets;
    row.confidence_a_to_b = count / ca;
    row.confidence_b_to_a = count / cb;
    row.lift = static_cast<double>(count) * res.baskets / (ca * cb);
    res.bought_together.push_back(row);
  };
  if (triangular) {
    size_t idx = 0;
    for (uint32_t a = 0; a < nf; ++a) {
      for (uint32_t b = a + 1; b < nf; ++b, ++idx) emit(a, b, tri[idx]);
    }
  } else {
    std::sort(pair_codes.begin(), pair_codes.end());
    for (size_t i = 0; i < pair_codes.size();) {
      size_t j = i;
      while (j < pair_codes.size() && pair_codes[j] == pair_codes[i]) ++j;
      emit(static_cast<uint32_t>(pair_codes[i] >> 32), static_cast<uint32_t>(pair_codes[i] & 0xffffffffu), static_cast<int64_t>(j - i));
      i = j;
    }
  }
  std::sort(res.bought_together.begin(), res.bought_together.end(), [](const BoughtTogetherRow& a, const BoughtTogetherRow& b) {
    if (a.lift != b.lift) return a.lift > b.lift;
    if (a.count != b.count) return a.count > b.count;
    if (a.product_a != b.product_a) return a.product_a < b.product_a;
    return a.product_b < b.product_b;
  });
  if (options.top_pairs >= 0 && res.bought_together.size() > static_cast<size_t>(options.top_pairs)) {
    res.bought_together.resize(options.top_pairs);
  }
  return res;
}

}  // namespace rapport
