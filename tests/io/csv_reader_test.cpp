// Tests for the streaming CSV reader (core/io/csv). Expected records are written out by hand from the
// inputs; record counts of the reference files come from /work/shared/data/SOURCES.md.
//
// Decisions these tests pin down:
//   - Blank lines (an empty physical line) are skipped but counted in line numbers. A line holding only a
//     delimiter is a record of empty fields; in the whitespace-run dialect a line of only spaces is blank.
//   - `""` and nothing are both an empty field.
//   - A stray quote inside an unquoted field is kept literally (ab"c); text after a closing quote is
//     appended literally ("ab"c -> abc).
//   - Every CR is a line break, and so is every LF not directly after a CR (CRLF counts once).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/io/csv/internal/scan.h"
#include "core/io/csv/internal/scan_runs.h"
#include "core/io/csv/reader.h"
#include "test_data.h"

namespace rapport {
namespace {

struct Rec {
  std::vector<std::string> fields;
  std::vector<uint64_t> field_lines;
  uint64_t line = 0;
  uint64_t offset = 0;
  bool operator==(const Rec& o) const {
    return fields == o.fields && field_lines == o.field_lines && line == o.line && offset == o.offset;
  }
};

struct Parsed {
  std::vector<Rec> records;
  std::string error;  // Status::ToString() when not ok
  CsvDialect dialect;
};

struct CollectSink : RecordSink {
  std::vector<Rec>* out;
  size_t stop_after = static_cast<size_t>(-1);
  bool OnRecord(const CsvRecord& r) override {
    Rec rec;
    rec.line = r.line();
    rec.offset = r.byte_offset();
    for (size_t i = 0; i < r.size(); ++i) {
      rec.fields.emplace_back(r[i]);
      rec.field_lines.push_back(r.LineOfField(i));
    }
    out->push_back(std::move(rec));
    return out->size() < stop_after;
  }
};

// Folds every record (line, offset, field count, each field's line and text) into one 64-bit digest, in
// order. The split checks below parse an input tens of thousands of times; comparing digests instead of
// collected Recs spends no allocation per record (which took most of this file's time, and minutes under the
// sanitizers). Where two digests differ, the check parses both again into Recs to show the difference.
struct DigestSink : RecordSink {
  uint64_t digest = 0;
  uint64_t records = 0;
  uint64_t last_line = 0;  // the line the last record starts on
  void Mix(uint64_t value) {
    digest = (digest ^ value) * 0x9E3779B97F4A7C15ull;
    digest ^= digest >> 31;
  }
  bool OnRecord(const CsvRecord& r) override {
    ++records;
    last_line = r.line();
    Mix(r.line());
    Mix(r.byte_offset());
    Mix(r.size());
    for (size_t i = 0; i < r.size(); ++i) {
      Mix(r.LineOfField(i));
      Mix(r[i].size());
      Mix(std::hash<std::string_view>{}(r[i]));
    }
    return true;
  }
};

// Feeds `input` to `sink` in pieces: cut at each offset in `cuts` (ascending). With `masks`, each piece goes
// with its structural masks in that dialect (CsvStructuralMasks, as ParseAhead's caller finds them). Returns
// the error as Status::ToString() (empty when none) and the reader's dialect.
std::string FeedCuts(std::string_view input, const std::vector<size_t>& cuts, const CsvOptions& options,
                     const CsvDialect* masks, RecordSink* sink, CsvDialect* dialect) {
  CsvReader reader("t.csv", options);
  std::vector<uint64_t> bits;
  auto feed = [&](std::string_view piece) {
    if (masks == nullptr) return reader.Feed(piece, sink);
    CsvStructuralMasks(piece, *masks, &bits);
    CsvReader::Masks given;
    given.bits = bits.data();
    given.dialect = *masks;
    return reader.Feed(piece, sink, given);
  };
  size_t begin = 0;
  Status status;
  for (size_t cut : cuts) {
    status = feed(input.substr(begin, cut - begin));
    begin = cut;
    if (!status.ok()) break;
  }
  if (status.ok()) status = feed(input.substr(begin));
  if (status.ok()) status = reader.Finish(sink);
  *dialect = reader.dialect();
  return status.ok() ? std::string() : status.ToString();
}

Parsed ParseCuts(std::string_view input, const std::vector<size_t>& cuts, CsvOptions options = {},
                 size_t stop_after = static_cast<size_t>(-1), const CsvDialect* masks = nullptr) {
  Parsed parsed;
  CollectSink sink;
  sink.out = &parsed.records;
  sink.stop_after = stop_after;
  parsed.error = FeedCuts(input, cuts, options, masks, &sink, &parsed.dialect);
  return parsed;
}

std::vector<size_t> ChunkCuts(size_t size, size_t chunk) {
  std::vector<size_t> cuts;
  for (size_t at = chunk; at < size; at += chunk) cuts.push_back(at);
  return cuts;
}

// One way of feeding an input (its cuts, options and masks), parsed to a digest or to Recs.
struct Feeding {
  std::string_view input;
  std::vector<size_t> cuts;
  CsvOptions options;
  const CsvDialect* masks = nullptr;

