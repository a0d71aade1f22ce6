// The widget's model file (core/recommend/model.h) and scoring (scoring.h), as LevelDB's log_test.cc does it:
// each kind of damage gets its own test, and every one must be rejected with a kCorrupt Status.
#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "core/recommend/build.h"
#include "core/recommend/evaluate.h"
#include "core/recommend/model.h"
#include "core/recommend/scoring.h"
#include "core/util/random.h"

using namespace rapport;

namespace {

ModelProduct Product(const std::string& id, const std::string& title, int64_t price = 1000, uint32_t repurchase = 0,
                     uint16_t popularity = 100) {
  ModelProduct p;
  p.id = id;
  p.title = title;
  p.url = "/products/" + id;
  p.image = "/img/" + id + ".png";
  p.price_cents = price;
  p.repurchase_days = repurchase;
  p.popularity = popularity;
  return p;
}

// A hand-built model: A's neighbours B (0.8), C (0.4); B's: A (0.8); C's: D (128/255 = 0.502); D none; E popular,
// no neighbours. Scores are multiples of 257 (v3 stores one byte per score): 52428 = 204 x 257, 26214 = 102 x 257.
Model HandModel() {
  Model m;
  m.meta.currency = "EUR";
  m.meta.w_history = 1000;
  m.meta.w_popularity = 1000;
  m.meta.w_replenish = 1000;
  m.meta.w_bought = 250;
  m.meta.w_repeat = 40;
  m.meta.half_life_days = 90;
  m.review.url_template = "https://shop.example/review?p={id}";
  m.products = {Product("A", "Apple tea"), Product("B", "Blue mug", 1500), Product("C", "Cat food", 2999, 30),
                Product("D", "Dog bowl", -1), Product("E", "Earl grey", 500, 0, 60000)};
  m.neighbours = {{{1, 52428}, {2, 26214}}, {{0, 52428}}, {{3, 32896}}, {}, {}};
  return m;
}

std::string Bytes() { return WriteModel(HandModel()); }

Status Read(const std::string& bytes, Model* out = nullptr) {
  Model m;
  return ReadModel(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), out ? out : &m);
}

// Rewrites the header's length and checksum after the payload was edited, so a test reaches the checks
// behind the checksum.
std::string Reseal(std::string bytes) {
  const uint32_t len = static_cast<uint32_t>(bytes.size() - kModelHeaderSize);
  const uint32_t crc = Crc32(reinterpret_cast<const uint8_t*>(bytes.data()) + kModelHeaderSize, len);
  for (int i = 0; i < 4; ++i) {
    bytes[8 + i] = static_cast<char>((len >> (8 * i)) & 0xFF);
    bytes[12 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
  }
  return bytes;
}

std::vector<uint32_t> Ids(const std::vector<Recommendation>& recs) {
  std::vector<uint32_t> out;
  for (const auto& r : recs) out.push_back(r.product);
  return out;
}

}  // namespace

TEST_CASE("widget model: CRC-32 is zlib's", "[widget]") {
  const std::string check = "123456789";
  CHECK(Crc32(reinterpret_cast<const uint8_t*>(check.data()), check.size()) == 0xCBF43926u);
  CHECK(Crc32(nullptr, 0) == 0u);
}

TEST_CASE("widget model: round trip keeps every field, and the bytes are deterministic", "[widget]") {
  const std::string bytes = Bytes();
  CHECK(bytes.substr(0, 4) == "RPMD");
  CHECK(bytes[4] == 3);
  CHECK(bytes[5] == 0);
  Model m;
  REQUIRE(Read(bytes, &m).ok());
  const Model h = HandModel();
  REQUIRE(m.products.size() == h.products.size());
  for (size_t i = 0; i < h.products.size(); ++i) {
    CHECK(m.products[i].id == h.products[i].id);
    CHECK(m.products[i].title == h.products[i].title);
    CHECK(m.products[i].url == h.products[i].url);
    CHECK(m.products[i].image == h.products[i].image);
    CHECK(m.products[i].price_cents == h.products[i].price_cents);
    CHECK(m.products[i].repurchase_days == h.products[i].repurchase_days);
    CHECK(m.products[i].popularity == h.products[i].popularity);
    REQUIRE(m.neighbours[i].size() == h.neighbours[i].size());
    for (size_t j = 0; j < h.neighbours[i].size(); ++j) {
      CHECK(m.neighbours[i][j].product == h.neighbours[i][j].product);
      CHECK(m.neighbours[i][j].score == h.neighbours[i][j].score);
    }
  }
  CHECK(m.meta.currency == "EUR");
  CHECK(m.meta.w_replenish == 1000);
  CHECK(m.meta.w_bought == 250);
  CHECK(m.meta.w_repeat == 40);
  CHECK(m.meta.half_life_days == 90);
  CHECK(m.review.url_template == h.review.url_template);
  CHECK(m.review.delay_days == 14);
  CHECK(m.Find("C") == 2);
  CHECK(m.Find("Z") == UINT32_MAX);
  CHECK(WriteModel(m) == bytes);
}

