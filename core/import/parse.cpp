#include "core/import/parse.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#include "core/import/header.h"
#include "core/io/csv/reader.h"
#include "core/util/text.h"

namespace rapport {

namespace {

// Windows-1252 code points for 0x80..0x9F (0 = undefined, written as U+FFFD); other bytes are Latin-1.
constexpr uint16_t kCp1252[32] = {0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
                                  0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
                                  0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Number of '\n' bytes in an 8-byte word (exact zero-byte test on w ^ '\n' repeated).
inline int CountNewlines(uint64_t w) {
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  const uint64_t x = w ^ 0x0A0A0A0A0A0A0A0AULL;
  const uint64_t t = ~(((x & kLow7) + kLow7) | x | kLow7);  // 0x80 in each byte that was '\n'
  return static_cast<int>(((t >> 7) * 0x0101010101010101ULL) >> 56);
}

// The length of the run of ASCII bytes p[0, k) that starts the input, in whole 64-byte blocks (k is a multiple
// of 64, possibly 0: the caller's word-at-a-time loop takes the rest), with the '\n' bytes in it added to
// *newlines. SSE2 or wasm SIMD128, else nothing (k = 0); the same answers as the word loop, 3-4x faster.
inline size_t AsciiBlocks(const unsigned char* p, size_t n, uint64_t* newlines) {
  size_t i = 0;
#if defined(__SSE2__)
  // Newlines are counted per byte lane (a match is -1; subtracting it adds 1), at most 4 a block, and the
  // lanes summed (psadbw) every 63 blocks, before a lane can pass 255.
  const __m128i nl = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  while (i + 64 <= n) {
    __m128i counts = zero;
    size_t blocks = 0;
    for (; blocks < 63 && i + 64 <= n; ++blocks, i += 64) {
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 16));
      const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 32));
      const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 48));
      if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))) != 0) break;
      counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(a, nl));
      counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(b, nl));
      counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(c, nl));
      counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(d, nl));
    }
    const __m128i sums = _mm_sad_epu8(counts, zero);
    *newlines += static_cast<uint64_t>(_mm_cvtsi128_si32(sums)) +
                 static_cast<uint64_t>(_mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums)));
    if (blocks < 63) break;  // a non-ASCII byte, or fewer than 64 bytes left
  }
#elif defined(__wasm_simd128__)
  const v128_t nl = wasm_i8x16_splat('\n');
  for (; i + 64 <= n; i += 64) {
    const v128_t a = wasm_v128_load(p + i), b = wasm_v128_load(p + i + 16);
    const v128_t c = wasm_v128_load(p + i + 32), d = wasm_v128_load(p + i + 48);
    if (wasm_i8x16_bitmask(wasm_v128_or(wasm_v128_or(a, b), wasm_v128_or(c, d))) != 0) break;
    const uint32_t lo = wasm_i8x16_bitmask(wasm_i8x16_eq(a, nl)) | (wasm_i8x16_bitmask(wasm_i8x16_eq(b, nl)) << 16);
    const uint32_t hi = wasm_i8x16_bitmask(wasm_i8x16_eq(c, nl)) | (wasm_i8x16_bitmask(wasm_i8x16_eq(d, nl)) << 16);
    *newlines += static_cast<uint64_t>(__builtin_popcount(lo) + __builtin_popcount(hi));
  }
#else
  (void)p;
  (void)n;
  (void)newlines;
#endif
  return i;
}

// Length of the UTF-8 sequence a lead byte starts, 0 when it cannot start one.
inline int SequenceLength(unsigned char c) {
  if (c >= 0xC2 && c <= 0xDF) return 2;
  if (c >= 0xE0 && c <= 0xEF) return 3;
  if (c >= 0xF0 && c <= 0xF4) return 4;
  return 0;
}

// The length of the longest prefix of p[0, n) made of complete, well-formed sequences as the UTF-8 check reads
// them (ASCII bytes; a lead byte SequenceLength accepts followed by its continuation bytes), adding the prefix's
// '\n' bytes to *newlines and setting *multibyte when it holds a multibyte sequence: n when all of it is.
size_t WellFormedPrefix(const unsigned char* p, size_t n, uint64_t* newlines, bool* multibyte) {
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, 64 then eight bytes at a time, counting newlines for error messages.
    i += AsciiBlocks(p + i, n - i, newlines);
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
      *newlines += CountNewlines(w);
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c < 0x80) {
      *newlines += c == '\n';
      ++i;
      continue;
    }
    const size_t len = static_cast<size_t>(SequenceLength(c));
    if (len == 0 || n - i < len) break;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
    }
    *multibyte = true;
    i += len;
  }
  return i;
}

