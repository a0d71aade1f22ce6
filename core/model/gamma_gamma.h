// Gamma-Gamma spend model: Colombo & Jiang (1999), "A stochastic RFM model", Journal of Interactive
// Marketing 13(3); in the form of Fader & Hardie, note 025 ("The Gamma-Gamma model of monetary value",
// 2013). MODELS.md §6.
//
// Story: a customer's transaction values are Gamma(p, rate ν); across customers ν ~ Gamma(q, rate v)
// (v is the paper's γ). Fit on customers with x >= 1 repeat purchases and z̄ > 0 only. The model assumes a
// customer's spend is independent of how often they buy: check the correlation of x and z̄ (near 0 is good).
#pragma once

#include <cstddef>
#include <vector>

namespace rapport::model {

struct GammaGammaParams {
  double p = 1.0;  // shape of a transaction value
  double q = 1.0;  // shape of the customers' rates ν
  double v = 1.0;  // rate of ν (the paper's γ)
};

// ℓ(p, q, v | x, z̄): the density of z̄, note 025 eq. 1a. REQUIRES: x >= 1, z̄ > 0.
double GammaGammaLogLikelihood(const GammaGammaParams& g, double x, double zbar);
// Σ weight·ℓ over rows with x >= 1 and z̄ > 0 (others are skipped).
double GammaGammaLogLikelihoodSum(const GammaGammaParams& g, const std::vector<double>& x,
                                  const std::vector<double>& zbar, const std::vector<double>* weight);
// The fit's form of the data: rows with x >= 1 and z̄ > 0, identical (x, z̄) rows merged with a weight and
// grouped by x, with each group's Σ weight·ln z̄ taken once. ℓ summed over it needs lnΓ(p x + q) − lnΓ(p x)
// once per distinct x and one log per distinct (x, z̄) (for (p x + q)·ln(v + x z̄)) instead of two lnΓ and
// four logs per customer.
struct GammaGammaData {
  std::vector<double> x, count, sum_ln_z, x_ln_x;  // per distinct x: x, Σ weight, Σ weight·ln z̄, x·ln x
  std::vector<size_t> begin;                       // group k's rows are [begin[k], begin[k + 1])
  std::vector<double> xz, weight;                  // per distinct (x, z̄): x·z̄ and how many customers
  double customers = 0.0;
};
GammaGammaData GroupGammaGamma(const std::vector<double>& x, const std::vector<double>& zbar);
// Σ ℓ over the grouped rows; equals GammaGammaLogLikelihoodSum on the same rows up to rounding.
double GammaGammaLogLikelihoodGrouped(const GammaGammaParams& g, const GammaGammaData& data);
// E[M | x, z̄] = (p v + p x z̄)/(p x + q − 1), note 025 eq. 5; x = 0 gives the population mean p v/(q − 1).
// NaN when q <= 1 (the mean does not exist).
double GammaGammaExpectedValue(const GammaGammaParams& g, double x, double zbar);

// Pearson and Spearman correlation of x and z̄ over x >= 1 (the independence check of MODELS §6).
struct SpendFrequencyCorrelation {
  double pearson = 0.0, spearman = 0.0;
  size_t customers = 0;
};
SpendFrequencyCorrelation CorrelateSpendAndFrequency(const std::vector<double>& x, const std::vector<double>& zbar);

}  // namespace rapport::model
