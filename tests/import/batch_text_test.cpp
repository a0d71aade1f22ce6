// BatchText (core/import/batch_text.h), the batch's text column with 32-bit offsets: what is appended reads
// back, through every way of writing a row, and past the offsets' wrap (BasicBatchText<8> wraps at 256 bytes,
// where BatchText wraps at 4 GiB); RunText (runs of equal rows) in and out of row order. Each case is checked
// against a plain list of the same strings.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "core/import/batch_text.h"
#include "core/util/random.h"

namespace rapport {
namespace {

template <typename Column>
void CheckSame(const Column& c, const std::vector<std::string>& want) {
  REQUIRE(c.size() == want.size());
  size_t bytes = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(std::string(c[i]) == want[i]);
    bytes += want[i].size();
  }
  if (!std::is_same<Column, RunText>::value) CHECK(c.bytes() == bytes);  // RunText holds a run's text once
}

TEST_CASE("BatchText reads back rows appended, written in place, empty and lazy", "[import][batch]") {
  BatchText c;
  std::vector<std::string> want;
  c.Append("");
  c.AppendEmpty(2);
  want.insert(want.end(), 3, "");
  CHECK(c.lazy());
  CheckSame(c, want);
  c.Append("milk");
  want.push_back("milk");
  CHECK_FALSE(c.lazy());
  char* out = c.BeginAppend(32);
  std::memcpy(out, "tropical fruit", 14);
  c.EndAppend(14);
  want.push_back("tropical fruit");
  c.AppendEmpty(2);
  want.insert(want.end(), 2, "");
  for (size_t n = 0; n <= 100; ++n) {  // every length CopyShort has a branch for
    std::string s;
    for (size_t k = 0; k < n; ++k) s.push_back(static_cast<char>('a' + (n + k) % 26));
    c.Append(s);
    want.push_back(s);
  }
  CheckSame(c, want);
  c.MutableRow(3)[0] = 'M';
  want[3][0] = 'M';
  CheckSame(c, want);

  BatchText copy = c;
  CheckSame(copy, want);
  c.Truncate(5);
  want.resize(5);
  CheckSame(c, want);
  c.Append("x");
  want.push_back("x");
  CheckSame(c, want);
  BatchText moved = std::move(c);
  CheckSame(moved, want);
  CHECK(c.size() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  moved.Clear();
  CHECK(moved.size() == 0);
  moved.Append("again");
  CheckSame(moved, {"again"});

  BatchText lazy;  // a reserve is only remembered while lazy
  lazy.AppendEmpty(4);
  lazy.Reserve(100, 1000);
  CHECK(lazy.lazy());
  lazy.Truncate(2);
  lazy.Append("y");
  CheckSame(lazy, {"", "", "y"});
}

TEST_CASE("BatchText widens rows in place", "[import][batch]") {
  BatchText c;
  std::vector<std::string> want;
  for (int i = 0; i < 40; ++i) {
    want.push_back(i % 7 == 3 ? "" : "key" + std::to_string(i) + ":0");
    c.Append(want.back());
  }
  // Rows from 5 on that end in ":0" and whose number is even get two more digits ("42").
  const auto extra = [&](size_t i) { return i % 2 == 0 && !want[i].empty() ? size_t{2} : size_t{0}; };
  c.Widen(5, extra);
  for (size_t i = 5; i < want.size(); ++i) {
    if (extra(i) == 0) continue;
    char* end = c.MutableRow(i) + c[i].size();
    end[-3] = '4';
    end[-2] = '2';
    end[-1] = '!';
    want[i].back() = '4';
    want[i] += "2!";
  }
  CheckSame(c, want);
}

TEST_CASE("BatchText reads back rows past its offsets' wrap", "[import][batch]") {
  // At 8 bits the offsets wrap every 256 bytes: rows of 0 to 600 bytes cross none, one or several wraps.
  BasicBatchText<8> c;
  std::vector<std::string> want;
  Random random(7);
  for (int i = 0; i < 300; ++i) {
    const size_t n = i % 50 == 49 ? 300 + random.Below(300) : random.Below(40);
    std::string s;
    for (size_t k = 0; k < n; ++k) s.push_back(static_cast<char>('a' + random.Below(26)));
    if (i % 3 == 0) {
      c.Append(s);
    } else {
      char* out = c.BeginAppend(n + 5);
      std::memcpy(out, s.data(), n);
      c.EndAppend(n);
    }
    want.push_back(s);
    if (i % 10 == 0) {
      c.AppendEmpty(1);
      want.push_back("");
    }
  }
  CheckSame(c, want);
  BasicBatchText<8> copy = c;
  CheckSame(copy, want);

  // Widening moves rows across wraps; truncating drops the wraps past the end.
  const auto extra = [&](size_t i) { return i % 3 == 1 ? size_t{1} + i % 5 : size_t{0}; };
  c.Widen(17, extra);
  for (size_t i = 17; i < want.size(); ++i) {
    if (extra(i) == 0) continue;
    char* row = c.MutableRow(i);
    const size_t old = want[i].size();
    for (size_t k = 0; k < extra(i); ++k) row[old + k] = '#';
    want[i].append(extra(i), '#');
  }
  CheckSame(c, want);
  for (size_t rows : {size_t{250}, size_t{120}, size_t{3}}) {
    c.Truncate(rows);
    want.resize(rows);
    CheckSame(c, want);
    c.Append(std::string(270, 'z'));
    want.push_back(std::string(270, 'z'));
    CheckSame(c, want);
  }
}

TEST_CASE("RunText reads back runs of equal rows in any order", "[import][batch]") {
  RunText c;
  CHECK(c.size() == 0);
  CHECK(c.lazy());
  std::vector<std::string> want;
  const auto add = [&](const std::string& s, int times) {
    for (int k = 0; k < times; ++k) {
      c.Append(s);
      want.push_back(s);
    }
  };
  add("", 2);
  CHECK(c.lazy());
  add("USD", 5);
  add("EUR", 1);
  add("USD", 3);
  c.AppendEmpty(2);
  want.insert(want.end(), 2, "");
  add("", 1);
  add("GBP", 4);
  CHECK_FALSE(c.lazy());
  CheckSame(c, want);                                         // in row order
  CHECK(c.bytes() == 12);                                      // each run's value once
  for (size_t i = want.size(); i-- > 0;) CHECK(c[i] == want[i]);  // backwards
  Random random(3);
  for (int k = 0; k < 200; ++k) {
    const size_t i = random.Below(want.size());
    CHECK(c[i] == want[i]);
  }
  const RunText copy = c;
  CHECK(copy[9] == "USD");
  for (size_t rows : {size_t{17}, size_t{12}, size_t{8}, size_t{7}, size_t{1}}) {
    CAPTURE(rows);
    c.Truncate(rows);
    want.resize(rows);
    CHECK(c.size() == rows);
    for (size_t i = 0; i < rows; ++i) CHECK(c[i] == want[i]);
    c.Append("CHF");
    want.push_back("CHF");
    CHECK(c[rows] == "CHF");
    CHECK(c[0] == "");
  }
  c.Clear();
  CHECK(c.size() == 0);
  CHECK(c.lazy());
  c.Append("JPY");
  CHECK(c[0] == "JPY");
}

}  // namespace
}  // namespace rapport
