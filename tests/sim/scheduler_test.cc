// Goal: the scheduler runs events in (time, insertion) order, keeps cancelled events from running
// and ids valid through its gate's defer/park/unpark, moves the clock only forward and never
// past a RunUntil limit. Method: schedule small callbacks that append to a log and compare the
// log (and Now at each step) with what the contract says.
#include "sim/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "model/env/rng.h"

namespace ks {
namespace {

struct Ran {
  int tag;
  TimeUs at_us;
  bool operator==(const Ran&) const = default;
};

class SchedulerTest : public ::testing::Test {
 protected:
  EventId Add(TimeUs at, int tag, int32_t owner = Scheduler::kNoOwner) {
    return scheduler_.Schedule(
        at,
        [this, tag] {
          ran_.push_back({tag, scheduler_.Now()});
        },
        owner);
  }
  std::vector<int> Tags() const {
    std::vector<int> tags;
    for (const Ran& r : ran_) tags.push_back(r.tag);
    return tags;
  }

  Scheduler scheduler_;
  std::vector<Ran> ran_;
};

TEST_F(SchedulerTest, RunsEventsInTimeOrder) {
  Add(30, 3);
  Add(10, 1);
  Add(20, 2);
  scheduler_.RunUntil(kTimeNever);
  EXPECT_EQ(ran_, (std::vector<Ran>{{1, 10}, {2, 20}, {3, 30}}));
  EXPECT_EQ(scheduler_.Now(), 30);
  EXPECT_EQ(scheduler_.ExecutedCount(), 3u);
  EXPECT_FALSE(scheduler_.Step());
}

TEST_F(SchedulerTest, EqualTimesRunInInsertionOrder) {
  for (int i = 0; i < 200; ++i) Add(i % 2 == 0 ? 50 : 40, i);
  scheduler_.RunUntil(kTimeNever);
  std::vector<int> expected;
  for (int i = 1; i < 200; i += 2) expected.push_back(i);
  for (int i = 0; i < 200; i += 2) expected.push_back(i);
  EXPECT_EQ(Tags(), expected);
}

TEST_F(SchedulerTest, CancelBeforeRunPreventsIt) {
  const EventId a = Add(10, 1);
  const EventId b = Add(20, 2);
  EXPECT_TRUE(scheduler_.IsPending(a));
  EXPECT_TRUE(scheduler_.Cancel(a));
  EXPECT_FALSE(scheduler_.IsPending(a));
  EXPECT_FALSE(scheduler_.Cancel(a)) << "cancel of a cancelled id";
  EXPECT_EQ(scheduler_.LiveCount(), 1u);
  scheduler_.RunUntil(kTimeNever);
  EXPECT_EQ(Tags(), std::vector<int>{2});
  EXPECT_FALSE(scheduler_.Cancel(b)) << "cancel after the event ran";
  EXPECT_FALSE(scheduler_.Cancel(kNoEvent));
  EXPECT_FALSE(scheduler_.Cancel(0xdeadbeef00000007ULL)) << "unknown id";
}

TEST_F(SchedulerTest, CancelledIdDoesNotCancelTheSlotsNextEvent) {
  // Slots are reused; the generation in the id must keep an old id from touching a new event.
  const EventId old_id = Add(10, 1);
  ASSERT_TRUE(scheduler_.Cancel(old_id));
  EXPECT_EQ(scheduler_.NextTime(), kTimeNever) << "the stale entry is skipped, its slot freed";
  const EventId new_id = Add(10, 2);
  EXPECT_EQ(static_cast<uint32_t>(old_id), static_cast<uint32_t>(new_id)) << "slot reused";
  EXPECT_NE(old_id, new_id);
  EXPECT_FALSE(scheduler_.Cancel(old_id));
  scheduler_.RunUntil(kTimeNever);
  EXPECT_EQ(Tags(), std::vector<int>{2});
}

TEST_F(SchedulerTest, RunUntilTimeRunsDueEventsAndAdvancesNow) {
  Add(5, 1);
  Add(10, 2);
  Add(11, 3);
  scheduler_.RunUntil(10);
  EXPECT_EQ(Tags(), (std::vector<int>{1, 2}));
  EXPECT_EQ(scheduler_.Now(), 10);
  scheduler_.RunUntil(1000);
  EXPECT_EQ(scheduler_.Now(), 1000) << "Now moves to the limit even with nothing to run";
  EXPECT_EQ(Tags(), (std::vector<int>{1, 2, 3}));
  scheduler_.RunUntil(500);
  EXPECT_EQ(scheduler_.Now(), 1000) << "time never goes back";
}

// Regression: a cancelled entry at the front of the heap let RunUntil call Step, which skipped
// it and then ran the next live event even though it lay beyond the limit.
TEST_F(SchedulerTest, RunUntilDoesNotRunPastTheLimitWhenTheFrontIsCancelled) {
  const EventId early = Add(5, 1);
  Add(20, 2);
  scheduler_.Cancel(early);
  scheduler_.RunUntil(10);
  EXPECT_TRUE(ran_.empty());
  EXPECT_EQ(scheduler_.Now(), 10);
  EXPECT_EQ(scheduler_.NextTime(), 20);

  bool reached = scheduler_.RunUntil([] { return false; }, 15);
  EXPECT_FALSE(reached);
  EXPECT_TRUE(ran_.empty());
  EXPECT_EQ(scheduler_.Now(), 15);
}

TEST_F(SchedulerTest, RunUntilPredicateStopsWhenItHoldsOrAtTheDeadline) {
  for (int i = 1; i <= 10; ++i) Add(i * 100, i);
  EXPECT_TRUE(scheduler_.RunUntil([this] { return ran_.size() == 3; }, 10'000));
  EXPECT_EQ(Tags(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(scheduler_.Now(), 300);

  EXPECT_FALSE(scheduler_.RunUntil([this] { return ran_.size() == 100; }, 650));
  EXPECT_EQ(ran_.size(), 6u);
  EXPECT_EQ(scheduler_.Now(), 650);

  EXPECT_TRUE(scheduler_.RunUntil([] { return true; }, 0)) << "true before any event";
  EXPECT_EQ(scheduler_.Now(), 650);
}

TEST_F(SchedulerTest, EventsScheduledFromCallbacksRunInOrder) {
  scheduler_.Schedule(10, [this] {
    ran_.push_back({1, scheduler_.Now()});
    scheduler_.Schedule(10, [this] { ran_.push_back({3, scheduler_.Now()}); });
    scheduler_.Schedule(15, [this] { ran_.push_back({5, scheduler_.Now()}); });
  });
  Add(10, 2);
  Add(12, 4);
  scheduler_.RunUntil(kTimeNever);
  EXPECT_EQ(ran_, (std::vector<Ran>{{1, 10}, {2, 10}, {3, 10}, {4, 12}, {5, 15}}));
}

TEST_F(SchedulerTest, CompactionAfterManyCancellationsKeepsOrder) {
  // 20 000 events at random times, 90 % of them cancelled: the heap is compacted on the way;
  // the survivors must still run in (time, insertion) order.
  Rng rng(3);
  std::vector<std::tuple<TimeUs, int, EventId>> events;
  for (int i = 0; i < 20'000; ++i) {
    const TimeUs at = rng.Between(0, 5'000);
    events.emplace_back(at, i, Add(at, i));
  }
  std::vector<std::pair<TimeUs, int>> expected;
  for (const auto& [at, tag, id] : events) {
    if (tag % 10 == 3) {
      expected.emplace_back(at, tag);
    } else {
      ASSERT_TRUE(scheduler_.Cancel(id));
    }
  }
  EXPECT_LT(scheduler_.QueuedCount(), 20'000u) << "compaction removed stale entries";
  EXPECT_EQ(scheduler_.LiveCount(), expected.size());
  std::sort(expected.begin(), expected.end());
  scheduler_.RunUntil(kTimeNever);
  ASSERT_EQ(ran_.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(ran_[i].at_us, expected[i].first);
    EXPECT_EQ(ran_[i].tag, expected[i].second);
  }
}

// A gate that parks owner 1's events, defers owner 2's once by 100 us, and drops owner 3's.
class GatedSchedulerTest : public SchedulerTest {
 protected:
  void SetUp() override {
    scheduler_.SetGate([this](int32_t owner, uint32_t epoch, EventId id) {
      Scheduler::GateDecision decision;
      if (owner == 1 && parking_) {
        parked_.push_back(id);
        decision.action = Scheduler::GateAction::kPark;
      } else if (owner == 2 && deferred_.insert(id).second) {
        decision.action = Scheduler::GateAction::kDefer;
        decision.defer_to = scheduler_.Now() + 100;
      } else if (owner == 3) {
        decision.action = Scheduler::GateAction::kDrop;
      }
      return decision;
    });
  }
  bool parking_ = true;
  std::vector<EventId> parked_;
  std::set<EventId> deferred_;
};

TEST_F(GatedSchedulerTest, ParkedEventsKeepTheirIdsUntilUnparked) {
  const EventId a = Add(10, 1, /*owner=*/1);
  const EventId b = Add(20, 2, /*owner=*/1);
  const EventId c = Add(30, 3, /*owner=*/1);
  scheduler_.RunUntil(100);
  EXPECT_TRUE(ran_.empty());
  EXPECT_EQ(parked_, (std::vector<EventId>{a, b, c}));
  EXPECT_TRUE(scheduler_.IsPending(a));
  EXPECT_EQ(scheduler_.LiveCount(), 3u);
  EXPECT_EQ(scheduler_.QueuedCount(), 0u);

  EXPECT_TRUE(scheduler_.Cancel(b)) << "a parked timer can be cancelled";
  EXPECT_FALSE(scheduler_.Unpark(b, 100)) << "a cancelled event cannot be unparked";

  parking_ = false;
  EXPECT_TRUE(scheduler_.Unpark(a, 150));
  EXPECT_FALSE(scheduler_.Unpark(a, 150)) << "a queued event is not parked";
  EXPECT_TRUE(scheduler_.Unpark(c, 150));
  scheduler_.RunUntil(kTimeNever);
  EXPECT_EQ(ran_, (std::vector<Ran>{{1, 150}, {3, 150}}));
  EXPECT_EQ(scheduler_.QueuedCount(), 0u) << "no duplicate heap entry was left behind";
}

TEST_F(GatedSchedulerTest, DeferredEventsKeepTheirIdsAndRunLater) {
  const EventId a = Add(10, 1, /*owner=*/2);
  const EventId b = Add(10, 2, /*owner=*/2);
  scheduler_.RunUntil(50);
  EXPECT_TRUE(ran_.empty());
  EXPECT_TRUE(scheduler_.IsPending(a));
  EXPECT_TRUE(scheduler_.Cancel(b)) << "a deferred event can be cancelled by its id";
  scheduler_.RunUntil(kTimeNever);
  EXPECT_EQ(ran_, (std::vector<Ran>{{1, 110}}));
  EXPECT_FALSE(scheduler_.IsPending(a));
}

TEST_F(GatedSchedulerTest, DroppedEventsNeverRun) {
  const EventId a = Add(10, 1, /*owner=*/3);
  Add(20, 2);
  scheduler_.RunUntil(kTimeNever);
  EXPECT_EQ(Tags(), std::vector<int>{2});
  EXPECT_FALSE(scheduler_.IsPending(a));
  EXPECT_EQ(scheduler_.LiveCount(), 0u);
}

// Regression: a deferred event got a fresh sequence number, so an event scheduled earlier for the
// instant it was deferred to ran first, although the deferred one had been due long before.
// On one connection that reordered messages.
TEST_F(GatedSchedulerTest, OverdueEventsRunBeforeEventsNewlyDueAtTheSameTime) {
  Add(110, 9);              // scheduled first, due at 110
  Add(10, 1, /*owner=*/2);  // due at 10, deferred to 110
  Add(20, 2, /*owner=*/1);  // due at 20, parked
  scheduler_.RunUntil(100);
  parking_ = false;
  ASSERT_EQ(parked_.size(), 1u);
  scheduler_.Schedule(110, [this] { scheduler_.Unpark(parked_[0], 110); });
  scheduler_.RunUntil(kTimeNever);
  // 9 runs at 110 before the unpark event (scheduled later); 1 was overdue at 110 already.
  EXPECT_EQ(Tags(), (std::vector<int>{1, 9, 2}));
}

// Goal: deferred runs (a busy owner's waiting events moved as one heap entry) change nothing in
// the order events run. Method: one random workload runs on the Scheduler and on a plain
// reference of the header's rules that defers each event with one pop and one push; the logs of
// (time, event) must be equal. The workload makes runs and their corner cases likely: owners
// stay busy 0, 40 or 100 us after an event and events fall due at multiples of 20 us (owners fall
// free at the same instants), bursts of hundreds of events for one owner, cancellations of
// waiting events, incarnations that end (their events are dropped).
struct Workload {
  struct Pending {
    int label;
    int32_t owner;
    uint32_t epoch;
  };
  // What the gate says: the rules of World::Gate without parking.
  Scheduler::GateDecision Gate(int32_t owner, uint32_t epoch, TimeUs now) const {
    Scheduler::GateDecision decision;
    if (epoch != incarnation[owner]) {
      decision.action = Scheduler::GateAction::kDrop;
    } else if (busy_until[owner] > now) {
      decision.action = Scheduler::GateAction::kDefer;
      decision.defer_to = busy_until[owner];
    }
    return decision;
  }
  // An event ran: logs it and draws (from its label alone) what it does. *added gets the events
  // to schedule, *cancelled the labels to cancel.
  void Run(int label, int32_t owner, TimeUs now, std::vector<std::pair<TimeUs, Pending>>* added,
           std::vector<int>* cancelled) {
    log.emplace_back(now, label);
    Rng rng = Rng::Stream(static_cast<uint64_t>(label), "workload");
    static constexpr TimeUs kBusy[] = {0, 0, 40, 100};
    if (owner != Scheduler::kNoOwner) busy_until[owner] = now + kBusy[rng.Between(0, 3)];
    if (rng.Between(0, 255) == 0) {
      const int32_t ended = static_cast<int32_t>(rng.Between(0, 2));
      ++incarnation[ended];
      busy_until[ended] = now;
    }
    const int64_t count = next_label < 20000 ? rng.Between(0, 3) : 0;
    for (int64_t i = 0; i < count; ++i) {
      const auto to = static_cast<int32_t>(rng.Between(-1, 2));
      const TimeUs at = now + 20 * rng.Between(0, 7);
      added->push_back({at, Pending{next_label++, to, to < 0 ? 0 : incarnation[to]}});
    }
    if (rng.Between(0, 7) == 0) cancelled->push_back(label - 5);
  }
  std::vector<std::pair<TimeUs, Pending>> Initial() {
    std::vector<std::pair<TimeUs, Pending>> initial;
    for (int i = 0; i < 400; ++i) {
      const int32_t owner = i < 300 ? 0 : i % 4 - 1;
      initial.push_back({20 * (i % 3), Pending{next_label++, owner, 0}});
    }
    return initial;
  }
  TimeUs busy_until[3] = {0, 0, 0};
  uint32_t incarnation[3] = {0, 0, 0};
  int next_label = 0;
  std::vector<std::pair<TimeUs, int>> log;
};

// The header's rules, one entry per event: (time, sequence), overdue sequence numbers below
// fresh ones, a deferral pops the event and pushes it with the next overdue number.
std::vector<std::pair<TimeUs, int>> RunReference(Workload workload) {
  constexpr uint64_t kFresh = uint64_t{1} << 62;
  std::set<std::tuple<TimeUs, uint64_t, int>> queue;  // (time, sequence, label)
  std::map<int, std::tuple<TimeUs, uint64_t, Workload::Pending>> pending;
  uint64_t fresh = 0;
  uint64_t overdue = 0;
  auto add = [&](TimeUs at, Workload::Pending p) {
    queue.insert({at, kFresh | fresh, p.label});
    pending[p.label] = {at, kFresh | fresh++, p};
  };
  for (auto& [at, p] : workload.Initial()) add(at, p);
  while (!queue.empty()) {
    const auto [now, sequence, label] = *queue.begin();
    queue.erase(queue.begin());
    const Workload::Pending p = std::get<2>(pending[label]);
    if (p.owner != Scheduler::kNoOwner) {
      const Scheduler::GateDecision decision = workload.Gate(p.owner, p.epoch, now);
      if (decision.action == Scheduler::GateAction::kDrop) {
        pending.erase(label);
        continue;
      }
      if (decision.action == Scheduler::GateAction::kDefer) {
        queue.insert({decision.defer_to, overdue, label});
        pending[label] = {decision.defer_to, overdue++, p};
        continue;
      }
    }
    pending.erase(label);
    std::vector<std::pair<TimeUs, Workload::Pending>> added;
    std::vector<int> cancelled;
    workload.Run(label, p.owner, now, &added, &cancelled);
    for (auto& [at, q] : added) add(at, q);
    for (int c : cancelled) {
      auto it = pending.find(c);
      if (it == pending.end()) continue;
      queue.erase({std::get<0>(it->second), std::get<1>(it->second), c});
      pending.erase(it);
    }
  }
  return workload.log;
}

std::vector<std::pair<TimeUs, int>> RunScheduler(Workload workload) {
  Scheduler scheduler;
  std::map<int, EventId> ids;
  scheduler.SetGate([&](int32_t owner, uint32_t epoch, EventId) {
    return workload.Gate(owner, epoch, scheduler.Now());
  });
  std::function<void(TimeUs, Workload::Pending)> add = [&](TimeUs at, Workload::Pending p) {
    ids[p.label] = scheduler.Schedule(
        at,
        [&, p] {
          ids.erase(p.label);
          std::vector<std::pair<TimeUs, Workload::Pending>> added;
          std::vector<int> cancelled;
          workload.Run(p.label, p.owner, scheduler.Now(), &added, &cancelled);
          for (auto& [when, q] : added) add(when, q);
          for (int c : cancelled) {
            auto it = ids.find(c);
            if (it != ids.end() && scheduler.Cancel(it->second)) ids.erase(it);
          }
        },
        p.owner, p.epoch);
  };
  for (auto& [at, p] : workload.Initial()) add(at, p);
  scheduler.RunUntil(kTimeNever);
  EXPECT_EQ(scheduler.LiveCount(), 0u);
  EXPECT_EQ(scheduler.QueuedCount(), 0u);
  return workload.log;
}

TEST(SchedulerRunsTest, DeferredRunsKeepTheOrderOfDeferringOneByOne) {
  const std::vector<std::pair<TimeUs, int>> expected = RunReference(Workload{});
  ASSERT_GT(expected.size(), 10000u) << "the workload is large enough to mean something";
  const std::vector<std::pair<TimeUs, int>> actual = RunScheduler(Workload{});
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(actual[i], expected[i]) << "first difference at event " << i;
  }
}

TEST(SchedulerDeathTest, SchedulingInThePastIsABug) {
  Scheduler scheduler;
  scheduler.RunUntil(100);
  EXPECT_DEATH(scheduler.Schedule(50, [] {}), "past");
}

}  // namespace
}  // namespace ks
