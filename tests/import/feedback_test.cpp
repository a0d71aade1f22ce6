// Reviews (Judge.me), NPS surveys (generic, Delighted, Typeform) and support tickets (Zendesk, Gorgias,
// generic/Freshdesk) on fixtures built from the documented column lists, or, where none is published
// (Gorgias, Delighted), from the API's field names (FORMATS.md §5a, §6a-c, §7a-c;
// tests/fixtures/import/make_fixtures.py and README.md). The reference data holds no real file of these
// kinds (SOURCES.md §2).
#include <catch2/catch.hpp>

#include "core/util/date.h"
#include "import/import_test_util.h"

namespace rapport {
namespace {

std::string Detected(const std::string& fixture, Result<ImportBatch>* out) {
  ParseSession session(fixture, {});
  Status st = session.Feed(test::ReadAll(test::Fixture(fixture)));
  *out = st.ok() ? session.Finish() : Result<ImportBatch>(st);
  return session.detected() ? session.detected()->format : "";
}

TEST_CASE("Judge.me reviews", "[import][reviews]") {
  Result<ImportBatch> result = Status(StatusCode::kInternal, "unset");
  CHECK(Detected("judgeme_reviews.csv", &result) == "judgeme_reviews");
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 5);
  CHECK(b.rows_accepted == 2);
  CHECK(b.rows_rejected == 3);
  const auto& v = b.reviews;
  REQUIRE(v.key.size() == 2);
  CHECK(v.key[0] == "judgeme:ann@example.com:2025-03-02:dog-bed:Great bed");
  CHECK(v.who.email[0] == "ann@example.com");
  CHECK(v.who.first_name[0] == "Ann");
  CHECK(v.rating[0] == 5);
  CHECK(v.day[0] == DaysFromCivil(2025, 3, 2));
  CHECK(v.body[0] == "My dog, Rex, loves it.\nWould buy again.");
  CHECK(v.product_handle[0] == "dog-bed");
  CHECK(v.source[0] == "web");
  CHECK(v.line[1] == 4);
  CHECK(v.rating[1] == 3);
  const ImportIssue* spam = test::FindIssue(b, "spam_review");
  REQUIRE(spam != nullptr);
  CHECK(spam->line == 5);
  const ImportIssue* rating = test::FindIssue(b, "bad_rating");
  REQUIRE(rating != nullptr);
  CHECK(rating->line == 6);
  CHECK(rating->column == 3);
  const ImportIssue* date = test::FindIssue(b, "bad_date");
  REQUIRE(date != nullptr);
  CHECK(date->line == 7);
  CHECK(date->column == 4);
}

TEST_CASE("NPS survey file", "[import][surveys]") {
  Result<ImportBatch> result = Status(StatusCode::kInternal, "unset");
  CHECK(Detected("nps.csv", &result) == "generic_surveys");
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 5);
  CHECK(b.rows_accepted == 3);
  const auto& s = b.surveys;
  REQUIRE(s.key.size() == 3);
  CHECK(s.key[0] == "survey:ann@example.com:2024-04-01:0");
  CHECK(s.key[2] == "survey:ann@example.com:2024-04-01:1");  // the repeated answer is kept
  CHECK(s.score[0] == 10);
  CHECK(s.score[1] == 6);
  CHECK(s.comment[1] == "Slow shipping, but ok");
  CHECK(s.day[1] == DaysFromCivil(2024, 4, 2));
  const ImportIssue* bad = test::FindIssue(b, "bad_score");
  REQUIRE(bad != nullptr);
  CHECK(bad->line == 5);
  CHECK(bad->column == 3);
  CHECK(test::FindIssue(b, "missing_customer", 6) != nullptr);
}

