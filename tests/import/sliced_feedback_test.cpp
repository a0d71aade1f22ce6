// Every importer is merged in slices as its file streams: reviews, tickets and surveys by their rows (like
// orders and customers: Importer::OrdersSliceable, SliceUnits / SplitSlice), and the importers whose rows are
// not final when read (generic transactions with an order column, WooCommerce, BigCommerce, Magento, products)
// by their issues alone (SplitIssues), so that neither a file's rows nor its bad rows' raw text are held to its
// end. Whatever is sliced, the import must equal the one-batch import: every column, the issues in the same
// order (a feedback file's "unmatched_customer" warnings after all of its issues: MergeTotals::unmatched), and
// what the database holds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "import/import_test_util.h"
#include "import/sliced_import_util.h"
#include "workspace/batch_builder.h"
#include "core/api/engine.h"
#include "core/import/batch.h"
#include "core/util/text.h"

namespace rapport {
namespace {

std::string ReadFixture(const std::string& name) {
  const std::string text = test::ReadAll(test::Fixture(name));
  REQUIRE(!text.empty());
  return text;
}

// The fixture's header, then its body again and again until the text holds `bytes`; in every copy but each
// third one the emails' domain is "<copy>.example.com", so those rows name customers the workspace does not
// know (an unmatched feedback row, a new customer) and the others name the fixture's own. (The CSV reader
// holds the first 64 KiB before it hands out a record, so a file is sliced only past that.)
std::string Enlarged(const std::string& fixture, size_t bytes) {
  const size_t header_end = fixture.find('\n') + 1;
  std::string text = fixture.substr(0, header_end);
  const std::string body = fixture.substr(header_end);
  for (size_t c = 0; text.size() < bytes; ++c) {
    if (c % 3 == 0) {
      text += body;
      continue;
    }
    const std::string domain = "@" + std::to_string(c) + ".example.com";
    for (size_t at = 0; at < body.size();) {
      const size_t found = [&] {
        for (size_t i = at; i + 12 <= body.size(); ++i) {
          if (EqualsIgnoreCase(std::string_view(body).substr(i, 12), "@example.com")) return i;
        }
        return std::string::npos;
      }();
      if (found == std::string::npos) {
        text.append(body, at, std::string::npos);
        break;
      }
      text.append(body, at, found - at).append(domain);
      at = found + 12;
    }
  }
  return text;
}

// The fixtures every importer reads (docs/formats), each enlarged.
const char* const kFixtures[] = {
    "nps.csv", "delighted_responses.csv", "typeform_nps.csv", "freshdesk_tickets.csv", "gorgias_tickets.csv",
    "zendesk_tickets.csv", "judgeme_reviews.csv", "yotpo_reviews.csv", "generic_orders.csv", "generic_repeats.csv",
    "groceries_dmy.csv", "cdnow_like.txt", "woocommerce_customers.csv", "woocommerce_analytics_orders.csv",
    "woocommerce_aoe_orders.csv", "bigcommerce_orders.csv", "magento_orders.csv", "magento_orders_default.csv",
    "shopify_products_2021.csv", "shopify_products_2024.csv", "shopify_orders_small.csv",
    "shopify_customers_2024.csv", "latin1.csv"};

// Into a workspace that knows some of the customers (the Shopify customers fixture), whole or in slices.
TEST_CASE("sliced import of every importer's enlarged fixture equals the one-batch import", "[sliced][import]") {
  const std::string customers = ReadFixture("shopify_customers_2024.csv");
  for (const char* name : kFixtures) {
    INFO(name);
    const std::string text = Enlarged(ReadFixture(name), 240 << 10);
    auto store_a = Store::OpenMemory();
    auto store_b = Store::OpenMemory();
    REQUIRE(store_a.ok());
    REQUIRE(store_b.ok());
    Workspace a, b;
    test::ImportWhole(store_a->get(), &a, 1, customers, "customers.csv");
    test::ImportWhole(store_b->get(), &b, 1, customers, "customers.csv");
    test::ImportWhole(store_a->get(), &a, 2, text, name);
    int issue_slices = 0;
    const int slices = test::ImportSliced(store_b->get(), &b, 2, text, name, test::EveryBytes(text, 700), 5, {},
                                          &issue_slices);
    // Imported again (in slices of one row or issue): duplicates only, and their issues again.
    test::ImportWhole(store_a->get(), &a, 3, text, name);
    test::ImportSliced(store_b->get(), &b, 3, text, name, test::EveryBytes(text, 300), 1);
    const ImportRecord& record = a.imports[1];
    CHECK(record.rows_read > 240);
    // A file with bad rows (all but the products and Magento's defaults) is sliced, by its rows or its issues
    // (BigCommerce's rows come out only past its first 4,096, which it holds to sniff the dates).
    if (a.issues.size() > 2 * a.imports.size() * 10 && record.format != "bigcommerce_orders") CHECK(slices > 3);
    const bool rows_sliced = a.reviews.size() + a.tickets.size() + a.surveys.size() > 0 ||
                             std::string_view(name).substr(0, 16) == "shopify_customer" ||
                             std::string_view(name).substr(0, 13) == "shopify_order" || record.format == "generic_transactions";
    if (!rows_sliced && slices > 0) CHECK(issue_slices == slices);
    test::RequireSameWorkspace(a, b);
    Workspace ra = test::Reloaded(store_a->get()), rb = test::Reloaded(store_b->get());
    test::RequireSameWorkspace(ra, rb);
    test::RequireSameWorkspace(ra, a);
  }
}

// A feedback file imported before any customer: every row warns, and the warnings come after every bad row's
// issue, wherever the slice falls: at every byte of a whole copy of the fixture's rows (each kind of row, good
// and bad) past the reader's first 64 KiB (csv/reader.h: nothing is handed out before them).
TEST_CASE("sliced surveys import: a slice boundary at every byte, the warnings after the issues", "[sliced][import]") {
  const std::string fixture = ReadFixture("nps.csv");
  const std::string text = Enlarged(fixture, (64 << 10) + 1000);
  const size_t from = (64 << 10) + 1, rows = fixture.size() - (fixture.find('\n') + 1);
  auto store_a = Store::OpenMemory();
  REQUIRE(store_a.ok());
  Workspace a;
  test::ImportWhole(store_a->get(), &a, 1, text, "nps.csv");
  REQUIRE(a.issues.size() > 8);
  CHECK(a.issues.back().code == "unmatched_customer");
  CHECK(a.issues.front().code != "unmatched_customer");
  const Workspace ra = test::Reloaded(store_a->get());
  int sliced = 0;
  for (size_t cut = from; cut <= from + rows; ++cut) {
    INFO("cut at byte " << cut);
    auto store_b = Store::OpenMemory();
    REQUIRE(store_b.ok());
    Workspace b;
    sliced += test::ImportSliced(store_b->get(), &b, 1, text, "nps.csv", {cut}, 0);
    test::RequireSameWorkspace(a, b);
    test::RequireSameWorkspace(ra, test::Reloaded(store_b->get()));
  }
  CHECK(sliced > static_cast<int>(rows));  // one slice at the cut at least
}

TEST_CASE("SplitSlice and SplitIssues: feedback rows and issues in file order", "[sliced][import]") {
  const std::string text = Enlarged(ReadFixture("judgeme_reviews.csv"), 20000);
  auto whole = test::ParseChunked(text, "reviews.csv");
  auto rest = test::ParseChunked(text, "reviews.csv");
  REQUIRE(whole.ok());
  REQUIRE(rest.ok());
  REQUIRE(SliceUnits(*rest) == rest->reviews.key.size());
  std::vector<std::string> keys, bodies;
  std::vector<uint64_t> lines, issue_lines;
  ImportBatch head;
  while (SliceUnits(*rest) > 9) {
    SplitSlice(&*rest, 9, &head);
    REQUIRE(head.reviews.key.size() == 9);
    for (size_t i = 0; i < 9; ++i) {
      keys.emplace_back(head.reviews.key[i]);
      bodies.emplace_back(head.reviews.body[i]);
      lines.push_back(head.reviews.line[i]);
    }
    for (size_t i = 0; i < head.issues.size(); ++i) issue_lines.push_back(head.issues.Get(i).line);
    // The issues alone, once: the rows stay.
    const size_t left = SliceUnits(*rest);
    SplitIssues(&*rest, &head);
    CHECK(SliceUnits(head) == 0);
    CHECK(SliceUnits(*rest) == left);
    for (size_t i = 0; i < head.issues.size(); ++i) issue_lines.push_back(head.issues.Get(i).line);
  }
  for (size_t i = 0; i < rest->reviews.key.size(); ++i) {
    keys.emplace_back(rest->reviews.key[i]);
    bodies.emplace_back(rest->reviews.body[i]);
    lines.push_back(rest->reviews.line[i]);
  }
  for (size_t i = 0; i < rest->issues.size(); ++i) issue_lines.push_back(rest->issues.Get(i).line);
  CHECK(rest->rows_read == whole->rows_read);
  REQUIRE(keys.size() == whole->reviews.key.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    CHECK(keys[i] == whole->reviews.key[i]);
    CHECK(bodies[i] == whole->reviews.body[i]);
    CHECK(lines[i] == whole->reviews.line[i]);
  }
  REQUIRE(issue_lines.size() == whole->issues.size());
  for (size_t i = 0; i < issue_lines.size(); ++i) CHECK(issue_lines[i] == whole->issues.Get(i).line);
}

// Through the engine's own driver (threaded and inline), files past its slice (5,000 rows or issues here:
// Engine::set_import_slice_orders): a surveys file (sliced by its rows) and a generic transactions file with
// an order column whose orders recur (sliced by its issues).
TEST_CASE("engine: large feedback and unsliceable files merged in slices equal the one-batch import",
          "[sliced][import][engine]") {
  constexpr size_t kSlice = 5000;
  for (const char* name : {"nps.csv", "generic_orders.csv"}) {
    INFO(name);
    const std::string fixture = ReadFixture(name);
    const size_t rows = std::count(fixture.begin(), fixture.end(), '\n') - 1;
    const std::string text = Enlarged(fixture, fixture.size() * (kSlice * 5 / 2 / rows + 100));
    auto store = Store::OpenMemory();
    REQUIRE(store.ok());
    Workspace whole;
    test::ImportWhole(store->get(), &whole, 1, text, name);
    REQUIRE(whole.issues.size() > kSlice);
    for (const bool thread : {true, false}) {
      auto engine = Engine::OpenMemory();
      REQUIRE(engine.ok());
      (*engine)->set_parse_thread(thread);
      (*engine)->set_import_slice_orders(kSlice);
      REQUIRE((*engine)->BeginImport(name, {}, text.size(), "2026-01-01T00:00:00Z").ok());
      for (size_t at = 0; at < text.size(); at += 256 << 10) {
        REQUIRE((*engine)->ImportChunk(std::string_view(text).substr(at, 256 << 10)).ok());
      }
      if (!thread) CHECK((*engine)->store().in_append());  // slices merged and written already
      auto record = (*engine)->FinishImport();
      REQUIRE(record.ok());
      const Workspace& w = (*engine)->workspace();
      CHECK(record->rows_read == whole.imports[0].rows_read);
      CHECK(record->rows_rejected == whole.imports[0].rows_rejected);
      CHECK(record->orders_added == whole.imports[0].orders_added);
      CHECK(w.surveys.key == whole.surveys.key);
      CHECK(w.surveys.customer == whole.surveys.customer);
      CHECK(w.orders.key == whole.orders.key);
      CHECK(w.orders.total_cents == whole.orders.total_cents);
      CHECK(w.lines.order == whole.lines.order);
      CHECK(w.lines.product == whole.lines.product);
      REQUIRE(w.issues.size() == whole.issues.size());
      for (size_t i = 0; i < w.issues.size(); ++i) {
        CHECK(w.issues[i].line == whole.issues[i].line);
        CHECK(w.issues[i].code == whole.issues[i].code);
        CHECK(w.issues[i].message == whole.issues[i].message);
        CHECK(w.issues[i].raw_row == whole.issues[i].raw_row);
      }
      auto image = (*engine)->SerializeImage();
      REQUIRE(image.ok());
      auto reopened = Engine::OpenImage(*image);
      REQUIRE(reopened.ok());
      test::RequireSameWorkspace((*reopened)->workspace(), w);
    }
  }
}

}  // namespace
}  // namespace rapport
