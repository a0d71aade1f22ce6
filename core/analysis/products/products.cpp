#include "core/analysis/products/products.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "core/analysis/by_customer.h"
#include "core/analysis/customer_facts.h"
#include "core/analysis/side_by_side.h"
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

// The lines of the counted orders of each customer with facts, visited one bucket of customers at a time
// (by_customer.h): a pass over the orders distributes each line, as an 8-byte item, into its bucket in table
// order; each bucket (a few thousand lines) is then laid out by customer in a cache-sized scratch and its
// customers are visited there, so the lines are written once and read once, never regrouped in memory.
struct LineItem {
  uint32_t customer;
  uint32_t product;  // product id (kNoProduct for a line without one), | kOrderStart on an order's first line
};
constexpr uint32_t kOrderStart = 0x80000000u;
constexpr uint32_t kNoProduct = 0x7fffffffu;
inline uint32_t ProductOf(const LineItem& line) { return line.product & ~kOrderStart; }

// The visit in two steps, apart so that the first can run beside the facts build and the second on two ranges
// of buckets at once (SideBySide, side_by_side.h), each in parts for the engine's steps. Step 1, spreading: the
// counted lines of the customers (ids below n_customers), as LineItems in their buckets, in table order, in two
// passes over the orders (CountLines over every range of orders in turn, EndCounting, then PlaceLines likewise).
struct SpreadLines {
  SpreadLines(const Workspace& ws, size_t n_customers, int32_t as_of_day, uint32_t currency)
      : cb(n_customers), as_of_day(as_of_day), currency(currency), n_orders(ws.orders.size()) {
    if (ws.products.size() >= kNoProduct) throw std::length_error("products: more than 2^31 - 2 products");
    bucket_start.assign(cb.buckets() + 1, 0);
    counted.assign((n_orders + 63) / 64, 0);
  }
  CustomerBuckets cb;
  int32_t as_of_day;
  uint32_t currency;
  size_t n_orders;
  std::vector<uint32_t> bucket_start;  // bucket b's lines are items[bucket_start[b], bucket_start[b + 1])
  BigBuffer<LineItem> items{0};
  std::vector<uint64_t> counted;  // the orders that count (so pass 2 reads three columns, not six)
  std::vector<uint32_t> cursor;   // pass 2: each bucket's next position
};

// Pass 1 over orders [begin, end): lines per bucket, and the bitmap of the orders that count; guest(i) is
// called for each counted guest order i, in table order. REQUIRES: begin a multiple of 64 (or n_orders).
template <typename Guest>
void CountLines(const Workspace& ws, SpreadLines* s, size_t begin, size_t end, Guest guest) {
  const OrderTable& o = ws.orders;
  const uint32_t* const customer = o.customer.data();
  const uint32_t* const line_count = o.line_count.data();
  for (size_t i = begin; i < end; ++i) {
    if (customer[i] == kNoId) {
      if (CountedOrder(o, i, s->as_of_day, s->currency)) guest(i);
      continue;
    }
    if (line_count[i] == 0 || !CountedOrder(o, i, s->as_of_day, s->currency)) continue;
    s->bucket_start[s->cb.bucket(customer[i]) + 1] += line_count[i];
    s->counted[i >> 6] |= uint64_t{1} << (i & 63);
  }
}

void EndCounting(SpreadLines* s) {
  for (size_t b = 0; b < s->cb.buckets(); ++b) s->bucket_start[b + 1] += s->bucket_start[b];
  s->items = BigBuffer<LineItem>(s->bucket_start[s->cb.buckets()]);
  s->cursor.assign(s->bucket_start.begin(), s->bucket_start.end() - 1);
}

// Pass 2 over orders [begin, end): each line into its bucket (one write stream per bucket). REQUIRES: begin a
// multiple of 64, end a multiple of 64 or n_orders.
void PlaceLines(const Workspace& ws, SpreadLines* s, size_t begin, size_t end) {
  const OrderTable& o = ws.orders;
  const uint32_t* const customer = o.customer.data();
  const uint32_t* const first_line = o.first_line.data();
  const uint32_t* const line_count = o.line_count.data();
  const uint32_t* const line_product = ws.lines.product.data();
  const CustomerBuckets& cb = s->cb;
  LineItem* const items = s->items.data();
  for (size_t w = begin / 64, w_end = (end + 63) / 64; w < w_end; ++w) {
    for (uint64_t bits = s->counted[w]; bits != 0; bits &= bits - 1) {
      const size_t i = w * 64 + static_cast<size_t>(__builtin_ctzll(bits));
      const uint32_t c = customer[i];
      uint32_t& at = s->cursor[cb.bucket(c)];
      uint32_t flag = kOrderStart;
      for (uint32_t l = first_line[i], e = l + line_count[i]; l < e; ++l, flag = 0) {
        const uint32_t p = line_product[l];
        items[at++] = {c, (p == kNoId ? kNoProduct : p) | flag};
      }
    }
  }
}

