// ParseAhead: the import's parse on its own thread must hand over exactly the slices, final batch, errors and
// fingerprint of the parse in the caller's thread, whatever the chunk sizes and however slowly the caller
// merges; and an engine import through it gives the same workspace and import record.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/api/engine.h"
#include "core/api/parse_ahead.h"
#include "core/import/parse.h"
#include "demo/demo_export.h"
#include "core/util/text.h"

namespace rapport {
namespace {

using test::DemoExport;

// What a run of ParseAhead hands over: each slice's order keys, rows and issues, with the bytes consumed.
struct Run {
  std::vector<std::string> slices;
  std::string last;
  Status status;
  uint64_t fingerprint = 0;
  std::string format;
  uint64_t chunks = 0, caller_hashed = 0;  // chunks fed, and how many the caller's thread hashed
  uint64_t caller_masked = 0;              // and found the CSV structural bytes of
  bool threaded = false;
};

std::string Describe(const ImportBatch& b) {
  std::string d = std::to_string(b.orders.key.size()) + " orders, " + std::to_string(b.lines.order.size()) +
                  " lines, " + std::to_string(b.issues.size()) + " issues:";
  for (size_t i = 0; i < b.orders.key.size(); ++i) d += ' ' + std::string(b.orders.key[i]);
  return d;
}

// slow_sink_us: the sink sleeps that long per slice (every other slice when `alternate`), so that the caller's
// thread is the longer stage (the parse thread waits for it and hashes the chunks) or not (the caller hashes).
Run Parse(const std::string& text, size_t chunk, size_t slice_orders, ParseAhead::Mode mode, int slow_sink_us = 0,
          int fail_at_slice = -1, bool alternate = false) {
  Run run;
  ParseAhead ahead("orders.csv", {}, text.size(), slice_orders, mode);
  auto sink = [&](const ImportBatch& slice, uint64_t at) -> Status {
    if (static_cast<int>(run.slices.size()) == fail_at_slice) return InternalError("the sink failed");
    if (slow_sink_us > 0 && (!alternate || run.slices.size() % 2 == 0)) std::this_thread::sleep_for(std::chrono::microseconds(slow_sink_us));
    run.slices.push_back(std::to_string(at) + ": " + Describe(slice));
    return Status::Ok();
  };
  for (size_t at = 0; at < text.size(); at += chunk) {
    run.status = ahead.Feed(std::string_view(text).substr(at, chunk), sink);
    if (!run.status.ok()) return run;
  }
  Result<ImportBatch> last = ahead.Finish(sink);
  if (!last.ok()) {
    run.status = last.status();
    return run;
  }
  run.last = Describe(*last) + " rows read " + std::to_string(last->rows_read);
  run.fingerprint = ahead.fingerprint();
  run.chunks = (text.size() + chunk - 1) / chunk;
  run.caller_hashed = ahead.chunks_hashed_by_caller();
  run.caller_masked = ahead.chunks_masked_by_caller();
  run.threaded = ahead.threaded();
  run.format = ahead.detected() ? ahead.detected()->format : "";
  CHECK(ahead.bytes_consumed() == text.size());
  return run;
}

}  // namespace

TEST_CASE("ParseAhead: the parse thread hands over the inline parse's slices, batch and fingerprint", "[parse_ahead]") {
  std::string text = DemoExport(700, 21);
  text.insert(text.find('\n', text.size() / 3) + 1, "#88888,x@example.com,paid\n");  // a ragged row: an issue
  FileFingerprint whole;
  whole.Update(text);
  for (size_t chunk : {size_t{997}, size_t{4096}, size_t{1} << 16}) {
    for (size_t slice_orders : {size_t{17}, size_t{150}, size_t{100000}}) {
      CAPTURE(chunk, slice_orders);
      const Run inline_run = Parse(text, chunk, slice_orders, ParseAhead::kInline);
      const Run threaded = Parse(text, chunk, slice_orders, ParseAhead::kThreaded);
      REQUIRE(inline_run.status.ok());
      REQUIRE(threaded.status.ok());
      CHECK(threaded.slices == inline_run.slices);
      CHECK(threaded.last == inline_run.last);
      CHECK(threaded.fingerprint == inline_run.fingerprint);
      CHECK(threaded.fingerprint == whole.Final());
      CHECK(threaded.format == "shopify_orders");
      if (slice_orders == 17) CHECK(inline_run.slices.size() > 10);
      if (slice_orders == 100000) CHECK(inline_run.slices.empty());
    }
  }
  // A slow merge: the parser waits for a free batch and the chunk queue fills; nothing is lost or reordered.
  const Run inline_run = Parse(text, 997, 17, ParseAhead::kInline);
  const Run slow = Parse(text, 997, 17, ParseAhead::kThreaded, 300);
  CHECK(slow.slices == inline_run.slices);
  CHECK(slow.last == inline_run.last);
  CHECK(slow.fingerprint == whole.Final());
}

TEST_CASE("ParseAhead: the fingerprint is the file's whichever thread hashes each chunk", "[parse_ahead]") {
  // The caller's thread hashes a chunk as it copies it while the parse thread is the longer stage; the parse
  // thread hashes it once it has waited longer for the caller than the caller for it. A merge slow on every
  // other slice can switch between the two in one file; the chunks must still be hashed once each, in order.
  const std::string text = DemoExport(900, 31);
  FileFingerprint whole;
  whole.Update(text);
  for (size_t chunk : {size_t{701}, size_t{5000}}) {
    for (int slow_us : {0, 200, 2000}) {
      CAPTURE(chunk, slow_us);
      const Run inline_run = Parse(text, chunk, 13, ParseAhead::kInline);
      const Run threaded = Parse(text, chunk, 13, ParseAhead::kThreaded, slow_us, -1, /*alternate=*/true);
      REQUIRE(threaded.status.ok());
      CHECK(threaded.slices == inline_run.slices);
      CHECK(threaded.last == inline_run.last);
      CHECK(threaded.fingerprint == whole.Final());
    }
  }
}

TEST_CASE("ParseAhead: the parse thread hashes the chunks when the merge is the longer stage", "[parse_ahead]") {
  // A merge of 10 ms a slice of 50 orders against a parse of well under a millisecond a slice (under ASan too,
  // beside other test processes on a loaded machine: at 2 ms a slice of 13 orders the parse thread, kept off
  // the CPU, could wait less than the caller): the parse thread waits far longer for the caller than the
  // caller for it, so after the first chunks it hashes them (as in the engine's import, whose thread merges and
  // stores); inline nothing is hashed by "the caller's thread".
  const std::string text = DemoExport(600, 32);
  FileFingerprint whole;
  whole.Update(text);
  const Run slow = Parse(text, 2000, 50, ParseAhead::kThreaded, 10000);
  REQUIRE(slow.status.ok());
  CHECK(slow.fingerprint == whole.Final());
  CAPTURE(slow.chunks, slow.caller_hashed);
  CHECK(slow.chunks > 20);
  if (slow.threaded) {
    CHECK(slow.caller_hashed >= 1);  // the first chunk: neither thread has waited yet
    CHECK(slow.caller_hashed < slow.chunks / 2);
  } else {
    CHECK(slow.caller_hashed == 0);
  }
  CHECK(Parse(text, 2000, 13, ParseAhead::kInline).caller_hashed == 0);
}

TEST_CASE("ParseAhead: UpdateCopyAscii and UpdateAscii hash as Update, and count newlines of ASCII chunks", "[parse_ahead]") {
  // Runs of newlines longer than the 31 words a byte lane holds, every tail length, a non-ASCII byte anywhere.
  std::string bytes;
  for (int i = 0; i < 700; ++i) bytes += (i % 97 < 40) ? '\n' : static_cast<char>('a' + i % 26);
  FileFingerprint whole;
  whole.Update(bytes);
  for (size_t a : {size_t{0}, size_t{1}, size_t{5}, size_t{8}, size_t{13}, size_t{300}, size_t{699}, size_t{700}}) {
    FileFingerprint f;
    std::string copy(bytes.size(), '\0');
    uint64_t newlines = 0;
    CHECK(f.UpdateCopyAscii(std::string_view(bytes).substr(0, a), &copy[0], &newlines));
    CHECK(f.UpdateCopyAscii(std::string_view(bytes).substr(a), &copy[a], &newlines));
    CAPTURE(a);
    CHECK(f.Final() == whole.Final());
    CHECK(copy == bytes);
    CHECK(newlines == static_cast<uint64_t>(std::count(bytes.begin(), bytes.end(), '\n')));
    // Without the copy (the parse thread's pass), and the two mixed in one file.
    FileFingerprint g, h;
    uint64_t g_newlines = 0, h_newlines = 0;
    CHECK(g.UpdateAscii(std::string_view(bytes).substr(0, a), &g_newlines));
    CHECK(g.UpdateAscii(std::string_view(bytes).substr(a), &g_newlines));
    CHECK(g.Final() == whole.Final());
    CHECK(g_newlines == newlines);
    CHECK(h.UpdateAscii(std::string_view(bytes).substr(0, a), &h_newlines));
    CHECK(h.UpdateCopyAscii(std::string_view(bytes).substr(a), &copy[a], &h_newlines));
    CHECK(h.Final() == whole.Final());
    CHECK(h_newlines == newlines);
  }
  for (size_t at : {size_t{0}, size_t{7}, size_t{8}, size_t{250}, size_t{699}}) {
    std::string utf8 = bytes;
    utf8[at] = static_cast<char>(0xC3);
    FileFingerprint f, g;
    g.Update(utf8);
    std::string copy(utf8.size(), '\0');
    uint64_t newlines = 5;
    CHECK_FALSE(f.UpdateCopyAscii(utf8, &copy[0], &newlines));
    CHECK(newlines == 5);
    CHECK(f.Final() == g.Final());
    CHECK(copy == utf8);
    FileFingerprint u;
    CHECK_FALSE(u.UpdateAscii(utf8, &newlines));
    CHECK(newlines == 5);
    CHECK(u.Final() == g.Final());
  }
}

TEST_CASE("ParseAhead: the caller finds the CSV structural bytes of the chunks it hashes; the same slices", "[parse_ahead]") {
  // A fast sink: the caller's thread waits for the parse thread, so it hashes the chunks, and once the parse
  // has read the header (the dialect) it also finds their structural bytes for the parse thread's reader.
  // Chunks of every size around the scanner's 64-byte blocks, quoted line breaks (the demo's notes), CRLF.
  std::string text = DemoExport(1500, 45);
  for (size_t at = text.find('\n', text.size() / 3), k = 0; at != std::string::npos && k < 300;
       at = text.find('\n', at + 2), ++k) {
    text.insert(at, "\r");
  }
  FileFingerprint whole;
  whole.Update(text);
  for (size_t chunk : {size_t{64}, size_t{127}, size_t{4096 + 1}, size_t{30000}}) {
    CAPTURE(chunk);
    const Run inline_run = Parse(text, chunk, 40, ParseAhead::kInline);
    const Run threaded = Parse(text, chunk, 40, ParseAhead::kThreaded);
    REQUIRE(threaded.status.ok());
    CHECK(threaded.slices == inline_run.slices);
    CHECK(threaded.last == inline_run.last);
    CHECK(threaded.fingerprint == whole.Final());
    CHECK(inline_run.caller_masked == 0);
    CAPTURE(threaded.chunks, threaded.caller_hashed, threaded.caller_masked);
    CHECK(threaded.caller_masked <= threaded.caller_hashed);
    if (threaded.threaded) {
      CHECK(threaded.caller_masked < threaded.chunks);  // not the first: the dialect is not known yet
      if (chunk <= 4097) CHECK(threaded.caller_masked > 0);
    }
  }
}

TEST_CASE("ParseAhead: a fast or slow sink, quoted line breaks and CRLF give the inline parse's slices", "[parse_ahead]") {
  // With a fast sink the caller's thread waits for the parse thread with the queue full. Some chunks' first
  // line break is inside a quoted field (the demo's notes), some chunks are cut between CR and LF: same
  // slices, batch, fingerprint.
  std::string text = DemoExport(3000, 44);
  size_t crlf = 0;
  for (size_t at = text.find('\n', text.size() / 2); at != std::string::npos && crlf < 200;
       at = text.find('\n', at + 2), ++crlf) {
    text.insert(at, "\r");
  }
  FileFingerprint whole;
  whole.Update(text);
  for (size_t chunk : {size_t{1} << 16, size_t{100000}}) {
    for (int slow_us : {0, 3000}) {
      CAPTURE(chunk, slow_us);
      const Run inline_run = Parse(text, chunk, 150, ParseAhead::kInline);
      Run threaded;
      {
        ParseAhead ahead("orders.csv", {}, text.size(), 150, ParseAhead::kThreaded);
        auto sink = [&](const ImportBatch& slice, uint64_t at) -> Status {
          if (slow_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(slow_us));
          threaded.slices.push_back(std::to_string(at) + ": " + Describe(slice));
          return Status::Ok();
        };
        for (size_t at = 0; at < text.size(); at += chunk) REQUIRE(ahead.Feed(std::string_view(text).substr(at, chunk), sink).ok());
        Result<ImportBatch> last = ahead.Finish(sink);
        REQUIRE(last.ok());
        threaded.last = Describe(*last) + " rows read " + std::to_string(last->rows_read);
        threaded.fingerprint = ahead.fingerprint();
      }
      REQUIRE(inline_run.status.ok());
      CHECK(threaded.slices == inline_run.slices);
      CHECK(threaded.last == inline_run.last);
      CHECK(threaded.fingerprint == whole.Final());
    }
  }
}

TEST_CASE("ParseAhead: tiny files and files of one slice, threaded as inline", "[parse_ahead]") {
  const std::string demo = DemoExport(3, 5);
  const std::string header = demo.substr(0, demo.find('\n') + 1);
  const std::string one_order = demo.substr(0, demo.find('\n', header.size()) + 1);
  const std::string no_newline = demo.substr(0, demo.size() - 1);
  for (const std::string& text : {std::string(), header, one_order, demo, no_newline, std::string("\n\n")}) {
    for (size_t chunk : {size_t{1}, size_t{7}, size_t{1} << 20}) {
      for (size_t slice_orders : {size_t{1}, size_t{100000}}) {
        CAPTURE(text.size(), chunk, slice_orders);
        const Run a = Parse(text, chunk, slice_orders, ParseAhead::kInline);
        const Run b = Parse(text, chunk, slice_orders, ParseAhead::kThreaded);
        CHECK(b.status.ok() == a.status.ok());
        CHECK(b.status.message() == a.status.message());
        CHECK(b.slices == a.slices);
        CHECK(b.last == a.last);
        CHECK(b.fingerprint == a.fingerprint);
      }
    }
  }
  // The empty file is an error naming the file, in both modes.
  const Run empty = Parse(std::string(), 1, 1, ParseAhead::kThreaded);
  REQUIRE_FALSE(empty.status.ok());
  CHECK(empty.status.message().find("orders.csv:1:1:") == 0);
}

namespace {

// Each slice's customers' names, to compare text that is not ASCII (order keys are).
std::string Names(const ImportBatch& b) {
  std::string d;
  for (size_t i = 0; i < b.orders.who.size(); ++i) {
    d += std::string(b.orders.who.first_name[i]) + ' ' + std::string(b.orders.who.last_name[i]) + ';';
  }
  for (const ImportIssue& issue : b.issues) d += issue.code + ':' + std::to_string(issue.line) + ';';
  return d;
}

std::string Replaced(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

TEST_CASE("ParseSession::WellFormedUtf8 finds what the UTF-8 check finds in a chunk alone", "[parse_ahead]") {
  uint64_t lines = 5;
  CHECK(ParseSession::WellFormedUtf8("a,b\nc\n", &lines));
  CHECK(lines == 7);
  const std::string long_row = std::string(200, 'x') + "\n\xC3\xA9\n" + std::string(100, 'y') + "\xE2\x84\xA2\xF0\x9F\x90\xB6\n";
  lines = 0;
  CHECK(ParseSession::WellFormedUtf8(long_row, &lines));
  CHECK(lines == 3);
  // Not well-formed: the count is left as it was.
  for (std::string_view bad : {std::string_view("ab\n\xC3"), std::string_view("\xA9" "ab\n"), std::string_view("a\n\xE2\x84"),
                               std::string_view("a\n\xC0\x80"), std::string_view("\n\xF5\x80\x80\x80"),
                               std::string_view("\n\xE9t\xC3\xA9"), std::string_view("\n\xC3" "a")}) {
    CAPTURE(bad);
    lines = 9;
    CHECK_FALSE(ParseSession::WellFormedUtf8(bad, &lines));
    CHECK(lines == 9);
  }
}

TEST_CASE("ParseAhead: text that is not ASCII reads as inline, whichever thread checks it", "[parse_ahead]") {
  // The demo store's names hold "ø" (2 bytes); the second file adds 3- and 4-byte sequences; the third is the
  // same text in Windows-1252 (read as such from its first non-ASCII byte on, with an "encoding" issue). The
  // caller's thread checks a chunk it hashed (ParseSession::WellFormedUtf8) and the parse thread then only
  // counts its lines; chunks that cut a sequence, and the chunks the parse thread hashes, take the usual check.
  const std::string utf8 = DemoExport(700, 21);
  REQUIRE(utf8.find("\xC3\xB8") != std::string::npos);
  const std::string wide = Replaced(utf8, "\xC3\xB8", "\xE2\x84\xA2\xC3\xB8\xF0\x9F\x90\xB6");
  std::string latin1 = utf8;  // the demo's accents are all U+00xx: "\xC3" x -> x + 0x40
  for (const char* accent : {"\xC3\xA2", "\xC3\xA9", "\xC3\xAB", "\xC3\xB8"}) {
    latin1 = Replaced(latin1, accent, std::string(1, static_cast<char>(accent[1] + 0x40)));
  }
  REQUIRE(latin1.find("\xC3") == std::string::npos);
  for (const std::string* text : {&utf8, &wide, static_cast<const std::string*>(&latin1)}) {
    for (size_t chunk : {size_t{61}, size_t{997}, size_t{4096}, size_t{1} << 16}) {
      for (int slow_us : {0, 500}) {
        CAPTURE(text->size(), chunk, slow_us);
        std::vector<std::string> names[2];
        Run runs[2];
        for (int threaded = 0; threaded < 2; ++threaded) {
          ParseAhead ahead("orders.csv", {}, text->size(), 40, threaded ? ParseAhead::kThreaded : ParseAhead::kInline);
          auto sink = [&](const ImportBatch& slice, uint64_t) -> Status {
            if (threaded && slow_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(slow_us));
            names[threaded].push_back(Names(slice));
            return Status::Ok();
          };
          for (size_t at = 0; at < text->size(); at += chunk) {
            REQUIRE(ahead.Feed(std::string_view(*text).substr(at, chunk), sink).ok());
          }
          Result<ImportBatch> last = ahead.Finish(sink);
          REQUIRE(last.ok());
          names[threaded].push_back(Names(*last));
          runs[threaded].fingerprint = ahead.fingerprint();
        }
        CHECK(names[1] == names[0]);
        CHECK(runs[1].fingerprint == runs[0].fingerprint);
        const std::string all = [&] {
          std::string a;
          for (const std::string& n : names[1]) a += n;
          return a;
        }();
        CHECK(all.find("\xC3\xB8") != std::string::npos);  // Windows-1252 0xF8 is "ø" too
        CHECK((all.find("encoding:") != std::string::npos) == (text == &latin1));
      }
    }
  }
}

TEST_CASE("ParseAhead: errors end the parse with the inline parse's message", "[parse_ahead]") {
  // A file no importer knows, and a quote left open at the end.
  const std::string unknown = "alpha,beta\n1,2\n3,4\n";
  std::string open_quote = DemoExport(50, 3);
  open_quote += "#77777,\"never closed\n";
  for (const std::string* text : {&unknown, static_cast<const std::string*>(&open_quote)}) {
    for (size_t chunk : {size_t{5}, size_t{4096}}) {
      const Run a = Parse(*text, chunk, 10, ParseAhead::kInline);
      const Run b = Parse(*text, chunk, 10, ParseAhead::kThreaded);
      REQUIRE_FALSE(a.status.ok());
      REQUIRE_FALSE(b.status.ok());
      CHECK(b.status.message() == a.status.message());
      CHECK(b.status.code() == a.status.code());
    }
  }
  // An invalid byte late in a UTF-8 file: the error names its line, counted over chunks checked as ASCII by the
  // caller's thread (UpdateCopyAscii) and chunks checked by the parse thread alike.
  std::string utf8 = DemoExport(300, 6);
  utf8.insert(utf8.find('\n', 100) + 1 + 2, "\xC3\xA9");
  utf8.insert(utf8.find('\n', utf8.size() * 4 / 5) + 3, "\xFF");
  for (size_t chunk : {size_t{5}, size_t{777}, size_t{4096}}) {
    const Run a = Parse(utf8, chunk, 10, ParseAhead::kInline);
    const Run b = Parse(utf8, chunk, 10, ParseAhead::kThreaded);
    REQUIRE_FALSE(a.status.ok());
    CHECK(a.status.message().find("invalid UTF-8") != std::string::npos);
    CHECK(b.status.message() == a.status.message());
  }
  // The sink's own error is returned as it is, and the parse thread stops.
  const std::string text = DemoExport(300, 4);
  const Run failed = Parse(text, 1000, 20, ParseAhead::kThreaded, 0, 2);
  REQUIRE_FALSE(failed.status.ok());
  CHECK(failed.status.message() == "the sink failed");
  CHECK(failed.slices.size() == 2);
  // Destroyed part-way (an import cancelled with chunks still queued): the thread stops.
  ParseAhead ahead("orders.csv", {}, text.size(), 20, ParseAhead::kThreaded);
  auto sink = [](const ImportBatch&, uint64_t) { return Status::Ok(); };
  for (size_t at = 0; at < text.size() / 2; at += 500) REQUIRE(ahead.Feed(std::string_view(text).substr(at, 500), sink).ok());
}

TEST_CASE("engine: an import parsed on its own thread equals the inline import", "[parse_ahead]") {
  const std::string customers_then_orders[] = {DemoExport(400, 8), DemoExport(900, 9)};
  std::string results[2];
  for (int threaded = 0; threaded < 2; ++threaded) {
    auto engine = Engine::OpenMemory();
    REQUIRE(engine.ok());
    Engine& e = **engine;
    e.set_parse_thread(threaded == 1);
    for (const std::string& text : customers_then_orders) {
      REQUIRE(e.BeginImport("orders.csv", {}, text.size(), "2026-01-01T00:00:00Z").ok());
      for (size_t at = 0; at < text.size(); at += 3000) REQUIRE(e.ImportChunk(std::string_view(text).substr(at, 3000)).ok());
      REQUIRE(e.FinishImport().ok());
    }
    results[threaded] = e.Call(R"({"op":"kpis"})") + e.Call(R"({"op":"imports"})") + e.Call(R"({"op":"rfm"})");
  }
  CHECK(results[1] == results[0]);
  CHECK(results[0].find("\"orders_added\"") != std::string::npos);
}

}  // namespace rapport
