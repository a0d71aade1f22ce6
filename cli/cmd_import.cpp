// rapport import: streams export files into a workspace through the engine, 1 MiB at a time.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <memory>

#include "cli/command.h"
#include "core/api/engine.h"
#include "core/api/import_options.h"
#include "core/api/json.h"
#include "core/import/detect.h"
#include "core/import/parse.h"
#include "core/workspace/store.h"
#include "core/util/date.h"

namespace rapport::cli {

// RunImport's engine, left to the end of the process (see there).
Engine* import_engine_kept_until_exit = nullptr;

namespace {

// The engine copies each chunk into its parse queue (a few chunks deep, buffers reused): 1 MiB chunks hold
// ~5 MB there and here where 4 MiB ones held ~21 MB, memory first touched by every import (bench/RESULTS.md,
// "Import"). The slices then end at other orders, which changes nothing stored (a sliced merge equals the
// whole file's: tests/api/sliced_import_test.cpp).
constexpr size_t kChunkBytes = 1u << 20;
constexpr size_t kRejectsShown = 5;

// Streams one file through the engine. On failure prints "rapport: file:line:col: message" and returns false.
bool ImportFile(Engine* engine, const std::string& path, const ImportOptions& options, ImportRecord* record) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Fail(path + ": cannot open file: " + std::strerror(errno));
    return false;
  }
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  in.seekg(0, std::ios::beg);
  Status s = engine->BeginImport(path, options, size, NowIso());
  if (!s.ok()) {
    Fail(s.message());
    return false;
  }
  std::unique_ptr<char[]> buffer(new char[kChunkBytes]);
  while (in) {
    in.read(buffer.get(), static_cast<std::streamsize>(kChunkBytes));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    s = engine->ImportChunk(std::string_view(buffer.get(), static_cast<size_t>(got)));
    if (!s.ok()) {
      Fail(s.message());
      return false;
    }
  }
  if (in.bad()) {
    engine->CancelImport();
    Fail(path + ": read error: " + std::strerror(errno));
    return false;
  }
  Result<ImportRecord> r = engine->FinishImport();
  if (!r.ok()) {
    Fail(r.status().message());
    return false;
  }
  *record = *r;
  return true;
}

// Import order: customers, then orders and transactions, then products, then feedback, so that reviews,
// tickets and surveys find the customers they name (MergeBatch attaches feedback to existing customers only).
// The kind comes from the header of the file's first 256 KiB; an unreadable file keeps its place among orders.
// The first 256 KiB of a file ("" when it cannot be read); *complete when that is the whole file.
std::string ReadHead(const std::string& path, bool* complete) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string();
  std::string head(256u << 10, '\0');
  in.read(&head[0], static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  *complete = in.eof();
  return head;
}

int KindRank(const std::string& path, const ImportOptions& options) {
  bool complete = false;
  const std::string head = ReadHead(path, &complete);
  if (head.empty()) return 1;
  ParseSession probe(path, options);
  if (!probe.Feed(head).ok()) return 1;
  if (!probe.detected()) probe.Finish();  // some importers look at the first rows before they say
  if (!probe.detected()) return 1;
  const std::string kind = probe.detected()->kind;
  if (kind == "customers") return 0;
  if (kind == "orders" || kind == "transactions") return 1;
  if (kind == "products") return 2;
  return 3;
}

void PrintReport(const Engine& engine, const ImportRecord& r) {
  std::printf("%s: %s, import #%u\n", r.file_name.c_str(), r.format.empty() ? "?" : r.format.c_str(), r.id);
  std::printf("  rows       %llu read, %llu accepted, %llu rejected\n", (unsigned long long)r.rows_read,
              (unsigned long long)r.rows_accepted, (unsigned long long)r.rows_rejected);
  std::printf("  orders     %llu added, %llu already present\n", (unsigned long long)r.orders_added,
              (unsigned long long)r.orders_skipped_duplicate);
  std::printf("  customers  %llu added, %llu merged with existing\n", (unsigned long long)r.customers_added,
              (unsigned long long)r.customers_merged);
  if (r.first_day != kNoDay) {
    std::printf("  dates      %s .. %s\n", FormatDay(r.first_day).c_str(), FormatDay(r.last_day).c_str());
  }
  std::string currencies;
  for (const std::string& c : r.currencies) currencies += (currencies.empty() ? "" : ", ") + c;
  if (!currencies.empty()) std::printf("  currencies %s\n", currencies.c_str());
  // The first rejected rows, compiler style, on stderr.
  size_t shown = 0, rejected = 0;
  for (const ImportIssue& x : engine.workspace().issues) {
    if (x.import_id != r.id || !x.rejected) continue;
    ++rejected;
    if (shown < kRejectsShown) {
      std::fprintf(stderr, "%s:%llu:%u: %s\n", r.file_name.c_str(), (unsigned long long)x.line, x.column, x.message.c_str());
      ++shown;
    }
  }
  if (rejected > shown) {
    std::fprintf(stderr, "%s: ... and %zu more rejected rows (rapport rejects WORKSPACE %u)\n", r.file_name.c_str(),
                 rejected - shown, r.id);
  }
}

