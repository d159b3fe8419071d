// Rng: a seeded, documented pseudo-random generator, identical on every platform and standard
// library. The generator is xoshiro256** (Blackman & Vigna, 2018) seeded through splitmix64.
//
// Why not <random>: std::uniform_int_distribution and friends are implementation-defined and give
// different draws with libstdc++ and libc++; a seed must mean the same run everywhere. All
// derivations here (ranges, probabilities) are integer arithmetic written out in this file.
//
// Streams: every component draws from its own Rng, derived from the root seed and a stable name
// ("node/3/network", "world/faults"). Adding a component, or making one draw more, never changes
// the draws of another.
#pragma once

#include <cstdint>
#include <string_view>

namespace ks {

// splitmix64: one step. Used to expand seeds; also a decent 64-bit mixer.
uint64_t SplitMix64(uint64_t& state);

// FNV-1a over the bytes of `name`: a stable 64-bit name hash, used to derive streams.
uint64_t StableNameHash(std::string_view name);

class Rng {
 public:
  // Seeds the four xoshiro words from splitmix64(seed).
  explicit Rng(uint64_t seed);

  // The stream named `name` under the root `seed`: Rng(splitmix(seed ^ hash(name))).
  static Rng Stream(uint64_t root_seed, std::string_view name);

  // Next raw 64-bit output of xoshiro256**.
  uint64_t Next();

  // Uniform integer in [0, bound), bound > 0. Lemire's multiply-shift with rejection: unbiased.
  uint64_t Below(uint64_t bound);

  // Uniform integer in [lo, hi] (inclusive), lo <= hi.
  int64_t Between(int64_t lo, int64_t hi);

  // True with probability parts_per_million / 1e6 (0 = never, 1e6 = always).
  bool ChancePpm(uint32_t parts_per_million);

 private:
  uint64_t s_[4];
};

}  // namespace ks
