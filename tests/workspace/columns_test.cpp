// BatchText's copy of short strings (CopyShort: 8- and 4-byte words with an overlapping last word): every
// length around the word sizes is read back byte for byte, also from unaligned sources.
#include <catch2/catch.hpp>

#include <string>

#include "core/import/batch_text.h"

namespace rapport {
namespace {

TEST_CASE("BatchText reads back strings of every length from 0 to 100 bytes", "[workspace][columns]") {
  std::string source;
  for (int i = 0; i < 300; ++i) source.push_back(static_cast<char>('!' + (i * 7) % 90));
  BatchText c;
  size_t expected_bytes = 0;
  for (size_t offset = 0; offset < 3; ++offset) {  // unaligned sources too
    for (size_t n = 0; n <= 100; ++n) {
      c.Append(std::string_view(source).substr(offset + n, n));
      expected_bytes += n;
    }
  }
  REQUIRE(c.size() == 303);
  CHECK(c.bytes() == expected_bytes);
  size_t row = 0;
  for (size_t offset = 0; offset < 3; ++offset) {
    for (size_t n = 0; n <= 100; ++n, ++row) {
      INFO("offset " << offset << ", length " << n);
      CHECK(c[row] == std::string_view(source).substr(offset + n, n));
    }
  }
}

TEST_CASE("CopyShort writes exactly n bytes", "[workspace][columns]") {
  const std::string src = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop";
  for (size_t n = 0; n <= 70; ++n) {
    std::string dst(n + 8, '.');
    CopyShort(&dst[0], src.data(), n);
    INFO("length " << n);
    CHECK(dst.substr(0, n) == src.substr(0, n));
    CHECK(dst.substr(n) == std::string(8, '.'));  // nothing past the end
  }
}

}  // namespace
}  // namespace rapport
