#include "core/workspace/workspace.h"

#include <string>

namespace rapport {

void Workspace::RebuildIndexes() {
  customer_alias.clear();
  order_by_key_ = KeyIndex();  // built on first use (OrderIndex)
  order_index_built_ = false;
  product_by_key.clear();
  feedback_keys.clear();
  customer_alias.reserve(customers.size() * 2);
  product_by_key.reserve(products.size());
  feedback_keys.reserve(reviews.size() + tickets.size() + surveys.size());

  std::string alias;
  for (uint32_t id = 0; id < customers.size(); ++id) {
    customer_alias.try_emplace(customers.key[id], id);
    if (!customers.email[id].empty()) {
      alias.assign("email:").append(customers.email[id]);
      customer_alias.try_emplace(alias, id);
    }
    if (!customers.phone[id].empty()) {
      alias.assign("phone:").append(customers.phone[id]);
      customer_alias.try_emplace(alias, id);
    }
    if (!customers.platform_id[id].empty()) {
      alias.assign("id:").append(customers.platform_id[id]);
      customer_alias.try_emplace(alias, id);
    }
  }
  for (uint32_t id = 0; id < products.size(); ++id) product_by_key.try_emplace(products.key[id], id);
  for (uint32_t id = 0; id < reviews.size(); ++id) feedback_keys.emplace("r:" + reviews.key[id], id);
  for (uint32_t id = 0; id < tickets.size(); ++id) feedback_keys.emplace("t:" + tickets.key[id], id);
  for (uint32_t id = 0; id < surveys.size(); ++id) feedback_keys.emplace("s:" + surveys.key[id], id);
}

void Workspace::DropOrderRows() {
  OrderIndex();  // complete (it is built from the rows about to go)
  orders_dropped += orders.size();
  OrderTable& o = orders;
  o.key.clear(); o.name.clear(); o.customer.clear(); o.day.clear(); o.seconds.clear(); o.offset_minutes.clear();
  o.currency.clear(); o.subtotal_cents.clear(); o.discount_cents.clear(); o.shipping_cents.clear();
  o.tax_cents.clear(); o.total_cents.clear(); o.refunded_cents.clear(); o.flags.clear();
  o.financial_status.clear(); o.fulfillment_status.clear(); o.fulfilled_day.clear(); o.source.clear();
  o.discount_code.clear(); o.country.clear(); o.first_line.clear(); o.line_count.clear(); o.import_id.clear();
  OrderLineTable& l = lines;
  l.order.clear(); l.product.clear(); l.quantity.clear(); l.unit_price_cents.clear(); l.discount_cents.clear();
}

void Workspace::BuildOrderIndex() const {
  order_by_key_.clear();
  order_by_key_.reserve(orders.size());
  for (uint32_t id = 0; id < orders.size(); ++id) order_by_key_.try_emplace(orders.key[id], id);
  order_index_built_ = true;
}

int32_t Workspace::LatestValidOrderDay() const {
  int32_t latest = kNoDay;
  const size_t n = orders.size();
  for (size_t i = 0; i < n; ++i) {
    if (orders.flags[i] == 0 && orders.day[i] != kNoDay && orders.day[i] > latest) latest = orders.day[i];
  }
  return latest;
}

int32_t Workspace::AsOf() const { return settings.as_of_day != kNoDay ? settings.as_of_day : LatestValidOrderDay(); }

}  // namespace rapport
