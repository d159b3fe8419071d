// FakeEnv: an Env for unit tests of model code, without a World. It owns a SimDisk, a clock the
// test advances by hand (AdvanceMs fires due timers in time order, ties in the order set), a
// seeded Rng per component, and records every trace event in `events` for assertions.
// Send and ResetConnection are not supported (model units under test here do not use the
// network): calling them fails a KS_CHECK. No GoogleTest dependency, so benchmarks use it too.
//
// Crash() applies SimDisk::Crash and forgets pending timers, as a node crash does; the test then
// drops its model objects and reopens them on the same FakeEnv.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/check.h"
#include "model/env/env.h"
#include "model/env/trace.h"
#include "sim/sim_disk.h"

namespace ks::testing {

class FakeEnv final : public Env {
 public:
  static constexpr int64_t kDefaultStartWallClockMs = 1'700'000'000'000;  // Nov 2023

  explicit FakeEnv(DiskOptions disk_options = {}, uint64_t seed = 1)
      : disk_(disk_options), seed_(seed), crash_rng_(Rng::Stream(seed, "fake_env/crash")) {}

  NodeId Self() const override { return 0; }
  TimeUs Now() const override { return now_us_; }
  int64_t WallClockMs() const override { return start_wall_clock_ms_ + now_us_ / kMillisecond; }

  TimerId SetTimer(DurationUs delay, Callback callback) override {
    const TimerId id = next_timer_id_++;
    timers_.emplace(Key{now_us_ + std::max<DurationUs>(delay, 0), id}, std::move(callback));
    return id;
  }
  bool CancelTimer(TimerId timer) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.id == timer) {
        timers_.erase(it);
        return true;
      }
    }
    return false;
  }
  Rng& Random(std::string_view component) override {
    auto it = streams_.find(component);
    if (it == streams_.end()) {
      it = streams_.emplace(std::string(component), Rng::Stream(seed_, component)).first;
    }
    return it->second;
  }
  void Send(NodeId, MessagePtr) override { KS_CHECK_MSG(false, "FakeEnv::Send is not supported"); }
  void ResetConnection(NodeId) override {
    KS_CHECK_MSG(false, "FakeEnv::ResetConnection is not supported");
  }
  Disk& LocalDisk() override { return disk_; }
  bool Observes(const EventKind&) const override { return tracing; }
  void TraceEncoded(const EventKind& kind, std::string_view data) override {
    TraceEvent event;
    event.seq = static_cast<int64_t>(events.size());
    event.time_us = now_us_;
    event.node = 0;
    event.kind = std::string(kind.name);
    event.kind_info = &kind;
    event.data = std::string(data);
    events.push_back(std::move(event));
  }

  // The test's side.
  SimDisk& disk() { return disk_; }
  // Moves the clock forward, running each timer that falls due at its own instant.
  void AdvanceMs(int64_t ms) { AdvanceUs(MillisecondsToUs(ms)); }
  void AdvanceUs(DurationUs delta) {
    const TimeUs target = now_us_ + delta;
    while (!timers_.empty() && timers_.begin()->first.due <= target) {
      auto node = timers_.extract(timers_.begin());
      now_us_ = node.key().due;
      node.mapped()();
    }
    now_us_ = target;
  }
  void SetStartWallClockMs(int64_t ms) { start_wall_clock_ms_ = ms; }
  size_t pending_timers() const { return timers_.size(); }
  // A node crash: unsynced bytes are lost (or torn per the disk options); timers die.
  std::vector<CrashLoss> Crash() {
    timers_.clear();
    return disk_.Crash(crash_rng_);
  }

  std::vector<const TraceEvent*> EventsOfKind(std::string_view kind) const {
    std::vector<const TraceEvent*> out;
    for (const TraceEvent& event : events) {
      if (event.kind == kind) out.push_back(&event);
    }
    return out;
  }

  std::vector<TraceEvent> events;
  bool tracing = true;

 private:
  struct Key {
    TimeUs due;
    TimerId id;
    bool operator<(const Key& other) const {
      return due != other.due ? due < other.due : id < other.id;
    }
  };

  SimDisk disk_;
  uint64_t seed_;
  Rng crash_rng_;
  TimeUs now_us_ = 0;
  int64_t start_wall_clock_ms_ = kDefaultStartWallClockMs;
  TimerId next_timer_id_ = 1;
  std::map<Key, Callback> timers_;
  std::map<std::string, Rng, std::less<>> streams_;
};

}  // namespace ks::testing
