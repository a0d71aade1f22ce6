// The model file: writer and validating reader. The format is described as a grammar in docs/widget.md.
#include "core/recommend/model.h"

#include <algorithm>
#include <unordered_map>

namespace rapport {

namespace {

// --- CRC-32 -----------------------------------------------------------------------------------------
// Table-driven, reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF (zlib's crc32;
// check value for "123456789" is 0xCBF43926). The table is built on first use: 1 KB instead of code.
struct CrcTable {
  uint32_t v[256];
  CrcTable() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      v[i] = c;
    }
  }
};

// --- Writing ----------------------------------------------------------------------------------------
void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutU16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v & 0xFF));
  out->push_back(static_cast<char>(v >> 8));
}

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

class StringTable {
 public:
  uint32_t Intern(const std::string& s) {
    auto it = index_.find(s);
    if (it != index_.end()) return it->second;
    const uint32_t id = static_cast<uint32_t>(values_.size());
    index_.emplace(s, id);
    values_.push_back(&s);
    return id;
  }
  void Write(std::string* out) const {
    PutVarint(out, values_.size());
    for (const std::string* s : values_) {
      PutVarint(out, s->size());
      out->append(*s);
    }
  }

 private:
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<const std::string*> values_;  // first-use order: deterministic
};

void PutSection(std::string* out, ModelSection tag, const std::string& body) {
  out->push_back(static_cast<char>(tag));
  PutVarint(out, body.size());
  out->append(body);
}

// --- Reading ----------------------------------------------------------------------------------------
// A bounded cursor over [begin, end); every read checks the bounds and records the first error with the
// byte offset from the start of the file.
class Cursor {
 public:
  Cursor(const uint8_t* file, const uint8_t* begin, const uint8_t* end) : file_(file), p_(begin), end_(end) {}
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t offset() const { return static_cast<size_t>(p_ - file_); }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool at_end() const { return p_ == end_; }
  const uint8_t* pos() const { return p_; }

  bool Fail(const std::string& what) {
    if (error_.empty()) error_ = "model: byte " + std::to_string(offset()) + ": " + what;
    return false;
  }
  bool Byte(uint8_t* v) {
    if (p_ >= end_) return Fail("unexpected end of section");
    *v = *p_++;
    return true;
  }
  // LEB128, at most `max` (inclusive).
  bool Varint(uint64_t max, uint64_t* v, const char* what) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) return Fail(std::string("unexpected end of section in ") + what);
      const uint8_t b = *p_++;
      if (shift == 63 && b > 1) return Fail(std::string("varint overflow in ") + what);
      result |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) {
        if (result > max) return Fail(std::string(what) + " " + std::to_string(result) + " > " + std::to_string(max));
        *v = result;
        return true;
      }
    }
    return Fail(std::string("varint too long in ") + what);
  }
  bool U32(uint32_t max, uint32_t* v, const char* what) {
    uint64_t x = 0;
    if (!Varint(max, &x, what)) return false;
    *v = static_cast<uint32_t>(x);
    return true;
  }
  bool Bytes(size_t n, const uint8_t** out) {
    if (n > remaining()) return Fail("length " + std::to_string(n) + " runs past the end of the section");
    *out = p_;
    p_ += n;
    return true;
  }

 private:
  const uint8_t* file_;
  const uint8_t* p_;
  const uint8_t* end_;
  std::string error_;
};

uint32_t GetU16(const uint8_t* p) { return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8); }
uint32_t GetU32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

constexpr uint32_t kMaxU32 = 0xFFFFFFFFu;
constexpr uint64_t kMaxPriceCents = (uint64_t{1} << 53);  // exact in a double (the widget's JS side)

}  // namespace

