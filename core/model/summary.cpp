// See summary.h and MODELS.md §1.
#include "core/model/summary.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/analysis/customer_facts.h"
#include "core/util/hash.h"
#include "core/util/text.h"

namespace rapport::model {

namespace {

// Whether the transactions are in (customer, day) order already with no three of one (customer, day): then
// std::sort would leave the summary as it is. It may reorder equal keys, but the only thing their order
// decides is the order a day's values are summed in, and a sum of two (0 + a + b) is the same either way.
// The workspace's transactions come in that order (the customer facts list each customer's orders by day).
bool SortedWithoutTriples(const std::vector<Transaction>& tx) {
  for (size_t i = 1; i < tx.size(); ++i) {
    const Transaction& a = tx[i - 1];
    const Transaction& b = tx[i];
    if (a.customer > b.customer || (a.customer == b.customer && a.day > b.day)) return false;
    if (i >= 2 && a.customer == b.customer && a.day == b.day && tx[i - 2].customer == b.customer && tx[i - 2].day == b.day) {
      return false;
    }
  }
  return true;
}

// Days in ascending order: a counting sort over their range when it is small beside their number (the result
// is the one std::sort gives), else std::sort.
void SortDays(std::vector<int32_t>* days) {
  if (days->size() < 4096) {
    std::sort(days->begin(), days->end());
    return;
  }
  const auto [lo, hi] = std::minmax_element(days->begin(), days->end());
  const int64_t range = static_cast<int64_t>(*hi) - *lo + 1;
  if (range > static_cast<int64_t>(days->size())) {
    std::sort(days->begin(), days->end());
    return;
  }
  const int32_t first = *lo;
  std::vector<uint32_t> count(static_cast<size_t>(range), 0);
  for (const int32_t d : *days) ++count[static_cast<size_t>(d - first)];
  size_t at = 0;
  for (size_t k = 0; k < count.size(); ++k) {
    std::fill_n(days->begin() + static_cast<std::ptrdiff_t>(at), count[k], first + static_cast<int32_t>(k));
    at += count[k];
  }
}

}  // namespace

// The parts (SummaryBuilder::Run): the transactions read off the facts, sorted when they must be, the rows a
// range of customers at a time, then the repeat days sorted.
struct SummaryBuilder::Impl {
  enum Phase { kRead, kSort, kRows, kDays, kDone };
  Impl(std::shared_ptr<const CustomerFacts> facts, std::vector<Transaction> tx, const SummaryOptions& options)
      : options(options), facts(std::move(facts)), tx(std::move(tx)), phase(this->facts ? kRead : kSort) {
    if (options.calibration_end_day == kNoDay) {
      status = InvalidArgument("summary: the calibration end (as_of) is not set");
    } else if (!(options.unit_days > 0.0)) {
      status = InvalidArgument("summary: the time unit must be positive");
    } else if (options.holdout_end_day != kNoDay && options.holdout_end_day <= options.calibration_end_day) {
      status = InvalidArgument("summary: the holdout end " + FormatDay(options.holdout_end_day) +
                               " must be after the calibration end " + FormatDay(options.calibration_end_day));
    }
    if (!status.ok()) {
      phase = kDone;
      return;
    }
    s.unit_days = options.unit_days;
    s.calibration_end_day = options.calibration_end_day;
    s.holdout_end_day = options.holdout_end_day;
  }

  // Customers [at, end) of the facts, about `rows` orders (at least one customer; 0: all): each customer's
  // orders in time order with their day and net value, read in sequence off the facts (the order table's own
  // day and total - refunded).
  size_t Read(size_t rows) {
    const CustomerFacts& f = *facts;
    if (at == 0) tx.reserve(f.order_ids.size());
    size_t end = at;
    while (end < f.size() && (end == at || rows == 0 || f.order_offsets[end] - f.order_offsets[at] < rows)) ++end;
    for (size_t c = at; c < end; ++c) {
      const int32_t* days = f.begin_days(static_cast<uint32_t>(c));
      const int64_t* nets = f.begin_net(static_cast<uint32_t>(c));
      for (const int32_t* e = f.end_days(static_cast<uint32_t>(c)); days != e; ++days, ++nets) {
        tx.push_back({static_cast<uint32_t>(c), *days, static_cast<double>(*nets) / 100.0});
      }
    }
    const size_t read = f.order_offsets[end] - f.order_offsets[at];
    at = end;
    if (at >= f.size()) {
      facts.reset();
      phase = kSort;
      at = 0;
    }
    return read;
  }

