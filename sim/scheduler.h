// Scheduler: the simulated clock and its event queue.
//
// Events are ordered by (time, insertion sequence): two events at the same instant run in the
// order they were scheduled, so a run is a pure function of its inputs. Time is an integer
// (microseconds) and only moves forward, to the time of the event being run.
//
// Layout (why it is fast): the queue is a 4-ary min-heap of 24-byte POD entries {time, seq,
// slot, generation}; callbacks live apart in a slab of slots reused through a free list, so
// sifting moves small keys, never closures. Cancelling bumps the slot's generation; the stale
// heap entry is skipped when it surfaces (and the heap is compacted when stale entries dominate).
//
// Owners and gates: an event may belong to an owner (a node id) with an owner epoch (its
// incarnation). Before running an owned event the scheduler asks the gate, which may run it, drop
// it (the incarnation died), defer it to a later time (the node is busy) or park it (the node is
// paused) until Unpark. Deferred and parked events keep their EventId, so a timer id stays valid.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "model/env/callback.h"
#include "model/env/time.h"

namespace ks {

using EventId = uint64_t;  // (generation << 32) | slot; 0 is never a valid id
constexpr EventId kNoEvent = 0;

class Scheduler {
 public:
  enum class GateAction { kRun, kDrop, kDefer, kPark };
  struct GateDecision {
    GateAction action = GateAction::kRun;
    TimeUs defer_to = 0;  // for kDefer
  };
  // Decides the fate of an owned event about to run. Receives the event's id, so a parking gate
  // can remember it for Unpark.
  using Gate = std::function<GateDecision(int32_t owner, uint32_t owner_epoch, EventId id)>;

  static constexpr int32_t kNoOwner = -1;

  Scheduler();

  TimeUs Now() const { return now_; }

  // Schedules `callback` at absolute time `at` (>= Now()).
  EventId Schedule(TimeUs at, Callback callback, int32_t owner = kNoOwner,
                   uint32_t owner_epoch = 0);
  // Cancels a pending, deferred or parked event. False if it ran, was cancelled or is unknown.
  bool Cancel(EventId id);
  // Puts a parked event back in the queue at `at`. False if it was cancelled meanwhile.
  bool Unpark(EventId id, TimeUs at);
  bool IsPending(EventId id) const;

  void SetGate(Gate gate) { gate_ = std::move(gate); }

  // Runs the next event (which may be skipped by its gate). False if nothing is queued.
  bool Step();
  // Runs every event with time <= `until`, then sets Now() to `until` (if it is later).
  void RunUntil(TimeUs until);
  // Runs events until `predicate()` holds (checked before each event and after the last) or the
  // next event lies beyond `deadline`. Returns whether the predicate held.
  bool RunUntil(const std::function<bool()>& predicate, TimeUs deadline);

  // Events in the queue, parked ones excluded (cancelled-but-not-yet-popped ones included).
  size_t QueuedCount() const { return heap_.size(); }
  // Events that are live: queued or parked, not cancelled.
  size_t LiveCount() const { return live_count_; }
  // Time of the earliest queued entry, kTimeNever if empty (may be a cancelled entry's).
  TimeUs NextTime() const { return heap_.empty() ? kTimeNever : heap_.front().time; }
  uint64_t ExecutedCount() const { return executed_count_; }

 private:
  struct Entry {
    TimeUs time;
    uint64_t seq;
    uint32_t slot;
    uint32_t generation;
  };
  struct Slot {
    Callback callback;
    uint32_t generation = 1;
    int32_t owner = kNoOwner;
    uint32_t owner_epoch = 0;
    bool live = false;
  };

  static bool Before(const Entry& a, const Entry& b) {
    return a.time != b.time ? a.time < b.time : a.seq < b.seq;
  }
  void Push(Entry entry);
  Entry PopFront();
  void SiftDown(size_t index);
  void ReleaseSlot(uint32_t slot);
  void CompactIfMostlyStale();
  static EventId MakeId(uint32_t slot, uint32_t generation) {
    return (static_cast<uint64_t>(generation) << 32) | slot;
  }

  TimeUs now_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t executed_count_ = 0;
  size_t live_count_ = 0;
  size_t stale_in_heap_ = 0;
  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  Gate gate_;
};

}  // namespace ks
