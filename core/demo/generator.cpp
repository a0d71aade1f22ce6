// The demo store generator (core/demo/generator.h, docs/demo-store.md).
//
// One simulation feeds every writer. Time runs in "model days" t in [0, days) from the start of
// start_day; the store-local timestamp of t is day start_day + floor(t) at a time of day given by a
// monotone warp of the fraction (more orders in the evening than at 4 a.m.), so the order of events, the
// local day and the counts are exactly those of the model.
//
// Randomness comes in three independent streams so every writer sees the same orders:
//   - the timing stream (one Random, used in event order): acquisition times, λ, p, ν, waiting times,
//     dropout coins, cancelled duplicates;
//   - the profile stream of customer i (a Random seeded from seed and i): name, address, habits;
//   - the order stream of order number n (a Random seeded from seed and n): value, basket, discount,
//     refund, fulfilment.
// Money is integer cents throughout; only the Gamma draw of an order's value is a double, rounded once.
#include "core/demo/generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <queue>
#include <vector>

#include "core/demo/internal/catalog.h"
#include "core/util/date.h"
#include "core/util/random.h"

namespace rapport::demo {

using internal::kCategories;
using internal::kPlaces;
using internal::kProductCount;
using internal::kProducts;
using internal::Pet;
using internal::Place;
using internal::Product;

namespace {

constexpr std::string_view kHeader =
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,"
    "Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,"
    "Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,"
    "Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,"
    "Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,"
    "Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,"
    "Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,"
    "Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,"
    "Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,"
    "Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,"
    "Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,"
    "Payment References";
constexpr int kColumns = 79;

constexpr uint64_t kProfileSalt = 0x70726f66696c6521ULL;  // "profile!"
constexpr uint64_t kOrderSalt = 0x6f72646572212121ULL;    // "order!!!"
constexpr uint64_t kFeedbackSalt = 0x666565646261636bULL; // "feedback"
constexpr int64_t kFirstOrderId = 5300000000000LL;      // Shopify order ids step by 32768
constexpr size_t kMaxLines = 5;
constexpr size_t kPosPlace = 0;                           // the flagship store is in Brooklyn (kPlaces[0])

uint64_t Mix(uint64_t seed, uint64_t salt, uint64_t n) {
  uint64_t z = seed ^ salt;
  z += 0x9E3779B97F4A7C15ULL * (n + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// ---- time -------------------------------------------------------------------------------------------

// Relative order intensity per local hour (shoppers buy at lunch and in the evening).
constexpr double kHourWeight[24] = {1.0, 0.6, 0.35, 0.25, 0.25, 0.35, 0.7, 1.3, 2.0, 2.6, 2.9, 3.1,
                                    3.4, 3.2, 3.0, 3.0, 3.1, 3.3, 3.8, 4.4, 4.6, 4.0, 3.0, 1.8};

// Monotone map of a day fraction in [0, 1) to seconds since local midnight (inverse CDF of kHourWeight).
int32_t WarpDayFraction(double fraction) {
  static const auto cumulative = [] {
    std::vector<double> c(25, 0.0);
    for (int h = 0; h < 24; ++h) c[h + 1] = c[h] + kHourWeight[h];
    for (double& x : c) x /= c[24];
    return c;
  }();
  int hour = 0;
  while (hour < 23 && fraction >= cumulative[hour + 1]) ++hour;
  const double within = (fraction - cumulative[hour]) / (cumulative[hour + 1] - cumulative[hour]);
  const int32_t seconds = hour * 3600 + static_cast<int32_t>(std::floor(within * 3600.0));
  return std::min(std::max(seconds, 0), 86399);
}

int32_t FirstSundayOnOrAfter(int32_t day) {
  const int32_t weekday = static_cast<int32_t>(((int64_t(day) + 4) % 7 + 7) % 7);  // 0 = Sunday
  return day + (7 - weekday) % 7;
}

void DstBounds(int year, int32_t* start_day, int32_t* end_day) {
  *start_day = FirstSundayOnOrAfter(DaysFromCivil(year, 3, 1)) + 7;  // second Sunday of March
  *end_day = FirstSundayOnOrAfter(DaysFromCivil(year, 11, 1));       // first Sunday of November
}

// Local seconds since 1970-01-01 00:00 local for model time t.
int64_t LocalSecondsOf(const DemoOptions& options, double t) {
  const double whole = std::floor(t);
  const int32_t day = options.start_day + static_cast<int32_t>(whole);
  int32_t seconds = WarpDayFraction(t - whole);
  int year, month, dom;
  CivilFromDays(day, &year, &month, &dom);
  int32_t dst_start, dst_end;
  DstBounds(year, &dst_start, &dst_end);
  if (day == dst_start && seconds >= 7200 && seconds < 10800) seconds += 3600;  // 02:xx does not exist
  return int64_t(day) * 86400 + seconds;
}

// "2024-03-01 10:15:00 -0500" for a store-local time; a time in the hour skipped in March (02:xx) is
// written an hour later, as a clock would show it.
void AppendTimestamp(std::string* out, int64_t local_seconds) {
  int64_t day = FloorDiv(local_seconds, 86400);
  int32_t seconds = static_cast<int32_t>(local_seconds - day * 86400);
  int year, month, dom;
  CivilFromDays(static_cast<int32_t>(day), &year, &month, &dom);
  int32_t dst_start, dst_end;
  DstBounds(year, &dst_start, &dst_end);
  if (day == dst_start && seconds >= 7200 && seconds < 10800) seconds += 3600;
  const int32_t offset = UsEasternOffsetMinutes(static_cast<int32_t>(day), seconds);
  const int32_t abs_offset = offset < 0 ? -offset : offset;
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d %c%02d%02d", year, month, dom,
                              seconds / 3600, seconds / 60 % 60, seconds % 60, offset < 0 ? '-' : '+',
                              abs_offset / 60, abs_offset % 60);
  out->append(buf, static_cast<size_t>(n));
}

// "2024-03-01 15:15:00 UTC" for a store-local time (Judge.me writes review dates in UTC).
std::string FormatUtc(int64_t local_seconds) {
  const int64_t day = FloorDiv(local_seconds, 86400);
  const int32_t offset = UsEasternOffsetMinutes(static_cast<int32_t>(day), static_cast<int32_t>(local_seconds - day * 86400));
  const int64_t utc = local_seconds - int64_t(offset) * 60;
  const int64_t utc_day = FloorDiv(utc, 86400);
  const int32_t seconds = static_cast<int32_t>(utc - utc_day * 86400);
  int year, month, dom;
  CivilFromDays(static_cast<int32_t>(utc_day), &year, &month, &dom);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d UTC", year, month, dom, seconds / 3600,
                seconds / 60 % 60, seconds % 60);
  return buf;
}

// ---- CSV ----------------------------------------------------------------------------------------------

void AppendMoney(std::string* out, int64_t cents) {
  char buf[32];
  const char* sign = cents < 0 ? "-" : "";
  const int64_t abs_cents = cents < 0 ? -cents : cents;
  const int n = std::snprintf(buf, sizeof buf, "%s%lld.%02lld", sign, static_cast<long long>(abs_cents / 100),
                              static_cast<long long>(abs_cents % 100));
  out->append(buf, static_cast<size_t>(n));
}


// Appends fields separated by commas, quoting a field only when it needs it (comma, quote, line break), as
// the real exports do; Quoted() writes the `""` that Shopify writes for some empty fields.
class Row {
 public:
  // `keep` (optional) says, per column, whether it is written: the slim export drops the others whole.
  explicit Row(std::string* out, const std::vector<bool>* keep = nullptr) : out_(out), keep_(keep) {}
  Row& Field(std::string_view value) {
    if (!Separator()) return *this;
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
      out_->append(value);
    } else {
      out_->push_back('"');
      for (char c : value) {
        if (c == '"') out_->push_back('"');
        out_->push_back(c);
      }
      out_->push_back('"');
    }
    return *this;
  }
  Row& Quoted(std::string_view value) {  // always quoted
    if (!Separator()) return *this;
    out_->push_back('"');
    out_->append(value);
    out_->push_back('"');
    return *this;
  }
  Row& Empty(int count = 1) {
    for (int i = 0; i < count; ++i) Separator();
    return *this;
  }
  Row& Money(int64_t cents) {
    if (!Separator()) return *this;
    AppendMoney(out_, cents);
    return *this;
  }
  Row& Time(int64_t local_seconds) {
    if (!Separator()) return *this;
    if (local_seconds >= 0) AppendTimestamp(out_, local_seconds);
    return *this;
  }
  int End() {
    out_->push_back('\n');
    return fields_;
  }

