// Invariant checks that stay on in every build (Release included).
//
// A failed KS_CHECK is a bug in kafkasim, never an expected error: expected errors are values
// (Status, Kafka error codes). The failure handler prints the condition and location, and, when a
// simulation is running, the seed and command that reproduce it (ScopedCheckFailureContext), lets
// whoever registered a hook save what it must (a trace recorder commits the events that led to
// the failure), then aborts: "a broken invariant is a bug with a seed, not a log line". A driver
// running many seeds runs each in a child process and reads the abort from its exit status.
#pragma once

#include <functional>
#include <string>

namespace ks {

// Called by KS_CHECK on failure. Never returns.
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line,
                              const std::string& message);

// While one lives, a failed check on this thread also prints `context`, e.g.
// "seed=42; reproduce: kafkasim run x.yaml --seed 42". Nests (the innermost is printed); one per
// thread, so runs on several threads each name their own seed.
class ScopedCheckFailureContext {
 public:
  explicit ScopedCheckFailureContext(std::string context);
  ~ScopedCheckFailureContext();
  ScopedCheckFailureContext(const ScopedCheckFailureContext&) = delete;
  ScopedCheckFailureContext& operator=(const ScopedCheckFailureContext&) = delete;

 private:
  std::string previous_;
};

// While one lives, a failed check on this thread calls `hook` before aborting (innermost first).
// A hook that itself fails a check ends the process at once.
class ScopedCheckFailureHook {
 public:
  explicit ScopedCheckFailureHook(std::function<void()> hook);
  ~ScopedCheckFailureHook();
  ScopedCheckFailureHook(const ScopedCheckFailureHook&) = delete;
  ScopedCheckFailureHook& operator=(const ScopedCheckFailureHook&) = delete;
};

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
