// Invariant checks that stay on in every build (Release included).
//
// A failed KS_CHECK is a bug in kafkasim, never an expected error: expected errors are values
// (Status, Kafka error codes). The failure handler prints the condition and location, and, when a
// simulation is running, the seed and command that reproduce it (see SetCheckFailureContext), then
// aborts. "A broken invariant is a bug with a seed, not a log line."
#pragma once

#include <string>

namespace ks {

// Called by KS_CHECK on failure. Never returns.
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line,
                              const std::string& message);

// Text printed after a failed check, e.g. "seed=42; reproduce: kafkasim run x.yaml --seed 42".
// The simulation runner sets it before a run starts.
void SetCheckFailureContext(std::string context);

}  // namespace ks

#define KS_CHECK(condition)                                             \
  do {                                                                  \
    if (!(condition)) [[unlikely]] {                                    \
      ::ks::CheckFailed(#condition, __FILE__, __LINE__, std::string()); \
    }                                                                   \
  } while (0)

#define KS_CHECK_MSG(condition, message)                            \
  do {                                                              \
    if (!(condition)) [[unlikely]] {                                \
      ::ks::CheckFailed(#condition, __FILE__, __LINE__, (message)); \
    }                                                               \
  } while (0)
