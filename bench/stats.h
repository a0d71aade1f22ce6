// Median(v): the middle of a benchmark's runs (the mean of the middle two for an even count, 0 for none), the one
// summary every benchmark here prints, beside its least run where that says more on a shared machine.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace rapport::bench {

template <typename T>
double Median(std::vector<T> v) {
  if (v.empty()) return 0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  const double upper = static_cast<double>(v[mid]);
  if (v.size() % 2 == 1) return upper;
  return 0.5 * (static_cast<double>(*std::max_element(v.begin(), v.begin() + mid)) + upper);
}

}  // namespace rapport::bench