// Step 2, VisitCustomerLines over buckets [b_begin, b_end): each bucket laid out by customer in a scratch of
// this call's own and its customers visited there: visit(c, lines, n, spent) for each customer c with a counted
// order with lines, its n lines in table order (runs of one order each, ascending order id, kOrderStart on each
// run's first line). `spent` is s.items + bucket_start[b] for a bucket b <= b_begin from which the buckets are
// visited in order by one visitor (in one call or in several calls over consecutive ranges): they are spent as
// they are visited, so while a customer is visited the first k items from `spent`, k the lines of the customers
// visited before it from b on, are free for the visit to write (the replenishment's intervals go there).
// Disjoint ranges touch disjoint items: two can run at once, each with its own `spent`.
template <typename Visit>
void VisitCustomerLines(SpreadLines& s, size_t b_begin, size_t b_end, LineItem* spent, Visit visit) {
  const CustomerBuckets& cb = s.cb;
  if (b_begin >= b_end) return;
  uint32_t largest = 0;
  for (size_t b = b_begin; b < b_end; ++b) largest = std::max(largest, s.bucket_start[b + 1] - s.bucket_start[b]);
  std::vector<LineItem> scratch(largest);
  const size_t c0 = cb.first_customer(b_begin);
  std::vector<uint32_t> offsets(cb.end_customer(b_end - 1) - c0 + 1, 0);
  uint32_t base = s.bucket_start[b_begin];  // the current bucket's first position
  LayOutBucketsByCustomer(
      cb, s.bucket_start, static_cast<const LineItem*>(s.items.data()), b_begin, b_end, offsets.data(),
      [&](const LineItem& it, uint32_t at) { scratch[at - base] = it; },
      [&](size_t c_begin, size_t c_end) {
        for (size_t c = c_begin; c < c_end; ++c) {
          const uint32_t begin = offsets[c - c0], end = offsets[c - c0 + 1];
          if (begin != end) visit(static_cast<uint32_t>(c), scratch.data() + (begin - base), end - begin, spent);
        }
        base = offsets[c_end - c0];
      });
}

// The parts of the spreading and the visit (the builders' Run): at most `rows` orders a part for each pass over
// the orders, then about `rows` lines (whole buckets, at least one) a part for the visit; rows 0: a whole pass.
class LinesInParts {
 public:
  enum Phase { kCount, kPlace, kVisit, kDone };
  Phase phase() const { return phase_; }
  // The next range of orders (kCount, kPlace) or buckets (kVisit), and the phase moves on past it.
  std::pair<size_t, size_t> Next(const SpreadLines& s, size_t rows) {
    const Phase phase = phase_;
    size_t begin = at_, end = 0;
    if (phase == kCount || phase == kPlace) {
      end = rows == 0 ? s.n_orders : std::min(s.n_orders, begin + (rows + 63) / 64 * 64);
    } else {
      const size_t buckets = s.cb.buckets();
      end = begin;
      while (end < buckets && (end == begin || rows == 0 || s.bucket_start[end] - s.bucket_start[begin] < rows)) ++end;
    }
    const size_t last = phase == kVisit ? s.cb.buckets() : s.n_orders;
    at_ = end;
    if (end >= last) {
      phase_ = static_cast<Phase>(phase_ + 1);
      at_ = 0;
    }
    return {begin, end};
  }
  // The rows of a range Next gave.
  static size_t Rows(const SpreadLines& s, Phase phase, size_t begin, size_t end) {
    return phase == kVisit ? s.bucket_start[end] - s.bucket_start[begin] : end - begin;
  }

 private:
  Phase phase_ = kCount;
  size_t at_ = 0;
};

// Where buckets [b_begin, b_end) split into two ranges of about as many lines each.
size_t MiddleBucket(const SpreadLines& s, size_t b_begin, size_t b_end) {
  const uint32_t half = s.bucket_start[b_begin] + (s.bucket_start[b_end] - s.bucket_start[b_begin]) / 2;
  size_t b = b_begin;
  while (b < b_end && s.bucket_start[b] < half) ++b;
  return b;
}

// One customer's lines in the time order of its orders (the facts' order: day, seconds, id), with the day of
// each run of lines. Usually the table order is the time order already (an export lists orders by date): every
// counted order has lines and the facts' ids ascend, checked without a branch per order, and the lines are used
// where they are. Otherwise the runs, in ascending order id, are matched with the orders sorted by id (an order
// without lines, which has no run, is found through the order table's line_count) and copied in time order.
class TimeOrderedLines {
 public:
  void Set(const OrderTable& o, const CustomerFacts& facts, uint32_t c, const LineItem* lines, uint32_t n) {
    const uint32_t orders = static_cast<uint32_t>(facts.orders[c]);
    const uint32_t* ids = facts.begin_orders(c);
    uint32_t runs = 0;
    for (uint32_t k = 0; k < n; ++k) runs += lines[k].product >> 31;
    bool in_table_order = runs == orders;
    for (uint32_t t = 1; t < orders; ++t) in_table_order &= ids[t - 1] < ids[t];
    if (in_table_order) {
      lines_ = lines;
      size_ = n;
      run_days_ = facts.begin_days(c);
      first_order_has_lines_ = true;
      return;
    }
    starts_.clear();
    for (uint32_t k = 0; k < n; ++k) {
      if (lines[k].product & kOrderStart) starts_.push_back(k);
    }
    starts_.push_back(n);
    by_id_.clear();
    for (uint32_t t = 0; t < orders; ++t) {
      if (runs == orders || o.line_count[ids[t]] != 0) by_id_.push_back({ids[t], t});
    }
    std::sort(by_id_.begin(), by_id_.end(), [](const IdAt& x, const IdAt& y) { return x.id < y.id; });
    run_of_order_.assign(orders, kNoId);  // run j (table order) holds the lines of by_id_[j]
    for (uint32_t j = 0; j < by_id_.size(); ++j) run_of_order_[by_id_[j].time] = j;
    copy_.clear();
    days_.clear();
    const int32_t* days = facts.begin_days(c);
    for (uint32_t t = 0; t < orders; ++t) {
      const uint32_t j = run_of_order_[t];
      if (j == kNoId) continue;
      copy_.insert(copy_.end(), lines + starts_[j], lines + starts_[j + 1]);
      days_.push_back(days[t]);
    }
    lines_ = copy_.data();
    size_ = n;
    run_days_ = days_.data();
    first_order_has_lines_ = orders != 0 && run_of_order_[0] != kNoId;
  }
  // The lines, runs in time order (each run's first line marked kOrderStart).
  const LineItem* lines() const { return lines_; }
  uint32_t size() const { return size_; }
  // The day of the r-th run, r in time order: never decreasing.
  const int32_t* run_days() const { return run_days_; }
  // Whether the first run is the customer's first order (false when that order has no lines).
  bool first_order_has_lines() const { return first_order_has_lines_; }

