// rapport demo: writes the demo store's files (core/demo/generator.h, docs/demo-store.md).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli/command.h"
#include "core/demo/generator.h"
#include "core/util/date.h"
#include "core/util/text.h"

namespace rapport::cli {
namespace {

constexpr uint32_t kStreamAbove = 100000;  // above this many customers, write oldest first (no buffering)

bool ParseCount(const Args& args, const char* name, uint64_t max, uint64_t* out) {
  if (!args.Has(name)) return true;
  int64_t value = 0;
  if (!ParseInt64(args.Get(name), &value) || value < 0 || static_cast<uint64_t>(value) > max) {
    std::fprintf(stderr, "rapport demo: --%s: expected a whole number from 0 to %llu, found `%s`\n", name,
                 static_cast<unsigned long long>(max), args.Get(name).c_str());
    return false;
  }
  *out = static_cast<uint64_t>(value);
  return true;
}

// Writes one file through a generator; returns false (after printing why) on an I/O error.
template <typename Generate>
bool WriteFile(const std::string& path, Generate&& generate, demo::DemoSummary* summary) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    Fail(path + ": cannot create file: " + std::strerror(errno));
    return false;
  }
  auto result = generate([&](std::string_view bytes) { file.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
  if (!result.ok()) {
    Fail(result.status().message());
    return false;
  }
  file.close();
  if (!file) {
    Fail(path + ": write failed (disk full?)");
    return false;
  }
  *summary = *result;
  return true;
}

int RunDemo(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"out", "seed", "customers", "days", "start", "max-lines"},
                 {"transactions", "feedback", "scale", "oldest-first", "slim"},
                 &args, "demo")) {
    return 2;
  }
  if (!args.Has("out")) return Fail("demo: --out DIR is required (see rapport demo --help)");
  const std::string dir = args.Get("out");
  uint64_t seed = 42, customers = 0, days = 730, max_lines = 0;
  if (!ParseCount(args, "seed", UINT64_MAX >> 1, &seed) || !ParseCount(args, "customers", 1000000, &customers) ||
      !ParseCount(args, "days", 3650, &days) || !ParseCount(args, "max-lines", UINT64_MAX >> 1, &max_lines)) {
    return 2;
  }
  demo::DemoOptions options;
  if (args.Has("scale")) options = demo::ScaleOptions(customers ? static_cast<uint32_t>(customers) : 1000000, seed);
  options.seed = seed;
  if (customers) options.customers = static_cast<uint32_t>(customers);
  options.days = static_cast<int32_t>(days);
  options.slim = args.Has("slim");
  options.max_lines = max_lines;
  if (args.Has("start")) {
    const int32_t start = ParseIsoDay(args.Get("start"));
    if (start == kNoDay) return Fail("demo: --start: expected a day like 2024-01-01, found `" + args.Get("start") + "`");
    options.start_day = start;
  }
  options.newest_first = options.customers <= kStreamAbove && !args.Has("oldest-first") && !args.Has("scale");
  const Status valid = demo::ValidateDemoOptions(options);
  if (!valid.ok()) return Fail(valid.message());

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(dir + ": cannot create directory: " + ec.message());

  demo::DemoSummary summary;
  const std::string orders_path = dir + "/shopify_orders_export_demo.csv";
  if (!WriteFile(orders_path, [&](const demo::ByteSink& sink) { return demo::GenerateShopifyOrders(options, sink); },
                 &summary)) {
    return 1;
  }
  std::printf("wrote %s: %llu orders (%llu valid, %llu guest, %llu cancelled, %llu refunded), %llu rows, %.1f MB\n",
              orders_path.c_str(), static_cast<unsigned long long>(summary.orders),
              static_cast<unsigned long long>(summary.valid_orders), static_cast<unsigned long long>(summary.guest_orders),
              static_cast<unsigned long long>(summary.cancelled_orders),
              static_cast<unsigned long long>(summary.refunded_orders), static_cast<unsigned long long>(summary.line_items),
              static_cast<double>(summary.bytes) / 1e6);
  std::printf("  %llu customers, %s to %s, net revenue %.2f %s\n", static_cast<unsigned long long>(summary.customers),
              FormatDay(options.start_day).c_str(), FormatDay(options.start_day + options.days - 1).c_str(),
              static_cast<double>(summary.net_revenue_cents) / 100.0, options.currency.c_str());
  if (args.Has("transactions")) {
    demo::DemoSummary tx;
    const std::string path = dir + "/transactions_demo.csv";
    if (!WriteFile(path, [&](const demo::ByteSink& sink) { return demo::GenerateTransactions(options, sink); }, &tx)) {
      return 1;
    }
    std::printf("wrote %s: the same %llu valid orders as transactions, %.1f MB\n", path.c_str(),
                static_cast<unsigned long long>(tx.valid_orders), static_cast<double>(tx.bytes) / 1e6);
  }
  if (args.Has("feedback")) {
    const std::string reviews_path = dir + "/judgeme_reviews_demo.csv", nps_path = dir + "/nps_demo.csv";
    std::ofstream reviews(reviews_path, std::ios::binary | std::ios::trunc), nps(nps_path, std::ios::binary | std::ios::trunc);
    if (!reviews || !nps) return Fail(dir + ": cannot create the feedback files: " + std::strerror(errno));
    auto result = demo::GenerateFeedback(
        options, [&](std::string_view b) { reviews.write(b.data(), static_cast<std::streamsize>(b.size())); },
        [&](std::string_view b) { nps.write(b.data(), static_cast<std::streamsize>(b.size())); });
    if (!result.ok()) return Fail(result.status().message());
    reviews.close();
    nps.close();
    if (!reviews || !nps) return Fail(dir + ": writing the feedback files failed (disk full?)");
    std::printf("wrote %s and %s\n", reviews_path.c_str(), nps_path.c_str());
  }
  std::printf("true parameters (seed %llu; time in days, money in dollars):\n", static_cast<unsigned long long>(options.seed));
  std::printf("  BG/NBD       r %g  alpha %g  a %g  b %g\n", options.r, options.alpha, options.a, options.b);
  std::printf("  Gamma-Gamma  p %g  q %g  v %g  (mean order value %.2f)\n", options.p, options.q, options.v,
              options.p * options.v / (options.q - 1.0));
  return 0;
}

}  // namespace