 private:
  // Starts the next column; false when the mask drops it.
  bool Separator() {
    const int column = fields_++;
    if (keep_ && (column >= static_cast<int>(keep_->size()) || !(*keep_)[column])) return false;
    if (written_++ > 0) out_->push_back(',');
    return true;
  }
  std::string* out_;
  const std::vector<bool>* keep_;
  int fields_ = 0, written_ = 0;
};

// The columns the Shopify orders importer reads (core/import/shopify/orders.cpp finds them by name): the slim
// export keeps these 33 of the 79 and drops the addresses, notes, payment and tax details nothing reads.
constexpr std::string_view kSlimColumns[] = {
    "Name", "Email", "Financial Status", "Fulfillment Status", "Fulfilled at", "Accepts Marketing", "Currency",
    "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Created at", "Lineitem quantity",
    "Lineitem name", "Lineitem price", "Lineitem sku", "Billing Name", "Billing Country", "Billing Phone",
    "Shipping Name", "Shipping Country", "Shipping Phone", "Cancelled at", "Payment Method", "Refunded Amount",
    "Vendor", "Id", "Tags", "Source", "Lineitem discount", "Phone"};

// The header's column names, in order.
std::vector<std::string_view> HeaderColumns() {
  std::vector<std::string_view> names;
  std::string_view rest = kHeader;
  while (true) {
    const size_t comma = rest.find(',');
    names.push_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return names;
}

// Per column of kHeader: kept in the slim export?
std::vector<bool> SlimMask() {
  std::vector<bool> keep;
  for (std::string_view name : HeaderColumns()) {
    bool k = false;
    for (std::string_view slim : kSlimColumns) k = k || slim == name;
    keep.push_back(k);
  }
  return keep;
}

// ---- customers ------------------------------------------------------------------------------------

struct Profile {
  std::string first_name, last_name, email, phone_e164;  // email "" for phone-only customers
  std::string billing_phone;                               // as typed at checkout ("" when none given)
  std::string address1, address2, zip;
  size_t place = 0;
  bool accepts_marketing = false;
  bool phone_only = false;
  bool gives_order_phone = false;  // writes the order-level Phone column
  bool subscriber = false;         // subscribes to their staple product
  Pet pet = Pet::kDog;
  uint8_t favourite_category = 0;
  const char* source = "web";
};

size_t PickWeighted(Random* rng, const double* weights, size_t count) {
  double total = 0;
  for (size_t i = 0; i < count; ++i) total += weights[i];
  double u = rng->Uniform() * total;
  for (size_t i = 0; i < count; ++i) {
    if (u < weights[i]) return i;
    u -= weights[i];
  }
  return count - 1;
}

const char* const kSources[] = {"web", "instagram", "tiktok", "pos", "iphone", "android", "shopify_draft_order"};
constexpr double kSourceWeights[] = {70, 9, 6, 5, 5, 3, 2};

// ASCII for email local parts: lower case, accents dropped, apostrophes removed.
std::string EmailPart(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == 0xC3 && i + 1 < name.size()) {  // Latin-1 supplement in UTF-8: ë é ø ...
      const unsigned char d = static_cast<unsigned char>(name[++i]);
      out.push_back(d == 0xAB || d == 0xA9 || d == 0xA8 ? 'e' : d == 0xB8 ? 'o' : d == 0xBC ? 'u' : 'a');
    } else if (c == '\'') {
      continue;
    } else {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
  }
  return out;
}

std::string FillPattern(const char* pattern, Random* rng) {
  std::string out;
  for (const char* c = pattern; *c; ++c) {
    if (*c == '#') {
      out.push_back(static_cast<char>('0' + rng->Below(10)));
    } else if (*c == '@') {
      out.push_back(static_cast<char>('A' + rng->Below(26)));
    } else {
      out.push_back(*c);
    }
  }
  return out;
}

Profile MakeProfile(const DemoOptions& options, uint32_t customer) {
  Random rng(Mix(options.seed, kProfileSalt, customer));
  Profile pr;
  pr.first_name = internal::kFirstNames[rng.Below(internal::kFirstNameCount)];
  pr.last_name = internal::kLastNames[rng.Below(internal::kLastNameCount)];
  double place_weights[64];
  for (size_t i = 0; i < internal::kPlaceCount; ++i) place_weights[i] = kPlaces[i].weight;
  pr.place = PickWeighted(&rng, place_weights, internal::kPlaceCount);
  const Place& place = kPlaces[pr.place];
  const bool us = std::strcmp(place.country, "US") == 0;
  pr.address1 = std::to_string(1 + rng.Below(9899)) + " " + internal::kStreets[rng.Below(internal::kStreetCount)];
  if (rng.Uniform() < 0.2) pr.address2 = (rng.Uniform() < 0.5 ? "Apt " : "Unit ") + std::to_string(1 + rng.Below(40)) +
                                          static_cast<char>('A' + rng.Below(6));
  pr.zip = FillPattern(place.zip_pattern, &rng);
  if (us) {
    if (rng.Uniform() < 0.08) {
      pr.zip += "-" + FillPattern("####", &rng);  // ZIP+4: Shopify adds no apostrophe
    } else {
      pr.zip = "'" + pr.zip;  // the Excel guard on 5-digit zips (SOURCES.md §2)
    }
  }
  // Phones are unique per customer (the importer merges customers on phone as well as email): the fictional
  // area code 555 followed by the customer number. British customers leave the phone empty.
  pr.phone_only = rng.Uniform() < options.phone_only_share;
  char digits[16];
  std::snprintf(digits, sizeof digits, "%07u", customer % 10000000u);
  const std::string line = std::string(digits, 3) + "-" + (digits + 3);  // "000-0042"
  const bool gb = std::strcmp(place.country, "GB") == 0;
  if (pr.phone_only) {
    pr.phone_e164 = std::string("+1555") + digits;
    pr.billing_phone = "'+1 555-" + line;
    pr.gives_order_phone = true;
  } else {
    pr.email = EmailPart(pr.first_name) + "." + EmailPart(pr.last_name) + "." +
               (customer + 1 < 10000 ? std::string(4 - std::to_string(customer + 1).size(), '0') : std::string()) +
               std::to_string(customer + 1) + "@example.com";
    if (rng.Uniform() < 0.03) {  // typed with capitals at checkout; the importer must lower-case it
      pr.email[0] = static_cast<char>(pr.email[0] - 32);
      const size_t dot = pr.email.find('.');
      if (dot + 1 < pr.email.size() && pr.email[dot + 1] >= 'a') pr.email[dot + 1] = static_cast<char>(pr.email[dot + 1] - 32);
    }
    if (rng.Uniform() < 0.35 && !gb) {
      switch (rng.Below(3)) {
        case 0: pr.billing_phone = "(555) " + line; break;
        case 1: pr.billing_phone = "'+1 555-" + line; break;
        default: pr.billing_phone = std::string("555") + digits; break;
      }
      pr.phone_e164 = std::string("+1555") + digits;
      pr.gives_order_phone = rng.Uniform() < 0.6;
    }
  }
  pr.accepts_marketing = !pr.phone_only && rng.Uniform() < 0.55;
  const double pet_u = rng.Uniform();
  pr.pet = pet_u < 0.55 ? Pet::kDog : pet_u < 0.90 ? Pet::kCat : Pet::kAny;
  static const uint8_t kDogCategories[] = {0, 2, 4, 5, 6}, kCatCategories[] = {1, 3, 4, 5, 7};
  pr.favourite_category = pr.pet == Pet::kCat ? kCatCategories[rng.Below(5)] : pr.pet == Pet::kDog
                                                   ? kDogCategories[rng.Below(5)] : static_cast<uint8_t>(rng.Below(8));
  pr.source = kSources[PickWeighted(&rng, kSourceWeights, 7)];
  pr.subscriber = !pr.phone_only && rng.Uniform() < 0.15;
  return pr;
}

bool PetMatches(Pet customer, Pet product) {
  return product == Pet::kAny || customer == Pet::kAny || customer == product;
}

// The consumable a customer keeps rebuying: among the products for their pet, the one whose replenishment
// cycle is closest (on a log scale, with noise) to the customer's mean time between orders 1/λ.
int16_t PickStaple(const Profile& pr, double lambda, Random* rng) {
  if (rng->Uniform() >= 0.7) return -1;
  const double mean_gap = lambda > 0 ? std::min(1.0 / lambda, 3650.0) : 3650.0;
  int16_t best = -1;
  double best_score = 1e300;
  for (size_t i = 0; i < kProductCount; ++i) {
    const Product& product = kProducts[i];
    if (product.cycle_days == 0 || !PetMatches(pr.pet, product.pet)) continue;
    const double score = std::fabs(std::log(product.cycle_days / mean_gap)) + 0.6 * rng->Exponential(1.0) -
                         0.3 * product.popularity;
    if (score < best_score) {
      best_score = score;
      best = static_cast<int16_t>(i);
    }
  }
  return best;
}

// ---- orders -------------------------------------------------------------------------------------------

enum class OrderKind : uint8_t { kCustomer, kCancelledDuplicate, kGuest };

struct Line {
  uint16_t product = 0;
  int64_t quantity = 1;
  int64_t gross_cents = 0;     // price × quantity
  int64_t discount_cents = 0;  // this line's share of the order discount
};

struct Order {
  uint64_t number = 0;  // 0-based: Name #1001 + number
  OrderKind kind = OrderKind::kCustomer;
  uint32_t customer = 0;
  uint32_t nth = 1;     // the customer's n-th valid order (duplicates repeat the n of their original)
  int64_t created = 0;  // local seconds
  Line lines[kMaxLines];
  size_t line_count = 0;
  int64_t gross_cents = 0, discount_cents = 0, subtotal_cents = 0, shipping_cents = 0, total_cents = 0;
  int64_t tax_cents[2] = {0, 0};
  const char* tax_names[2] = {"", ""};
  const char* discount_code = "";
  const char* shipping_method = "";
  const char* source = "web";
  const char* financial_status = "paid";
  const char* fulfillment_status = "fulfilled";
  const char* payment_method = "Shopify Payments";
  const char* risk = "Low";
  const char* note = "";
  std::string note_attributes, tags, payment_reference;
  int64_t paid_at = -1, fulfilled_at = -1, cancelled_at = -1;
  int64_t refunded_cents = 0;
  bool pos = false, subscription = false;
  double dropout_p = 0;  // the customer's BG/NBD p (feedback leans on it; the order itself does not)
  const char* employee = "";
};

struct Event {
  double t;
  uint32_t customer;
  OrderKind kind;
  int16_t staple;
  uint32_t orders;  // valid orders so far
  double lambda, p, nu;
};

struct LaterEvent {
  bool operator()(const Event& x, const Event& y) const {
    if (x.t != y.t) return x.t > y.t;
    if (x.kind != y.kind) return x.kind > y.kind;
    return x.customer > y.customer;
  }
};

int32_t BlackFriday(int year) {
  const int32_t thursday = FirstSundayOnOrAfter(DaysFromCivil(year, 11, 1)) - 3;  // a Thursday near Nov 1
  int32_t first_thursday = thursday;
  int y, m, d;
  CivilFromDays(first_thursday, &y, &m, &d);
  if (m != 11) first_thursday += 7;
  return first_thursday + 21 + 1;
}

const char* const kNotes[] = {
    "Please leave the parcel at the side door.",
    "Gift for my sister - please no receipt in the box",
    "Biscuit says thank you!\nSee you next month.",
    "Buzzer 4B is broken, please call.\nThanks",
    "Can you double-bag the litter? Last one split.",
};

void FillBasket(const Profile& pr, int64_t target_cents, int16_t staple, bool include_staple, Random* rng,
                Order* order) {
  int64_t remaining = target_cents;
  auto add = [&](size_t product, int64_t quantity) {
    Line& line = order->lines[order->line_count++];
    line.product = static_cast<uint16_t>(product);
    line.quantity = quantity;
    line.gross_cents = kProducts[product].price_cents * quantity;
    remaining -= line.gross_cents;
  };
  if (staple >= 0 && include_staple) {
    const int64_t price = kProducts[staple].price_cents;
    add(static_cast<size_t>(staple), std::min<int64_t>(3, std::max<int64_t>(1, (remaining + price / 2) / price)));
  }
  double weights[128];
  while (order->line_count < kMaxLines && remaining > 300) {
    double total = 0;
    for (size_t i = 0; i < kProductCount; ++i) {
      const Product& product = kProducts[i];
      bool taken = false;
      for (size_t l = 0; l < order->line_count; ++l) taken |= order->lines[l].product == i;
      double w = 0;
      if (!taken && product.price_cents <= remaining + remaining / 4 + 200) {
        w = product.popularity * (PetMatches(pr.pet, product.pet) ? 1.0 : 0.1) *
            (product.category == pr.favourite_category ? 2.5 : 1.0);
      }
      weights[i] = w;
      total += w;
    }
    if (total <= 0) break;
    const size_t pick = PickWeighted(rng, weights, kProductCount);
    const int64_t price = kProducts[pick].price_cents;
    int64_t quantity = 1;
    if (kProducts[pick].cycle_days > 0 && 2 * price <= remaining && rng->Uniform() < 0.35) {
      quantity = std::min<int64_t>(3, remaining / price);
    }
    add(pick, quantity);
  }
  if (order->line_count == 0) {  // below every price: the product closest to the value
    size_t best = 0;
    for (size_t i = 1; i < kProductCount; ++i) {
      if (std::llabs(kProducts[i].price_cents - target_cents) < std::llabs(kProducts[best].price_cents - target_cents) &&
          PetMatches(pr.pet, kProducts[i].pet)) {
        best = i;
      }
    }
    add(best, 1);
  }
}

// Everything about order `number` that is not timing: drawn from the order's own stream.
void MakeOrder(const DemoOptions& options, const Profile* pr, const Event& event, uint64_t number,
               int64_t end_local, Order* order) {
  Random rng(Mix(options.seed, kOrderSalt, number));
  order->number = number;
  order->kind = event.kind;
  order->customer = event.customer;
  order->nth = event.orders;
  order->dropout_p = event.p;
  order->created = LocalSecondsOf(options, event.t);
  const bool guest = event.kind == OrderKind::kGuest;
  const bool duplicate = event.kind == OrderKind::kCancelledDuplicate;

  // Source and channel.
  if (guest) {
    order->source = "pos";
  } else if (pr->subscriber && event.staple >= 0 && order->nth >= 2 && !duplicate) {
    order->source = "subscription_contract";
    order->subscription = true;
  } else {
    order->source = rng.Uniform() < 0.75 ? pr->source : kSources[PickWeighted(&rng, kSourceWeights, 7)];
  }
  order->pos = std::strcmp(order->source, "pos") == 0;

  // Value (Gamma-Gamma) and basket.
  const double value_dollars = rng.Gamma(options.p, event.nu);
  const int64_t target_cents = std::max<int64_t>(1, std::llround(std::min(value_dollars, 1e6) * 100.0));
  Profile guest_profile;
  const Profile& basket_profile = guest ? guest_profile : *pr;
  if (guest) guest_profile.pet = rng.Uniform() < 0.6 ? Pet::kDog : Pet::kCat;
  const bool include_staple = order->subscription || (order->nth >= 2 && rng.Uniform() < 0.7) ||
                              (order->nth == 1 && rng.Uniform() < 0.4);
  FillBasket(basket_profile, target_cents, guest ? -1 : event.staple, include_staple, &rng, order);
  for (size_t l = 0; l < order->line_count; ++l) order->gross_cents += order->lines[l].gross_cents;

  // Discount.
  int year, month, dom;
  const int32_t day = static_cast<int32_t>(FloorDiv(order->created, 86400));
  CivilFromDays(day, &year, &month, &dom);
  const int32_t black_friday = BlackFriday(year);
  const double du = rng.Uniform();
  if (!guest && order->nth == 1 && du < options.welcome_discount_share) {
    order->discount_code = "WELCOME10";
    order->discount_cents = (order->gross_cents * 10 + 50) / 100;
  } else if (day >= black_friday && day <= black_friday + 3 && du < 0.5) {
    order->discount_code = "BFCM20";
    order->discount_cents = (order->gross_cents * 20 + 50) / 100;
  } else if (!guest && order->nth >= 4 && du < 0.08) {
    order->discount_code = "LOYAL15";
    order->discount_cents = (order->gross_cents * 15 + 50) / 100;
  } else if ((std::strcmp(order->source, "instagram") == 0 || std::strcmp(order->source, "tiktok") == 0) &&
             du < 0.15 && order->gross_cents >= 2500) {
    order->discount_code = "SOCIAL5";
    order->discount_cents = 500;
  }
  // Each line's share of the discount; the last line takes the rounding remainder.
  int64_t allocated = 0;
  for (size_t l = 0; l < order->line_count; ++l) {
    Line& line = order->lines[l];
    line.discount_cents = l + 1 == order->line_count ? order->discount_cents - allocated
                                                     : order->discount_cents * line.gross_cents / order->gross_cents;
    allocated += line.discount_cents;
  }
  order->subtotal_cents = order->gross_cents - order->discount_cents;

  // Shipping.
  const Place& place = kPlaces[guest || order->pos ? kPosPlace : pr->place];
  bool needs_shipping = false;
  int64_t taxable_cents = 0;
  for (size_t l = 0; l < order->line_count; ++l) {
    const Product& product = kProducts[order->lines[l].product];
    needs_shipping |= product.requires_shipping;
    if (product.taxable) taxable_cents += order->lines[l].gross_cents - order->lines[l].discount_cents;
  }
  if (order->pos || !needs_shipping) {
    order->shipping_method = "";
  } else if (std::strcmp(place.country, "US") != 0) {
    order->shipping_method = "International Shipping";
    order->shipping_cents = 1999;
  } else if (rng.Uniform() < 0.06) {
    order->shipping_method = "Express Shipping";
    order->shipping_cents = 1499;
  } else if (order->subtotal_cents >= 5000) {
    order->shipping_method = "Free Shipping";
  } else {
    order->shipping_method = "Standard Shipping";
    order->shipping_cents = 599;
  }

  // Taxes: the destination's (or the store's, at the till), on the discounted taxable lines.
  const int32_t rates[2] = {place.tax1_millipercent, place.tax2_millipercent};
  const char* names[2] = {place.tax1_name, place.tax2_name};
  size_t tax_lines = 0;
  for (int k = 0; k < 2; ++k) {
    if (rates[k] == 0) continue;
    order->tax_names[tax_lines] = names[k];
    order->tax_cents[tax_lines] = (taxable_cents * rates[k] + 50000) / 100000;
    ++tax_lines;
  }
  order->total_cents = order->subtotal_cents + order->shipping_cents + order->tax_cents[0] + order->tax_cents[1];

  // Payment.
  if (order->pos) {
    order->payment_method = rng.Uniform() < 0.35 ? "Cash" : "Shopify Payments";
    order->employee = internal::kStaff[rng.Below(internal::kStaffCount)];
  } else {
    order->payment_method = rng.Uniform() < 0.24 ? "PayPal Express Checkout" : "Shopify Payments";
  }
  static const char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  order->payment_reference = "r";
  for (int i = 0; i < 24; ++i) order->payment_reference.push_back(kAlnum[rng.Below(62)]);
  order->paid_at = order->created + static_cast<int64_t>(rng.Below(2));
  const double risk_u = rng.Uniform();
  order->risk = order->pos || risk_u < 0.97 ? "Low" : risk_u < 0.995 ? "Medium" : "High";

  // Fulfilment.
  if (order->pos || !needs_shipping) {
    order->fulfilled_at = order->created + 3 + static_cast<int64_t>(rng.Below(60));
  } else {
    order->fulfilled_at = order->created + 36000 + static_cast<int64_t>(rng.Below(3 * 86400));
  }
  if (order->fulfilled_at > end_local) order->fulfilled_at = -1;
  order->fulfillment_status = order->fulfilled_at >= 0 ? "fulfilled" : "unfulfilled";

  // Refund or cancellation.
  const double outcome_u = rng.Uniform();
  if (duplicate) {
    order->cancelled_at = std::min(end_local, order->created + 600 + static_cast<int64_t>(rng.Below(6 * 3600)));
    order->fulfilled_at = -1;
    order->fulfillment_status = "unfulfilled";
    if (outcome_u < 0.6) {
      order->financial_status = "voided";
      order->paid_at = -1;
    } else {
      order->financial_status = "refunded";
      order->refunded_cents = order->total_cents;
    }
  } else if (outcome_u < options.refund_rate) {
    bool partial = rng.Uniform() < 0.45;
    if (partial && (order->line_count >= 2 || order->lines[0].quantity >= 2)) {
      const Line& line = order->lines[rng.Below(order->line_count)];
      const int64_t unit = (line.gross_cents - line.discount_cents) / line.quantity;
      const int64_t tax = order->subtotal_cents > 0 ? (order->tax_cents[0] + order->tax_cents[1]) * unit / order->subtotal_cents : 0;
      order->refunded_cents = unit + tax;
    } else if (partial) {
      order->refunded_cents = order->total_cents * (30 + static_cast<int64_t>(rng.Below(31))) / 100;
    }
    if (!partial || order->refunded_cents <= 0 || order->refunded_cents >= order->total_cents) {
      order->refunded_cents = order->total_cents;
      order->financial_status = "refunded";
    } else {
      order->financial_status = "partially_refunded";
    }
  }

  // Notes, attributes and tags.
  if (!order->pos && !guest && rng.Uniform() < 0.025) order->note = kNotes[rng.Below(5)];
  if (std::strcmp(order->source, "instagram") == 0 || std::strcmp(order->source, "tiktok") == 0) {
    order->note_attributes = std::string("utm_source: ") + order->source + "\nutm_medium: social\nutm_campaign: " +
                             (month >= 11 ? "holiday_gifts" : month >= 6 ? "summer_drop" : "spring_refresh");
  }
  if (order->subscription) {
    order->tags = "Subscription, Subscription Recurring Order";
  } else if (!guest && pr->subscriber && event.staple >= 0 && order->nth == 1 && !duplicate) {
    order->tags = "Subscription, Subscription First Order";
  }
  if (!guest && order->nth >= 5) order->tags += order->tags.empty() ? "VIP" : ", VIP";
  if (order->pos) order->tags += order->tags.empty() ? "In-store" : ", In-store";
}

void AppendShopifyOrder(const DemoOptions& options, const Profile* pr, const Order& order, std::string* out,
                        const std::vector<bool>* keep) {
  const bool guest = order.kind == OrderKind::kGuest;
  const std::string name = "#" + std::to_string(1001 + order.number);
  const std::string email = guest ? std::string() : pr->email;
  const Place& place = kPlaces[guest ? kPosPlace : pr->place];
  const bool cancelled = order.cancelled_at >= 0;
  for (size_t l = 0; l < order.line_count; ++l) {
    const Line& line = order.lines[l];
    const Product& product = kProducts[line.product];
    const char* line_status = cancelled || order.fulfilled_at < 0 ? "pending" : "fulfilled";
    Row row(out, keep);
    row.Field(name).Field(email);
    if (l == 0) {
      row.Field(order.financial_status).Time(order.paid_at).Field(order.fulfillment_status).Time(order.fulfilled_at);
      row.Field(!guest && pr->accepts_marketing ? "yes" : "no").Field(options.currency);
      row.Money(order.subtotal_cents).Money(order.shipping_cents).Money(order.tax_cents[0] + order.tax_cents[1]);
      row.Money(order.total_cents);
      if (*order.discount_code) {
        row.Field(order.discount_code);
      } else {
        row.Quoted("");
      }
      row.Money(order.discount_cents).Field(order.shipping_method);
    } else {
      row.Empty(13);
    }
    row.Time(order.created);
    row.Field(std::to_string(line.quantity)).Field(product.title).Money(product.price_cents);
    if (product.compare_at_cents > 0) {
      row.Money(product.compare_at_cents);
    } else {
      row.Empty();
    }
    row.Field(product.sku).Field(product.requires_shipping ? "true" : "false").Field(product.taxable ? "true" : "false");
    row.Field(line_status);
    if (l == 0) {
      // Billing then shipping address.
      if (guest) {
        row.Empty(20);
      } else {
        const std::string full_name = pr->first_name + " " + pr->last_name;
        const std::string street = pr->address2.empty() ? pr->address1 : pr->address1 + ", " + pr->address2;
        row.Field(full_name).Field(street).Field(pr->address1).Field(pr->address2).Empty();
        row.Field(place.city).Field(pr->zip).Field(place.province_code).Field(place.country).Field(pr->billing_phone);
        if (order.pos) {
          row.Empty(10);
        } else {
          row.Field(full_name).Field(street).Field(pr->address1);
          if (pr->address2.empty()) {
            row.Quoted("");
          } else {
            row.Field(pr->address2);
          }
          row.Empty().Field(place.city).Field(pr->zip).Field(place.province_code).Field(place.country);
          row.Field(pr->billing_phone);
        }
      }
      if (*order.note) {
        row.Field(order.note);
      } else {
        row.Quoted("");
      }
      if (order.note_attributes.empty()) {
        row.Quoted("");
      } else {
        row.Field(order.note_attributes);
      }
      row.Time(order.cancelled_at).Field(order.payment_method).Field(order.payment_reference);
      row.Money(order.refunded_cents).Field(kCategories[product.category].vendor).Money(0);
      row.Field(order.employee).Field(order.pos ? "Brooklyn Flagship" : "").Field(order.pos ? "60718374" : "");
      row.Field(std::to_string(kFirstOrderId + static_cast<int64_t>(order.number) * 32768));
      row.Field(order.tags).Field(order.risk).Field(order.source).Money(0);
      for (int k = 0; k < 5; ++k) {
        if (k < 2 && *order.tax_names[k]) {
          row.Field(order.tax_names[k]).Money(order.tax_cents[k]);
        } else {
          row.Empty(2);
        }
      }
      row.Field(!guest && pr->gives_order_phone ? pr->phone_e164 : "").Empty(2);
      row.Field(guest ? "" : place.province_name).Field(guest || order.pos ? "" : place.province_name);
      row.Field(order.payment_reference).Empty(2).Field(order.payment_reference);
    } else {
      row.Empty(26).Field(kCategories[product.category].vendor).Empty(8).Money(0).Empty(19);
    }
    row.End();
  }
}

// ---- the simulation ---------------------------------------------------------------------------------

// Runs the store's history and calls on_order(order, profile-or-null) for every order in time order.
template <typename OnOrder>
void Simulate(const DemoOptions& options, OnOrder&& on_order) {
  Random timing(Mix(options.seed, 0, 0));
  const int64_t end_local = int64_t(options.start_day + options.days) * 86400 - 1;

  // Acquisition intensity per day and its cumulative sum (inverse-CDF sampling).
  std::vector<double> cumulative(static_cast<size_t>(options.days) + 1, 0.0);
  for (int32_t d = 0; d < options.days; ++d) {
    int y, m, dd;
    CivilFromDays(options.start_day + d, &y, &m, &dd);
    double w = 1.0 + (options.acquisition_growth - 1.0) * d / std::max(1, options.days - 1);
    if (m >= 11) w *= options.holiday_boost;
    cumulative[d + 1] = cumulative[d] + w;
  }
  const double total_weight = cumulative.back();

  std::priority_queue<Event, std::vector<Event>, LaterEvent> pending;
  uint32_t acquired = 0, guests = 0;
  double u_prev = 0.0;  // sorted uniforms, generated in increasing order one at a time
  size_t day_cursor = 0;
  double next_acquisition = -1;
  auto draw_acquisition = [&]() {
    if (acquired >= options.customers) {
      next_acquisition = 1e300;
      return;
    }
    const double remaining = static_cast<double>(options.customers - acquired);
    u_prev = 1.0 - (1.0 - u_prev) * std::pow(timing.UniformOpen(), 1.0 / remaining);
    const double target = std::min(u_prev, 1.0 - 1e-15) * total_weight;
    while (day_cursor + 1 < cumulative.size() - 1 && cumulative[day_cursor + 1] <= target) ++day_cursor;
    const double w = cumulative[day_cursor + 1] - cumulative[day_cursor];
    next_acquisition = static_cast<double>(day_cursor) + std::min((target - cumulative[day_cursor]) / w, 1.0 - 1e-12);
  };
  draw_acquisition();

  uint64_t number = 0;
  Order order;
  while (next_acquisition < 1e300 || !pending.empty()) {
    Event event;
    if (!pending.empty() && pending.top().t < next_acquisition) {
      event = pending.top();
      pending.pop();
    } else {
      const uint32_t customer = acquired++;
      event.t = next_acquisition;
      event.customer = customer;
      event.kind = OrderKind::kCustomer;
      event.orders = 0;
      event.lambda = timing.Gamma(options.r, options.alpha);
      event.p = timing.Beta(options.a, options.b);
      event.nu = timing.Gamma(options.q, options.v);
      event.staple = -1;
      if (timing.Uniform() < options.guest_share) {
        Event guest{};
        guest.t = event.t + timing.Uniform() * 0.5;
        guest.customer = guests++;
        guest.kind = OrderKind::kGuest;
        guest.staple = -1;
        guest.nu = timing.Gamma(options.q, options.v);
        if (guest.t < options.days) pending.push(guest);
      }
      draw_acquisition();
    }
    Profile profile;
    if (event.kind != OrderKind::kGuest) profile = MakeProfile(options, event.customer);
    if (event.kind == OrderKind::kCustomer) {
      if (event.orders == 0) {
        Random staple_rng(Mix(options.seed, kProfileSalt ^ 1, event.customer));
        event.staple = PickStaple(profile, event.lambda, &staple_rng);
      }
      event.orders += 1;
    }
    order = Order();
    MakeOrder(options, event.kind == OrderKind::kGuest ? nullptr : &profile, event, number++, end_local, &order);
    on_order(order, event.kind == OrderKind::kGuest ? nullptr : &profile);
    if (event.kind != OrderKind::kCustomer) continue;
    // A cancelled duplicate placed minutes later.
    if (timing.Uniform() < options.cancel_rate) {
      Event twin = event;
      twin.kind = OrderKind::kCancelledDuplicate;
      twin.t = event.t + 0.002 + 0.03 * timing.Uniform();
      if (twin.t < options.days) pending.push(twin);
    }
    // BG/NBD: after a repeat order the customer drops out with probability p; otherwise the next order
    // comes after an exponential wait with rate λ.
    if (event.orders >= 2 && timing.Uniform() < event.p) continue;
    Event next = event;
    next.t = event.t + timing.Exponential(event.lambda > 0 ? event.lambda : 1e-300);
    if (next.t < options.days) pending.push(next);
  }
}

class ChunkedSink {
 public:
  explicit ChunkedSink(const ByteSink& sink) : sink_(sink) { buffer_.reserve(kChunk + 4096); }
  ~ChunkedSink() { Flush(); }
  std::string* buffer() { return &buffer_; }
  void MaybeFlush() {
    if (buffer_.size() >= kChunk) Flush();
  }
  void Flush() {
    if (buffer_.empty()) return;
    bytes_ += buffer_.size();
    sink_(buffer_);
    buffer_.clear();
  }
  uint64_t bytes() const { return bytes_ + buffer_.size(); }

