// Grouping rows of the order tables by customer without walking through scattered orders.
//
// An import appends orders in file order, usually by date, so one customer's orders lie far apart in the order
// table: at millions of orders a pass from one of a customer's orders to the next is a cache and TLB miss per
// order. Rows are grouped instead by a two-step distribution over customer ids (an MSD radix distribution):
//   1. a sequential pass over the table counts the rows per bucket of customer ids (at most 2^11 buckets), a
//      second one copies each row's fields, as an Item with a `customer` member, into its bucket, in table order;
//   2. each bucket, a few thousand rows of a contiguous range of customers, is laid out by customer (stable: in
//      table order within a customer) while it is in the cache (LayOutByCustomer), into the result's arrays or
//      into a cache-sized scratch whose customers are visited there.
// Used by the customer facts (orders, into their arrays) and the products analysis (order lines, visited).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rapport {

class CustomerBuckets {
 public:
  explicit CustomerBuckets(size_t customers) : customers_(customers) {
    int id_bits = 0;
    while (id_bits < 32 && (size_t{1} << id_bits) < customers) ++id_bits;
    low_bits_ = id_bits - std::min(id_bits, 11);
    buckets_ = customers == 0 ? 0 : ((customers - 1) >> low_bits_) + 1;
  }
  size_t buckets() const { return buckets_; }
  uint32_t bucket(uint32_t customer) const { return customer >> low_bits_; }
  size_t first_customer(size_t b) const { return b << low_bits_; }
  size_t end_customer(size_t b) const { return std::min(customers_, (b + 1) << low_bits_); }
  size_t max_customers_per_bucket() const { return size_t{1} << low_bits_; }

 private:
  size_t customers_;
  int low_bits_ = 0;
  size_t buckets_ = 0;
};

// Step 2 for buckets [b_begin, b_end). `items[bucket_start[b], bucket_start[b + 1])` are bucket b's rows. With
// c0 = cb.first_customer(b_begin), sets `off` (zeroed, size: the range's customers + 1) so customer c's rows
// are positions [off[c - c0], off[c - c0 + 1]), calls place(item, position) for each row, and after each bucket,
// bucket_done(first_customer, end_customer) while its rows are still in the cache. Disjoint bucket ranges touch
// disjoint items and offsets, so they can be laid out on different threads.
template <typename Items, typename Place, typename BucketDone>
void LayOutBucketsByCustomer(const CustomerBuckets& cb, const std::vector<uint32_t>& bucket_start, const Items& items,
                             size_t b_begin, size_t b_end, uint32_t* off, Place place, BucketDone bucket_done) {
  if (b_begin >= b_end) return;
  const size_t c0 = cb.first_customer(b_begin);
  off[0] = bucket_start[b_begin];
  std::vector<uint32_t> cursor(cb.max_customers_per_bucket());
  for (size_t b = b_begin; b < b_end; ++b) {
    const size_t c_begin = cb.first_customer(b), c_end = cb.end_customer(b);
    const uint32_t begin = bucket_start[b], end = bucket_start[b + 1];
    for (uint32_t k = begin; k < end; ++k) ++off[items[k].customer - c0 + 1];
    uint32_t next = begin;
    for (size_t c = c_begin; c < c_end; ++c) {
      cursor[c - c_begin] = next;
      next += off[c - c0 + 1];
      off[c - c0 + 1] = next;
    }
    for (uint32_t k = begin; k < end; ++k) place(items[k], cursor[items[k].customer - c_begin]++);
    bucket_done(c_begin, c_end);
  }
}

// Step 2 for every bucket: `offsets` (size customers + 1, zeroed) indexed by customer id.
template <typename Items, typename Place, typename BucketDone>
void LayOutByCustomer(const CustomerBuckets& cb, const std::vector<uint32_t>& bucket_start, const Items& items,
                      std::vector<uint32_t>* offsets, Place place, BucketDone bucket_done) {
  LayOutBucketsByCustomer(cb, bucket_start, items, 0, cb.buckets(), offsets->data(), place, bucket_done);
}

}  // namespace rapport
