// The demo store: a deterministic, realistic Shopify orders export for a fictional pet and home goods
// store ("Hearth & Hound", docs/demo-store.md), with purchasing drawn from known model parameters so that
// every number the dashboard shows can be checked against the truth.
//
// The story (MODELS.md §3 and §6, in the papers' symbols; time in days):
//   - `customers` customers make their first order at times spread over [start_day, start_day + days), with an
//     acquisition rate that grows through the period and a bump in November and December.
//   - BG/NBD (Fader, Hardie & Lee 2005): each customer buys at Poisson rate λ ~ Gamma(r, rate alpha) per day
//     while alive; right after each repeat order they drop out with probability p ~ Beta(a, b).
//   - Gamma-Gamma (Colombo & Jiang 1999): each order's merchandise value is Gamma(p, rate ν) dollars with
//     ν ~ Gamma(q, rate v) per customer, so the population mean order value is p·v/(q−1). The value is
//     filled with 1–5 catalogue products whose prices sum close to it (the basket's sum is what is written).
//   - Around the model, nothing that changes it: cancelled orders are extra duplicate orders (the valid ones
//     follow the model exactly), refunds reduce revenue but keep the order, and guest orders (no email, no
//     phone) are extra anonymous orders, not customers.
//
// Output format: docs/formats/shopify.md and ../shared/data/SOURCES.md §2: the 79-column header, one row per
// line item, order fields on the first row only. Same options -> same bytes, natively and in wasm.
// The generator reads no clock and does no I/O: it hands bytes to a sink.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/util/status.h"

namespace rapport::demo {

struct DemoOptions {
  // Seed of every random draw. Default 42 (the Makefile's demo store).
  uint64_t seed = 42;
  // Customers with at least one order (guest orders come on top). Default 5,000; up to 1,000,000.
  uint32_t customers = 5000;
  // First calendar day of the store's history, days since 1970-01-01. Default 19723 = 2024-01-01.
  int32_t start_day = 19723;
  // Length of the history in days; the export is taken at the end of the last day. Default 730.
  int32_t days = 730;
  // ISO currency written in the Currency column. Default "USD". (Offsets always follow US Eastern time.)
  std::string currency = "USD";

  // BG/NBD, time in days. Defaults give ~31 % repeat customers and ~2.0 orders per customer over 730 days.
  double r = 0.20;      // shape of the purchase-rate distribution across customers
  double alpha = 40.0;  // its rate, in days: mean purchase rate r/alpha = 1 order per 200 days while alive
  double a = 0.6;       // Beta shape of the dropout probability; mean dropout after a repeat order a/(a+b)
  double b = 4.0;       //   = 0.13
  // Gamma-Gamma, money in dollars. Defaults: mean order value p·v/(q−1) = $54.
  double p = 6.0;       // shape of one order's value around the customer's mean
  double q = 4.0;       // shape of the per-customer rate ν (how different customers' means are); > 1
  double v = 27.0;      // rate of ν's distribution, in dollars

  // Acquisition intensity: relative rate at the end of the period against the start (1 = flat). Default 2.2.
  double acquisition_growth = 2.2;
  // Multiplier on the acquisition rate in November and December. Default 1.6.
  double holiday_boost = 1.6;
  // Extra anonymous orders (no email, no phone; mostly POS) per acquired customer. Default 0.03.
  double guest_share = 0.03;
  // Share of customers known only by a phone number (no email). Default 0.02.
  double phone_only_share = 0.02;
  // Share of valid orders refunded, fully or partly. Default 0.04.
  double refund_rate = 0.04;
  // Extra cancelled duplicate orders per valid order. Default 0.02.
  double cancel_rate = 0.02;
  // Share of first orders using WELCOME10 (10 % off). Default 0.20.
  double welcome_discount_share = 0.20;
  // Write the newest order first, as Shopify's admin export does. This buffers the whole file in memory;
  // turn it off for large stores (the CLI does above 100,000 customers) to stream oldest first.
  bool newest_first = true;
  // Write only the 33 columns the Shopify orders importer reads (kSlimColumns in generator.cpp; same header
  // names, same values): about half the bytes, for scale tests. Default off (all 79 columns).
  bool slim = false;
  // Stop before the first order that would take the export past this many line rows (0 = no limit). The
  // transactions file stops at the same order.
  uint64_t max_lines = 0;
};

// The options for a large store: `customers` customers (up to 1,000,000) with ~5 orders each on average
// (r 0.9, alpha 45, a 0.5, b 8), streamed oldest first in O(1) memory per customer.
DemoOptions ScaleOptions(uint32_t customers, uint64_t seed);

// Checks ranges: customers 1..1,000,000, days 1..3650, r, alpha, a, b, p, v > 0, q > 1, shares in [0, 1].
Status ValidateDemoOptions(const DemoOptions& options);

// Receives the output in pieces, in order. The generator never keeps a piece after the call.
using ByteSink = std::function<void(std::string_view bytes)>;

struct DemoSummary {
  uint64_t customers = 0;          // customers with at least one order
  uint64_t orders = 0;             // every order written, including guest and cancelled ones
  uint64_t valid_orders = 0;       // orders of identified customers, not cancelled
  uint64_t guest_orders = 0;
  uint64_t cancelled_orders = 0;
  uint64_t refunded_orders = 0;    // fully or partly refunded
  uint64_t line_items = 0;         // rows written (header excluded)
  uint64_t bytes = 0;
  int64_t net_revenue_cents = 0;   // total − refunded over orders that are not cancelled
};

// The Shopify orders export (header plus rows).
Result<DemoSummary> GenerateShopifyOrders(const DemoOptions& options, const ByteSink& sink);

// The same purchases as a generic transactions CSV, oldest first, one row per line item of each valid
// (not cancelled) order of an identified customer: `customer_id,date,order_id,sku,quantity,amount`, where
// customer_id is the customer's email (or phone), date the store-local day, order_id the number of the
// order (#1001 -> 1001) and amount the line's merchandise value after its share of the order discount.
Result<DemoSummary> GenerateTransactions(const DemoOptions& options, const ByteSink& sink);

// Demo feedback for the same customers: a Judge.me-style reviews CSV (the header in SOURCES.md §2) and an
// NPS CSV `email,date,score,comment`. Ratings and scores lean on how much the customer buys again.
Result<DemoSummary> GenerateFeedback(const DemoOptions& options, const ByteSink& reviews, const ByteSink& nps);

// The 79-column header of Shopify's current orders export, without the line ending.
std::string_view ShopifyOrdersHeader();

// US Eastern offset from UTC, in minutes (−300 or −240), for a local day and time: daylight time from 02:00
// on the second Sunday of March to 02:00 on the first Sunday of November (the rule since 2007). In the
// repeated hour of November, daylight time is assumed.
int32_t UsEasternOffsetMinutes(int32_t day, int32_t seconds_since_midnight);

}  // namespace rapport::demo
