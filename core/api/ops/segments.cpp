// Ops "segment", "segment_save", "segments", "playbooks", "audience" and "lift" (core/segment, core/playbook).
//
//   {"op":"segment","rule":"orders >= 2 BUT NOT ordered_since(-90d)","limit":100,"offset":0,"sort":"net_spend",
//    "desc":true,"history":12,"ids":false,"tokens":true}
//     -> {"valid":true,"read_as":"((orders >= 2) BUT NOT ordered_since(-90d))","members":N,"share",
//         "net_revenue":"1234.50","revenue_share":0.42,...,"rows":[...]}
//     A rule with an error is not a failed call (the dashboard re-counts on each keystroke): the reply is
//     {"valid":false,"error":{"offset","length","message","rendered"}}. "tokens": true adds the rule's tokens
//     as [offset, length, class] (ClassifyTokens, core/segment/lexer.h) to either reply, for highlighting.
//     "rows": `limit` members from `offset` (the dashboard fetches its list a page at a time), in ascending
//     customer id, or by "sort" (a column of the rows; "desc" for descending; ties by id). "first": true
//     answers a rule that reads only the columns from the customer facts (FactsColumnsSuffice: orders,
//     net_spend, aov, the order dates and days since, ordered_since, ordered_between) as soon as those are built,
//     before the rest of the segment columns (the same reply otherwise), and adds "columns_pending": whether
//     the rest were still to build then (a step at a time, the engine's dashboard; the next op that needs
//     them builds them from there). Without "history".
//   {"op":"segment_fields"}   every field, function, keyword and saved segment name (autocomplete, help)
//   {"op":"segment_save","name":"VIP","rule":"...","created":"2026-11-23T10:00:00Z"}   ({"delete":true} removes)
//   {"op":"segments"}                                   saved segments with their member counts
//   {"op":"playbooks","options":{...},"limit":100,"offset":0,"playbook":"winback","due_before":"+7d" | "2026-12-01"}
//     "describe": true replies at once, before the run: each playbook's "playbook", "title", "rule" and "timing"
//     as the run's summaries give them, with "as_of", "currency", "options" (no counts, no actions).
//     due_before: only actions due on or before that day (overdue ones included) are listed, and each
//     playbook's summary gets "due" = how many of its actions that is. "offset" skips that many of the listed
//     actions (the dashboard fetches them a page at a time); "actions_total" counts them all.
//   {"op":"audience","segment":"VIP" | "rule":"..." | "playbook":"winback","format":"klaviyo","holdout":0.1}
//   {"op":"lift","customers":[..],"holdout":[0,1,..],"send_date":"2026-10-01","window_days":30}
#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

#include "core/api/engine.h"
#include "core/api/ops.h"
#include "core/api/ops/replenishment.h"
#include "core/playbook/audience.h"
#include "core/playbook/lift.h"
#include "core/playbook/playbooks.h"
#include "core/segment/evaluate.h"
#include "core/segment/lexer.h"
#include "core/segment/parser.h"
#include "core/segment/segment_store.h"
#include "core/util/text.h"
#include "core/workspace/store.h"

