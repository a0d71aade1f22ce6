#include "core/workspace/merge.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "core/util/text.h"

namespace rapport {

TableSizes CaptureSizes(const Workspace& w) {
  TableSizes s;
  s.customers = w.customers.size();
  s.orders = w.orders.size();
  s.lines = w.lines.size();
  s.products = w.products.size();
  s.reviews = w.reviews.size();
  s.tickets = w.tickets.size();
  s.surveys = w.surveys.size();
  s.imports = w.imports.size();
  s.issues = w.issues.size();
  s.currencies = w.currencies.size();
  s.countries = w.countries.size();
  s.labels = w.labels.size();
  return s;
}

namespace {

// One row's customer aliases ("email:<addr>", "id:<platform>:<id>", "phone:<digits>"; each empty when the
// row has no such identifier), built and hashed once for both the lookup and the insert.
struct RowAliases {
  std::string email, pid, phone;
  uint64_t email_h = 0, pid_h = 0, phone_h = 0;
  uint64_t order_h = 0;  // the hash of the order key, for an order row
};

// Rows are prepared this many rows before they are merged (Merger::Prepare): enough for the slots' cache
// misses to overlap, few enough that the prefetched lines are still in the cache when used. The ring holds
// twice as many, so that preparing row i + kAhead never overwrites row i.
constexpr size_t kAhead = 8;
constexpr size_t kRing = 2 * kAhead;

// The merge state: reusable key buffers so that lookups allocate nothing per row in the steady state.
class Merger {
 public:
  Merger(Workspace* w, uint32_t import_id, MergeDelta* delta, MergeTotals* totals)
      : w_(*w), import_id_(import_id), delta_(*delta), totals_(*totals), before_customers_(w->customers.size()),
        before_products_(w->products.size()), import_customers_(totals->customers_before) {}

  // Builds row `i`'s aliases and hashes them, and starts loading their slots of the alias index (the rows
  // are prepared a few rows ahead of their merge, so that the lookups find the slots in the cache).
  void Prepare(const BatchIdentity& who, size_t i, RowAliases* a) const {
    Alias("email:", who.email[i], &a->email, &a->email_h);
    Alias("id:", who.platform_id[i], &a->pid, &a->pid_h);
    Alias("phone:", who.phone[i], &a->phone, &a->phone_h);
  }

  // Finds the customer named by row `i` of `who`; kNoId when none of its aliases is known.
  uint32_t Find(const BatchIdentity& who, size_t i) {
    Prepare(who, i, &row_);
    return Find(row_);
  }
  uint32_t Find(const RowAliases& a) const {
    // Email first (DESIGN §2). A platform customer id names one account whatever its email; a phone joins a
    // row to a customer only when it does not contradict a known email (two people sharing a phone — a family,
    // a shop counter — stay two customers).
    const KeyIndex& aliases = w_.customer_alias;
    uint32_t id;
    if (!a.email.empty() && (id = aliases.GetHashed(a.email, a.email_h, kNoId)) != kNoId) return id;
    if (!a.pid.empty() && (id = aliases.GetHashed(a.pid, a.pid_h, kNoId)) != kNoId) return id;
    if (!a.phone.empty() && (id = aliases.GetHashed(a.phone, a.phone_h, kNoId)) != kNoId &&
        (a.email.empty() || w_.customers.email[id].empty())) {
      return id;
    }
    return kNoId;
  }

