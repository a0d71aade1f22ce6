// The 64-bit finaliser shared by the engine's hash tables (fmix64 of MurmurHash3): every input bit affects
// every output bit, so the low bits index a power-of-two table well.
#pragma once

#include <cstdint>

namespace rapport {

inline uint64_t Mix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace rapport
