// ParseTimestamp: the Shopify export's "YYYY-MM-DD HH:MM:SS +HHMM", which it reads at once (core/util/date.cpp,
// ParseShopifyForm), and its neighbours, which take the general path: each as before. The expected values were
// taken from the general path alone (the code before the fast form), and a harness compared the two on 2.8
// million mutated strings (bench/RESULTS.md, branch h11p).
#include <catch2/catch.hpp>

#include "core/util/date.h"

namespace rapport {

TEST_CASE("ParseTimestamp: the Shopify form and its neighbours read as before", "[util][date]") {
  struct Case {
    const char* text;
    bool ok;
    int32_t day, seconds, offset_minutes;
    bool has_offset;
  };
  const Case cases[] = {
      {"2023-05-31 23:06:04 -0700", true, 19508, 83164, -420, true},
      {"2024-02-29 00:00:00 +0000", true, 19782, 0, 0, true},
      {"2023-02-29 10:00:00 +0100", false, 1, 2, 3, false},
      {"1999-12-31 23:59:60 +1800", true, 10956, 86399, 1080, true},
      {"2000-01-01 24:00:00 -0000", false, 1, 2, 3, false},
      {"2020-13-01 10:00:00 +0530", false, 1, 2, 3, false},
      {" 2023-05-31 23:06:04 -0700 ", true, 19508, 83164, -420, true},
      {"2023-05-31 23:06:04 -07:00", true, 19508, 83164, -420, true},
      {"2023-05-31T23:06:04 -0700", true, 19508, 83164, -420, true},
      {"0999-05-31 23:06:04 -0700", false, 1, 2, 3, false},
      {"2023-05-31 23:06:04 +1900", false, 1, 2, 3, false},
      {"2023-05-31 23:06:04 -0760", false, 1, 2, 3, false},
      {"2023-04-31 01:02:03 +0000", false, 1, 2, 3, false},
      {"2023-05-31 09:06:04 PM00", false, 1, 2, 3, false},
      {"2023-05-31 23:06:04 -0000", true, 19508, 83164, 0, true},
      {"9999-12-31 00:00:01 +1459", true, 2932896, 1, 899, true},
      {"2023-05-31 23:6:04 -0700", false, 1, 2, 3, false},
      {"2023-05-31 23:06:04 -070a", false, 1, 2, 3, false},
      {"2023-05-31 23:06:04  -0700", true, 19508, 83164, -420, true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    Timestamp t;
    t.day = 1;
    t.seconds = 2;
    t.offset_minutes = 3;
    CHECK(ParseTimestamp(c.text, DateFormat::kAuto, &t) == c.ok);
    CHECK(t.day == c.day);
    CHECK(t.seconds == c.seconds);
    CHECK(t.offset_minutes == c.offset_minutes);
    CHECK(t.has_offset == c.has_offset);
  }
}

}  // namespace rapport
