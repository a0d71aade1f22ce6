// The segment rule language: precedence, BUT NOT, every error's position and suggestion, evaluation against a
// per-customer reference, and set identities over random rules on a generated store.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "core/model/fit.h"
#include "core/model/predict.h"
#include "core/model/summary.h"
#include "core/analysis/rfm/rfm.h"
#include "core/segment/evaluate.h"
#include "core/segment/parser.h"
#include "segment/segment_fixture.h"

namespace rapport {
namespace {

std::string ReadAs(const std::string& text) {
  Rule rule;
  RuleError error;
  INFO(text);
  const bool ok = ParseRule(text, &rule, &error);
  INFO(error.Render(text));
  REQUIRE(ok);
  return CanonicalText(*rule.root);
}

RuleError ErrorOf(const std::string& text) {
  Rule rule;
  RuleError error;
  INFO(text);
  REQUIRE_FALSE(ParseRule(text, &rule, &error));
  return error;
}

struct GeneratedStore {
  test::WorkspaceBuilder builder;
  SegmentContext ctx;
  explicit GeneratedStore(size_t customers = 400, uint64_t seed = 7, bool gamma_spend = false) {
    test::BuildRandomStore(&builder, customers, seed, gamma_spend);
    ctx = BuildSegmentContext(builder.workspace(), builder.workspace().settings, kNoDay);
  }
};

Bitset Eval(const SegmentContext& ctx, const std::string& text, const std::vector<SavedSegment>& saved = {}) {
  Bitset out;
  RuleError error;
  INFO(text);
  const bool ok = EvaluateRuleText(text, ctx, saved, &out, &error);
  INFO(error.Render(text));
  REQUIRE(ok);
  return out;
}

RuleError EvalError(const SegmentContext& ctx, const std::string& text, const std::vector<SavedSegment>& saved = {}) {
  Bitset out;
  RuleError error;
  INFO(text);
  REQUIRE_FALSE(EvaluateRuleText(text, ctx, saved, &out, &error));
  return error;
}

}  // namespace

TEST_CASE("segment: precedence is NOT, then AND / BUT NOT, then OR", "[segment]") {
  CHECK(ReadAs("orders >= 2 OR orders = 0 AND nps >= 9") == "(orders >= 2 OR (orders = 0 AND nps >= 9))");
  CHECK(ReadAs("orders >= 2 AND orders = 0 OR nps >= 9") == "((orders >= 2 AND orders = 0) OR nps >= 9)");
  CHECK(ReadAs("NOT orders >= 2 AND nps >= 9") == "((NOT orders >= 2) AND nps >= 9)");
  CHECK(ReadAs("NOT (orders >= 2 AND nps >= 9)") == "(NOT (orders >= 2 AND nps >= 9))");
  CHECK(ReadAs("NOT NOT tickets > 0") == "(NOT (NOT tickets > 0))");
  // BUT NOT binds like AND, left to right.
  CHECK(ReadAs("orders >= 2 BUT NOT ordered_since(2025-03-01) OR tickets > 0") ==
        "((orders >= 2 BUT NOT ordered_since(2025-03-01)) OR tickets > 0)");
  CHECK(ReadAs("orders >= 2 AND tickets > 0 BUT NOT nps >= 9 AND reviewed()") ==
        "(orders >= 2 AND tickets > 0 BUT NOT nps >= 9 AND reviewed())");
  // A chain prints flat; parentheses written around a right operand stay.
  CHECK(ReadAs("orders >= 2 OR (tickets > 0 OR nps >= 9)") == "(orders >= 2 OR (tickets > 0 OR nps >= 9))");
  CHECK(ReadAs("(orders >= 2 OR tickets > 0) OR nps >= 9") == "(orders >= 2 OR tickets > 0 OR nps >= 9)");
  CHECK(ReadAs("tickets > 0 OR orders >= 2 BUT NOT nps >= 9") == "(tickets > 0 OR (orders >= 2 BUT NOT nps >= 9))");
}

TEST_CASE("segment: keywords are case-insensitive; aliases, literals and forms", "[segment]") {
  CHECK(ReadAs("Number_Of_Orders >= 2 and amount_spent > 100 Or not Customer_Tags contains 'VIP'") ==
        "((orders >= 2 AND net_spend > 100) OR (NOT tags CONTAINS \"VIP\"))");
  CHECK(ReadAs("last_order_date < \"2025-03-01\"") == "last_order_date < 2025-03-01");
  CHECK(ReadAs("last_order_date >= -90d AND first_order_date < -12m AND next_order_date <= +2w") ==
        "(last_order_date >= -90d AND first_order_date < -12m AND next_order_date <= +2w)");
  CHECK(ReadAs("country IN (\"US\", 'CA')") == "country IN (\"US\", \"CA\")");
  CHECK(ReadAs("country NOT IN (\"US\")") == "country NOT IN (\"US\")");
  CHECK(ReadAs("stage = \"At Risk\"") == "stage = \"at_risk\"");
  CHECK(ReadAs("rfm_segment = \"Can't Lose Them\"") == "rfm_segment = \"cant_lose_them\"");
  CHECK(ReadAs("aov BETWEEN 20 AND 80.5") == "aov BETWEEN 20 AND 80.5");
  CHECK(ReadAs("accepts_marketing = true") == "accepts_marketing = true");
  CHECK(ReadAs("orders <> 1") == "orders != 1");
  CHECK(ReadAs("ordered_between(2024-11-25, \"2024-12-02\")") == "ordered_between(2024-11-25, 2024-12-02)");
  CHECK(ReadAs("reviewed() OR reviewed(4) OR complained() OR complained(-30d)") ==
        "(reviewed() OR reviewed(4) OR complained() OR complained(-30d))");
  CHECK(ReadAs("last_order_date = today") == "last_order_date = today");
  CHECK(ReadAs("  orders\n>=\t2  ") == "orders >= 2");
}

TEST_CASE("segment: errors carry the offset, the length and a suggestion", "[segment]") {
  struct Case {
    const char* rule;
    uint32_t offset, length;
    const char* message_part;
  };
  const Case cases[] = {
      {"oders > 2", 0, 5, "unknown field `oders`; did you mean `orders`?"},
      {"orders >= 2 AND amount_spnt > 10", 16, 11, "did you mean `amount_spent`?"},
      {"orders >= 2 ADN tickets > 0", 12, 3, "did you mean `AND`?"},
      {"orders >= 2 tickets > 0", 12, 7, "join conditions with AND or OR"},
      {"orders >= ", 10, 0, "expected a value after `>=`"},
      {"orders", 6, 0, "expected an operator after `orders`"},
      {"(orders >= 2", 0, 1, "never closed"},
      {"orders >= 2)", 11, 1, "no `(` for it to close"},
      {"stage = \"loyl\"", 8, 6, "did you mean \"loyal\"?"},
      {"bougth(\"X\")", 0, 6, "did you mean `bought`?"},
      {"orders CONTAINS 2", 7, 8, "`CONTAINS` does not apply to orders"},
      {"last_order_date < 90", 18, 2, "last_order_date is a date"},
      {"orders >= 2 BUT orders < 5", 12, 10, "BUT must be followed by NOT"},
      {"email = \"abc", 8, 4, "unterminated text"},
      {"", 0, 0, "empty rule"},
      {"orders >= 2 AND", 15, 0, "the rule ends where a condition was expected"},
      {"tags = \"vip\"", 5, 1, "use CONTAINS"},
      {"last_order_date > 2025-13-01", 18, 10, "is not a date"},
      {"orders >= 2 && tickets > 0", 12, 1, "write AND / OR"},
      {"bought()", 0, 8, "missing argument: bought("},
      {"bought(\"a\", -1d, 3)", 17, 1, "too many arguments"},
      {"bought(12)", 7, 2, "must be quoted text"},
      {"reviewed(7)", 9, 1, "rating from 1 to 5"},
      {"orders(2)", 0, 6, "is a field, not a function"},
      {"bought = 2", 0, 6, "is a function"},
      {"orders >= 2 AND ()", 16, 2, "empty parentheses"},
      {"country = US", 10, 2, "quote text: \"US\""},
      {"last_order_date > -90x", 18, 4, "relative dates are written -90d"},
      {"orders >= 2AND tickets > 0", 10, 4, "put a space between a number and a word"},
      {"last_order_date > -90days", 18, 7, "relative dates are written -90d"},
      {"orders >= 2 OR", 14, 0, "the rule ends where a condition was expected"},
      {"AND orders > 1", 0, 3, "expected a condition before AND"},
      {"orders >= 2 AND OR tickets > 1", 16, 2, "expected a condition before OR"},
      {"orders IN 2", 10, 1, "expected `(` after IN"},
      {"aov BETWEEN 1 OR 2", 14, 2, "expected AND in `aov BETWEEN low AND high`"},
      {"accepts_marketing = 3", 20, 1, "is true or false"},
      {"orders >= 2 AND zzzzzzzz > 1", 16, 8, "unknown field `zzzzzzzz` (see docs/segments.md"},
  };
  for (const Case& c : cases) {
    const RuleError e = ErrorOf(c.rule);
    INFO(c.rule << "\n" << e.Render(c.rule));
    CHECK(e.offset == c.offset);
    CHECK(e.length == c.length);
    CHECK_THAT(e.message, Catch::Contains(c.message_part));
  }
}

TEST_CASE("segment: errors render the rule with a caret", "[segment]") {
  const std::string rule = "orders >= 2 AND oders < 5";
  const RuleError e = ErrorOf(rule);
  CHECK(e.Render(rule) ==
        "1:17: unknown field `oders`; did you mean `orders`?\n"
        "  orders >= 2 AND oders < 5\n"
        "                  ^^^^^");
  const std::string two_lines = "orders >= 2\nAND oders < 5";
  const RuleError e2 = ErrorOf(two_lines);
  CHECK(e2.Render(two_lines) ==
        "2:5: unknown field `oders`; did you mean `orders`?\n"
        "  AND oders < 5\n"
        "      ^^^^^");
}

TEST_CASE("segment: nesting and size limits are errors, not crashes", "[segment]") {
  std::string deep(200, '(');
  deep += "orders > 1" + std::string(200, ')');
  CHECK_THAT(ErrorOf(deep).message, Catch::Contains("nested too deeply"));
  std::string nots;
  for (int i = 0; i < 100; ++i) nots += "NOT ";
  CHECK_THAT(ErrorOf(nots + "orders > 1").message, Catch::Contains("nested too deeply"));
  std::string many = "orders > 1";
  for (int i = 0; i < 1100; ++i) many += " OR orders > 1";
  CHECK_THAT(ErrorOf(many).message, Catch::Contains("too many conditions"));
}

TEST_CASE("segment: evaluation matches a per-customer reference", "[segment]") {
  GeneratedStore s;
  const SegmentContext& ctx = s.ctx;
  const Workspace& ws = s.builder.workspace();
  const CustomerFacts& f = ctx.facts();
  const size_t n = ctx.customers;
  REQUIRE(n == 400);
  auto check = [&](const std::string& rule, auto&& expected) {
    const Bitset got = Eval(ctx, rule);
    size_t mismatches = 0;
    for (uint32_t c = 0; c < n; ++c) mismatches += got.Test(c) != static_cast<bool>(expected(c));
    INFO(rule);
    CHECK(mismatches == 0);
    CHECK(got.Count() > 0);
  };
  const int32_t as_of = ctx.as_of_day;
  check("orders >= 2", [&](uint32_t c) { return f.orders[c] >= 2; });
  check("number_of_orders = 0", [&](uint32_t c) { return f.orders[c] == 0; });
  check("amount_spent > 100.50", [&](uint32_t c) { return f.orders[c] > 0 && f.net_cents[c] > 10050; });
  check("last_order_date < -90d", [&](uint32_t c) { return f.orders[c] > 0 && f.last_day[c] < as_of - 90; });
  check("days_since_last_order > 90", [&](uint32_t c) { return f.orders[c] > 0 && as_of - f.last_day[c] > 90; });
  check("ordered_since(-90d)", [&](uint32_t c) { return f.orders[c] > 0 && f.last_day[c] >= as_of - 90; });
  check("first_order_date >= 2025-01-01", [&](uint32_t c) { return f.orders[c] > 0 && f.first_day[c] >= ParseIsoDay("2025-01-01"); });
  check("country = \"us\"", [&](uint32_t c) { return ws.countries[ws.customers.country[c]] == "US"; });
  check("country != \"US\"", [&](uint32_t c) {
    return ws.customers.country[c] != 0 && ws.countries[ws.customers.country[c]] != "US";
  });
  check("tags CONTAINS \"VIP\"", [&](uint32_t c) { return ws.customers.tags[c].find("vip") != std::string::npos ||
                                                          ws.customers.tags[c].find("VIP") != std::string::npos; });
  check("tags NOT CONTAINS \"vip\"", [&](uint32_t c) { return ws.customers.tags[c].find("vip") == std::string::npos &&
                                                              ws.customers.tags[c].find("VIP") == std::string::npos; });
  check("email_domain = \"example.com\"", [&](uint32_t c) {
    const std::string_view e = ws.customers.email[c];
    return e.size() > 12 && e.compare(e.size() - 12, 12, "@example.com") == 0;
  });
  check("accepts_marketing = false", [&](uint32_t c) { return ws.customers.accepts_marketing[c] == 0; });
  check("email_subscription_status = \"unknown\"", [&](uint32_t c) { return ws.customers.accepts_marketing[c] == -1; });
  check("aov BETWEEN 50 AND 100", [&](uint32_t c) {
    if (f.orders[c] == 0) return false;
    const double aov = std::round(static_cast<double>(f.net_cents[c]) / f.orders[c]);
    return aov >= 5000 && aov <= 10000;
  });
  // bought: SKU (case-insensitive) or every word of the title; bought_in: a category or one of its levels.
  auto bought = [&](uint32_t c, auto&& product_ok) {
    for (const uint32_t* p = f.begin_orders(c); p != f.end_orders(c); ++p) {
      for (uint32_t l = ws.orders.first_line[*p]; l < ws.orders.first_line[*p] + ws.orders.line_count[*p]; ++l) {
        if (product_ok(ws.lines.product[l])) return true;
      }
    }
    return false;
  };
  check("bought(\"sku-3\")", [&](uint32_t c) { return bought(c, [](uint32_t p) { return p == 3; }); });
  check("bought(\"blue item\")", [&](uint32_t c) { return bought(c, [](uint32_t p) { return p % 2 == 1; }); });
  check("bought_in(\"Mugs\")", [&](uint32_t c) { return bought(c, [](uint32_t p) { return p % 4 == 2; }); });
  check("bought_in(\"kitchen\")", [&](uint32_t c) { return bought(c, [](uint32_t p) { return p % 4 >= 2; }); });
  check("reviewed(4)", [&](uint32_t c) {
    for (size_t i = 0; i < ws.reviews.size(); ++i) {
      if (ws.reviews.customer[i] == c && ws.reviews.rating[i] >= 4 && ws.reviews.day[i] <= as_of) return true;
    }
    return false;
  });
  check("complained()", [&](uint32_t c) {
    for (size_t i = 0; i < ws.reviews.size(); ++i) {
      if (ws.reviews.customer[i] == c && ws.reviews.rating[i] <= 2 && ws.reviews.day[i] <= as_of) return true;
    }
    for (size_t i = 0; i < ws.tickets.size(); ++i) {
      if (ws.tickets.customer[i] == c && ws.tickets.day[i] <= as_of) return true;
    }
    for (size_t i = 0; i < ws.surveys.size(); ++i) {
      if (ws.surveys.customer[i] == c && ws.surveys.score[i] <= 6 && ws.surveys.day[i] <= as_of) return true;
    }
    return false;
  });
  check("ordered_between(2024-06-01, 2024-08-31)", [&](uint32_t c) {
    for (const uint32_t* p = f.begin_orders(c); p != f.end_orders(c); ++p) {
      if (ws.orders.day[*p] >= ParseIsoDay("2024-06-01") && ws.orders.day[*p] <= ParseIsoDay("2024-08-31")) return true;
    }
    return false;
  });
  check("rfm_r >= 4", [&](uint32_t c) { return !std::isnan(ctx.column(FieldId::kRfmR)[c]) && ctx.column(FieldId::kRfmR)[c] >= 4; });
  check("stage IN (\"loyal\", \"repeat\", \"advocate\", \"at_risk\", \"lapsed\", \"new\", \"one_time\")",
        [&](uint32_t c) { return f.orders[c] > 0; });
}

TEST_CASE("segment: a missing value never matches a comparison, so its NOT does", "[segment]") {
  GeneratedStore s;
  const Bitset no_orders = Eval(s.ctx, "orders = 0");
  CHECK((Eval(s.ctx, "last_order_date < -1d").Count() + Eval(s.ctx, "last_order_date >= -1d").Count()) ==
        s.ctx.customers - no_orders.Count());
  Bitset x = Eval(s.ctx, "NOT last_order_date < -1d");
  x.AndWith(no_orders);
  CHECK(x == no_orders);
}

TEST_CASE("segment: set identities hold for random rules", "[segment]") {
  GeneratedStore s(300, 11);
  const std::vector<std::string> atoms = {
      "orders >= 2", "amount_spent > 100", "last_order_date < -90d", "country = \"US\"", "tags CONTAINS \"vip\"",
      "bought(\"SKU-1\")", "reviewed(4)", "complained()", "rfm_r >= 4", "stage = \"loyal\"",
      "accepts_marketing = true", "email CONTAINS \"1\"", "nps >= 9", "ordered_between(-200d, -100d)",
      "bought_in(\"Tea\")", "aov BETWEEN 20 AND 80", "rfm_segment IN (\"Champions\", \"Lost\")", "tickets > 0",
      "days_since_first_order <= 365", "min_rating <= 2", "first_name = \"ann\"", "in_segment(\"Big\")"};
  const std::vector<SavedSegment> saved = {{"Big", "amount_spent > 150 OR orders >= 3", ""}};
  Random rng(2026);
  std::function<std::string(int)> random_rule = [&](int depth) -> std::string {
    if (depth == 0 || rng.Below(3) == 0) return atoms[rng.Below(atoms.size())];
    switch (rng.Below(4)) {
      case 0: return "(" + random_rule(depth - 1) + " AND " + random_rule(depth - 1) + ")";
      case 1: return "(" + random_rule(depth - 1) + " OR " + random_rule(depth - 1) + ")";
      case 2: return "(" + random_rule(depth - 1) + " BUT NOT " + random_rule(depth - 1) + ")";
      default: return "NOT " + random_rule(depth - 1);
    }
  };
  const Bitset all(s.ctx.customers, true), none(s.ctx.customers, false);
  for (int i = 0; i < 60; ++i) {
    const std::string a = random_rule(3), b = random_rule(3);
    INFO("A = " << a << "\nB = " << b);
    CHECK(Eval(s.ctx, a + " BUT NOT " + b, saved) == Eval(s.ctx, a + " AND NOT " + b, saved));
    CHECK(Eval(s.ctx, a + " BUT NOT " + b, saved) == Eval(s.ctx, a + " AND NOT (" + b + ")", saved));
    CHECK(Eval(s.ctx, "NOT (" + a + " AND " + b + ")", saved) == Eval(s.ctx, "NOT " + a + " OR NOT " + b, saved));
    CHECK(Eval(s.ctx, "NOT (" + a + " OR " + b + ")", saved) == Eval(s.ctx, "NOT " + a + " AND NOT " + b, saved));
    CHECK(Eval(s.ctx, a + " OR NOT " + a, saved) == all);
    CHECK(Eval(s.ctx, a + " AND NOT " + a, saved) == none);
    CHECK(Eval(s.ctx, "NOT NOT " + a, saved) == Eval(s.ctx, a, saved));
    CHECK(Eval(s.ctx, a + " AND " + b, saved) == Eval(s.ctx, b + " AND " + a, saved));
    // Counting agrees with the bits.
    const Bitset x = Eval(s.ctx, a, saved);
    CHECK(x.Count() == x.Ids().size());
  }
}

TEST_CASE("segment: saved segments, unknown names and cycles", "[segment]") {
  GeneratedStore s(100, 3);
  std::vector<SavedSegment> saved = {{"VIP", "amount_spent > 150", "2026-01-01T00:00:00Z"},
                                     {"Loyal VIP", "in_segment(\"vip\") AND orders >= 3", ""}};
  CHECK(Eval(s.ctx, "in_segment(\"Loyal VIP\")", saved) == Eval(s.ctx, "amount_spent > 150 AND orders >= 3", saved));
  const RuleError unknown = EvalError(s.ctx, "orders > 1 AND in_segment(\"VPI\")", saved);
  CHECK(unknown.offset == 26);
  CHECK(unknown.length == 5);
  CHECK_THAT(unknown.message, Catch::Contains("did you mean \"VIP\"?"));
  saved.push_back({"A", "in_segment(\"B\") OR orders > 3", ""});
  saved.push_back({"B", "orders > 1 AND in_segment(\"a\")", ""});
  const RuleError cycle = EvalError(s.ctx, "tickets > 0 OR in_segment(\"A\")", saved);
  CHECK(cycle.offset == 15);
  CHECK_THAT(cycle.message, Catch::Contains("cycle: \"a\" -> \"b\" -> \"a\""));
  saved.push_back({"Broken", "oders > 1", ""});
  CHECK_THAT(EvalError(s.ctx, "in_segment(\"Broken\")", saved).message, Catch::Contains("has an invalid rule: unknown field `oders`"));
}

TEST_CASE("segment: model fields come from an MBG/NBD fit at the analysis date, or say why not", "[segment]") {
  GeneratedStore s(400, 5);
  // Month-end history turns the models off: the fields then say they are not available rather than guess.
  SegmentContextOptions no_models;
  no_models.models = false;
  const SegmentContext past =
      BuildSegmentContext(s.builder.workspace(), s.builder.workspace().settings, kNoDay, no_models);
  for (const char* rule : {"p_alive < 0.3", "predicted_clv > 100", "next_order_date <= +14d"}) {
    const RuleError e = EvalError(past, std::string("orders >= 1 AND ") + rule);
    CHECK(e.offset == 16);
    CHECK_THAT(e.message, Catch::Contains("is not available"));
  }
  // They are fitted on first use, not when the columns are built: a rule that names none never pays for it.
  CHECK(s.ctx.models_pending);
  CHECK(s.ctx.column(FieldId::kPAlive).empty());
  Eval(s.ctx, "orders >= 1 AND rfm_r >= 1 AND stage != \"lapsed\"");
  CHECK(s.ctx.models_pending);
  CHECK(Eval(s.ctx, "p_alive >= 0").Count() > 0);
  CHECK_FALSE(s.ctx.models_pending);
  // At the analysis date they are filled: P(alive) is a probability for every customer with an order, and
  // any threshold splits exactly those customers.
  INFO(s.ctx.unavailable[static_cast<size_t>(FieldId::kPAlive)]);
  REQUIRE(s.ctx.available(FieldId::kPAlive));
  REQUIRE(s.ctx.available(FieldId::kNextOrderDate));
  const std::vector<uint32_t> buyers = Eval(s.ctx, "orders >= 1").Ids();
  CHECK(Eval(s.ctx, "p_alive >= 0 AND p_alive <= 1").Ids() == buyers);
  CHECK(Eval(s.ctx, "p_alive < 0.5 OR p_alive >= 0.5").Ids() == buyers);
  CHECK(Eval(s.ctx, "next_order_date > -1d").Ids() == buyers);  // always after the analysis date
  CHECK(Eval(s.ctx, "p_alive < 0.2").Ids().size() < buyers.size());
}

TEST_CASE("segment: model fields equal model::PredictCustomers, computed once per (x, T)", "[segment]") {
  GeneratedStore s(1000, 17, true);
  s.ctx.EnsureModels();
  REQUIRE(s.ctx.available(FieldId::kPAlive));
  INFO(s.ctx.unavailable[static_cast<size_t>(FieldId::kPredictedClv)]);
  REQUIRE(s.ctx.available(FieldId::kPredictedClv));
  // The reference: the model pipeline as the Predictions page runs it, per (x, t_x, T) pattern.
  const Workspace& ws = s.builder.workspace();
  model::SummaryOptions options;
  options.unit_days = ws.settings.model_unit == "day" ? 1.0 : 7.0;
  options.calibration_end_day = s.ctx.as_of_day;
  auto summary = model::SummarizeWorkspace(ws, s.ctx.settings, options);
  REQUIRE(summary.ok());
  model::FitOptions fit_options;
  fit_options.standard_errors = false;
  auto count = model::FitCountModel(model::ModelKind::kMbgNbd, model::CompressPatterns(summary->x, summary->t_x, summary->T), fit_options);
  auto spend = model::FitGammaGamma(summary->x, summary->zbar, fit_options);
  REQUIRE(count.ok());
  REQUIRE(spend.ok());
  model::PredictionOptions prediction;
  prediction.clv_months = ws.settings.clv_months;
  prediction.monthly_discount_rate = ws.settings.monthly_discount_rate;
  prediction.units_per_month = options.unit_days == 1.0 ? 30.0 : 4.345;
  const model::CustomerPredictions p =
      model::PredictCustomers(*count, &*spend, summary->x, summary->t_x, summary->T, summary->zbar, prediction);
  size_t checked = 0;
  for (size_t i = 0; i < summary->size(); ++i) {
    const uint32_t c = summary->customer[i];
    INFO("customer " << c << " x " << summary->x[i] << " t_x " << summary->t_x[i] << " T " << summary->T[i]);
    CHECK(s.ctx.column(FieldId::kPAlive)[c] == Approx(p.p_alive[i]).epsilon(1e-12));
    CHECK(s.ctx.column(FieldId::kPredictedClv)[c] == Approx(std::round(p.clv[i] * 100)).margin(1));
    CHECK(s.ctx.column(FieldId::kNextOrderDate)[c] == s.ctx.as_of_day + std::ceil(p.next_purchase[i] * options.unit_days));
    ++checked;
  }
  CHECK(checked > 300);
}

TEST_CASE("segment: relative dates count from the analysis date", "[segment]") {
  test::WorkspaceBuilder b;
  const uint32_t ann = b.Customer("ann@example.com");
  const uint32_t bo = b.Customer("bo@example.com");
  b.Order(ann, "2025-01-31", 1000);
  b.Order(bo, "2025-03-31", 1000);
  Settings settings;
  settings.as_of_day = ParseIsoDay("2025-03-31");
  const SegmentContext ctx = BuildSegmentContext(b.workspace(), settings, kNoDay);
  CHECK(Eval(ctx, "last_order_date >= -2m").Ids() == std::vector<uint32_t>{ann, bo});  // 2025-01-31
  CHECK(Eval(ctx, "last_order_date > -2m").Ids() == std::vector<uint32_t>{bo});
  CHECK(Eval(ctx, "last_order_date >= -8w").Ids() == std::vector<uint32_t>{bo});        // 2025-02-03
  CHECK(Eval(ctx, "last_order_date = today").Ids() == std::vector<uint32_t>{bo});
  CHECK(Eval(ctx, "ordered_since(-1y)").Count() == 2);
  CHECK(ResolveDay(Literal{Literal::kRelative, 0, "", 0, -1, 'm', {}}, ParseIsoDay("2024-03-31")) == ParseIsoDay("2024-02-29"));
}

TEST_CASE("segment: membership at month ends re-evaluates with as_of = month end", "[segment]") {
  test::WorkspaceBuilder b;
  const uint32_t ann = b.Customer("ann@example.com");
  const uint32_t bo = b.Customer("bo@example.com");
  b.Order(ann, "2025-01-10", 1000);
  b.Order(ann, "2025-02-10", 1000);
  b.Order(bo, "2025-02-20", 1000);
  b.Order(bo, "2025-03-05", 1000);
  Rule rule;
  RuleError error;
  REQUIRE(ParseRule("orders >= 2", &rule, &error));
  std::vector<MembershipPoint> points;
  REQUIRE(SegmentHistory(b.workspace(), b.workspace().settings, rule, {}, 3, &points, &error));
  REQUIRE(points.size() == 3);
  CHECK(FormatDay(points[0].day) == "2025-01-31");
  CHECK(points[0].members == 0);
  CHECK(FormatDay(points[1].day) == "2025-02-28");
  CHECK(points[1].members == 1);
  CHECK(FormatDay(points[2].day) == "2025-03-05");  // as_of: the latest order
  CHECK(points[2].members == 2);
  CHECK(points[2].customers == 2);
}

TEST_CASE("segment: edit distance and suggestions", "[segment]") {
  CHECK(EditDistance("oders", "orders") == 1);
  CHECK(EditDistance("ORDERS", "orders") == 0);
  CHECK(EditDistance("ab", "ba") == 1);  // a transposition is one edit
  CHECK(ClosestMatch("amount_spnt", {"orders", "amount_spent"}) == "amount_spent");
  CHECK(ClosestMatch("xyz", {"orders", "amount_spent"}).empty());
}

}  // namespace rapport