namespace rapport {

namespace {

// The segment columns under way.
struct SegmentBuild {
  std::shared_ptr<SegmentContextBuilder> builder;
};

// The cross-sell candidates under way, with the segment columns they read (kept while the build is).
struct CrossSellBuild {
  CrossSellBuild(std::shared_ptr<const SegmentContext> held, const PlaybookOptions& options)
      : context(std::move(held)), finder(*context, options) {}
  bool done() const { return finder.done(); }
  size_t Run(size_t rows) { return finder.Run(rows); }
  std::shared_ptr<const SegmentContext> context;
  CrossSellFinder finder;
};

// The candidates of the playbooks other than cross-sell under way (PlaybooksFor): a playbook's a Run; those whose
// pass over the customers is all their work (win-back, replenishment, review request, loyalty),
// kPlaybookCustomersPerStep customers a Run (at 1,000,000 customers each took 0.1-0.27 s natively in one).
struct CandidatesBuild {
  static constexpr uint32_t kPlaybookCustomersPerStep = uint32_t{1} << 18;
  struct Unit {
    PlaybookKind kind;
    uint32_t begin = 0, end = UINT32_MAX;
  };
  CandidatesBuild(std::shared_ptr<const SegmentContext> held, const PlaybookOptions& playbook_options,
                  std::shared_ptr<const std::vector<ProductInterval>> kept_intervals)
      : context(std::move(held)), options(playbook_options), intervals(std::move(kept_intervals)) {
    const uint32_t customers = static_cast<uint32_t>(context->customers);
    for (size_t k = 0; k < kPlaybookCount; ++k) {
      const auto kind = static_cast<PlaybookKind>(k);
      if (kind == PlaybookKind::kCrossSell ||
          std::find(options.priority.begin(), options.priority.end(), kind) == options.priority.end()) {
        continue;
      }
      const bool ranged = kind == PlaybookKind::kWinback || kind == PlaybookKind::kReplenishment ||
                          kind == PlaybookKind::kReviewRequest || kind == PlaybookKind::kLoyaltyUpgrade;
      if (!ranged || customers <= kPlaybookCustomersPerStep) {
        units.push_back(Unit{kind});
        continue;
      }
      for (uint32_t from = 0; from < customers; from += kPlaybookCustomersPerStep) {
        units.push_back(Unit{kind, from, std::min<uint32_t>(customers, from + kPlaybookCustomersPerStep)});
      }
    }
    parts.reserve(units.size());  // their addresses are taken (PlaybooksFor)
  }
  bool done() const { return parts.size() == units.size(); }
  // One unit, whatever `rows` (a step's work: AnalysisCache::RunInParts).
  size_t Run(size_t rows) {
    const Unit& unit = units[parts.size()];
    parts.push_back(FindPlaybookCandidates(*context, options, {unit.kind}, intervals.get(), unit.begin, unit.end));
    return std::max<size_t>(rows, 1);
  }
  std::shared_ptr<const SegmentContext> context;
  PlaybookOptions options;
  std::shared_ptr<const std::vector<ProductInterval>> intervals;
  std::vector<Unit> units;
  std::vector<PlaybookCandidates> parts;  // the units' candidates, in order
};

// The priority over the playbooks' candidates (AssignPlaybooks), then the actions' order (SortPlaybookActions): a
// Run each. `parts` point into `owners` (the candidates' entries, held here too).
struct AssignBuild {
  AssignBuild(std::shared_ptr<const SegmentContext> held, const PlaybookOptions& playbook_options,
              std::vector<const PlaybookCandidates*> of, std::vector<std::shared_ptr<const void>> held_parts)
      : context(std::move(held)), options(playbook_options), parts(std::move(of)), owners(std::move(held_parts)) {}
  bool done() const { return runs == 2; }
  size_t Run(size_t rows) {
    if (runs++ == 0) {
      result = AssignPlaybooks(*context, options, parts, false);
    } else {
      SortPlaybookActions(context->customers, &result);
    }
    return std::max<size_t>(rows, 1);
  }
  std::shared_ptr<const SegmentContext> context;
  PlaybookOptions options;
  std::vector<const PlaybookCandidates*> parts;
  std::vector<std::shared_ptr<const void>> owners;
  int runs = 0;
  PlaybookResult result;
};

std::string SegmentKey(OpContext& ctx) { return "segment:" + Dump(SettingsToJson(ctx.settings)); }
std::string SegmentBuildingKey(OpContext& ctx) { return "segment-building:" + Dump(SettingsToJson(ctx.settings)); }

// The segment columns under way in the engine's cache (made in a step of their own, with the facts they hold).
std::shared_ptr<const SegmentBuild> SegmentBuilding(OpContext& ctx) {
  return ctx.engine->cache().Get<SegmentBuild>(SegmentBuildingKey(ctx), [&] {
    SegmentContextOptions options;
    options.facts = FactsSourceFor(ctx);  // the facts kpis and funnel keep, not a second build
    return SegmentBuild{std::make_shared<SegmentContextBuilder>(ctx.workspace, ctx.settings, kNoDay, options)};
  });
}

// The segment columns for this request's settings, from the engine's cache when there is an engine (a live
// count re-evaluates on every keystroke; building the columns is the expensive part).
std::shared_ptr<const SegmentContext> SegmentContextFor(OpContext& ctx) {
  auto build = [&] {
    SegmentContextOptions options;
    options.facts = FactsSourceFor(ctx);  // the facts kpis and funnel keep, not a second build
    return BuildSegmentContext(ctx.workspace, ctx.settings, kNoDay, options);
  };
  if (!ctx.engine) return std::make_shared<const SegmentContext>(build());
  // A part a step (core/segment/context.h SegmentContextBuilder): the facts, then each part of the columns.
  AnalysisCache& cache = ctx.engine->cache();
  const std::string key = SegmentKey(ctx);
  if (!cache.Has(key)) {
    const std::shared_ptr<const SegmentBuild> building = SegmentBuilding(ctx);
    while (!building->builder->done()) {
      if (building->builder->WantsRfm()) {
        // RFM's rankings as the "rfm" op keeps them (a part a step of their own), so that the RFM page's
        // answer is there once the segment columns are, and the other way round.
        const SegmentContext& partial = building->builder->Partial();
        building->builder->GiveRfm(KeptRfm(ctx, partial.as_of_day, partial.currency, partial.facts_held));
        continue;
      }
      cache.StepWork();
      building->builder->Run();
    }
    const std::shared_ptr<const SegmentContext> built =
        cache.Get<SegmentContext>(key, [&] { return building->builder->Result(); });
    cache.Erase(SegmentBuildingKey(ctx));
    return built;
  }
  return cache.Get<SegmentContext>(key, build);
}

// The segment columns built so far, once those from the customer facts are (SegmentContextBuilder::Partial,
// for a rule that FactsColumnsSuffice), a step at a time like SegmentContextFor, whose build goes on from there;
// null when the whole columns are kept already (or there is no engine).
std::shared_ptr<const SegmentBuild> SegmentFactsColumns(OpContext& ctx) {
  if (!ctx.engine || ctx.engine->cache().Has(SegmentKey(ctx))) return nullptr;
  const std::shared_ptr<const SegmentBuild> building = SegmentBuilding(ctx);
  while (!building->builder->FactsColumnsBuilt()) {
    ctx.engine->cache().StepWork();
    building->builder->Run();
  }
  return building;
}


Result<std::vector<SavedSegment>> SavedSegments(OpContext& ctx) {
  if (!ctx.engine) return std::vector<SavedSegment>();
  return LoadSegments(ctx.engine->store().db());
}

Json RuleErrorJson(const RuleError& e, const std::string& rule) {
  return Json{{"offset", e.offset}, {"length", e.length}, {"message", e.message}, {"rendered", e.Render(rule)}};
}

Status RuleStatus(const RuleError& e, const std::string& rule) {
  return InvalidArgument("rule " + e.Render(rule));
}

Result<std::string> StringParam(const Json& request, const char* key, bool required) {
  if (!request.contains(key)) {
    if (required) return InvalidArgument(std::string("expected \"") + key + "\"");
    return std::string();
  }
  if (!request[key].is_string()) return InvalidArgument(std::string("\"") + key + "\": expected text");
  return request[key].get<std::string>();
}

Result<int64_t> IntParam(const Json& request, const char* key, int64_t fallback, int64_t lo, int64_t hi) {
  if (!request.contains(key)) return fallback;
  if (!request[key].is_number_integer()) return InvalidArgument(std::string("\"") + key + "\": expected a whole number");
  const int64_t v = request[key].get<int64_t>();
  if (v < lo || v > hi) {
    return InvalidArgument(std::string("\"") + key + "\": " + std::to_string(v) + " is out of range " +
                           std::to_string(lo) + ".." + std::to_string(hi));
  }
  return v;
}

Json CustomerRow(const SegmentContext& sc, uint32_t c) {
  const Workspace& ws = *sc.workspace;
  const CustomerFacts& f = sc.facts();
  return Json{{"id", c},
              {"key", ws.customers.key[c]},
              {"email", ws.customers.email[c]},
              {"first_name", c < ws.customers.first_name.size() ? ws.customers.first_name[c] : ""},
              {"last_name", c < ws.customers.last_name.size() ? ws.customers.last_name[c] : ""},
              {"orders", f.orders[c]},
              {"net_spend", Money(f.net_cents[c])},
              {"last_order_date", Day(f.last_day[c])}};
}

// The columns of CustomerRow a segment's rows can be sorted by.
bool RowSortable(const std::string& key) {
  for (const char* k : {"id", "key", "email", "first_name", "last_name", "orders", "net_spend", "last_order_date"}) {
    if (key == k) return true;
  }
  return false;
}

// Puts the first `count` of `ids` (a segment's members, ascending) in the order of CustomerRow's column `key`
// (ties and missing values: ascending id; a customer without orders has no last order date and comes last
// either way); only those are sorted (a page from the start of the list). Text compares bytewise.
void SortRows(const SegmentContext& sc, const std::string& key, bool desc, size_t count, std::vector<uint32_t>* ids) {
  if (key == "id" && !desc) return;
  const CustomerTable& cu = sc.workspace->customers;
  const CustomerFacts& f = sc.facts();
  auto text = [&](const TextColumn& column) {
    return [&column, desc](uint32_t a, uint32_t b) {
      const std::string_view x = a < column.size() ? std::string_view(column[a]) : std::string_view();
      const std::string_view y = b < column.size() ? std::string_view(column[b]) : std::string_view();
      if (x != y) return desc ? y < x : x < y;
      return a < b;
    };
  };
  auto number = [desc](auto value) {
    return [value, desc](uint32_t a, uint32_t b) {
      const auto x = value(a), y = value(b);
      if (x != y) return desc ? y < x : x < y;
      return a < b;
    };
  };
  auto partial = [&](auto less) {
    count = std::min(count, ids->size());
    if (count == ids->size()) std::sort(ids->begin(), ids->end(), less);
    else std::partial_sort(ids->begin(), ids->begin() + static_cast<std::ptrdiff_t>(count), ids->end(), less);
  };
  if (key == "id") return partial([](uint32_t a, uint32_t b) { return a > b; });
  if (key == "key") return partial(text(cu.key));
  if (key == "email") return partial(text(cu.email));
  if (key == "first_name") return partial(text(cu.first_name));
  if (key == "last_name") return partial(text(cu.last_name));
  if (key == "orders") return partial(number([&f](uint32_t c) { return f.orders[c]; }));
  if (key == "net_spend") return partial(number([&f](uint32_t c) { return f.net_cents[c]; }));
  // last_order_date: customers without orders last in both directions.
  const int32_t missing = desc ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max();
  partial(number([&f, missing](uint32_t c) { return f.orders[c] ? f.last_day[c] : missing; }));
}

std::string CurrencyCode(const SegmentContext& sc) {
  return sc.currency < sc.workspace->currencies.size() ? sc.workspace->currencies[sc.currency] : "";
}

// --- Playbook options <-> JSON ---------------------------------------------------------------------

Result<PlaybookOptions> PlaybookOptionsFromJson(const Json& j, PlaybookOptions o) {
  if (j.is_null()) return o;
  if (!j.is_object()) return InvalidArgument("playbooks: \"options\" must be an object");
  static const std::vector<std::string> kKeys = {
      "priority", "recovery_days", "at_risk_top_share", "overdue_factor", "churn_window_days", "min_cadence_days", "winback",
      "winback_max_days", "replenish_lead_days", "replenish_min_repeats", "replenish_window_days",
      "review_delay_days", "review_window_days", "tiers", "tier_recent_days", "cross_sell_min_lift",
      "cross_sell_min_customers", "cross_sell_delay_days", "cross_sell_active_days"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(kKeys.begin(), kKeys.end(), it.key()) == kKeys.end()) {
      std::string message = "playbooks: unknown option `" + it.key() + "`";
      const std::string s = ClosestMatch(it.key(), kKeys);
      if (!s.empty()) message += "; did you mean `" + s + "`?";
      return InvalidArgument(message);
    }
  }
  auto days = [&](const char* key, int32_t* out) -> Status {
    if (!j.contains(key)) return Status::Ok();
    if (!j[key].is_number_integer() || j[key].get<int64_t>() < 0 || j[key].get<int64_t>() > 100000) {
      return InvalidArgument(std::string("playbooks: `") + key + "` must be a whole number of days, 0..100000");
    }
    *out = static_cast<int32_t>(j[key].get<int64_t>());
    return Status::Ok();
  };
  auto number = [&](const char* key, double lo, double hi, double* out) -> Status {
    if (!j.contains(key)) return Status::Ok();
    if (!j[key].is_number() || !(j[key].get<double>() >= lo && j[key].get<double>() <= hi)) {
      return InvalidArgument(std::string("playbooks: `") + key + "` must be a number in " + std::to_string(lo).substr(0, 4) +
                             ".." + std::to_string(hi).substr(0, 6));
    }
    *out = j[key].get<double>();
    return Status::Ok();
  };
  RAPPORT_RETURN_IF_ERROR(days("recovery_days", &o.recovery_days));
  RAPPORT_RETURN_IF_ERROR(number("at_risk_top_share", 0, 1, &o.at_risk_top_share));
  RAPPORT_RETURN_IF_ERROR(number("overdue_factor", 0, 100, &o.overdue_factor));
  RAPPORT_RETURN_IF_ERROR(days("churn_window_days", &o.churn_window_days));
  RAPPORT_RETURN_IF_ERROR(days("min_cadence_days", &o.min_cadence_days));
  RAPPORT_RETURN_IF_ERROR(days("winback_max_days", &o.winback_max_days));
  RAPPORT_RETURN_IF_ERROR(days("replenish_lead_days", &o.replenish_lead_days));
  RAPPORT_RETURN_IF_ERROR(days("replenish_min_repeats", &o.replenish_min_repeats));
  RAPPORT_RETURN_IF_ERROR(days("replenish_window_days", &o.replenish_window_days));
  RAPPORT_RETURN_IF_ERROR(days("review_delay_days", &o.review_delay_days));
  RAPPORT_RETURN_IF_ERROR(days("review_window_days", &o.review_window_days));
  RAPPORT_RETURN_IF_ERROR(days("tier_recent_days", &o.tier_recent_days));
  RAPPORT_RETURN_IF_ERROR(number("cross_sell_min_lift", 0, 1e9, &o.cross_sell_min_lift));
  RAPPORT_RETURN_IF_ERROR(days("cross_sell_min_customers", &o.cross_sell_min_customers));
  RAPPORT_RETURN_IF_ERROR(days("cross_sell_delay_days", &o.cross_sell_delay_days));
  RAPPORT_RETURN_IF_ERROR(days("cross_sell_active_days", &o.cross_sell_active_days));
  if (j.contains("priority")) {
    if (!j["priority"].is_array()) return InvalidArgument("playbooks: `priority` must be a list of playbook names");
    o.priority.clear();
    for (const Json& name : j["priority"]) {
      PlaybookKind kind;
      if (!name.is_string() || !PlaybookFromName(name.get<std::string>(), &kind)) {
        return InvalidArgument("playbooks: unknown playbook " + name.dump() +
                               " in `priority` (feedback_recovery, at_risk_high_value, winback, replenishment, "
                               "review_request, loyalty_upgrade, cross_sell)");
      }
      if (std::find(o.priority.begin(), o.priority.end(), kind) != o.priority.end()) {
        return InvalidArgument("playbooks: " + name.dump() + " appears twice in `priority`");
      }
      o.priority.push_back(kind);
    }
  }
  if (j.contains("winback")) {
    if (!j["winback"].is_array()) return InvalidArgument("playbooks: `winback` must be a list of {\"days\", \"offer\"}");
    o.winback.clear();
    for (const Json& t : j["winback"]) {
      if (!t.is_object() || !t.contains("days") || !t["days"].is_number_integer() || t["days"].get<int64_t>() < 1 ||
          t["days"].get<int64_t>() > 100000) {
        return InvalidArgument("playbooks: each `winback` tier needs \"days\" (1..100000) and an \"offer\"");
      }
      o.winback.push_back(WinbackTier{static_cast<int32_t>(t["days"].get<int64_t>()),
                                      t.contains("offer") && t["offer"].is_string() ? t["offer"].get<std::string>() : ""});
    }
  }
  if (j.contains("tiers")) {
    if (!j["tiers"].is_array()) return InvalidArgument("playbooks: `tiers` must be a list of {\"name\", \"min_spend\"}");
    o.tiers.clear();
    for (const Json& t : j["tiers"]) {
      if (!t.is_object() || !t.contains("name") || !t["name"].is_string() || !t.contains("min_spend") ||
          !t["min_spend"].is_number() || !(t["min_spend"].get<double>() >= 0 && t["min_spend"].get<double>() < 1e13)) {
        return InvalidArgument("playbooks: each tier needs a \"name\" and a \"min_spend\" (an amount >= 0)");
      }
      o.tiers.push_back(LoyaltyTier{t["name"].get<std::string>(),
                                    static_cast<int64_t>(std::llround(t["min_spend"].get<double>() * 100))});
    }
  }
  return o;
}

Json PlaybookOptionsToJson(const PlaybookOptions& o) {
  Json priority = Json::array();
  for (PlaybookKind k : o.priority) priority.push_back(PlaybookName(k));
  Json winback = Json::array();
  for (const WinbackTier& t : o.winback) winback.push_back(Json{{"days", t.days}, {"offer", t.offer}});
  Json tiers = Json::array();
  for (const LoyaltyTier& t : o.tiers) tiers.push_back(Json{{"name", t.name}, {"min_spend", Money(t.min_spend_cents)}});
  return Json{{"priority", priority},
              {"recovery_days", o.recovery_days},
              {"at_risk_top_share", Num(o.at_risk_top_share)},
              {"overdue_factor", Num(o.overdue_factor)},
              {"churn_window_days", o.churn_window_days},
              {"min_cadence_days", o.min_cadence_days},
              {"winback", winback},
              {"winback_max_days", o.winback_max_days},
              {"replenish_lead_days", o.replenish_lead_days},
              {"replenish_min_repeats", o.replenish_min_repeats},
              {"replenish_window_days", o.replenish_window_days},
              {"review_delay_days", o.review_delay_days},
              {"review_window_days", o.review_window_days},
              {"tiers", tiers},
              {"tier_recent_days", o.tier_recent_days},
              {"cross_sell_min_lift", Num(o.cross_sell_min_lift)},
              {"cross_sell_min_customers", o.cross_sell_min_customers},
              {"cross_sell_delay_days", o.cross_sell_delay_days},
              {"cross_sell_active_days", o.cross_sell_active_days}};
}

Json ActionJson(const SegmentContext& sc, const PlaybookOptions& options, const NextAction& a) {
  const Workspace& ws = *sc.workspace;
  Json j = Json{{"customer", a.customer},
                {"email", ws.customers.email[a.customer]},
                {"playbook", PlaybookName(a.kind)},
                {"due", Day(a.due_day)},
                {"reason", PlaybookReason(sc, options, a)}};
  j["tier"] = a.tier >= 0 ? Json(a.tier + 1) : Json(nullptr);
  j["product"] = a.product < ws.products.size() ? Json(ws.products.title[a.product].empty() ? ws.products.key[a.product]
                                                                                             : ws.products.title[a.product])
                                                : Json(nullptr);
  return j;
}

// The playbooks for these options, from the engine's cache: the overview's counts, the Playbooks page's
// first page, each further page and an audience download all read one run (a few seconds at 1,000,000
// customers). An action holds figures, not text, so a million of them stay small (PlaybookReason words them).
// Steps of their own (cache.h): the products' repurchase intervals (a second or more at that size), the
// candidates of each playbook (CandidatesBuild, then the cross-sell's), then the priority over them (the run
// kept; the parts let go).
std::shared_ptr<const PlaybookResult> PlaybooksFor(OpContext& ctx, const SegmentContext& sc, const PlaybookOptions& options) {
  if (!ctx.engine) return std::make_shared<const PlaybookResult>(RunPlaybooks(sc, options));
  AnalysisCache& cache = ctx.engine->cache();
  const std::string settings = Dump(SettingsToJson(ctx.settings));
  const std::string options_json = Dump(PlaybookOptionsToJson(options));
  const std::string key = "playbooks:" + settings + "|" + options_json;
  if (cache.Has(key)) return cache.Get<PlaybookResult>(key, [] { return PlaybookResult(); });
  std::shared_ptr<const std::vector<ProductInterval>> intervals;
  if (std::find(options.priority.begin(), options.priority.end(), PlaybookKind::kReplenishment) != options.priority.end()) {
    // kRowsPerStep orders or lines a step (ReplenishmentBuilder, core/api/ops/replenishment.h).
    const int32_t min_repeats = options.replenish_min_repeats;
    const std::string intervals_key = "playbook-intervals:" + settings + "|" + std::to_string(min_repeats);
    if (!cache.Has(intervals_key)) {
      // From the intervals kept for the context's facts (shared with the Products page's first table): the
      // rows of at least max(1, min_repeats) intervals are what a build with that minimum gives.
      intervals = std::make_shared<const std::vector<ProductInterval>>(
          ProductIntervalsOf(*KeptReplenishment(ctx, sc.facts_held), min_repeats));
      cache.Put(intervals_key, intervals);
    } else {
      intervals = cache.Get<std::vector<ProductInterval>>(intervals_key, [] { return std::vector<ProductInterval>(); });
    }
  }
  // The candidates of every playbook but cross-sell, one playbook's a step (CandidatesBuild), then the
  // cross-sell's in parts (CrossSellFinder), each kept under way between steps.
  const std::string building_key = "playbook-candidates-building:" + settings + "|" + options_json;
  const std::shared_ptr<CandidatesBuild> building = cache.RunInParts<CandidatesBuild>(
      building_key, [&] { return std::make_shared<CandidatesBuild>(SegmentContextFor(ctx), options, intervals); },
      kRowsPerStep);
  std::vector<const PlaybookCandidates*> parts;
  for (const PlaybookCandidates& part : building->parts) parts.push_back(&part);
  std::shared_ptr<const PlaybookCandidates> cross_sell;
  const std::string cross_sell_key = "playbook-part:cross_sell:" + settings + "|" + options_json;
  if (std::find(options.priority.begin(), options.priority.end(), PlaybookKind::kCrossSell) != options.priority.end()) {
    if (!cache.Has(cross_sell_key)) {
      // The cross-sell candidates kRowsPerStep order lines a step (CrossSellFinder), kept under way between steps.
      const std::string cross_sell_building_key = "playbook-cross-sell-building:" + settings + "|" + options_json;
      const std::shared_ptr<CrossSellBuild> finding = cache.RunInParts<CrossSellBuild>(
          cross_sell_building_key, [&] { return std::make_shared<CrossSellBuild>(SegmentContextFor(ctx), options); },
          kRowsPerStep);
      auto part = std::make_shared<PlaybookCandidates>();
      part->by_kind.resize(kPlaybookCount);
      part->by_kind[static_cast<size_t>(PlaybookKind::kCrossSell)] = finding->finder.Result();
      cache.Erase(cross_sell_building_key);
      cache.Put<PlaybookCandidates>(cross_sell_key, part);
    }
    cross_sell = cache.Get<PlaybookCandidates>(cross_sell_key, [] { return PlaybookCandidates(); });
    parts.push_back(cross_sell.get());
  }
  if (!cache.Has(key)) {
    // The priority over the candidates, then the actions' order: a step each (together ~0.3 s natively at
    // 1,000,000 customers).
    const std::string assigning_key = "playbook-assigning:" + settings + "|" + options_json;
    const std::shared_ptr<AssignBuild> assigning = cache.RunInParts<AssignBuild>(
        assigning_key,
        [&] {
          return std::make_shared<AssignBuild>(SegmentContextFor(ctx), options, parts,
                                               std::vector<std::shared_ptr<const void>>{building, cross_sell});
        },
        kRowsPerStep);
    cache.Put(key, std::make_shared<const PlaybookResult>(std::move(assigning->result)));
    cache.Erase(assigning_key);
  }
  std::shared_ptr<const PlaybookResult> run = cache.Get<PlaybookResult>(key, [] { return PlaybookResult(); });
  cache.Erase(building_key);
  cache.Erase(cross_sell_key);
  return run;
}

Result<PlaybookOptions> OptionsForRequest(OpContext& ctx) {
  return PlaybookOptionsFromJson(ctx.request.contains("options") ? ctx.request["options"] : Json(),
                                 DefaultPlaybookOptions(ctx.settings));
}

}  // namespace