TEST_CASE("widget model: a version 1 file (written before v2) still reads, as v1 ranked", "[widget]") {
  // demo_store.bin is the demo store's model as the version 1 writer wrote it (commit f23672d): absolute
  // neighbour scores, no w_bought / w_repeat / half_life_days in the meta section.
  std::ifstream in(std::string(RAPPORT_SOURCE_DIR) + "/tests/fuzz/corpus/model_reader_fuzz/demo_store.bin", std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string v1 = ss.str();
  REQUIRE(v1.size() > kModelHeaderSize);
  CHECK(v1[4] == 1);
  Model m;
  REQUIRE(Read(v1, &m).ok());
  CHECK(m.products.size() == 60);
  CHECK(m.meta.w_bought == 300);  // the weight v1's loader gave earlier purchases
  CHECK(m.meta.w_repeat == 0);
  CHECK(m.meta.half_life_days == 0);
  // Rewritten as v3 (gap-coded indices, one byte per score), it reads back with each score rounded to a
  // multiple of 257 and the same neighbours.
  const std::string v3 = WriteModel(m);
  CHECK(v3[4] == 3);
  Model again;
  REQUIRE(Read(v3, &again).ok());
  REQUIRE(again.neighbours.size() == m.neighbours.size());
  size_t scores = 0;
  for (size_t i = 0; i < m.neighbours.size(); ++i) {
    REQUIRE(again.neighbours[i].size() == m.neighbours[i].size());
    std::multiset<std::pair<uint32_t, uint32_t>> expected, got;
    for (size_t j = 0; j < m.neighbours[i].size(); ++j) {
      expected.insert({m.neighbours[i][j].product, (m.neighbours[i][j].score + 128u) / 257u * 257u});
      got.insert({again.neighbours[i][j].product, again.neighbours[i][j].score});
      if (j > 0) CHECK(again.neighbours[i][j].score <= again.neighbours[i][j - 1].score);
      ++scores;
    }
    CHECK(got == expected);
  }
  CHECK(scores > 500);
  CHECK(v3.size() < v1.size());
}

TEST_CASE("widget model: a version 2 file (score drops, best first) still reads", "[widget]") {
  // demo_store_v2.bin: the demo store's model as the version 2 writer wrote it (commit c7eb0ca).
  std::ifstream in(std::string(RAPPORT_SOURCE_DIR) + "/tests/fuzz/corpus/model_reader_fuzz/demo_store_v2.bin", std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string v2 = ss.str();
  REQUIRE(v2.size() > kModelHeaderSize);
  CHECK(v2[4] == 2);
  Model m;
  REQUIRE(Read(v2, &m).ok());
  CHECK(m.products.size() == 60);
  CHECK(m.meta.w_repeat > 0);  // learned on the demo store's repeat buying
  size_t scores = 0;
  for (const auto& list : m.neighbours) {
    for (size_t j = 1; j < list.size(); ++j) CHECK(list[j].score <= list[j - 1].score);
    scores += list.size();
  }
  CHECK(scores == 1153);
}

TEST_CASE("widget model: bad magic, version, flags are rejected", "[widget]") {
  std::string b = Bytes();
  b[0] = 'X';
  Status s = Read(b);
  CHECK(s.code() == StatusCode::kCorrupt);
  CHECK_THAT(s.message(), Catch::Contains("magic"));
  b = Bytes();
  b[4] = 4;
  s = Read(b);
  CHECK(s.code() == StatusCode::kCorrupt);
  CHECK_THAT(s.message(), Catch::Contains("version 4"));
  b = Bytes();
  b[4] = 0;
  CHECK_THAT(Read(b).message(), Catch::Contains("version 0"));
  b = Bytes();
  b[6] = 1;
  CHECK(Read(b).code() == StatusCode::kCorrupt);
}

TEST_CASE("widget model: truncated at every offset is rejected", "[widget]") {
  const std::string b = Bytes();
  for (size_t n = 0; n < b.size(); ++n) {
    const Status s = Read(b.substr(0, n));
    INFO("truncated to " << n << " bytes");
    CHECK(s.code() == StatusCode::kCorrupt);
  }
  // Trailing bytes too.
  CHECK(Read(b + std::string(1, '\0')).code() == StatusCode::kCorrupt);
}

TEST_CASE("widget model: any flipped byte is rejected (checksum or header checks)", "[widget]") {
  const std::string b = Bytes();
  for (size_t i = 0; i < b.size(); ++i) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}}) {
      std::string d = b;
      d[i] = static_cast<char>(d[i] ^ mask);
      const Status s = Read(d);
      INFO("byte " << i << " ^ " << int(mask));
      CHECK(s.code() == StatusCode::kCorrupt);
      if (i >= kModelHeaderSize) CHECK_THAT(s.message(), Catch::Contains("checksum"));
    }
  }
}

