// rapport model: the storefront widget's model file (docs/widget.md) from a workspace.
#include <cstdio>
#include <fstream>

#include "cli/command.h"
#include "core/api/engine.h"
#include "core/recommend/build.h"

namespace rapport::cli {
namespace {

bool ParseUint(const std::string& text, uint32_t min, uint32_t max, uint32_t* out) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  const unsigned long v = std::stoul(text);
  if (v < min || v > max) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

int RunModel(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"out", "min-pairs", "top-n", "review-url", "review-delay"}, {}, &args, "model")) return 2;
  if (args.positional.size() != 1) return Fail("model: expected one workspace (see rapport model --help)");
  const std::string& path = args.positional[0];
  if (!std::ifstream(path)) return Fail(path + ": no such workspace");
  const std::string out_path = args.Get("out", "rapport-model.bin");
  ModelOptions options;
  if (args.Has("min-pairs") && !ParseUint(args.Get("min-pairs"), 1, 1000000, &options.min_pairs)) {
    return Fail("model: --min-pairs: expected a whole number >= 1, found `" + args.Get("min-pairs") + "`");
  }
  if (args.Has("top-n") && !ParseUint(args.Get("top-n"), 1, 1000, &options.top_n)) {
    return Fail("model: --top-n: expected a whole number from 1 to 1000, found `" + args.Get("top-n") + "`");
  }
  auto engine = Engine::OpenFile(path);
  if (!engine.ok()) return Fail(engine.status().message());
  const Workspace& ws = (*engine)->workspace();
  options.review.delay_days = ws.settings.review_request_delay_days > 0 ? ws.settings.review_request_delay_days : 14;
  if (args.Has("review-delay") && !ParseUint(args.Get("review-delay"), 0, 3650, &options.review.delay_days)) {
    return Fail("model: --review-delay: expected days from 0 to 3650, found `" + args.Get("review-delay") + "`");
  }
  options.review.url_template = args.Get("review-url", "");
  ModelStats stats;
  const Model model = BuildModel(ws, ws.settings, options, &stats);
  const std::string bytes = WriteModel(model);
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  if (!out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) || !out.flush()) {
    return Fail(out_path + ": cannot write");
  }
  std::printf("%s: %zu bytes, %zu products (%llu with neighbours, %llu with a repurchase interval), %llu neighbours\n",
              out_path.c_str(), bytes.size(), model.products.size(),
              static_cast<unsigned long long>(stats.products_with_neighbours),
              static_cast<unsigned long long>(stats.products_with_interval),
              static_cast<unsigned long long>(stats.neighbours));
  std::printf("learned from %llu orders, %llu order-to-next-order transitions; pairs kept (>= %u): %llu of %llu "
              "bought together, %llu of %llu bought next\n",
              static_cast<unsigned long long>(stats.baskets), static_cast<unsigned long long>(stats.transitions),
              model.meta.min_pairs, static_cast<unsigned long long>(stats.co_pairs_kept),
              static_cast<unsigned long long>(stats.co_pairs_seen), static_cast<unsigned long long>(stats.seq_pairs_kept),
              static_cast<unsigned long long>(stats.seq_pairs_seen));
  return 0;
}

}  // namespace

RAPPORT_COMMAND("model", "The storefront widget's model file (item-to-item scores, no customer data)",
                "Usage: rapport model WORKSPACE.rapport [--out rapport-model.bin] [--min-pairs K] [--top-n N]\n"
                "                     [--review-url TEMPLATE] [--review-delay DAYS]\n\n"
                "Learns item-to-item scores from the valid orders (bought together, and bought in the next order),\n"
                "drops pairs seen fewer than K times (default 3), keeps the N best neighbours per product\n"
                "(default 20), and writes them with each product's display data and median repurchase interval.\n"
                "The file holds no customer data. --review-url is the merchant's review page, with {id}, {url}\n"
                "and {title} replaced; --review-delay defaults to the settings' review request delay (14).\n"
                "Format and scoring: docs/widget.md.",
                &RunModel);

}  // namespace rapport::cli