  // Finds or creates the customer of row `i` (its aliases prepared in `a`); kNoId for a row without any
  // identifier (a guest).
  uint32_t Resolve(const BatchIdentity& who, size_t i, const RowAliases& a) {
    if (a.email.empty() && a.phone.empty() && a.pid.empty()) return kNoId;
    const std::string_view email = who.email[i], phone = who.phone[i], pid = who.platform_id[i];
    uint32_t id = Find(a);
    if (id == kNoId) {
      id = static_cast<uint32_t>(w_.customers.size());
      CustomerTable& c = w_.customers;
      c.key.emplace_back(!a.email.empty() ? a.email : !a.phone.empty() ? a.phone : a.pid);
      c.email.emplace_back(email);
      c.phone.emplace_back(phone);
      c.platform_id.emplace_back(pid);
      c.first_name.emplace_back(who.first_name[i]);
      c.last_name.emplace_back(who.last_name[i]);
      c.country.push_back(0);
      c.tags.emplace_back();
      c.accepts_marketing.push_back(-1);
      c.reported_spent_cents.push_back(-1);
      c.reported_orders.push_back(-1);
      c.import_id.push_back(import_id_);
      ++totals_.customers_added;
    } else {
      if (id < import_customers_) {  // existed before the import (not only before this slice)
        if (totals_.merged_seen.empty()) totals_.merged_seen.assign(import_customers_, 0);
        if (!totals_.merged_seen[id]) {
          totals_.merged_seen[id] = 1;
          ++totals_.customers_merged;
        }
      }
      bool changed = false;
      CustomerTable& c = w_.customers;
      changed |= Fill(&c.email, id, email);
      changed |= Fill(&c.phone, id, phone);
      changed |= Fill(&c.platform_id, id, pid);
      changed |= Fill(&c.first_name, id, who.first_name[i]);
      changed |= Fill(&c.last_name, id, who.last_name[i]);
      if (changed) MarkCustomer(id);
    }
    if (!a.email.empty()) w_.customer_alias.InsertHashed(a.email, a.email_h, id);
    if (!a.phone.empty()) w_.customer_alias.InsertHashed(a.phone, a.phone_h, id);
    if (!a.pid.empty()) w_.customer_alias.InsertHashed(a.pid, a.pid_h, id);
    return id;
  }
  uint32_t Resolve(const BatchIdentity& who, size_t i) {
    Prepare(who, i, &row_);
    return Resolve(who, i, row_);
  }

  void MarkCustomer(uint32_t id) {
    if (id < before_customers_) delta_.updated_customers.push_back(id);
  }
  void MarkProduct(uint32_t id) {
    if (id < before_products_) delta_.updated_products.push_back(id);
  }

  static bool Fill(std::string* field, std::string_view value) {
    if (!field->empty() || value.empty()) return false;
    field->assign(value.data(), value.size());
    return true;
  }
  // Row `id` of a packed column, set when empty (TextColumn::Set: the overlay until FinishMerge compacts it).
  static bool Fill(TextColumn* column, size_t id, std::string_view value) {
    if (value.empty() || !(*column)[id].empty()) return false;
    column->Set(id, value);
    return true;
  }

  // Product id for an order line: by SKU, else by lower-cased title; created when new. kNoId when the
  // line names neither.
  uint32_t LineProduct(std::string_view sku, std::string_view title, std::string_view vendor) {
    sku = TrimAscii(sku);
    title = TrimAscii(title);
    if (!sku.empty()) {
      key_.assign("sku:").append(sku);
    } else if (!title.empty()) {
      key_.assign("title:");
      for (char ch : title) key_.push_back(AsciiLower(ch));
    } else {
      return kNoId;
    }
    const uint32_t found = w_.product_by_key.Get(key_, kNoId);
    if (found != kNoId) {
      const uint32_t id = found;
      bool changed = Fill(&w_.products.title[id], title);
      if (w_.products.vendor[id] == 0 && !vendor.empty()) {
        w_.products.vendor[id] = w_.labels.Intern(vendor);
        changed = true;
      }
      if (changed) MarkProduct(id);
      return id;
    }
    const uint32_t id = NewProduct(key_);
    ProductTable& p = w_.products;
    p.sku.back().assign(sku.data(), sku.size());
    p.title.back().assign(title.data(), title.size());
    p.vendor.back() = vendor.empty() ? 0 : w_.labels.Intern(vendor);
    return id;
  }

