// The demo store generator (core/demo/generator.h): bytes, format, and — the important part — that the
// purchasing it writes follows the parameters it states. The test reads the generated CSV with its own small
// parser and checks the BG/NBD closed forms of MODELS.md §3.4 and §3.6, implemented here, independently of
// core/model.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/demo/generator.h"
#include "core/util/date.h"
#include "test_data.h"

namespace {

using rapport::demo::DemoOptions;
using Rows = std::vector<std::vector<std::string>>;

std::string Generate(const DemoOptions& options, rapport::demo::DemoSummary* summary = nullptr) {
  std::string out;
  auto result = rapport::demo::GenerateShopifyOrders(options, [&](std::string_view b) { out.append(b); });
  REQUIRE(result.ok());
  if (summary) *summary = *result;
  return out;
}

// RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.
Rows ParseCsv(const std::string& text) {
  Rows rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field.push_back(c);
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

size_t Column(const Rows& rows, const char* name) {
  for (size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == name) return i;
  }
  FAIL("no column " << name);
  return 0;
}

bool IsMoney(const std::string& s) {
  const size_t dot = s.find('.');
  if (dot == std::string::npos || dot == 0 || s.size() - dot != 3) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i != dot && (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}

int64_t Cents(const std::string& s) {
  const size_t dot = s.find('.');
  return std::stoll(s.substr(0, dot)) * 100 + std::stoll(s.substr(dot + 1));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return s;
}

// BG/NBD E[X(t)] for a new customer (FHL 2005 eq. 9), in the stable form of MODELS.md §3.4 with x = 0, T = 0:
// z = t/(α+t), A = a+b−1−r, c = a+b−1, L = ln(1−z),
// R = −expm1((a−1)L)/(a−1) − S1·e^{(a−1)L},  S1 = Σ_{n≥1} (A)_n (a)_{n−1} z^n / ((c)_n n!),  E = (a+b−1)·R.
double ExpectedRepeats(double t, double r, double alpha, double a, double b) {
  const double z = t / (alpha + t), A = a + b - 1 - r, c = a + b - 1, L = std::log1p(-z);
  double sum = 0, term = A * z / c;
  for (int n = 1; n < 1000000; ++n) {
    sum += term;
    if (std::fabs(term) <= 1e-17 * std::fabs(sum)) break;
    term *= (A + n) * (a + n - 1) * z / ((c + n) * (n + 1));
  }
  const double first = std::fabs(a - 1) < 1e-12 ? -L : -std::expm1((a - 1) * L) / (a - 1);
  return (a + b - 1) * (first - sum * std::exp((a - 1) * L));
}

// P(X(t) = 0) for a new customer (FHL eq. 8 with n = 0): (α/(α+t))^r.
double NoRepeatProbability(double t, double r, double alpha) { return std::pow(alpha / (alpha + t), r); }

struct Purchasing {
  size_t customers = 0;
  double mean_x = 0, sd_x = 0, repeat_share = 0;
  double expected_x = 0, expected_repeat_share = 0;
};

// Rebuilds each identified customer's x (valid repeat orders) and T (days from the first order to the end of
// the history, taking the first order at mid-day) from the rows, and the closed forms for the same T's.
Purchasing CheckPurchasing(const std::string& csv, const DemoOptions& o) {
  const Rows rows = ParseCsv(csv);
  const size_t name = 0, email = 1, currency = Column(rows, "Currency"), created = Column(rows, "Created at"),
               cancelled = Column(rows, "Cancelled at"), phone = Column(rows, "Phone");
  struct History {
    int32_t first_day = INT32_MAX;
    int orders = 0;
  };
  std::map<std::string, History> customers;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (row[currency].empty() || !row[cancelled].empty()) continue;  // continuation row or cancelled order
    const std::string key = !row[email].empty() ? Lower(row[email]) : row[phone];
    if (key.empty()) continue;                                       // guest
    rapport::Timestamp ts;
    REQUIRE(rapport::ParseTimestamp(row[created], rapport::DateFormat::kAuto, &ts));
    History& h = customers[key];
    h.first_day = std::min(h.first_day, ts.day);
    h.orders += 1;
    (void)name;
  }
  Purchasing out;
  out.customers = customers.size();
  const int32_t end_day = o.start_day + o.days;
  double sum = 0, sum_sq = 0, repeaters = 0;
  for (const auto& [key, h] : customers) {
    const double x = h.orders - 1, T = end_day - h.first_day - 0.5;
    sum += x;
    sum_sq += x * x;
    repeaters += x > 0;
    out.expected_x += ExpectedRepeats(T, o.r, o.alpha, o.a, o.b);
    out.expected_repeat_share += 1 - NoRepeatProbability(T, o.r, o.alpha);
  }
  const double n = static_cast<double>(customers.size());
  out.mean_x = sum / n;
  out.sd_x = std::sqrt(std::max(0.0, sum_sq / n - out.mean_x * out.mean_x));
  out.repeat_share = repeaters / n;
  out.expected_x /= n;
  out.expected_repeat_share /= n;
  return out;
}

DemoOptions Small(uint64_t seed = 7) {
  DemoOptions o;
  o.seed = seed;
  o.customers = 400;
  return o;
}

}  // namespace