// The options a file is imported with: the command line's, or, for a file no platform format recognises
// and no mapping given, the saved mapping that fits it (core/api/import_options.h). *used names that mapping.
ImportOptions OptionsFor(Engine* engine, const std::string& path, const ImportOptions& given, bool explicit_options,
                         std::string* used) {
  used->clear();
  if (explicit_options) return given;
  bool complete = false;
  const std::string head = ReadHead(path, &complete);
  if (head.empty()) return given;
  Result<FileProbe> probe = ProbeFile(head, path, given, complete);
  if (!probe.ok() || !probe->generic) return given;
  Result<SavedMappingMatch> match = MatchSavedMapping(engine->store().db(), head, path, complete);
  if (!match.ok() || !match->found) return given;
  *used = match->mapping.name;
  return match->options;
}

int RunImport(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"format", "date-format", "map", "currency", "mapping", "mapping-file", "save-mapping",
                        "decimal"},
                 {"json", "no-header"}, &args, "import")) {
    return 2;
  }
  if (args.positional.size() < 2) return Fail("import: expected a workspace and at least one file (see rapport import --help)");
  if (args.Has("mapping") && args.Has("mapping-file")) return Fail("import: give --mapping or --mapping-file, not both");
  const std::string& workspace_path = args.positional[0];
  auto engine = Engine::OpenFile(workspace_path);
  if (!engine.ok()) return Fail(engine.status().message());

  // Options, in this order: a saved mapping or a mapping file, then the single options over it.
  ImportOptions options;
  if (args.Has("mapping")) {
    Status st = ApplySavedMapping((*engine)->store().db(), args.Get("mapping"), &options);
    if (!st.ok()) return Fail("import: --mapping: " + st.message());
  }
  if (args.Has("mapping-file")) {
    std::string text, error;
    if (!ReadFile(args.Get("mapping-file"), &text, &error)) return Fail("import: --mapping-file: " + error);
    Status st = ImportOptionsFromText(text, &options);
    if (!st.ok()) return Fail("import: " + args.Get("mapping-file") + ": " + st.message());
  }
  if (args.Has("format")) options.format = args.Get("format");
  if (options.format != "auto" && FindImporter(options.format) == nullptr) {
    return Fail("import: --format `" + options.format + "`: unknown format (rapport formats lists them)");
  }
  if (args.Has("currency")) options.currency = args.Get("currency");
  if (args.Has("decimal")) {
    const std::string d = args.Get("decimal");
    if (d != "." && d != ",") return Fail("import: --decimal `" + d + "`: expected . or ,");
    options.decimal_separator = d[0];
  }
  if (args.Has("no-header")) options.has_header = 0;
  if (args.Has("date-format") && !DateFormatFromName(args.Get("date-format"), &options.date_format)) {
    return Fail("import: --date-format `" + args.Get("date-format") + "`: expected auto, dmy, mdy, month-name or unix");
  }
  for (const auto& option : args.options) {
    if (option.first != "map") continue;
    Status st = SetMappingFromSpec(option.second, &options.mapping);
    if (!st.ok()) return Fail("import: " + st.message());
  }
  const bool explicit_options =
      args.Has("mapping") || args.Has("mapping-file") || args.Has("map") || args.Has("format") || args.Has("no-header");
  if (args.Has("save-mapping")) {
    if (options.mapping.empty()) return Fail("import: --save-mapping needs a mapping (--map, --mapping-file or --mapping)");
    Json request{{"op", "mapping_save"}, {"name", args.Get("save-mapping")}, {"options", ImportOptionsToJson(options)},
                 {"created", NowIso()}};
    Json reply = Json::parse((*engine)->Call(Dump(request)));
    if (!reply.value("ok", false)) return Fail("import: --save-mapping: " + reply["error"].value("message", std::string()));
  }

  const bool json = args.Has("json");
  // Without --json nothing reads the orders after the import (the report is the record and the rejected rows):
  // each slice's order rows leave memory once written, so a large file's import touches less new memory.
  (*engine)->set_import_keeps_orders(json);
  int exit_code = 0;
  Json report = Json::object();
  report["imports"] = Json::array();
  report["errors"] = Json::array();
  std::vector<std::pair<int, std::string>> files;
  for (size_t i = 1; i < args.positional.size(); ++i) {
    files.emplace_back(args.positional.size() > 2 ? KindRank(args.positional[i], options) : 0, args.positional[i]);
  }
  std::stable_sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& file : files) {
    const std::string& path = file.second;
    std::string used;
    const ImportOptions file_options = OptionsFor(engine->get(), path, options, explicit_options, &used);
    if (!used.empty() && !json) std::printf("%s: using the saved mapping \"%s\"\n", path.c_str(), used.c_str());
    ImportRecord record;
    if (!ImportFile(engine->get(), path, file_options, &record)) {
      exit_code = 1;
      if (json) report["errors"].push_back(Json{{"file", path}});
      continue;
    }
    if (record.rows_read > 0 && record.rows_accepted == 0) exit_code = 1;  // nothing usable in the file
    if (json) {
      Json reply = Json::parse((*engine)->Call(R"({"op":"imports"})"));
      for (const Json& r : reply["result"]["imports"]) {
        if (r["id"] != record.id) continue;
        Json entry = r;
        if (!used.empty()) entry["saved_mapping"] = used;
        report["imports"].push_back(entry);
      }
    } else {
      PrintReport(**engine, record);
    }
  }
  if (json) std::printf("%s\n", Dump(report, 2).c_str());
  // The command ends the process: the engine is left to it rather than destroyed, so that the operating
  // system takes the workspace's memory back at once instead of its columns being freed string by string
  // (millions of them after a large import: 0.1-0.3 s). Every import above is committed (or rolled back)
  // already; what the store leaves open is the file and SQLite's cache, which the exit closes and frees. Kept
  // reachable from a global (for leak checkers), as the program's own state would be.
  import_engine_kept_until_exit = engine->release();
  return exit_code;
}