TEST_CASE("widget model: structural damage behind a valid checksum is rejected", "[widget]") {
  const std::string good = Bytes();
  SECTION("a neighbour index past the product count") {
    Model m = HandModel();
    m.neighbours[0][0].product = 0;  // self
    Status s = Read(WriteModel(m));
    CHECK(s.code() == StatusCode::kCorrupt);
    CHECK_THAT(s.message(), Catch::Contains("itself"));
    m = HandModel();
    m.neighbours[0][0].product = 99;
    s = Read(WriteModel(m));
    CHECK(s.code() == StatusCode::kCorrupt);
    CHECK_THAT(s.message(), Catch::Contains("neighbour product index gap 96 > 1"));  // written in order {C, 99}: 99 = 2 + 1 + 96
  }
  SECTION("a neighbour index gap that runs past the product count") {
    // v3 writes product A's list {B, C} in product order as gaps: "02 | 01 s | 00 s" after the list count 05;
    // a second gap of 5 (index 1 + 1 + 5 = 7 of 5 products) must be rejected.
    Model m = HandModel();
    m.neighbours[0] = {{1, 0}, {2, 0}};
    std::string d = WriteModel(m);
    const size_t at = d.find(std::string("\x05\x02\x01\x00\x00\x00", 6));
    REQUIRE(at != std::string::npos);
    d[at + 4] = 5;
    const Status s = Read(Reseal(d));
    CHECK(s.code() == StatusCode::kCorrupt);
    CHECK_THAT(s.message(), Catch::Contains("neighbour product index gap 5 > 2"));
  }
  SECTION("v3 lists come back best first whatever order they were written in") {
    Model m = HandModel();
    m.neighbours[0] = {{2, 257 * 10}, {1, 257 * 200}, {3, 257 * 10}};
    Model back;
    REQUIRE(Read(WriteModel(m), &back).ok());
    REQUIRE(back.neighbours[0].size() == 3);
    CHECK(back.neighbours[0][0].product == 1);
    CHECK(back.neighbours[0][1].product == 2);  // tie at 10 x 257: lower index first
    CHECK(back.neighbours[0][2].product == 3);
  }
  SECTION("product ids unsorted or repeated") {
    Model m = HandModel();
    std::swap(m.products[0], m.products[1]);
    CHECK_THAT(Read(WriteModel(m)).message(), Catch::Contains("ascending"));
    m = HandModel();
    m.products[1].id = "A";
    CHECK(Read(WriteModel(m)).code() == StatusCode::kCorrupt);
  }
  SECTION("more neighbours than top_n") {
    Model m = HandModel();
    m.meta.top_n = 1;
    CHECK_THAT(Read(WriteModel(m)).message(), Catch::Contains("neighbour count"));
  }
  SECTION("a section missing, repeated, or with a length past the end") {
    // The payload starts with the strings section: tag 1, varint length.
    std::string d = good;
    d[kModelHeaderSize] = 9;  // unknown tag: skipped, so the strings section is missing
    CHECK_THAT(Read(Reseal(d)).message(), Catch::Contains("missing section 1"));
    d = good + good.substr(kModelHeaderSize, good.size() - kModelHeaderSize);
    CHECK_THAT(Read(Reseal(d)).message(), Catch::Contains("repeated"));
    d = good;
    d[kModelHeaderSize + 1] = static_cast<char>(0x7F);
    CHECK(Read(Reseal(d)).code() == StatusCode::kCorrupt);
  }
  SECTION("an unknown section is skipped") {
    const std::string d = good + std::string("\x09\x03xyz", 5);
    CHECK(Read(Reseal(d)).ok());
  }
  SECTION("random payload bytes under a valid checksum never crash") {
    uint32_t x = 12345;
    for (int round = 0; round < 2000; ++round) {
      std::string d = good;
      for (int k = 0; k < 3; ++k) {
        x = x * 1103515245u + 12345u;
        const size_t at = kModelHeaderSize + (x >> 8) % (good.size() - kModelHeaderSize);
        x = x * 1103515245u + 12345u;
        d[at] = static_cast<char>(x >> 16);
      }
      Model m;
      const Status s = Read(Reseal(d), &m);
      if (s.ok()) {
        for (size_t i = 0; i < m.neighbours.size(); ++i) {
          for (const Neighbour& n : m.neighbours[i]) REQUIRE(n.product < m.products.size());
        }
      } else {
        CHECK(s.code() == StatusCode::kCorrupt);
      }
    }
  }
}