Result<Json> Op_segment(OpContext& ctx) {
  Result<std::string> rule_text = StringParam(ctx.request, "rule", true);
  if (!rule_text.ok()) return Status(StatusCode::kInvalidArgument, "segment: " + rule_text.status().message());
  Result<int64_t> limit = IntParam(ctx.request, "limit", 100, 0, 1000000);
  if (!limit.ok()) return limit.status();
  Result<int64_t> offset = IntParam(ctx.request, "offset", 0, 0, 100000000);
  if (!offset.ok()) return offset.status();
  Result<int64_t> history = IntParam(ctx.request, "history", 0, 0, 240);
  if (!history.ok()) return history.status();
  Result<std::string> sort_key = StringParam(ctx.request, "sort", false);
  if (!sort_key.ok()) return sort_key.status();
  if (!sort_key->empty() && !RowSortable(*sort_key)) {
    return InvalidArgument("segment: \"sort\": `" + *sort_key + "` is not a column of the rows (id, key, email, first_name, "
                           "last_name, orders, net_spend, last_order_date)");
  }
  Result<std::vector<SavedSegment>> saved = SavedSegments(ctx);
  if (!saved.ok()) return saved.status();

  Json tokens = nullptr;
  if (ctx.request.value("tokens", false)) {
    tokens = Json::array();
    for (const RuleToken& t : ClassifyTokens(*rule_text)) tokens.push_back(Json::array({t.offset, t.length, t.cls}));
  }
  auto invalid = [&](const RuleError& e) {
    Json j = {{"valid", false}, {"error", RuleErrorJson(e, *rule_text)}};
    if (!tokens.is_null()) j["tokens"] = tokens;
    return j;
  };
  Rule rule;
  RuleError error;
  if (!ParseRule(*rule_text, &rule, &error)) return invalid(error);
  // "first": a rule that reads only the facts' columns is answered as soon as those are built, the rest of the
  // columns built later (the same members and rows: test); "columns_pending" says whether they still are.
  const bool first = ctx.request.value("first", false);
  std::shared_ptr<const SegmentBuild> partial;
  if (first && *history == 0 && FactsColumnsSuffice(*rule.root)) partial = SegmentFactsColumns(ctx);
  std::shared_ptr<const SegmentContext> whole;
  if (!partial) whole = SegmentContextFor(ctx);
  const SegmentContext& sc = partial ? partial->builder->Partial() : *whole;
  Bitset members;
  if (!EvaluateRule(rule, sc, *saved, &members, &error)) return invalid(error);
  Json out = {{"valid", true},
              {"rule", *rule_text},
              {"read_as", CanonicalText(*rule.root)},
              {"as_of", Day(sc.as_of_day)},
              {"currency", CurrencyCode(sc)},
              {"customers", sc.customers},
              {"customers_with_orders", sc.facts().customers_with_orders},
              {"members", members.Count()}};
  out["share"] = sc.customers ? Num(static_cast<double>(members.Count()) / sc.customers) : Json(nullptr);
  std::vector<uint32_t> ids = members.Ids();
  // Net revenue of the members (counted orders, analysis currency) and their share of all customers'.
  int64_t member_cents = 0;
  for (uint32_t c : ids) member_cents += sc.facts().net_cents[c];
  int64_t all_cents = 0;
  for (size_t c = 0; c < sc.customers; ++c) all_cents += sc.facts().net_cents[c];
  out["net_revenue"] = Money(member_cents);
  out["revenue_share"] = all_cents > 0 ? Num(static_cast<double>(member_cents) / static_cast<double>(all_cents)) : Json(nullptr);
  if (!tokens.is_null()) out["tokens"] = std::move(tokens);
  if (ctx.request.value("ids", false)) out["ids"] = ids;
  // The rows: `limit` of them from `offset`, in ascending customer id or sorted by one of their columns.
  const size_t from = std::min(ids.size(), static_cast<size_t>(*offset));
  const size_t to = from + std::min(ids.size() - from, static_cast<size_t>(*limit));
  if (!sort_key->empty()) SortRows(sc, *sort_key, ctx.request.value("desc", false), to, &ids);
  Json rows = Json::array();
  for (size_t i = from; i < to; ++i) rows.push_back(CustomerRow(sc, ids[i]));
  out["rows"] = std::move(rows);
  out["offset"] = from;
  if (first) out["columns_pending"] = partial != nullptr;
  if (*history > 0) {
    std::vector<MembershipPoint> points;
    if (!SegmentHistory(ctx.workspace, ctx.settings, rule, *saved, static_cast<int>(*history), &points, &error)) {
      out["history_error"] = RuleErrorJson(error, *rule_text);
    } else {
      Json h = Json::array();
      for (const MembershipPoint& p : points) {
        h.push_back(Json{{"day", Day(p.day)}, {"members", p.members}, {"customers", p.customers}});
      }
      out["history"] = std::move(h);
    }
  }
  return out;
}

