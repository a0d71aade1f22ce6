// The widget's model file (core/recommend/model.h) and scoring (scoring.h), as LevelDB's log_test.cc does it:
// each kind of damage gets its own test, and every one must be rejected with a kCorrupt Status.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/recommend/build.h"
#include "core/recommend/model.h"
#include "core/recommend/scoring.h"

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

// A hand-built model: A's neighbours B (0.8), C (0.4); B's: A (0.8); C's: D (0.5); D none; E popular, no neighbours.
Model HandModel() {
  Model m;
  m.meta.currency = "EUR";
  m.meta.w_history = 1000;
  m.meta.w_popularity = 1000;
  m.meta.w_replenish = 1000;
  m.review.url_template = "https://shop.example/review?p={id}";
  m.products = {Product("A", "Apple tea"), Product("B", "Blue mug", 1500), Product("C", "Cat food", 2999, 30),
                Product("D", "Dog bowl", -1), Product("E", "Earl grey", 500, 0, 60000)};
  m.neighbours = {{{1, 52428}, {2, 26214}}, {{0, 52428}}, {{3, 32768}}, {}, {}};
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
  CHECK(bytes[4] == 1);
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
  CHECK(m.review.url_template == h.review.url_template);
  CHECK(m.review.delay_days == 14);
  CHECK(m.Find("C") == 2);
  CHECK(m.Find("Z") == UINT32_MAX);
  CHECK(WriteModel(m) == bytes);
}

TEST_CASE("widget model: bad magic, version, flags are rejected", "[widget]") {
  std::string b = Bytes();
  b[0] = 'X';
  Status s = Read(b);
  CHECK(s.code() == StatusCode::kCorrupt);
  CHECK_THAT(s.message(), Catch::Contains("magic"));
  b = Bytes();
  b[4] = 2;
  s = Read(b);
  CHECK(s.code() == StatusCode::kCorrupt);
  CHECK_THAT(s.message(), Catch::Contains("version 2"));
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
    CHECK_THAT(s.message(), Catch::Contains("neighbour product index 99"));
  }
  SECTION("neighbours not best first") {
    Model m = HandModel();
    std::swap(m.neighbours[0][0], m.neighbours[0][1]);
    CHECK_THAT(Read(WriteModel(m)).message(), Catch::Contains("best first"));
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
  const Model m = HandModel();
  SECTION("no context: popularity order") {
    const auto recs = Recommend(m, nullptr, 0, nullptr, 0, 3);
    REQUIRE(recs.size() == 3);
    CHECK(recs[0].product == 4);  // E, the most bought
    CHECK(Ids(recs) == std::vector<uint32_t>{4, 0, 1});  // then ties by index
  }
  SECTION("the page's product: its neighbours first, itself excluded") {
    const ContextItem ctx[] = {{0, 1.0f, -1}};
    const uint32_t exclude[] = {0};
    const auto recs = Recommend(m, ctx, 1, exclude, 1, 4);
    // A -> B 0.8, C 0.4; scores (1 + 0.8) x p and (1 + 0.4) x p with p = 0.05 + 100/65535; E: 1 x (0.05 + 0.92)
    CHECK(Ids(recs) == std::vector<uint32_t>{4, 1, 2, 3});
    CHECK(recs[1].score > recs[2].score);
  }
  SECTION("a viewed item is not shown again; a bought one when due") {
    const ContextItem viewed[] = {{2, 1.0f, -1}};
    auto ids = Ids(Recommend(m, viewed, 1, nullptr, 0, 5));
    CHECK(std::find(ids.begin(), ids.end(), 2u) == ids.end());
    CHECK(ids[1] == 3);  // C -> D
    const ContextItem bought_due[] = {{2, 0.1f, 30}};   // cat food, interval 30, bought 30 days ago
    ids = Ids(Recommend(m, bought_due, 1, nullptr, 0, 5));
    CHECK(ids[0] == 4);
    CHECK(ids[1] == 2);  // 1 + 1000/1000 x 1 replenishment beats the neighbours' scores
    const ContextItem bought_recently[] = {{2, 0.1f, 5}};
    ids = Ids(Recommend(m, bought_recently, 1, nullptr, 0, 5));
    CHECK(std::find(ids.begin(), ids.end(), 2u) - ids.begin() > 1);  // not due: no boost
  }
  SECTION("out-of-range context and exclude entries are ignored") {
    const ContextItem ctx[] = {{99, 1.0f, -1}};
    const uint32_t exclude[] = {1000};
    CHECK(Recommend(m, ctx, 1, exclude, 1, 10).size() == 5);
    CHECK(Recommend(m, ctx, 1, exclude, 1, 0).empty());
    CHECK(Recommend(Model(), ctx, 1, exclude, 1, 4).empty());
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
