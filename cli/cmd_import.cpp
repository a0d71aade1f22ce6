// rapport import: streams export files into a workspace through the engine, 4 MiB at a time.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <memory>

#include "cli/command.h"
#include "core/api/engine.h"
#include "core/api/json.h"
#include "core/import/parse.h"
#include "core/util/date.h"

namespace rapport::cli {
namespace {

constexpr size_t kChunkBytes = 4u << 20;
constexpr size_t kRejectsShown = 5;

bool SetMapping(ColumnMapping* m, const std::string& spec, std::string* error) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    *error = "--map `" + spec + "`: expected field=column (e.g. --map email=\"E-mail\" or --map date=#2)";
    return false;
  }
  const std::string field = spec.substr(0, eq), column = spec.substr(eq + 1);
  std::string* targets[] = {&m->customer, &m->email, &m->phone, &m->date, &m->amount, &m->order, &m->sku, &m->title,
                            &m->quantity, &m->currency, &m->rating, &m->score, &m->comment, &m->status, &m->channel, &m->csat};
  const char* names[] = {"customer", "email", "phone", "date", "amount", "order", "sku", "title",
                         "quantity", "currency", "rating", "score", "comment", "status", "channel", "csat"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); ++i) {
    if (field == names[i]) {
      *targets[i] = column;
      return true;
    }
  }
  *error = "--map `" + spec + "`: unknown field `" + field +
           "` (one of customer, email, phone, date, amount, order, sku, title, quantity, currency, rating, score, "
           "comment, status, channel, csat)";
  return false;
}

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
int KindRank(const std::string& path, const ImportOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return 1;
  std::string head(256u << 10, '\0');
  in.read(&head[0], static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
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

int RunImport(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"format", "date-format", "map", "currency"}, {"json"}, &args, "import")) return 2;
  if (args.positional.size() < 2) return Fail("import: expected a workspace and at least one file (see rapport import --help)");
  ImportOptions options;
  options.format = args.Get("format", "auto");
  if (args.Has("currency")) options.currency = args.Get("currency");
  if (args.Has("date-format") && !DateFormatFromName(args.Get("date-format"), &options.date_format)) {
    return Fail("import: --date-format `" + args.Get("date-format") + "`: expected auto, dmy, mdy, month-name or unix");
  }
  for (const auto& option : args.options) {
    if (option.first != "map") continue;
    std::string error;
    if (!SetMapping(&options.mapping, option.second, &error)) return Fail("import: " + error);
  }
  const std::string& workspace_path = args.positional[0];
  auto engine = Engine::OpenFile(workspace_path);
  if (!engine.ok()) return Fail(engine.status().message());

  const bool json = args.Has("json");
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
    ImportRecord record;
    if (!ImportFile(engine->get(), path, options, &record)) {
      exit_code = 1;
      if (json) report["errors"].push_back(Json{{"file", path}});
      continue;
    }
    if (record.rows_read > 0 && record.rows_accepted == 0) exit_code = 1;  // nothing usable in the file
    if (json) {
      Json reply = Json::parse((*engine)->Call(R"({"op":"imports"})"));
      for (const Json& r : reply["result"]["imports"]) {
        if (r["id"] == record.id) report["imports"].push_back(r);
      }
    } else {
      PrintReport(**engine, record);
    }
  }
  if (json) std::printf("%s\n", Dump(report, 2).c_str());
  return exit_code;
}

}  // namespace

RAPPORT_COMMAND("import", "Import store exports (orders, customers, transactions, ...) into a workspace",
                "Usage: rapport import WORKSPACE.rapport FILE... [options]\n\n"
                "Streams each file into the workspace (created when absent), one transaction per file. The format\n"
                "is detected from the header row. Orders already in the workspace are skipped, so importing the\n"
                "same file twice adds nothing. Bad rows are rejected with file:line:col and a reason (shown on\n"
                "stderr, all of them with `rapport rejects`); the other rows are imported. A file that cannot be\n"
                "read at all changes nothing and makes the exit status 1. Customers exports are imported first and\n"
                "reviews, tickets and surveys last, whatever the order on the command line, so feedback finds its\n"
                "customers.\n\n"
                "Options:\n"
                "  --format NAME          skip detection (shopify_orders, generic_transactions, ...)\n"
                "  --date-format F        auto (default), dmy, mdy, month-name, unix\n"
                "  --map FIELD=COLUMN     column of a field, by header name or #index (repeatable):\n"
                "                         customer, email, phone, date, amount, order, sku, title, quantity,\n"
                "                         currency, rating, score, comment, status, channel, csat\n"
                "  --currency CODE        currency of files that do not say (default USD)\n"
                "  --json                 print the import records as JSON",
                &RunImport);

}  // namespace rapport::cli