Result<Json> Op_segment_fields(OpContext& ctx) {
  static const char* kTypeNames[] = {"count", "money", "number", "date", "name", "text", "tags", "boolean"};
  Json fields = Json::array();
  for (const FieldInfo& f : SegmentFields()) {
    Json aliases = Json::array();
    for (const char* a : f.aliases) {
      if (!a) break;
      aliases.push_back(a);
    }
    Json j = {{"name", f.name}, {"aliases", std::move(aliases)}, {"type", kTypeNames[static_cast<int>(f.type)]},
              {"doc", f.doc}, {"example", f.example}};
    if (f.type == FieldType::kEnum) j["values"] = EnumValues(f.id);
    fields.push_back(std::move(j));
  }
  Json functions = Json::array();
  for (const FunctionInfo& f : SegmentFunctions()) {
    functions.push_back(Json{{"name", f.name}, {"signature", f.signature}, {"doc", f.doc}, {"example", f.example},
                             {"min_args", f.min_args}, {"max_args", f.max_args}});
  }
  Result<std::vector<SavedSegment>> saved = SavedSegments(ctx);
  if (!saved.ok()) return saved.status();
  Json names = Json::array();
  for (const SavedSegment& s : *saved) names.push_back(s.name);
  return Json{{"fields", std::move(fields)},
              {"functions", std::move(functions)},
              {"keywords", Json::array({"AND", "OR", "NOT", "BUT NOT", "IN", "CONTAINS", "BETWEEN", "true", "false", "today"})},
              {"segments", std::move(names)}};
}