TEST_CASE("widget scoring on a hand-built model", "[widget]") {
  Model m = HandModel();
  m.meta.w_bought = 0;
  m.meta.w_repeat = 0;
  auto rank = [&](const ShopperHistory& h, size_t limit = 5) { return RecommendForShopper(m, h, nullptr, 0, limit); };
  // p = 0.05 + 100/65535 = 0.051526 for A-D; E: 0.05 + 60000/65535 = 0.965541.
  SECTION("no history: popularity order") {
    const auto recs = rank(ShopperHistory{}, 3);
    REQUIRE(recs.size() == 3);
    CHECK(Ids(recs) == std::vector<uint32_t>{4, 0, 1});  // E, the most bought, then ties by index
  }
  SECTION("the page's product: its neighbours first, itself never shown") {
    ShopperHistory h;
    h.page = 0;
    const auto recs = rank(h, 4);
    // A -> B 0.8, C 0.4: (1 + 0.8) p = 0.0927 and (1 + 0.4) p = 0.0721; E 0.9655; D p
    CHECK(Ids(recs) == std::vector<uint32_t>{4, 1, 2, 3});
    CHECK(recs[1].score > recs[2].score);
  }
  SECTION("a viewed item is not shown again; a bought one when due") {
    ShopperHistory viewed;
    viewed.views = {2};
    auto ids = Ids(rank(viewed));
    CHECK(std::find(ids.begin(), ids.end(), 2u) == ids.end());
    CHECK(ids[1] == 3);  // C -> D 0.5 at view weight 0.5: (1 + 0.25) p beats A and B at p
    ShopperHistory due;
    due.purchases = {Purchase{2, 30, 0}};  // cat food, interval 30, bought 30 days ago
    ids = Ids(rank(due));
    CHECK(ids[0] == 4);
    CHECK(ids[1] == 2);  // (1 + 1000/1000 x 1) p: replenishment lifts it over A, B, D
    ShopperHistory recent;
    recent.purchases = {Purchase{2, 5, 0}};
    ids = Ids(rank(recent));
    CHECK(std::find(ids.begin(), ids.end(), 2u) - ids.begin() > 1);  // not due (5 < 0.8 x 30): no lift
  }
  SECTION("repeat buying: the share of the shopper's orders with the product") {
    m.meta.w_repeat = 1000;
    ShopperHistory h;
    h.purchases = {Purchase{1, 3, 7}, Purchase{0, 3, 7}, Purchase{1, 20, 9}};  // B in both orders, A in one
    // B: p + 1 x 2/2 = 1.0515 > E 0.9655 > A: p + 1 x 1/2 = 0.5515 > C, D at p
    CHECK(Ids(rank(h)) == std::vector<uint32_t>{1, 4, 0, 2, 3});
  }
  SECTION("neighbours of earlier purchases count with w_bought") {
    m.meta.w_bought = 1000;
    ShopperHistory h;
    h.purchases = {Purchase{0, 1, 0}};  // A: B (1 + 0.8) p, C (1 + 0.4) p, A itself p (bought: may come back)
    CHECK(Ids(rank(h)) == std::vector<uint32_t>{4, 1, 2, 0, 3});
    m.meta.w_bought = 0;
    CHECK(Ids(rank(h)) == std::vector<uint32_t>{4, 0, 1, 2, 3});
  }
  SECTION("out-of-range history and exclude entries are ignored") {
    ShopperHistory h;
    h.page = 99;
    h.views = {1000};
    h.purchases = {Purchase{77, 3, 0}};
    const uint32_t exclude[] = {1000, 4};
    CHECK(Ids(RecommendForShopper(m, h, exclude, 2, 10)) == std::vector<uint32_t>{0, 1, 2, 3});
    CHECK(RecommendForShopper(m, h, exclude, 2, 0).empty());
    CHECK(RecommendForShopper(Model(), h, exclude, 2, 4).empty());
  }
}

TEST_CASE("widget model building: pairs below k dropped, top-N kept, no customer data", "[widget]") {
  // Products 0..3; A+B together 3 times, A+C twice, B+C twice, B+D 5 times; customer 7 buys A, then A and C.
  std::vector<ModelProduct> products = {Product("sku-a", "A"), Product("sku-b", "B"), Product("sku-c", "C"),
                                        Product("sku-d", "D")};
  std::vector<BasketRow> baskets;
  for (int i = 0; i < 3; ++i) baskets.push_back(BasketRow{UINT32_MAX, 100, {0, 1}});
  for (int i = 0; i < 2; ++i) baskets.push_back(BasketRow{UINT32_MAX, 100, {0, 2}});
  for (int i = 0; i < 2; ++i) baskets.push_back(BasketRow{UINT32_MAX, 100, {1, 2}});
  for (int i = 0; i < 5; ++i) baskets.push_back(BasketRow{UINT32_MAX, 100, {1, 3, 3}});
  baskets.push_back(BasketRow{7, 200, {0}});
  baskets.push_back(BasketRow{7, 230, {2, 0}});
  ModelOptions options;
  options.min_pairs = 3;
  ModelStats stats;
  Model m = BuildModelFromBaskets(baskets, products, options, &stats);
  auto has = [&](const std::string& a, const std::string& b) {
    for (const Neighbour& n : m.neighbours[m.Find(a)]) {
      if (m.products[n.product].id == b) return true;
    }
    return false;
  };
  CHECK(has("sku-a", "sku-b"));
  CHECK(has("sku-b", "sku-a"));
  CHECK(has("sku-b", "sku-d"));
  CHECK(has("sku-a", "sku-c"));        // 2 guest baskets + customer 7's second order = 3 = k: kept
  CHECK_FALSE(has("sku-b", "sku-c"));  // 2 < k: dropped
  CHECK_FALSE(has("sku-c", "sku-b"));
  CHECK(stats.co_pairs_seen == 4);
  CHECK(stats.co_pairs_kept == 3);     // {A,B} 3, {A,C} 3, {B,D} 5
  CHECK(stats.transitions == 1);
  CHECK(stats.seq_pairs_kept == 0);    // A -> C once
  // k = 4: only {B,D} is left.
  options.min_pairs = 4;
  m = BuildModelFromBaskets(baskets, products, options, &stats);
  CHECK(stats.co_pairs_kept == 1);
  CHECK(m.neighbours[m.Find("sku-a")].empty());
  CHECK(m.products[m.Find("sku-a")].repurchase_days == 30);  // customer 7: A on day 200 and 230
  options.top_n = 1;
  options.min_pairs = 1;
  m = BuildModelFromBaskets(baskets, products, options);
  for (const auto& list : m.neighbours) CHECK(list.size() <= 1);

  // No customer identifiers in the file: customer 7's number never appears as a string, and the model holds
  // nothing but products, scores and settings. Use a distinctive customer id to look for it in the bytes.
  for (auto& b : baskets) if (b.customer == 7) b.customer = 0x5A5A5A5A;
  const std::string bytes = WriteModel(BuildModelFromBaskets(baskets, products, ModelOptions{}));
  CHECK(bytes.find("\x5A\x5A\x5A\x5A") == std::string::npos);
  CHECK(bytes.find("1515870810") == std::string::npos);
}

