// Goal: one seed rules a run. A small world with random latency, lossy links, disk writes, a
// crash/restart and a partition, run twice with the same seed, gives the same trace digest and
// the same event list; another seed gives another digest. Method: ping-pong processes that also
// trace what they see and append to their disks; faults are applied as world events.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/world.h"
#include "tests/sim/sim_test_util.h"

namespace ks {
namespace {

// The ping-pong processes' own events.
namespace ev {
struct PingPongStart {
  static constexpr std::string_view kName = "pingpong.start";
  int64_t recovered_bytes = 0;
  static void Fields(auto& e, auto& v) { v("recovered_bytes", e.recovered_bytes); }
};
struct PingPongRecv {
  static constexpr std::string_view kName = "pingpong.recv";
  int32_t from = -1;
  int64_t round = 0;
  static void Fields(auto& e, auto& v) {
    v("from", e.from);
    v("round", e.round);
  }
};
struct PingPongReset {
  static constexpr std::string_view kName = "pingpong.reset";
  int32_t peer = -1;
  static void Fields(auto& e, auto& v) { v("peer", e.peer); }
};
}  // namespace ev

class Ping final : public Message {
 public:
  explicit Ping(int64_t round) : round_(round) {}
  std::string_view Kind() const override { return "Ping"; }
  int64_t SizeBytes() const override { return 64; }
  int64_t round() const { return round_; }

 private:
  int64_t round_;
};

// Every 5 ms, pings a random peer; answers each ping with a ping of the next round, up to 50.
class PingPong final : public Process {
 public:
  PingPong(Env& env, int32_t node_count) : env_(env), node_count_(node_count) {}

  void Start() override {
    std::string recovered;
    (void)env_.LocalDisk().Read("rounds", 0, 1 << 20, &recovered);
    env_.Trace(ev::PingPongStart{.recovered_bytes = static_cast<int64_t>(recovered.size())});
    Tick();
  }