Result<Json> Op_segment_save(OpContext& ctx) {
  Result<std::string> name = StringParam(ctx.request, "name", true);
  if (!name.ok()) return Status(StatusCode::kInvalidArgument, "segment_save: " + name.status().message());
  const std::string trimmed(TrimAscii(*name));
  if (trimmed.empty() || trimmed.size() > 100) return InvalidArgument("segment_save: a name of 1 to 100 characters is needed");
  if (!ctx.engine) return InvalidArgument("segment_save: no engine to store the segment in");
  sqlite3* db = ctx.engine->store().db();
  if (ctx.request.value("delete", false)) {
    RAPPORT_RETURN_IF_ERROR(DeleteSegment(db, trimmed));
    return Json{{"deleted", trimmed}};
  }
  Result<std::string> rule_text = StringParam(ctx.request, "rule", true);
  if (!rule_text.ok()) return Status(StatusCode::kInvalidArgument, "segment_save: " + rule_text.status().message());
  Result<std::string> created = StringParam(ctx.request, "created", false);
  if (!created.ok()) return created.status();
  Result<std::vector<SavedSegment>> saved = SavedSegments(ctx);
  if (!saved.ok()) return saved.status();
  Rule rule;
  RuleError error;
  if (!ParseRule(*rule_text, &rule, &error)) return RuleStatus(error, *rule_text);
  // Check the rule as it will be used: with itself among the saved segments, so a cycle through it is caught.
  std::vector<SavedSegment> with = *saved;
  SavedSegment segment{trimmed, *rule_text, *created};
  bool replaced = false;
  for (SavedSegment& s : with) {
    if (EqualsIgnoreCase(s.name, trimmed)) {
      segment.created = s.created;
      s.rule = *rule_text;
      replaced = true;
    }
  }
  if (!replaced) with.push_back(segment);
  const SegmentContext& sc = *SegmentContextFor(ctx);
  Bitset members;
  if (!EvaluateRule(rule, sc, with, &members, &error)) return RuleStatus(error, *rule_text);
  Bitset self;
  const std::string self_rule = "in_segment(\"" + trimmed + "\")";
  if (trimmed.find('"') == std::string::npos && !EvaluateRuleText(self_rule, sc, with, &self, &error)) {
    return InvalidArgument("segment_save: " + error.message);
  }
  RAPPORT_RETURN_IF_ERROR(SaveSegment(db, segment));
  return Json{{"name", segment.name}, {"rule", segment.rule}, {"created", segment.created}, {"members", members.Count()},
              {"replaced", replaced}};
}

