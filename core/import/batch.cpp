#include "core/import/batch.h"

#include <utility>

namespace rapport {

namespace {

template <typename T>
void CopyTail(const std::vector<T>& src, size_t from, std::vector<T>* dst) {
  if (from < src.size()) dst->assign(src.begin() + static_cast<std::ptrdiff_t>(from), src.end());
}

void CopyTail(const StringColumn& src, size_t from, StringColumn* dst) {
  for (size_t i = from; i < src.size(); ++i) dst->Append(src[i]);
}

template <typename T>
void Truncate(std::vector<T>* v, size_t n) {
  if (v->size() > n) v->resize(n);
}
void Truncate(StringColumn* c, size_t n) {
  if (c->size() > n) c->Truncate(n);
}

// Applies `f(head_column, from_column)` to every per-order column, then every per-line column.
template <typename F>
void ForOrderColumns(ImportBatch::Orders* a, ImportBatch::Orders* b, F&& f) {
  f(&a->key, &b->key); f(&a->name, &b->name);
  f(&a->who.email, &b->who.email); f(&a->who.phone, &b->who.phone); f(&a->who.platform_id, &b->who.platform_id);
  f(&a->who.first_name, &b->who.first_name); f(&a->who.last_name, &b->who.last_name);
  f(&a->created, &b->created); f(&a->currency, &b->currency);
  f(&a->subtotal_cents, &b->subtotal_cents); f(&a->discount_cents, &b->discount_cents);
  f(&a->shipping_cents, &b->shipping_cents); f(&a->tax_cents, &b->tax_cents); f(&a->total_cents, &b->total_cents);
  f(&a->refunded_cents, &b->refunded_cents); f(&a->flags, &b->flags);
  f(&a->financial_status, &b->financial_status); f(&a->fulfillment_status, &b->fulfillment_status);
  f(&a->source, &b->source); f(&a->discount_code, &b->discount_code); f(&a->country, &b->country);
  f(&a->fulfilled_day, &b->fulfilled_day); f(&a->accepts_marketing, &b->accepts_marketing);
  f(&a->first_line, &b->first_line); f(&a->line_count, &b->line_count); f(&a->line, &b->line);
}
template <typename F>
void ForLineColumns(ImportBatch::Lines* a, ImportBatch::Lines* b, F&& f) {
  f(&a->order, &b->order); f(&a->sku, &b->sku); f(&a->title, &b->title); f(&a->vendor, &b->vendor);
  f(&a->quantity, &b->quantity); f(&a->unit_price_cents, &b->unit_price_cents); f(&a->discount_cents, &b->discount_cents);
}

}  // namespace

void SplitOrders(ImportBatch* from, size_t k, ImportBatch* head) {
  const size_t n = from->orders.key.size();
  if (k > n) k = n;
  const size_t lines = k < n && k < from->orders.first_line.size() ? from->orders.first_line[k] : from->lines.order.size();
  // The head takes the columns whole; the few rows after the split are copied back into `from`.
  std::swap(head->orders, from->orders);
  std::swap(head->lines, from->lines);
  std::swap(head->issues, from->issues);
  ForOrderColumns(&head->orders, &from->orders, [&](auto* h, auto* f) { CopyTail(*h, k, f); Truncate(h, k); });
  ForLineColumns(&head->lines, &from->lines, [&](auto* h, auto* f) { CopyTail(*h, lines, f); Truncate(h, lines); });
  for (uint32_t& first : from->orders.first_line) first -= static_cast<uint32_t>(lines);
  for (uint32_t& order : from->lines.order) order -= static_cast<uint32_t>(k);
}

}  // namespace rapport
