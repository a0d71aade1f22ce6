// KeyIndex's hashed calls (a probe that inserts on a miss with the hash computed once, Prefetch) and the
// merge's alias range (MergeDelta::new_aliases read in place from the workspace's index).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/workspace/key_index.h"
#include "core/workspace/merge.h"
#include "workspace/batch_builder.h"

namespace rapport {
namespace {

test::OrderSpec Order(const char* key, const char* email, int32_t day, int64_t total_cents) {
  test::OrderSpec s;
  s.key = key;
  s.email = email;
  s.day = day;
  s.total_cents = total_cents;
  return s;
}

TEST_CASE("KeyIndex::InsertHashed inserts on a miss and returns the id already there on a hit", "[workspace][key_index]") {
  KeyIndex index;
  const std::string a = "email:ann@example.com", b = "phone:15551234567";
  const uint64_t ha = HashKey(a), hb = HashKey(b);
  index.Prefetch(ha);  // on an empty index: nothing to load, must not fault
  CHECK(index.GetHashed(a, ha, 99) == 99);

  auto r = index.InsertHashed(a, ha, 7);
  CHECK(r.first == 7);
  CHECK(r.second);
  r = index.InsertHashed(a, ha, 8);  // present: the first id stays
  CHECK(r.first == 7);
  CHECK_FALSE(r.second);
  CHECK(index.GetHashed(a, ha, 99) == 7);
  CHECK(index.Get(a, 99) == 7);  // the unhashed calls see the same entry
  CHECK(index.GetHashed(b, hb, 99) == 99);
  CHECK(index.try_emplace(b, 3).second);
  CHECK(index.GetHashed(b, hb, 99) == 3);
  CHECK(index.size() == 2);
}

TEST_CASE("KeyIndex::InsertHashed keeps every key through rehashes, in insertion order", "[workspace][key_index]") {
  KeyIndex index;
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) keys.push_back("id:shopify:" + std::to_string(i * 7919));
  for (size_t i = 0; i < keys.size(); ++i) {
    const uint64_t h = HashKey(keys[i]);
    index.Prefetch(h);
    REQUIRE(index.InsertHashed(keys[i], h, static_cast<uint32_t>(i)).second);
  }
  REQUIRE(index.size() == keys.size());
  size_t e = 0;
  for (const KeyIndex::Entry entry : index) {  // entries in insertion order, keys read back intact
    CHECK(entry.first == keys[e]);
    CHECK(entry.second == e);
    ++e;
  }
  for (size_t i = 0; i < keys.size(); ++i) CHECK(index.GetHashed(keys[i], HashKey(keys[i]), kNoId) == i);
  CHECK(index.Get("id:shopify:1", kNoId) == kNoId);
}

TEST_CASE("KeyIndex::reserve keeps the keys and their ids", "[workspace][key_index]") {
  KeyIndex index;
  index.try_emplace("sku:A", 1);
  index.try_emplace("sku:BB", 2);
  index.reserve(1000);
  CHECK(index.size() == 2);
  CHECK(index.at("sku:A") == 1);
  CHECK(index.at("sku:BB") == 2);
  index.try_emplace("sku:CCC", 3);
  CHECK(index.at("sku:CCC") == 3);
}

TEST_CASE("KeyIndex::reserve of an empty index with the keys' bytes: keys shorter and longer than said read back", "[workspace][key_index]") {
  KeyIndex index;
  index.reserve(100, 100 * 8);  // 100 keys of 8 bytes said; 300 keys of 3 to 40 bytes come
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) keys.push_back("k:" + std::string(static_cast<size_t>(1 + i % 38), static_cast<char>('a' + i % 26)) + std::to_string(i));
  for (size_t i = 0; i < keys.size(); ++i) REQUIRE(index.try_emplace(keys[i], static_cast<uint32_t>(i)).second);
  REQUIRE(index.size() == keys.size());
  size_t e = 0;
  for (const KeyIndex::Entry entry : index) {
    CHECK(entry.first == keys[e]);
    CHECK(entry.second == e);
    ++e;
  }
  for (size_t i = 0; i < keys.size(); ++i) CHECK(index.Get(keys[i], kNoId) == i);
  KeyIndex unsized;
  unsized.reserve(10, 0);  // no key bytes said: the buffer grows as keys come
  CHECK(unsized.try_emplace("email:ann@example.com", 7).second);
  CHECK(unsized.at("email:ann@example.com") == 7);
}

TEST_CASE("MergeDelta::new_aliases lists each slice's new aliases in the order added", "[workspace][merge]") {
  Workspace w;
  ImportBatch first;
  test::AddOrder(&first, Order("shopify:1", "ann@example.com", 19000, 1000));
  test::AddOrder(&first, Order("shopify:2", "bob@example.com", 19001, 2000));
  test::AddOrder(&first, Order("shopify:3", "ann@example.com", 19002, 3000));  // Ann again: no new alias
  MergeTotals totals;
  const MergeDelta d1 = MergeSlice(first, 1, &w, &totals);
  std::vector<std::pair<std::string, uint32_t>> got;
  for (const auto& a : d1.new_aliases) got.emplace_back(std::string(a.first), a.second);
  CHECK(got == std::vector<std::pair<std::string, uint32_t>>{{"email:ann@example.com", 0}, {"email:bob@example.com", 1}});
  CHECK(d1.new_aliases.size() == 2);

  ImportBatch second;
  test::AddOrder(&second, Order("shopify:4", "bob@example.com", 19003, 4000));
  test::AddOrder(&second, Order("shopify:5", "cy@example.com", 19004, 5000));
  const MergeDelta d2 = MergeSlice(second, 1, &w, &totals);
  got.clear();
  for (const auto& a : d2.new_aliases) got.emplace_back(std::string(a.first), a.second);
  CHECK(got == std::vector<std::pair<std::string, uint32_t>>{{"email:cy@example.com", 2}});

  ImportBatch none;
  test::AddOrder(&none, Order("shopify:5", "cy@example.com", 19004, 5000));  // a duplicate order: nothing new
  const MergeDelta d3 = MergeSlice(none, 1, &w, &totals);
  CHECK(d3.new_aliases.empty());
  CHECK(totals.duplicates == 1);
}

}  // namespace
}  // namespace rapport
