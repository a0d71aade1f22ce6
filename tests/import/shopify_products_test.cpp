// The Shopify products export on fixtures built from the documented <=2021 and 2024+ column lists
// (FORMATS.md §1a; tests/fixtures/import/make_fixtures.py). No real products export is in ../shared/data.
#include <catch2/catch.hpp>

#include "import/import_test_util.h"

namespace rapport {
namespace {

TEST_CASE("Shopify products, <=2021 layout: variants, image rows, option titles", "[import][shopify]") {
  ParseSession session("products_export.csv", {});
  REQUIRE(session.Feed(test::ReadAll(test::Fixture("shopify_products_2021.csv"))).ok());
  Result<ImportBatch> result = session.Finish();
  REQUIRE(result.ok());
  REQUIRE(session.detected() != nullptr);
  CHECK(std::string(session.detected()->format) == "shopify_products");
  const ImportBatch& b = *result;
  CHECK(b.rows_read == 4);
  CHECK(b.rows_accepted == 4);
  const auto& p = b.products;
  REQUIRE(p.sku.size() == 3);
  CHECK(p.sku[0] == "BED-S");
  CHECK(p.title[0] == "Dog Bed - S");
  CHECK(p.handle[0] == "dog-bed");
  CHECK(p.url[0] == "/products/dog-bed");
  CHECK(p.vendor[0] == "Acme");
  CHECK(p.category[0] == "Beds");
  CHECK(p.price_cents[0] == 3900);
  CHECK(p.image_url[0] == "https://cdn.example.com/bed.jpg");
  CHECK(p.sku[1] == "BED-L");
  CHECK(p.title[1] == "Dog Bed - L");
  CHECK(p.vendor[1] == "Acme");  // product-level columns carried to later variant rows
  CHECK(p.image_url[1] == "https://cdn.example.com/bed-l.jpg");
  CHECK(p.sku[2].empty());
  CHECK(p.title[2] == "Leash");  // "Default Title" adds nothing
  CHECK(p.price_cents[2] == -1);
  const ImportIssue* bad = test::FindIssue(b, "bad_amount", 5);
  REQUIRE(bad != nullptr);
  CHECK(bad->column == 20);
  CHECK_FALSE(bad->rejected);
}

TEST_CASE("Shopify products, 2024+ layout", "[import][shopify]") {
  Result<ImportBatch> result = test::ParseChunked(test::ReadAll(test::Fixture("shopify_products_2024.csv")), "p.csv", 5);
  REQUIRE(result.ok());
  const auto& p = result->products;
  REQUIRE(p.sku.size() == 1);
  CHECK(p.sku[0] == "0042");
  CHECK(p.title[0] == "Cat Tree - Grey / XL");
  CHECK(p.handle[0] == "cat-tree");
  CHECK(p.price_cents[0] == 109900);
  CHECK(p.category[0] == "Furniture");
  CHECK(p.image_url[0] == "https://cdn.example.com/tree.jpg");
}

}  // namespace
}  // namespace rapport
