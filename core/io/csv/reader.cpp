// CsvReader: collects the first bytes (BOM, sniffing, binary and encoding checks), then hands every
// buffer to the Parser (core/io/csv/internal/parser.h).
#include "core/io/csv/reader.h"

#include <algorithm>
#include <cstring>

#include "core/io/csv/internal/parser.h"
#include "core/io/csv/internal/scan.h"

namespace rapport {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The offset of the first byte that is not valid UTF-8 in `text`, or npos. A sequence cut by the end of
// `text` is accepted when `cut_allowed` (the sample ends before the input does).
size_t FirstInvalidUtf8(std::string_view text, bool cut_allowed) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Eight ASCII bytes at a time.
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // no overlongs
      if (c == 0xED) high = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;  // <= U+10FFFF
    } else {
      return i;
    }
    for (size_t k = 1; k < length; ++k) {
      if (i + k >= n) return cut_allowed ? std::string_view::npos : i;
      const unsigned char d = p[i + k];
      if (k == 1 ? (d < low || d > high) : (d < 0x80 || d > 0xBF)) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace

struct CsvReader::Impl {
  std::string file_name;
  CsvOptions options;
  std::string head;  // the first bytes, kept until the dialect is known
  bool started = false;
  Status status;
  uint64_t bytes_fed = 0;
  std::unique_ptr<csv_internal::Parser> parser;

  // The first sniff_bytes (after a BOM) are sniffed, when asked, and checked for binary data and encoding.
  size_t HeadBytes() const {
    return options.sniff_bytes > static_cast<size_t>(-1) - kBom.size() ? static_cast<size_t>(-1)
                                                                         : kBom.size() + options.sniff_bytes;
  }

  // "file:line:col: message" for the byte at `at` of `text` (which starts at input offset `origin`).
  Status ErrorAt(std::string_view text, size_t at, uint64_t origin, const CsvDialect& dialect,
                 const std::string& message) const {
    struct NullSink : RecordSink {
      bool OnRecord(const CsvRecord&) override { return true; }
    } sink;
    csv_internal::Parser locator(file_name, dialect, static_cast<size_t>(-1), origin);
    Status ignored = locator.Parse(text.substr(0, at), &sink);
    (void)ignored;
    return ParseError(file_name + ":" + std::to_string(locator.line()) + ":" + std::to_string(locator.column()) +
                      ": " + message);
  }

  // Checks and sniffs the first bytes of the input, `first` (the kept head, or the first chunk when it is
  // large enough on its own), then parses them.
  Status Start(std::string_view first, RecordSink* sink, bool final) {
    started = true;
    const size_t bom = first.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
    std::string_view body = first.substr(bom);
    const std::string_view sample = body.substr(0, options.sniff_bytes);
    const bool sample_is_all = final && sample.size() == body.size();
    const CsvDialect dialect = options.sniff ? csv_internal::Sniff(sample, sample_is_all) : options.dialect;
    auto is_line_end = [](char c) { return c == '\n' || c == '\r'; };
    if (is_line_end(dialect.quote) || (!dialect.whitespace_runs && (dialect.delimiter == dialect.quote ||
                                                                    is_line_end(dialect.delimiter)))) {
      return InvalidArgument(file_name + ": the CSV delimiter and quote must differ and not be a line break");
    }

    if (const void* nul = std::memchr(sample.data(), 0, sample.size())) {
      const size_t at = static_cast<size_t>(static_cast<const char*>(nul) - sample.data());
      return ErrorAt(sample, at, bom, dialect,
                     "not a CSV/text file (NUL byte at byte offset " + std::to_string(at + bom) +
                         "; binary data such as a spreadsheet, archive or UTF-16 text?)");
    }
    const size_t bad = FirstInvalidUtf8(sample, !sample_is_all);
    if (bad != std::string_view::npos) {
      return ErrorAt(sample, bad, bom, dialect,
                     "not UTF-8: looks like Windows-1252/Latin-1; re-save as UTF-8 (invalid byte 0x" +
                         HexByte(static_cast<unsigned char>(sample[bad])) + " at byte offset " +
                         std::to_string(bad + bom) + ")");
    }
    parser = std::make_unique<csv_internal::Parser>(file_name, dialect, options.max_record_bytes, bom);
    return parser->Parse(body, sink);
  }

  static std::string HexByte(unsigned char c) {
    const char* digits = "0123456789ABCDEF";
    return {digits[c >> 4], digits[c & 15]};
  }
};

CsvReader::CsvReader(std::string file_name, CsvOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->file_name = std::move(file_name);
  impl_->options = options;
}

CsvReader::~CsvReader() = default;

Status CsvReader::Feed(std::string_view chunk, RecordSink* sink, const Masks& masks) {
  Impl& m = *impl_;
  if (m.started && m.status.ok() && masks.bits != nullptr && !chunk.empty()) {
    const CsvDialect& d = m.parser->dialect();
    if (!d.whitespace_runs && !masks.dialect.whitespace_runs && d.delimiter == masks.dialect.delimiter &&
        d.quote == masks.dialect.quote) {
      m.bytes_fed += chunk.size();
      m.status = m.parser->Parse(chunk, sink, masks.bits);
      return m.status;
    }
  }
  return Feed(chunk, sink);
}

bool CsvStructuralMasks(std::string_view chunk, const CsvDialect& dialect, std::vector<uint64_t>* out) {
  if (dialect.whitespace_runs) {
    out->clear();
    return false;
  }
  out->resize(csv_internal::Scanner::MaskWords(chunk.size()));
  csv_internal::Scanner::StructuralMasks(chunk.data(), chunk.size(), dialect.delimiter, dialect.quote, out->data());
  return true;
}

Status CsvReader::Feed(std::string_view chunk, RecordSink* sink) {
  Impl& m = *impl_;
  if (!m.status.ok()) return m.status;
  m.bytes_fed += chunk.size();
  if (!m.started) {
    const size_t head_bytes = m.HeadBytes();
    if (m.head.empty() && chunk.size() >= head_bytes) {  // a large first chunk: no copy
      m.status = m.Start(chunk, sink, /*final=*/false);
      return m.status;
    }
    const size_t take = std::min(chunk.size(), head_bytes - m.head.size());
    m.head.append(chunk.data(), take);
    chunk.remove_prefix(take);
    if (m.head.size() < head_bytes) return Status::Ok();
    m.status = m.Start(m.head, sink, /*final=*/false);
    std::string().swap(m.head);
    if (!m.status.ok() || chunk.empty()) return m.status;
  }
  m.status = m.parser->Parse(chunk, sink);
  return m.status;
}

Status CsvReader::Finish(RecordSink* sink) {
  Impl& m = *impl_;
  if (!m.status.ok()) return m.status;
  if (!m.started) {
    m.status = m.Start(m.head, sink, /*final=*/true);
    std::string().swap(m.head);
    if (!m.status.ok()) return m.status;
  }
  m.status = m.parser->Finish(sink);
  return m.status;
}

const CsvDialect& CsvReader::dialect() const {
  return impl_->parser ? impl_->parser->dialect() : impl_->options.dialect;
}
uint64_t CsvReader::bytes_consumed() const { return impl_->bytes_fed; }
uint64_t CsvReader::records_delivered() const { return impl_->parser ? impl_->parser->records() : 0; }
const std::string& CsvReader::file_name() const { return impl_->file_name; }

uint64_t CsvRecord::LineOfField(size_t i) const {
  // Fields hold their quoted line breaks verbatim, so counting them gives the physical line.
  uint64_t line = line_;
  for (size_t k = 0; k < i && k < count_; ++k) {
    const std::string_view field = fields_[k];
    for (size_t j = 0; j < field.size(); ++j) {
      if (field[j] == '\r' || (field[j] == '\n' && (j == 0 || field[j - 1] != '\r'))) ++line;
    }
  }
  return line;
}

std::string CsvRecord::Raw(char delimiter) const {
  std::string out;
  AppendRaw(&out, delimiter);
  return out;
}

void CsvRecord::AppendRaw(std::string* out, char delimiter) const {
  for (size_t k = 0; k < count_; ++k) {
    if (k > 0) out->push_back(delimiter);
    const std::string_view field = fields_[k];
    bool needs_quotes = false;
    for (char c : field) {
      if (c == '"' || c == '\r' || c == '\n' || c == delimiter) {
        needs_quotes = true;
        break;
      }
    }
    if (!needs_quotes) {
      out->append(field.data(), field.size());
      continue;
    }
    out->push_back('"');
    for (char c : field) {
      if (c == '"') out->push_back('"');
      out->push_back(c);
    }
    out->push_back('"');
  }
}

}  // namespace rapport