std::string Hex(unsigned char c) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string s = "0x";
  s.push_back(kDigits[c >> 4]);
  s.push_back(kDigits[c & 15]);
  return s;
}

bool IsBlankRecord(const CsvRecord& r) { return r.size() == 0 || (r.size() == 1 && TrimAscii(r[0]).empty()); }

}  // namespace

struct ParseSession::Impl : RecordSink {
  std::string file_name;
  ImportOptions options;
  CsvReader reader;
  const ImporterInfo* info = nullptr;
  std::unique_ptr<Importer> importer;
  ImportBatch batch;
  Status status;
  bool started = false;   // header seen, importer begun
  bool finished = false;
  bool saw_bytes = false;
  uint64_t bytes = 0;
  // UTF-8 check state.
  bool latin1 = false;
  bool seen_multibyte = false;
  uint64_t newlines = 0;      // '\n' bytes before the scan position (for the line of an encoding error)
  std::string carry;          // an incomplete UTF-8 sequence at the end of the last chunk
  size_t carry_len = 0;       // its full length
  std::string scratch;        // transcoded chunk
  // ExpectBytes: the input's size, and whether the batch was reserved for it yet.
  uint64_t expected_bytes = 0;
  bool reserved = false;

  Impl(std::string name, ImportOptions opts) : file_name(std::move(name)), options(std::move(opts)), reader(file_name) {}

  bool OnRecord(const CsvRecord& record) override {
    if (IsBlankRecord(record)) return true;
    if (started) {
      if (!reserved && expected_bytes != 0) ReserveForInput(record);
      importer->OnRecord(record, &batch);
      return true;
    }
    info = DetectImporter(record, options);
    if (info == nullptr) {
      if (options.format != "auto" && !options.format.empty()) {
        std::string known;
        for (const ImporterInfo& i : Importers()) known += std::string(known.empty() ? "" : ", ") + i.format;
        status = InvalidArgument("unknown import format `" + options.format + "`; known formats: " + known);
      } else {
        HeaderIndex header(record);
        std::string expected;
        for (const ImporterInfo& i : Importers()) expected += std::string("a ") + i.label + ", ";
        status = Status(StatusCode::kUnknownFormat,
                        file_name + ":" + std::to_string(record.line()) + ":1: unrecognised header (" +
                            header.Preview(5) + "); expected " + expected + "or give a column mapping");
      }
      return false;
    }
    importer = info->create(options);
    Status st = importer->Begin(record, file_name, &batch);
    if (!st.ok()) {
      status = st;
      return false;
    }
    started = true;
    return true;
  }

  // Once kHintBytes of input and kHintRows rows are in the batch (all of the input before `next`), reserves
  // it for expected_bytes: every column scaled by the input still to come, plus 5 % for rows that run longer
  // than the first ones.
  static constexpr uint64_t kHintBytes = 64u << 10;
  static constexpr uint64_t kHintRows = 256;
  void ReserveForInput(const CsvRecord& next) {
    const uint64_t read = next.byte_offset();
    if (read < kHintBytes || batch.rows_read < kHintRows) return;
    reserved = true;
    if (importer->OrdersSliceable()) return;
    ReserveBatch(&batch, 1.05 * static_cast<double>(expected_bytes) / static_cast<double>(read));
  }

  const Ahead* known = nullptr;  // what is known of the chunk being fed (ParseSession::Feed), or null

  Status FeedReader(std::string_view bytes_in, const CsvReader::Masks* masks = nullptr) {
    if (bytes_in.empty()) return Status::Ok();
    Status st = masks != nullptr && masks->bits != nullptr ? reader.Feed(bytes_in, this, *masks)
                                                           : reader.Feed(bytes_in, this);
    if (!status.ok()) return status;
    return st;
  }

