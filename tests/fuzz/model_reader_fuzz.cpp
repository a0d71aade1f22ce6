// libFuzzer target for the widget's model reader (core/recommend/model.h, STYLE §10): any bytes must be read
// or rejected with kCorrupt, never crash or read out of bounds; a model that reads must have every index in
// range, write back to bytes that read again to the same bytes, and rank without trouble from a shopper history
// taken from the input. Replayed over tests/fuzz/corpus/model_reader_fuzz/ in every test run. Inputs whose header
// checksum is wrong stop at the CRC, so the seeds include valid files and the fuzzer's own CRC-fixed mutations
// are reached through the "reseal" byte: when the first byte is '!', the rest is resealed (length + CRC) first.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <string>

#include "core/recommend/model.h"
#include "core/recommend/scoring.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (!bytes.empty() && bytes[0] == '!') {
    bytes.erase(0, 1);
    if (bytes.size() >= rapport::kModelHeaderSize) {
      const uint32_t len = static_cast<uint32_t>(bytes.size() - rapport::kModelHeaderSize);
      const uint32_t crc = rapport::Crc32(reinterpret_cast<const uint8_t*>(bytes.data()) + rapport::kModelHeaderSize, len);
      for (int i = 0; i < 4; ++i) {
        bytes[8 + i] = static_cast<char>((len >> (8 * i)) & 0xFF);
        bytes[12 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
      }
    }
  }
  // Exactly-sized heap copy, so ASan catches a read one past the end.
  uint8_t* copy = static_cast<uint8_t*>(std::malloc(bytes.size() ? bytes.size() : 1));
  if (!bytes.empty()) std::memcpy(copy, bytes.data(), bytes.size());
  rapport::Model model;
  const rapport::Status status = rapport::ReadModel(copy, bytes.size(), &model);
  std::free(copy);
  if (!status.ok()) {
    if (status.code() != rapport::StatusCode::kCorrupt || status.message().empty()) std::abort();
    return 0;
  }
  if (model.neighbours.size() != model.products.size()) std::abort();
  for (size_t i = 0; i < model.neighbours.size(); ++i) {
    if (model.neighbours[i].size() > model.meta.top_n) std::abort();
    for (const rapport::Neighbour& n : model.neighbours[i]) {
      if (n.product >= model.products.size() || n.product == i) std::abort();
    }
  }
  const std::string written = rapport::WriteModel(model);
  rapport::Model again;
  if (!rapport::ReadModel(reinterpret_cast<const uint8_t*>(written.data()), written.size(), &again).ok()) std::abort();
  if (rapport::WriteModel(again) != written) std::abort();
  // A shopper history taken from the input (indices partly out of range on purpose).
  rapport::ShopperHistory shopper;
  const uint32_t span = static_cast<uint32_t>(model.products.size() + 2);
  if (size > 0) shopper.page = data[0] % 3 == 0 ? UINT32_MAX : data[0] % span;
  for (size_t i = 1; i + 2 < size && shopper.purchases.size() < 8; i += 3) {
    if (data[i] & 1) shopper.views.push_back(data[i + 1] % span);
    else shopper.purchases.push_back(rapport::Purchase{data[i + 1] % span, static_cast<int32_t>(data[i + 2]) - 40, data[i] / 16u});
  }
  const uint32_t exclude[] = {0, 1};
  const auto recs = rapport::RecommendForShopper(model, shopper, exclude, 2, 6);
  if (recs.size() > 6) std::abort();
  for (const auto& r : recs) {
    if (r.product >= model.products.size()) std::abort();
  }
  return 0;
}
