// WakeupTimer: one pending wake-up of a component, at the earliest time anyone asked for.
//
// Clients (the producer's sender, the consumer's fetcher) have many reasons to run again — a
// linger expiring, a retry backoff, new metadata — and each should run them once, at the earliest
// of those times. At(t) keeps the earlier of t and the pending wake-up; when it fires, the
// wake-up is cleared before the callback runs, so the callback may ask for the next one.
#pragma once

#include <algorithm>
#include <functional>

#include "model/env/env.h"

namespace ks {

class WakeupTimer {
 public:
  WakeupTimer(Env& env, std::function<void()> wake) : env_(env), wake_(std::move(wake)) {}
  ~WakeupTimer() { Cancel(); }
  WakeupTimer(const WakeupTimer&) = delete;
  WakeupTimer& operator=(const WakeupTimer&) = delete;

  // Wakes at `at` (not before now), unless a wake-up at or before it is pending.
  void At(TimeUs at) {
    const TimeUs now = env_.Now();
    at = std::max(at, now);
    if (timer_ != kNoTimer) {
      if (at_ <= at) return;
      env_.CancelTimer(timer_);
    }
    at_ = at;
    timer_ = env_.SetTimer(at - now, [this] {
      timer_ = kNoTimer;
      at_ = kTimeNever;
      wake_();
    });
  }

  void Cancel() {
    if (timer_ != kNoTimer) env_.CancelTimer(timer_);
    timer_ = kNoTimer;
    at_ = kTimeNever;
  }

 private:
  Env& env_;
  std::function<void()> wake_;
  TimerId timer_ = kNoTimer;
  TimeUs at_ = kTimeNever;
};

}  // namespace ks
