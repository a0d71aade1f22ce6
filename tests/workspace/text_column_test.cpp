// TextColumn (core/workspace/text_column.h) as the workspace uses it: the std::vector-like names, views that
// stay valid while appends stay within the reserved capacity, rows set after later rows (the overlay) and
// packed back (Compact), reserve/capacity, and the offsets' wrap (BasicTextColumn<8> wraps every 256 bytes,
// where TextColumn wraps at 4 GiB). Each case is checked against a plain list of the same strings.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "core/util/random.h"
#include "core/workspace/text_column.h"

namespace rapport {
namespace {

template <typename Column>
void CheckSame(const Column& c, const std::vector<std::string>& want) {
  REQUIRE(c.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(c[i] == want[i]);
  }
  size_t i = 0;
  for (std::string_view row : c) CHECK(row == want[i++]);
  CHECK(i == want.size());
}

TEST_CASE("TextColumn appends and reads back as a vector of strings did", "[workspace][columns]") {
  TextColumn c;
  std::vector<std::string> want;
  CHECK(c.empty());
  c.emplace_back();
  c.push_back("");
  want.insert(want.end(), 2, "");
  CHECK(c.lazy());
  CHECK(c.back().empty());
  CheckSame(c, want);
  c.push_back(std::string("email:ann@example.com"));
  c.emplace_back("Ann");
  want.push_back("email:ann@example.com");
  want.push_back("Ann");
  CHECK_FALSE(c.lazy());
  CHECK(c.back() == "Ann");
  CheckSame(c, want);
  c.resize(6);  // two empty rows more
  want.resize(6);
  CheckSame(c, want);
  c.resize(3);
  want.resize(3);
  CheckSame(c, want);
  c.clear();
  CHECK(c.empty());
  c.push_back("again");
  CheckSame(c, {"again"});
}

TEST_CASE("TextColumn views stay valid while appends stay within the reserve", "[workspace][columns]") {
  TextColumn c;
  c.push_back("first row");
  c.Reserve(1000, 1000 * 32);  // rows of at most 32 bytes
  CHECK(c.capacity() >= 1000);
  const std::string_view first = c[0];
  const char* const where = first.data();
  for (int i = 0; i < 999; ++i) c.push_back("row " + std::to_string(i) + " of the reserve");
  CHECK(c[0].data() == where);  // not moved
  CHECK(first == "first row");
  // Past the reserve the text may move; the values stay.
  for (int i = 0; i < 2000; ++i) c.push_back("more");
  CHECK(c[0] == "first row");
  CHECK(c[999] == "row 998 of the reserve");
  CHECK(c.size() == 3000);
}

TEST_CASE("TextColumn reserve and capacity count rows, lazy or not", "[workspace][columns]") {
  TextColumn lazy;
  lazy.resize(10);
  lazy.reserve(500);
  CHECK(lazy.lazy());
  CHECK(lazy.capacity() >= 500);
  lazy.push_back("x");  // the hint is taken with the first value
  CHECK(lazy.capacity() >= 500);
  CHECK(lazy[10] == "x");
  CHECK(lazy[9].empty());

  TextColumn stored;
  stored.push_back("abc");
  stored.reserve(64);
  CHECK(stored.capacity() >= 64);
}

TEST_CASE("TextColumn sets rows in place, through the overlay, and packs them back", "[workspace][columns]") {
  TextColumn c;
  std::vector<std::string> want;
  for (int i = 0; i < 50; ++i) {
    want.push_back(i % 3 == 0 ? "" : "name " + std::to_string(i));
    c.push_back(want.back());
  }
  c.Set(49, "last, rewritten in place");  // the last row: no overlay
  want[49] = "last, rewritten in place";
  CHECK(c.overlay_rows() == 0);
  c.Set(3, "filled later");  // an empty row before others
  c.Set(7, "replaced");      // a non-empty one
  want[3] = "filled later";
  want[7] = "replaced";
  CHECK(c.overlay_rows() == 2);
  CheckSame(c, want);
  c.Set(3, "filled twice");
  want[3] = "filled twice";
  CheckSame(c, want);

  TextColumn copy = c;  // a copy and a move carry the overlay
  CheckSame(copy, want);
  TextColumn moved = std::move(copy);
  CheckSame(moved, want);
  CHECK(copy.size() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  CHECK(copy.overlay_rows() == 0);

  c.push_back("appended after a set");
  want.push_back("appended after a set");
  c.Set(50, "the last row, in place");  // also while other rows are in the overlay
  want[50] = "the last row, in place";
  CHECK(c.overlay_rows() == 2);
  CheckSame(c, want);
  c.Compact();
  CHECK(c.overlay_rows() == 0);
  CheckSame(c, want);
  size_t bytes = 0;
  for (const std::string& s : want) bytes += s.size();
  CHECK(c.bytes() == bytes);  // packed: the buffer holds exactly the rows

  c.Set(10, "dropped by the truncate");
  c.Truncate(10);
  want.resize(10);
  CHECK(c.overlay_rows() == 0);
  CheckSame(c, want);
}

TEST_CASE("TextColumn sets rows of a lazy column", "[workspace][columns]") {
  TextColumn c;
  c.resize(5);
  c.Set(2, "phone");
  CHECK_FALSE(c.lazy());
  CheckSame(c, {"", "", "phone", "", ""});
  c.Compact();
  CheckSame(c, {"", "", "phone", "", ""});
  c.Set(4, "");  // the last row, emptied in place
  CheckSame(c, {"", "", "phone", "", ""});
}

TEST_CASE("TextColumn packs an overlay back past its offsets' wrap", "[workspace][columns]") {
  // At 8 bits the offsets wrap every 256 bytes: rows of 0 to 600 bytes, then a set and a compaction.
  BasicTextColumn<8> c;
  std::vector<std::string> want;
  Random random(11);
  auto text = [&](size_t n) {
    std::string s;
    for (size_t k = 0; k < n; ++k) s.push_back(static_cast<char>('a' + random.Below(26)));
    return s;
  };
  for (int i = 0; i < 200; ++i) {
    want.push_back(text(i % 40 == 39 ? 300 + random.Below(300) : random.Below(40)));
    c.push_back(want.back());
  }
  for (int k = 0; k < 20; ++k) {
    const size_t row = random.Below(199);
    want[row] = text(random.Below(500));
    c.Set(row, want[row]);
  }
  CheckSame(c, want);
  c.Compact();
  CHECK(c.overlay_rows() == 0);
  CheckSame(c, want);
  c.push_back("after");
  want.push_back("after");
  CheckSame(c, want);
}

}  // namespace
}  // namespace rapport
