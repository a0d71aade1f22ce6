// Small text helpers used on the hot path of every importer: none allocates unless it returns a string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rapport {

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// Without the spaces, tabs, CRs and LFs at either end. Inline: an importer trims nearly every field, and most
// have nothing to trim (two compares).
inline std::string_view TrimAscii(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsAsciiSpace(s[b])) ++b;
  while (e > b && IsAsciiSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}
// ASCII case-insensitive equality. The size check inline: on the importers' hot path most compares differ in
// size ("paid" against "voided").
bool EqualsIgnoreCaseSameSize(std::string_view a, std::string_view b);
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && EqualsIgnoreCaseSameSize(a, b);
}
std::string ToLowerAscii(std::string_view s);
// Removes the leading apostrophe spreadsheets and Shopify add to keep zips, phones and ids as text ('53122).
inline std::string_view StripExcelGuard(std::string_view s) {
  s = TrimAscii(s);
  if (!s.empty() && s[0] == '\'') s.remove_prefix(1);
  return s;
}

// Normalised identities (DESIGN §2). Empty when the input holds none.
//   email: trimmed, lower-cased; must contain one '@' with text on both sides.
//   phone: digits only, with a leading '+' kept when written (national numbers stay national: the exports
//          do not say which country they are in, so no country code is invented); fewer than 6 digits -> empty.
std::string NormalizeEmail(std::string_view raw);
std::string NormalizePhone(std::string_view raw);
// The same, written into *out (cleared first) so a caller can reuse one buffer per column: no allocation
// once the buffer has grown. Used on the importers' hot path.
void NormalizeEmailTo(std::string_view raw, std::string* out);
void NormalizePhoneTo(std::string_view raw, std::string* out);

// Money to integer minor units. Accepts an optional sign, currency symbols ($ £ € ¥ ৳ and letters such as
// "USD"), thousands separators, and `decimal_separator` ('.' or ','). More than two decimals round half
// away from zero (Magento writes 4). Empty text -> false with *cents = 0.
bool ParseMoneyCents(std::string_view text, int64_t* cents, char decimal_separator = '.');
// Base-10 integer, optional sign, surrounding spaces allowed.
bool ParseInt64(std::string_view text, int64_t* out);
// A decimal number (fast_float; identical natively and in wasm).
bool ParseDouble(std::string_view text, double* out);

// FNV-1a 64-bit, one byte at a time (seeds, short keys). Import records of schema version 1 hold it as their file
// fingerprint (kind "fnv1a64").
uint64_t Fnv1a64(std::string_view bytes, uint64_t seed = 1469598103934665603ULL);

// The file fingerprint of an import (kind "wh64", since schema version 2): 8 bytes at a time, fed in pieces of
// any size (the result does not depend on where the pieces split), little-endian words, so the native and the
// wasm engine agree. Not for security: it tells a user whether two imports read the same bytes.
//
//   FileFingerprint f; f.Update(chunk1); f.Update(chunk2); uint64_t h = f.Final();
class FileFingerprint {
 public:
  static constexpr const char* kKind = "wh64";
  void Update(std::string_view bytes);
  // Update(bytes) while copying them to `out` (bytes.size() writable bytes, not overlapping), in one pass: the
  // hash is a chain of multiplications whose latency, not the memory, bounds it, so the copy rides along for
  // almost nothing (ParseAhead copies each chunk it queues this way). Also tells whether every byte is ASCII
  // (< 0x80) and, if so, adds its '\n' bytes to *newlines: what ParseSession's UTF-8 check would find, for the
  // same pass (ParseAhead's caller hands it over with the chunk). False (and *newlines as it was) when a byte is
  // not ASCII; the hash and the copy are made either way.
  bool UpdateCopyAscii(std::string_view bytes, char* out, uint64_t* newlines);
  // The same without the copy: Update(bytes), and whether every byte is ASCII (adding its '\n' bytes to
  // *newlines), in one pass (ParseAhead's parse thread, when it hashes a chunk itself).
  bool UpdateAscii(std::string_view bytes, uint64_t* newlines);
  uint64_t Final() const;

 private:
  template <bool kCopy>
  bool HashAscii(std::string_view bytes, char* out, uint64_t* newlines);

  uint64_t h_ = 0x9e3779b97f4a7c15ULL;
  uint64_t length_ = 0;
  unsigned char tail_[8] = {};
  size_t tail_size_ = 0;  // bytes in tail_ not yet mixed in (< 8)
};

}  // namespace rapport
