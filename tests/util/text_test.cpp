// The importers' scanning helpers (core/util/text.h): trimming, the Excel guard, phone and e-mail normalisation,
// amounts.
#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "core/import/internal/common.h"
#include "core/util/text.h"

namespace rapport {
namespace {

TEST_CASE("TrimAscii trims spaces, tabs, CR and LF at both ends only", "[util][text]") {
  CHECK(TrimAscii("") == "");
  CHECK(TrimAscii("   ") == "");
  CHECK(TrimAscii("abc") == "abc");
  CHECK(TrimAscii(" \t abc def\r\n") == "abc def");
  CHECK(TrimAscii("\x01" "a\x01") == "\x01" "a\x01");  // other control characters stay
  CHECK(StripExcelGuard("  '53122 ") == "53122");
  CHECK(StripExcelGuard("'") == "");
}

TEST_CASE("NormalizePhone keeps the digits and a '+' written before them", "[util][text]") {
  CHECK(NormalizePhone("(269) 802-6840") == "2698026840");
  CHECK(NormalizePhone("'+44 20 7946 0958") == "+442079460958");
  CHECK(NormalizePhone("020 7946+0958") == "02079460958");  // a '+' after digits is not a prefix
  CHECK(NormalizePhone("12345") == "");                     // fewer than 6 digits
  CHECK(NormalizePhone("+1-23-45") == "");
  CHECK(NormalizePhone("") == "");
  std::string out = "left over";
  NormalizePhoneTo("+1 555 123 4567", &out);
  CHECK(out == "+15551234567");
  NormalizePhoneTo("n/a", &out);
  CHECK(out.empty());
  NormalizePhoneTo("555-123-4567 ext", &out);
  CHECK(out == "5551234567");
}

TEST_CASE("ParseMoneyCents: plain amounts (its fast path) and the rest read as before", "[util][text]") {
  // text, decimal separator, accepted, cents: plain digits with 0-2 decimals take the fast path; the others
  // (signs, symbols, separators, 3+ decimals, 15 digits at the int64 limit) the general one.
  struct Case { const char* text; char decimal; bool ok; int64_t cents; };
  const Case cases[] = {
      {"12", '.', true, 1200LL},
      {"12", ',', true, 1200LL},
      {"12.5", '.', true, 1250LL},
      {"12.5", ',', false, 0LL},
      {"12.", '.', true, 1200LL},
      {"12.", ',', false, 0LL},
      {"0.00", '.', true, 0LL},
      {"0.00", ',', false, 0LL},
      {"125.40", '.', true, 12540LL},
      {"125.40", ',', false, 0LL},
      {"1,50", '.', false, 0LL},
      {"1,50", ',', true, 150LL},
      {"1,234.50", '.', true, 123450LL},
      {"1,234.50", ',', false, 0LL},
      {"1.234,50", '.', false, 0LL},
      {"1.234,50", ',', true, 123450LL},
      {"92233720368547", '.', true, 9223372036854700LL},
      {"92233720368547", ',', true, 9223372036854700LL},
      {"922337203685470", '.', true, 92233720368547000LL},
      {"922337203685470", ',', true, 92233720368547000LL},
      {"922337203685480", '.', false, 0LL},
      {"922337203685480", ',', false, 0LL},
      {"12345678901234.56", '.', true, 1234567890123456LL},
      {"12345678901234.56", ',', false, 0LL},
      {"123456789012345.67", '.', true, 12345678901234567LL},
      {"123456789012345.67", ',', false, 0LL},
      {" 7.05 ", '.', true, 705LL},
      {" 7.05 ", ',', false, 0LL},
      {"'3.10", '.', true, 310LL},
      {"'3.10", ',', false, 0LL},
      {"$4.20", '.', true, 420LL},
      {"$4.20", ',', false, 0LL},
      {"4.20 USD", '.', false, 0LL},
      {"4.20 USD", ',', false, 0LL},
      {"-1.00", '.', true, -100LL},
      {"-1.00", ',', false, 0LL},
      {"(2.50)", '.', true, -250LL},
      {"(2.50)", ',', false, 0LL},
      {"1.005", '.', true, 101LL},
      {"1.005", ',', true, 100500LL},
      {"1.999", '.', true, 200LL},
      {"1.999", ',', true, 199900LL},
      {"1.2.3", '.', false, 0LL},
      {"1.2.3", ',', false, 0LL},
      {"abc", '.', false, 0LL},
      {"abc", ',', false, 0LL},
      {"", '.', false, 0LL},
      {"", ',', false, 0LL},
      {".5", '.', true, 50LL},
      {".5", ',', false, 0LL},
      {"+3", '.', true, 300LL},
      {"+3", ',', true, 300LL},
      {"1 000.00", '.', true, 100000LL},
      {"1 000.00", ',', false, 0LL},
      {"٣", '.', false, 0LL},
      {"٣", ',', false, 0LL},
      {"12a", '.', true, 1200LL},
      {"12a", ',', true, 1200LL},
      {"0012.30", '.', true, 1230LL},
      {"0012.30", ',', false, 0LL},
      {"5,", '.', false, 0LL},
      {"5,", ',', true, 500LL},
      {",5", '.', false, 0LL},
      {",5", ',', true, 50LL},
  };
  for (const Case& c : cases) {
    int64_t cents = 7;
    CAPTURE(c.text, c.decimal);
    CHECK(ParseMoneyCents(c.text, &cents, c.decimal) == c.ok);
    CHECK(cents == c.cents);
  }
}

TEST_CASE("NormalizeEmailTo: one '@' with text on both sides, no space, comma or semicolon; lower-cased", "[util][text]") {
  const std::pair<const char*, const char*> cases[] = {
      {"A@B.com", "a@b.com"},
      {" X@Y.Z ", "x@y.z"},
      {"'q@r.s", "q@r.s"},
      {"a@@b", ""},
      {"@b", ""},
      {"a@", ""},
      {"a b@c.d", ""},
      {"a,b@c", ""},
      {"a;b@c", ""},
      {"", ""},
      {"ab", ""},
      {"Ünï@X.de", "Ünï@x.de"},
      {"a@b@c", ""},
      {"MiXeD@Ex.COM", "mixed@ex.com"},
  };
  std::string out = "left over";
  for (const auto& c : cases) {
    CAPTURE(c.first);
    NormalizeEmailTo(c.first, &out);
    CHECK(out == c.second);
    CHECK(NormalizeEmail(c.first) == c.second);
  }
}

}  // namespace
TEST_CASE("ContainsIgnoreCase finds a needle anywhere, ASCII case-insensitively", "[util][text]") {
  // Against lower-casing both and std::string_view::find, on every needle of a few haystacks.
  const std::string haystacks[] = {"", "b", "Bogus Gateway", "Shopify Payments", "PayPal (bogus)", "bOGUs", "bbogus",
                                   "bogu", "xBOGUSx", "\xC3\xA9" "bogus", "a-b-c BoGuS"};
  const std::string needles[] = {"", "b", "bogus", "BOGUS", "gateway", "s", "us", "payments", "x", "\xC3\xA9" "b"};
  for (const std::string& h : haystacks) {
    for (const std::string& n : needles) {
      CAPTURE(h, n);
      const bool expected = ToLowerAscii(h).find(ToLowerAscii(n)) != std::string::npos;
      CHECK(import_internal::ContainsIgnoreCase(h, n) == expected);
    }
  }
}

}  // namespace rapport