TEST_CASE("widget model building: adaptive neighbour count, image cache-buster dropped", "[widget]") {
  // AdaptiveTopN: kNeighbourBudget / products, between 8 and 20.
  CHECK(AdaptiveTopN(0) == 20);
  CHECK(AdaptiveTopN(169) == 20);  // the arules and Kaggle catalogues: unchanged
  CHECK(AdaptiveTopN(kNeighbourBudget / 20) == 20);
  CHECK(AdaptiveTopN(kNeighbourBudget / 20 + 1) == 19);
  CHECK(AdaptiveTopN(5000) == kNeighbourBudget / 5000);
  CHECK(AdaptiveTopN(1000000) == 8);
  std::vector<ModelProduct> products(3);
  const char* images[] = {"/cdn/a.jpg?v=1700123456", "/cdn/b.jpg?width=600", "/cdn/c.jpg?v="};
  for (int i = 0; i < 3; ++i) {
    products[i].id = std::string("p") + char('0' + i);
    products[i].image = images[i];
  }
  ModelOptions options;
  options.learn_weights = false;
  const Model m = BuildModelFromBaskets({BasketRow{1, 10, {0, 1}}}, products, options);
  CHECK(m.meta.top_n == 20);  // 3 products: the adaptive default
  CHECK(m.products[m.Find("p0")].image == "/cdn/a.jpg");            // Shopify's ?v= cache-buster: dropped
  CHECK(m.products[m.Find("p1")].image == "/cdn/b.jpg?width=600");  // another query: kept
  CHECK(m.products[m.Find("p2")].image == "/cdn/c.jpg?v=");         // no digits: kept as given
}

namespace {

// Deterministic baskets: `customers` customers with 4 orders each on days 10, 40, 70, 100 of 30 products whose
// popularity falls with the index. With `personal`, each customer also buys their own product (customer % 30) in
// every order: a repeat signal the validation must find; without it orders are independent of the customer.
std::vector<BasketRow> Synthetic(uint32_t customers, bool personal) {
  std::vector<BasketRow> out;
  uint64_t x = 88172645463325252ull;
  auto next = [&]() { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; };
  for (uint32_t c = 0; c < customers; ++c) {
    for (int o = 0; o < 4; ++o) {
      BasketRow b{c, 10 + 30 * o, {}};
      for (int k = 0; k < 3; ++k) {
        const uint32_t r = static_cast<uint32_t>(next() % 1000);
        b.items.push_back(static_cast<uint32_t>((r * r) / 33334));  // skewed towards low indices
      }
      if (personal) b.items.push_back(c % 30);
      out.push_back(std::move(b));
    }
  }
  return out;
}

std::vector<ModelProduct> SyntheticProducts() {
  std::vector<ModelProduct> products;
  for (int i = 0; i < 30; ++i) products.push_back(Product("p" + std::to_string(100 + i), "P" + std::to_string(i)));
  return products;
}

}  // namespace

TEST_CASE("widget weights: learned where the store's orders carry a personal signal, popularity where not", "[widget]") {
  ModelStats stats;
  SECTION("repeat buying of one's own product: found, confirmed, and it beats popularity on held-out orders") {
    const Model m = BuildModelFromBaskets(Synthetic(600, true), SyntheticProducts(), ModelOptions{}, &stats);
    CHECK(stats.validation.ran);
    CHECK(stats.validation.select_cases == 300);
    CHECK(stats.validation.confirm_cases == 300);
    CHECK(stats.validation.accepted);
    CHECK(m.meta.w_repeat > 0);
    CHECK(stats.validation.gain_lo > 0);
    const NextBasketReport r = EvaluateNextBasket(Synthetic(600, true), SyntheticProducts(), ModelOptions{});
    CHECK(r.cases == 600);
    CHECK(r.model_hit4 > r.pop_hit4);
    CHECK(r.d_hit4.lo > 0);
    CHECK(r.d_recall10.lo > 0);
  }
  SECTION("orders independent of the customer: the personal weights stay 0 (plain popularity)") {
    const Model m = BuildModelFromBaskets(Synthetic(600, false), SyntheticProducts(), ModelOptions{}, &stats);
    CHECK(stats.validation.ran);
    CHECK_FALSE(stats.validation.accepted);
    CHECK(m.meta.w_repeat == 0);
    CHECK(m.meta.w_bought == 0);
    CHECK(m.meta.w_replenish == 0);
    CHECK(m.meta.half_life_days == 0);
  }
  SECTION("too few repeat customers to validate: nothing learned, weights as given") {
    ModelOptions options;
    const Model m = BuildModelFromBaskets(Synthetic(50, true), SyntheticProducts(), options, &stats);
    CHECK_FALSE(stats.validation.ran);
    CHECK(m.meta.w_repeat == 0);
  }
  SECTION("fixed weights are kept as given") {
    ModelOptions options;
    options.weights.w_repeat = 123;
    options.fix_w_repeat = true;
    const Model m = BuildModelFromBaskets(Synthetic(600, false), SyntheticProducts(), options, &stats);
    CHECK(m.meta.w_repeat == 123);
  }
}