Result<Json> Op_segments(OpContext& ctx) {
  Result<std::vector<SavedSegment>> saved = SavedSegments(ctx);
  if (!saved.ok()) return saved.status();
  // None saved: nothing to count, so no segment columns to build (their as_of is AsOfDay's).
  if (saved->empty()) return Json{{"as_of", Day(AsOfDay(ctx))}, {"segments", Json::array()}};
  const SegmentContext& sc = *SegmentContextFor(ctx);
  Json list = Json::array();
  for (const SavedSegment& s : *saved) {
    Json row = {{"name", s.name}, {"rule", s.rule}, {"created", s.created}};
    Bitset members;
    RuleError error;
    if (EvaluateRuleText(s.rule, sc, *saved, &members, &error)) {
      row["members"] = members.Count();
    } else {
      row["members"] = nullptr;
      row["error"] = RuleErrorJson(error, s.rule);
    }
    list.push_back(std::move(row));
  }
  return Json{{"as_of", Day(sc.as_of_day)}, {"segments", std::move(list)}};  // by name, case-insensitive
}

Result<Json> Op_playbooks(OpContext& ctx) {
  Result<PlaybookOptions> options = OptionsForRequest(ctx);
  if (!options.ok()) return options.status();
  Result<int64_t> limit = IntParam(ctx.request, "limit", 100, 0, 10000000);
  if (!limit.ok()) return limit.status();
  Result<int64_t> offset = IntParam(ctx.request, "offset", 0, 0, 100000000);
  if (!offset.ok()) return offset.status();
  Result<std::string> only = StringParam(ctx.request, "playbook", false);
  if (!only.ok()) return only.status();
  PlaybookKind filter = PlaybookKind::kCount;
  if (!only->empty() && !PlaybookFromName(*only, &filter)) return InvalidArgument("playbooks: unknown playbook `" + *only + "`");
  Result<std::string> due_text = StringParam(ctx.request, "due_before", false);
  if (!due_text.ok()) return due_text.status();
  if (ctx.request.value("describe", false)) {
    // What each playbook does and when, before the run (no segment columns, no counts): the page's first content.
    const Workspace& ws = ctx.workspace;
    const uint32_t currency = OpCurrency(ctx);
    const std::string code = currency < ws.currencies.size() ? ws.currencies[currency] : "";
    const int32_t as_of = AsOfDay(ctx);
    Json summaries = Json::array();
    for (const PlaybookSummary& s : DescribePlaybooks(*options, code)) {
      summaries.push_back(Json{{"playbook", PlaybookName(s.kind)}, {"title", PlaybookTitle(s.kind)}, {"rule", s.rule}, {"timing", s.timing}});
    }
    return Json{{"as_of", Day(as_of)}, {"currency", code}, {"options", PlaybookOptionsToJson(*options)},
                {"playbooks", std::move(summaries)}, {"describe", true}};
  }
  const SegmentContext& sc = *SegmentContextFor(ctx);
  const std::shared_ptr<const PlaybookResult> run = PlaybooksFor(ctx, sc, *options);
  const PlaybookResult& r = *run;
  // due_before: a day as the rule language writes one (2026-12-01, +7d, today), relative to as_of.
  int32_t due_before = kNoDay;
  if (!due_text->empty()) {
    Lexer lexer(*due_text);
    const Token t = lexer.Next();
    Literal literal;
    literal.kind = t.kind == TokenKind::kDate ? Literal::kDate : Literal::kRelative;
    literal.day = t.day;
    literal.amount = static_cast<int32_t>(t.number);
    literal.unit = t.unit;
    const bool today = t.kind == TokenKind::kIdent && EqualsIgnoreCase(t.text, "today");
    if (today) literal.kind = Literal::kToday;
    if ((t.kind != TokenKind::kDate && t.kind != TokenKind::kRelative && !today) || lexer.Next().kind != TokenKind::kEnd) {
      return InvalidArgument("playbooks: \"due_before\": expected a day such as 2026-12-01, +7d or today, found `" +
                             *due_text + "`");
    }
    due_before = ResolveDay(literal, r.as_of_day);
  }
  std::vector<uint64_t> due_counts(static_cast<size_t>(PlaybookKind::kCount) + 1, 0);
  Json summaries = Json::array();
  for (const PlaybookSummary& s : r.playbooks) {
    summaries.push_back(Json{{"playbook", PlaybookName(s.kind)},
                             {"title", PlaybookTitle(s.kind)},
                             {"rule", s.rule},
                             {"timing", s.timing},
                             {"eligible", s.eligible},
                             {"assigned", s.assigned},
                             {"due_by_as_of", s.due_by_as_of}});
  }
  Json actions = Json::array();
  uint64_t total = 0;
  for (const NextAction& a : r.actions) {
    if (due_before != kNoDay && a.due_day > due_before) continue;
    ++due_counts[static_cast<size_t>(a.kind)];
    if (filter != PlaybookKind::kCount && a.kind != filter) continue;
    if (static_cast<int64_t>(total++) >= *offset && static_cast<int64_t>(actions.size()) < *limit) actions.push_back(ActionJson(sc, *options, a));
  }
  if (due_before != kNoDay) {
    for (size_t i = 0; i < r.playbooks.size(); ++i) summaries[i]["due"] = due_counts[static_cast<size_t>(r.playbooks[i].kind)];
  }
  return Json{{"as_of", Day(r.as_of_day)},
              {"due_before", due_before != kNoDay ? Json(Day(due_before)) : Json(nullptr)},
              {"currency", CurrencyCode(sc)},
              {"options", PlaybookOptionsToJson(*options)},
              {"playbooks", std::move(summaries)},
              {"actions_total", total},
              {"offset", *offset},
              {"actions", std::move(actions)}};  // by due day, then customer id
}