 private:
  struct IdAt {
    uint32_t id, time;
  };
  const LineItem* lines_ = nullptr;
  uint32_t size_ = 0;
  const int32_t* run_days_ = nullptr;
  bool first_order_has_lines_ = false;
  std::vector<uint32_t> starts_, run_of_order_;
  std::vector<IdAt> by_id_;
  std::vector<LineItem> copy_;
  std::vector<int32_t> days_;
};

// Replenishment intervals, one customer at a time (Add), then per product (Rows).
class ReplenishmentPass {
 public:
  explicit ReplenishmentPass(size_t n_products)
      : interval_count_(n_products, 0), interval_customers_(n_products, 0), last_customer_(n_products, kNoId),
        seen_(n_products, ~uint64_t{0}) {}

  // Customer c's lines in time order. Consecutive different days of one product are an interval: the last day
  // each product was seen (customer << 32 | day, so a new customer needs no reset) gives them in one pass, and
  // the bookkeeping is done without a branch on whether a line makes an interval (about half do). The
  // intervals are written to `spent`, the line buffer of VisitCustomerLines, whose first k items are free
  // (k >= the lines added before, as each line makes at most one interval); one item each, a LineItem's two
  // 32-bit fields reused as (interval in days, product).
  void Add(uint32_t c, const TimeOrderedLines& tl, LineItem* spent) {
    const uint32_t n = tl.size();
    const LineItem* const line = tl.lines();
    const int32_t* const run_days = tl.run_days();
    uint64_t* const last = seen_.data();
    LineItem* const codes = spent;
    int64_t* const count = interval_count_.data();
    int64_t* const customers = interval_customers_.data();
    uint32_t* const last_customer = last_customer_.data();
    const uint64_t stamp = static_cast<uint64_t>(c) << 32;
    size_t n_codes = n_codes_;
    int32_t day = 0;
    for (uint32_t k = 0, run = 0; k < n; ++k) {
      const uint32_t raw = line[k].product;
      if (raw & kOrderStart) day = run_days[run++];
      const uint32_t p = raw & ~kOrderStart;
      if (p == kNoProduct) continue;
      const uint64_t before = last[p];
      last[p] = stamp | static_cast<uint32_t>(day);
      const int32_t prev = static_cast<int32_t>(static_cast<uint32_t>(before));
      const bool interval = (before >> 32) == c && day > prev;  // not the first purchase of p, nor the same day
      codes[n_codes] = {static_cast<uint32_t>(day - prev), p};
      n_codes += interval;
      count[p] += interval;
      customers[p] += interval & (last_customer[p] != c);
      last_customer[p] = interval ? c : last_customer[p];
    }
    n_codes_ = n_codes;
  }

  // Adds the intervals of `later`, a pass over customers all after this pass's, whose intervals are at
  // later_spent: they are moved to follow this pass's at `spent` (later_spent >= spent + this pass's intervals),
  // so Rows sees them in the order one pass over all the customers would have written them. `later` is left
  // with no intervals, to go on with customers after these (a range of buckets a part).
  void Absorb(ReplenishmentPass& later, LineItem* spent, const LineItem* later_spent) {
    for (size_t p = 0; p < interval_count_.size(); ++p) {
      interval_count_[p] += later.interval_count_[p];
      interval_customers_[p] += later.interval_customers_[p];
    }
    std::memmove(spent + n_codes_, later_spent, later.n_codes_ * sizeof(LineItem));
    n_codes_ += later.n_codes_;
    std::fill(later.interval_count_.begin(), later.interval_count_.end(), 0);
    std::fill(later.interval_customers_.begin(), later.interval_customers_.end(), 0);
    later.n_codes_ = 0;
  }

  // The rows of products with at least max(1, min_intervals) intervals, by intervals desc, then product id:
  // a counting sort groups the intervals written to `spent` by product, quartiles by selection.
  std::vector<ReplenishmentRow> Rows(const LineItem* spent, int64_t min_intervals) {
    size_t done = 0;
    while (!RowsPart(spent, min_intervals, SIZE_MAX, &done)) {
    }
    return std::move(rows_);
  }