TEST_CASE("demo: the stable E[X(t)] matches the published CDNOW values", "[demo]") {
  // MODELS.md §3.4: at the CDNOW MLE (weeks), t = 1, 3, 32 give 0.0531848, 0.1506320, 1.0437374; t = 78 gives
  // 1.8579721 (the published 1.8576 is a truncated series).
  const double r = 0.242593, alpha = 4.413532, a = 0.792886, b = 2.425752;
  CHECK(ExpectedRepeats(1, r, alpha, a, b) == Approx(0.0531848).margin(1e-6));
  CHECK(ExpectedRepeats(3, r, alpha, a, b) == Approx(0.1506320).margin(1e-6));
  CHECK(ExpectedRepeats(32, r, alpha, a, b) == Approx(1.0437374).margin(1e-6));
  CHECK(ExpectedRepeats(78, r, alpha, a, b) == Approx(1.8579721).margin(1e-6));
  CHECK(NoRepeatProbability(39, 0.243, 4.414) == Approx(0.5737864).margin(1e-6));  // P(X(39)=0), §3.6
}

TEST_CASE("demo: same seed, same bytes; another seed, other bytes", "[demo]") {
  const std::string first = Generate(Small(7));
  CHECK(first == Generate(Small(7)));
  CHECK(first != Generate(Small(8)));
  // Streaming oldest first holds the same rows (as a multiset of lines).
  DemoOptions streamed = Small(7);
  streamed.newest_first = false;
  const std::string second = Generate(streamed);
  CHECK(second.size() == first.size());
  CHECK(second != first);
}

TEST_CASE("demo: the header is the real 79-column Shopify header", "[demo]") {
  const std::string csv = Generate(Small());
  const std::string header = csv.substr(0, csv.find('\n'));
  CHECK(header == std::string(rapport::demo::ShopifyOrdersHeader()));
  CHECK(ParseCsv(header + "\n")[0].size() == 79);
  const std::string path = rapport::test::SharedData("shopify_alphapaw_orders_export_1.csv");
  if (path.empty()) return;
  const std::string real = rapport::test::ReadAll(path);
  CHECK(header == real.substr(0, real.find('\n')));
}