RAPPORT_COMMAND("demo", "Write a deterministic demo store (Shopify orders export) with known true parameters",
                "rapport demo --out DIR [--seed N] [--customers N] [--days N] [--start YYYY-MM-DD]\n"
                "             [--transactions] [--feedback] [--scale] [--oldest-first] [--slim] [--max-lines N]\n\n"
                "Writes DIR/shopify_orders_export_demo.csv: a fictional pet and home goods store whose purchasing\n"
                "follows BG/NBD and Gamma-Gamma with the parameters printed at the end (docs/demo-store.md).\n"
                "  --seed N          random seed (default 42); the same seed gives the same bytes\n"
                "  --customers N     customers with at least one order (default 5000, at most 1000000)\n"
                "  --days N          length of the history (default 730)\n"
                "  --start DAY       first day (default 2024-01-01)\n"
                "  --transactions    also write DIR/transactions_demo.csv (customer_id,date,order_id,sku,quantity,amount)\n"
                "  --feedback        also write DIR/judgeme_reviews_demo.csv and DIR/nps_demo.csv\n"
                "  --scale           the large-store story: ~5 orders per customer, 1000000 customers unless\n"
                "                    --customers says otherwise, written oldest first as a stream\n"
                "  --oldest-first    write the oldest order first (the default above 100000 customers)\n"
                "  --slim            only the 33 columns the Shopify importer reads (same names and values;\n"
                "                    54 % of the bytes): `--scale --slim` is ~2.9 GB for 1000000 customers\n"
                "  --max-lines N     end both files before the first order that would pass N export rows",
                RunDemo);

}  // namespace rapport::cli