  // Rows a part at a time, about `budget` intervals a call (ReplenishmentBuilder's steps: in one, ~0.2 s natively
  // at 1,000,000 customers, most of it the first touch of the grouped intervals): the groups' offsets, the
  // room for the intervals, the intervals dealt to their products, the quartiles a range of products, then
  // the rows' order. Adds the work done (at least 1) to *done; true once the rows are in rows_ (Rows takes them).
  bool RowsPart(const LineItem* spent, int64_t min_intervals, size_t budget, size_t* done) {
    const size_t n_products = interval_count_.size();
    budget = std::max<size_t>(budget, 1);
    switch (rows_phase_) {
      case 0: {  // each product's first place
        offset_.assign(n_products + 1, 0);
        for (size_t p = 0; p < n_products; ++p) offset_[p + 1] = offset_[p] + static_cast<uint32_t>(interval_count_[p]);
        cursor_.assign(offset_.begin(), offset_.end() - 1);
        grouped_.reserve(n_codes_);
        rows_.clear();
        next_ = 0;
        *done += 1;
        rows_phase_ = 1;
        return false;
      }
      case 1: {  // their room
        const size_t end = grouped_.size() + std::min(budget, n_codes_ - grouped_.size());
        *done += std::max<size_t>(end - grouped_.size(), 1);
        grouped_.resize(end);
        if (end == n_codes_) rows_phase_ = 2;
        return false;
      }
      case 2: {  // the intervals by product
        const size_t end = next_ + std::min(budget, n_codes_ - next_);
        for (size_t k = next_; k < end; ++k) grouped_[cursor_[spent[k].product]++] = static_cast<int32_t>(spent[k].customer);
        *done += std::max<size_t>(end - next_, 1);
        next_ = end;
        if (end == n_codes_) {
          next_ = 0;
          rows_phase_ = 3;
        }
        return false;
      }
      case 3: {  // the quartiles, products [next_, ...) until `budget` intervals are read
        size_t read = 0;
        for (; next_ < n_products && read < budget; ++next_) {
          const uint32_t p = static_cast<uint32_t>(next_);
          const int64_t n = interval_count_[p];
          if (n == 0 || n < min_intervals) continue;
          const Quartiles q = QuartilesOf(grouped_.data() + offset_[p], static_cast<size_t>(n));
          read += static_cast<size_t>(n);
          ReplenishmentRow row;
          row.product = p;
          row.intervals = n;
          row.customers = interval_customers_[p];
          row.q1_days = q.q1;
          row.median_days = q.median;
          row.q3_days = q.q3;
          rows_.push_back(row);
        }
        *done += std::max<size_t>(read, 1);
        if (next_ == n_products) rows_phase_ = 4;
        return false;
      }
      default: {
        std::sort(rows_.begin(), rows_.end(), [](const ReplenishmentRow& a, const ReplenishmentRow& b) {
          return a.intervals != b.intervals ? a.intervals > b.intervals : a.product < b.product;
        });
        offset_ = std::vector<uint32_t>();
        cursor_ = std::vector<uint32_t>();
        grouped_ = std::vector<int32_t>();
        *done += 1;
        rows_phase_ = 0;
        return true;
      }
    }
  }
  std::vector<ReplenishmentRow> TakeRows() { return std::move(rows_); }

 private:
  std::vector<int64_t> interval_count_, interval_customers_;
  std::vector<uint32_t> last_customer_;  // per product: the last customer with an interval of it
  std::vector<uint64_t> seen_;           // per product: customer << 32 | the day it was last seen
  size_t n_codes_ = 0;                   // intervals written
  // RowsPart's: its phase, each product's first place and next place in grouped_, the intervals grouped by
  // product, the next interval or product, the rows so far.
  int rows_phase_ = 0;
  std::vector<uint32_t> offset_, cursor_;
  std::vector<int32_t> grouped_;
  size_t next_ = 0;
  std::vector<ReplenishmentRow> rows_;
};

}  // namespace

struct ReplenishmentBuilder::Impl {
  Impl(const Workspace& ws, const CustomerFacts& facts, int64_t min_intervals)
      : ws(ws), facts(facts), min_intervals(min_intervals), replenishment(ws.products.size()),
        spread(ws, facts.size(), facts.as_of_day, facts.currency) {}
  const Workspace& ws;
  const CustomerFacts& facts;
  int64_t min_intervals;
  LinesInParts parts;
  ReplenishmentPass replenishment;
  TimeOrderedLines tl;
  SpreadLines spread;
  std::vector<ReplenishmentRow> rows;
  bool done = false;
};

ReplenishmentBuilder::ReplenishmentBuilder(const Workspace& ws, const CustomerFacts& facts, int64_t min_intervals)
    : impl_(std::make_unique<Impl>(ws, facts, min_intervals)) {}
ReplenishmentBuilder::~ReplenishmentBuilder() = default;
bool ReplenishmentBuilder::done() const { return impl_->done; }

size_t ReplenishmentBuilder::Run(size_t rows) {
  Impl& m = *impl_;
  if (m.done) return 0;
  const LinesInParts::Phase phase = m.parts.phase();
  if (phase == LinesInParts::kDone) {  // the rows, a part of about `rows` intervals a call (0: all at once)
    if (rows == 0) {
      m.rows = m.replenishment.Rows(m.spread.items.data(), m.min_intervals);
      m.done = true;
      return 0;
    }
    size_t done = 0;
    if (m.replenishment.RowsPart(m.spread.items.data(), m.min_intervals, rows, &done)) {
      m.rows = m.replenishment.TakeRows();
      m.done = true;
    }
    return done;
  }
  const auto [begin, end] = m.parts.Next(m.spread, rows);
  if (phase == LinesInParts::kCount) {
    CountLines(m.ws, &m.spread, begin, end, [](size_t) {});
    if (m.parts.phase() != LinesInParts::kCount) EndCounting(&m.spread);
  } else if (phase == LinesInParts::kPlace) {
    PlaceLines(m.ws, &m.spread, begin, end);
  } else {
    const CustomerFacts& facts = m.facts;
    VisitCustomerLines(m.spread, begin, end, m.spread.items.data(),
                       [&](uint32_t c, const LineItem* line, uint32_t n, LineItem* free) {
                         if (facts.purchase_days[c] < 2) return;
                         m.tl.Set(m.ws.orders, facts, c, line, n);
                         m.replenishment.Add(c, m.tl, free);
                       });
  }
  return LinesInParts::Rows(m.spread, phase, begin, end);
}

std::vector<ReplenishmentRow> ReplenishmentBuilder::Result() {
  while (!done()) Run(0);
  return std::move(impl_->rows);
}