TEST_CASE("demo: rows, continuation rows, money and timestamps look like the real export", "[demo]") {
  rapport::demo::DemoSummary summary;
  const std::string csv = Generate(Small(11), &summary);
  const Rows rows = ParseCsv(csv);
  REQUIRE(rows.size() == summary.line_items + 1);
  const size_t currency = Column(rows, "Currency"), created = Column(rows, "Created at");
  const std::set<size_t> continuation_columns = {0, 1, created, 16, 17, 18, 19, 20, 21, 22, 23,
                                                 Column(rows, "Vendor"), Column(rows, "Lineitem discount")};
  const char* money_columns[] = {"Subtotal", "Shipping", "Taxes", "Total", "Discount Amount", "Lineitem price",
                                 "Refunded Amount", "Outstanding Balance", "Lineitem discount", "Tax 1 Value",
                                 "Tax 2 Value", "Lineitem compare at price"};
  const size_t subtotal = Column(rows, "Subtotal"), shipping = Column(rows, "Shipping"), taxes = Column(rows, "Taxes"),
               total = Column(rows, "Total"), discount = Column(rows, "Discount Amount"),
               quantity = Column(rows, "Lineitem quantity"), price = Column(rows, "Lineitem price"),
               id = Column(rows, "Id"), zip = Column(rows, "Billing Zip"), country = Column(rows, "Billing Country");
  std::set<std::string> names;
  std::string current;
  int64_t line_sum = 0, expected_subtotal = 0, order_discount = 0;
  auto close_order = [&]() {
    if (!current.empty()) CHECK(line_sum - order_discount == expected_subtotal);
  };
  size_t guarded_zips = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    REQUIRE(row.size() == 79);
    for (const char* column : money_columns) {
      const std::string& value = row[Column(rows, column)];
      if (!value.empty()) CHECK(IsMoney(value));
    }
    rapport::Timestamp ts;
    REQUIRE(rapport::ParseTimestamp(row[created], rapport::DateFormat::kAuto, &ts));
    CHECK(ts.has_offset);
    CHECK(ts.offset_minutes == rapport::demo::UsEasternOffsetMinutes(ts.day, ts.seconds));
    CHECK(row[0].size() >= 5);
    CHECK(row[0][0] == '#');
    if (!row[1].empty()) CHECK(Lower(row[1]).find("@example.com") != std::string::npos);
    if (!row[currency].empty()) {  // the first row of an order
      close_order();
      current = row[0];
      CHECK(names.insert(current).second);  // an order's rows are contiguous
      CHECK(row[currency] == "USD");
      CHECK(Cents(row[total]) == Cents(row[subtotal]) + Cents(row[shipping]) + Cents(row[taxes]));
      expected_subtotal = Cents(row[subtotal]);
      order_discount = Cents(row[discount]);
      line_sum = 0;
      for (char c : row[id]) CHECK((c >= '0' && c <= '9'));
      if (row[country] == "US" && row[zip].size() == 6) {
        CHECK(row[zip][0] == '\'');
        ++guarded_zips;
      }
    } else {  // a continuation row: Name, Email, Created at and line fields only
      CHECK(row[0] == current);
      for (size_t c = 0; c < row.size(); ++c) {
        if (continuation_columns.count(c) == 0) CHECK(row[c].empty());
      }
    }
    line_sum += std::stoll(row[quantity]) * Cents(row[price]);
  }
  close_order();
  CHECK(names.size() == summary.orders);
  CHECK(guarded_zips > 0);
  // Embedded line breaks inside quoted fields exist (notes, note attributes), as in the real files.
  CHECK(csv.find("utm_source: ") != std::string::npos);
}

TEST_CASE("demo: US Eastern offsets switch on the right days", "[demo]") {
  using rapport::DaysFromCivil;
  using rapport::demo::UsEasternOffsetMinutes;
  // 2024: 10 March and 3 November; 2025: 9 March and 2 November.
  CHECK(UsEasternOffsetMinutes(DaysFromCivil(2024, 3, 9), 43200) == -300);
  CHECK(UsEasternOffsetMinutes(DaysFromCivil(2024, 3, 10), 7199) == -300);
  CHECK(UsEasternOffsetMinutes(DaysFromCivil(2024, 3, 10), 10800) == -240);
  CHECK(UsEasternOffsetMinutes(DaysFromCivil(2024, 7, 4), 0) == -240);
  CHECK(UsEasternOffsetMinutes(DaysFromCivil(2024, 11, 3), 3600) == -240);
  CHECK(UsEasternOffsetMinutes(DaysFromCivil(2024, 11, 3), 7200) == -300);
  CHECK(UsEasternOffsetMinutes(DaysFromCivil(2024, 12, 25), 0) == -300);
  CHECK(UsEasternOffsetMinutes(DaysFromCivil(2025, 3, 8), 80000) == -300);
  CHECK(UsEasternOffsetMinutes(DaysFromCivil(2025, 3, 9), 11000) == -240);
  CHECK(UsEasternOffsetMinutes(DaysFromCivil(2025, 11, 1), 80000) == -240);
  CHECK(UsEasternOffsetMinutes(DaysFromCivil(2025, 11, 2), 30000) == -300);
}