namespace rapport {

TEST_CASE("segment: tags beyond the 63 kept in the per-customer mask", "[segment]") {
  test::WorkspaceBuilder b;
  std::string many;
  for (int t = 0; t < 70; ++t) many += (t ? ", tag" : "tag") + std::to_string(t);
  const uint32_t ann = b.Customer("ann@example.com");
  const uint32_t bo = b.Customer("bo@example.com");
  const uint32_t cy = b.Customer("cy@example.com");
  b.workspace().customers.tags.Set(ann, many);
  b.workspace().customers.tags.Set(bo, "TAG66, other");
  const SegmentContext ctx = BuildSegmentContext(b.workspace(), b.workspace().settings, kNoDay);
  CHECK(Eval(ctx, "tags CONTAINS \"tag66\"").Ids() == std::vector<uint32_t>{ann, bo});
  CHECK(Eval(ctx, "tags CONTAINS \"tag3\"").Ids() == std::vector<uint32_t>{ann});
  CHECK(Eval(ctx, "tags NOT CONTAINS \"tag66\"").Ids() == std::vector<uint32_t>{cy});
  CHECK(Eval(ctx, "tags IN (\"tag69\", \"other\")").Ids() == std::vector<uint32_t>{ann, bo});
  CHECK(Eval(ctx, "tags NOT IN (\"tag69\", \"nope\")").Ids() == std::vector<uint32_t>{bo, cy});
}

}  // namespace rapport