 private:
  static constexpr size_t kChunk = 1 << 16;
  const ByteSink& sink_;
  std::string buffer_;
  uint64_t bytes_ = 0;
};

void Count(const Order& order, DemoSummary* summary) {
  ++summary->orders;
  summary->line_items += order.line_count;
  if (order.kind == OrderKind::kGuest) ++summary->guest_orders;
  if (order.kind == OrderKind::kCancelledDuplicate) {
    ++summary->cancelled_orders;
  } else {
    summary->net_revenue_cents += order.total_cents - order.refunded_cents;
  }
  if (order.kind == OrderKind::kCustomer) {
    ++summary->valid_orders;
    if (order.nth == 1) ++summary->customers;
  }
  if (order.kind != OrderKind::kCancelledDuplicate && order.refunded_cents > 0) ++summary->refunded_orders;
}

}  // namespace

std::string_view ShopifyOrdersHeader() { return kHeader; }

int32_t UsEasternOffsetMinutes(int32_t day, int32_t seconds_since_midnight) {
  int year, month, dom;
  CivilFromDays(day, &year, &month, &dom);
  int32_t dst_start, dst_end;
  DstBounds(year, &dst_start, &dst_end);
  bool dst = day > dst_start && day < dst_end;
  if (day == dst_start) dst = seconds_since_midnight >= 7200;
  if (day == dst_end) dst = seconds_since_midnight < 7200;
  return dst ? -240 : -300;
}