  uint32_t NewProduct(const std::string& key) {
    ProductTable& p = w_.products;
    const uint32_t id = static_cast<uint32_t>(p.size());
    p.key.push_back(key);
    p.sku.emplace_back();
    p.title.emplace_back();
    p.handle.emplace_back();
    p.url.emplace_back();
    p.image_url.emplace_back();
    p.vendor.push_back(0);
    p.category.push_back(0);
    p.price_cents.push_back(-1);
    p.import_id.push_back(import_id_);
    w_.product_by_key.emplace(key, id);
    return id;
  }

  // True (and *id set) when the order key is already present; registers it otherwise.
  bool OrderExists(std::string_view key, uint64_t hash, uint32_t new_id) {
    return !w_.OrderIndex().InsertHashed(key, hash, new_id).second;
  }

  // True when the feedback key (prefix "r:", "t:", "s:") was seen; registers it otherwise.
  bool FeedbackExists(const char* prefix, std::string_view key, uint32_t new_id) {
    key_.assign(prefix).append(key);
    return !w_.feedback_keys.try_emplace(key_, new_id).second;
  }

 private:
  // `*alias` = prefix + value and its hash, its slot prefetched; empty when the value is.
  void Alias(const char* prefix, std::string_view value, std::string* alias, uint64_t* hash) const {
    alias->clear();
    if (value.empty()) return;
    alias->append(prefix).append(value.data(), value.size());
    *hash = HashKey(*alias);
    w_.customer_alias.Prefetch(*hash);
  }