namespace rapport {

// Found by the fuzzer: a 40-digit number printed as 7.77777777777778e+39, which the lexer cannot read back.
TEST_CASE("segment: numbers read back from their canonical text, without exponents", "[segment]") {
  CHECK(ReadAs("orders IN (1, 2.5)") == "orders IN (1, 2.5)");
  CHECK(ReadAs("amount_spent > 0.00001") == "net_spend > 0.00001");
  CHECK(ReadAs("amount_spent > 0.0000123456789012345678") == "net_spend > 0.0000123456789012346");
  CHECK(ReadAs("amount_spent > 0.00000000000000000000001") == "net_spend > 0");
  CHECK(ReadAs("amount_spent > 999999999999999") == "net_spend > 999999999999999");
  for (const char* text : {"orders > 0.0000314159", "amount_spent < -0.000271828182845904", "aov = 123456.789012345"}) {
    const std::string canonical = ReadAs(text);
    CHECK(ReadAs(canonical) == canonical);
  }
  // Found by the fuzzer too: a chain of 80 ORs printed as 80 nested parentheses, deeper than the parser allows.
  std::string chain = "orders = 0";
  for (int i = 1; i < 400; ++i) chain += (i % 3 ? " OR orders = " : " AND orders != ") + std::to_string(i);
  const std::string canonical = ReadAs(chain);
  CHECK(ReadAs(canonical) == canonical);
  const RuleError error = ErrorOf("orders IN (7777777777777777777777777777777777777770, 1)");
  CHECK(error.offset == 11);
  CHECK(error.message.find("too large") != std::string::npos);
}

}  // namespace rapport