  Status CheckStart(std::string_view chunk) {
    const auto b = [&](size_t i) { return static_cast<unsigned char>(chunk[i]); };
    if (chunk.size() >= 4 && chunk.substr(0, 4) == std::string_view("PK\x03\x04", 4)) {
      return ParseError(file_name + ":1:1: this is a zip archive (an Excel .xlsx workbook?), not a CSV file; "
                                    "export the sheet as CSV (UTF-8)");
    }
    if (chunk.size() >= 2 && b(0) == 0x1F && b(1) == 0x8B) {
      return ParseError(file_name + ":1:1: this is a gzip archive, not a CSV file; decompress it first");
    }
    if (chunk.size() >= 2 && ((b(0) == 0xFF && b(1) == 0xFE) || (b(0) == 0xFE && b(1) == 0xFF))) {
      return ParseError(file_name + ":1:1: the file is UTF-16 text; save it as CSV UTF-8");
    }
    const size_t probe = chunk.size() < (64u << 10) ? chunk.size() : (64u << 10);
    const void* nul = std::memchr(chunk.data(), 0, probe);
    if (nul != nullptr) {
      const size_t at = static_cast<const char*>(nul) - chunk.data();
      uint64_t line = 1;
      for (size_t i = 0; i < at; ++i) line += chunk[i] == '\n';
      return ParseError(file_name + ":" + std::to_string(line) + ": binary data (a NUL byte at byte " +
                        std::to_string(at) + "); expected a CSV text file");
    }
    return Status::Ok();
  }

  // Switches to Windows-1252 at an invalid byte, or fails when the file already had real UTF-8.
  Status OnInvalid(unsigned char byte, std::string_view rest) {
    const std::string where = file_name + ":" + std::to_string(newlines + 1);
    if (seen_multibyte) {
      return ParseError(where + ": invalid UTF-8 (byte " + Hex(byte) +
                        ") in a file that is otherwise UTF-8; re-save the file as CSV UTF-8");
    }
    latin1 = true;
    ImportIssue issue;
    issue.line = newlines + 1;
    issue.code = "encoding";
    issue.message = "the file is not UTF-8 (byte " + Hex(byte) + " on line " + std::to_string(newlines + 1) +
                    "); read it as Windows-1252 (Latin-1)";
    issue.rejected = false;
    batch.issues.push_back(std::move(issue));
    return FeedLatin1(rest);
  }

  Status FeedLatin1(std::string_view chunk) {
    scratch.clear();
    scratch.reserve(chunk.size() + chunk.size() / 2 + 16);
    for (char ch : chunk) {
      const unsigned char c = static_cast<unsigned char>(ch);
      if (c < 0x80) {
        scratch.push_back(ch);
      } else if (c < 0xA0) {
        AppendUtf8(kCp1252[c - 0x80] ? kCp1252[c - 0x80] : 0xFFFD, &scratch);
      } else {
        AppendUtf8(c, &scratch);
      }
    }
    return FeedReader(scratch);
  }