  // The rows of the customers whose transactions start in [at, at + rows) (0: all).
  size_t Rows(size_t rows) {
    const int32_t C = options.calibration_end_day;
    const int32_t last = options.holdout_end_day == kNoDay ? C : options.holdout_end_day;
    const bool holdout = options.holdout_end_day != kNoDay;
    const double unit = options.unit_days;
    const size_t stop = rows == 0 ? tx.size() : std::min(tx.size(), at + rows);
    size_t i = at;
    while (i < stop) {
      const uint32_t id = tx[i].customer;
      size_t end = i;
      while (end < tx.size() && tx[end].customer == id) ++end;
      const int32_t first = tx[i].day;
      if (first <= C) {
        int64_t x = 0, y = 0;
        int32_t last_day = first;
        double first_value = 0.0, repeat_value = 0.0;
        size_t k = i;
        while (k < end && tx[k].day <= last) {
          const int32_t day = tx[k].day;
          double day_value = 0.0;
          while (k < end && tx[k].day == day) day_value += tx[k++].value;  // same-day orders are one purchase
          if (day == first) {
            first_value = day_value;
            continue;
          }
          s.repeat_days.push_back(day);
          if (day <= C) {
            ++x;
            last_day = day;
            repeat_value += day_value;
          } else {
            ++y;
          }
        }
        s.customer.push_back(id);
        s.first_day.push_back(first);
        s.last_day.push_back(last_day);
        s.x.push_back(static_cast<double>(x));
        s.t_x.push_back((last_day - first) / unit);
        s.T.push_back((C - first) / unit);
        s.zbar.push_back(x > 0 ? repeat_value / x : 0.0);
        s.total_value.push_back(first_value + repeat_value);
        if (holdout) s.holdout_x.push_back(static_cast<double>(y));
      }
      i = end;
    }
    const size_t done = i - at;
    at = i;
    if (at >= tx.size()) {
      phase = kDays;
      at = 0;
    }
    return done;
  }

  size_t Run(size_t rows) {
    switch (phase) {
      case kRead: return Read(rows);
      case kSort: {
        auto before = [](const Transaction& a, const Transaction& b) {
          return a.customer != b.customer ? a.customer < b.customer : a.day < b.day;
        };
        if (!SortedWithoutTriples(tx)) std::sort(tx.begin(), tx.end(), before);
        phase = kRows;
        return tx.size();
      }
      case kRows: return Rows(rows);
      case kDays: {
        SortDays(&s.repeat_days);
        tx = std::vector<Transaction>();
        phase = kDone;
        return s.repeat_days.size();
      }
      case kDone: return 0;
    }
    return 0;
  }