  void OnMessage(NodeId from, MessagePtr message) override {
    const int64_t round = static_cast<const Ping&>(*message).round();
    env_.Trace(ev::PingPongRecv{.from = from, .round = round});
    (void)env_.LocalDisk().Append("rounds", std::to_string(round) + ";");
    if (env_.Random("sync").ChancePpm(300'000)) (void)env_.LocalDisk().Fsync("rounds");
    if (round < 50) env_.Send(from, std::make_unique<Ping>(round + 1));
  }

  void OnConnectionReset(NodeId peer) override { env_.Trace(ev::PingPongReset{.peer = peer}); }

 private:
  void Tick() {
    NodeId peer = static_cast<NodeId>(env_.Random("peers").Below(node_count_));
    if (peer != env_.Self()) env_.Send(peer, std::make_unique<Ping>(0));
    env_.SetTimer(5 * kMillisecond, [this] { Tick(); });
  }

  Env& env_;
  int32_t node_count_;
};

struct RunResult {
  Digest digest;
  std::vector<TraceEvent> events;
};

RunResult RunWorld(uint64_t seed) {
  WorldOptions options;
  options.seed = seed;
  options.trace_messages = true;
  options.link_defaults.latency_min_us = 100;
  options.link_defaults.latency_max_us = 3'000;
  options.link_defaults.drop_ppm = 20'000;
  options.disk_defaults.torn_tail = TornTail::kPrefix;
  World world(options);
  TraceCollector collector;
  world.trace().AddSink(&collector);
  static constexpr int32_t kNodes = 4;
  for (int i = 0; i < kNodes; ++i) {
    world.AddNode("node" + std::to_string(i), "pingpong",
                  [](Env& env) { return std::make_unique<PingPong>(env, kNodes); });
  }
  world.StartAll();
  Scheduler& scheduler = world.scheduler();
  scheduler.Schedule(60 * kMillisecond, [&] { world.Crash(2); });
  scheduler.Schedule(90 * kMillisecond, [&] { world.Start(2); });
  scheduler.Schedule(120 * kMillisecond, [&] {
    world.network().Partition({0, 1}, {2, 3}, /*one_way=*/false);
  });
  scheduler.Schedule(150 * kMillisecond, [&] { world.network().HealAll(); });
  scheduler.Schedule(170 * kMillisecond, [&] { world.Pause(3); });
  scheduler.Schedule(180 * kMillisecond, [&] { world.Resume(3); });
  scheduler.RunUntil(250 * kMillisecond);
  return RunResult{world.trace().CurrentDigest(), std::move(collector.events)};
}

TEST(DeterminismTest, SameSeedSameDigestAndEvents) {
  const RunResult first = RunWorld(42);
  const RunResult second = RunWorld(42);
  ASSERT_GT(first.events.size(), 1'000u) << "the run did something";
  EXPECT_EQ(first.digest, second.digest);
  ASSERT_EQ(first.events.size(), second.events.size());
  for (size_t i = 0; i < first.events.size(); ++i) {
    ASSERT_EQ(first.events[i], second.events[i]) << "first difference at event " << i;
  }
  // The run went through the faults it was given.
  auto count = [&](std::string_view kind) {
    return std::count_if(first.events.begin(), first.events.end(),
                         [&](const TraceEvent& e) { return e.kind == kind; });
  };
  EXPECT_EQ(count("node.crash"), 1);
  EXPECT_EQ(count("node.restart"), 1);
  EXPECT_GT(count("net.drop"), 0);
  EXPECT_GT(count("net.reset"), 0);
  EXPECT_GT(count("pingpong.recv"), 100);
}

TEST(DeterminismTest, AnotherSeedGivesAnotherDigest) {
  EXPECT_NE(RunWorld(42).digest, RunWorld(43).digest);
}

TEST(DeterminismTest, DigestHexIs32LowercaseDigits) {
  const Digest digest{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  EXPECT_EQ(digest.Hex(), "0123456789abcdeffedcba9876543210");
}

// Two event kinds whose names differ by where a byte falls: the separator must keep them apart.
struct KindAb {
  static constexpr std::string_view kName = "ab";
  std::string_view text;
  static void Fields(auto& e, auto& v) { v("text", e.text); }
};
struct KindA {
  static constexpr std::string_view kName = "a";
  std::string_view text;
  static void Fields(auto& e, auto& v) { v("text", e.text); }
};

TEST(DeterminismTest, DigestCoversEveryFieldOfAnEvent) {
  auto digest_of = [](TimeUs time, NodeId node, const EventKind& kind, std::string_view fields) {
    TraceStream stream;
    stream.Emit(time, node, kind, fields);
    return stream.CurrentDigest();
  };
  const EventKind& k = EventKindOf<KindA>();
  const EventKind& j = EventKindOf<KindAb>();
  const Digest base = digest_of(1, 2, k, "x");
  EXPECT_EQ(base, digest_of(1, 2, k, "x"));
  EXPECT_NE(base, digest_of(2, 2, k, "x"));
  EXPECT_NE(base, digest_of(1, 3, k, "x"));
  EXPECT_NE(base, digest_of(1, 2, j, "x"));
  EXPECT_NE(base, digest_of(1, 2, k, "y"));
  // The kind's terminator and the fields' length keep kind and fields apart: ("ab", "c") is not
  // ("a", "bc").
  EXPECT_NE(digest_of(1, 2, j, "c"), digest_of(1, 2, k, "bc"));
  // JSON plays no part: the digest covers the encoded fields, nothing rendered from them.
  std::string a, b;
  EncodeEvent(KindA{.text = "same"}, &a);
  EncodeEvent(KindA{.text = "same"}, &b);
  EXPECT_EQ(digest_of(1, 2, k, a), digest_of(1, 2, k, b));
}

}  // namespace
}  // namespace ks