std::vector<ReplenishmentRow> ComputeReplenishment(const Workspace& ws, const CustomerFacts& facts, int64_t min_intervals) {
  return ReplenishmentBuilder(ws, facts, min_intervals).Result();
}

FirstProductResult ComputeFirstProducts(const Workspace& ws, const CustomerFacts& facts, int32_t top_journeys) {
  const OrderTable& o = ws.orders;
  const uint32_t* const first_line = o.first_line.data();
  const uint32_t* const line_count = o.line_count.data();
  const uint32_t* const line_product = ws.lines.product.data();
  const size_t n_products = ws.products.size();
  const size_t n = facts.size();
  const int32_t as_of = facts.as_of_day;
  FirstProductResult res;
  if (as_of == kNoDay || facts.customers_with_orders == 0) return res;
  // Each customer's first 12 months (from its first order's day) and, once they have ended by as_of ("matured"),
  // its net in them: in customer order, the facts read in sequence. The end of the 12 months, AddMonths(day,
  // 12), once per first day.
  int32_t earliest = as_of;
  for (size_t c = 0; c < n; ++c) {
    if (facts.orders[c] != 0) earliest = std::min(earliest, facts.first_day[c]);
  }
  // What the orders' sweeps below read of a customer, met in the order of its orders' ids (random customers):
  // one record, one cache line.
  struct Customer {
    int64_t net12 = 0;         // net of the 12 months, once matured
    uint32_t journey = kNoId;  // its first product while the next one is looked for
    uint8_t repeat = 0;        // >= 2 counted orders
    uint8_t matured = 0;
  };
  std::vector<Customer> customers(n);
  std::vector<int32_t> horizon_of(static_cast<size_t>(as_of - earliest) + 1, kNoDay);
  for (uint32_t c = 0; c < n; ++c) {
    if (facts.orders[c] == 0) continue;
    Customer& r = customers[c];
    r.repeat = facts.orders[c] >= 2;
    const int32_t first_day = facts.first_day[c];
    int32_t& horizon = horizon_of[static_cast<size_t>(first_day - earliest)];
    if (horizon == kNoDay) horizon = AddMonths(first_day, 12);
    if (horizon > as_of + 1) continue;  // the 12 months [first_day, horizon) have not ended
    r.matured = 1;
    const int32_t* days = facts.begin_days(c);
    const int64_t* nets = facts.begin_net(c);
    for (int32_t k = 0; k < facts.orders[c] && days[k] < horizon; ++k) r.net12 += nets[k];
  }
  // First product -> repeat: every product of a customer's first order (in time order; a customer whose first
  // order has no lines counts nowhere), the first orders read in ascending id. The first line's product starts
  // the customer's journey.
  std::vector<int64_t> fp_customers(n_products, 0), fp_repeat(n_products, 0), fp_matured(n_products, 0),
      fp_net12(n_products, 0), journey_first(n_products, 0);
  std::vector<uint32_t> stamp(n_products, kNoId);  // dedupe products within a first order
  ForEachFirstOrder(facts, o, [&](uint32_t c, uint32_t i) {
    const uint32_t count = line_count[i];
    if (count == 0) return;
    const uint32_t* products = line_product + first_line[i];
    Customer& r = customers[c];
    for (uint32_t k = 0; k < count; ++k) {
      const uint32_t p = products[k];
      if (p == kNoId || stamp[p] == c) continue;
      stamp[p] = c;
      ++fp_customers[p];
      fp_repeat[p] += r.repeat;
      if (r.matured) {
        ++fp_matured[p];
        fp_net12[p] += r.net12;
      }
    }
    const uint32_t first = products[0];
    if (first == kNoId) return;
    ++journey_first[first];
    if (r.repeat) r.journey = first;
  });
  // Journeys: the first product of the customer's later orders (time order) other than its first product. The
  // customers still looking after their t-th order look in their (t+1)-th, those orders marked and read in
  // ascending id again (a word of the marks per 64 orders), until they are fewer than the words to sweep: those
  // look through their remaining orders one customer at a time.
  std::vector<uint64_t> journey_pairs;  // first << 32 | next
  journey_pairs.reserve(facts.customers_with_orders / 2);
  auto next_in = [&](uint32_t c, uint32_t i) {
    const uint32_t* products = line_product + first_line[i];
    uint32_t& journey = customers[c].journey;
    const uint32_t first = journey;
    for (uint32_t k = 0, e = line_count[i]; k < e; ++k) {
      const uint32_t p = products[k];
      if (p != kNoId && p != first) {
        journey_pairs.push_back(static_cast<uint64_t>(first) << 32 | p);
        journey = kNoId;
        return;
      }
    }
  };
  std::vector<uint32_t> looking;
  for (uint32_t c = 0; c < n; ++c) {
    if (customers[c].journey != kNoId) looking.push_back(c);
  }
  std::vector<uint64_t> marked;
  const uint32_t* const customer = o.customer.data();
  for (int32_t t = 1; !looking.empty(); ++t) {
    if (looking.size() < (o.size() + 63) / 64) {
      for (uint32_t c : looking) {
        const uint32_t* ids = facts.begin_orders(c);
        for (int32_t k = t; k < facts.orders[c] && customers[c].journey != kNoId; ++k) next_in(c, ids[k]);
      }
      break;
    }
    marked.assign((o.size() + 63) / 64, 0);
    for (uint32_t c : looking) {
      const uint32_t i = facts.begin_orders(c)[t];
      marked[i >> 6] |= uint64_t{1} << (i & 63);
    }
    for (size_t w = 0; w < marked.size(); ++w) {
      for (uint64_t bits = marked[w]; bits != 0; bits &= bits - 1) {
        const uint32_t i = static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
        next_in(customer[i], i);
      }
    }
    size_t kept = 0;
    for (uint32_t c : looking) {
      if (customers[c].journey != kNoId && facts.orders[c] > t + 1) looking[kept++] = c;
    }
    looking.resize(kept);
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
  if (top_journeys >= 0 && res.journeys.size() > static_cast<size_t>(top_journeys)) res.journeys.resize(top_journeys);
  return res;
}

namespace {

// What one range of buckets counts in ComputeProducts (the guest baskets in the first range's): its own
// scratch and partial counts, added together in range order at the end. Every count is an integer, so the
// sums do not depend on how the customers were split.
struct ProductTally {
  ProductTally(size_t n_products, size_t tri_cells)
      : basket_counts(n_products + 1, 0), tri(tri_cells, 0), replenishment(n_products), stamp(n_products, kNoId) {}
  // Adds the counts of `later`, the tally of the ranges after this one's (the replenishment's intervals are
  // absorbed after each part: ReplenishmentPass::Absorb).
  void Absorb(const ProductTally& later) {
    for (size_t p = 0; p < basket_counts.size(); ++p) basket_counts[p] += later.basket_counts[p];
    for (size_t k = 0; k < tri.size(); ++k) tri[k] += later.tri[k];
  }

  // Baskets per product, with one more cell (index n_products) that a line without a product counts into.
  std::vector<int64_t> basket_counts;
  std::vector<uint32_t> tri;  // pair counts (a catalogue counted in one pass), with a spare cell at the end
  std::vector<uint32_t> basket;
  uint32_t small[32];
  ReplenishmentPass replenishment;
  std::vector<uint32_t> stamp;  // dedupe products within a basket (the pairs' second pass)
  TimeOrderedLines tl;
};

// Stores with fewer orders are counted on one thread: a second one would cost more than it saves.
constexpr size_t kOrdersForTwoThreads = 8192;

}  // namespace

struct ProductsBuilder::Impl {
  Impl(const Workspace& ws, const Settings& settings, const ProductOptions& options, FactsSource facts_source)
      : ws(ws), o(ws.orders), lines(ws.lines), options(options), facts_source(std::move(facts_source)),
        n_products(ws.products.size()),
        spread(ws, ws.customers.size(), kNoDay, kNoId) {
    res.as_of_day = settings.as_of_day != kNoDay ? settings.as_of_day : ws.LatestValidOrderDay();
    res.currency = AnalysisCurrency(ws, settings);
    res.product_baskets.assign(n_products, 0);
    if (res.as_of_day == kNoDay) {
      done = true;
      return;
    }
    spread.as_of_day = res.as_of_day;
    spread.currency = res.currency;
    // Natively, on a large store, two threads: the facts are built (or fetched) while the lines are spread
    // into their buckets, then each thread visits half of each part's buckets. In WebAssembly, or on a small
    // store, the same functions run one after the other (SideBySide), over the part's buckets as one range.
    threaded = options.use_second_thread && kAnalysisThreads && o.size() >= kOrdersForTwoThreads;
    // --- Frequently bought together: baskets per product (distinct products per order), and pairs counted in
    // a triangular array when the products are few, else as sorted pair codes. A catalogue of at most 2,048
    // products counts every pair while the baskets are counted (<= 2 M cells); a larger one first finds the
    // frequent products, then counts pairs of them in a second pass. The emitted rows are the same either way:
    // a pair's count never exceeds either product's baskets, so a pair that passes the thresholds is a pair of
    // frequent products. Baskets are counted as each customer's lines are visited (an order's lines are a run
    // there), guest orders as the line distribution meets them: no pass of their own over the orders.
    one_pass = n_products <= 2048;
    if (one_pass) {
      nf = n_products;
      tri_cells = nf * (nf - (nf ? 1 : 0)) / 2 + 1;
      product_of_dense.resize(nf);
      for (uint32_t p = 0; p < nf; ++p) product_of_dense[p] = p;
    }
    // Where row a of the triangle starts, and a cell past it that a non-pair counts into.
    tri_row.assign(nf + 1, 0);
    for (size_t a = 0; a < nf; ++a) tri_row[a] = static_cast<uint32_t>(a * (2 * nf - a - 1) / 2);
    no_pair = static_cast<uint32_t>(tri_cells == 0 ? 0 : tri_cells - 1);
    tallies.emplace_back(n_products, tri_cells);
  }

  void CountBasketPairs(uint32_t* cells, const uint32_t* items, size_t m) {  // REQUIRES: items sorted, distinct
    for (size_t x = 0; x < m; ++x) {
      const uint64_t a = items[x];
      if (triangular) {
        // Row a holds pairs (a, b > a) at a * (2 nf - a - 1) / 2 + (b - a - 1).
        uint32_t* row = cells + a * (2 * nf - a - 1) / 2;
        for (size_t y = x + 1; y < m; ++y) ++row[items[y] - a - 1];
      } else {
        for (size_t y = x + 1; y < m; ++y) pair_codes.push_back(a << 32 | items[y]);
      }
    }
  }

  // One basket of n_lines lines into t, product_at(k) the k-th line's product (kNoId: none).
  template <typename ProductAt>
  void AddBasket(ProductTally& t, uint32_t n_lines, ProductAt product_at) {
    int64_t* const product_baskets = t.basket_counts.data();
    if (n_lines == 1) {  // most baskets: one product, no pairs
      ++product_baskets[std::min<uint32_t>(product_at(0), static_cast<uint32_t>(n_products))];
      return;
    }
    if (n_lines <= 4 && one_pass) {
      // Two to four lines: every product counted at its first line and every pair of those, without a branch
      // on the products (lines beyond n_lines and lines without a product count into the spare cells).
      uint32_t q[4];
      for (uint32_t k = 0; k < 4; ++k) {
        const uint32_t p = product_at(k < n_lines ? k : 0);
        q[k] = k < n_lines ? std::min<uint32_t>(p, static_cast<uint32_t>(n_products)) : static_cast<uint32_t>(n_products);
      }
      const uint32_t none = static_cast<uint32_t>(n_products);
      const bool first1 = q[1] != q[0], first2 = q[2] != q[0] && q[2] != q[1];
      const bool first3 = q[3] != q[0] && q[3] != q[1] && q[3] != q[2];
      const bool is_first[4] = {q[0] != none, first1 && q[1] != none, first2 && q[2] != none, first3 && q[3] != none};
      for (uint32_t k = 0; k < 4; ++k) product_baskets[q[k]] += is_first[k];
      uint32_t* const cells = t.tri.data();
      for (uint32_t x = 0; x < 3; ++x) {
        for (uint32_t y = x + 1; y < 4; ++y) {
          const uint32_t a = std::min(q[x], q[y]), b = std::max(q[x], q[y]);
          const bool pair = is_first[x] & is_first[y];
          cells[pair ? tri_row[a] + (b - a - 1) : no_pair] += pair;
        }
      }
      return;
    }
    // The basket's distinct products, sorted: by insertion for the usual short basket, else sort + unique.
    uint32_t* const small = t.small;
    const uint32_t* items = small;
    size_t m = 0;
    if (n_lines <= 32) {
      for (uint32_t k = 0; k < n_lines; ++k) {
        const uint32_t p = product_at(k);
        if (p == kNoId) continue;
        size_t at = m;
        while (at > 0 && small[at - 1] > p) --at;
        if (at > 0 && small[at - 1] == p) continue;
        for (size_t j = m; j > at; --j) small[j] = small[j - 1];
        small[at] = p;
        ++m;
      }
    } else {
      t.basket.clear();
      for (uint32_t k = 0; k < n_lines; ++k) {
        if (product_at(k) != kNoId) t.basket.push_back(product_at(k));
      }
      std::sort(t.basket.begin(), t.basket.end());
      t.basket.erase(std::unique(t.basket.begin(), t.basket.end()), t.basket.end());
      items = t.basket.data();
      m = t.basket.size();
    }
    for (size_t j = 0; j < m; ++j) ++product_baskets[items[j]];
    if (one_pass && m >= 2) CountBasketPairs(t.tri.data(), items, m);
  }

  // Counts the guest baskets of orders [begin, end) into the first tally while spreading their lines.
  void CountPart(size_t begin, size_t end) {
    ProductTally& t = tallies[0];
    const uint32_t* const first_line = o.first_line.data();
    const uint32_t* const line_count = o.line_count.data();
    const uint32_t* const line_product = lines.product.data();
    CountLines(ws, &spread, begin, end, [&](size_t i) {
      const uint32_t* products = line_product + first_line[i];
      if (line_count[i] != 0) AddBasket(t, line_count[i], [&](uint32_t k) { return products[k]; });
    });
  }

  // Once the lines are spread and the facts held: what the visit needs.
  void StartVisit() {
    const CustomerFacts& facts = *facts_held;
    if (facts.size() != ws.customers.size()) throw std::logic_error("products: customer facts of another workspace");
    res.baskets = facts.identified_orders + facts.guest_orders;
    if (threaded && spread.cb.buckets() >= 2) tallies.emplace_back(n_products, tri_cells);
  }

  // The baskets and the replenishment intervals: one visit of each customer's lines (VisitCustomerLines), while
  // its bucket is in the cache. (First product -> repeat and the journeys read the orders where they are:
  // ComputeFirstProducts, a part of its own after the visit.)
  void Visit(ProductTally& t, uint32_t c, const LineItem* lines_of_c, uint32_t n_lines, LineItem* free) {
    const CustomerFacts& facts = *facts_held;
  int64_t* const product_baskets = t.basket_counts.data();
  // The baskets: one run of lines each.
  auto add_run = [&](uint32_t begin, uint32_t end) {
    const LineItem* run = lines_of_c + begin;
    AddBasket(t, end - begin, [&](uint32_t k) {
      const uint32_t p = ProductOf(run[k]);
      return p == kNoProduct ? kNoId : p;
    });
  };
  if (n_lines < 64) {
    // Most baskets have one line: with the runs' first lines as bits (and a bit past the last line), a line
    // whose next line starts a run too is a basket of its own, counted without a branch; only the longer
    // runs are visited, from their bits.
    uint64_t starts = uint64_t{1} << n_lines;
    for (uint32_t k = 0; k < n_lines; ++k) starts |= static_cast<uint64_t>(lines_of_c[k].product >> 31) << k;
    const uint64_t single = starts & (starts >> 1);
    const uint32_t none = static_cast<uint32_t>(n_products);
    for (uint32_t k = 0; k < n_lines; ++k) {
      product_baskets[std::min(ProductOf(lines_of_c[k]), none)] += (single >> k) & 1;
    }
    for (uint64_t longer = starts & ~(starts >> 1) & ~(uint64_t{1} << n_lines); longer != 0; longer &= longer - 1) {
      const uint32_t begin = static_cast<uint32_t>(__builtin_ctzll(longer));
      const uint64_t after = starts & ~((uint64_t{2} << begin) - 1);
      add_run(begin, static_cast<uint32_t>(__builtin_ctzll(after)));
    }
  } else {
    for (uint32_t begin = 0; begin < n_lines;) {
      uint32_t end = begin + 1;
      while (end < n_lines && !(lines_of_c[end].product & kOrderStart)) ++end;
      add_run(begin, end);
      begin = end;
    }
  }
  if (facts.purchase_days[c] < 2) return;
  TimeOrderedLines& tl = t.tl;
  tl.Set(o, facts, c, lines_of_c, n_lines);
  t.replenishment.Add(c, tl, free);
  }

  // Buckets [begin, end): in one range, or two ranges of about as many lines on two threads, each counting into
  // a tally of its own; the second range's intervals are then moved after the first's.
  void VisitPart(size_t begin, size_t end) {
    LineItem* const spent = spread.items.data();
    auto visit_into = [&](ProductTally* tally) {
      return [this, tally](uint32_t c, const LineItem* lines_of_c, uint32_t n, LineItem* free) { Visit(*tally, c, lines_of_c, n, free); };
    };
    const size_t middle = tallies.size() == 2 ? MiddleBucket(spread, begin, end) : end;
    if (middle == begin || middle == end) {
      VisitCustomerLines(spread, begin, end, spent, visit_into(&tallies[0]));
      return;
    }
    LineItem* const later_spent = spread.items.data() + spread.bucket_start[middle];
    SideBySide(
        true, [&] { VisitCustomerLines(spread, begin, middle, spent, visit_into(&tallies[0])); },
        [&] { VisitCustomerLines(spread, middle, end, later_spent, visit_into(&tallies[1])); });
    tallies[0].replenishment.Absorb(tallies[1].replenishment, spent, later_spent);
  }

  size_t Run(size_t rows) {
    const LinesInParts::Phase phase = parts.phase();
    if (phase == LinesInParts::kDone) {
      if (!first_products_done) {
        // A part of its own (the orders read where they are, a fraction of a pass).
        FirstProductResult first = ComputeFirstProducts(ws, *facts_held, options.top_journeys);
        res.first_product = std::move(first.first_product);
        res.journeys = std::move(first.journeys);
        first_products_done = true;
        // About two orders read a customer (its first, then the next for its journey): as many rows.
        return 2 * static_cast<size_t>(facts_held->customers_with_orders);
      }
      Finish();
      done = true;
      return 0;
    }
    const auto [begin, end] = parts.Next(spread, rows);
    size_t done_rows = LinesInParts::Rows(spread, phase, begin, end);
    if (phase == LinesInParts::kCount) {
      auto spread_part = [&, begin = begin, end = end] {
        CountPart(begin, end);
        if (parts.phase() == LinesInParts::kCount) return;
        EndCounting(&spread);
        if (rows == 0) {  // a whole pass a part: the whole spreading beside the facts
          const auto [place_begin, place_end] = parts.Next(spread, rows);
          PlaceLines(ws, &spread, place_begin, place_end);
        }
      };
      if (!facts_held) {
        // The facts are built (or fetched) beside the first part of the spreading.
        SideBySide(threaded, spread_part, [&] { facts_held = FactsFrom(facts_source, ws, res.as_of_day, res.currency); });
        facts_source = FactsSource();  // called here only (the engine's source reads the call it came with)
      } else {
        spread_part();
      }
    } else if (phase == LinesInParts::kPlace) {
      PlaceLines(ws, &spread, begin, end);
    } else {
      VisitPart(begin, end);
    }
    if (phase != LinesInParts::kVisit && parts.phase() == LinesInParts::kVisit) StartVisit();
    return done_rows;
  }

  void Finish() {
    if (tallies.size() == 2) tallies[0].Absorb(tallies[1]);
    ProductTally& total = tallies[0];
    tri = std::move(total.tri);
    std::vector<uint32_t>& stamp = total.stamp;
  std::copy(total.basket_counts.begin(), total.basket_counts.end() - 1, res.product_baskets.begin());
  res.replenishment = total.replenishment.Rows(spread.items.data(), options.min_intervals);

  auto counted = [&](size_t i) { return CountedOrder(o, i, res.as_of_day, res.currency); };
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
      if (basket.size() >= 2) CountBasketPairs(tri.data(), basket.data(), basket.size());
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
  }

  const Workspace& ws;
  const OrderTable& o;
  const OrderLineTable& lines;
  ProductOptions options;
  FactsSource facts_source;
  LinesInParts parts;
  size_t n_products;
  ProductResult res;
  bool done = false;
  bool first_products_done = false;
  bool threaded = false;
  bool one_pass = true;
  std::vector<uint32_t> dense, product_of_dense;
  size_t nf = 0;
  bool triangular = true;
  std::vector<uint32_t> tri;
  std::vector<uint64_t> pair_codes;
  std::vector<uint32_t> basket;
  size_t tri_cells = 0;
  std::vector<uint32_t> tri_row;
  uint32_t no_pair = 0;
  std::vector<ProductTally> tallies;
  std::shared_ptr<const CustomerFacts> facts_held;
  SpreadLines spread;
};

ProductsBuilder::ProductsBuilder(const Workspace& ws, const Settings& settings, const ProductOptions& options,
                                 FactsSource facts)
    : impl_(std::make_unique<Impl>(ws, settings, options, std::move(facts))) {}
ProductsBuilder::~ProductsBuilder() = default;
bool ProductsBuilder::done() const { return impl_->done; }
size_t ProductsBuilder::Run(size_t rows) { return impl_->done ? 0 : impl_->Run(rows); }
ProductResult ProductsBuilder::Result() {
  while (!done()) Run(0);
  return std::move(impl_->res);
}

ProductResult ComputeProducts(const Workspace& ws, const Settings& settings, const ProductOptions& options,
                              const FactsSource& facts_source) {
  return ProductsBuilder(ws, settings, options, facts_source).Result();
}

}  // namespace rapport
