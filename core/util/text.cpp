#include "core/util/text.h"

#include "core/util/hash.h"

#include <fast_float/fast_float.h>

#include <algorithm>
#include <cstring>

namespace rapport {

bool EqualsIgnoreCaseSameSize(std::string_view a, std::string_view b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

void NormalizeEmailTo(std::string_view raw, std::string* out) {
  const std::string_view s = StripExcelGuard(raw);
  // One pass: lower-cased into *out while the '@'s are counted and a space, ',' or ';' rejects the address.
  out->resize(s.size());
  char* d = out->empty() ? nullptr : &(*out)[0];
  size_t ats = 0, at = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ' || c == ',' || c == ';') ats = 2;  // rejected
    if (c == '@') ++ats, at = i;
    d[i] = AsciiLower(c);
  }
  if (ats != 1 || at == 0 || at + 1 >= s.size()) out->clear();
}

void NormalizePhoneTo(std::string_view raw, std::string* out) {
  const std::string_view s = StripExcelGuard(raw);
  // One pass: the digits written after a slot for the '+', which is kept when it comes before any digit.
  out->resize(s.size() + 1);
  char* d = &(*out)[0];
  bool plus = false;
  size_t digits = 0;
  for (char c : s) {
    if (c == '+' && digits == 0) plus = true;
    if (c >= '0' && c <= '9') d[1 + digits++] = c;
  }
  if (digits < 6) {
    out->clear();
    return;
  }
  if (plus) {
    d[0] = '+';
    out->resize(digits + 1);
  } else {
    out->erase(0, 1);
    out->resize(digits);
  }
}

std::string NormalizeEmail(std::string_view raw) {
  std::string out;
  NormalizeEmailTo(raw, &out);
  return out;
}

std::string NormalizePhone(std::string_view raw) {
  std::string out;
  NormalizePhoneTo(raw, &out);
  return out;
}

bool ParseMoneyCents(std::string_view text, int64_t* cents, char decimal_separator) {
  *cents = 0;
  std::string_view s = StripExcelGuard(text);
  if (s.empty()) return false;
  // Most amounts are plain digits with one or two decimals ("125.40", "0.00", "12"): read those at once. Up to
  // 14 whole digits (as the general path, which refuses a 15th past 92233720368547); anything else takes the
  // general path below.
  {
    size_t i = 0;
    int64_t whole = 0;
    while (i < s.size() && i < 14 && static_cast<unsigned>(s[i] - '0') < 10) whole = whole * 10 + (s[i++] - '0');
    if (i > 0) {
      if (i == s.size()) {
        *cents = whole * 100;
        return true;
      }
      if (s[i] == decimal_separator && s.size() - i - 1 <= 2 && s.size() - i - 1 >= 1) {
        const unsigned d1 = static_cast<unsigned>(s[i + 1] - '0');
        const unsigned d2 = s.size() - i - 1 == 2 ? static_cast<unsigned>(s[i + 2] - '0') : 0;
        if (d1 < 10 && d2 < 10) {
          *cents = whole * 100 + d1 * 10 + d2;
          return true;
        }
      }
    }
  }
  bool negative = false, seen_digit = false, in_fraction = false, paren = false;
  int64_t whole = 0, frac = 0;
  int frac_digits = 0, round_digit = -1;
  // Digits since the last thousands separator; -1 when none was written. A group must have exactly
  // three digits ("1,234.50"), so "12,50" with '.' decimals or "12,3x" is not an amount.
  int group_digits = -1;
  const char thousands = decimal_separator == '.' ? ',' : '.';
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (in_fraction) {
        if (frac_digits < 2) {
          frac = frac * 10 + (c - '0');
          ++frac_digits;
        } else if (round_digit < 0) {
          round_digit = c - '0';
        }
      } else {
        if (group_digits >= 0 && ++group_digits > 3) return false;
        if (whole > 92233720368547LL) return false;  // would overflow int64 cents
        whole = whole * 10 + (c - '0');
      }
    } else if (c == decimal_separator) {
      if (in_fraction || (group_digits >= 0 && group_digits != 3)) return false;
      in_fraction = true;
    } else if (c == thousands) {
      if (in_fraction || !seen_digit || (group_digits >= 0 && group_digits != 3)) return false;
      group_digits = 0;
    } else if (c == ' ' || c == '\'') {
      if (in_fraction) return false;
    } else if (c == '-') {
      if (seen_digit || negative) return false;
      negative = true;
    } else if (c == '+') {
      if (seen_digit) return false;
    } else if (c == '(' && !seen_digit) {
      paren = true;  // accounting negative (12.00)
    } else if (c == ')' && paren) {
      negative = true;
    } else if (static_cast<unsigned char>(c) >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '$') {
      // currency symbols (UTF-8 bytes) and codes, before or after the number
      if (seen_digit && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') return false;
    } else {
      return false;
    }
  }
  if (!seen_digit) return false;
  if (!in_fraction && group_digits >= 0 && group_digits != 3) return false;
  while (frac_digits < 2) {
    frac *= 10;
    ++frac_digits;
  }
  int64_t v = whole * 100 + frac;
  if (round_digit >= 5) ++v;
  *cents = negative ? -v : v;
  return true;
}