DemoOptions ScaleOptions(uint32_t customers, uint64_t seed) {
  DemoOptions options;
  options.seed = seed;
  options.customers = customers;
  options.r = 0.9;
  options.alpha = 45.0;
  options.a = 0.5;
  options.b = 8.0;
  options.newest_first = false;
  return options;
}

Status ValidateDemoOptions(const DemoOptions& o) {
  auto positive = [](double x) { return std::isfinite(x) && x > 0; };
  auto share = [](double x) { return std::isfinite(x) && x >= 0 && x <= 1; };
  if (o.customers < 1 || o.customers > 1000000) {
    return InvalidArgument("demo: customers must be 1..1000000, found " + std::to_string(o.customers));
  }
  if (o.days < 1 || o.days > 3650) return InvalidArgument("demo: days must be 1..3650, found " + std::to_string(o.days));
  if (!positive(o.r) || !positive(o.alpha) || !positive(o.a) || !positive(o.b)) {
    return InvalidArgument("demo: BG/NBD parameters r, alpha, a, b must be > 0");
  }
  if (!positive(o.p) || !positive(o.v) || !(o.q > 1)) {
    return InvalidArgument("demo: Gamma-Gamma parameters need p > 0, v > 0 and q > 1 (the mean order value is p*v/(q-1))");
  }
  if (!share(o.guest_share) || !share(o.phone_only_share) || !share(o.refund_rate) || !share(o.cancel_rate) ||
      !share(o.welcome_discount_share)) {
    return InvalidArgument("demo: shares and rates must be between 0 and 1");
  }
  if (!positive(o.acquisition_growth) || !positive(o.holiday_boost)) {
    return InvalidArgument("demo: acquisition_growth and holiday_boost must be > 0");
  }
  if (o.currency.size() != 3) return InvalidArgument("demo: currency must be a 3-letter ISO code, found `" + o.currency + "`");
  return Status::Ok();
}