TEST_CASE("Zendesk and Freshdesk ticket exports", "[import][tickets]") {
  Result<ImportBatch> result = Status(StatusCode::kInternal, "unset");
  CHECK(Detected("zendesk_tickets.csv", &result) == "zendesk_tickets");
  REQUIRE(result.ok());
  {
    const auto& t = result->tickets;
    REQUIRE(t.key.size() == 2);
    CHECK(t.key[0] == "ticket:zendesk:101");
    CHECK(t.who.email[0] == "ann@example.com");
    CHECK(t.status[0] == "solved");
    CHECK(t.channel[0] == "mail");
    CHECK(t.csat[0] == 5);
    CHECK(t.csat[1] == -1);  // Not Offered
    CHECK(t.day[1] == DaysFromCivil(2024, 5, 2));
    const ImportIssue* bad = test::FindIssue(*result, "bad_date");
    REQUIRE(bad != nullptr);
    CHECK(bad->line == 4);
    CHECK(bad->column == 17);
  }
  CHECK(Detected("freshdesk_tickets.csv", &result) == "generic_tickets");
  REQUIRE(result.ok());
  const auto& t = result->tickets;
  REQUIRE(t.key.size() == 2);
  CHECK(t.key[1] == "ticket:5002");
  CHECK(t.csat[0] == 4);
  CHECK(t.channel[0] == "email");
  CHECK(t.who.platform_id[1] == "generic:78");
  CHECK(t.who.email[1].empty());
}

TEST_CASE("Gorgias tickets export", "[import][tickets]") {
  Result<ImportBatch> result = Status(StatusCode::kInternal, "unset");
  CHECK(Detected("gorgias_tickets.csv", &result) == "gorgias_tickets");
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 5);
  CHECK(b.rows_accepted == 3);  // lines 2, 3, 4 (line 4 loses its CSAT only)
  CHECK(b.rows_rejected == 2);  // lines 5, 6
  const auto& t = b.tickets;
  REQUIRE(t.key.size() == 3);
  CHECK(t.key[0] == "ticket:gorgias:9001");
  CHECK(t.who.email[0] == "ann@example.com");
  CHECK(t.day[0] == DaysFromCivil(2024, 7, 1));  // the calendar day as written, before the +02:00 offset
  CHECK(t.status[0] == "closed");
  CHECK(t.channel[1] == "chat");
  CHECK(t.csat[0] == 5);
  CHECK(t.csat[1] == -1);
  CHECK(t.csat[2] == -1);
  const ImportIssue* rating = test::FindIssue(b, "bad_rating");
  REQUIRE(rating != nullptr);
  CHECK(rating->line == 4);
  CHECK(rating->column == 11);
  CHECK_FALSE(rating->rejected);
  const ImportIssue* date = test::FindIssue(b, "bad_date");
  REQUIRE(date != nullptr);
  CHECK(date->line == 5);
  CHECK(date->column == 9);
  CHECK(test::FindIssue(b, "ragged_row", 6) != nullptr);
}

TEST_CASE("Delighted responses export", "[import][surveys]") {
  Result<ImportBatch> result = Status(StatusCode::kInternal, "unset");
  CHECK(Detected("delighted_responses.csv", &result) == "delighted_surveys");
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 4);
  CHECK(b.rows_accepted == 2);
  const auto& s = b.surveys;
  REQUIRE(s.key.size() == 2);
  CHECK(s.key[0] == "survey:delighted:r1");
  CHECK(s.who.email[0] == "ann@example.com");
  // 1713418460 s / 86400 = 19831.23 days after 1970-01-01 -> day 19831 = 2024-04-18.
  CHECK(s.day[0] == DaysFromCivil(2024, 4, 18));
  CHECK(s.day[0] == 19831);
  CHECK(s.score[0] == 9);
  CHECK(s.score[1] == 3);
  CHECK(s.comment[1] == "Late, broken");
  CHECK(s.day[1] == DaysFromCivil(2024, 4, 19));
  const ImportIssue* bad = test::FindIssue(b, "bad_score");
  REQUIRE(bad != nullptr);
  CHECK(bad->line == 4);
  CHECK(bad->column == 4);
  const ImportIssue* who = test::FindIssue(b, "missing_customer", 5);
  REQUIRE(who != nullptr);
  CHECK(who->column == 2);
}