  SummaryOptions options;
  Status status;
  std::shared_ptr<const CustomerFacts> facts;
  std::vector<Transaction> tx;
  CustomerSummary s;
  Phase phase;
  size_t at = 0;
};

SummaryBuilder::SummaryBuilder(std::shared_ptr<const CustomerFacts> facts, const SummaryOptions& options)
    : impl_(std::make_unique<Impl>(std::move(facts), std::vector<Transaction>(), options)) {}
SummaryBuilder::SummaryBuilder(std::vector<Transaction> transactions, const SummaryOptions& options)
    : impl_(std::make_unique<Impl>(nullptr, std::move(transactions), options)) {}
SummaryBuilder::~SummaryBuilder() = default;
bool SummaryBuilder::done() const { return impl_->phase == Impl::kDone; }
size_t SummaryBuilder::Run(size_t rows) { return impl_->Run(rows); }
Result<CustomerSummary> SummaryBuilder::Take() {
  while (!done()) Run(0);
  if (!impl_->status.ok()) return impl_->status;
  return std::move(impl_->s);
}

Result<CustomerSummary> SummarizeTransactions(std::vector<Transaction> tx, const SummaryOptions& options) {
  return SummaryBuilder(std::move(tx), options).Take();
}

namespace {

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

}  // namespace

Patterns CompressPatterns(const std::vector<double>& x, const std::vector<double>& t_x, const std::vector<double>& T) {
  Patterns p;
  const size_t n = x.size();
  p.pattern_of_row.resize(n);
  // Open addressing on the bit patterns of (x, t_x, T); the table holds pattern index + 1.
  size_t capacity = 1024;
  std::vector<uint32_t> table(capacity, 0);
  auto slot_of = [&](double a, double b, double c, size_t cap) {
    return Mix64(Bits(a) * 0x9E3779B97F4A7C15ULL ^ Mix64(Bits(b) + 0x632BE59BD9B4E019ULL) ^ Bits(c) * 31) & (cap - 1);
  };
  for (size_t i = 0; i < n; ++i) {
    if ((p.x.size() + 1) * 2 > capacity) {  // grow at load 1/2
      capacity *= 2;
      std::vector<uint32_t> bigger(capacity, 0);
      for (uint32_t k = 0; k < p.x.size(); ++k) {
        size_t slot = slot_of(p.x[k], p.t_x[k], p.T[k], capacity);
        while (bigger[slot] != 0) slot = (slot + 1) & (capacity - 1);
        bigger[slot] = k + 1;
      }
      table.swap(bigger);
    }
    size_t slot = slot_of(x[i], t_x[i], T[i], capacity);
    for (;;) {
      const uint32_t entry = table[slot];
      if (entry == 0) {
        table[slot] = static_cast<uint32_t>(p.x.size()) + 1;
        p.pattern_of_row[i] = static_cast<uint32_t>(p.x.size());
        p.x.push_back(x[i]);
        p.t_x.push_back(t_x[i]);
        p.T.push_back(T[i]);
        p.weight.push_back(1.0);
        break;
      }
      const uint32_t k = entry - 1;
      if (p.x[k] == x[i] && p.t_x[k] == t_x[i] && p.T[k] == T[i]) {
        p.pattern_of_row[i] = k;
        p.weight[k] += 1.0;
        break;
      }
      slot = (slot + 1) & (capacity - 1);
    }
  }
  p.customers = static_cast<double>(n);
  return p;
}

void IndexPatterns(Patterns* p) {
  p->times.clear();
  p->times.reserve(2 * p->size());
  p->times.insert(p->times.end(), p->t_x.begin(), p->t_x.end());
  p->times.insert(p->times.end(), p->T.begin(), p->T.end());
  std::sort(p->times.begin(), p->times.end());
  p->times.erase(std::unique(p->times.begin(), p->times.end()), p->times.end());
  auto index_of = [&](double t) {
    return static_cast<uint32_t>(std::lower_bound(p->times.begin(), p->times.end(), t) - p->times.begin());
  };
  p->t_x_index.resize(p->size());
  p->T_index.resize(p->size());
  int64_t max_x = 0;
  for (size_t i = 0; i < p->size(); ++i) {
    p->t_x_index[i] = index_of(p->t_x[i]);
    p->T_index[i] = index_of(p->T[i]);
    const double x = p->x[i];
    if (max_x >= 0 && x == std::floor(x) && x >= 0 && x <= 1e6) {
      max_x = std::max(max_x, static_cast<int64_t>(x));
    } else {
      max_x = -1;
    }
  }
  p->max_whole_x = max_x;
}

void IndexPatternPairs(Patterns* p) {
  p->t_x_pair_time.clear();
  p->t_x_pair_begin.clear();
  p->T_pair_time.clear();
  p->T_pair_begin.clear();
  p->t_x_pair.clear();
  p->T_pair.clear();
  if (p->max_whole_x < 0 || p->t_x_index.size() != p->size()) return;
  const uint64_t nt = p->times.size();
  const size_t nx = static_cast<size_t>(p->max_whole_x) + 1;
  // Key x·nt + time index: sorted, the keys run by x, then by time.
  auto pair_up = [&](const std::vector<uint32_t>& time_index, std::vector<uint32_t>* pair_time,
                     std::vector<uint32_t>* begin, std::vector<uint32_t>* pair_of) {
    std::vector<uint64_t> keys(p->size());
    for (size_t i = 0; i < p->size(); ++i) keys[i] = static_cast<uint64_t>(p->x[i]) * nt + time_index[i];
    std::vector<uint64_t> distinct = keys;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    pair_time->resize(distinct.size());
    begin->assign(nx + 1, 0);
    for (size_t k = 0; k < distinct.size(); ++k) {
      (*pair_time)[k] = static_cast<uint32_t>(distinct[k] % nt);
      ++(*begin)[distinct[k] / nt + 1];
    }
    for (size_t x = 0; x < nx; ++x) (*begin)[x + 1] += (*begin)[x];
    pair_of->resize(p->size());
    for (size_t i = 0; i < p->size(); ++i) {
      (*pair_of)[i] = static_cast<uint32_t>(std::lower_bound(distinct.begin(), distinct.end(), keys[i]) - distinct.begin());
    }
  };
  pair_up(p->t_x_index, &p->t_x_pair_time, &p->t_x_pair_begin, &p->t_x_pair);
  pair_up(p->T_index, &p->T_pair_time, &p->T_pair_begin, &p->T_pair);
}

namespace {

std::vector<std::string_view> SplitComma(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    std::string_view f = line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!f.empty() && (f.front() == ' ' || f.front() == '"')) f.remove_prefix(1);
    while (!f.empty() && (f.back() == ' ' || f.back() == '"' || f.back() == '\r')) f.remove_suffix(1);
    out.push_back(f);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

Result<SummaryTable> ParseSummaryCsv(std::string_view text, const std::string& file_name) {
  SummaryTable table;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int col_id = -1, col_x = -1, col_tx = -1, col_T = -1, col_z = -1;
  size_t pos = 0, line_no = 0, columns = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::vector<std::string_view> f = SplitComma(line);
    if (columns == 0) {
      columns = f.size();
      for (size_t i = 0; i < f.size(); ++i) {
        const std::string name = ToLowerAscii(f[i]);
        const int c = static_cast<int>(i);
        if (name == "id" || name == "customer_id" || name == "customer") col_id = c;
        else if (name == "frequency" || name == "x") col_x = c;
        else if (name == "recency" || name == "t_x") col_tx = c;
        else if (f[i] == "T" || name == "age") col_T = c;
        else if (name == "monetary_value" || name == "zbar") col_z = c;
      }
      if (col_x < 0 || col_tx < 0 || col_T < 0) {
        return ParseError(file_name + ":1: expected a header with frequency,recency,T (or x,t_x,T), found `" +
                          std::string(line) + "`");
      }
      continue;
    }
    auto number = [&](int col, double* out) -> Status {
      double v = 0;
      const std::string_view field = col < static_cast<int>(f.size()) ? f[col] : std::string_view();
      if (!ParseDouble(field, &v) || !std::isfinite(v) || v < 0) {
        return ParseError(file_name + ":" + std::to_string(line_no) + ":" + std::to_string(col + 1) +
                          ": expected a non-negative number, found `" + std::string(field) + "`");
      }
      *out = v;
      return Status::Ok();
    };
    double x, tx, T, z = 0;
    RAPPORT_RETURN_IF_ERROR(number(col_x, &x));
    RAPPORT_RETURN_IF_ERROR(number(col_tx, &tx));
    RAPPORT_RETURN_IF_ERROR(number(col_T, &T));
    if (col_z >= 0) RAPPORT_RETURN_IF_ERROR(number(col_z, &z));
    if (x != std::floor(x) || tx > T + 1e-9 || (x == 0 && tx != 0)) {
      return ParseError(file_name + ":" + std::to_string(line_no) +
                        ": expected a whole frequency, recency <= T, and recency 0 when frequency is 0");
    }
    table.id.emplace_back(col_id >= 0 && col_id < static_cast<int>(f.size()) ? std::string(f[col_id]) : std::string());
    table.x.push_back(x);
    table.t_x.push_back(tx);
    table.T.push_back(T);
    if (col_z >= 0) table.zbar.push_back(z);
  }
  if (columns == 0) return ParseError(file_name + ": empty file");
  return table;
}

}  // namespace rapport::model