Result<Json> Op_audience(OpContext& ctx) {
  const Json& q = ctx.request;
  int sources = (q.contains("segment") ? 1 : 0) + (q.contains("rule") ? 1 : 0) + (q.contains("playbook") ? 1 : 0);
  if (sources != 1) return InvalidArgument("audience: give exactly one of \"segment\", \"rule\" or \"playbook\"");
  AudienceRequest request;
  request.seed = ctx.settings.seed;
  request.holdout_share = ctx.settings.holdout_share;
  if (q.contains("holdout")) {
    if (!q["holdout"].is_number() || !(q["holdout"].get<double>() >= 0 && q["holdout"].get<double>() <= 0.9)) {
      return InvalidArgument("audience: \"holdout\" is a share from 0 to 0.9 (e.g. 0.1 for 10 %)");
    }
    request.holdout_share = q["holdout"].get<double>();
  }
  Result<std::string> format = StringParam(q, "format", false);
  if (!format.ok()) return format.status();
  if (!format->empty() && !AudienceFormatFromName(*format, &request.format)) {
    return InvalidArgument("audience: unknown format `" + *format + "` (klaviyo, mailchimp or omnisend)");
  }
  Result<std::string> name = StringParam(q, "name", false);
  if (!name.ok()) return name.status();
  const SegmentContext& sc = *SegmentContextFor(ctx);
  const Workspace& ws = ctx.workspace;
  const std::string currency = CurrencyCode(sc);
  std::vector<std::vector<std::string>> extra;  // per member, playbook columns
  std::string source;
  if (q.contains("playbook")) {
    Result<std::string> pb = StringParam(q, "playbook", true);
    if (!pb.ok()) return pb.status();
    PlaybookKind kind;
    if (!PlaybookFromName(*pb, &kind)) return InvalidArgument("audience: unknown playbook `" + *pb + "`");
    Result<PlaybookOptions> options = OptionsForRequest(ctx);
    if (!options.ok()) return options.status();
    const std::shared_ptr<const PlaybookResult> run = PlaybooksFor(ctx, sc, *options);
    const PlaybookResult& r = *run;
    std::vector<const NextAction*> chosen;
    for (const NextAction& a : r.actions) {
      if (a.kind == kind) chosen.push_back(&a);
    }
    std::sort(chosen.begin(), chosen.end(), [](const NextAction* a, const NextAction* b) { return a->customer < b->customer; });
    for (const NextAction* a : chosen) {
      request.customers.push_back(a->customer);
      extra.push_back({PlaybookTitle(a->kind), FormatDay(a->due_day), PlaybookReason(sc, *options, *a),
                       a->product < ws.products.size() ? (ws.products.title[a->product].empty() ? ws.products.key[a->product]
                                                                                                 : ws.products.title[a->product])
                                                       : std::string()});
    }
    source = PlaybookName(kind);
    request.property_names = {"Action", "Due Date", "Reason", "Product"};
  } else {
    std::string rule_text;
    Result<std::vector<SavedSegment>> saved = SavedSegments(ctx);
    if (!saved.ok()) return saved.status();
    if (q.contains("segment")) {
      Result<std::string> seg = StringParam(q, "segment", true);
      if (!seg.ok()) return seg.status();
      const SavedSegment* s = FindSavedSegment(*saved, *seg);
      if (!s) return NotFound("audience: no saved segment named \"" + *seg + "\"");
      rule_text = s->rule;
      source = s->name;
    } else {
      Result<std::string> r = StringParam(q, "rule", true);
      if (!r.ok()) return r.status();
      rule_text = *r;
      source = "Rapport segment";
    }
    Bitset members;
    RuleError error;
    if (!EvaluateRuleText(rule_text, sc, *saved, &members, &error)) return RuleStatus(error, rule_text);
    request.customers = members.Ids();
  }
  request.name = name->empty() ? source : *name;
  request.property_names.insert(request.property_names.end(), {"Rapport Audience", "Orders", "Net Spend", "Last Order Date"});
  request.property_values.resize(request.customers.size());
  for (size_t i = 0; i < request.customers.size(); ++i) {
    const uint32_t c = request.customers[i];
    std::vector<std::string>& row = request.property_values[i];
    if (i < extra.size()) row = extra[i];
    row.push_back(request.name);
    row.push_back(std::to_string(sc.facts().orders[c]));
    row.push_back(FormatMoney(sc.facts().net_cents[c], "").substr(0));
    row.back().erase(std::remove(row.back().begin(), row.back().end(), ','), row.back().end());  // 1234.50
    row.push_back(sc.facts().last_day[c] == kNoDay ? "" : FormatDay(sc.facts().last_day[c]));
  }
  const Audience a = BuildAudience(ws, request);
  Json holdout_ids = Json::array(), sent_ids = Json::array();
  for (size_t i = 0; i < a.customers.size(); ++i) (a.holdout[i] ? holdout_ids : sent_ids).push_back(a.customers[i]);
  return Json{{"name", a.name},
              {"format", AudienceFormatName(a.format)},
              {"as_of", Day(sc.as_of_day)},
              {"currency", currency},
              {"holdout_share", Num(request.holdout_share)},
              {"seed", std::to_string(HoldoutSeed(request.seed, request.name))},
              {"members", a.customers.size()},
              {"sent", a.sent},
              {"held_out", a.held_out},
              {"skipped_no_email", a.skipped_no_email},
              {"skipped_duplicate_email", a.skipped_duplicate_email},
              {"sent_ids", std::move(sent_ids)},
              {"holdout_ids", std::move(holdout_ids)},
              {"csv", a.csv},
              {"holdout_csv", a.holdout_csv}};
}

