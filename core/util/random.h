// Rapport's own seeded PRNG and the few distributions it needs (STYLE §7): the C++ standard fixes its
// engines but not its distributions, so std::normal_distribution may differ between libstdc++ (native)
// and libc++ (Emscripten). Everything here is plain arithmetic, identical in both builds.
//
// Engine: xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64.
#pragma once

#include <cmath>
#include <cstdint>

namespace rapport {

class Random {
 public:
  explicit Random(uint64_t seed) {
    uint64_t z = seed;
    for (auto& s : s_) s = SplitMix64(&z);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1): never 0, for logs.
  double UniformOpen() { return (static_cast<double>(Next() >> 11) + 0.5) * 0x1.0p-53; }
  // Uniform integer in [0, n). REQUIRES: n > 0. (Lemire's multiply-shift; bias < n / 2^64.)
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
  double Normal();                          // standard normal (polar Box-Muller, no cached spare)
  double Exponential(double rate) { return -std::log(UniformOpen()) / rate; }
  double Gamma(double shape, double rate);  // Marsaglia & Tsang (2000); shape < 1 via the u^(1/shape) boost
  double Beta(double a, double b);          // ratio of gammas
  uint64_t Poisson(double mean);            // inversion below 30, PTRS (Hörmann 1993) above
  uint64_t Geometric(double p);             // trials to the first success, on {1, 2, ...}

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix64(uint64_t* state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t s_[4];
};

}  // namespace rapport