int RunMappings(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {}, {"json"}, &args, "mappings")) return 2;
  if (args.positional.size() != 1) return Fail("mappings: expected a workspace (rapport mappings WS.rapport)");
  auto engine = Engine::OpenFile(args.positional[0]);
  if (!engine.ok()) return Fail(engine.status().message());
  Json reply = Json::parse((*engine)->Call(R"({"op":"mappings"})"));
  if (!reply.value("ok", false)) return Fail(reply["error"].value("message", std::string()));
  if (args.Has("json")) {
    std::printf("%s\n", Dump(reply["result"], 2).c_str());
    return 0;
  }
  for (const Json& m : reply["result"]["mappings"]) {
    std::string roles;
    if (m["options"].is_object() && m["options"].contains("mapping")) {
      for (auto it = m["options"]["mapping"].begin(); it != m["options"]["mapping"].end(); ++it) {
        roles += (roles.empty() ? "" : ", ") + it.key() + "=" + it.value().get<std::string>();
      }
    }
    std::printf("%s\t%s\n", m.value("name", std::string()).c_str(), roles.c_str());
  }
  return 0;
}

}  // namespace

RAPPORT_COMMAND("mappings", "The column mappings saved in a workspace (rapport import --save-mapping)",
                "Usage: rapport mappings WORKSPACE.rapport [--json]\n\n"
                "One line per saved mapping: its name, then role=column for each mapped role.",
                &RunMappings);

RAPPORT_COMMAND("import", "Import store exports (orders, customers, transactions, ...) into a workspace",
                "Usage: rapport import WORKSPACE.rapport FILE... [options]\n\n"
                "Streams each file into the workspace (created when absent), one transaction per file. The format\n"
                "is detected from the header row. Orders already in the workspace are skipped, so importing the\n"
                "same file twice adds nothing. Bad rows are rejected with file:line:col and a reason (shown on\n"
                "stderr, all of them with `rapport rejects`); the other rows are imported. A file that cannot be\n"
                "read at all changes nothing and makes the exit status 1. A file that no platform format recognises is\n"
                "imported with the saved mapping that fits it, if one does (rapport mappings lists them). Customers exports are imported first and\n"
                "reviews, tickets and surveys last, whatever the order on the command line, so feedback finds its\n"
                "customers.\n\n"
                "Options:\n"
                "  --format NAME          skip detection (shopify_orders, generic_transactions, ...)\n"
                "  --date-format F        auto (default), dmy, mdy, month-name, unix\n"
                "  --map FIELD=COLUMN     column of a field, by header name or #index (repeatable):\n"
                "                         customer, email, phone, date, amount, order, sku, title, quantity,\n"
                "                         currency, rating, score, comment, status, channel, csat\n"
                "  --currency CODE        currency of files that do not say (default USD)\n"
                "  --decimal SEP          decimal separator of amounts: . (default) or ,\n"
                "  --no-header            the first row is data (default: decided from the row)\n"
                "  --mapping NAME         import with a mapping saved in the workspace\n"
                "  --mapping-file F.json  import with the options in F.json: {\"mapping\": {\"date\": \"Datum\"},\n"
                "                         \"date_format\": \"dmy\", \"decimal_separator\": \",\", \"currency\": \"EUR\"}\n"
                "  --save-mapping NAME    save these options in the workspace under NAME for next time\n"
                "  --json                 print the import records as JSON",
                &RunImport);

}  // namespace rapport::cli