TEST_CASE("demo: the default store has the promised counts", "[demo]") {
  DemoOptions options;
  rapport::demo::DemoSummary s;
  const std::string csv = Generate(options, &s);
  CHECK(s.customers == 5000);
  const double per_customer = static_cast<double>(s.valid_orders) / s.customers;
  CHECK(per_customer > 1.8);
  CHECK(per_customer < 2.3);
  CHECK(s.cancelled_orders > 0.01 * s.valid_orders);
  CHECK(s.cancelled_orders < 0.03 * s.valid_orders);
  CHECK(s.refunded_orders > 0.03 * s.valid_orders);
  CHECK(s.refunded_orders < 0.05 * s.valid_orders);
  CHECK(s.guest_orders > 0);
  CHECK(s.guest_orders < 0.05 * s.orders);
  const Rows rows = ParseCsv(csv);
  const size_t phone = Column(rows, "Phone"), currency = Column(rows, "Currency");
  size_t phone_only = 0;
  std::set<std::string> products;
  for (size_t i = 1; i < rows.size(); ++i) {
    if (!rows[i][currency].empty() && rows[i][1].empty() && !rows[i][phone].empty()) ++phone_only;
    products.insert(rows[i][Column(rows, "Lineitem sku")]);
  }
  CHECK(phone_only > 0);
  CHECK(products.size() >= 50);
}

TEST_CASE("demo: purchasing follows the stated BG/NBD parameters", "[demo]") {
  DemoOptions options;  // the default store: 5,000 customers over 730 days
  const Purchasing got = CheckPurchasing(Generate(options), options);
  REQUIRE(got.customers == options.customers);
  const double n = static_cast<double>(got.customers);
  const double se_x = got.sd_x / std::sqrt(n);
  const double se_share = std::sqrt(got.expected_repeat_share * (1 - got.expected_repeat_share) / n);
  INFO("mean x " << got.mean_x << " expected " << got.expected_x << " (se " << se_x << "); repeat share "
                 << got.repeat_share << " expected " << got.expected_repeat_share << " (se " << se_share << ")");
  CHECK(std::fabs(got.mean_x - got.expected_x) < 4 * se_x);
  CHECK(std::fabs(got.repeat_share - got.expected_repeat_share) < 4 * se_share);
  // The promised story: ~25-35 % repeat customers, ~2 orders per customer.
  CHECK(got.expected_repeat_share > 0.25);
  CHECK(got.expected_repeat_share < 0.35);
  CHECK(got.expected_x + 1 == Approx(2.0).margin(0.2));
}

TEST_CASE("demo: the large-store story follows its parameters too", "[demo]") {
  DemoOptions options = rapport::demo::ScaleOptions(3000, 5);
  const Purchasing got = CheckPurchasing(Generate(options), options);
  const double n = static_cast<double>(got.customers);
  const double se_x = got.sd_x / std::sqrt(n);
  const double se_share = std::sqrt(got.expected_repeat_share * (1 - got.expected_repeat_share) / n);
  INFO("mean x " << got.mean_x << " expected " << got.expected_x << " (se " << se_x << ")");
  CHECK(std::fabs(got.mean_x - got.expected_x) < 4 * se_x);
  CHECK(std::fabs(got.repeat_share - got.expected_repeat_share) < 4 * se_share);
  CHECK(got.expected_x + 1 == Approx(5.0).margin(0.6));
}

