// The Pareto/NBD's 2F1(a, b; a+1; z) near z = 1 (special.h LogHyp2F1NearOne) against two references computed
// here independently of it: the series (special.h LogHyp2F1, MODELS §2) where it is still affordable, and, where
// it is not, the connection formula to 1 − z (Abramowitz & Stegun 15.3.6 with c = a+1; c−a−b = 1−b not an integer):
//   2F1(a, b; a+1; z) = Γ(a+1)Γ(1−b)/Γ(a+1−b) · z^{−a} + (1−z)^{1−b} · a/(b−1) · 2F1(1, a+1−b; 2−b; 1−z),
// the first term from 2F1(a, b; b; 1−z) = z^{−a}, Γ(a+1)/Γ(a) = a and Γ(b−1)/Γ(b) = 1/(b−1); the last series
// converges like (1−z)^n, in a few terms at the ρ = 1 − z used below.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "core/model/special.h"

using namespace rapport::model;
using Catch::Matchers::WithinAbs;

namespace {

double ByConnectionFormula(double a, double b, double rho) {
  const double z = 1.0 - rho;
  double sum = 1.0, term = 1.0;
  for (int n = 0; n < 1000; ++n) {
    term *= (a + 1.0 - b + n) * rho / (2.0 - b + n);
    sum += term;
    if (std::fabs(term) < 1e-18 * std::fabs(sum)) break;
  }
  const double first = std::tgamma(a + 1.0) * std::tgamma(1.0 - b) / std::tgamma(a + 1.0 - b) * std::pow(z, -a);
  const double second = std::pow(rho, 1.0 - b) * a / (b - 1.0) * sum;
  return std::log(first + second);
}

}  // namespace

TEST_CASE("2F1(a, b; a+1; z) near z = 1 by quadrature equals the series where the series is affordable",
          "[model][special]") {
  for (double a : {0.31, 1.7, 12.4, 230.5}) {
    for (double b : {0.43, 1.0, 1.61, 3.3, 11.9, 44.2}) {
      if (b > a + 1.0) continue;  // never in the Pareto/NBD (its b is s, s+1, r+x or r+x+1, its a r+s+x)
      for (double wanted : {0.02, 0.005, 0.001}) {
        const double z = 1.0 - wanted, rho = 1.0 - z;  // ρ exactly 1 − z
        const double series = LogHyp2F1(a, b, a + 1.0, z);
        INFO("a " << a << " b " << b << " rho " << rho);
        CHECK_THAT(LogHyp2F1NearOne(a, b, rho, nullptr), WithinAbs(series, 1e-12 * std::max(1.0, std::fabs(series))));
      }
    }
  }
}

TEST_CASE("2F1(a, b; a+1; z) near z = 1 by quadrature equals the connection formula far past the series' reach",
          "[model][special]") {
  for (double a : {0.31, 1.7, 12.4, 40.5}) {
    for (double b : {0.43, 0.97, 1.61, 3.3, 11.9}) {
      if (b > a + 1.0) continue;
      for (double rho : {1e-5, 1e-8, 1e-12, 1e-15}) {
        const double reference = ByConnectionFormula(a, b, rho);
        INFO("a " << a << " b " << b << " rho " << rho);
        CHECK_THAT(LogHyp2F1NearOne(a, b, rho, nullptr), WithinAbs(reference, 1e-11 * std::max(1.0, std::fabs(reference))));
      }
    }
  }
}

TEST_CASE("2F1(a, b; a+1; z) near z = 1: its derivatives equal finite differences", "[model][special]") {
  for (double a : {0.31, 12.4, 230.5}) {
    for (double b : {0.43, 1.61, 44.2}) {
      if (b > a + 1.0) continue;
      for (double rho : {0.01, 1e-6}) {
        double d[4];
        LogHyp2F1NearOne(a, b, rho, d);
        auto f = [](double a_, double b_, double rho_) { return LogHyp2F1NearOne(a_, b_, rho_, nullptr); };
        const double ha = 1e-6 * a, hb = 1e-6 * b, hr = 1e-4 * rho;  // ρ^{1−b} needs the wider step: rounding
        INFO("a " << a << " b " << b << " rho " << rho);
        CHECK(d[2] == 0.0);
        CHECK_THAT(d[0], WithinAbs((f(a + ha, b, rho) - f(a - ha, b, rho)) / (2 * ha), 1e-6 * (1 + std::fabs(d[0]))));
        CHECK_THAT(d[1], WithinAbs((f(a, b + hb, rho) - f(a, b - hb, rho)) / (2 * hb), 1e-6 * (1 + std::fabs(d[1]))));
        // z = 1 − ρ: ∂/∂z = −∂/∂ρ.
        CHECK_THAT(d[3], WithinAbs(-(f(a, b, rho + hr) - f(a, b, rho - hr)) / (2 * hr), 1e-6 * (1 + std::fabs(d[3]))));
      }
    }
  }
}

TEST_CASE("2F1(a, b; a+1; z) of many z: the leading z near 1 by quadrature, the rest by the batched series",
          "[model][special]") {
  const double a = 3.4, b = 1.3;
  std::vector<double> rho = {1e-7, 1e-4, 0.019, 0.021, 0.3, 0.9}, z(rho.size()), value(rho.size()), d(4 * rho.size());
  for (size_t j = 0; j < rho.size(); ++j) z[j] = 1.0 - rho[j];
  LogHyp2F1PnbdBatch(a, b, z.data(), rho.data(), rho.size(), value.data(), d.data());
  for (size_t j = 0; j < rho.size(); ++j) {
    double one[4];
    const double expected = LogHyp2F1Pnbd(a, b, z[j], rho[j], one);
    INFO("rho " << rho[j]);
    CHECK_THAT(value[j], WithinAbs(expected, 1e-13 * std::max(1.0, std::fabs(expected))));
    CHECK_THAT(d[4 * j] + d[4 * j + 2], WithinAbs(one[0] + one[2], 1e-10 * (1 + std::fabs(one[0] + one[2]))));
    CHECK_THAT(d[4 * j + 3], WithinAbs(one[3], 1e-10 * (1 + std::fabs(one[3]))));
  }
}