Result<DemoSummary> GenerateShopifyOrders(const DemoOptions& options, const ByteSink& sink) {
  RAPPORT_RETURN_IF_ERROR(ValidateDemoOptions(options));
  DemoSummary summary;
  ChunkedSink out(sink);
  const std::vector<bool> slim_mask = options.slim ? SlimMask() : std::vector<bool>();
  const std::vector<bool>* keep = options.slim ? &slim_mask : nullptr;
  if (options.slim) {
    Row header(out.buffer(), keep);
    for (std::string_view name : HeaderColumns()) header.Field(name);
  } else {
    out.buffer()->append(kHeader);
  }
  out.buffer()->push_back('\n');
  std::vector<std::string> blocks;  // newest_first: one block per order, written in reverse at the end
  bool full = false;
  Simulate(options, [&](const Order& order, const Profile* profile) {
    if (full || (options.max_lines && summary.line_items + order.line_count > options.max_lines)) {
      full = true;  // whole orders only: the file ends at the last order that fits
      return;
    }
    Count(order, &summary);
    if (options.newest_first) {
      blocks.emplace_back();
      AppendShopifyOrder(options, profile, order, &blocks.back(), keep);
    } else {
      AppendShopifyOrder(options, profile, order, out.buffer(), keep);
      out.MaybeFlush();
    }
  });
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) {
    out.buffer()->append(*it);
    std::string().swap(*it);
    out.MaybeFlush();
  }
  out.Flush();
  summary.bytes = out.bytes();
  return summary;
}