TEST_CASE("widget evaluation: baskets ordered by customer, day, then position, for dense and sparse ids", "[widget]") {
  // Dense ids take a counting sort, sparse ones a key sort: both must give what a stable sort by (customer, day)
  // gives, guests (UINT32_MAX) last, over runs short (insertion sort) and long (> 32 baskets, many ties).
  for (const uint32_t spread : {50u, 4000000000u}) {
    Random random(spread);
    Baskets baskets;
    for (int b = 0; b < 3000; ++b) {
      const uint64_t draw = random.Below(100);
      const uint32_t customer = draw < 5 ? UINT32_MAX : draw < 30 ? 7 * (spread / 50) : static_cast<uint32_t>(random.Below(spread));
      baskets.Open(customer, static_cast<int32_t>(random.Below(40)) - 20);
      baskets.items.push_back(static_cast<uint32_t>(random.Below(5)));
      baskets.Close();
    }
    BasketSubset use;
    for (uint32_t b = 0; b < baskets.size(); ++b) {
      if (b % 3 != 1) use.push_back(b);
    }
    std::vector<uint32_t> expected(use.size());
    std::iota(expected.begin(), expected.end(), 0u);
    std::stable_sort(expected.begin(), expected.end(), [&](uint32_t x, uint32_t y) {
      const uint32_t cx = baskets.customer[use[x]], cy = baskets.customer[use[y]];
      return cx != cy ? cx < cy : baskets.day[use[x]] < baskets.day[use[y]];
    });
    CHECK(ByCustomerAndDay(baskets, use) == expected);
    // A part at a time (the engine's steps): the same order whatever the parts.
    for (const size_t rows : {size_t{1}, size_t{7}, size_t{1000}}) {
      CAPTURE(spread, rows);
      CustomerDayOrderer orderer(baskets, use);
      size_t parts = 0;
      for (; !orderer.done(); ++parts) orderer.Run(rows);
      CHECK(parts >= (spread == 50u ? 3 : 1) * use.size() / rows);
      CHECK(orderer.Result() == expected);
    }
  }
}

TEST_CASE("widget evaluation: the last-basket split and the paired bootstrap", "[widget]") {
  // Customer 1: days 5, 9, 2 (last = day 9); customer 2: one order; a guest; customer 3: two orders.
  const std::vector<BasketRow> baskets = {BasketRow{1, 5, {0, 1}}, BasketRow{1, 9, {2, 2, 3}}, BasketRow{1, 2, {4}},
                                          BasketRow{2, 1, {0}}, BasketRow{UINT32_MAX, 3, {1}}, BasketRow{3, 1, {1}},
                                          BasketRow{3, 4, {0}}};
  const NextBasketSplit split = SplitLastBasket(baskets, 100);
  CHECK(split.customers_with_repeat == 2);
  REQUIRE(split.cases.size() == 2);
  CHECK(split.learn.size() == 5);
  CHECK(split.cases[0].truth == std::vector<uint32_t>{2, 3});
  // Latest earlier order first: day 5 ({0, 1}, 4 days before) then day 2 ({4}, 7 days before).
  REQUIRE(split.cases[0].history.purchases.size() == 3);
  CHECK(split.cases[0].history.purchases[0].product == 0);
  CHECK(split.cases[0].history.purchases[0].days_ago == 4);
  CHECK(split.cases[0].history.purchases[2].product == 4);
  CHECK(split.cases[0].history.purchases[2].days_ago == 7);
  CHECK(split.cases[0].history.purchases[0].order != split.cases[0].history.purchases[2].order);
  CHECK(SplitLastBasket(baskets, 1).cases.size() == 1);
  // Bootstrap: a constant difference has a zero-width interval at that difference; equal scores give [0, 0].
  const std::vector<float> a = {1, 1, 0, 1}, b = {0, 0, -1, 0};
  const Interval i = PairedBootstrap(a, b, 1);
  CHECK(i.lo == Approx(1.0));
  CHECK(i.hi == Approx(1.0));
  const Interval z = PairedBootstrap(a, a, 1);
  CHECK(z.lo == 0.0);
  CHECK(z.hi == 0.0);
  // Half the cases +1, half 0: the mean is 0.5 and the interval holds it, within [0, 1].
  std::vector<float> c(200), d(200, 0.0f);
  for (size_t k = 0; k < c.size(); ++k) c[k] = k % 2 ? 1.0f : 0.0f;
  const Interval h = PairedBootstrap(c, d, 7);
  CHECK(h.lo < 0.5);
  CHECK(h.hi > 0.5);
  CHECK(h.lo > 0.35);
  CHECK(h.hi < 0.65);
}

