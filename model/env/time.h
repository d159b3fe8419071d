// Simulated time. The model never sees the wall clock: every instant it knows of is an integer
// count of microseconds since the start of the run, handed to it by its Env.
//
// Why integers: floating-point time accumulates rounding that differs with the order of additions,
// and equal instants must compare equal for ties to be broken by insertion order alone.
#pragma once

#include <cstdint>

namespace ks {

// An instant on the simulated clock, in microseconds since the run started.
using TimeUs = int64_t;
// A span of simulated time, in microseconds.
using DurationUs = int64_t;

constexpr TimeUs kTimeNever = INT64_MAX;

constexpr DurationUs kMicrosecond = 1;
constexpr DurationUs kMillisecond = 1000;
constexpr DurationUs kSecond = 1000 * kMillisecond;

constexpr DurationUs MillisecondsToUs(int64_t ms) { return ms * kMillisecond; }

}  // namespace ks
