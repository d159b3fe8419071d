#include "sim/scheduler.h"

#include <algorithm>

#include "model/env/check.h"

namespace ks {

namespace {
constexpr size_t kArity = 4;
}  // namespace

Scheduler::Scheduler() {
  heap_.reserve(1024);
  slots_.reserve(1024);
}

EventId Scheduler::Schedule(TimeUs at, Callback callback, int32_t owner, uint32_t owner_epoch) {
  KS_CHECK_MSG(at >= now_, "an event cannot be scheduled in the past");
  uint32_t slot_index;
  if (!free_slots_.empty()) {
    slot_index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot_index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[slot_index];
  slot.callback = std::move(callback);
  slot.owner = owner;
  slot.owner_epoch = owner_epoch;
  slot.live = true;
  ++live_count_;
  Push(Entry{at, next_seq_++, slot_index, slot.generation});
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
  // The heap may still hold an entry for this slot (queued or deferred); it becomes stale when
  // the generation moves on. A parked event has no heap entry: counting it stale would be wrong,
  // but stale_in_heap_ only steers compaction, so an overestimate costs at most an early compact.
  ++stale_in_heap_;
  ReleaseSlot(slot_index);
  CompactIfMostlyStale();
  return true;
}

bool Scheduler::Unpark(EventId id, TimeUs at) {
  if (!IsPending(id)) return false;
  KS_CHECK(at >= now_);
  const uint32_t slot_index = static_cast<uint32_t>(id);
  Push(Entry{at, next_seq_++, slot_index, slots_[slot_index].generation});
  return true;
}

void Scheduler::ReleaseSlot(uint32_t slot_index) {
  Slot& slot = slots_[slot_index];
  slot.callback.Reset();
  slot.live = false;
  ++slot.generation;
  if (slot.generation == 0) slot.generation = 1;  // 0 would make id 0 possible
  --live_count_;
  free_slots_.push_back(slot_index);
}

void Scheduler::Push(Entry entry) {
  heap_.push_back(entry);
  size_t index = heap_.size() - 1;
  while (index > 0) {
    const size_t parent = (index - 1) / kArity;
    if (!Before(entry, heap_[parent])) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = entry;
}

void Scheduler::SiftDown(size_t index) {
  const size_t size = heap_.size();
  const Entry entry = heap_[index];
  while (true) {
    const size_t first_child = index * kArity + 1;
    if (first_child >= size) break;
    size_t best = first_child;
    const size_t last_child = std::min(first_child + kArity, size);
    for (size_t child = first_child + 1; child < last_child; ++child) {
      if (Before(heap_[child], heap_[best])) best = child;
    }
    if (!Before(heap_[best], entry)) break;
    heap_[index] = heap_[best];
    index = best;
  }
  heap_[index] = entry;
}

Scheduler::Entry Scheduler::PopFront() {
  const Entry front = heap_.front();
  const Entry last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) {
    heap_[0] = last;
    SiftDown(0);
  }
  return front;
}

void Scheduler::CompactIfMostlyStale() {
  if (heap_.size() < 1024 || stale_in_heap_ * 2 < heap_.size()) return;
  std::erase_if(heap_, [this](const Entry& e) {
    const Slot& slot = slots_[e.slot];
    return !slot.live || slot.generation != e.generation;
  });
  // Rebuild bottom-up. Order among equal keys is decided by seq alone, so it is deterministic.
  for (size_t i = heap_.size(); i-- > 0;) SiftDown(i);
  stale_in_heap_ = 0;
}

bool Scheduler::Step() {
  while (!heap_.empty()) {
    const Entry entry = PopFront();
    Slot* slot = &slots_[entry.slot];
    if (!slot->live || slot->generation != entry.generation) {
      if (stale_in_heap_ > 0) --stale_in_heap_;
      continue;
    }
    now_ = entry.time;
    if (slot->owner != kNoOwner && gate_) {
      const EventId id = MakeId(entry.slot, entry.generation);
      const GateDecision decision = gate_(slot->owner, slot->owner_epoch, id);
      switch (decision.action) {
        case GateAction::kRun:
          break;
        case GateAction::kDrop:
          ReleaseSlot(entry.slot);
          return true;
        case GateAction::kDefer:
          KS_CHECK(decision.defer_to > now_);
          Push(Entry{decision.defer_to, next_seq_++, entry.slot, entry.generation});
          return true;
        case GateAction::kPark:
          return true;  // stays live with no heap entry until Unpark or Cancel
      }
    }
    // Move the callback out before running it: it may schedule events, which can grow (and so
    // move) the slot vector, and its slot must be free for reuse once it has run.
    Callback callback = std::move(slot->callback);
    ReleaseSlot(entry.slot);
    ++executed_count_;
    callback();
    return true;
  }
  return false;
}

void Scheduler::RunUntil(TimeUs until) {
  while (!heap_.empty() && heap_.front().time <= until) Step();
  if (until > now_ && until != kTimeNever) now_ = until;
}

bool Scheduler::RunUntil(const std::function<bool()>& predicate, TimeUs deadline) {
  while (true) {
    if (predicate()) return true;
    if (heap_.empty() || heap_.front().time > deadline) {
      if (deadline != kTimeNever && deadline > now_) now_ = deadline;
      return predicate();
    }
    Step();
  }
}

}  // namespace ks