Result<Json> Op_lift(OpContext& ctx) {
  const Json& q = ctx.request;
  if (!q.contains("customers") || !q["customers"].is_array() || !q.contains("holdout") || !q["holdout"].is_array() ||
      q["customers"].size() != q["holdout"].size()) {
    return InvalidArgument("lift: expected \"customers\" (ids) and \"holdout\" (0/1) lists of the same length");
  }
  std::vector<uint32_t> customers;
  std::vector<uint8_t> holdout;
  for (size_t i = 0; i < q["customers"].size(); ++i) {
    const Json& c = q["customers"][i];
    if (!c.is_number_unsigned() || c.get<uint64_t>() >= ctx.workspace.customers.size()) {
      return InvalidArgument("lift: customers[" + std::to_string(i) + "] is not a customer id");
    }
    customers.push_back(c.get<uint32_t>());
    const Json& h = q["holdout"][i];
    holdout.push_back((h.is_boolean() && h.get<bool>()) || (h.is_number() && h.get<double>() != 0) ? 1 : 0);
  }
  Result<std::string> send = StringParam(q, "send_date", true);
  if (!send.ok()) return Status(StatusCode::kInvalidArgument, "lift: " + send.status().message());
  const int32_t send_day = ParseIsoDay(*send);
  if (send_day == kNoDay) return InvalidArgument("lift: \"send_date\": expected YYYY-MM-DD, found `" + *send + "`");
  Result<int64_t> window = IntParam(q, "window_days", 30, 1, 3650);
  if (!window.ok()) return window.status();
  const uint32_t currency = OpCurrency(ctx);
  const LiftResult r = MeasureLift(ctx.workspace, customers, holdout, send_day, static_cast<int32_t>(*window), currency);
  auto group = [](const GroupOutcome& g) {
    return Json{{"customers", g.customers},
                {"converted", g.converted},
                {"conversion_rate", Num(g.conversion_rate)},
                {"revenue", Money(g.revenue_cents)},
                {"revenue_per_customer", Num(g.revenue_per_customer / 100)}};
  };
  return Json{{"send_date", Day(r.send_day)},
              {"window_days", r.window_days},
              {"window_complete", r.last_observed_day >= r.send_day + r.window_days - 1},
              {"treatment", group(r.treatment)},
              {"control", group(r.control)},
              {"conversion", {{"diff", Num(r.conversion_diff)}, {"low", Num(r.conversion_low)}, {"high", Num(r.conversion_high)},
                              {"relative_lift", Num(r.conversion_relative_lift)}, {"p_value", Num(r.conversion_p_value)}}},
              {"revenue_per_customer", {{"diff", Num(r.revenue_diff / 100)}, {"low", Num(r.revenue_low / 100)},
                                        {"high", Num(r.revenue_high / 100)}, {"df", Num(r.revenue_df)}}}};
}

}  // namespace rapport