namespace {

// Random baskets: `customers` customers (every seventh basket a guest's), days with ties, duplicate items,
// products drawn from `products` (above PairCounts::kDenseProducts: the hashed counts).
Baskets RandomBaskets(uint32_t customers, uint32_t products, uint64_t seed) {
  Random random(seed);
  std::vector<BasketRow> rows;
  for (uint32_t c = 0; c < customers; ++c) {
    const uint32_t orders = 1 + static_cast<uint32_t>(random.Below(5));
    for (uint32_t o = 0; o < orders; ++o) {
      BasketRow row;
      row.customer = random.Below(7) == 0 ? UINT32_MAX : c;
      row.day = static_cast<int32_t>(random.Below(60));
      const uint32_t items = static_cast<uint32_t>(random.Below(6));
      for (uint32_t i = 0; i < items; ++i) row.items.push_back(static_cast<uint32_t>(random.Below(products / 4 + 1) * (1 + random.Below(3))) % products);
      rows.push_back(row);
    }
  }
  std::swap(rows.front(), rows.back());  // not all in customer order
  return Baskets::From(rows);
}

std::vector<ModelProduct> RandomProducts(uint32_t n) {
  std::vector<ModelProduct> products;
  for (uint32_t i = 0; i < n; ++i) products.push_back(Product("P" + std::to_string((i * 7919) % n), "Product " + std::to_string(i)));
  products[n / 2].id = products[0].id;  // a duplicate id
  return products;
}

void CheckSameStats(const ModelStats& a, const ModelStats& b) {
  CHECK(a.baskets == b.baskets);
  CHECK(a.transitions == b.transitions);
  CHECK(a.co_pairs_seen == b.co_pairs_seen);
  CHECK(a.co_pairs_kept == b.co_pairs_kept);
  CHECK(a.seq_pairs_seen == b.seq_pairs_seen);
  CHECK(a.seq_pairs_kept == b.seq_pairs_kept);
  CHECK(a.neighbours == b.neighbours);
  CHECK(a.products_with_neighbours == b.products_with_neighbours);
  CHECK(a.products_with_interval == b.products_with_interval);
}

}  // namespace

TEST_CASE("widget evaluation: the last-basket split a part at a time, the same whatever the parts", "[widget]") {
  // LastBasketSplitter (the engine's steps) against the split's definition: each customer's baskets with items
  // by day (ties: position), the last of each customer with two or more hidden from the learning baskets.
  const Baskets baskets = RandomBaskets(2000, 60, 11);
  BasketSubset some;  // every basket but each fourth
  for (uint32_t b = 0; b < baskets.size(); ++b) {
    if (b % 4 != 1) some.push_back(b);
  }
  for (const BasketSubset& use : {AllBaskets(baskets), some}) {
    const std::vector<uint32_t> in_order = ByCustomerAndDay(baskets, use);
    std::vector<std::vector<uint32_t>> by_customer(2000);
    for (const uint32_t i : in_order) {
      const uint32_t b = use[i];
      if (baskets.customer[b] != UINT32_MAX && baskets.item_count(b) > 0) by_customer[baskets.customer[b]].push_back(b);
    }
    std::set<uint32_t> hidden;
    for (const std::vector<uint32_t>& mine : by_customer) {
      if (mine.size() >= 2) hidden.insert(mine.back());
    }
    REQUIRE(hidden.size() > 100);
    BasketSubset learn;
    for (const uint32_t b : use) {
      if (!hidden.count(b)) learn.push_back(b);
    }
    for (const size_t max_cases : {size_t{1}, size_t{50}, size_t{100000}}) {
      const NextBasketSubsetSplit whole = SplitLastBasket(baskets, use, max_cases);
      CHECK(whole.learn == learn);
      CHECK(whole.customers_with_repeat == hidden.size());
      REQUIRE(whole.cases.size() == std::min(max_cases, hidden.size()));
      for (const size_t rows : {size_t{1}, size_t{7}, size_t{1000}, size_t{0}}) {
        CAPTURE(use.size(), max_cases, rows);
        LastBasketSplitter splitter(baskets, use, max_cases, in_order);
        size_t parts = 0;
        for (; !splitter.done(); ++parts) splitter.Run(rows);
        if (rows == 7) CHECK(parts > (in_order.size() + use.size()) / 7);
        const NextBasketSubsetSplit got = splitter.Result();
        CHECK(got.learn == whole.learn);
        CHECK(got.customers_with_repeat == whole.customers_with_repeat);
        REQUIRE(got.cases.size() == whole.cases.size());
        for (size_t c = 0; c < got.cases.size(); ++c) {
          const NextBasketCase& a = got.cases[c];
          const NextBasketCase& b = whole.cases[c];
          CHECK(a.customer == b.customer);
          CHECK(a.day == b.day);
          CHECK(a.truth == b.truth);
          REQUIRE(a.history.purchases.size() == b.history.purchases.size());
          for (size_t k = 0; k < a.history.purchases.size(); ++k) {
            CHECK(a.history.purchases[k].product == b.history.purchases[k].product);
            CHECK(a.history.purchases[k].days_ago == b.history.purchases[k].days_ago);
            CHECK(a.history.purchases[k].order == b.history.purchases[k].order);
          }
        }
        // Each case is a customer's hidden (last) basket, whose earlier baskets are its history.
        for (const NextBasketCase& c : got.cases) {
          const std::vector<uint32_t>& mine = by_customer[c.customer];
          CHECK(c.day == baskets.day[mine.back()]);
          size_t earlier = 0;
          for (size_t k = 0; k + 1 < mine.size(); ++k) earlier += baskets.item_count(mine[k]);
          CHECK(c.history.purchases.size() == earlier);
        }
      }
    }
  }
}