  Workspace& w_;
  uint32_t import_id_;
  MergeDelta& delta_;
  MergeTotals& totals_;
  size_t before_customers_, before_products_, import_customers_;
  std::string key_;
  RowAliases row_;  // for the rows resolved without a lookahead
};

// reserve() that keeps growth geometric: a large import merges in many slices, and reserving exactly each
// slice's rows would copy the columns once per slice.
template <typename Column>
void Reserve(Column* column, size_t n) {
  if (n > column->capacity()) column->reserve(std::max(n, column->capacity() + column->capacity() / 2));
}
// A packed text column: the rows as above, and the text for the rows to come at the rows' mean length so far,
// 2 % over (before any text, the text grows by doubling). The text is checked at every call, not only when the
// rows grow: a file's first rows can be shorter than the rest (the 100x export's first copy has no suffix),
// and text sized from them would double late, copying megabytes into new pages; regrown (by half) at the next
// slice, while it holds little, it copies little. Capacity never written costs address space only.
void Reserve(TextColumn* column, size_t n) {
  const size_t capacity = column->capacity();
  const size_t rows = n <= capacity ? capacity : std::max(n, capacity + capacity / 2);
  size_t bytes = column->text_capacity();
  if (column->size() != 0 && n > column->size()) {
    const size_t want = column->bytes() + static_cast<size_t>(1.02 * static_cast<double>(column->bytes()) /
                                                              static_cast<double>(column->size()) *
                                                              static_cast<double>(n - column->size()));
    if (want > bytes) bytes = std::max(want, bytes + bytes / 2);
  }
  if (rows > capacity || bytes > column->text_capacity()) column->Reserve(rows, bytes);
}

// How many more rows of a kind (customers, aliases) this import will add, at the rate per order of the slices
// merged before this one (`added` of them over their orders), for the orders still expected
// (MergeTotals::expected_orders), plus 5 %. 0 before the first slice or without the hint: the caller then
// reserves for the slice alone. Sizing the customer columns and the alias index once from it, rather than
// growing them by half again slice after slice (each growth a copy into new, zeroed pages), writes a third of
// the memory (bench/RESULTS.md "Import").
size_t ExpectedMore(const MergeTotals& totals, uint64_t added) {
  const uint64_t seen = totals.orders_added + totals.duplicates;
  if (totals.expected_orders <= seen || seen == 0) return 0;
  return static_cast<size_t>(1.05 * static_cast<double>(added) / static_cast<double>(seen) *
                             static_cast<double>(totals.expected_orders - seen));
}

void SortUnique(std::vector<uint32_t>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

ImportIssue UnmatchedWarning(uint32_t import_id, uint64_t line, const char* what) {
  ImportIssue issue;
  issue.import_id = import_id;
  issue.line = line;
  issue.code = "unmatched_customer";
  issue.message = std::string(what) + ": no customer with this email, phone or id; kept without a customer";
  issue.rejected = false;
  return issue;
}

}  // namespace

MergeDelta MergeBatch(const ImportBatch& batch, uint32_t import_id, Workspace* w, ImportRecord* record) {
  MergeTotals totals;
  MergeDelta delta = MergeSlice(batch, import_id, w, &totals);
  FinishMerge(batch, totals, import_id, w, record);
  return delta;
}

MergeDelta MergeSlice(const ImportBatch& batch, uint32_t import_id, Workspace* w, MergeTotals* totals) {
  MergeDelta delta;
  delta.before = CaptureSizes(*w);
  if (totals->customers_before == SIZE_MAX) totals->customers_before = w->customers.size();
  if (totals->aliases_before == SIZE_MAX) totals->aliases_before = w->customer_alias.size();
  delta.new_aliases = AliasRange{&w->customer_alias, w->customer_alias.size(), w->customer_alias.size()};
  Merger m(w, import_id, &delta, totals);

  // --- Customers export ----------------------------------------------------------------------------
  const auto& bc = batch.customers;
  {
    CustomerTable& c = w->customers;
    const size_t n = c.size() + std::max<size_t>(bc.who.size() + batch.orders.key.size(),
                                                 ExpectedMore(*totals, totals->customers_added));
    Reserve(&c.key, n); Reserve(&c.email, n); Reserve(&c.phone, n); Reserve(&c.platform_id, n);
    Reserve(&c.first_name, n); Reserve(&c.last_name, n); Reserve(&c.country, n); Reserve(&c.tags, n);
    Reserve(&c.accepts_marketing, n); Reserve(&c.reported_spent_cents, n); Reserve(&c.reported_orders, n);
    Reserve(&c.import_id, n);
  }
  for (size_t i = 0; i < bc.who.size(); ++i) {
    const uint32_t id = m.Resolve(bc.who, i);
    if (id == kNoId) continue;
    CustomerTable& c = w->customers;
    bool changed = false;
    if (c.country[id] == 0 && !bc.country[i].empty()) {
      c.country[id] = w->countries.Intern(bc.country[i]);
      changed = true;
    }
    changed |= Merger::Fill(&c.tags, id, bc.tags[i]);
    if (c.accepts_marketing[id] < 0 && i < bc.accepts_marketing.size() && bc.accepts_marketing[i] >= 0) {
      c.accepts_marketing[id] = bc.accepts_marketing[i];
      changed = true;
    }
    if (c.reported_spent_cents[id] < 0 && i < bc.reported_spent_cents.size() && bc.reported_spent_cents[i] >= 0) {
      c.reported_spent_cents[id] = bc.reported_spent_cents[i];
      changed = true;
    }
    if (c.reported_orders[id] < 0 && i < bc.reported_orders.size() && bc.reported_orders[i] >= 0) {
      c.reported_orders[id] = bc.reported_orders[i];
      changed = true;
    }
    if (changed) m.MarkCustomer(id);
  }

  // --- Orders and their lines ----------------------------------------------------------------------
  const auto& bo = batch.orders;
  const size_t n_orders = bo.key.size();
  OrderTable& o = w->orders;
  // This slice's rows, scaled up to the orders the caller expects for the whole import (if it said); the
  // columns for the slice alone when the caller drops the rows after each slice.
  const uint64_t seen = totals->orders_added + totals->duplicates + n_orders;
  const double grow = n_orders > 0 && totals->expected_orders > seen
                          ? 1.0 + static_cast<double>(totals->expected_orders - seen) / static_cast<double>(n_orders)
                          : 1.0;
  const double column_grow = totals->drops_order_rows ? 1.0 : grow;
  const size_t reserve_orders = o.size() + static_cast<size_t>(static_cast<double>(n_orders) * grow);
  const size_t column_orders = o.size() + static_cast<size_t>(static_cast<double>(n_orders) * column_grow);
  Reserve(&o.key, column_orders); Reserve(&o.name, column_orders); Reserve(&o.customer, column_orders);
  Reserve(&o.day, column_orders); Reserve(&o.seconds, column_orders); Reserve(&o.offset_minutes, column_orders);
  Reserve(&o.currency, column_orders); Reserve(&o.subtotal_cents, column_orders); Reserve(&o.discount_cents, column_orders);
  Reserve(&o.shipping_cents, column_orders); Reserve(&o.tax_cents, column_orders); Reserve(&o.total_cents, column_orders);
  Reserve(&o.refunded_cents, column_orders); Reserve(&o.flags, column_orders); Reserve(&o.financial_status, column_orders);
  Reserve(&o.fulfillment_status, column_orders); Reserve(&o.fulfilled_day, column_orders); Reserve(&o.source, column_orders);
  Reserve(&o.discount_code, column_orders); Reserve(&o.country, column_orders); Reserve(&o.first_line, column_orders);
  Reserve(&o.line_count, column_orders); Reserve(&o.import_id, column_orders);
  const size_t reserve_lines = w->lines.size() + static_cast<size_t>(static_cast<double>(batch.lines.order.size()) * column_grow);
  Reserve(&w->lines.order, reserve_lines); Reserve(&w->lines.product, reserve_lines); Reserve(&w->lines.quantity, reserve_lines);
  Reserve(&w->lines.unit_price_cents, reserve_lines); Reserve(&w->lines.discount_cents, reserve_lines);

  KeyIndex& order_index = w->OrderIndex();  // built here first after a load
  const size_t more_orders = reserve_orders - o.size();
  size_t order_key_bytes = 0;  // an empty index has no keys to size its key buffer by: this slice's, scaled
  if (order_index.empty() && n_orders > 0) {
    for (size_t i = 0; i < n_orders; ++i) order_key_bytes += bo.key[i].size();
    order_key_bytes = static_cast<size_t>(static_cast<double>(order_key_bytes) * static_cast<double>(more_orders) /
                                          static_cast<double>(n_orders));
  }
  order_index.reserve(order_index.size() + more_orders, order_key_bytes);
  // The alias index's table of slots is written whole when it is reserved (unlike the columns' capacity, which
  // costs nothing until used), so it is sized for the rest of the import only once the rate of aliases per order
  // comes from enough orders: the 100x export's first slice (5,200 orders) gave 1.8 aliases per order against
  // 0.94 over the file, and a table of 2 M slots (16 MB) where 1 M do.
  constexpr uint64_t kAliasRateSample = 10000;
  const bool rate_known = totals->orders_added + totals->duplicates >= kAliasRateSample;
  w->customer_alias.reserve(
      w->customer_alias.size() +
      std::max<size_t>(n_orders + bc.who.size(),
                       rate_known ? ExpectedMore(*totals, w->customer_alias.size() - totals->aliases_before) : 0));
  InternMemo currency_memo, financial_memo, fulfillment_memo, source_memo, code_memo, country_memo;
  uint64_t& added = totals->orders_added;
  uint64_t& duplicates = totals->duplicates;
  int32_t& first_day = totals->first_day;
  int32_t& last_day = totals->last_day;
  std::vector<uint32_t>& currency_ids = totals->currency_ids;
  // Each row's order key and aliases are hashed kAhead rows early and their slots prefetched (Prepare).
  RowAliases ahead[kRing];
  auto prepare = [&](size_t j) {
    RowAliases& a = ahead[j % kRing];
    a.order_h = HashKey(bo.key[j]);
    order_index.Prefetch(a.order_h);
    m.Prepare(bo.who, j, &a);
  };
  for (size_t j = 0; j < std::min(kAhead, n_orders); ++j) prepare(j);
  for (size_t i = 0; i < n_orders; ++i) {
    if (i + kAhead < n_orders) prepare(i + kAhead);
    const RowAliases& row = ahead[i % kRing];
    const Timestamp& ts = bo.created[i];
    if (ts.day != kNoDay) {
      if (first_day == kNoDay || ts.day < first_day) first_day = ts.day;
      if (last_day == kNoDay || ts.day > last_day) last_day = ts.day;
    }
    const uint32_t currency = currency_memo(&w->currencies, bo.currency[i]);
    if (std::find(currency_ids.begin(), currency_ids.end(), currency) == currency_ids.end()) currency_ids.push_back(currency);

    const uint32_t order_id = static_cast<uint32_t>(w->orders_dropped + o.size());
    if (m.OrderExists(bo.key[i], row.order_h, order_id)) {
      ++duplicates;
      continue;
    }
    const uint32_t customer = m.Resolve(bo.who, i, row);
    if (customer != kNoId) {
      CustomerTable& c = w->customers;
      bool changed = false;
      if (i < bo.accepts_marketing.size() && c.accepts_marketing[customer] < 0 && bo.accepts_marketing[i] >= 0) {
        c.accepts_marketing[customer] = bo.accepts_marketing[i];
        changed = true;
      }
      if (c.country[customer] == 0 && !bo.country[i].empty()) {
        c.country[customer] = country_memo(&w->countries, bo.country[i]);
        changed = true;
      }
      if (changed) m.MarkCustomer(customer);
    }
    o.key.emplace_back(bo.key[i]);
    o.name.emplace_back(bo.name[i]);
    o.customer.push_back(customer);
    o.day.push_back(ts.day);
    o.seconds.push_back(ts.seconds);
    o.offset_minutes.push_back(static_cast<int16_t>(ts.offset_minutes));
    o.currency.push_back(currency);
    o.subtotal_cents.push_back(bo.subtotal_cents[i]);
    o.discount_cents.push_back(bo.discount_cents[i]);
    o.shipping_cents.push_back(bo.shipping_cents[i]);
    o.tax_cents.push_back(bo.tax_cents[i]);
    o.total_cents.push_back(bo.total_cents[i]);
    o.refunded_cents.push_back(bo.refunded_cents[i]);
    o.flags.push_back(bo.flags[i]);
    o.financial_status.push_back(financial_memo(&w->labels, bo.financial_status[i]));
    o.fulfillment_status.push_back(fulfillment_memo(&w->labels, bo.fulfillment_status[i]));
    o.fulfilled_day.push_back(bo.fulfilled_day[i]);
    o.source.push_back(source_memo(&w->labels, bo.source[i]));
    o.discount_code.push_back(bo.discount_code[i].empty() ? 0 : code_memo(&w->labels, bo.discount_code[i]));
    o.country.push_back(bo.country[i].empty() ? 0 : country_memo(&w->countries, bo.country[i]));
    o.import_id.push_back(import_id);
    const uint32_t first_line = static_cast<uint32_t>(w->lines.size());
    const uint32_t count = i < bo.line_count.size() ? bo.line_count[i] : 0;
    const uint32_t batch_first = i < bo.first_line.size() ? bo.first_line[i] : 0;
    for (uint32_t k = 0; k < count; ++k) {
      const size_t li = batch_first + k;
      if (li >= batch.lines.order.size()) break;
      w->lines.order.push_back(order_id);
      const std::string_view sku = batch.lines.sku[li], title = batch.lines.title[li];
      w->lines.product.push_back(
          m.LineProduct(sku, title.empty() && batch.lines.untitled_is_sku ? sku : title, batch.lines.vendor[li]));
      w->lines.quantity.push_back(batch.lines.quantity[li]);
      w->lines.unit_price_cents.push_back(batch.lines.unit_price_cents[li]);
      w->lines.discount_cents.push_back(batch.lines.discount_cents[li]);
    }
    o.first_line.push_back(first_line);
    o.line_count.push_back(static_cast<uint32_t>(w->lines.size()) - first_line);
    ++added;
  }

  // --- Products export -------------------------------------------------------------------------------
  const auto& bp = batch.products;
  std::string key;
  for (size_t i = 0; i < bp.sku.size(); ++i) {
    const std::string_view sku = TrimAscii(bp.sku[i]), title = TrimAscii(bp.title[i]);
    if (!sku.empty()) {
      key.assign("sku:").append(sku);
    } else if (!title.empty()) {
      key.assign("title:");
      for (char ch : title) key.push_back(AsciiLower(ch));
    } else {
      continue;
    }
    uint32_t id;
    bool is_new = false;
    auto it = w->product_by_key.find(key);
    if (it == w->product_by_key.end()) {
      id = m.NewProduct(key);
      is_new = true;
    } else {
      id = it->second;
    }
    ProductTable& p = w->products;
    bool changed = false;
    changed |= Merger::Fill(&p.sku[id], sku);
    changed |= Merger::Fill(&p.title[id], title);
    changed |= Merger::Fill(&p.handle[id], bp.handle[i]);
    changed |= Merger::Fill(&p.url[id], bp.url[i]);
    changed |= Merger::Fill(&p.image_url[id], bp.image_url[i]);
    if (p.vendor[id] == 0 && !bp.vendor[i].empty()) { p.vendor[id] = w->labels.Intern(bp.vendor[i]); changed = true; }
    if (p.category[id] == 0 && !bp.category[i].empty()) { p.category[id] = w->labels.Intern(bp.category[i]); changed = true; }
    if (p.price_cents[id] < 0 && i < bp.price_cents.size() && bp.price_cents[i] >= 0) { p.price_cents[id] = bp.price_cents[i]; changed = true; }
    if (changed && !is_new) m.MarkProduct(id);
  }

  // --- Reviews, tickets, surveys ---------------------------------------------------------------------
  // A row with no customer gets an "unmatched_customer" warning; FinishMerge stores the import's warnings after
  // all of its issues (MergeTotals::unmatched).
  const auto& br = batch.reviews;
  if (br.key.size() > 0) {
    std::unordered_map<std::string, uint32_t> by_handle;
    for (uint32_t id = 0; id < w->products.size(); ++id) {
      if (!w->products.handle[id].empty()) by_handle.emplace(w->products.handle[id], id);
    }
    for (size_t i = 0; i < br.key.size(); ++i) {
      const uint32_t review_id = static_cast<uint32_t>(w->reviews.size());
      if (m.FeedbackExists("r:", br.key[i], review_id)) continue;
      const uint32_t customer = m.Find(br.who, i);
      if (customer == kNoId) totals->unmatched.emplace_back(i < br.line.size() ? br.line[i] : 0, "review");
      uint32_t product = kNoId;
      if (!br.product_sku[i].empty()) {
        key.assign("sku:").append(br.product_sku[i]);
        auto it = w->product_by_key.find(key);
        if (it != w->product_by_key.end()) product = it->second;
      }
      if (product == kNoId && !br.product_handle[i].empty()) {
        auto it = by_handle.find(std::string(br.product_handle[i]));
        if (it != by_handle.end()) product = it->second;
      }
      if (product == kNoId && !br.product_title[i].empty()) {
        key.assign("title:");
        for (char ch : TrimAscii(br.product_title[i])) key.push_back(AsciiLower(ch));
        auto it = w->product_by_key.find(key);
        if (it != w->product_by_key.end()) product = it->second;
      }
      ReviewTable& r = w->reviews;
      r.key.emplace_back(br.key[i]);
      r.customer.push_back(customer);
      r.product.push_back(product);
      r.rating.push_back(br.rating[i]);
      r.day.push_back(br.day[i]);
      r.title.emplace_back(br.title[i]);
      r.body.emplace_back(br.body[i]);
      r.source.push_back(w->labels.Intern(br.source[i]));
      r.import_id.push_back(import_id);
    }
  }
  const auto& bt = batch.tickets;
  for (size_t i = 0; i < bt.key.size(); ++i) {
    const uint32_t ticket_id = static_cast<uint32_t>(w->tickets.size());
    if (m.FeedbackExists("t:", bt.key[i], ticket_id)) continue;
    const uint32_t customer = m.Find(bt.who, i);
    if (customer == kNoId) totals->unmatched.emplace_back(i < bt.line.size() ? bt.line[i] : 0, "ticket");
    TicketTable& t = w->tickets;
    t.key.emplace_back(bt.key[i]);
    t.customer.push_back(customer);
    t.day.push_back(bt.day[i]);
    t.status.push_back(w->labels.Intern(bt.status[i]));
    t.channel.push_back(w->labels.Intern(bt.channel[i]));
    t.csat.push_back(bt.csat[i]);
    t.import_id.push_back(import_id);
  }
  const auto& bs = batch.surveys;
  for (size_t i = 0; i < bs.key.size(); ++i) {
    const uint32_t survey_id = static_cast<uint32_t>(w->surveys.size());
    if (m.FeedbackExists("s:", bs.key[i], survey_id)) continue;
    const uint32_t customer = m.Find(bs.who, i);
    if (customer == kNoId) totals->unmatched.emplace_back(i < bs.line.size() ? bs.line[i] : 0, "survey");
    SurveyTable& s = w->surveys;
    s.key.emplace_back(bs.key[i]);
    s.customer.push_back(customer);
    s.day.push_back(bs.day[i]);
    s.score.push_back(bs.score[i]);
    s.comment.emplace_back(bs.comment[i]);
    s.import_id.push_back(import_id);
  }

  // --- Issues and the import record ------------------------------------------------------------------
  // Room for the warnings held so far as well (FinishMerge appends them), growing geometrically: an import merged
  // in slices then moves its issues a few times, not once a slice, and one merged whole allocates once.
  Reserve(&w->issues, w->issues.size() + batch.issues.size() + totals->unmatched.size());
  for (size_t i = 0; i < batch.issues.size(); ++i) {
    w->issues.push_back(batch.issues.Get(i));
    w->issues.back().import_id = import_id;
  }

  delta.new_aliases.to = w->customer_alias.size();
  SortUnique(&delta.updated_customers);
  SortUnique(&delta.updated_products);
  return delta;
}

void FinishMerge(const ImportBatch& batch, const MergeTotals& totals, uint32_t import_id, Workspace* w,
                 ImportRecord* record) {
  record->id = import_id;
  record->rows_read = batch.rows_read;
  record->rows_accepted = batch.rows_accepted;
  record->rows_rejected = batch.rows_rejected;
  record->orders_added = totals.orders_added;
  record->orders_skipped_duplicate = totals.duplicates;
  record->customers_added = totals.customers_added;
  record->customers_merged = totals.customers_merged;
  record->first_day = totals.first_day;
  record->last_day = totals.last_day;
  record->currencies.clear();
  for (uint32_t c : totals.currency_ids) {
    if (!w->currencies[c].empty()) record->currencies.push_back(w->currencies[c]);
  }
  std::sort(record->currencies.begin(), record->currencies.end());
  w->imports.push_back(*record);
  // The feedback rows' warnings, after every slice's issues (as one batch merged whole stores them).
  Reserve(&w->issues, w->issues.size() + totals.unmatched.size());  // reserved by the last MergeSlice
  for (const auto& [line, what] : totals.unmatched) w->issues.push_back(UnmatchedWarning(import_id, line, what));
  // Rows filled in after later rows were added (Merger::Fill) go back into their columns' buffers.
  CustomerTable& c = w->customers;
  for (TextColumn* column : {&c.email, &c.phone, &c.platform_id, &c.first_name, &c.last_name, &c.tags}) column->Compact();
}

}  // namespace rapport
