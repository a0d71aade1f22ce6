// The storefront widget's model file (DESIGN §4, docs/widget.md "File format"): item-to-item neighbours,
// product display data, repurchase intervals and review-prompt settings. It holds NO customer data: no
// customer ids, emails, orders or dates, only per-product facts and pair scores of pairs seen at least
// `min_pairs` times.
//
// The bytes ("RPMD", version 1) are little-endian: a 16-byte header (magic, version, flags, payload length,
// CRC-32 of the payload) and a payload of tagged, length-prefixed sections. The string table comes first;
// every string elsewhere is a varint index into it. Scores are quantised to 16 bits (score x 65535).
//
// ReadModel() validates everything (magic, version, lengths, checksum, counts, indices, ranges) and never
// reads out of bounds; on damage it returns a kCorrupt Status that says what and where
// ("model: byte 42: neighbour product index 901 >= product count 12").
//
// This file and scoring.{h,cpp} are also compiled alone into the widget's slim wasm module (widget/), so
// they use only the standard library and core/util/status.h (header only): no JSON, no SQLite, no exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace rapport {

constexpr uint16_t kModelVersion = 1;
constexpr size_t kModelHeaderSize = 16;

// Section tags (docs/widget.md). Unknown tags are skipped, so a newer writer may add sections.
enum ModelSection : uint8_t {
  kSectionStrings = 1,
  kSectionMeta = 2,
  kSectionProducts = 3,
  kSectionNeighbours = 4,
  kSectionReview = 5,
};

struct ModelProduct {
  std::string id;            // what the storefront puts in data-product: the SKU, else the handle, else the key
  std::string title, url, image;
  int64_t price_cents = -1;  // -1 unknown
  uint32_t repurchase_days = 0;  // median days between repeat purchases of it by one customer; 0 = unknown
  uint16_t popularity = 0;   // baskets containing it, quantised: 65535 x baskets / baskets of the most bought product
};

struct Neighbour {
  uint32_t product = 0;  // index into Model::products
  uint16_t score = 0;    // blended similarity in [0,1] x 65535 (core/recommend/scoring.h)
};

struct ReviewPromptSettings {
  uint32_t delay_days = 14;       // the prompt appears on the first visit at least this many days after the purchase
  uint32_t max_prompts = 3;       // prompts shown per browser in any 30 days (frequency cap)
  uint32_t min_gap_days = 2;      // days between two prompts
  std::string url_template;       // the merchant's review page; "{id}", "{url}" and "{title}" are replaced
};

struct ModelMeta {
  std::string currency;           // of price_cents ("" unknown)
  uint32_t min_pairs = 3;         // pairs seen in fewer orders (or order-to-next-order transitions) were dropped
  uint32_t top_n = 20;            // neighbours kept per product
  uint32_t baskets = 0;           // orders the scores were learned from (a count, not data about anyone)
  // Weights of the scorer (scoring.h), in thousandths, so the widget ranks as the offline evaluation did.
  uint32_t w_history = 20000;     // per unit of neighbour score from the shopper's viewed/bought items
  uint32_t w_popularity = 1000;   // the prior: every product's score starts here before evidence is added
  uint32_t w_replenish = 300;     // an item bought before whose repurchase interval has (nearly) elapsed
};

struct Model {
  ModelMeta meta;
  ReviewPromptSettings review;
  std::vector<ModelProduct> products;             // sorted by id (the reader checks), so lookups are binary searches
  std::vector<std::vector<Neighbour>> neighbours; // per product, best first, at most meta.top_n, no self

  // Index of the product with this id, or UINT32_MAX.
  uint32_t Find(const std::string& id) const;
};

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib's crc32()).
uint32_t Crc32(const uint8_t* data, size_t size);

// The file's bytes. Deterministic: the same model gives the same bytes.
std::string WriteModel(const Model& model);

// Parses and validates; on any damage returns kCorrupt (never reads outside [data, data + size)).
Status ReadModel(const uint8_t* data, size_t size, Model* out);

}  // namespace rapport