TEST_CASE("widget model building a part at a time: the same model as one call, whatever the chunks", "[widget]") {
  for (const uint32_t n : {40u, 1500u}) {
    const Baskets baskets = RandomBaskets(n == 40 ? 3000 : 1500, n, n);
    const std::vector<ModelProduct> products = RandomProducts(n);
    BasketSubset some;  // every basket but each fifth
    for (uint32_t b = 0; b < baskets.size(); ++b) {
      if (b % 5 != 3) some.push_back(b);
    }
    ModelOptions options;
    options.learn_weights = false;
    options.min_pairs = 2;
    options.weights.half_life_days = 30;
    for (const BasketSubset& use : {AllBaskets(baskets), some}) {
      ModelStats one_stats;
      std::vector<uint32_t> one_index;
      const std::string one = WriteModel(BuildModelFromBaskets(baskets, use, products, options, &one_stats, &one_index));
      CHECK(one_stats.co_pairs_kept > 0);
      CHECK(one_stats.seq_pairs_kept > 0);
      CHECK(one_stats.products_with_interval > 0);
      for (const size_t chunk : {size_t{1}, size_t{7}, size_t{1000}, use.size(), SIZE_MAX}) {
        ModelBuilder builder(baskets, use, products, options);
        size_t runs = 0;
        while (!builder.done()) {
          builder.Run(chunk);
          ++runs;
        }
        ModelStats stats;
        std::vector<uint32_t> index;
        CHECK(WriteModel(builder.Result(&stats, &index)) == one);
        CheckSameStats(stats, one_stats);
        CHECK(index == one_index);
        if (chunk == 7) CHECK(runs > 3 * use.size() / 7);  // the passes over the baskets in chunks
      }
    }
  }
  SECTION("with the weights learned: the validation's model and the shipped one, built in parts") {
    const Baskets baskets = Baskets::From(Synthetic(600, true));
    const BasketSubset all = AllBaskets(baskets);
    const ModelOptions options;
    ModelStats one_stats;
    const std::string one = WriteModel(BuildModelFromBaskets(baskets, all, SyntheticProducts(), options, &one_stats));
    REQUIRE(one_stats.validation.accepted);
    // The validation's model in parts gives the same search.
    const ValidationModel whole = BuildValidationModel(baskets, all, SyntheticProducts(), options);
    ValidationModel parts;
    std::unique_ptr<ModelBuilder> learning = StartValidationModel(baskets, all, SyntheticProducts(), options, &parts.split);
    REQUIRE(learning);
    while (!learning->done()) learning->Run(5);
    parts.inner = learning->Result(nullptr, &parts.to_model);
    CHECK(WriteModel(parts.inner) == WriteModel(whole.inner));
    CHECK(parts.to_model == whole.to_model);
    CHECK(parts.split.learn == whole.split.learn);
    const WeightValidation v = SearchWeights(baskets, SyntheticProducts(), options, parts);
    CHECK(v.accepted);
    ModelBuilder builder(baskets, all, SyntheticProducts(), ChosenOptions(options, v));
    while (!builder.done()) builder.Run(11);
    CHECK(WriteModel(builder.Result()) == one);
  }
}

TEST_CASE("widget weights' search a part at a time: the same validation as one call", "[widget]") {
  const Baskets baskets = Baskets::From(Synthetic(600, true));
  const BasketSubset all = AllBaskets(baskets);
  for (const bool fix_half_life : {false, true}) {
    ModelOptions options;
    options.fix_half_life = fix_half_life;
    options.weights.half_life_days = fix_half_life ? 45 : 0;  // 45: off the search's axis
    const ValidationModel learned = BuildValidationModel(baskets, all, SyntheticProducts(), options);
    const WeightValidation one = SearchWeights(baskets, SyntheticProducts(), options, learned);
    REQUIRE(one.ran);
    const std::vector<ModelProduct> products = SyntheticProducts();
    WeightSearch search(baskets, products, options, learned);
    size_t runs = 0;
    while (!search.done()) {
      search.Run(13);
      ++runs;
    }
    CHECK(runs > learned.split.learn.size() / 13);
    const WeightValidation parts = search.Result();
    CHECK(parts.accepted == one.accepted);
    CHECK(parts.select_cases == one.select_cases);
    CHECK(parts.confirm_cases == one.confirm_cases);
    CHECK(parts.hit4 == one.hit4);
    CHECK(parts.recall10 == one.recall10);
    CHECK(parts.pop_hit4 == one.pop_hit4);
    CHECK(parts.pop_recall10 == one.pop_recall10);
    CHECK(parts.gain_lo == one.gain_lo);
    CHECK(parts.gain_hi == one.gain_hi);
    CHECK(parts.hit4_lo == one.hit4_lo);
    CHECK(parts.recall10_lo == one.recall10_lo);
    CHECK(parts.searched.half_life_days == one.searched.half_life_days);
    CHECK(parts.searched.w_repeat == one.searched.w_repeat);
    CHECK(parts.searched.w_replenish == one.searched.w_replenish);
    CHECK(parts.searched.w_bought == one.searched.w_bought);
    if (fix_half_life) CHECK(parts.searched.half_life_days == 45);
  }
}
