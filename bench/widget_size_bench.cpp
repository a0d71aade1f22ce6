// The model-size budget (docs/widget.md "Budgets": a model of 5,000 products <= 300 KB gzipped), on a generated
// store that is deliberately heavy: 5,000 products with realistic display strings (title, URL, CDN image URL,
// price), 60,000 customers, 240,000 orders of 1-6 lines from 250 categories of 20 products, so nearly every
// product fills its 20 neighbours. The model is built with the shipped options (weights learned too).
//   build/bench/widget_size_bench [OUT.bin [TOP_N [LEARN 0|1 [SHUFFLE 0|1]]]]   (default /tmp/rapport-model-5000.bin 0 1 0; TOP_N 0 = adaptive)
// SKUs follow the categories (as SKU prefixes usually do: related products sort near each other) unless SHUFFLE
// is 1, which gives every product a random SKU: the neighbour indices then gap-code worse (the harder case).
// Prints the raw size and the build time; the gzipped size is measured by bench/widget_wasm_check.mjs (Node's
// zlib, level 9) or `gzip -9 -c OUT.bin | wc -c`.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <fstream>
#include <string>
#include <vector>

#include "core/recommend/build.h"

int main(int argc, char** argv) {
  const std::string out = argc > 1 ? argv[1] : "/tmp/rapport-model-5000.bin";
  constexpr uint32_t kProducts = 5000, kCategories = 250, kCustomers = 60000, kOrdersPerCustomer = 4;
  uint64_t x = 0x9E3779B97F4A7C15ull;
  auto next = [&]() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  const char* adjectives[] = {"Organic", "Classic", "Premium", "Everyday", "Deluxe", "Mini", "Large", "Eco"};
  const char* nouns[] = {"Salmon Kibble", "Chew Toy", "Cotton Tote", "Ceramic Mug", "Wool Blanket", "Shampoo Bar",
                         "Travel Bottle", "Leather Leash"};
  std::vector<uint32_t> sku_of(kProducts);
  for (uint32_t i = 0; i < kProducts; ++i) sku_of[i] = i;
  if (argc > 4 && std::atoi(argv[4]) != 0) {
    for (uint32_t i = kProducts; i > 1; --i) std::swap(sku_of[i - 1], sku_of[next() % i]);
  }
  std::vector<rapport::ModelProduct> products(kProducts);
  for (uint32_t i = 0; i < kProducts; ++i) {
    rapport::ModelProduct& p = products[i];
    char sku[32];
    std::snprintf(sku, sizeof sku, "SKU-%05u-%02u", sku_of[i], sku_of[i] % 97);
    p.id = sku;
    p.title = std::string(adjectives[next() % 8]) + " " + nouns[next() % 8] + " " + std::to_string(100 + next() % 900) + "g";
    std::string handle = p.title;
    for (char& c : handle) c = c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    handle += "-" + std::to_string(i);
    p.url = "/products/" + handle;
    p.image = "/cdn/shop/files/" + handle + "_600x600.jpg?v=1700" + std::to_string(100000 + next() % 900000);
    p.price_cents = 199 + static_cast<int64_t>(next() % 9800);
  }
  std::vector<rapport::BasketRow> baskets;
  for (uint32_t c = 0; c < kCustomers; ++c) {
    const uint32_t home = static_cast<uint32_t>(next() % kCategories);  // a customer's favourite category
    for (uint32_t o = 0; o < kOrdersPerCustomer; ++o) {
      rapport::BasketRow b{c, static_cast<int32_t>(19000 + o * 60 + next() % 30), {}};
      const size_t lines = 1 + next() % 6;
      for (size_t l = 0; l < lines; ++l) {
        const uint32_t cat = next() % 3 ? home : static_cast<uint32_t>(next() % kCategories);
        const uint32_t r = static_cast<uint32_t>(next() % 1000);
        b.items.push_back(cat * (kProducts / kCategories) + (r * r) / (1000000 / (kProducts / kCategories)));
      }
      baskets.push_back(std::move(b));
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  rapport::ModelStats stats;
  rapport::ModelOptions options;
  if (argc > 2) options.top_n = static_cast<uint32_t>(std::atoi(argv[2]));
  if (argc > 3) options.learn_weights = std::atoi(argv[3]) != 0;
  const rapport::Model model = rapport::BuildModelFromBaskets(baskets, products, options, &stats);
  const std::string bytes = rapport::WriteModel(model);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::ofstream(out, std::ios::binary) << bytes;
  const rapport::WeightValidation& v = stats.validation;
  if (v.ran) {
    std::printf("validation (%zu confirming customers): searched hit@4 %.4f recall@10 %.4f, popularity %.4f / %.4f\n",
                v.confirm_cases, v.hit4, v.recall10, v.pop_hit4, v.pop_recall10);
  }
  std::printf("%s: %zu products, %llu with neighbours, %llu neighbours (%.1f per product), %zu bytes raw; "
              "built in %.2f s (weights %s)\n",
              out.c_str(), model.products.size(), (unsigned long long)stats.products_with_neighbours,
              (unsigned long long)stats.neighbours, double(stats.neighbours) / kProducts, bytes.size(), seconds,
              stats.validation.accepted ? "learned and kept" : "not kept");
  return 0;
}
