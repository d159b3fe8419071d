#include "sim/scheduler.h"

#include <algorithm>

#include "model/env/check.h"

namespace ks {

namespace {
constexpr size_t kArity = 4;
}  // namespace

Scheduler::Scheduler() {
  slots_.reserve(1024);
  heap_lines_.resize(256);
  heap_ = heap_lines_.front().entries + kHeapOffset;
  heap_capacity_ = heap_lines_.size() * 4 - kHeapOffset;
}

uint64_t Scheduler::NextFreshSequence() {
  KS_CHECK_MSG(next_fresh_sequence_ <= kMaxSequence, "scheduler sequence numbers exhausted");
  return kFreshBit >> kSlotBits | next_fresh_sequence_++;
}

uint64_t Scheduler::NextOverdueSequence() {
  KS_CHECK_MSG(next_overdue_sequence_ <= kMaxSequence, "scheduler sequence numbers exhausted");
  return next_overdue_sequence_++;
}

uint32_t Scheduler::AllocateSlot() {
  if (!free_slots_.empty()) {
    const uint32_t slot_index = free_slots_.back();
    free_slots_.pop_back();
    return slot_index;
  }
  KS_CHECK_MSG(slots_.size() < kMaxSlots, "too many pending events");
  slots_.emplace_back();
  return static_cast<uint32_t>(slots_.size() - 1);
}

EventId Scheduler::Schedule(TimeUs at, Callback callback, int32_t owner, uint32_t owner_epoch) {
  KS_CHECK_MSG(at >= now_, "an event cannot be scheduled in the past");
  const uint32_t slot_index = AllocateSlot();
  Slot& slot = slots_[slot_index];
  slot.callback = std::move(callback);
  slot.owner = owner;
  slot.owner_epoch = owner_epoch;
  slot.live = true;
  slot.in_heap = true;
  ++live_count_;
  Push(MakeEntry(at, NextFreshSequence(), slot_index));
  return MakeId(slot_index, slot.generation);
}

bool Scheduler::IsPending(EventId id) const {
  const uint32_t slot_index = static_cast<uint32_t>(id);
  const uint32_t generation = static_cast<uint32_t>(id >> 32);
  return slot_index < slots_.size() && slots_[slot_index].live &&
         slots_[slot_index].generation == generation;
}

bool Scheduler::Cancel(EventId id) {
  if (!IsPending(id)) return false;
  const uint32_t slot_index = static_cast<uint32_t>(id);
  // A queued or deferred event leaves a stale heap entry behind, which keeps the slot reserved
  // until it surfaces; a parked one has none and its slot is free at once.
  if (slots_[slot_index].in_heap) ++stale_in_heap_;
  ReleaseSlot(slot_index);
  CompactIfMostlyStale();
  return true;
}

bool Scheduler::Unpark(EventId id, TimeUs at) {
  if (!IsPending(id)) return false;
  const uint32_t slot_index = static_cast<uint32_t>(id);
  Slot& slot = slots_[slot_index];
  // Unparking a queued event would give it a second heap entry, and so run it early.
  if (slot.in_heap) return false;
  KS_CHECK(at >= now_);
  slot.in_heap = true;
  Push(MakeEntry(at, NextOverdueSequence(), slot_index));
  return true;
}

void Scheduler::ReleaseSlot(uint32_t slot_index) {
  Slot& slot = slots_[slot_index];
  slot.callback.Reset();
  slot.live = false;
  ++slot.generation;
  if (slot.generation == 0) slot.generation = 1;  // 0 would make id 0 possible
  --live_count_;
  if (!slot.in_heap) free_slots_.push_back(slot_index);
}

void Scheduler::GrowHeap() {
  heap_lines_.resize(heap_lines_.size() * 2);
  heap_ = heap_lines_.front().entries + kHeapOffset;
  heap_capacity_ = heap_lines_.size() * 4 - kHeapOffset;
}

void Scheduler::Push(Entry entry) {
  if (heap_size_ == heap_capacity_) GrowHeap();
  size_t index = heap_size_++;
  while (index > 0) {
    const size_t parent = (index - 1) / kArity;
    if (!Before(entry, heap_[parent])) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = entry;
}

void Scheduler::SiftDown(size_t index) {
  const size_t size = heap_size_;
  const Entry entry = heap_[index];
  while (true) {
    const size_t first_child = index * kArity + 1;
    if (first_child >= size) break;
    size_t best = first_child;
    if (first_child + kArity <= size) {
      // Four children in one cache line: pick the least without branches, as the outcome of each
      // comparison is a coin toss that a branch predictor would get wrong half the time.
      const Entry* c = heap_ + first_child;
      // The next level's line is one of the four children's: fetch them all while comparing, so
      // the misses of a deep heap overlap instead of following each other.
      const size_t grandchild = first_child * kArity + 1;
      if (grandchild < size) {
        for (size_t k = 0; k < kArity; ++k) __builtin_prefetch(heap_ + grandchild + k * kArity);
      }
      const size_t low = Before(c[1], c[0]) ? 1 : 0;
      const size_t high = Before(c[3], c[2]) ? 3 : 2;
      best = first_child + (Before(c[high], c[low]) ? high : low);
    } else {
      for (size_t child = first_child + 1; child < size; ++child) {
        if (Before(heap_[child], heap_[best])) best = child;
      }
    }
    if (!Before(heap_[best], entry)) break;
    heap_[index] = heap_[best];
    index = best;
  }
  heap_[index] = entry;
}

void Scheduler::PopFront() {
  --heap_size_;
  if (heap_size_ > 0) {
    heap_[0] = heap_[heap_size_];
    SiftDown(0);
  }
}

void Scheduler::CompactIfMostlyStale() {
  if (heap_size_ < 1024 || stale_in_heap_ * 2 < heap_size_) return;
  size_t kept = 0;
  for (size_t i = 0; i < heap_size_; ++i) {
    Entry entry = heap_[i];
    // A run's stale heads leave it; its first live member keeps the entry.
    while (!slots_[SlotOf(entry)].live && slots_[SlotOf(entry)].run != kNone &&
           runs_[slots_[SlotOf(entry)].run].size > 1) {
      const uint32_t stale = SlotOf(entry);
      PromoteRunSuccessor(&entry);
      slots_[stale].in_heap = false;
      free_slots_.push_back(stale);
    }
    const uint32_t slot_index = SlotOf(entry);
    Slot& slot = slots_[slot_index];
    if (slot.live) {
      heap_[kept++] = entry;
    } else {
      if (slot.run != kNone) EndRun(slot.run);
      slot.in_heap = false;
      free_slots_.push_back(slot_index);
    }
  }
  heap_size_ = kept;
  // Rebuild bottom-up. Keys are unique, so the result does not depend on the input order.
  for (size_t i = heap_size_; i-- > 0;) SiftDown(i);
  stale_in_heap_ = 0;
}

void Scheduler::DiscardStaleFront() {
  while (heap_size_ > 0) {
    const uint32_t slot_index = SlotOf(heap_[0]);
    Slot& slot = slots_[slot_index];
    if (slot.live) return;
    DetachFront();
    slot.in_heap = false;
    free_slots_.push_back(slot_index);
    if (stale_in_heap_ > 0) --stale_in_heap_;
  }
}

TimeUs Scheduler::NextTime() {
  DiscardStaleFront();
  return heap_size_ == 0 ? kTimeNever : heap_[0].time;
}

bool Scheduler::Step() {
  DiscardStaleFront();
  if (heap_size_ == 0) return false;
  const Entry entry = heap_[0];
  const uint32_t slot_index = SlotOf(entry);
  Slot* slot = &slots_[slot_index];
  now_ = entry.time;
  if (slot->owner != kNoOwner && gate_) {
    const EventId id = MakeId(slot_index, slot->generation);
    const GateDecision decision = gate_(slot->owner, slot->owner_epoch, id);
    // Whatever the gate scheduled sorts after this entry (later time or sequence number).
    KS_CHECK(heap_size_ > 0 && heap_[0].time == entry.time && heap_[0].key == entry.key);
    slot = &slots_[slot_index];
    if (decision.action == GateAction::kDefer) {
      KS_CHECK(decision.defer_to > now_);
      if (slot->run != kNone) {
        DeferFrontRun(decision.defer_to);  // the members would all be deferred, one by one
      } else {
        PopFront();
        DeferSingle(slot_index, decision.defer_to);
      }
      return true;
    }
    DetachFront();
    slot = &slots_[slot_index];
    slot->in_heap = false;
    switch (decision.action) {
      case GateAction::kRun:
      case GateAction::kDefer:
        break;
      case GateAction::kDrop:
        ReleaseSlot(slot_index);
        return true;
      case GateAction::kPark:
        return true;  // live with no heap entry until Unpark or Cancel
    }
  } else {
    DetachFront();
    slot->in_heap = false;
  }
  // Move the callback out before running it: it may schedule events, which can grow (and so
  // move) the slot vector, and its slot must be free for reuse once it has run.
  Callback callback = std::move(slot->callback);
  ReleaseSlot(slot_index);
  ++executed_count_;
  // The next event's slot is a likely cache miss in a large queue: start fetching it now, while
  // this callback runs.
  if (heap_size_ > 0) __builtin_prefetch(&slots_[SlotOf(heap_[0])]);
  callback();
  return true;
}

// --- Deferred runs ---------------------------------------------------------------------------

uint32_t Scheduler::NewRun() {
  if (!free_runs_.empty()) {
    const uint32_t run_index = free_runs_.back();
    free_runs_.pop_back();
    return run_index;
  }
  runs_.emplace_back();
  return static_cast<uint32_t>(runs_.size() - 1);
}

void Scheduler::EndRun(uint32_t run_index) {
  Run& run = runs_[run_index];
  slots_[run.head].run = kNone;
  run.head = run.tail = kNone;
  run.size = 0;
  ++run.generation;  // an owner's reference to it expires
  free_runs_.push_back(run_index);
}

void Scheduler::PromoteRunSuccessor(Entry* entry) {
  Slot& head = slots_[SlotOf(*entry)];
  Run& run = runs_[head.run];
  const uint32_t next = head.run_next;
  run.head = next;
  --run.size;
  --run_followers_;
  slots_[next].run = head.run;
  head.run = kNone;
  head.run_next = kNone;
  *entry = MakeEntry(entry->time, (entry->key >> kSlotBits) + 1, next);
}

void Scheduler::DetachFront() {
  const uint32_t run_index = slots_[SlotOf(heap_[0])].run;
  if (run_index != kNone && runs_[run_index].size > 1) {
    // The successor's key is the next one at the same instant: nothing sorts between, so the
    // entry stays the least (the sift-down only confirms it).
    PromoteRunSuccessor(&heap_[0]);
    SiftDown(0);
    return;
  }
  if (run_index != kNone) EndRun(run_index);
  PopFront();
}

uint32_t Scheduler::JoinableRun(int32_t owner, uint32_t owner_epoch, TimeUs at,
                                uint64_t sequence) const {
  if (static_cast<size_t>(owner) >= last_run_of_owner_.size()) return kNone;
  const RunRef ref = last_run_of_owner_[static_cast<size_t>(owner)];
  if (ref.run == kNone) return kNone;
  const Run& run = runs_[ref.run];
  if (run.generation != ref.generation || run.owner_epoch != owner_epoch || run.time != at ||
      run.last_sequence + 1 != sequence) {
    return kNone;
  }
  return ref.run;
}

void Scheduler::DeferFrontRun(TimeUs at) {
  const uint32_t run_index = slots_[SlotOf(heap_[0])].run;
  PopFront();
  Run& run = runs_[run_index];
  // The members' new numbers, as deferring them one by one would have drawn them.
  KS_CHECK_MSG(next_overdue_sequence_ + run.size - 1 <= kMaxSequence,
               "scheduler sequence numbers exhausted");
  const uint64_t first = next_overdue_sequence_;
  next_overdue_sequence_ += run.size;
  const uint32_t joined = JoinableRun(run.owner, run.owner_epoch, at, first);
  if (joined != kNone) {
    Run& into = runs_[joined];
    slots_[into.tail].run_next = run.head;
    into.tail = run.tail;
    into.size += run.size;
    into.last_sequence = first + run.size - 1;
    ++run_followers_;  // the moved run's head is a follower now
    EndRun(run_index);
    return;
  }
  run.time = at;
  run.last_sequence = first + run.size - 1;
  last_run_of_owner_[static_cast<size_t>(run.owner)] = RunRef{run_index, run.generation};
  Push(MakeEntry(at, first, run.head));
}

void Scheduler::DeferSingle(uint32_t slot_index, TimeUs at) {
  Slot& slot = slots_[slot_index];
  const uint64_t sequence = NextOverdueSequence();
  slot.in_heap = true;
  const uint32_t joined = JoinableRun(slot.owner, slot.owner_epoch, at, sequence);
  if (joined != kNone) {
    Run& into = runs_[joined];
    slots_[into.tail].run_next = slot_index;
    into.tail = slot_index;
    ++into.size;
    into.last_sequence = sequence;
    ++run_followers_;
    return;
  }
  const uint32_t run_index = NewRun();
  Run& run = runs_[run_index];
  run.head = run.tail = slot_index;
  run.size = 1;
  run.owner = slot.owner;
  run.owner_epoch = slot.owner_epoch;
  run.time = at;
  run.last_sequence = sequence;
  slots_[slot_index].run = run_index;
  const auto owner = static_cast<size_t>(slot.owner);
  if (owner >= last_run_of_owner_.size()) last_run_of_owner_.resize(owner + 1);
  last_run_of_owner_[owner] = RunRef{run_index, run.generation};
  Push(MakeEntry(at, sequence, slot_index));
}

// Both RunUntil variants look at the next *live* event: a cancelled entry at the front must not
// let Step run a live event that lies beyond the limit.
void Scheduler::RunUntil(TimeUs until) {
  while (true) {
    DiscardStaleFront();
    if (heap_size_ == 0 || heap_[0].time > until) break;
    Step();
  }
  if (until > now_ && until != kTimeNever) now_ = until;
}

bool Scheduler::RunUntil(const std::function<bool()>& predicate, TimeUs deadline) {
  while (true) {
    if (predicate()) return true;
    DiscardStaleFront();
    if (heap_size_ == 0 || heap_[0].time > deadline) {
      if (deadline != kTimeNever && deadline > now_) now_ = deadline;
      return predicate();
    }
    Step();
  }
}

}  // namespace ks
