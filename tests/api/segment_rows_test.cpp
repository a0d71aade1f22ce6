// The "segment" op's rows a page at a time (offset/limit) and sorted by a column (sort/desc): the customers
// page of the dashboard lists a segment's members this way instead of one reply with thousands of rows.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/api/engine.h"
#include "core/api/json.h"
#include "demo/demo_export.h"

namespace rapport {
namespace {

Json Call(Engine* e, const Json& request) {
  Json reply = Json::parse(e->Call(request.dump()));
  INFO(reply.dump().substr(0, 400));
  return reply;
}

std::vector<uint32_t> RowIds(const Json& result) {
  std::vector<uint32_t> ids;
  for (const Json& row : result["rows"]) ids.push_back(row["id"].get<uint32_t>());
  return ids;
}

TEST_CASE("segment: rows a page at a time equal the whole list, in ascending id", "[api][segment]") {
  auto e = test::DemoEngine(400, 11);
  const Json all = Call(e.get(), Json{{"op", "segment"}, {"rule", "orders >= 1"}, {"limit", 1000000}})["result"];
  const std::vector<uint32_t> whole = RowIds(all);
  REQUIRE(whole.size() == all["members"].get<size_t>());
  REQUIRE(whole.size() > 100);
  std::vector<uint32_t> paged;
  for (size_t offset = 0; offset < whole.size(); offset += 37) {
    const Json page = Call(e.get(), Json{{"op", "segment"}, {"rule", "orders >= 1"}, {"limit", 37}, {"offset", offset}})["result"];
    CHECK(page["offset"] == offset);
    CHECK(page["members"] == all["members"]);
    for (uint32_t id : RowIds(page)) paged.push_back(id);
  }
  CHECK(paged == whole);
  for (size_t i = 1; i < whole.size(); ++i) CHECK(whole[i - 1] < whole[i]);
  // Past the end: no rows, the counts still there.
  const Json past = Call(e.get(), Json{{"op", "segment"}, {"rule", "orders >= 1"}, {"limit", 10}, {"offset", 100000}})["result"];
  CHECK(past["rows"].empty());
  CHECK(past["offset"] == whole.size());
}

TEST_CASE("segment: rows sorted by a column, each page the next slice of the whole sorted list", "[api][segment]") {
  auto e = test::DemoEngine(400, 11);
  for (const char* key : {"net_spend", "orders", "last_order_date", "email", "id"}) {
    for (bool desc : {false, true}) {
      INFO(key << (desc ? " desc" : " asc"));
      const Json all = Call(e.get(), Json{{"op", "segment"}, {"rule", "orders >= 1"}, {"limit", 1000000}, {"sort", key},
                                          {"desc", desc}})["result"];
      const Json& rows = all["rows"];
      REQUIRE(rows.size() == all["members"].get<size_t>());
      for (size_t i = 1; i < rows.size(); ++i) {
        const Json& a = rows[i - 1];
        const Json& b = rows[i];
        const Json& x = a[key];
        const Json& y = b[key];
        if (x == y) {
          CHECK(a["id"].get<uint32_t>() < b["id"].get<uint32_t>());
        } else {
          CHECK((desc ? y < x : x < y));
        }
      }
      const Json second = Call(e.get(), Json{{"op", "segment"}, {"rule", "orders >= 1"}, {"limit", 25}, {"offset", 25},
                                             {"sort", key}, {"desc", desc}})["result"];
      REQUIRE(second["rows"].size() == 25);
      for (size_t i = 0; i < 25; ++i) CHECK(second["rows"][i]["id"] == rows[25 + i]["id"]);
    }
  }
  const Json bad = Call(e.get(), Json{{"op", "segment"}, {"rule", "orders >= 1"}, {"sort", "p_alive"}});
  CHECK(bad["ok"] == false);
}

}  // namespace
}  // namespace rapport
