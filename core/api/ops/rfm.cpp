// Op "rfm" (core/analysis/rfm): the 5x5 grid, the 11 segments, and on request a list of customers.
// Request: {"segment": "Champions" (list that segment), "customers": true (list everyone, for downloads),
// "limit": N (default 1000, 0 = no limit)}. Lists are sorted by net revenue desc, then customer id.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "core/analysis/rfm/rfm.h"
#include "core/api/cache.h"
#include "core/api/engine.h"
#include "core/api/ops.h"

namespace rapport {

namespace {

// The analysis under way, then done (RfmBuilder), with the customer facts it reads (held while it is).
struct RfmBuild {
  RfmBuild(const Workspace& ws, std::shared_ptr<const CustomerFacts> held) : facts(std::move(held)), builder(ws, *facts) {}
  bool done() const { return builder.done(); }
  size_t Run(size_t rows) { return builder.Run(rows); }
  std::shared_ptr<const CustomerFacts> facts;
  RfmBuilder builder;
};

}  // namespace

std::shared_ptr<const RfmResult> KeptRfm(OpContext& ctx, int32_t as_of_day, uint32_t currency,
                                         std::shared_ptr<const CustomerFacts> facts) {
  if (!ctx.engine) return std::make_shared<const RfmResult>(ComputeRfmFromFacts(ctx.workspace, *facts));
  // A part a step (RfmBuilder: each ranking a step), kept done for this date and currency (settings-free,
  // like the facts it is made of).
  const size_t rows = std::max<size_t>(facts->size(), 1);
  const std::shared_ptr<RfmBuild> build = ctx.engine->cache().RunInParts<RfmBuild>(
      "rfm:" + std::to_string(as_of_day) + ":" + std::to_string(currency),
      [&] { return std::make_shared<RfmBuild>(ctx.workspace, facts); }, rows, /*settings_free=*/true);
  return std::shared_ptr<const RfmResult>(build, &build->builder.Result());
}

Result<Json> Op_rfm(OpContext& ctx) {
  const Workspace& ws = ctx.workspace;
  const Json& rq = ctx.request;
  RfmSegment only = RfmSegment::kNone;
  bool list_all = false;
  if (rq.contains("segment") && !rq["segment"].is_null()) {
    if (!rq["segment"].is_string() || (only = RfmSegmentFromName(rq["segment"].get<std::string>())) == RfmSegment::kNone) {
      return InvalidArgument("`segment`: expected one of the 11 segment names, e.g. \"Champions\"");
    }
  }
  if (rq.contains("customers")) {
    if (!rq["customers"].is_boolean()) return InvalidArgument("`customers`: expected true or false");
    list_all = rq["customers"].get<bool>();
  }
  int64_t limit = 1000;
  if (rq.contains("limit")) {
    if (!rq["limit"].is_number_integer() || rq["limit"].get<int64_t>() < 0) return InvalidArgument("`limit`: expected a whole number >= 0");
    limit = rq["limit"].get<int64_t>();
  }
  const int32_t as_of = AsOfDay(ctx);
  const uint32_t currency = OpCurrency(ctx);
  // The customer facts the overview's KPIs and the funnel already built for this date and currency (ops.h).
  const std::shared_ptr<const CustomerFacts> facts_held = CachedFacts(ctx, as_of, currency);
  const CustomerFacts& facts = *facts_held;
  // In steps of their own after the facts' (KeptRfm), or read from the segment columns' build of them.
  const std::shared_ptr<const RfmResult> computed = KeptRfm(ctx, as_of, currency, facts_held);
  const RfmResult& res = *computed;

  Json out;
  out["as_of"] = Day(res.as_of_day);
  out["currency"] = res.currency == kNoId ? Json(nullptr) : Json(ws.currencies[res.currency]);
  out["customers"] = res.customers;
  out["net_revenue"] = Money(res.net_cents);
  Json counts = Json::array(), names = Json::array();
  for (int r = 1; r <= 5; ++r) {
    Json row = Json::array(), name_row = Json::array();
    for (int fm = 1; fm <= 5; ++fm) {
      row.push_back(res.grid[r - 1][fm - 1]);
      name_row.push_back(RfmSegmentName(RfmSegmentForCell(r, fm)));
    }
    counts.push_back(row);
    names.push_back(name_row);
  }
  // grid.counts[r - 1][fm - 1]; fm = (F + M) / 2 rounded half up (docs/rfm.md).
  out["grid"] = Json{{"counts", counts}, {"segments", names}};
  Json segments = Json::array();
  for (const RfmSegmentRow& row : res.segments) {
    segments.push_back(Json{{"segment", RfmSegmentName(row.segment)}, {"customers", row.customers},
                            {"share_customers", Num(row.share_customers)}, {"net_revenue", Money(row.net_cents)},
                            {"share_revenue", Num(row.share_revenue)}, {"median_recency_days", Num(row.median_recency_days)},
                            {"median_frequency", Num(row.median_frequency)}});
  }
  out["segments"] = segments;
  if (only != RfmSegment::kNone || list_all) {
    std::vector<uint32_t> ids;
    for (uint32_t c = 0; c < res.segment.size(); ++c) {
      if (res.segment[c] == RfmSegment::kNone) continue;
      if (only == RfmSegment::kNone || res.segment[c] == only) ids.push_back(c);
    }
    std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
      return facts.net_cents[a] != facts.net_cents[b] ? facts.net_cents[a] > facts.net_cents[b] : a < b;
    });
    const size_t total = ids.size();
    if (limit > 0 && ids.size() > static_cast<size_t>(limit)) ids.resize(limit);
    Json list = Json::array();
    for (uint32_t c : ids) {
      Json j = CustomerRef(ws, c);
      j["r"] = res.r[c];
      j["f"] = res.f[c];
      j["m"] = res.m[c];
      j["fm"] = RoundedFm(res.f[c], res.m[c]);
      j["segment"] = RfmSegmentName(res.segment[c]);
      j["recency_days"] = res.recency_days[c];
      j["orders"] = facts.orders[c];
      j["net_revenue"] = Money(facts.net_cents[c]);
      j["last_order"] = Day(facts.last_day[c]);
      list.push_back(j);
    }
    if (only != RfmSegment::kNone) out["segment"] = RfmSegmentName(only);
    out["segment_customers"] = list;
    out["segment_customers_total"] = total;
  }
  return out;
}

}  // namespace rapport
