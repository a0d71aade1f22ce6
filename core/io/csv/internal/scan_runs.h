// The scanner behind the CSV reader's fast path for the whitespace-run dialect (the CDNOW files: fields
// separated by any run of spaces and tabs, leading and trailing runs ignored).
//
// RunScanner answers two questions about one buffer: "where is the next byte that is not a space or tab?"
// (the start of a field, or a line end) and "where is the next space, tab, quote, CR or LF?" (the end of a
// field). It is organised as Scanner (scan.h) is: each 64-byte block is classified once into bit masks
// (bit k set = byte k is in the class), then the set bits are walked with count-trailing-zeros, so a field
// costs two bit scans instead of a table lookup per byte. Three implementations give identical masks:
// SSE2 (x86-64), wasm SIMD128 (Emscripten with -msimd128) and a portable word-at-a-time (SWAR) path; the
// last 63 bytes of a buffer go through a scalar loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/io/csv/internal/scan.h"

namespace rapport::csv_internal {

// The two masks of one block: `blank` (space, tab) and `stop` (blank, quote, CR, LF).
struct RunMasks {
  uint64_t blank = 0;
  uint64_t stop = 0;
};

// The portable classifier of 64 bytes at `p` (used when neither SIMD path is compiled; tested directly).
inline RunMasks SwarRunMasks(const char* p, uint64_t quote_word) {
  constexpr uint64_t kSpace = 0x2020202020202020ULL, kTab = 0x0909090909090909ULL;
  constexpr uint64_t kLf = 0x0a0a0a0a0a0a0a0aULL, kCr = 0x0d0d0d0d0d0d0d0dULL;
  RunMasks m;
  for (int k = 0; k < 8; ++k) {
    uint64_t word;
    std::memcpy(&word, p + 8 * k, 8);  // little-endian: byte 0 is the lowest
    const uint64_t blank = SwarEqual(word, kSpace) | SwarEqual(word, kTab);
    const uint64_t stop = blank | SwarEqual(word, quote_word) | SwarEqual(word, kLf) | SwarEqual(word, kCr);
    m.blank |= SwarGather(blank) << (8 * k);
    m.stop |= SwarGather(stop) << (8 * k);
  }
  return m;
}

class RunScanner {
 public:
  // Scans buf[0, n), starting at `start`.
  RunScanner(const char* buf, size_t n, char quote, size_t start) : buf_(buf), n_(n), quote_(quote) {
#if !defined(RAPPORT_CSV_SSE2) && !defined(RAPPORT_CSV_WASM_SIMD)
    quote_word_ = 0x0101010101010101ULL * static_cast<unsigned char>(quote);
#endif
    Load(start);
  }

  // The index of the first byte at or after `from` that is not a space or tab, or n when there is none.
  // REQUIRES (for both calls): `from` is not smaller than the `start` or any earlier `from`.
  inline size_t SkipBlanks(size_t from) { return Find<false>(from); }
  // The index of the first space, tab, quote, CR or LF at or after `from`, or n when there is none.
  inline size_t NextStop(size_t from) { return Find<true>(from); }

 private:
  template <bool kStop>
  inline size_t Find(size_t from) {
    size_t rel = from - block_;
    if (rel >= 64) {
      if (from >= n_) return n_;
      Load(from);
      rel = 0;
    }
    uint64_t bits = (kStop ? masks_.stop : ~masks_.blank) & (~uint64_t{0} << rel);
    while (bits == 0) {
      if (block_ + 64 >= n_) return n_;
      Load(block_ + 64);
      bits = kStop ? masks_.stop : ~masks_.blank;
    }
    const size_t at = block_ + static_cast<size_t>(CountTrailingZeros(bits));
    return at < n_ ? at : n_;  // ~blank has bits past the end of a short last block
  }

  // Classifies [at, at + 64) (or [at, n_) at the end); at < n_ unless the buffer is empty.
  inline void Load(size_t at) {
    block_ = at;
    if (at >= n_) {
      masks_ = RunMasks{};
      return;
    }
    const char* p = buf_ + at;
    if (n_ - at < 64) {
      RunMasks m;
      const size_t count = n_ - at;
      for (size_t k = 0; k < count; ++k) {
        const char c = p[k];
        const bool blank = c == ' ' || c == '\t';
        m.blank |= uint64_t{blank} << k;
        m.stop |= uint64_t{blank || c == quote_ || c == '\n' || c == '\r'} << k;
      }
      masks_ = m;
      return;
    }
#if defined(RAPPORT_CSV_SSE2)
    const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), q = _mm_set1_epi8(quote_);
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    uint64_t blank = 0, stop = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i b = _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab));
      const __m128i s = _mm_or_si128(_mm_or_si128(b, _mm_cmpeq_epi8(v, q)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
      blank |= uint64_t{static_cast<uint32_t>(_mm_movemask_epi8(b)) & 0xffffu} << (16 * k);
      stop |= uint64_t{static_cast<uint32_t>(_mm_movemask_epi8(s)) & 0xffffu} << (16 * k);
    }
    masks_.blank = blank;
    masks_.stop = stop;
#elif defined(RAPPORT_CSV_WASM_SIMD)
    uint64_t blank = 0, stop = 0;
    for (int k = 0; k < 4; ++k) {
      const v128_t v = wasm_v128_load(p + 16 * k);
      const v128_t b = wasm_v128_or(wasm_i8x16_eq(v, space_vec_), wasm_i8x16_eq(v, tab_vec_));
      const v128_t s = wasm_v128_or(wasm_v128_or(b, wasm_i8x16_eq(v, quote_vec_)),
                                    wasm_v128_or(wasm_i8x16_eq(v, lf_vec_), wasm_i8x16_eq(v, cr_vec_)));
      blank |= uint64_t{static_cast<uint32_t>(wasm_i8x16_bitmask(b)) & 0xffffu} << (16 * k);
      stop |= uint64_t{static_cast<uint32_t>(wasm_i8x16_bitmask(s)) & 0xffffu} << (16 * k);
    }
    masks_.blank = blank;
    masks_.stop = stop;
#else
    masks_ = SwarRunMasks(p, quote_word_);
#endif
  }

  const char* buf_;
  size_t n_;
  char quote_;
#if !defined(RAPPORT_CSV_SSE2) && !defined(RAPPORT_CSV_WASM_SIMD)
  uint64_t quote_word_ = 0;
#endif
#if defined(RAPPORT_CSV_WASM_SIMD)
  // Splatted once, as in Scanner (V8 runs a splat inside the loop much slower than these loads).
  v128_t space_vec_ = wasm_i8x16_splat(' ');
  v128_t tab_vec_ = wasm_i8x16_splat('\t');
  v128_t quote_vec_ = wasm_i8x16_splat(quote_);
  v128_t lf_vec_ = wasm_i8x16_splat('\n');
  v128_t cr_vec_ = wasm_i8x16_splat('\r');
#endif
  size_t block_ = 0;  // masks_ cover [block_, block_ + 64)
  RunMasks masks_;
};

}  // namespace rapport::csv_internal
