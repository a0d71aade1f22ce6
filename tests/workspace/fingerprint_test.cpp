// FileFingerprint (core/util/text.h): the import's file fingerprint, kind "wh64" since schema version 2.
#include <string>

#include <catch2/catch.hpp>

#include "core/util/text.h"

namespace rapport {
namespace {

uint64_t Whole(std::string_view bytes) {
  FileFingerprint f;
  f.Update(bytes);
  return f.Final();
}

std::string Sample(size_t n) {
  std::string s(n, '\0');
  uint64_t x = 88172645463325252ULL;
  for (char& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

TEST_CASE("fingerprint: the same bytes give the same value however they are split", "[workspace][fingerprint]") {
  const std::string bytes = Sample(97);
  const uint64_t whole = Whole(bytes);
  for (size_t a = 0; a <= bytes.size(); ++a) {
    for (size_t b = a; b <= bytes.size(); b += 5) {
      FileFingerprint f;
      f.Update(std::string_view(bytes).substr(0, a));
      f.Update(std::string_view(bytes).substr(a, b - a));
      f.Update(std::string_view());
      f.Update(std::string_view(bytes).substr(b));
      INFO("split at " << a << " and " << b);
      REQUIRE(f.Final() == whole);
    }
  }
  FileFingerprint one_by_one;
  for (char c : bytes) one_by_one.Update(std::string_view(&c, 1));
  CHECK(one_by_one.Final() == whole);
}

TEST_CASE("fingerprint: UpdateCopyAscii hashes as Update does and copies every byte, ASCII or not", "[workspace][fingerprint]") {
  const std::string bytes = Sample(97);
  const uint64_t whole = Whole(bytes);
  for (size_t a = 0; a <= bytes.size(); ++a) {
    for (size_t b = a; b <= bytes.size(); b += 3) {
      // Pieces copied back to back, the middle one (which may leave or complete a tail) with Update or
      // UpdateCopyAscii (Sample's bytes are not all ASCII: the hash and the copy are made either way).
      FileFingerprint f;
      std::string copy(bytes.size(), '\0');
      uint64_t newlines = 0;
      f.UpdateCopyAscii(std::string_view(bytes).substr(0, a), &copy[0], &newlines);
      f.UpdateCopyAscii(std::string_view(bytes).substr(a, b - a), &copy[a], &newlines);
      f.UpdateCopyAscii(std::string_view(), &copy[0], &newlines);
      f.UpdateCopyAscii(std::string_view(bytes).substr(b), &copy[b], &newlines);
      INFO("split at " << a << " and " << b);
      REQUIRE(f.Final() == whole);
      REQUIRE(copy == bytes);
      FileFingerprint mixed;
      mixed.Update(std::string_view(bytes).substr(0, a));
      mixed.UpdateCopyAscii(std::string_view(bytes).substr(a, b - a), &copy[a], &newlines);
      mixed.Update(std::string_view(bytes).substr(b));
      REQUIRE(mixed.Final() == whole);
    }
  }
}

TEST_CASE("fingerprint: different bytes give different values", "[workspace][fingerprint]") {
  // Lengths that differ only in trailing zero bytes, and every single-bit change of a short file.
  CHECK(Whole(std::string()) != Whole(std::string(1, '\0')));
  CHECK(Whole(std::string(7, '\0')) != Whole(std::string(8, '\0')));
  CHECK(Whole(std::string(8, '\0')) != Whole(std::string(16, '\0')));
  const std::string bytes = Sample(40);
  const uint64_t base = Whole(bytes);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string changed = bytes;
      changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
      INFO("byte " << i << " bit " << bit);
      REQUIRE(Whole(changed) != base);
    }
  }
  // Two words swapped.
  CHECK(Whole("AAAAAAAABBBBBBBB") != Whole("BBBBBBBBAAAAAAAA"));
}

TEST_CASE("fingerprint: values are pinned (stored fingerprints are compared across versions)", "[workspace][fingerprint]") {
  // Changing the hash would make the same file look different from a stored import of it: that needs a new kind.
  CHECK(std::string(FileFingerprint::kKind) == "wh64");
  CHECK(Whole("") == 0xc6de350e4d052d97ULL);
  CHECK(Whole("Name,Email\n#1001,a@example.com\n") == 0xb0a6652f7aa4e8b3ULL);
  CHECK(Whole(Sample(1000)) == 0x1694ae31d5b57c41ULL);
  // The kind of schema version 1's records. Its default seed is Rapport's own (one digit shorter than the
  // published FNV offset basis, 14695981039346656037): the stored values depend on it, so it stays.
  CHECK(Fnv1a64("") == 1469598103934665603ULL);
  CHECK(Fnv1a64("a") == 0x44bd8ad473cd9906ULL);
}

}  // namespace
}  // namespace rapport
