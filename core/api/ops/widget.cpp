// Op "widget_model" (core/recommend): the storefront widget's model file for the dashboard to download.
// Request: {"min_pairs": 3, "top_n": 20 (default: adaptive, build.h AdaptiveTopN), "review_delay_days": N (default settings.review_request_delay_days),
// "review_max_prompts": 3, "review_url_template": "https://shop.example/products/{id}#reviews",
// "w_repeat", "w_replenish", "w_bought" (0-100; absent: learned), "popularity_half_life" (days; absent: learned),
// "quality": true (default; the ranking on the store's own orders, each customer's last hidden: the build's own
// validation when it ran, else one more build without search)}.
// The result adds "weights" (what the file holds), "validation" (how they were learned) and "quality"
// {"cases", "customers_with_repeat", "hit4", "pop_hit4", "recall10", "pop_recall10", "d_hit4": [lo, hi],
// "d_recall10": [lo, hi]} (core/recommend/evaluate.h; the same build options, so it measures this file's ranking).
// "file": false leaves "bytes_base64" out (the page shows the figures at once and fetches the file on Download);
// the build is kept in the engine's cache, so that second call does not build again.
// Result: {"bytes_base64", "bytes", "products", "products_with_neighbours", "neighbours", "baskets",
// "transitions", "co_pairs_seen", "co_pairs_kept", "seq_pairs_seen", "seq_pairs_kept", "min_pairs", "top_n",
// "currency", "sample": [{"id", "title", "neighbours": [{"id", "title", "score"}]}] (the 5 most bought)}.
#include <algorithm>
#include <cmath>

#include "core/api/engine.h"
#include "core/api/ops.h"
#include "core/recommend/build.h"
#include "core/recommend/evaluate.h"

namespace rapport {

namespace {

std::string Base64(const std::string& in) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < in.size()) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (i + 1 < in.size() ? uint8_t(in[i + 1]) << 8 : 0);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// The workspace's baskets and products (CollectBaskets), the first step of a build (core/api/cache.h).
struct WidgetBaskets {
  std::vector<ModelProduct> products;
  Baskets baskets;
  std::string currency;
};

// A model build under way (core/recommend/build.h ModelBuilder), with the baskets it reads and, for the
// weights' validation, its split: kWidgetBasketsPerStep baskets of a pass a step.
struct WidgetBuild {
  std::shared_ptr<const WidgetBaskets> input;
  NextBasketSubsetSplit split;
  std::shared_ptr<ModelBuilder> builder;  // null: the split has too few cases, nothing to build
};
// The weights' search under way (core/recommend/evaluate.h WeightSearch), with what it reads.
struct WidgetSearch {
  std::shared_ptr<const WidgetBaskets> input;
  std::shared_ptr<const ValidationModel> learned;
  std::shared_ptr<WeightSearch> search;
};
// The baskets by customer and day under way (core/recommend/evaluate.h CustomerDayOrderer), with what it reads.
struct WidgetOrdering {
  explicit WidgetOrdering(std::shared_ptr<const WidgetBaskets> in)
      : input(std::move(in)), all(AllBaskets(input->baskets)), orderer(input->baskets, all) {}
  bool done() const { return orderer.done(); }
  size_t Run(size_t rows) { return orderer.Run(rows); }
  std::shared_ptr<const WidgetBaskets> input;
  BasketSubset all;
  CustomerDayOrderer orderer;
};
// The baskets being collected (core/recommend/build.h BasketCollector).
struct WidgetCollecting {
  WidgetCollecting(const Workspace& workspace, const Settings& settings) : collector(workspace, settings) {}
  bool done() const { return collector.done(); }
  size_t Run(size_t rows) { return collector.Run(rows); }
  BasketCollector collector;
};
// The validation split under way (core/recommend/evaluate.h LastBasketSplitter), with what it reads.
struct WidgetSplitting {
  WidgetSplitting(std::shared_ptr<const WidgetBaskets> in, std::shared_ptr<const std::vector<uint32_t>> order)
      : input(std::move(in)), in_order(std::move(order)), all(AllBaskets(input->baskets)),
        splitter(input->baskets, all, kValidationMaxCases, *in_order) {}
  bool done() const { return splitter.done(); }
  size_t Run(size_t rows) { return splitter.Run(rows); }
  std::shared_ptr<const WidgetBaskets> input;
  std::shared_ptr<const std::vector<uint32_t>> in_order;
  BasketSubset all;
  LastBasketSplitter splitter;
};
// 5.6 M baskets at a million customers: each build's longest pass (the distinct items gathered in customer order,
// random reads) took ~1 s natively in one piece.
constexpr size_t kWidgetBasketsPerStep = size_t{1} << 20;

void RunBuild(OpContext& ctx, const WidgetBuild& build) {
  if (!build.builder) return;
  while (!build.builder->done()) {
    ctx.engine->cache().StepWork();
    build.builder->Run(kWidgetBasketsPerStep);
  }
}

Json BuildReply(const ModelOptions& options, bool quality, const WidgetBaskets& input, Model model,
                const ModelStats& stats);

}  // namespace

