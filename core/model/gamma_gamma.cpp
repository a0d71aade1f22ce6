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

GammaGammaData GroupGammaGamma(const std::vector<double>& x, const std::vector<double>& zbar) {
  std::vector<std::pair<double, double>> rows;
  for (size_t i = 0; i < x.size() && i < zbar.size(); ++i) {
    if (x[i] >= 1 && zbar[i] > 0) rows.emplace_back(x[i], zbar[i]);
  }
  std::sort(rows.begin(), rows.end());
  GammaGammaData d;
  d.customers = static_cast<double>(rows.size());
  for (size_t i = 0; i < rows.size();) {
    const double x_i = rows[i].first;
    d.x.push_back(x_i);
    d.begin.push_back(d.xz.size());
    double count = 0.0, sum_ln_z = 0.0;
    while (i < rows.size() && rows[i].first == x_i) {
      size_t j = i;
      while (j < rows.size() && rows[j] == rows[i]) ++j;
      const double w = static_cast<double>(j - i);
      d.xz.push_back(x_i * rows[i].second);
      d.weight.push_back(w);
      count += w;
      sum_ln_z += w * std::log(rows[i].second);
      i = j;
    }
    d.count.push_back(count);
    d.sum_ln_z.push_back(sum_ln_z);
    d.x_ln_x.push_back(x_i * std::log(x_i));
  }
  d.begin.push_back(d.xz.size());
  return d;
}

double GammaGammaLogLikelihoodGrouped(const GammaGammaParams& g, const GammaGammaData& d) {
  // Per customer: lnΓ(px + q) − lnΓ(px) − lnΓ(q) + q ln v + (px − 1) ln z̄ + px ln x − (px + q) ln(v + x z̄), with
  // q ln v − (px + q) ln(v + x z̄) = −px ln v − (px + q) ln(1 + x z̄/v): the large q ln v terms cancel within
  // each row, not across a million of them.
  const double lgamma_q = std::lgamma(g.q), ln_v = std::log(g.v), inv_v = 1.0 / g.v;
  double ll = 0.0;
  for (size_t k = 0; k < d.x.size(); ++k) {
    const double px = g.p * d.x[k];
    double sum_ln = 0.0;
    for (size_t j = d.begin[k]; j < d.begin[k + 1]; ++j) sum_ln += d.weight[j] * std::log1p(d.xz[j] * inv_v);
    ll += d.count[k] * (std::lgamma(px + g.q) - std::lgamma(px) - lgamma_q + g.p * d.x_ln_x[k] - px * ln_v) +
          (px - 1.0) * d.sum_ln_z[k] - (px + g.q) * sum_ln;
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
