// Gamma-Gamma (Colombo & Jiang 1999; note 025). See gamma_gamma.h and MODELS.md §6.
#include "core/model/gamma_gamma.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace rapport::model {

double GammaGammaLogLikelihood(const GammaGammaParams& g, double x, double zbar) {
  const double px = g.p * x;
  return std::lgamma(px + g.q) - std::lgamma(px) - std::lgamma(g.q) + g.q * std::log(g.v) +
         (px - 1.0) * std::log(zbar) + px * std::log(x) - (px + g.q) * std::log(g.v + x * zbar);
}

double GammaGammaLogLikelihoodSum(const GammaGammaParams& g, const std::vector<double>& x,
                                  const std::vector<double>& zbar, const std::vector<double>* weight) {
  double ll = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] < 1 || !(zbar[i] > 0)) continue;
    ll += (weight ? (*weight)[i] : 1.0) * GammaGammaLogLikelihood(g, x[i], zbar[i]);
  }
  return ll;
}

double GammaGammaExpectedValue(const GammaGammaParams& g, double x, double zbar) {
  if (!(g.q > 1.0) && x <= 0) return NAN;
  const double denominator = g.p * x + g.q - 1.0;
  if (!(denominator > 0.0)) return NAN;
  return (g.p * g.v + g.p * x * zbar) / denominator;
}

namespace {

std::vector<double> Ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> rank(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double mid = 0.5 * (i + j) + 1.0;  // average rank of ties
    for (size_t k = i; k <= j; ++k) rank[order[k]] = mid;
    i = j + 1;
  }
  return rank;
}

double Pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const size_t n = a.size();
  if (n < 2) return NAN;
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : NAN;
}

}  // namespace

SpendFrequencyCorrelation CorrelateSpendAndFrequency(const std::vector<double>& x, const std::vector<double>& zbar) {
  std::vector<double> xs, zs;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] >= 1 && zbar[i] > 0) {
      xs.push_back(x[i]);
      zs.push_back(zbar[i]);
    }
  }
  SpendFrequencyCorrelation c;
  c.customers = xs.size();
  c.pearson = Pearson(xs, zs);
  c.spearman = Pearson(Ranks(xs), Ranks(zs));
  return c;
}

}  // namespace rapport::model
