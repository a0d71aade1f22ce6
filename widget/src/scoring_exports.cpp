// The widget's wasm boundary (STYLE §13): plain C functions over core/recommend, a few lines each, listed in
// widget/exported.txt. One model is held at a time (the storefront page has one); the loader
// (rapport-widget.ts) passes bytes in through rw_alloc'd memory and reads strings back by pointer and length.
// No exceptions, no JS glue: the module is instantiated by hand with WebAssembly.instantiate.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/recommend/model.h"
#include "core/recommend/scoring.h"

namespace {

rapport::Model g_model;          // the binding layer's one piece of state (as duckdb-wasm's response buffer)
std::string g_error;
rapport::ShopperHistory g_shopper;

const std::string* Text(uint32_t product, int field) {
  static const std::string kEmpty;
  if (product == UINT32_MAX) {
    return field == 0 ? &g_model.meta.currency : field == 1 ? &g_model.review.url_template : &kEmpty;
  }
  if (product >= g_model.products.size()) return &kEmpty;
  const rapport::ModelProduct& p = g_model.products[product];
  switch (field) {
    case 0: return &p.id;
    case 1: return &p.title;
    case 2: return &p.url;
    case 3: return &p.image;
    default: return &kEmpty;
  }
}

}  // namespace

extern "C" {

void* rw_alloc(size_t size) { return std::malloc(size ? size : 1); }
void rw_free(void* p) { std::free(p); }

// 0 when the model is read; else the reason is in rw_error() and no model is loaded.
int rw_load(const uint8_t* data, size_t size) {
  rapport::Model model;
  const rapport::Status status = rapport::ReadModel(data, size, &model);
  if (!status.ok()) {
    g_error = status.message();
    g_model = rapport::Model();
    return 1;
  }
  g_error.clear();
  g_model = std::move(model);
  return 0;
}
const char* rw_error() { return g_error.c_str(); }
uint32_t rw_error_len() { return static_cast<uint32_t>(g_error.size()); }

uint32_t rw_count() { return static_cast<uint32_t>(g_model.products.size()); }

// Index of a product id (UTF-8 bytes), -1 when absent.
int32_t rw_find(const char* id, size_t len) {
  const uint32_t i = g_model.Find(std::string(id, len));
  return i == UINT32_MAX ? -1 : static_cast<int32_t>(i);
}

// field 0 id, 1 title, 2 url, 3 image; product 0xFFFFFFFF: field 0 currency, 1 review url template.
const char* rw_text(uint32_t product, int field) { return Text(product, field)->data(); }
uint32_t rw_text_len(uint32_t product, int field) { return static_cast<uint32_t>(Text(product, field)->size()); }

double rw_price(uint32_t product) {
  return product < g_model.products.size() ? static_cast<double>(g_model.products[product].price_cents) : -1.0;
}
uint32_t rw_repurchase_days(uint32_t product) {
  return product < g_model.products.size() ? g_model.products[product].repurchase_days : 0;
}
// 0 delay days, 1 max prompts, 2 min gap days.
uint32_t rw_review(int field) {
  const rapport::ReviewPromptSettings& r = g_model.review;
  return field == 0 ? r.delay_days : field == 1 ? r.max_prompts : field == 2 ? r.min_gap_days : 0;
}

// Ranks (core/recommend/scoring.h RecommendForShopper, the same function the offline evaluation measures):
// the page's product (0xFFFFFFFF: none), viewed products latest first, bought products latest first with days
// since and an order id each. Writes up to `limit` product indices to `out`; returns how many.
uint32_t rw_recommend(uint32_t page, const uint32_t* views, uint32_t views_n, const uint32_t* bought,
                      const int32_t* bought_days, const uint32_t* bought_orders, uint32_t bought_n,
                      const uint32_t* exclude, uint32_t exclude_n, uint32_t limit, uint32_t* out) {
  g_shopper.page = page;
  g_shopper.views.assign(views, views + views_n);
  g_shopper.purchases.resize(bought_n);
  for (uint32_t i = 0; i < bought_n; ++i) g_shopper.purchases[i] = rapport::Purchase{bought[i], bought_days[i], bought_orders[i]};
  const auto recs = rapport::RecommendForShopper(g_model, g_shopper, exclude, exclude_n, limit);
  for (size_t i = 0; i < recs.size(); ++i) out[i] = recs[i].product;
  return static_cast<uint32_t>(recs.size());
}

}  // extern "C"
