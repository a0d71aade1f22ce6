// The importers' scanning helpers (core/util/text.h): trimming, the Excel guard, phone normalisation.
#include <catch2/catch.hpp>

#include <string>

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

}  // namespace
}  // namespace rapport
