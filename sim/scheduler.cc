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
    const uint32_t slot_index = SlotOf(heap_[i]);
    Slot& slot = slots_[slot_index];
    if (slot.live) {
      heap_[kept++] = heap_[i];
    } else {
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
    PopFront();
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
  PopFront();
  const uint32_t slot_index = SlotOf(entry);
  Slot* slot = &slots_[slot_index];
  slot->in_heap = false;
  now_ = entry.time;
  if (slot->owner != kNoOwner && gate_) {
    const EventId id = MakeId(slot_index, slot->generation);
    const GateDecision decision = gate_(slot->owner, slot->owner_epoch, id);
    slot = &slots_[slot_index];  // in case the gate scheduled something
    switch (decision.action) {
      case GateAction::kRun:
        break;
      case GateAction::kDrop:
        ReleaseSlot(slot_index);
        return true;
      case GateAction::kDefer:
        KS_CHECK(decision.defer_to > now_);
        slot->in_heap = true;
        Push(MakeEntry(decision.defer_to, NextOverdueSequence(), slot_index));
        return true;
      case GateAction::kPark:
        return true;  // live with no heap entry until Unpark or Cancel
    }
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
