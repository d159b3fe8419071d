// Scheduler: the simulated clock and its event queue.
//
// Events are ordered by (time, insertion sequence): two events at the same instant run in the
// order they were scheduled, so a run is a pure function of its inputs. Time is an integer
// (microseconds) and only moves forward, to the time of the event being run.
//
// Layout (why it is fast): the queue is a 4-ary min-heap of 16-byte POD entries {time, key},
// where key packs the sequence number above the slot index; callbacks live apart in a slab of
// slots reused through a free list, so sifting moves small keys, never closures, and the four
// children of a heap node share one 64-byte cache line. Cancelling releases the callback and
// invalidates the id at once, but the slot stays reserved until its stale heap entry surfaces
// and is skipped (the heap is compacted when stale entries dominate).
//
// Owners and gates: an event may belong to an owner (a node id) with an owner epoch (its
// incarnation). Before running an owned event the scheduler asks the gate, which may run it, drop
// it (the incarnation died), defer it to a later time (the node is busy) or park it (the node is
// paused) until Unpark. Deferred and parked events keep their EventId, so a timer id stays valid.
//
// Deferred runs (why a busy node's backlog is cheap): a node that is busy with K events waiting
// would have each of them popped, deferred and pushed again every time it becomes free for one
// of them — K^2 heap operations to drain the backlog (a ZooKeeper server creating a topic's N
// partition states one disk write at a time). Instead, events of one owner and incarnation
// deferred to the same instant with consecutive sequence numbers form a run that holds one heap
// entry, its head's; the others' sequence numbers are the head's plus their place in the run.
// When the head is deferred again, every member would be popped right after it (nothing can sort
// between consecutive numbers at one instant), get the same gate decision (nothing runs in
// between) and the next sequence numbers: so the whole run moves at once, with the same numbers
// it would have had one by one. When the head runs, drops or parks, the next member becomes the
// head. The order of events is exactly that of deferring them one by one.
//
// Overdue events first: a deferred or unparked event was due before the instant it now runs at,
// so it runs before every event newly due at that instant, and overdue events run among
// themselves in the order they were deferred or unparked (which is the order they fell due).
// Giving them a fresh sequence number instead would let a message that arrived later on the same
// connection, due exactly at the end of a disk call or at a resume, overtake an earlier one.
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
  // Puts a parked event back in the queue at `at`, ahead of the events newly due at `at`. False if
  // it is not parked (it was cancelled meanwhile, or was never parked).
  bool Unpark(EventId id, TimeUs at);
  bool IsPending(EventId id) const;

  void SetGate(Gate gate) { gate_ = std::move(gate); }

  // Runs the next event (which may be dropped, deferred or parked by its gate). False if nothing
  // live is queued.
  bool Step();
  // Runs every event with time <= `until`, then sets Now() to `until` (if it is later).
  void RunUntil(TimeUs until);
  // Runs events until `predicate()` holds (checked before each event and after the last) or the
  // next event lies beyond `deadline`. Returns whether the predicate held.
  bool RunUntil(const std::function<bool()>& predicate, TimeUs deadline);

  // Events in the queue, parked ones excluded (cancelled-but-not-yet-popped ones included).
  size_t QueuedCount() const { return heap_size_ + run_followers_; }
  // Events that are live: queued or parked, not cancelled.
  size_t LiveCount() const { return live_count_; }
  // Time of the earliest live queued event, kTimeNever if none.
  TimeUs NextTime();
  uint64_t ExecutedCount() const { return executed_count_; }

 private:
  // One heap entry: ordered by time, then key. key = sequence << kSlotBits | slot; sequence
  // numbers are unique, so the slot bits never decide the order.
  struct alignas(16) Entry {
    TimeUs time;
    uint64_t key;
  };
  static constexpr int kSlotBits = 24;
  static constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;
  static constexpr uint32_t kMaxSlots = uint32_t{1} << kSlotBits;  // live + parked events
  // Sequence numbers of fresh events have the top bit set, those of overdue (deferred, unparked)
  // events do not, so at equal times overdue events sort first (see the header comment). 39 bits
  // remain for the count: 5e11 events of each kind per run, checked.
  static constexpr uint64_t kFreshBit = uint64_t{1} << 63;
  static constexpr uint64_t kMaxSequence = (uint64_t{1} << (63 - kSlotBits)) - 1;

  static constexpr uint32_t kNone = ~uint32_t{0};
  struct Slot {
    Callback callback;
    uint32_t generation = 1;
    int32_t owner = kNoOwner;
    uint32_t owner_epoch = 0;
    uint32_t run = kNone;       // the run this slot heads (its heap entry is the run's)
    uint32_t run_next = kNone;  // the member after this one in its run
    bool live = false;          // the id is valid: queued, deferred or parked, not cancelled
    bool in_heap = false;  // queued: a heap entry or a run refers to this slot (live, or stale)
  };
  // A run of deferred events (see "Deferred runs" above): members chained from head to tail
  // through Slot::run_next, with the sequence numbers last_sequence - size + 1 .. last_sequence
  // at `time`. Members may be stale (cancelled); they are skipped when they become the head.
  struct Run {
    uint32_t head = kNone;
    uint32_t tail = kNone;
    uint32_t size = 0;
    uint32_t generation = 0;  // changes when the run ends, so an owner's reference expires
    int32_t owner = kNoOwner;
    uint32_t owner_epoch = 0;
    TimeUs time = 0;
    uint64_t last_sequence = 0;
  };
  // The run an owner's events were last deferred into, where the next may join.
  struct RunRef {
    uint32_t run = kNone;
    uint32_t generation = 0;
  };

  // (time, key) as one 128-bit number: compiles to compare + subtract-with-borrow, no branch.
  // Times are never negative (events are scheduled at or after Now(), which starts at 0), so
  // their unsigned value orders them.
  static unsigned __int128 SortKey(const Entry& e) {
    return (static_cast<unsigned __int128>(static_cast<uint64_t>(e.time)) << 64) | e.key;
  }
  static bool Before(const Entry& a, const Entry& b) { return SortKey(a) < SortKey(b); }
  static uint32_t SlotOf(const Entry& entry) {
    return static_cast<uint32_t>(entry.key & kSlotMask);
  }
  Entry MakeEntry(TimeUs at, uint64_t sequence, uint32_t slot) {
    return Entry{at, (sequence << kSlotBits) | slot};
  }
  uint64_t NextFreshSequence();
  uint64_t NextOverdueSequence();
  void Push(Entry entry);
  void PopFront();
  void SiftDown(size_t index);
  uint32_t AllocateSlot();
  // Ends the slot's event (its id becomes invalid); the slot returns to the free list unless a
  // heap entry still refers to it.
  void ReleaseSlot(uint32_t slot);
  void CompactIfMostlyStale();
  // Removes the front entry's event from the queue: pops the entry, or, if the event heads a run
  // of more than one, makes the next member the head in place (its key is the successor).
  void DetachFront();
  // Replaces `entry` (heading a run of more than one) by its next member's; the old head leaves.
  void PromoteRunSuccessor(Entry* entry);
  // Defers the run heading the front entry to `at`: new consecutive sequence numbers for all its
  // members, joined to the owner's last run if that one ends just before them.
  void DeferFrontRun(TimeUs at);
  // Defers a single event (no longer in the heap) to `at`, as a run of one.
  void DeferSingle(uint32_t slot_index, TimeUs at);
  uint32_t NewRun();
  void EndRun(uint32_t run_index);
  // Where the owner's next deferred event (sequence `sequence`, due `at`) may join, or kNone.
  uint32_t JoinableRun(int32_t owner, uint32_t owner_epoch, TimeUs at, uint64_t sequence) const;
  // Pops cancelled entries off the front, so front() (if any) is a live event.
  void DiscardStaleFront();
  static EventId MakeId(uint32_t slot, uint32_t generation) {
    return (static_cast<uint64_t>(generation) << 32) | slot;
  }

  TimeUs now_ = 0;
  uint64_t next_fresh_sequence_ = 0;
  uint64_t next_overdue_sequence_ = 0;
  uint64_t executed_count_ = 0;
  size_t live_count_ = 0;
  size_t stale_in_heap_ = 0;
  // The heap lives in 64-byte lines, its root at entry 3 of the first line, so that the children
  // of node i (4i+1 .. 4i+4) sit at physical entries 4i+4 .. 4i+7: one cache line.
  struct alignas(64) CacheLine {
    Entry entries[4];
  };
  static constexpr size_t kHeapOffset = 3;
  void GrowHeap();
  std::vector<CacheLine> heap_lines_;
  Entry* heap_ = nullptr;  // the root; heap_[i] is node i
  size_t heap_size_ = 0;
  size_t heap_capacity_ = 0;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::vector<Run> runs_;
  std::vector<uint32_t> free_runs_;
  std::vector<RunRef> last_run_of_owner_;  // by owner
  size_t run_followers_ = 0;               // members of runs other than their heads
  Gate gate_;
};

}  // namespace ks
