// PageWarmer (core/workspace/page_warmer.h): faults in the spare capacity it is handed without changing any
// byte, skips what is no longer mapped, and a merge in slices that hands its reservations to a warmer gives the
// workspace it gives without one.
#include <cstring>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/workspace/merge.h"
#include "core/workspace/page_warmer.h"
#include "workspace/batch_builder.h"

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/mman.h>
#include <unistd.h>
#define RAPPORT_TEST_MINCORE 1
#endif

namespace rapport {
namespace {

#if RAPPORT_TEST_MINCORE
// Pages of [p, p + bytes) in memory.
size_t Resident(void* p, size_t bytes) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in((bytes + page - 1) / page);
  REQUIRE(mincore(p, bytes, in.data()) == 0);
  size_t n = 0;
  for (unsigned char c : in) n += c & 1;
  return n;
}
#endif

TEST_CASE("page warmer: the spare capacity is faulted in, and no byte changes", "[workspace][page_warmer]") {
  PageWarmer warmer;
  std::vector<uint64_t> column;
  column.reserve(1u << 20);  // 8 MiB, untouched
  for (uint64_t i = 0; i < 1000; ++i) column.push_back(i * 7);
  warmer.WarmSpare(column);
  const uint64_t warmed = warmer.Wait();
  for (uint64_t i = 0; i < 1000; ++i) REQUIRE(column[i] == i * 7);
  if (!warmer.active()) return;  // not Linux 5.14+: nothing to check
  // Whole pages inside the spare capacity: all but at most two pages of it.
  const size_t spare = (column.capacity() - column.size()) * sizeof(uint64_t);
  CHECK(warmed + 2 * 4096 >= spare);
  CHECK(warmed <= spare);
#if RAPPORT_TEST_MINCORE
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(column.data() + column.size()) + page - 1) & ~(page - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(column.data() + column.capacity()) & ~(page - 1);
  CHECK(Resident(reinterpret_cast<void*>(begin), end - begin) == (end - begin) / page);
  // The warmed pages read as zero, as untouched memory does.
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(begin);
  CHECK(bytes[0] == 0);
  CHECK(bytes[end - begin - 1] == 0);
#endif
}

TEST_CASE("page warmer: a share of the spare capacity, and a string's", "[workspace][page_warmer]") {
  PageWarmer warmer;
  std::vector<uint32_t> column;
  column.reserve(1u << 20);  // 4 MiB
  std::string text = "abc";
  text.reserve(4u << 20);
  warmer.WarmSpare(column, 0.5);
  const uint64_t half = warmer.Wait();
  warmer.WarmSpare(text);
  const uint64_t both = warmer.Wait();
  CHECK(text == "abc");
  if (!warmer.active()) return;
  CHECK(half <= (2u << 20));
  CHECK(half + 2 * 4096 >= (2u << 20));
  CHECK(both - half + 2 * 4096 >= text.capacity() - text.size());
}

#if RAPPORT_TEST_MINCORE
TEST_CASE("page warmer: a range no longer mapped is skipped", "[workspace][page_warmer]") {
  PageWarmer warmer;
  const size_t bytes = 4u << 20;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(p != MAP_FAILED);
  REQUIRE(munmap(p, bytes) == 0);
  warmer.Warm(p, bytes);  // freed before the warmer gets to it
  CHECK(warmer.Wait() == 0);
  // It goes on warming what comes next.
  std::vector<char> column;
  column.reserve(bytes);
  warmer.WarmSpare(column);
  if (warmer.active()) CHECK(warmer.Wait() + 2 * 4096 >= bytes);
}
#endif

TEST_CASE("page warmer: a merge in slices with a warmer gives the same workspace", "[workspace][page_warmer]") {
  std::vector<ImportBatch> slices(6);
  for (size_t s = 0; s < slices.size(); ++s) {
    for (int i = 0; i < 3000; ++i) {
      const std::string n = std::to_string(s * 3000 + static_cast<size_t>(i));
      // Every third order is a returning customer of the first slice.
      const std::string email = i % 3 == 0 ? "buyer" + std::to_string(i) + "@example.com" : "new" + n + "@example.com";
      test::OrderSpec o{"s:" + n, email, i % 5 == 0 ? "+1555" + n : "", "", 100 + i % 60, 500 + i};
      o.first_name = i % 4 == 0 ? "Name" + n : "";
      test::AddOrder(&slices[s], o);
      test::AddLine(&slices[s], "SKU-" + std::to_string(i % 40), "Item", 1 + i % 3, 250);
    }
  }
  auto merge = [&](PageWarmer* warmer, Workspace* w) {
    MergeTotals totals;
    totals.warmer = warmer;
    uint64_t orders = 0;
    for (size_t s = 0; s + 1 < slices.size(); ++s) {
      orders += slices[s].orders.key.size();
      totals.ExpectFromBytes(slices[s].orders.key.size(), orders * 100, slices.size() * 3000 * 100);
      MergeSlice(slices[s], 1, w, &totals);
    }
    ImportRecord record;
    record.id = 1;
    MergeSlice(slices.back(), 1, w, &totals);
    FinishMerge(slices.back(), totals, 1, w, &record);
  };
  Workspace plain, warmed;
  merge(nullptr, &plain);
  PageWarmer warmer;
  merge(&warmer, &warmed);
  warmer.Wait();
  test::RequireSameWorkspace(plain, warmed);
  CHECK(warmed.orders.size() == slices.size() * 3000);
}

}  // namespace
}  // namespace rapport