Result<DemoSummary> GenerateTransactions(const DemoOptions& options, const ByteSink& sink) {
  RAPPORT_RETURN_IF_ERROR(ValidateDemoOptions(options));
  DemoSummary summary;
  ChunkedSink out(sink);
  out.buffer()->append("customer_id,date,order_id,sku,quantity,amount\n");
  bool full = false;
  Simulate(options, [&](const Order& order, const Profile* profile) {
    // The same orders as the Shopify export with the same max_lines (it counts the export's rows).
    if (full || (options.max_lines && summary.line_items + order.line_count > options.max_lines)) {
      full = true;
      return;
    }
    Count(order, &summary);
    if (order.kind != OrderKind::kCustomer) return;
    std::string* buf = out.buffer();
    const std::string id = profile->email.empty() ? profile->phone_e164 : EmailPart(profile->email);
    const std::string day = FormatDay(static_cast<int32_t>(FloorDiv(order.created, 86400)));
    for (size_t l = 0; l < order.line_count; ++l) {
      const Line& line = order.lines[l];
      Row row(buf);
      row.Field(id).Field(day).Field(std::to_string(1001 + order.number)).Field(kProducts[line.product].sku);
      row.Field(std::to_string(line.quantity)).Money(line.gross_cents - line.discount_cents).End();
    }
    out.MaybeFlush();
  });
  out.Flush();
  summary.bytes = out.bytes();
  return summary;
}