namespace rapport {

// The dashboard's RFM grid links each cell to `rfm_r = R AND rfm_fm = FM`: that rule must list exactly the
// customers the grid counts there (the grid comes from core/analysis/rfm, the rule from the segment context).
TEST_CASE("segment: rfm_r and rfm_fm select exactly the customers of each RFM grid cell", "[segment]") {
  GeneratedStore s(1500, 11);
  const RfmResult rfm = ComputeRfm(s.builder.workspace(), s.builder.workspace().settings);
  int64_t total = 0;
  for (int r = 1; r <= 5; ++r) {
    for (int fm = 1; fm <= 5; ++fm) {
      const std::string rule = "rfm_r = " + std::to_string(r) + " AND rfm_fm = " + std::to_string(fm);
      INFO(rule);
      CHECK(static_cast<int64_t>(Eval(s.ctx, rule).Count()) == rfm.grid[r - 1][fm - 1]);
      total += rfm.grid[r - 1][fm - 1];
    }
  }
  CHECK(total == rfm.customers);
  CHECK(total > 1000);
  CHECK(ReadAs("fm_score >= 4") == "rfm_fm >= 4");
}

}  // namespace rapport

namespace rapport {

TEST_CASE("segment columns a part at a time: the same columns as one call, the facts asked for once", "[segment]") {
  test::WorkspaceBuilder builder;
  test::BuildRandomStore(&builder, 300, 11, false);
  const Workspace& ws = builder.workspace();
  const SegmentContext one = BuildSegmentContext(ws, ws.settings, kNoDay);
  int asked = 0;
  SegmentContextOptions options;
  options.facts = [&](int32_t as_of_day, uint32_t currency) {
    ++asked;
    return std::make_shared<const CustomerFacts>(BuildCustomerFacts(ws, as_of_day, currency));
  };
  SegmentContextBuilder parts(ws, ws.settings, kNoDay, options);
  CHECK(asked == 1);
  int runs = 0;
  while (!parts.done()) {
    parts.Run();
    ++runs;
  }
  CHECK(runs == 12);  // 300 customers' orders: the lines' room in one Run, the lines in one; RFM's four parts a Run each
  CHECK(asked == 1);
  // The lines' room (2 * 7 lines a Run), their copy a few orders a Run, their sort by product and the
  // categories' masks 4 * 7 lines a Run: the same lines, products' lines and masks.
  SegmentContextBuilder small(ws, ws.settings, kNoDay);
  runs = 0;
  while (!small.done()) {
    small.Run(7);
    ++runs;
  }
  CHECK(runs > 7 + static_cast<int>(ws.orders.size() / 7) - 1);
  const SegmentContext small_steps = small.Result();
  CHECK(small_steps.line_customer == one.line_customer);
  CHECK(small_steps.line_product == one.line_product);
  CHECK(small_steps.line_day == one.line_day);
  CHECK(small_steps.product_lines == one.product_lines);
  CHECK(small_steps.product_line_offsets == one.product_line_offsets);
  CHECK(small_steps.category_labels == one.category_labels);
  CHECK(small_steps.category_mask == one.category_mask);
  const SegmentContext stepped = parts.Result();
  CHECK(stepped.as_of_day == one.as_of_day);
  CHECK(stepped.customers == one.customers);
  for (size_t f = 0; f < kFieldCount; ++f) {
    INFO(f);
    REQUIRE(stepped.number[f].size() == one.number[f].size());
    CHECK(std::equal(stepped.number[f].begin(), stepped.number[f].end(), one.number[f].begin(),
                     [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }));
    CHECK(stepped.enum_code[f] == one.enum_code[f]);
    CHECK(stepped.unavailable[f] == one.unavailable[f]);
  }
  CHECK(stepped.tag_ids == one.tag_ids);
  CHECK(stepped.tag_mask == one.tag_mask);
  CHECK(stepped.line_customer == one.line_customer);
  CHECK(stepped.product_lines == one.product_lines);
  CHECK(stepped.category_mask == one.category_mask);
  CHECK(stepped.last_complaint_day == one.last_complaint_day);
  CHECK(Eval(stepped, "orders >= 2 and rfm_segment = \"champions\"").Count() ==
        Eval(one, "orders >= 2 and rfm_segment = \"champions\"").Count());
}

}  // namespace rapport
