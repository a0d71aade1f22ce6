// The structural-character scanner behind the CSV reader's fast path.
//
// Scanner answers "where is the next delimiter, quote, CR or LF at or after position i?" for one buffer.
// It classifies 64 bytes at a time into a bit mask (bit k set = byte k is structural), then walks the set
// bits, so ordinary bytes cost a fraction of a cycle each and a field costs one count-trailing-zeros.
// Three implementations give identical masks: SSE2 (x86-64), wasm SIMD128 (Emscripten with -msimd128) and
// a portable word-at-a-time (SWAR) path; the last 63 bytes of a buffer always go through a scalar loop.
// The masks can also be computed ahead, by another thread (StructuralMasks: ParseAhead's caller, as it queues a
// chunk), and handed to the Scanner, which then reads them instead of classifying the bytes itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#define RAPPORT_CSV_SSE2 1
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define RAPPORT_CSV_WASM_SIMD 1
#endif

namespace rapport::csv_internal {

inline int CountTrailingZeros(uint64_t x) { return __builtin_ctzll(x); }

// 0x80 in every byte of `word` equal to the byte repeated in `pattern`, 0 elsewhere (exact, no carries
// between bytes: the classic "has zero byte" test without the false positives).
inline uint64_t SwarEqual(uint64_t word, uint64_t pattern) {
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  const uint64_t t = word ^ pattern;
  return ~(((t & kLow7) + kLow7) | t | kLow7);
}

// Gathers the top bit of each byte of `flags` (0x80 or 0) into the low 8 bits, byte 0 -> bit 0.
inline uint64_t SwarGather(uint64_t flags) {
  return (((flags >> 7) * 0x0102040810204080ULL) >> 56) & 0xff;
}

class Scanner {
 public:
  // Scans buf[0, n) for `delimiter`, `quote`, '\n' and '\r', starting at `start`. `masks`, when given, are
  // StructuralMasks(buf, n, delimiter, quote): the same answers, read instead of computed.
  Scanner(const char* buf, size_t n, char delimiter, char quote, size_t start, const uint64_t* masks = nullptr)
      : buf_(buf), n_(n), delimiter_(delimiter), quote_(quote), masks_(masks) {
    for (int i = 0; i < 256; ++i) special_[i] = 0;
    special_[static_cast<unsigned char>(delimiter)] = 1;
    special_[static_cast<unsigned char>(quote)] = 1;
    special_[static_cast<unsigned char>('\n')] = 1;
    special_[static_cast<unsigned char>('\r')] = 1;
#if !defined(RAPPORT_CSV_SSE2) && !defined(RAPPORT_CSV_WASM_SIMD)
    delimiter_word_ = Broadcast(delimiter);
    quote_word_ = Broadcast(quote);
#endif
    block_ = start;
    bits_ = start < n ? Mask(start) : 0;
  }

  // The index of the first structural byte at or after `from`, or n when there is none. REQUIRES: `from`
  // is not smaller than the `start` or any earlier `from`.
  //
  // The usual call asks for the byte after the last one found (a field after its delimiter): that one is the
  // lowest bit of the mask, which is then cleared (one instruction) instead of every bit below `from` (a
  // subtraction and a variable shift that the next search waits for), so walking a record's fields is a
  // short chain. Both give the same answer.
  inline size_t Next(size_t from) {
    if (from == last_ + 1 && bits_ != 0) {
      bits_ &= bits_ - 1;
    } else {
      const size_t rel = from - block_;
      if (rel >= 64) {
        if (from >= n_) return n_;
        block_ = from;
        bits_ = Mask(from);
      } else {
        bits_ &= ~uint64_t{0} << rel;
      }
    }
    while (bits_ == 0) {
      block_ += 64;
      if (block_ >= n_) {
        block_ = n_;
        last_ = n_;
        return n_;
      }
      bits_ = Mask(block_);
    }
    last_ = block_ + CountTrailingZeros(bits_);
    return last_;
  }