  Status FeedUtf8(std::string_view chunk) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(chunk.data());
    const size_t n = chunk.size();
    size_t i = 0;
    // Complete a sequence split by the previous chunk boundary.
    while (!carry.empty() && i < n) {
      if ((p[i] & 0xC0) != 0x80) {
        std::string rest = carry;
        rest.append(chunk.data(), n);
        const unsigned char lead = static_cast<unsigned char>(carry[0]);
        carry.clear();
        return OnInvalid(lead, rest);
      }
      carry.push_back(static_cast<char>(p[i++]));
      if (carry.size() == carry_len) {
        seen_multibyte = true;
        RAPPORT_RETURN_IF_ERROR(FeedReader(carry));
        carry.clear();
      }
    }
    if (!carry.empty()) return Status::Ok();
    if (i == 0 && known != nullptr && (known->ascii || known->utf8)) {  // checked on another thread as it was queued
      newlines += known->newlines;
      if (known->utf8) seen_multibyte = true;
      return FeedReader(chunk, &known->masks);
    }
    const size_t start = i;
    i += WellFormedPrefix(p + i, n - i, &newlines, &seen_multibyte);
    if (i < n) {  // a byte that starts no sequence, a sequence broken, or one cut by the chunk's end
      const unsigned char c = p[i];
      const int len = SequenceLength(c);
      if (len == 0) {
        RAPPORT_RETURN_IF_ERROR(FeedReader(chunk.substr(start, i - start)));
        return OnInvalid(c, chunk.substr(i));
      }
      const size_t avail = n - i < static_cast<size_t>(len) ? n - i : static_cast<size_t>(len);
      for (size_t k = 1; k < avail; ++k) {
        if ((p[i + k] & 0xC0) != 0x80) {
          RAPPORT_RETURN_IF_ERROR(FeedReader(chunk.substr(start, i - start)));
          return OnInvalid(c, chunk.substr(i));
        }
      }
      // Split by the chunk boundary (avail < len: a complete sequence would have been taken).
      RAPPORT_RETURN_IF_ERROR(FeedReader(chunk.substr(start, i - start)));
      carry.assign(chunk.data() + i, avail);
      carry_len = static_cast<size_t>(len);
      return Status::Ok();
    }
    return FeedReader(chunk.substr(start));
  }

  Status Feed(std::string_view chunk, const Ahead* given) {
    struct Reset {
      Impl* m;
      ~Reset() { m->known = nullptr; }
    } reset{this};
    known = given;
    if (!status.ok()) return status;
    if (finished) return status = InternalError("ParseSession::Feed after Finish");
    if (chunk.empty()) return Status::Ok();
    if (!saw_bytes) {
      saw_bytes = true;
      Status st = CheckStart(chunk);
      if (!st.ok()) return status = st;
    }
    bytes += chunk.size();
    Status st = latin1 ? FeedLatin1(chunk) : FeedUtf8(chunk);
    if (!st.ok()) status = st;
    return status;
  }

  Result<ImportBatch> Finish() {
    if (!status.ok()) return status;
    if (finished) return status = InternalError("ParseSession::Finish called twice");
    finished = true;
    if (!carry.empty()) {
      std::string rest = carry;
      carry.clear();
      Status st = OnInvalid(static_cast<unsigned char>(rest[0]), rest);
      if (!st.ok()) return status = st;
    }
    Status st = reader.Finish(this);
    if (!status.ok()) return status;
    if (!st.ok()) return status = st;
    if (!started) {
      return status = ParseError(file_name + ":1:1: the file is empty; expected a CSV export with a header row");
    }
    st = importer->End(&batch);
    if (!st.ok()) return status = st;
    return std::move(batch);
  }
};

bool ParseSession::WellFormedUtf8(std::string_view chunk, uint64_t* newlines) {
  uint64_t lines = 0;
  bool multibyte = false;
  const size_t n = chunk.size();
  if (WellFormedPrefix(reinterpret_cast<const unsigned char*>(chunk.data()), n, &lines, &multibyte) < n) return false;
  *newlines += lines;
  return true;
}

bool ParseSession::TakeSlice(size_t min_orders, ImportBatch* slice) {
  Impl& m = *impl_;
  if (!m.status.ok() || m.finished || !m.importer) return false;
  if (!m.importer->OrdersSliceable()) {  // the rows stay to the end; the issues so far can go
    if (m.batch.issues.size() <= min_orders || m.batch.issues.size() < 2) return false;
    SplitIssues(&m.batch, slice);
    return true;
  }
  const size_t n = SliceUnits(m.batch);
  if (n <= min_orders || n < 2) return false;
  m.importer->BeforeSlice(&m.batch);
  SplitSlice(&m.batch, n - 1, slice);
  return true;
}

ParseSession::ParseSession(std::string file_name, ImportOptions options)
    : impl_(std::make_unique<Impl>(std::move(file_name), std::move(options))) {}
ParseSession::~ParseSession() = default;
void ParseSession::ExpectBytes(uint64_t total_bytes) { impl_->expected_bytes = total_bytes; }
Status ParseSession::Feed(std::string_view chunk) { return impl_->Feed(chunk, nullptr); }
Status ParseSession::Feed(std::string_view chunk, const Ahead& ahead) { return impl_->Feed(chunk, &ahead); }
Result<ImportBatch> ParseSession::Finish() { return impl_->Finish(); }
const ImporterInfo* ParseSession::detected() const { return impl_->info; }
const CsvDialect* ParseSession::dialect() const { return impl_->started ? &impl_->reader.dialect() : nullptr; }
uint64_t ParseSession::bytes_consumed() const { return impl_->bytes; }
bool ParseSession::transcoded_from_latin1() const { return impl_->latin1; }

Result<ImportBatch> ParseBytes(std::string_view bytes, std::string file_name, const ImportOptions& options) {
  ParseSession session(std::move(file_name), options);
  Status st = session.Feed(bytes);
  if (!st.ok()) return st;
  return session.Finish();
}

}  // namespace rapport
