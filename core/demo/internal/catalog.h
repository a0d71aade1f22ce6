// The demo store's invented world: products, names and places (docs/demo-store.md). Data only; the
// generator (core/demo/generator.cpp) decides who buys what. Every name here is made up; every email the
// generator writes is under example.com and every phone number uses the fictional 555 area code followed by the customer's number (unique).
#pragma once

#include <cstddef>
#include <cstdint>

namespace rapport::demo::internal {

enum class Pet : uint8_t { kDog, kCat, kAny };

struct Product {
  const char* sku;
  const char* title;           // "Title - Variant", as Shopify writes Lineitem name
  uint8_t category;            // index into kCategories
  Pet pet;
  int64_t price_cents;
  int64_t compare_at_cents;    // 0 when the item is not on sale
  int32_t cycle_days;          // replenishment cycle for consumables; 0 for durable goods
  double popularity;           // relative weight when a basket is filled
  bool requires_shipping;
  bool taxable;
};

struct Category {
  const char* name;
  const char* vendor;
};

struct Place {
  const char* city;
  const char* province_code;   // Shopify's Province column (state, province or GB nation code)
  const char* province_name;   // Shopify's Province Name column
  const char* country;         // ISO 3166-1 alpha-2
  const char* zip_pattern;     // '#' = random digit, '@' = random letter, anything else kept
  const char* tax1_name;       // "" = no tax line
  int32_t tax1_millipercent;   // 6.625 % = 6625
  const char* tax2_name;
  int32_t tax2_millipercent;
  double weight;               // share of customers living there (relative)
};

extern const Category kCategories[];
extern const size_t kCategoryCount;
extern const Product kProducts[];
extern const size_t kProductCount;
extern const Place kPlaces[];
extern const size_t kPlaceCount;
extern const char* const kFirstNames[];
extern const size_t kFirstNameCount;
extern const char* const kLastNames[];
extern const size_t kLastNameCount;
extern const char* const kStreets[];
extern const size_t kStreetCount;
extern const char* const kStaff[];
extern const size_t kStaffCount;

}  // namespace rapport::demo::internal