  struct Digested {
    uint64_t digest = 0;
    std::string error;
    uint64_t records = 0;
    uint64_t last_line = 0;
    CsvDialect dialect;
  };

  Parsed Records() const { return ParseCuts(input, cuts, options, static_cast<size_t>(-1), masks); }
  Digested Digest() const {
    DigestSink sink;
    Digested d;
    d.error = FeedCuts(input, cuts, options, masks, &sink, &d.dialect);
    d.digest = sink.digest;
    d.records = sink.records;
    d.last_line = sink.last_line;
    return d;
  }
};

// Requires `got` to give the records and error that `want` gives (`want_digest` is want.Digest()): digests
// first, Recs where they differ.
void RequireSame(const Feeding& got, const Feeding& want, const Feeding::Digested& want_digest) {
  const Feeding::Digested d = got.Digest();
  REQUIRE(d.error == want_digest.error);
  if (d.digest == want_digest.digest) return;
  REQUIRE(got.Records().records == want.Records().records);
  FAIL("the digests differ while the records are the same");
}


Parsed Parse(std::string_view input, CsvOptions options = {}) { return ParseCuts(input, {}, options); }

Parsed ParseInChunks(std::string_view input, size_t chunk, CsvOptions options = {}, const CsvDialect* masks = nullptr) {
  return ParseCuts(input, ChunkCuts(input.size(), chunk), options, static_cast<size_t>(-1), masks);
}

Feeding InChunks(std::string_view input, size_t chunk, const CsvOptions& options, const CsvDialect* masks = nullptr) {
  return {input, ChunkCuts(input.size(), chunk), options, masks};
}

std::vector<std::vector<std::string>> Fields(const Parsed& p) {
  std::vector<std::vector<std::string>> out;
  for (const Rec& r : p.records) out.push_back(r.fields);
  return out;
}

std::vector<uint64_t> Lines(const Parsed& p) {
  std::vector<uint64_t> out;
  for (const Rec& r : p.records) out.push_back(r.line);
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

// Every 2-piece split, every 3-piece split (for short inputs), and 1-byte chunks must give what the whole
// input gives: same records, lines, offsets, field lines, and the same error. Every 2-piece split and the
// 1-byte chunks also with each piece's structural masks given (in the file's dialect, and in a wrong one,
// which the reader ignores).
void CheckSplitsAgree(std::string_view input, const CsvOptions& options) {
  const Feeding whole{input, {}, options};
  const Feeding::Digested want = whole.Digest();
  const CsvDialect dialect = want.dialect;
  CsvDialect wrong = dialect;
  wrong.delimiter = dialect.delimiter == ';' ? ',' : ';';
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    INFO("cut at " << cut);
    RequireSame({input, {cut}, options}, whole, want);
    for (const CsvDialect* masks : {&dialect, static_cast<const CsvDialect*>(&wrong)}) {
      INFO("with masks, delimiter " << masks->delimiter);
      RequireSame({input, {cut}, options, masks}, whole, want);
    }
  }
  for (const CsvDialect* masks : {&dialect, static_cast<const CsvDialect*>(&wrong)}) {
    INFO("1-byte chunks with masks, delimiter " << masks->delimiter);
    RequireSame(InChunks(input, 1, options, masks), whole, want);
  }
  if (input.size() <= 64) {
    for (size_t a = 0; a <= input.size(); ++a) {
      for (size_t b = a; b <= input.size(); ++b) {
        INFO("cuts at " << a << ", " << b);
        RequireSame({input, {a, b}, options}, whole, want);
      }
    }
  }
  RequireSame(InChunks(input, 1, options), whole, want);
}

// Runs CheckSplitsAgree twice: with `options` as given (small inputs then wait whole in the sniffing
// head), and with the dialect fixed and sniff_bytes 0, so every chunk goes through the parser as it comes.
void CheckEverySplit(std::string_view input, CsvOptions options = {}) {
  CheckSplitsAgree(input, options);
  const Parsed sniffed = Parse(input, options);
  CsvOptions streaming = options;
  streaming.sniff = false;
  streaming.dialect = sniffed.dialect;
  streaming.sniff_bytes = 0;
  CheckSplitsAgree(input, streaming);
  if (sniffed.error.empty()) {
    const Parsed streamed = Parse(input, streaming);
    REQUIRE(streamed.error.empty());
    REQUIRE(streamed.records == sniffed.records);
  }
}

CsvOptions NoSniff(char delimiter = ',', size_t sniff_bytes = 64 * 1024) {
  CsvOptions options;
  options.sniff = false;
  options.sniff_bytes = sniff_bytes;
  options.dialect.delimiter = delimiter;
  return options;
}

TEST_CASE("csv: simple records with LF", "[csv]") {
  const Parsed p = Parse("a,b,c\n1,2,3\n");
  REQUIRE(p.error.empty());
  CHECK(Fields(p) == Rows{{"a", "b", "c"}, {"1", "2", "3"}});
  CHECK(Lines(p) == std::vector<uint64_t>{1, 2});
  CHECK(p.records[1].offset == 6);
}

TEST_CASE("csv: empty fields and \"\" are both empty", "[csv]") {
  const Parsed p = Parse(",a,,\n\"\",\"\",x\n,\n");
  REQUIRE(p.error.empty());
  CHECK(Fields(p) == Rows{{"", "a", "", ""}, {"", "", "x"}, {"", ""}});
}

TEST_CASE("csv: quoted delimiters, escapes and embedded newlines", "[csv]") {
  const std::string input = "id,note\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n3,\"line1\nline2\r\nline3\"\n4,end\n";
  const Parsed p = Parse(input);
  REQUIRE(p.error.empty());
  CHECK(Fields(p) == Rows{{"id", "note"}, {"1", "a,b"}, {"2", "say \"hi\""}, {"3", "line1\nline2\r\nline3"},
                          {"4", "end"}});
  CHECK(Lines(p) == std::vector<uint64_t>{1, 2, 3, 4, 7});
  CHECK(p.records[3].field_lines == std::vector<uint64_t>{4, 4});
  CheckEverySplit(input);
}

TEST_CASE("csv: LineOfField counts newlines of earlier quoted fields", "[csv]") {
  const Parsed p = Parse("\"a\nb\",\"c\r\n\r\nd\",e\n");
  REQUIRE(p.records.size() == 1);
  CHECK(p.records[0].field_lines == std::vector<uint64_t>{1, 2, 4});
}

TEST_CASE("csv: CRLF, lone CR and mixed line ends", "[csv]") {
  const Parsed crlf = Parse("a,b\r\nc,d\r\n");
  CHECK(Fields(crlf) == Rows{{"a", "b"}, {"c", "d"}});
  CHECK(Lines(crlf) == std::vector<uint64_t>{1, 2});
  CHECK(crlf.records[1].offset == 5);

  const Parsed cr = Parse("a,b\rc,d\r\re,f");
  CHECK(Fields(cr) == Rows{{"a", "b"}, {"c", "d"}, {"e", "f"}});
  CHECK(Lines(cr) == std::vector<uint64_t>{1, 2, 4});

  const Parsed mixed = Parse("a\r\nb\nc\rd\n\re\r\n");
  CHECK(Fields(mixed) == Rows{{"a"}, {"b"}, {"c"}, {"d"}, {"e"}});
  CHECK(Lines(mixed) == std::vector<uint64_t>{1, 2, 3, 4, 6});
  CheckEverySplit("a\r\nb\nc\rd\n\re\r\n\"x\r\ny\"\r\n");
}

TEST_CASE("csv: a UTF-8 BOM is skipped but counted in offsets", "[csv]") {
  const std::string input = "\xEF\xBB\xBFname,city\nAnn,M\xC3\xBCnster\n";
  const Parsed p = Parse(input);
  REQUIRE(p.error.empty());
  CHECK(Fields(p) == Rows{{"name", "city"}, {"Ann", "M\xC3\xBCnster"}});
  CHECK(p.records[0].offset == 3);
  CHECK(p.records[1].offset == 13);
  CheckEverySplit(input);
  CheckEverySplit(input, NoSniff());
}

TEST_CASE("csv: the last record needs no final newline", "[csv]") {
  CHECK(Fields(Parse("a,b\nc,d")) == Rows{{"a", "b"}, {"c", "d"}});
  CHECK(Fields(Parse("a,b\nc,\"d\"")) == Rows{{"a", "b"}, {"c", "d"}});
  CHECK(Fields(Parse("a,b\nc,")) == Rows{{"a", "b"}, {"c", ""}});
  CHECK(Parse("").records.empty());
  CHECK(Parse("\n\r\n").records.empty());
}

TEST_CASE("csv: blank lines are skipped but counted", "[csv]") {
  const std::string input = "\na,b\n\n\r\n\nc,d\n\n";
  const Parsed p = Parse(input);
  CHECK(Fields(p) == Rows{{"a", "b"}, {"c", "d"}});
  CHECK(Lines(p) == std::vector<uint64_t>{2, 6});
  CheckEverySplit(input);
}

TEST_CASE("csv: stray quotes are kept literally", "[csv]") {
  const std::string input = "ab\"c,d\n\"ab\"c,\"x\"\"\"\n5\" pipe,\"\"\"\"\n";
  const Parsed p = Parse(input);
  REQUIRE(p.error.empty());
  CHECK(Fields(p) == Rows{{"ab\"c", "d"}, {"abc", "x\""}, {"5\" pipe", "\""}});
  CheckEverySplit(input);
}

TEST_CASE("csv: sniffs comma, semicolon, tab and pipe", "[csv]") {
  for (char delimiter : {',', ';', '\t', '|'}) {
    std::string input = "name#city#total\nAnn Lee#New York, NY#1.5\nBo#Paris#2,5\n";
    std::replace(input.begin(), input.end(), '#', delimiter);
    if (delimiter == ',') input = "name,city,total\nAnn Lee,\"New York, NY\",1.5\nBo,Paris,\"2,5\"\n";
    const Parsed p = Parse(input);
    INFO("delimiter " << int(delimiter));
    REQUIRE(p.error.empty());
    CHECK(p.dialect.delimiter == delimiter);
    CHECK_FALSE(p.dialect.whitespace_runs);
    CHECK(Fields(p) == Rows{{"name", "city", "total"}, {"Ann Lee", "New York, NY", "1.5"}, {"Bo", "Paris", "2,5"}});
  }
  // European CSV: semicolons, decimal commas.
  CHECK(SniffDialect("a;b;c\n1,5;2,25;3\n4;5,5;6\n").delimiter == ';');
  // One column: comma.
  CHECK(SniffDialect("email\nx@example.com\n").delimiter == ',');
  // A varying number of comma-separated items per line (the arules baskets) is still comma.
  CHECK(SniffDialect("citrus fruit,semi-finished bread,margarine\nwhole milk\nyogurt,coffee\nbeef,milk\n")
            .delimiter == ',');
}

TEST_CASE("csv: whitespace-run dialect (the CDNOW files)", "[csv]") {
  const std::string input =
      " customer_id  date number_of_cds  dollar_value\r\n    00001 19970101  1   11.77\r\n   \r\n"
      "00002\t19970112 \t 5 77.00   \r\n\"a b\"  \"\"  x y\r\n";
  const Parsed p = Parse(input);
  REQUIRE(p.error.empty());
  CHECK(p.dialect.whitespace_runs);
  CHECK(Fields(p) == Rows{{"customer_id", "date", "number_of_cds", "dollar_value"},
                          {"00001", "19970101", "1", "11.77"},
                          {"00002", "19970112", "5", "77.00"},
                          {"a b", "", "x", "y"}});
  CHECK(Lines(p) == std::vector<uint64_t>{1, 2, 4, 5});
  CHECK(p.records[1].offset == 48);
  CheckEverySplit(input);
}

CsvOptions Runs(size_t sniff_bytes = 64 * 1024) {
  CsvOptions options;
  options.sniff = false;
  options.sniff_bytes = sniff_bytes;
  options.dialect.delimiter = ' ';
  options.dialect.whitespace_runs = true;
  return options;
}

// The whitespace-run dialect has its own fast path (ParseFastRuns, RunScanner): records wholly inside a
// chunk without quotes. Cutting the input anywhere sends the cut record through the byte-level path, so
// every split below compares the two paths.
TEST_CASE("csv: whitespace runs: tabs and spaces mixed, leading and trailing blanks, CRLF, every split", "[csv]") {
  const std::string long_field(70, 'x');  // longer than a 64-byte block
  const std::string input = "  id\t date \t\tamount  \r\n"
                            "\t00001 19970101\t 11.77\t\r\n"
                            " \t \r\n"
                            "00002  19970112   77.00\n"
                            "\n"
                            "   00003\t\t\t19970102 20.76   \r"
                            "00004 " + long_field + " 1\r\n"
                            "00005 \"a b\" 5\"x 2\r\n"
                            "  00006 19970103 9.99";
  const Parsed p = Parse(input, Runs());
  REQUIRE(p.error.empty());
  CHECK(Fields(p) == Rows{{"id", "date", "amount"},
                          {"00001", "19970101", "11.77"},
                          {"00002", "19970112", "77.00"},
                          {"00003", "19970102", "20.76"},
                          {"00004", long_field, "1"},
                          {"00005", "a b", "5\"x", "2"},
                          {"00006", "19970103", "9.99"}});
  CHECK(Lines(p) == std::vector<uint64_t>{1, 2, 4, 6, 7, 8, 9});
  CHECK(p.records[1].offset == 23);  // a record's offset is that of its line's first byte, blanks included
  CHECK(p.records[6].offset == input.size() - 21);
  CheckEverySplit(input, Runs());
}

TEST_CASE("csv: whitespace runs: a CDNOW-like file reads the same in every chunking", "[csv]") {
  std::string input = " customer_id  date number_of_cds  dollar_value\r\n";
  for (int row = 1; row <= 300; ++row) {
    char line[64];
    std::snprintf(line, sizeof line, "%s%05d 1997%02d%02d %*d %*d.%02d%s", row % 7 ? " " : "\t", row, row % 12 + 1,
                  row % 28 + 1, row % 3 + 2, row % 9 + 1, row % 4 + 3, row * 13 % 1000, row % 10, row % 5 ? "\r\n" : "  \n");
    input += line;
  }
  const Parsed whole = Parse(input, Runs());
  REQUIRE(whole.error.empty());
  REQUIRE(whole.records.size() == 301);
  for (const Rec& r : whole.records) REQUIRE(r.fields.size() == 4);
  CHECK(whole.records[300].fields == std::vector<std::string>{"00300", "19970121", "4", "900.00"});
  const Feeding once{input, {}, Runs()};
  const Feeding::Digested want = once.Digest();
  for (size_t chunk : {1, 2, 3, 7, 16, 28, 63, 64, 65, 127, 500, 4096}) {
    INFO("chunk " << chunk);
    RequireSame(InChunks(input, chunk, Runs(0)), once, want);
  }
  CheckSplitsAgree(input, Runs(0));
}

TEST_CASE("csv: whitespace runs: a record over max_record_bytes is fatal in every split", "[csv]") {
  CsvOptions options = Runs(0);
  options.max_record_bytes = 12;
  const std::string input = "a b\nxx 0123456789abc d\n";
  const Parsed p = Parse(input, options);
  CHECK(p.error ==
        "parse_error: t.csv:2:2: record starting at line 2 is larger than max_record_bytes (12 bytes)");
  CheckSplitsAgree(input, options);
  const std::string blanks = "a b\n" + std::string(20, ' ') + "\nc d\n";  // a blank line counts as well
  CHECK_FALSE(Parse(blanks, options).error.empty());
  CheckSplitsAgree(blanks, options);
  CHECK(Parse("0123456789ab\n  x  \n", options).error.empty());
}

TEST_CASE("csv: the portable word-at-a-time whitespace-run classifier is exact", "[csv]") {
  // Bytes next to the classes' values (and with the high bit set) must not match.
  const unsigned char alphabet[] = {' ', '\t', '"', '\n', '\r', ' ' + 1, '\t' + 1, '\r' - 1, 0xA0, 0x89, 0x8A, 'a', 0};
  uint32_t state = 12345;
  for (int round = 0; round < 2000; ++round) {
    char block[64];
    uint64_t blank = 0, stop = 0;
    for (int k = 0; k < 64; ++k) {
      state = state * 1103515245u + 12345u;
      const unsigned char c = alphabet[(state >> 16) % sizeof alphabet];
      block[k] = static_cast<char>(c);
      const bool is_blank = c == ' ' || c == '\t';
      blank |= uint64_t{is_blank} << k;
      stop |= uint64_t{is_blank || c == '"' || c == '\n' || c == '\r'} << k;
    }
    const csv_internal::RunMasks m = csv_internal::SwarRunMasks(block, 0x0101010101010101ULL * '"');
    INFO("round " << round);
    REQUIRE(m.blank == blank);
    REQUIRE(m.stop == stop);
  }
}

TEST_CASE("csv: a fixed dialect without sniffing", "[csv]") {
  const Parsed p = Parse("a;b,c\n", NoSniff(';'));
  CHECK(Fields(p) == Rows{{"a", "b,c"}});
  CHECK(p.dialect.delimiter == ';');
}

TEST_CASE("csv: an impossible fixed dialect is refused", "[csv]") {
  CsvOptions options = NoSniff('\n');
  const Parsed p = Parse("a\nb\n", options);
  CHECK(p.error == "invalid_argument: t.csv: the CSV delimiter and quote must differ and not be a line break");
}

TEST_CASE("csv: the sink can stop the reader", "[csv]") {
  const Parsed p = ParseCuts("a\nb\nc\nd\n", {3}, {}, 2);
  CHECK(Fields(p) == Rows{{"a"}, {"b"}});
  CHECK(p.error.empty());
}

TEST_CASE("csv: Raw re-joins a record, quoting where needed", "[csv]") {
  std::string raw;
  Status status = ReadCsv("a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",\n", "t.csv",
                          [&](const CsvRecord& r) { raw = r.Raw(); });
  REQUIRE(status.ok());
  CHECK(raw == "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",");
  Status semicolon = ReadCsv("a,b;c\n", "t.csv", [&](const CsvRecord& r) { raw = r.Raw(';'); }, NoSniff());
  REQUIRE(semicolon.ok());
  CHECK(raw == "a;\"b;c\"");
}

TEST_CASE("csv: every split of a nasty input gives the same records", "[csv]") {
  const std::string input =
      "h1,h2,h3\r\n"
      "\"q,1\",\"\"\"\",plain\r\n"
      "\"multi\r\nline\nfield\rend\",x\"y,\"\"\n"
      "\n"
      "\"ab\"cd,,\"\"\r"
      "last,\"open \"\" close\",\"\"\"\"\"\"";
  CheckEverySplit(input);
  CheckEverySplit(input, NoSniff());
  CheckEverySplit("\xEF\xBB\xBF\"a\"\"\",b\r\n\r\n\"\r\",\"\n\"\r\n");
}

TEST_CASE("csv: long fields across many chunk sizes", "[csv]") {
  // Fields longer than the scanner's 64-byte blocks, quoted and not, some with escapes.
  std::string input = "id,text,more\n";
  for (int row = 0; row < 40; ++row) {
    const std::string body(static_cast<size_t>(row * 7 % 150), static_cast<char>('a' + row % 26));
    input += std::to_string(row) + ",";
    if (row % 3 == 0) input += "\"" + body + ",\n" + body + "\"";
    else if (row % 3 == 1) input += "\"" + body + "\"\"" + body + "\"";
    else input += body;
    input += "," + body + (row % 2 ? "\r\n" : "\n");
  }
  const Parsed whole = Parse(input);
  REQUIRE(whole.error.empty());
  REQUIRE(whole.records.size() == 41);
  const Feeding once{input, {}, {}};
  const Feeding::Digested want = once.Digest();
  CsvOptions streaming;
  streaming.sniff_bytes = 0;
  for (size_t chunk : {1, 2, 3, 7, 16, 63, 64, 65, 127, 500}) {
    INFO("chunk " << chunk);
    RequireSame(InChunks(input, chunk, streaming), once, want);
    RequireSame(InChunks(input, chunk, streaming, &whole.dialect), once, want);  // with masks
  }
  CheckEverySplit(input);
}

TEST_CASE("csv: unterminated quote names where it opened", "[csv]") {
  const std::string input = "a,b,c\n1,2,3\n4,\"open\nmore\n";
  const Parsed p = Parse(input);
  CHECK(p.error == "parse_error: t.csv:3:2: unterminated quoted field opened at line 3 (the input ends inside it)");
  CHECK(p.records.size() == 2);
  CheckEverySplit(input);
}

TEST_CASE("csv: a record over max_record_bytes is fatal", "[csv]") {
  CsvOptions options;
  options.max_record_bytes = 12;
  const std::string input = "a,b\nxx,0123456789abc,d\n";
  const Parsed p = Parse(input, options);
  CHECK(p.error ==
        "parse_error: t.csv:2:2: record starting at line 2 is larger than max_record_bytes (12 bytes)");
  CheckEverySplit(input, options);

  const std::string open = "a,b\nx,\"never closed\nand on and on and on\n";
  const Parsed q = Parse(open, options);
  CHECK(q.error ==
        "parse_error: t.csv:2:2: record starting at line 2 is larger than max_record_bytes (12 bytes); the "
        "quoted field opened at line 2, field 2 is still open (unterminated quote?)");
  CheckEverySplit(open, options);

  // Exactly at the limit is fine.
  CHECK(Parse("0123456789ab\n", options).error.empty());
}

TEST_CASE("csv: binary input is rejected", "[csv]") {
  const std::string input("a,b\nc,d\nPK\x03\x04\0\0zip", 17);
  const Parsed p = Parse(input);
  CHECK(p.error ==
        "parse_error: t.csv:3:1: not a CSV/text file (NUL byte at byte offset 12; binary data such as a "
        "spreadsheet, archive or UTF-16 text?)");
  CHECK(p.records.empty());
  CheckEverySplit(input);
}

TEST_CASE("csv: Windows-1252 text is rejected with advice", "[csv]") {
  const std::string input = "name,city\nAnn,M\xFCnster\n";
  const Parsed p = Parse(input);
  CHECK(p.error ==
        "parse_error: t.csv:2:2: not UTF-8: looks like Windows-1252/Latin-1; re-save as UTF-8 (invalid byte "
        "0xFC at byte offset 15)");
  CheckEverySplit(input);
  // A UTF-8 sequence cut by the end of the sniffed sample is fine when more input follows.
  CsvOptions options;
  options.sniff_bytes = 15;  // cuts "ü" (C3 BC) after its first byte
  const Parsed cut = Parse("name,city\nAnn,M\xC3\xBCnster\n", options);
  CHECK(cut.error.empty());
  CHECK(cut.records.size() == 2);
}

TEST_CASE("csv: the scanner finds the same bytes with its masks found ahead, from any start", "[csv]") {
  // Structural bytes at every distance, across 64-byte blocks, and a buffer that ends inside a block.
  std::string buf;
  for (int i = 0; i < 700; ++i) buf += "ab,\"\n\r;xyz0123456789"[(i * 7 + i / 13) % 20];
  for (size_t n : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{128}, size_t{639}, buf.size()}) {
    std::vector<uint64_t> masks(csv_internal::Scanner::MaskWords(n) + 1, ~uint64_t{0});
    csv_internal::Scanner::StructuralMasks(buf.data(), n, ',', '"', masks.data());
    CHECK(masks[csv_internal::Scanner::MaskWords(n)] == ~uint64_t{0});  // no word written past the end
    for (size_t start = 0; start <= n; ++start) {
      csv_internal::Scanner plain(buf.data(), n, ',', '"', start);
      csv_internal::Scanner ahead(buf.data(), n, ',', '"', start, masks.data());
      INFO("n " << n << " start " << start);
      // The usual walk (the byte after the last found), with a jump now and then.
      for (size_t from = start, step = 0; from <= n; ++step) {
        const size_t a = plain.Next(from), b = ahead.Next(from);
        REQUIRE(a == b);
        if (a >= n) break;
        from = a + 1 + (step % 5 == 4 ? 70 : 0);
        if (from > n) break;
      }
    }
  }
}

TEST_CASE("csv: the portable word-at-a-time classifier is exact", "[csv]") {
  // The SWAR path is what Emscripten builds without SIMD use; x86 builds use SSE2, so test it directly.
  using csv_internal::SwarEqual;
  using csv_internal::SwarGather;
  const uint64_t comma = 0x0101010101010101ULL * ',';
  for (int pattern = 0; pattern < 256; ++pattern) {
    uint64_t word = 0;
    for (int k = 0; k < 8; ++k) {
      // Byte k is ',' when bit k of the pattern is set, else a neighbour of ',' or a high byte.
      const unsigned char byte = (pattern >> k) & 1 ? ',' : static_cast<unsigned char>(k % 2 ? ',' + 1 : 0xAC);
      word |= uint64_t{byte} << (8 * k);
    }
    INFO("pattern " << pattern);
    CHECK(SwarGather(SwarEqual(word, comma)) == static_cast<uint64_t>(pattern));
  }
}

// --- The reference files, read in place -------------------------------------------------------------

struct FileCase {
  const char* name;
  size_t records;     // header included
  uint64_t last_line;
  bool whitespace_runs;
  size_t min_fields, max_fields;
};

TEST_CASE("csv: reference files have the documented record counts", "[csv]") {
  const FileCase cases[] = {
      {"shopify_alphapaw_orders_export_1.csv", 5121 + 1, 0, false, 79, 79},
      {"shopify_enavant_orders_export_1.csv", 811 + 1, 0, false, 73, 73},
      {"shopify_enavant_customers_export_1.csv", 1511 + 1, 0, false, 20, 20},
      {"shopify_maisonmaria_orders_export_1.csv", 61 + 1, 0, false, 79, 79},
      {"shopify_stacksbd_orders_export_21.csv", 57 + 1, 0, false, 79, 79},
      {"lifetimes_CDNOW_master.txt", 69659 + 1, 69660, true, 4, 4},
      {"lifetimes_CDNOW_sample.txt", 6919, 6919, true, 5, 5},
      {"kaggle_Groceries_dataset.csv", 38765 + 1, 38766, false, 3, 3},
      {"arules_groceries.csv", 9835, 9835, false, 1, 32},
      {"lifetimes_cdnow_customers_summary_with_transactions.csv", 2357 + 1, 2358, false, 5, 5},
  };
  for (const FileCase& c : cases) {
    const std::string path = test::SharedData(c.name);
    if (path.empty()) return;
    const std::string bytes = test::ReadAll(path);
    INFO(c.name);
    struct CountSink : RecordSink {
      size_t records = 0, min_fields = static_cast<size_t>(-1), max_fields = 0;
      uint64_t last_line = 0;
      bool OnRecord(const CsvRecord& r) override {
        ++records;
        min_fields = std::min(min_fields, r.size());
        max_fields = std::max(max_fields, r.size());
        last_line = r.line();
        return true;
      }
    } sink;
    CsvReader reader(c.name);
    REQUIRE(reader.Feed(bytes, &sink).ok());
    REQUIRE(reader.Finish(&sink).ok());
    CHECK(sink.records == c.records);
    CHECK(reader.records_delivered() == c.records);
    CHECK(reader.bytes_consumed() == bytes.size());
    CHECK(reader.dialect().whitespace_runs == c.whitespace_runs);
    CHECK(sink.min_fields == c.min_fields);
    CHECK(sink.max_fields == c.max_fields);
    if (c.last_line != 0) CHECK(sink.last_line == c.last_line);
  }
}

TEST_CASE("csv: Stacks BD (CRLF, 9-line cells) reads the same in every chunking", "[csv]") {
  const std::string path = test::SharedData("shopify_stacksbd_orders_export_21.csv");
  if (path.empty()) return;
  const std::string bytes = test::ReadAll(path);
  const Parsed whole = Parse(bytes);
  REQUIRE(whole.error.empty());
  REQUIRE(whole.records.size() == 58);
  CHECK(bytes.find("\r\n") != std::string::npos);
  for (size_t chunk : {1, 2, 3, 5, 64, 100, 4093, 65536}) {
    INFO("chunk " << chunk);
    REQUIRE(ParseInChunks(bytes, chunk, NoSniff(',', 0)).records == whole.records);
  }
}

TEST_CASE("csv: Alpha Paw reads the same in any chunking", "[csv]") {
  const std::string path = test::SharedData("shopify_alphapaw_orders_export_1.csv");
  if (path.empty()) return;
  const std::string bytes = test::ReadAll(path);
  const Feeding once{bytes, {}, {}};
  const Feeding::Digested want = once.Digest();
  REQUIRE(want.error.empty());
  REQUIRE(want.records == 5122);
  // 7,043 physical lines: the last record starts on line 7043 unless it spans lines.
  CHECK(want.last_line <= 7043);
  for (size_t chunk : {997, 65536 + 7, 1 << 20}) {
    INFO("chunk " << chunk);
    RequireSame(InChunks(bytes, chunk, NoSniff(',', 0)), once, want);
    // Each chunk's structural masks found ahead (ParseAhead's caller): the same records.
    RequireSame(InChunks(bytes, chunk, NoSniff(',', 0), &want.dialect), once, want);
  }
}

}  // namespace
}  // namespace rapport