TEST_CASE("demo: order values follow the stated Gamma-Gamma mean", "[demo]") {
  DemoOptions options;
  const Rows rows = ParseCsv(Generate(options));
  const size_t quantity = Column(rows, "Lineitem quantity"), price = Column(rows, "Lineitem price");
  std::map<std::string, int64_t> gross;  // merchandise value per order, before discounts
  for (size_t i = 1; i < rows.size(); ++i) gross[rows[i][0]] += std::stoll(rows[i][quantity]) * Cents(rows[i][price]);
  double sum = 0, sum_sq = 0;
  for (const auto& [name, cents] : gross) {
    sum += cents / 100.0;
    sum_sq += (cents / 100.0) * (cents / 100.0);
  }
  const double n = static_cast<double>(gross.size()), mean = sum / n;
  const double se = std::sqrt((sum_sq / n - mean * mean) / n);
  const double population_mean = options.p * options.v / (options.q - 1);
  INFO("mean basket " << mean << " (se " << se << ") against p*v/(q-1) = " << population_mean);
  // Baskets are whole products, so the written value is close to, not exactly, the drawn one: allow 2 %.
  CHECK(std::fabs(mean - population_mean) < 0.02 * population_mean + 4 * se);
}

TEST_CASE("demo: transactions hold the same valid orders", "[demo]") {
  DemoOptions options = Small(3);
  rapport::demo::DemoSummary orders_summary;
  Generate(options, &orders_summary);
  std::string tx;
  auto result = rapport::demo::GenerateTransactions(options, [&](std::string_view b) { tx.append(b); });
  REQUIRE(result.ok());
  const Rows rows = ParseCsv(tx);
  REQUIRE(rows[0] == std::vector<std::string>{"customer_id", "date", "order_id", "sku", "quantity", "amount"});
  std::set<std::string> order_ids;
  for (size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].size() == 6);
    CHECK(IsMoney(rows[i][5]));
    CHECK(rapport::ParseIsoDay(rows[i][1]) != rapport::kNoDay);
    order_ids.insert(rows[i][2]);
  }
  CHECK(order_ids.size() == orders_summary.valid_orders);
}

TEST_CASE("demo: options out of range are refused", "[demo]") {
  DemoOptions options;
  options.q = 1.0;
  CHECK_FALSE(rapport::demo::ValidateDemoOptions(options).ok());
  options = DemoOptions();
  options.customers = 0;
  auto result = rapport::demo::GenerateShopifyOrders(options, [](std::string_view) {});
  CHECK_FALSE(result.ok());
}

TEST_CASE("demo: feedback files belong to the same customers", "[demo]") {
  DemoOptions options = Small(5);
  options.customers = 1500;
  const std::string orders = Generate(options);
  std::string reviews, nps;
  auto result = rapport::demo::GenerateFeedback(options, [&](std::string_view b) { reviews.append(b); },
                                                [&](std::string_view b) { nps.append(b); });
  REQUIRE(result.ok());
  const Rows review_rows = ParseCsv(reviews), nps_rows = ParseCsv(nps);
  REQUIRE(review_rows[0].size() == 15);
  CHECK(review_rows[0][0] == "title");
  CHECK(review_rows[0][14] == "location");
  REQUIRE(nps_rows[0] == std::vector<std::string>{"email", "date", "score", "comment"});
  CHECK(review_rows.size() > 50);
  CHECK(nps_rows.size() > 50);
  for (size_t i = 1; i < review_rows.size(); ++i) {
    REQUIRE(review_rows[i].size() == 15);
    const int rating = std::stoi(review_rows[i][2]);
    CHECK((rating >= 1 && rating <= 5));
    CHECK(orders.find(review_rows[i][7]) != std::string::npos);  // the reviewer bought from the store
  }
  for (size_t i = 1; i < nps_rows.size(); ++i) {
    REQUIRE(nps_rows[i].size() == 4);
    const int score = std::stoi(nps_rows[i][2]);
    CHECK((score >= 0 && score <= 10));
    CHECK(orders.find(nps_rows[i][0]) != std::string::npos);
  }
}