  // The structural bytes of buf[0, n), 64 at a time, for a Scanner of the same buffer and dialect: bit k of
  // out[j] is set when buf[64 j + k] is the delimiter, the quote, '\n' or '\r'. Writes MaskWords(n) words
  // (the last one's bits past n clear).
  static size_t MaskWords(size_t n) { return (n + 63) / 64; }
  static void StructuralMasks(const char* buf, size_t n, char delimiter, char quote, uint64_t* out) {
    const Scanner scanner(buf, n, delimiter, quote, n);
    for (size_t j = 0, at = 0; at < n; ++j, at += 64) out[j] = scanner.Mask(at);
  }

 private:
  static uint64_t Broadcast(char c) { return 0x0101010101010101ULL * static_cast<unsigned char>(c); }

  // Bit k set when buf_[at + k] is structural (k < 64, at + k < n_).
  inline uint64_t Mask(size_t at) const {
    if (masks_ != nullptr) {  // computed ahead: bytes [at, at + 64) straddle words j and j + 1
      const size_t j = at >> 6, r = at & 63;
      uint64_t bits = masks_[j] >> r;
      if (r != 0 && (j + 1) * 64 < n_) bits |= masks_[j + 1] << (64 - r);
      return bits;
    }
    const char* p = buf_ + at;
    if (n_ - at < 64) {
      uint64_t bits = 0;
      const size_t count = n_ - at;
      for (size_t k = 0; k < count; ++k) bits |= uint64_t{special_[static_cast<unsigned char>(p[k])]} << k;
      return bits;
    }
#if defined(RAPPORT_CSV_SSE2)
    const __m128i d = _mm_set1_epi8(delimiter_), q = _mm_set1_epi8(quote_);
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    uint64_t bits = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, q)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
      bits |= uint64_t{static_cast<uint32_t>(_mm_movemask_epi8(hit)) & 0xffffu} << (16 * k);
    }
    return bits;
#elif defined(RAPPORT_CSV_WASM_SIMD)
    const v128_t d = delimiter_vec_, q = quote_vec_, lf = lf_vec_, cr = cr_vec_;
    uint64_t bits = 0;
    for (int k = 0; k < 4; ++k) {
      const v128_t v = wasm_v128_load(p + 16 * k);
      const v128_t hit = wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(v, d), wasm_i8x16_eq(v, q)),
                                      wasm_v128_or(wasm_i8x16_eq(v, lf), wasm_i8x16_eq(v, cr)));
      bits |= uint64_t{static_cast<uint32_t>(wasm_i8x16_bitmask(hit)) & 0xffffu} << (16 * k);
    }
    return bits;
#else
    constexpr uint64_t kLf = 0x0a0a0a0a0a0a0a0aULL, kCr = 0x0d0d0d0d0d0d0d0dULL;
    uint64_t bits = 0;
    for (int k = 0; k < 8; ++k) {
      uint64_t word;
      std::memcpy(&word, p + 8 * k, 8);  // little-endian: byte 0 is the lowest
      const uint64_t flags = SwarEqual(word, delimiter_word_) | SwarEqual(word, quote_word_) |
                             SwarEqual(word, kLf) | SwarEqual(word, kCr);
      bits |= SwarGather(flags) << (8 * k);
    }
    return bits;
#endif
  }

  const char* buf_;
  size_t n_;
  [[maybe_unused]] char delimiter_;  // used by the SIMD paths
  [[maybe_unused]] char quote_;
  const uint64_t* masks_;  // StructuralMasks of the buffer, or null
#if !defined(RAPPORT_CSV_SSE2) && !defined(RAPPORT_CSV_WASM_SIMD)
  uint64_t delimiter_word_ = 0;
  uint64_t quote_word_ = 0;
#endif
#if defined(RAPPORT_CSV_WASM_SIMD)
  // Splatted once: V8 runs a splat inside Mask() about ten times slower than these loads (measured).
  v128_t delimiter_vec_ = wasm_i8x16_splat(delimiter_);
  v128_t quote_vec_ = wasm_i8x16_splat(quote_);
  v128_t lf_vec_ = wasm_i8x16_splat('\n');
  v128_t cr_vec_ = wasm_i8x16_splat('\r');
#endif
  size_t block_ = 0;  // the mask below covers [block_, block_ + 64)
  uint64_t bits_ = 0;  // its structural bytes at or after the last one found (that one the lowest bit)
  size_t last_ = n_;   // the last index found, while its bit is the lowest of bits_ (n_: none; from <= n_)
  uint8_t special_[256];
};

}  // namespace rapport::csv_internal