bool ParseInt64(std::string_view text, int64_t* out) {
  std::string_view s = StripExcelGuard(text);
  if (s.empty()) return false;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i >= s.size()) return false;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    if (v > (INT64_MAX - 9) / 10) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = neg ? -v : v;
  return true;
}

bool ParseDouble(std::string_view text, double* out) {
  std::string_view s = TrimAscii(text);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = fast_float::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

uint64_t Fnv1a64(std::string_view bytes, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

namespace {

constexpr uint64_t kWordMul = 0xff51afd7ed558ccdULL;

inline uint64_t LoadLe64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];  // compiles to one load on little-endian targets
  return v;
}

inline uint64_t MixWord(uint64_t h, uint64_t w) {
  h ^= w * 0x87c37b91114253d5ULL;
  h = (h << 27) | (h >> 37);
  return h * kWordMul + 0x52dce729;
}

}  // namespace

void FileFingerprint::Update(std::string_view bytes) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  if (n == 0) return;  // an empty view may have a null data pointer, which memcpy must not see
  length_ += n;
  if (tail_size_ > 0) {
    const size_t take = std::min(n, 8 - tail_size_);
    std::memcpy(tail_ + tail_size_, p, take);
    tail_size_ += take;
    p += take;
    n -= take;
    if (tail_size_ < 8) return;
    h_ = MixWord(h_, LoadLe64(tail_));
    tail_size_ = 0;
  }
  uint64_t h = h_;
  for (; n >= 8; p += 8, n -= 8) h = MixWord(h, LoadLe64(p));
  h_ = h;
  std::memcpy(tail_, p, n);
  tail_size_ = n;
}

bool FileFingerprint::UpdateCopyAscii(std::string_view bytes, char* out, uint64_t* newlines) {
  return HashAscii<true>(bytes, out, newlines);
}

bool FileFingerprint::UpdateAscii(std::string_view bytes, uint64_t* newlines) {
  return HashAscii<false>(bytes, nullptr, newlines);
}

// UpdateCopyAscii (kCopy) and UpdateAscii (`out` unused).
template <bool kCopy>
bool FileFingerprint::HashAscii(std::string_view bytes, char* out, uint64_t* newlines) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  if (n == 0) return true;
  // The bytes that complete a tail left by the last call go the usual way; then whole words, each copied as it
  // is mixed in; the last 0-7 bytes become the tail.
  const size_t head = tail_size_ > 0 ? std::min(n, 8 - tail_size_) : 0;
  uint64_t high = 0, lines = 0;
  for (size_t i = 0; i < head; ++i) {
    high |= p[i];
    lines += p[i] == '\n';
  }
  if (head > 0) {
    if constexpr (kCopy) {
      std::memcpy(out, p, head);
      out += head;
    }
    Update(std::string_view(bytes.data(), head));
    p += head;
    n -= head;
  }
  if (n == 0) {  // all of it went to complete the tail
    if (high & 0x80) return false;
    *newlines += lines;
    return true;
  }
  length_ += n;
  uint64_t h = h_;
  // The '\n' bytes of each word by the exact zero-byte test; summed per byte lane (at most 8 a word, so a lane
  // holds 31 words' worth before it could pass 255) and folded every 31 words.
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  uint64_t lanes = 0;
  int words = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    if constexpr (kCopy) {
      std::memcpy(out, &w, 8);
      out += 8;
    }
    h = MixWord(h, LoadLe64(p));
    high |= w;
    const uint64_t x = w ^ 0x0A0A0A0A0A0A0A0AULL;
    lanes += (~(((x & kLow7) + kLow7) | x | kLow7)) >> 7;  // 1 in each byte that was '\n'
    if (++words == 31) {
      lines += (lanes * 0x0101010101010101ULL) >> 56;
      lanes = 0;
      words = 0;
    }
  }
  lines += (lanes * 0x0101010101010101ULL) >> 56;
  h_ = h;
  for (size_t i = 0; i < n; ++i) {
    high |= p[i];
    lines += p[i] == '\n';
  }
  if constexpr (kCopy) std::memcpy(out, p, n);
  std::memcpy(tail_, p, n);
  tail_size_ = n;
  if (high & 0x8080808080808080ULL) return false;
  *newlines += lines;
  return true;
}

uint64_t FileFingerprint::Final() const {
  unsigned char last[8] = {};
  std::memcpy(last, tail_, tail_size_);
  // MurmurHash3's 64-bit finaliser (Mix64): every input bit reaches every output bit.
  return Mix64(MixWord(h_, LoadLe64(last)) ^ length_);
}

}  // namespace rapport
