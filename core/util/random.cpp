#include "core/util/random.h"

namespace rapport {

double Random::Normal() {
  for (;;) {
    const double u = 2.0 * Uniform() - 1.0, v = 2.0 * Uniform() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

double Random::Gamma(double shape, double rate) {
  if (shape < 1.0) {
    // Gamma(a) = Gamma(a + 1) * U^(1/a)
    const double g = Gamma(shape + 1.0, 1.0);
    return g * std::pow(UniformOpen(), 1.0 / shape) / rate;
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = Normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = UniformOpen();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v / rate;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v / rate;
  }
}

double Random::Beta(double a, double b) {
  const double x = Gamma(a, 1.0), y = Gamma(b, 1.0);
  return x / (x + y);
}

uint64_t Random::Poisson(double mean) {
  if (!(mean > 0.0)) return 0;
  if (mean < 30.0) {
    // inversion by sequential search
    const double l = std::exp(-mean);
    uint64_t k = 0;
    double p = l, cdf = l, u = Uniform();
    while (u > cdf && k < 1000) {
      ++k;
      p *= mean / static_cast<double>(k);
      cdf += p;
    }
    return k;
  }
  // PTRS: transformed rejection with squeeze (Hörmann 1993).
  const double slam = std::sqrt(mean), loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = Uniform() - 0.5, v = Uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<uint64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <= -mean + k * loglam - std::lgamma(k + 1.0)) {
      return static_cast<uint64_t>(k);
    }
  }
}

uint64_t Random::Geometric(double p) {
  if (p >= 1.0) return 1;
  if (p <= 0.0) return UINT64_MAX;
  const double g = std::ceil(std::log(UniformOpen()) / std::log1p(-p));
  return g < 1.0 ? 1 : (g > 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(g));
}

}  // namespace rapport