uint32_t Crc32(const uint8_t* data, size_t size) {
  static const CrcTable table;
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) c = table.v[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

uint32_t Model::Find(const std::string& id) const {
  auto it = std::lower_bound(products.begin(), products.end(), id,
                             [](const ModelProduct& p, const std::string& key) { return p.id < key; });
  if (it == products.end() || it->id != id) return UINT32_MAX;
  return static_cast<uint32_t>(it - products.begin());
}

std::string WriteModel(const Model& model) {
  StringTable strings;
  std::string meta, products, neighbours, review;
  PutVarint(&meta, strings.Intern(model.meta.currency));
  PutVarint(&meta, model.meta.min_pairs);
  PutVarint(&meta, model.meta.top_n);
  PutVarint(&meta, model.meta.baskets);
  PutVarint(&meta, model.meta.w_history);
  PutVarint(&meta, model.meta.w_popularity);
  PutVarint(&meta, model.meta.w_replenish);
  PutVarint(&meta, model.meta.w_bought);
  PutVarint(&meta, model.meta.w_repeat);
  PutVarint(&meta, model.meta.half_life_days);

  PutVarint(&products, model.products.size());
  for (const ModelProduct& p : model.products) {
    PutVarint(&products, strings.Intern(p.id));
    PutVarint(&products, strings.Intern(p.title));
    PutVarint(&products, strings.Intern(p.url));
    PutVarint(&products, strings.Intern(p.image));
    PutVarint(&products, p.price_cents < 0 ? 0 : static_cast<uint64_t>(p.price_cents) + 1);
    PutVarint(&products, p.repurchase_days);
    PutVarint(&products, p.popularity);
  }

  PutVarint(&neighbours, model.neighbours.size());
  for (const std::vector<Neighbour>& list : model.neighbours) {
    // v3: the entries in product order, each index as the gap after the one before (small numbers that
    // gzip well), each score in one byte (score / 257 rounded; the builder makes scores multiples of 257).
    std::vector<Neighbour> sorted = list;
    std::sort(sorted.begin(), sorted.end(), [](const Neighbour& a, const Neighbour& b) { return a.product < b.product; });
    PutVarint(&neighbours, sorted.size());
    for (size_t j = 0; j < sorted.size(); ++j) {
      PutVarint(&neighbours, j == 0 ? sorted[j].product : sorted[j].product - sorted[j - 1].product - 1);
      neighbours.push_back(static_cast<char>((uint32_t{sorted[j].score} + 128) / 257));
    }
  }

  PutVarint(&review, model.review.delay_days);
  PutVarint(&review, model.review.max_prompts);
  PutVarint(&review, model.review.min_gap_days);
  PutVarint(&review, strings.Intern(model.review.url_template));

  std::string table;
  strings.Write(&table);
  std::string payload;
  PutSection(&payload, kSectionStrings, table);
  PutSection(&payload, kSectionMeta, meta);
  PutSection(&payload, kSectionProducts, products);
  PutSection(&payload, kSectionNeighbours, neighbours);
  PutSection(&payload, kSectionReview, review);

  std::string out = "RPMD";
  PutU16(&out, kModelVersion);
  PutU16(&out, 0);  // flags: none defined
  PutU32(&out, static_cast<uint32_t>(payload.size()));
  PutU32(&out, Crc32(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()));
  out += payload;
  return out;
}

Status ReadModel(const uint8_t* data, size_t size, Model* out) {
  if (data == nullptr || size < kModelHeaderSize) {
    return CorruptError("model: " + std::to_string(size) + " bytes is shorter than the 16-byte header");
  }
  if (data[0] != 'R' || data[1] != 'P' || data[2] != 'M' || data[3] != 'D') {
    return CorruptError("model: byte 0: bad magic (not a Rapport model file, expected \"RPMD\")");
  }
  const uint32_t version = GetU16(data + 4);
  if (version < 1 || version > kModelVersion) {
    return CorruptError("model: byte 4: unsupported version " + std::to_string(version) + " (this reader reads 1 to " +
                        std::to_string(kModelVersion) + ")");
  }
  if (GetU16(data + 6) != 0) return CorruptError("model: byte 6: unknown flags " + std::to_string(GetU16(data + 6)));
  const uint32_t length = GetU32(data + 8);
  if (length != size - kModelHeaderSize) {
    return CorruptError("model: byte 8: payload length " + std::to_string(length) + " but " +
                        std::to_string(size - kModelHeaderSize) + " bytes follow the header (truncated or padded)");
  }
  const uint32_t crc = Crc32(data + kModelHeaderSize, length);
  if (crc != GetU32(data + 12)) return CorruptError("model: byte 12: checksum mismatch (the file is damaged)");

  // Sections: tag, length, body. Each known section exactly once; unknown ones skipped.
  const uint8_t* body[6] = {};
  size_t body_size[6] = {};
  Cursor top(data, data + kModelHeaderSize, data + size);
  while (!top.at_end()) {
    uint8_t tag = 0;
    uint64_t len = 0;
    const uint8_t* bytes = nullptr;
    if (!top.Byte(&tag) || !top.Varint(top.remaining(), &len, "section length") || !top.Bytes(len, &bytes)) {
      return CorruptError(top.error());
    }
    if (tag >= kSectionStrings && tag <= kSectionReview) {
      if (body[tag]) return CorruptError("model: byte " + std::to_string(bytes - data) + ": section " + std::to_string(tag) + " repeated");
      body[tag] = bytes;
      body_size[tag] = len;
    }
  }
  for (int tag = kSectionStrings; tag <= kSectionReview; ++tag) {
    if (!body[tag]) return CorruptError("model: missing section " + std::to_string(tag));
  }
  auto cursor = [&](int tag) { return Cursor(data, body[tag], body[tag] + body_size[tag]); };
  auto finish = [](Cursor& c) -> Status {
    if (!c.ok()) return CorruptError(c.error());
    if (!c.at_end()) {
      c.Fail(std::to_string(c.remaining()) + " unread bytes at the end of a section");
      return CorruptError(c.error());
    }
    return Status::Ok();
  };

  Model m;
  // Strings.
  std::vector<std::string> strings;
  {
    Cursor c = cursor(kSectionStrings);
    uint32_t count = 0;
    if (c.U32(static_cast<uint32_t>(std::min<size_t>(c.remaining(), kMaxU32)), &count, "string count")) {
      strings.reserve(count);
      for (uint32_t i = 0; i < count && c.ok(); ++i) {
        uint32_t len = 0;
        const uint8_t* s = nullptr;
        if (c.U32(kMaxU32, &len, "string length") && c.Bytes(len, &s)) strings.emplace_back(reinterpret_cast<const char*>(s), len);
      }
    }
    RAPPORT_RETURN_IF_ERROR(finish(c));
  }
  const uint32_t nstrings = static_cast<uint32_t>(strings.size());
  auto str = [&](Cursor& c, std::string* s, const char* what) {
    uint32_t i = 0;
    if (nstrings == 0) return c.Fail(std::string(what) + ": the string table is empty");
    if (!c.U32(nstrings - 1, &i, what)) return false;
    *s = strings[i];
    return true;
  };
  // Meta.
  {
    Cursor c = cursor(kSectionMeta);
    ModelMeta& meta = m.meta;
    str(c, &meta.currency, "currency string index") && c.U32(kMaxU32, &meta.min_pairs, "min_pairs") &&
        c.U32(1000, &meta.top_n, "top_n") && c.U32(kMaxU32, &meta.baskets, "baskets") &&
        c.U32(100000, &meta.w_history, "w_history") && c.U32(100000, &meta.w_popularity, "w_popularity") &&
        c.U32(100000, &meta.w_replenish, "w_replenish");
    if (version >= 2) {
      c.ok() && c.U32(100000, &meta.w_bought, "w_bought") && c.U32(100000, &meta.w_repeat, "w_repeat") &&
          c.U32(36500, &meta.half_life_days, "half_life_days");
    } else {
      meta.w_bought = 300;  // the weight version 1's loader gave earlier purchases
      meta.w_repeat = 0;
      meta.half_life_days = 0;
    }
    RAPPORT_RETURN_IF_ERROR(finish(c));
  }
  // Products: ids unique and ascending.
  {
    Cursor c = cursor(kSectionProducts);
    uint32_t count = 0;
    // Each product takes at least 7 bytes, which bounds the count before anything is allocated.
    if (c.U32(static_cast<uint32_t>(std::min<size_t>(c.remaining() / 7, kMaxU32)), &count, "product count")) {
      m.products.resize(count);
      for (uint32_t i = 0; i < count && c.ok(); ++i) {
        ModelProduct& p = m.products[i];
        uint64_t price = 0, pop = 0;
        if (str(c, &p.id, "product id string index") && str(c, &p.title, "title string index") &&
            str(c, &p.url, "url string index") && str(c, &p.image, "image string index") &&
            c.Varint(kMaxPriceCents + 1, &price, "price") && c.U32(36500, &p.repurchase_days, "repurchase days") &&
            c.Varint(65535, &pop, "popularity")) {
          p.price_cents = price == 0 ? -1 : static_cast<int64_t>(price - 1);
          p.popularity = static_cast<uint16_t>(pop);
          if (p.id.empty()) c.Fail("product " + std::to_string(i) + " has an empty id");
          else if (i > 0 && !(m.products[i - 1].id < p.id)) c.Fail("product ids not strictly ascending at product " + std::to_string(i));
        }
      }
    }
    RAPPORT_RETURN_IF_ERROR(finish(c));
  }
  const uint32_t nproducts = static_cast<uint32_t>(m.products.size());
  // Neighbours: one list per product, at most top_n, valid indices, no self, scores non-increasing.
  {
    Cursor c = cursor(kSectionNeighbours);
    uint32_t count = 0;
    if (c.U32(kMaxU32, &count, "neighbour list count")) {
      if (count != nproducts) {
        c.Fail("neighbour list count " + std::to_string(count) + " != product count " + std::to_string(nproducts));
      } else {
        m.neighbours.resize(count);
        std::vector<uint32_t> listed(count, 0);  // list i + 1 that last named the product (v1/v2: no repeats)
        for (uint32_t i = 0; i < count && c.ok(); ++i) {
          uint32_t n = 0;
          if (!c.U32(std::min<uint32_t>(m.meta.top_n, static_cast<uint32_t>(c.remaining() / 2)), &n, "neighbour count")) break;
          std::vector<Neighbour>& list = m.neighbours[i];
          list.resize(n);
          if (version >= 3) {
            // Product order, gap-coded, strictly ascending by construction; one score byte each.
            for (uint32_t j = 0; j < n && c.ok(); ++j) {
              const uint32_t first = j == 0 ? 0 : list[j - 1].product + 1;
              uint32_t gap = 0;
              uint8_t score = 0;
              if (first >= nproducts) {
                c.Fail("neighbour product index past the product count " + std::to_string(nproducts));
                break;
              }
              if (!c.U32(nproducts - 1 - first, &gap, "neighbour product index gap") || !c.Byte(&score)) break;
              list[j].product = first + gap;
              list[j].score = static_cast<uint16_t>(score * 257u);
              if (list[j].product == i) c.Fail("product " + std::to_string(i) + " lists itself as a neighbour");
            }
            // Best first (ties: lower index), as the scorer and the v1/v2 lists have them.
            std::sort(list.begin(), list.end(), [](const Neighbour& a, const Neighbour& b) {
              return a.score != b.score ? a.score > b.score : a.product < b.product;
            });
            continue;
          }
          for (uint32_t j = 0; j < n && c.ok(); ++j) {
            uint32_t score = 0;
            // v2: after the first, each score is the drop from the one before (so at most that one).
            const uint32_t max_score = version >= 2 && j > 0 ? list[j - 1].score : 65535;
            if (nproducts == 0 || !c.U32(nproducts - 1, &list[j].product, "neighbour product index") ||
                !c.U32(max_score, &score, version >= 2 && j > 0 ? "neighbour score drop" : "neighbour score")) {
              if (nproducts == 0) c.Fail("neighbour of an empty product list");
              break;
            }
            list[j].score = static_cast<uint16_t>(version >= 2 && j > 0 ? list[j - 1].score - score : score);
            if (list[j].product == i) c.Fail("product " + std::to_string(i) + " lists itself as a neighbour");
            else if (listed[list[j].product] == i + 1) c.Fail("product " + std::to_string(i) + " lists neighbour " + std::to_string(list[j].product) + " twice");
            else if (j > 0 && list[j].score > list[j - 1].score) c.Fail("neighbour scores of product " + std::to_string(i) + " not best first");
            listed[list[j].product] = i + 1;
          }
        }
      }
    }
    RAPPORT_RETURN_IF_ERROR(finish(c));
  }
  // Review prompts.
  {
    Cursor c = cursor(kSectionReview);
    ReviewPromptSettings& r = m.review;
    c.U32(3650, &r.delay_days, "review delay days") && c.U32(1000, &r.max_prompts, "max prompts") &&
        c.U32(3650, &r.min_gap_days, "min gap days") && str(c, &r.url_template, "review url string index");
    RAPPORT_RETURN_IF_ERROR(finish(c));
  }
  *out = std::move(m);
  return Status::Ok();
}

}  // namespace rapport
