// Op "info": what the workspace holds (table counts, currencies, date range, imports, settings).
#include <algorithm>

#include "core/api/ops.h"

namespace rapport {

Result<Json> Op_info(OpContext& ctx) {
  const Workspace& w = ctx.workspace;
  Json j;
  j["tables"] = Json{{"customers", w.customers.size()}, {"orders", w.orders.size()}, {"order_lines", w.lines.size()},
                     {"products", w.products.size()}, {"reviews", w.reviews.size()}, {"tickets", w.tickets.size()},
                     {"surveys", w.surveys.size()}, {"imports", w.imports.size()}, {"import_issues", w.issues.size()}};
  int32_t first = kNoDay, last = kNoDay;
  size_t valid = 0, guests = 0;
  std::vector<uint8_t> seen(w.currencies.size(), 0);
  for (size_t i = 0; i < w.orders.size(); ++i) {
    if (!w.orders.valid(i)) continue;
    ++valid;
    if (w.orders.customer[i] == kNoId) ++guests;
    seen[w.orders.currency[i]] = 1;
    const int32_t d = w.orders.day[i];
    if (d == kNoDay) continue;
    if (first == kNoDay || d < first) first = d;
    if (last == kNoDay || d > last) last = d;
  }
  std::vector<std::string> currencies;
  for (uint32_t id = 0; id < seen.size(); ++id) {
    if (seen[id] && !w.currencies[id].empty()) currencies.push_back(w.currencies[id]);
  }
  std::sort(currencies.begin(), currencies.end());
  j["valid_orders"] = valid;
  j["guest_orders"] = guests;
  j["currencies"] = currencies;
  j["first_order_day"] = Day(first);
  j["last_order_day"] = Day(last);
  j["as_of"] = Day(AsOfDay(ctx));
  j["settings"] = SettingsToJson(w.settings);
  return j;
}

}  // namespace rapport