TEST_CASE("Typeform results with an NPS question", "[import][surveys]") {
  Result<ImportBatch> result = Status(StatusCode::kInternal, "unset");
  CHECK(Detected("typeform_nps.csv", &result) == "typeform_surveys");
  REQUIRE(result.ok());
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 3);
  CHECK(b.rows_accepted == 2);
  const auto& s = b.surveys;
  REQUIRE(s.key.size() == 2);
  CHECK(s.key[0] == "survey:typeform:tok1");
  CHECK(s.score[0] == 10);
  CHECK(s.score[1] == 7);
  CHECK(s.who.email[1] == "bo@example.com");
  CHECK(s.day[0] == DaysFromCivil(2024, 10, 5));
  const ImportIssue* date = test::FindIssue(b, "bad_date");
  REQUIRE(date != nullptr);
  CHECK(date->line == 4);
  CHECK(date->column == 8);  // Submit Date (UTC), empty for a partial response
}

TEST_CASE("A feedback file split anywhere gives the same rows", "[import][tickets][surveys]") {
  for (const char* fixture : {"gorgias_tickets.csv", "delighted_responses.csv", "typeform_nps.csv"}) {
    const std::string text = test::ReadAll(test::Fixture(fixture));
    Result<ImportBatch> whole = test::ParseChunked(text, fixture, 0, {});
    REQUIRE(whole.ok());
    for (size_t chunk : {1u, 7u, 64u}) {
      Result<ImportBatch> split = test::ParseChunked(text, fixture, chunk, {});
      REQUIRE(split.ok());
      CHECK(split->rows_accepted == whole->rows_accepted);
      CHECK(split->issues.size() == whole->issues.size());
    }
  }
}

TEST_CASE("A feedback file without its required columns fails with file, line and column", "[import][surveys][tickets]") {
  const struct { const char* format; const char* text; const char* message; } cases[] = {
      {"typeform_surveys", "#,What did you buy?,email,Submit Date (UTC)\nt1,Tea,ann@example.com,2024-01-02 10:00:00\n",
       "x.csv:1:1: a Typeform results file needs a 0-10 score column"},
      {"delighted_surveys", "Response ID,Score,Permalink\nr1,9,https://delighted.com/r/r1\n",
       "x.csv:1:1: a Delighted responses export needs an email (or customer id) column and a date column"},
      {"gorgias_tickets", "Ticket ID,Customer email,Status\n1,ann@example.com,open\n",
       "x.csv:1:1: a Gorgias tickets export needs an email (or customer id) column and a date column"},
      {"zendesk_tickets", "Id,Requester email,Status\n1,ann@example.com,open\n",
       "x.csv:1:1: a Zendesk tickets export needs an email (or customer id) column and a date column"},
  };
  for (const auto& c : cases) {
    ImportOptions options;
    options.format = c.format;
    Result<ImportBatch> result = test::ParseChunked(c.text, "x.csv", 0, options);
    REQUIRE_FALSE(result.ok());
    CHECK_THAT(result.status().message(), Catch::StartsWith(c.message));
  }
}

TEST_CASE("A mapping with a score column makes a survey file", "[import][surveys]") {
  ImportOptions options;
  options.mapping.email = "who";
  options.mapping.date = "when";
  options.mapping.score = "points";
  Result<ImportBatch> result = test::ParseChunked("who;when;points\nann@example.com;2024-01-02;9\n", "x.csv", 0, options);
  REQUIRE(result.ok());
  REQUIRE(result->surveys.key.size() == 1);
  CHECK(result->surveys.score[0] == 9);
}

}  // namespace
}  // namespace rapport
