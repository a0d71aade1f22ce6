// libFuzzer target for the segment rule parser and evaluator (STYLE §10): any bytes must parse or fail with a
// positioned error, never crash; a rule that parses must read back to itself (CanonicalText round trip) and
// evaluate (or fail with an error) on a small store with saved segments, one of them cyclic.
// Replayed over tests/fuzz/corpus/segment_parser_fuzz/ in every test run.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/segment/evaluate.h"
#include "core/segment/lexer.h"
#include "core/segment/parser.h"

namespace {

const rapport::Workspace& SmallStore() {
  static const rapport::Workspace* ws = [] {
    auto* w = new rapport::Workspace();
    const uint32_t usd = w->currencies.Intern("USD");
    for (uint32_t c = 0; c < 70; ++c) {
      w->customers.key.push_back("email:c" + std::to_string(c) + "@x.com");
      w->customers.email.push_back(c % 9 ? "c" + std::to_string(c) + "@x.com" : "");
      w->customers.phone.emplace_back();
      w->customers.platform_id.emplace_back();
      w->customers.first_name.emplace_back(c % 2 ? "Ann" : "Bo");
      w->customers.last_name.emplace_back("Lee");
      w->customers.country.push_back(c % 3 ? w->countries.Intern("US") : 0);
      w->customers.tags.emplace_back(c % 4 ? "vip, gift" : "");
      w->customers.accepts_marketing.push_back(static_cast<int8_t>(c % 3) - 1);
      w->customers.reported_spent_cents.push_back(-1);
      w->customers.reported_orders.push_back(-1);
      w->customers.import_id.push_back(0);
    }
    w->products.key = {"sku:A", "sku:B"};
    w->products.sku = {"A", "B"};
    w->products.title = {"Green Tea", "Blue Mug"};
    w->products.handle = {"", ""};
    w->products.url = {"", ""};
    w->products.image_url = {"", ""};
    w->products.vendor = {0, 0};
    w->products.category = {w->labels.Intern("Tea > Green"), w->labels.Intern("Kitchen")};
    w->products.price_cents = {-1, -1};
    w->products.import_id = {0, 0};
    for (uint32_t i = 0; i < 150; ++i) {
      rapport::OrderTable& o = w->orders;
      o.key.push_back(std::to_string(i));
      o.name.push_back("#" + std::to_string(i));
      o.customer.push_back(i % 71 == 70 ? rapport::kNoId : i % 70);
      o.day.push_back(19800 + static_cast<int32_t>(i * 7 % 400));
      o.seconds.push_back(0);
      o.offset_minutes.push_back(0);
      o.currency.push_back(usd);
      for (auto* v : {&o.subtotal_cents, &o.total_cents}) v->push_back(1000 + i * 37 % 9000);
      for (auto* v : {&o.discount_cents, &o.shipping_cents, &o.tax_cents, &o.refunded_cents}) v->push_back(0);
      o.flags.push_back(i % 13 == 0 ? rapport::kOrderCancelled : 0);
      o.financial_status.push_back(0);
      o.fulfillment_status.push_back(0);
      o.fulfilled_day.push_back(rapport::kNoDay);
      o.source.push_back(0);
      o.discount_code.push_back(0);
      o.country.push_back(0);
      o.first_line.push_back(static_cast<uint32_t>(w->lines.size()));
      o.line_count.push_back(1);
      o.import_id.push_back(0);
      w->lines.order.push_back(i);
      w->lines.product.push_back(i % 2);
      w->lines.quantity.push_back(1);
      w->lines.unit_price_cents.push_back(1000);
      w->lines.discount_cents.push_back(0);
    }
    for (uint32_t i = 0; i < 20; ++i) {
      w->reviews.key.push_back("r" + std::to_string(i));
      w->reviews.customer.push_back(i * 3 % 70);
      w->reviews.product.push_back(i % 2);
      w->reviews.rating.push_back(static_cast<int8_t>(1 + i % 5));
      w->reviews.day.push_back(19900 + static_cast<int32_t>(i));
      w->reviews.title.emplace_back();
      w->reviews.body.emplace_back();
      w->reviews.source.push_back(0);
      w->reviews.import_id.push_back(0);
    }
    return w;
  }();
  return *ws;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const rapport::SegmentContext ctx = rapport::BuildSegmentContext(SmallStore(), SmallStore().settings, rapport::kNoDay);
  static const std::vector<rapport::SavedSegment> saved = {
      {"VIP", "amount_spent > 50 OR orders >= 3", ""},
      {"Loop", "in_segment(\"Loop2\") AND orders > 1", ""},
      {"Loop2", "in_segment(\"loop\")", ""},
      {"Bad", "oders > 1", ""}};
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The highlighting tokens (segment op "tokens"): in order, inside the text, never overlapping.
  uint32_t end = 0;
  for (const rapport::RuleToken& t : rapport::ClassifyTokens(text)) {
    if (t.offset < end || t.offset + t.length > text.size() || t.cls[0] == '\0') std::abort();
    end = t.offset + t.length;
  }
  rapport::Rule rule;
  rapport::RuleError error;
  if (!rapport::ParseRule(text, &rule, &error)) {
    if (error.offset > text.size()) std::abort();
    (void)error.Render(text);
    return 0;
  }
  const std::string canonical = rapport::CanonicalText(*rule.root);
  rapport::Rule again;
  if (!rapport::ParseRule(canonical, &again, &error) || rapport::CanonicalText(*again.root) != canonical) std::abort();
  rapport::Bitset members;
  if (rapport::EvaluateRule(rule, ctx, saved, &members, &error)) {
    if (members.size() != ctx.customers || members.Count() > ctx.customers) std::abort();
  } else if (error.offset > text.size()) {
    std::abort();
  }
  return 0;
}