Result<DemoSummary> GenerateFeedback(const DemoOptions& options, const ByteSink& reviews, const ByteSink& nps) {
  RAPPORT_RETURN_IF_ERROR(ValidateDemoOptions(options));
  DemoSummary summary;
  ChunkedSink review_out(reviews), nps_out(nps);
  review_out.buffer()->append(
      "title,body,rating,review_date,source,curated,reviewer_name,reviewer_email,product_id,product_handle,reply,"
      "reply_date,picture_urls,ip_address,location\n");
  nps_out.buffer()->append("email,date,score,comment\n");
  const int64_t end_local = int64_t(options.start_day + options.days) * 86400 - 1;
  Simulate(options, [&](const Order& order, const Profile* profile) {
    Count(order, &summary);
    if (order.kind != OrderKind::kCustomer || profile->email.empty()) return;
    Random rng(Mix(options.seed, kFeedbackSalt, order.number));
    // How happy the customer is: loyal customers (small dropout p) rate higher; refunds hurt.
    const double mood = 4.4 - 2.5 * order.dropout_p + 0.8 * rng.Normal() - (order.refunded_cents > 0 ? 2.0 : 0.0);
    const Place& place = kPlaces[profile->place];
    // A review of one product, 7-25 days after the order, for about one order in ten.
    const int64_t review_at = order.created + 7 * 86400 + static_cast<int64_t>(rng.Below(18 * 86400));
    if (rng.Uniform() < (order.nth >= 2 ? 0.12 : 0.08) && review_at <= end_local) {
      const Line& line = order.lines[rng.Below(order.line_count)];
      const Product& product = kProducts[line.product];
      double score = mood + (std::strcmp(product.sku, "TY-FLY-01") == 0 ? -1.8 : 0.0);  // the disc cracks
      const int rating = static_cast<int>(std::min(5.0, std::max(1.0, std::round(score))));
      static const char* const kTitles[5] = {"Disappointed", "Not for us", "It's okay", "Really good",
                                             "Our new favourite"};
      static const char* const kBodies[5] = {
          "Arrived damaged and support took a week to answer.",
          "My pet ignored it after the first day. Quality feels cheap.",
          "Does the job, nothing special. Shipping was a bit slow.",
          "Good quality and fast delivery. Will buy again.",
          "Absolutely love it - we're on our third order, the whole household approves!"};
      std::string handle;
      for (const char* c = product.title; *c && !(c[0] == ' ' && c[1] == '-' && c[2] == ' '); ++c) {
        const char ch = *c;
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
          handle.push_back(ch);
        } else if (ch >= 'A' && ch <= 'Z') {
          handle.push_back(static_cast<char>(ch + 32));
        } else if (!handle.empty() && handle.back() != '-') {
          handle.push_back('-');
        }
      }
      while (!handle.empty() && handle.back() == '-') handle.pop_back();
      const std::string date = FormatUtc(review_at);
      const std::string reviewer = profile->first_name + " " + profile->last_name.substr(0, 1) + ".";
      Row row(review_out.buffer());
      row.Field(kTitles[rating - 1]).Field(kBodies[rating - 1]).Field(std::to_string(rating)).Field(date);
      row.Field(rng.Uniform() < 0.7 ? "email" : "web").Field("ok").Field(reviewer).Field(profile->email);
      row.Field(std::to_string(8100000000000LL + static_cast<int64_t>(line.product) * 65536)).Field(handle);
      if (rating <= 2 && rng.Uniform() < 0.6) {
        const int64_t reply_at = std::min(end_local, review_at + 3600 + static_cast<int64_t>(rng.Below(2 * 86400)));
        row.Field("So sorry, " + profile->first_name + " - we've emailed you about a replacement.");
        row.Field(FormatUtc(reply_at));
      } else {
        row.Empty(2);
      }
      row.Field(rating >= 4 && rng.Uniform() < 0.2 ? "https://example.com/reviews/" + std::to_string(order.number) + ".jpg" : "");
      row.Field("203.0.113." + std::to_string(1 + rng.Below(254)));  // TEST-NET-3, never a real address
      row.Field(std::string(place.city) + ", " + place.country).End();
      review_out.MaybeFlush();
    }
    // An NPS survey 30 days after the first order; a quarter answer.
    const int64_t survey_at = order.created + 30 * 86400;
    if (order.nth == 1 && survey_at <= end_local && rng.Uniform() < 0.25) {
      const int score = static_cast<int>(std::min(10.0, std::max(0.0, std::round(2.0 * mood + 0.5))));
      static const char* const kComments[] = {"", "Delivery took too long.", "Prices went up.", "Good products.",
                                              "Love the subscription!", "Great customer service.", ""};
      const char* comment = score <= 6 ? kComments[1 + rng.Below(2)] : score <= 8 ? kComments[3 + rng.Below(2) * 3]
                                                                                  : kComments[3 + rng.Below(3)];
      Row row(nps_out.buffer());
      row.Field(profile->email).Field(FormatDay(static_cast<int32_t>(FloorDiv(survey_at, 86400))));
      row.Field(std::to_string(score)).Field(comment).End();
      nps_out.MaybeFlush();
    }
  });
  review_out.Flush();
  nps_out.Flush();
  summary.bytes = review_out.bytes() + nps_out.bytes();
  return summary;
}

}  // namespace rapport::demo
