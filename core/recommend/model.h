// The storefront widget's model file (DESIGN §4, docs/widget.md "File format"): item-to-item neighbours,
// product display data, repurchase intervals and review-prompt settings. It holds NO customer data: no
// customer ids, emails, orders or dates, only per-product facts and pair scores of pairs seen at least
// `min_pairs` times.
//
// The bytes ("RPMD", version 3; versions 1 and 2 are still read) are little-endian: a 16-byte header (magic, version, flags, payload length,
// CRC-32 of the payload) and a payload of tagged, length-prefixed sections. The string table comes first;
// every string elsewhere is a varint index into it. Version 2 added the weights of the personal signals (repeat
// purchases, popularity half-life) to the meta section; version 3 writes each neighbour list in product order
// with gap-coded indices and one byte per score (scores are multiples of 257: score x 255 / 65535 in a byte),
// which takes the 5,000-product model from 472 to under 300 KB gzipped. Lists are best first in memory.
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

constexpr uint16_t kModelVersion = 3;      // written; 1 to 3 are read
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
  uint16_t popularity = 0;   // baskets containing it, quantised: 65535 x baskets / baskets of the most bought product;
                             // with meta.half_life_days > 0 each basket counts 2^(-age / half-life), age in days
                             // before the newest basket the model was learned from
};

struct Neighbour {
  uint32_t product = 0;  // index into Model::products
  uint16_t score = 0;    // blended similarity in [0,1] x 65535 (scoring.h); from version 3 a multiple of 257
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
  // w_history and w_popularity are fixed defaults; the personal ones (w_bought, w_repeat, w_replenish) and
  // half_life_days are learned on a validation split when the model is built (build.h), and are 0 when the
  // store's own orders show no personal signal (the ranking is then popularity plus the page's neighbours).
  uint32_t w_history = 20000;     // per unit of neighbour score from the page's product and viewed items
  uint32_t w_popularity = 1000;   // the prior: every product's score starts here before evidence is added
  uint32_t w_replenish = 0;       // an item bought before whose repurchase interval has (nearly) elapsed
  // Version 2 (a version 1 file reads as w_bought 300, w_repeat 0, half_life_days 0: how v1 ranked).
  uint32_t w_bought = 0;          // neighbours of the shopper's earlier purchases, relative to those of the page
  uint32_t w_repeat = 0;          // the share of the shopper's own orders that contained the product
  uint32_t half_life_days = 0;    // of the popularity counts (0: every order counts the same)
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