Result<Json> Op_widget_model(OpContext& ctx) {
  const Json& rq = ctx.request;
  ModelOptions options;
  auto get_uint = [&](const char* name, uint32_t min, uint32_t max, uint32_t* out) -> Status {
    if (!rq.contains(name)) return Status::Ok();
    if (!rq[name].is_number_integer() || rq[name].get<int64_t>() < min || rq[name].get<int64_t>() > max) {
      return InvalidArgument(std::string("`") + name + "`: expected a whole number from " + std::to_string(min) +
                             " to " + std::to_string(max));
    }
    *out = static_cast<uint32_t>(rq[name].get<int64_t>());
    return Status::Ok();
  };
  RAPPORT_RETURN_IF_ERROR(get_uint("min_pairs", 1, 1000000, &options.min_pairs));
  RAPPORT_RETURN_IF_ERROR(get_uint("top_n", 1, 1000, &options.top_n));
  options.review.delay_days = ctx.settings.review_request_delay_days > 0 ? ctx.settings.review_request_delay_days : 14;
  RAPPORT_RETURN_IF_ERROR(get_uint("review_delay_days", 0, 3650, &options.review.delay_days));
  RAPPORT_RETURN_IF_ERROR(get_uint("review_max_prompts", 0, 1000, &options.review.max_prompts));
  if (rq.contains("review_url_template")) {
    if (!rq["review_url_template"].is_string()) return InvalidArgument("`review_url_template`: expected a string");
    options.review.url_template = rq["review_url_template"].get<std::string>();
  }
  auto get_weight = [&](const char* name, uint32_t* out, bool* fixed) -> Status {
    if (!rq.contains(name) || rq[name].is_null()) return Status::Ok();
    if (!rq[name].is_number() || !(rq[name].get<double>() >= 0) || rq[name].get<double>() > 100) {
      return InvalidArgument(std::string("`") + name + "`: expected a number from 0 to 100");
    }
    *out = static_cast<uint32_t>(std::lround(rq[name].get<double>() * 1000));
    *fixed = true;
    return Status::Ok();
  };
  RAPPORT_RETURN_IF_ERROR(get_weight("w_repeat", &options.weights.w_repeat, &options.fix_w_repeat));
  RAPPORT_RETURN_IF_ERROR(get_weight("w_replenish", &options.weights.w_replenish, &options.fix_w_replenish));
  RAPPORT_RETURN_IF_ERROR(get_weight("w_bought", &options.weights.w_bought, &options.fix_w_bought));
  if (rq.contains("popularity_half_life") && !rq["popularity_half_life"].is_null()) {
    RAPPORT_RETURN_IF_ERROR(get_uint("popularity_half_life", 0, 36500, &options.weights.half_life_days));
    options.fix_half_life = true;
  }
  bool quality = true;
  if (rq.contains("quality")) {
    if (!rq["quality"].is_boolean()) return InvalidArgument("`quality`: expected true or false");
    quality = rq["quality"].get<bool>();
  }
  bool file = true;
  if (rq.contains("file")) {
    if (!rq["file"].is_boolean()) return InvalidArgument("`file`: expected true or false");
    file = rq["file"].get<bool>();
  }
  // Keyed by every input but "file": the figures and the file come from one build.
  Json key = rq;
  key.erase("op");
  key.erase("file");
  const std::string settings = Dump(SettingsToJson(ctx.settings));
  const std::string reply_key = "widget:" + Dump(key) + "|" + settings;
  auto collect = [&] {
    WidgetBaskets input;
    input.currency = CollectBaskets(ctx.workspace, ctx.settings, &input.products, &input.baskets);
    return input;
  };
  std::shared_ptr<const Json> reply;
  if (!ctx.engine) {
    const WidgetBaskets input = collect();
    const WeightValidation validation = ValidateWeights(input.baskets, AllBaskets(input.baskets), input.products, options);
    ModelStats stats;
    Model model = BuildModelValidated(input.baskets, AllBaskets(input.baskets), input.products,
                                      OptionsForSettings(options, ctx.settings), validation, &stats);
    model.meta.currency = input.currency;
    reply = std::make_shared<const Json>(BuildReply(options, quality, input, std::move(model), stats));
  } else if (ctx.engine->cache().Has(reply_key)) {
    reply = ctx.engine->cache().Get<Json>(reply_key, [] { return Json(); });
  } else {
    // Steps (core/api/cache.h): the baskets, the weights' validation (its model a part a step, then the search),
    // the model a part a step. The baskets (~120 MB at a million customers) are let go once the model is built.
    AnalysisCache& cache = ctx.engine->cache();
    const std::string baskets_key = "widget-baskets:" + settings;
    std::shared_ptr<const WidgetBaskets> input;
    if (cache.Has(baskets_key)) {
      input = cache.Get<WidgetBaskets>(baskets_key, collect);
    } else {
      // kWidgetBasketsPerStep orders a step (BasketCollector), kept under way between steps.
      const std::string collecting_key = "widget-collecting:" + settings;
      const std::shared_ptr<WidgetCollecting> collecting = cache.RunInParts<WidgetCollecting>(
          collecting_key, [&] { return std::make_shared<WidgetCollecting>(ctx.workspace, ctx.settings); },
          kWidgetBasketsPerStep);
      auto collected = std::make_shared<WidgetBaskets>();
      collected->currency = collecting->collector.Result(&collected->products, &collected->baskets);
      cache.Erase(collecting_key);
      input = collected;
      cache.Put(baskets_key, input);
    }
    Json validation_key = key;
    for (const char* name : {"quality", "review_delay_days", "review_max_prompts", "review_url_template"}) validation_key.erase(name);
    // The weights' validation in two steps of its own: the model learned on the split, the search on it.
    const std::string validation_part = Dump(validation_key) + "|" + settings;
    const bool learn = LearnsWeights(options);
    std::shared_ptr<const ValidationModel> learned;
    if (learn && !cache.Has("widget-validation:" + validation_part)) {
      const std::string learning_key = "widget-learning:" + validation_part;
      if (!cache.Has("widget-learned:" + validation_part)) {
        // The baskets by customer and day, then the split, then the build, each a pass of kWidgetBasketsPerStep
        // baskets a step at most.
        const std::string order_key = "widget-order:" + settings;
        const std::string splitting_key = "widget-splitting:" + settings;
        std::shared_ptr<WidgetSplitting> splitting;
        if (!cache.Has(learning_key)) {
          std::shared_ptr<const std::vector<uint32_t>> in_order;
          if (cache.Has(splitting_key)) {
            // Under way: RunInParts below finds it.
          } else if (cache.Has(order_key)) {
            in_order = cache.Get<std::vector<uint32_t>>(order_key, [] { return std::vector<uint32_t>(); });
          } else {
            // kWidgetBasketsPerStep baskets of a pass a step (CustomerDayOrderer), kept under way between steps.
            const std::string ordering_key = "widget-ordering:" + settings;
            const std::shared_ptr<WidgetOrdering> ordering = cache.RunInParts<WidgetOrdering>(
                ordering_key, [&] { return std::make_shared<WidgetOrdering>(input); }, kWidgetBasketsPerStep);
            in_order = std::make_shared<const std::vector<uint32_t>>(ordering->orderer.Result());
            cache.Erase(ordering_key);
            cache.Put(order_key, in_order);
          }
          // The split (LastBasketSplitter: its pass over the baskets in customer order, random reads, was ~0.6 s
          // in one piece natively at 5.6 M baskets), half as many a step, kept under way between steps.
          splitting = cache.RunInParts<WidgetSplitting>(
              splitting_key, [&] { return std::make_shared<WidgetSplitting>(input, in_order); }, kWidgetBasketsPerStep / 2);
        }
        const std::shared_ptr<const WidgetBuild> learning = cache.Get<WidgetBuild>(learning_key, [&] {
          WidgetBuild w;
          w.input = input;
          w.builder = StartValidationModel(input->baskets, input->products, options, splitting->splitter.Result(), &w.split);
          return w;
        });
        cache.Erase(splitting_key);
        cache.Erase(order_key);
        RunBuild(ctx, *learning);
        learned = cache.Get<ValidationModel>("widget-learned:" + validation_part, [&] {
          ValidationModel v;
          v.split = learning->split;
          if (learning->builder) v.inner = learning->builder->Result(nullptr, &v.to_model);
          return v;
        });
        cache.Erase(learning_key);
      } else {
        learned = cache.Get<ValidationModel>("widget-learned:" + validation_part, [] { return ValidationModel(); });
      }
    }
    std::shared_ptr<const WidgetSearch> searching;
    const std::string searching_key = "widget-searching:" + validation_part;
    if (learned) {
      searching = cache.Get<WidgetSearch>(searching_key, [&] {
        return WidgetSearch{input, learned, std::make_shared<WeightSearch>(input->baskets, input->products, options, *learned)};
      });
      while (!searching->search->done()) {
        cache.StepWork();
        searching->search->Run(kWidgetBasketsPerStep);
      }
    }
    const std::shared_ptr<const WeightValidation> validation =
        cache.Get<WeightValidation>("widget-validation:" + validation_part, [&] {
          return searching ? searching->search->Result() : WeightValidation{};
        });
    cache.Erase(searching_key);
    const std::string building_key = "widget-building:" + reply_key;
    const std::shared_ptr<const WidgetBuild> building = cache.Get<WidgetBuild>(building_key, [&] {
      WidgetBuild w;
      w.input = input;
      w.builder = std::make_shared<ModelBuilder>(input->baskets, AllBaskets(input->baskets), input->products,
                                                 ChosenOptions(OptionsForSettings(options, ctx.settings), *validation));
      return w;
    });
    RunBuild(ctx, *building);
    reply = cache.Get<Json>(reply_key, [&] {
      ModelStats stats;
      Model model = building->builder->Result(&stats);
      stats.validation = *validation;
      model.meta.currency = input->currency;
      return BuildReply(options, quality, *input, std::move(model), stats);
    });
    cache.Erase(building_key);
    cache.Erase(baskets_key);
    cache.Erase("widget-learned:" + validation_part);
  }
  if (file) return *reply;
  Json out = *reply;
  out.erase("bytes_base64");
  return out;
}

