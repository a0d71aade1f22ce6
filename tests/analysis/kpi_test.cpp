// Headline KPIs on a hand-built workspace: every expected number is worked out by hand in the comments.
#include <cmath>

#include <catch2/catch.hpp>

#include "workspace/batch_builder.h"
#include "core/analysis/kpi/kpi.h"
#include "core/workspace/merge.h"

namespace rapport {
namespace {

using test::AddOrder;
using test::OrderSpec;

// USD orders (day: amount), P = 10 so window A = (105, 115], window B = (115, 125]:
//   c1 ann:  100: 10, 100: 20 (same day, a separate order), 125: 30
//   c2 bob:  106: 50 (10 refunded), 126: 100 cancelled (not valid, so as_of stays 125)
//   c3 cy:   90: 40, 120: 5;  and a EUR order on day 50: 7
//   c4 dee:  112: 8, 118: 12
//   c5 eve:  105: 10           (day 105 is outside A: the window is open on the left)
//   c6 fay:  115: 10, 125: 10  (day 115 is inside A: closed on the right)
//   guest:   110: 15
Workspace Fixture() {
  Workspace w;
  ImportBatch b;
  AddOrder(&b, {"o1", "ann@x.com", "", "", 100, 1000});
  AddOrder(&b, {"o2", "ann@x.com", "", "", 100, 2000});
  AddOrder(&b, {"o3", "ann@x.com", "", "", 125, 3000});
  AddOrder(&b, {"o4", "bob@x.com", "", "", 106, 5000, 1000});
  OrderSpec cancelled{"o5", "bob@x.com", "", "", 126, 10000};
  cancelled.flags = kOrderCancelled;
  AddOrder(&b, cancelled);
  AddOrder(&b, {"o6", "cy@x.com", "", "", 90, 4000});
  AddOrder(&b, {"o7", "cy@x.com", "", "", 120, 500});
  AddOrder(&b, {"o8", "cy@x.com", "", "", 50, 700, 0, 0, "EUR"});
  AddOrder(&b, {"o9", "dee@x.com", "", "", 112, 800});
  AddOrder(&b, {"o10", "dee@x.com", "", "", 118, 1200});
  AddOrder(&b, {"o11", "eve@x.com", "", "", 105, 1000});
  AddOrder(&b, {"o12", "fay@x.com", "", "", 115, 1000});
  AddOrder(&b, {"o13", "fay@x.com", "", "", 125, 1000});
  AddOrder(&b, {"o14", "", "", "", 110, 1500});
  // Feedback: surveys 10, 9, 7, 3; tickets CSAT 5, 4, 2 and one unrated; reviews 5 and 3 (and a 1 after as_of).
  test::AddSurvey(&b, "n1", "ann@x.com", 10, 101);
  test::AddSurvey(&b, "n2", "bob@x.com", 9, 101);
  test::AddSurvey(&b, "n3", "cy@x.com", 7, 101);
  test::AddSurvey(&b, "n4", "dee@x.com", 3, 101);
  test::AddTicket(&b, "t1", "ann@x.com", 5, 101);
  test::AddTicket(&b, "t2", "bob@x.com", 4, 101);
  test::AddTicket(&b, "t3", "cy@x.com", 2, 101);
  test::AddTicket(&b, "t4", "dee@x.com", -1, 101);
  test::AddReview(&b, "r1", "ann@x.com", 5, 101);
  test::AddReview(&b, "r2", "ann@x.com", 3, 102);
  test::AddReview(&b, "r3", "bob@x.com", 1, 200);
  ImportRecord r;
  r.id = 1;
  MergeBatch(b, 1, &w, &r);
  w.settings.retention_period_days = 10;
  return w;
}

const CurrencyKpis& Block(const KpiResult& r, const std::string& currency) {
  for (const CurrencyKpis& k : r.currencies) {
    if (k.currency == currency) return k;
  }
  FAIL("no block for " << currency);
  return r.currencies.front();
}

TEST_CASE("kpis: every headline number, by hand", "[kpi]") {
  const Workspace w = Fixture();
  const KpiResult r = ComputeKpis(w, w.settings);
  CHECK(r.as_of_day == 125);  // the latest valid order; the cancelled one on 126 does not count
  CHECK(r.headline_currency == "USD");
  REQUIRE(r.currencies.size() == 2);
  CHECK(r.currencies[0].currency == "EUR");  // sorted by code
  const CurrencyKpis& k = Block(r, "USD");
  CHECK(k.customers == 6);            // c1..c6
  CHECK(k.orders == 12);              // 3 + 1 + 2 + 2 + 1 + 2 + 1 guest
  CHECK(k.identified_orders == 11);
  CHECK(k.guest_orders == 1);
  CHECK(k.gross_cents == 22000);      // 60 + 50 + 45 + 20 + 10 + 20 + 15 = 220.00
  CHECK(k.refunded_cents == 1000);
  CHECK(k.net_cents == 21000);
  CHECK(k.identified_net_cents == 19500);              // 210 - 15 (guest)
  CHECK(k.aov_cents == Approx(1750.0));                // 210.00 / 12 = 17.50
  CHECK(k.purchase_frequency == Approx(11.0 / 6.0));   // identified orders / customers
  CHECK(k.repeat_customers == 4);                      // c1, c3, c4, c6
  CHECK(k.repeat_purchase_rate == Approx(4.0 / 6.0));
  CHECK(k.median_days_first_to_second == Approx(8.0)); // gaps 0 (c1, same day), 30, 6, 10 -> (6 + 10) / 2
  CHECK(k.historical_clv_cents == Approx(3250.0));     // 195.00 / 6 = 32.50
  CHECK(k.retention_base == 3);                        // c2 (106), c4 (112), c6 (115); not c5 (105)
  CHECK(k.retention_retained == 2);                    // c4 (118), c6 (125)
  CHECK(k.retention_rate == Approx(2.0 / 3.0));
  CHECK(k.churn_rate == Approx(1.0 / 3.0));
  CHECK(k.first_order_day == 90);
  CHECK(k.last_order_day == 125);

  const CurrencyKpis& eur = Block(r, "EUR");
  CHECK(eur.customers == 1);
  CHECK(eur.orders == 1);
  CHECK(eur.net_cents == 700);
  CHECK(eur.repeat_customers == 0);
  CHECK(std::isnan(eur.median_days_first_to_second));  // nobody with two orders
  CHECK(std::isnan(eur.retention_rate));               // empty base (window A is days 106..115 of 125)
  CHECK(std::isnan(eur.churn_rate));

  const FeedbackKpis& f = r.feedback;
  CHECK(f.surveys == 4);
  CHECK(f.promoters == 2);
  CHECK(f.passives == 1);
  CHECK(f.detractors == 1);
  CHECK(f.nps == Approx(25.0));       // 100 x (2 - 1) / 4
  CHECK(f.tickets == 4);
  CHECK(f.rated_tickets == 3);
  CHECK(f.csat == Approx(2.0 / 3.0)); // 5 and 4 of 5, 4, 2
  CHECK(f.reviews == 2);              // the review on day 200 is after as_of
  CHECK(f.reviewing_customers == 1);
  CHECK(f.average_rating == Approx(4.0));
  CHECK(f.review_rate == Approx(1.0 / 6.0));  // ann of the 6 customers (bob's review is after as_of)
}

TEST_CASE("kpis: as_of is inclusive and cuts later orders", "[kpi]") {
  Workspace w = Fixture();
  Settings s = w.settings;
  s.as_of_day = 110;  // USD orders up to 110: ann 100, 100; bob 106; cy 90; eve 105; guest 110
  const KpiResult r = ComputeKpis(w, s);
  const CurrencyKpis& k = Block(r, "USD");
  CHECK(k.orders == 6);
  CHECK(k.customers == 4);
  CHECK(k.guest_orders == 1);  // the guest order on day 110 itself counts
  CHECK(k.repeat_customers == 1);
  CHECK(k.median_days_first_to_second == Approx(0.0));
  // P = 10: A = (90, 100], B = (100, 110]: ann (100) in A; she has nothing in B; cy's 90 is outside A.
  CHECK(k.retention_base == 1);
  CHECK(k.retention_retained == 0);
  CHECK(k.retention_rate == Approx(0.0));
  CHECK(k.churn_rate == Approx(1.0));
}

TEST_CASE("kpis: settings.currency picks the headline", "[kpi]") {
  Workspace w = Fixture();
  Settings s = w.settings;
  s.currency = "EUR";
  CHECK(ComputeKpis(w, s).headline_currency == "EUR");
}

TEST_CASE("kpis: an empty workspace has no blocks and null ratios", "[kpi]") {
  Workspace w;
  const KpiResult r = ComputeKpis(w, w.settings);
  CHECK(r.as_of_day == kNoDay);
  CHECK(r.currencies.empty());
  CHECK(r.headline_currency.empty());
  CHECK(std::isnan(r.feedback.nps));
  CHECK(std::isnan(r.feedback.csat));
  CHECK(std::isnan(r.feedback.average_rating));
}

TEST_CASE("kpis: guests only gives orders and revenue but no customers", "[kpi]") {
  Workspace w;
  ImportBatch b;
  AddOrder(&b, {"g1", "", "", "", 10, 1000});
  AddOrder(&b, {"g2", "", "", "", 11, 3000});
  ImportRecord r;
  r.id = 1;
  MergeBatch(b, 1, &w, &r);
  const KpiResult k = ComputeKpis(w, w.settings);
  REQUIRE(k.currencies.size() == 1);
  CHECK(k.currencies[0].orders == 2);
  CHECK(k.currencies[0].aov_cents == Approx(2000.0));
  CHECK(k.currencies[0].customers == 0);
  CHECK(std::isnan(k.currencies[0].purchase_frequency));
  CHECK(std::isnan(k.currencies[0].historical_clv_cents));
  CHECK(std::isnan(k.currencies[0].repeat_purchase_rate));
}

}  // namespace
}  // namespace rapport
