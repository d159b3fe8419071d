// Benchmarks of the simulated kernel: scheduler throughput in the classic "hold" model, against a
// std::priority_queue of std::function as the reference point, and messages per second of a
// ping-pong over the simulated network, with tracing off and on (digest only, no sinks).
//
// Hold model: the queue holds N pending events; each executed event schedules one new event at
// now + a random delay in [0, 1024) us, so the queue size stays N. The callbacks are of realistic
// size: a pointer and two ints. One benchmark iteration runs one event.
//
// Build and run: cmake --preset release && cmake --build --preset release --target sim_bench
//                build/release/tests/bench/sim_bench
// Figures and targets: docs/performance.md, "Simulated kernel".
#include <benchmark/benchmark.h>

#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include "model/env/env.h"
#include "model/env/rng.h"
#include "sim/scheduler.h"
#include "sim/world.h"

namespace ks {
namespace {

constexpr uint64_t kDelayRangeUs = 1024;

// --- Scheduler, hold model -------------------------------------------------------------------

struct HoldContext {
  Scheduler scheduler;
  Rng rng{1};
  int64_t sum = 0;
};

void ScheduleNext(HoldContext* context, int a, int b) {
  const TimeUs at =
      context->scheduler.Now() + static_cast<TimeUs>(context->rng.Below(kDelayRangeUs));
  context->scheduler.Schedule(at, [context, a, b] {
    context->sum += a;
    ScheduleNext(context, b, a + 1);
  });
}

void BM_SchedulerHold(benchmark::State& state) {
  const int pending = static_cast<int>(state.range(0));
  auto context = std::make_unique<HoldContext>();
  for (int i = 0; i < pending; ++i) ScheduleNext(context.get(), i, i + 1);
  for (int i = 0; i < pending; ++i) context->scheduler.Step();  // warm up: mix the heap
  for (auto _ : state) context->scheduler.Step();
  benchmark::DoNotOptimize(context->sum);
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(context->scheduler.QueuedCount());
}
BENCHMARK(BM_SchedulerHold)->Arg(1'000)->Arg(100'000);

// The same hold model on a std::priority_queue of std::function: the reference the targets of
// issue 2 are set against.
struct BaselineEvent {
  TimeUs time;
  uint64_t seq;
  std::function<void()> callback;
};
struct BaselineLater {
  bool operator()(const BaselineEvent& a, const BaselineEvent& b) const {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
};
struct BaselineContext {
  std::priority_queue<BaselineEvent, std::vector<BaselineEvent>, BaselineLater> queue;
  TimeUs now = 0;
  uint64_t next_seq = 0;
  Rng rng{1};
  int64_t sum = 0;

  void Step() {
    BaselineEvent event = std::move(const_cast<BaselineEvent&>(queue.top()));
    queue.pop();
    now = event.time;
    event.callback();
  }
};

void BaselineScheduleNext(BaselineContext* context, int a, int b) {
  const TimeUs at = context->now + static_cast<TimeUs>(context->rng.Below(kDelayRangeUs));
  context->queue.push(BaselineEvent{at, context->next_seq++, [context, a, b] {
                                      context->sum += a;
                                      BaselineScheduleNext(context, b, a + 1);
                                    }});
}

void BM_BaselinePriorityQueueHold(benchmark::State& state) {
  const int pending = static_cast<int>(state.range(0));
  auto context = std::make_unique<BaselineContext>();
  for (int i = 0; i < pending; ++i) BaselineScheduleNext(context.get(), i, i + 1);
  for (int i = 0; i < pending; ++i) context->Step();
  for (auto _ : state) context->Step();
  benchmark::DoNotOptimize(context->sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselinePriorityQueueHold)->Arg(1'000)->Arg(100'000);

// --- Network ping-pong -----------------------------------------------------------------------

class Ball final : public Message {
 public:
  explicit Ball(int64_t hits) : hits_(hits) {}
  std::string_view Kind() const override { return "Ball"; }
  int64_t SizeBytes() const override { return 100; }
  int64_t hits() const { return hits_; }

 private:
  int64_t hits_;
};

// The event a player traces for each ball it receives.
struct BallHit {
  static constexpr std::string_view kName = "ball.hit";
  int32_t from = -1;
  int64_t hits = 0;
  static void Fields(auto& e, auto& v) {
    v("from", e.from);
    v("hits", e.hits);
  }
};

// Each node starts one ball towards its neighbour; whoever receives a ball sends it back to the
// sender (ping-pong), so `nodes` balls are always in flight. Traces one event per receipt, as
// model code would, when tracing is on.
class PingPongPlayer final : public Process {
 public:
  PingPongPlayer(Env& env, int32_t node_count) : env_(env), node_count_(node_count) {}
  void Start() override { env_.Send((env_.Self() + 1) % node_count_, std::make_unique<Ball>(0)); }
  void OnMessage(NodeId from, MessagePtr message) override {
    const int64_t hits = static_cast<const Ball&>(*message).hits() + 1;
    env_.Trace(BallHit{.from = from, .hits = hits});
    env_.Send(from, std::make_unique<Ball>(hits));
  }

 private:
  Env& env_;
  int32_t node_count_;
};

// Arguments: node count; tracing (0 off, 1 process events, 2 process events + every message).
void BM_NetworkPingPong(benchmark::State& state) {
  const int32_t nodes = static_cast<int32_t>(state.range(0));
  WorldOptions options;
  options.seed = 1;
  options.tracing = state.range(1) >= 1;
  options.trace_messages = state.range(1) >= 2;
  World world(options);
  for (int32_t i = 0; i < nodes; ++i) {
    world.AddNode("n" + std::to_string(i), "player",
                  [nodes](Env& env) { return std::make_unique<PingPongPlayer>(env, nodes); });
  }
  world.StartAll();
  Scheduler& scheduler = world.scheduler();
  for (int i = 0; i < 10 * nodes; ++i) scheduler.Step();
  const int64_t delivered_before = world.network().TotalStats().messages_delivered;
  for (auto _ : state) scheduler.Step();
  const int64_t delivered = world.network().TotalStats().messages_delivered - delivered_before;
  state.SetItemsProcessed(delivered);
  state.counters["trace_events"] = static_cast<double>(world.trace().event_count());
}
BENCHMARK(BM_NetworkPingPong)
    ->ArgNames({"nodes", "tracing"})
    ->Args({2, 0})
    ->Args({2, 1})
    ->Args({2, 2})
    ->Args({100, 0})
    ->Args({100, 1})
    ->Args({100, 2});

}  // namespace
}  // namespace ks