namespace {

// BuildModel's model (core/recommend/build.h), from the collected baskets and the weights' validation.
Json BuildReply(const ModelOptions& options, bool quality, const WidgetBaskets& input, Model model,
                const ModelStats& stats) {
  const std::string bytes = WriteModel(model);
  Json out;
  out["bytes_base64"] = Base64(bytes);
  out["bytes"] = bytes.size();
  out["products"] = model.products.size();
  out["products_with_neighbours"] = stats.products_with_neighbours;
  out["products_with_interval"] = stats.products_with_interval;
  out["neighbours"] = stats.neighbours;
  out["baskets"] = stats.baskets;
  out["transitions"] = stats.transitions;
  out["co_pairs_seen"] = stats.co_pairs_seen;
  out["co_pairs_kept"] = stats.co_pairs_kept;
  out["seq_pairs_seen"] = stats.seq_pairs_seen;
  out["seq_pairs_kept"] = stats.seq_pairs_kept;
  out["min_pairs"] = model.meta.min_pairs;
  out["top_n"] = model.meta.top_n;
  out["currency"] = model.meta.currency;
  out["review_delay_days"] = model.review.delay_days;
  std::vector<uint32_t> top(model.products.size());
  for (uint32_t i = 0; i < top.size(); ++i) top[i] = i;
  std::stable_sort(top.begin(), top.end(), [&](uint32_t a, uint32_t b) {
    return model.products[a].popularity > model.products[b].popularity;
  });
  Json sample = Json::array();
  for (size_t i = 0; i < top.size() && i < 5; ++i) {
    const ModelProduct& p = model.products[top[i]];
    Json nb = Json::array();
    for (size_t j = 0; j < model.neighbours[top[i]].size() && j < 4; ++j) {
      const Neighbour& n = model.neighbours[top[i]][j];
      nb.push_back(Json{{"id", model.products[n.product].id}, {"title", model.products[n.product].title},
                        {"score", Num(n.score / 65535.0)}});
    }
    sample.push_back(Json{{"id", p.id}, {"title", p.title}, {"repurchase_days", p.repurchase_days}, {"neighbours", nb}});
  }
  out["sample"] = sample;
  auto weights = [](const ModelMeta& m) {
    return Json{{"w_repeat", Num(m.w_repeat / 1000.0)}, {"w_replenish", Num(m.w_replenish / 1000.0)},
                {"w_bought", Num(m.w_bought / 1000.0)}, {"popularity_half_life", m.half_life_days},
                {"w_history", Num(m.w_history / 1000.0)}, {"w_popularity", Num(m.w_popularity / 1000.0)}};
  };
  out["weights"] = weights(model.meta);
  const WeightValidation& v = stats.validation;
  out["validation"] = Json{{"ran", v.ran}, {"accepted", v.accepted}, {"select_cases", v.select_cases},
                           {"confirm_cases", v.confirm_cases}, {"hit4", Num(v.hit4)}, {"pop_hit4", Num(v.pop_hit4)},
                           {"recall10", Num(v.recall10)}, {"pop_recall10", Num(v.pop_recall10)},
                           {"gain", Json::array({Num(v.gain_lo), Num(v.gain_hi)})}, {"searched", weights(v.searched)}};
  if (quality && v.ran) {
    // The store's own next-order quality, from the build's own validation (one build, no second one): the model
    // learned on all orders but each repeat customer's last, the weights searched on half of those customers and
    // the shipped ranking (the searched weights when kept, else popularity) scored on the other half's last
    // orders against popularity. The other half also decided whether the weights are kept, so when they are the
    // gain is a slightly optimistic estimate (docs/widget.md "Budgets, measured", build time).
    const bool kept = v.accepted;
    out["quality"] = Json{{"cases", v.confirm_cases}, {"hit4", Num(kept ? v.hit4 : v.pop_hit4)},
                          {"pop_hit4", Num(v.pop_hit4)}, {"recall10", Num(kept ? v.recall10 : v.pop_recall10)},
                          {"pop_recall10", Num(v.pop_recall10)},
                          {"d_hit4", Json::array({Num(kept ? v.hit4_lo : 0.0), Num(kept ? v.hit4_hi : 0.0)})},
                          {"d_recall10", Json::array({Num(kept ? v.recall10_lo : 0.0), Num(kept ? v.recall10_hi : 0.0)})},
                          {"weights", weights(model.meta)}};
  } else if (quality) {
    // No validation ran (weights all fixed, or fewer than kMinValidationCases repeat customers): a build with these
    // options on all orders but each repeat customer's last, scored on those last orders (no search: cheap).
    const NextBasketReport r = EvaluateNextBasket(input.baskets, input.products, options, 5000);
    out["quality"] = Json{{"cases", r.cases}, {"customers_with_repeat", r.customers_with_repeat},
                          {"hit4", Num(r.model_hit4)}, {"pop_hit4", Num(r.pop_hit4)},
                          {"recall10", Num(r.model_recall10)}, {"pop_recall10", Num(r.pop_recall10)},
                          {"d_hit4", Json::array({Num(r.d_hit4.lo), Num(r.d_hit4.hi)})},
                          {"d_recall10", Json::array({Num(r.d_recall10.lo), Num(r.d_recall10.hi)})},
                          {"weights", weights(r.weights)}};
  }
  return out;
}

}  // namespace

}  // namespace rapport
