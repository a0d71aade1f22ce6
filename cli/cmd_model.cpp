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

// A weight such as 0.2 (at most 3 decimals, 0 to 100) in thousandths.
bool ParseWeight(const std::string& text, uint32_t* out) {
  const size_t dot = text.find('.');
  const std::string whole = text.substr(0, dot), frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 3 || frac.size() > 3 || whole.find_first_not_of("0123456789") != std::string::npos ||
      frac.find_first_not_of("0123456789") != std::string::npos || (dot != std::string::npos && frac.empty())) {
    return false;
  }
  const uint32_t v = static_cast<uint32_t>(std::stoul(whole)) * 1000 + (frac.empty() ? 0 : static_cast<uint32_t>(std::stoul((frac + "00").substr(0, 3))));
  if (v > 100000) return false;
  *out = v;
  return true;
}

int RunModel(const std::vector<std::string>& argv) {
  Args args;
  if (!ParseArgs(argv, {"out", "min-pairs", "top-n", "review-url", "review-delay", "w-repeat", "w-replenish", "w-bought",
                        "popularity-half-life"},
                 {}, &args, "model")) {
    return 2;
  }
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
  struct WeightFlag {
    const char* name;
    uint32_t* value;
    bool* fixed;
  };
  for (const WeightFlag& f : {WeightFlag{"w-repeat", &options.weights.w_repeat, &options.fix_w_repeat},
                              WeightFlag{"w-replenish", &options.weights.w_replenish, &options.fix_w_replenish},
                              WeightFlag{"w-bought", &options.weights.w_bought, &options.fix_w_bought}}) {
    if (!args.Has(f.name)) continue;
    if (!ParseWeight(args.Get(f.name), f.value)) {
      return Fail(std::string("model: --") + f.name + ": expected a number from 0 to 100 (at most 3 decimals), found `" +
                  args.Get(f.name) + "`");
    }
    *f.fixed = true;
  }
  if (args.Has("popularity-half-life")) {
    if (!ParseUint(args.Get("popularity-half-life"), 0, 36500, &options.weights.half_life_days)) {
      return Fail("model: --popularity-half-life: expected days from 0 (off) to 36500, found `" +
                  args.Get("popularity-half-life") + "`");
    }
    options.fix_half_life = true;
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
  const WeightValidation& v = stats.validation;
  if (v.ran) {
    std::printf("personal weights: searched on %zu customers' last orders, checked on %zu more: hit@4 %.4f vs %.4f "
                "(popularity), recall@10 %.4f vs %.4f, gain 95%% CI [%+.4f, %+.4f]: %s\n",
                v.select_cases, v.confirm_cases, v.hit4, v.pop_hit4, v.recall10, v.pop_recall10, v.gain_lo, v.gain_hi,
                v.accepted ? "kept" : "not better than popularity, so not used");
  } else {
    std::printf("personal weights: %s\n", options.learn_weights && !(options.fix_w_repeat && options.fix_w_replenish &&
                                                                     options.fix_w_bought && options.fix_half_life)
                                             ? "too few customers with 2+ orders to validate them (need 100), so not used"
                                             : "as given");
  }
  std::printf("weights: w_repeat %.3f, w_replenish %.3f, w_bought %.3f, popularity half-life %u days\n",
              model.meta.w_repeat / 1000.0, model.meta.w_replenish / 1000.0, model.meta.w_bought / 1000.0,
              model.meta.half_life_days);
  return 0;
}

}  // namespace

RAPPORT_COMMAND("model", "The storefront widget's model file (item-to-item scores, no customer data)",
                "Usage: rapport model WORKSPACE.rapport [--out rapport-model.bin] [--min-pairs K] [--top-n N]\n"
                "                     [--review-url TEMPLATE] [--review-delay DAYS] [--w-repeat W] [--w-replenish W]\n"
                "                     [--w-bought W] [--popularity-half-life DAYS]\n\n"
                "Learns item-to-item scores from the valid orders (bought together, and bought in the next order),\n"
                "drops pairs seen fewer than K times (default 3), keeps the N best neighbours per product\n"
                "(default 20; above 2,000 products 40,000 / products, at least 8), and writes them with each\n"
                "product's display data and median repurchase interval.\n"
                "The file holds no customer data. --review-url is the merchant's review page, with {id}, {url}\n"
                "and {title} replaced; --review-delay defaults to the settings' review request delay (14).\n"
                "The personal weights (a shopper's repeat purchases, replenishment, neighbours of their purchases)\n"
                "and the popularity half-life are learned on the store's own orders (each repeat customer's last\n"
                "order held out) and used only if they beat plain popularity there; a flag fixes one instead.\n"
                "Format and scoring: docs/widget.md.",
                &RunModel);

}  // namespace rapport::cli
