// A generated store for the segment tests: customers with orders, products in categories, tags, countries,
// reviews, tickets and NPS answers, drawn with Rapport's own PRNG so every run (and the wasm run) is the same.
#pragma once

#include <string>
#include <vector>

#include "analysis/workspace_builder.h"
#include "core/util/random.h"

namespace rapport::test {

// `customers` customers over 2024-01-01 .. 2025-06-30; as_of is the latest order day. With `gamma_spend`,
// order totals follow Gamma-Gamma (each customer's mean drawn once), so a spend model can be fitted.
inline void BuildRandomStore(WorkspaceBuilder* b, size_t customers, uint64_t seed, bool gamma_spend = false) {
  Random rng(seed);
  Workspace& ws = b->workspace();
  std::vector<uint32_t> products;
  const char* categories[] = {"Tea", "Coffee", "Kitchen > Mugs", "Kitchen > Kettles"};
  for (int p = 0; p < 12; ++p) {
    const uint32_t id = b->Product("SKU-" + std::to_string(p), (p % 2 ? "Blue " : "Green ") + std::string("Item ") + std::to_string(p));
    ws.products.category[id] = ws.labels.Intern(categories[p % 4]);
    products.push_back(id);
  }
  const char* countries[] = {"US", "GB", "DE", ""};
  const char* tags[] = {"", "vip", "wholesale, vip", "newsletter", "VIP , gift"};
  const int32_t start = ParseIsoDay("2024-01-01"), end = ParseIsoDay("2025-06-30");
  for (size_t c = 0; c < customers; ++c) {
    const std::string email = rng.Below(10) == 0 ? "" : "c" + std::to_string(c) + (rng.Below(2) ? "@example.com" : "@mail.test");
    const uint32_t id = b->Customer(email, rng.Below(2) ? "Ann" : "Bo", "Lee" + std::to_string(c % 7), countries[rng.Below(4)]);
    ws.customers.tags.Set(id, tags[rng.Below(5)]);
    ws.customers.accepts_marketing[id] = static_cast<int8_t>(static_cast<int>(rng.Below(3)) - 1);
    const int orders = static_cast<int>(rng.Below(5));
    const double nu = gamma_spend ? rng.Gamma(4.0, 27.0) : 0.0;  // per-customer rate of the order value
    int32_t day = start + static_cast<int32_t>(rng.Below(static_cast<uint64_t>(end - start)));
    for (int k = 0; k < orders && day <= end; ++k) {
      std::vector<std::pair<uint32_t, int32_t>> lines;
      const int n_lines = 1 + static_cast<int>(rng.Below(3));
      for (int l = 0; l < n_lines; ++l) lines.emplace_back(products[rng.Below(products.size())], 1);
      const uint8_t flags = rng.Below(20) == 0 ? kOrderCancelled : 0;
      const int64_t total = gamma_spend ? 100 + static_cast<int64_t>(100.0 * rng.Gamma(6.0, nu))
                                        : 1000 + static_cast<int64_t>(rng.Below(20000));
      b->OrderOnDay(id, day, total, lines, flags);
      day += 1 + static_cast<int32_t>(rng.Below(120));
    }
    if (rng.Below(4) == 0) b->Review(id, FormatDay(start + static_cast<int32_t>(rng.Below(500))), 1 + static_cast<int>(rng.Below(5)));
    if (rng.Below(8) == 0) b->Ticket(id, FormatDay(start + static_cast<int32_t>(rng.Below(500))), 3);
    if (rng.Below(5) == 0) b->Survey(id, FormatDay(start + static_cast<int32_t>(rng.Below(500))), static_cast<int>(rng.Below(11)));
  }
}

}  // namespace rapport::test
