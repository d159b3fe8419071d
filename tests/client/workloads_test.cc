// Goal: the workload processes drive the clients as documented and their history is complete
// and consistent: every send has an invoke and one completion with the documented fields, ok
// offsets are where the broker stored the values, the consumer's polls return exactly the
// acknowledged values, the rate spaces sends evenly, and a restarted producer is a new process
// with unique values. Method: a World with the FakeBroker, a ProducerWorkload and a
// ConsumerWorkload; history events collected by a trace sink and parsed with ParseHistoryOp.
#include "model/client/workloads.h"

#include <gtest/gtest.h>

#include <set>

#include "sim/world.h"
#include "tests/client/client_test_util.h"

namespace ks {
namespace {

using testing::FakeBroker;
using testing::FakeBrokerState;

class Collector final : public TraceSink {
 public:
  void OnEvent(const TraceEventView& event) override {
    if (event.Is<ev::HistoryOp>()) events.push_back(event.ToEvent());
  }
  std::vector<TraceEvent> events;
};

struct WorkloadWorld {
  explicit WorkloadWorld(ProducerWorkloadOptions producer_options, bool with_consumer = true)
      : world(testing::ClientWorldOptions()) {
    world.trace().AddSink(&collector);
    broker = world.AddNode("broker", "broker",
                           [this](Env& env) { return std::make_unique<FakeBroker>(env, &state); });
    producer_options.bootstrap = {broker};
    producer = world.AddNode("producer", "client", [producer_options](Env& env) {
      return std::make_unique<ProducerWorkload>(env, producer_options);
    });
    if (with_consumer) {
      ConsumerWorkloadOptions consumer_options;
      consumer_options.client_name = "cons";
      consumer_options.bootstrap = {broker};
      consumer_options.config.auto_offset_reset = OffsetResetPolicy::kEarliest;
      consumer = world.AddNode("consumer", "client", [consumer_options](Env& env) {
        return std::make_unique<ConsumerWorkload>(env, consumer_options);
      });
    }
    world.StartAll();
  }
  std::vector<HistoryOp> History() {
    std::vector<HistoryOp> ops;
    for (const TraceEvent& event : collector.events) {
      auto op = ParseHistoryOp(event);
      EXPECT_TRUE(op.has_value()) << event.Json();
      if (op) ops.push_back(*op);
    }
    return ops;
  }

  FakeBrokerState state;
  World world;
  Collector collector;
  NodeId broker = kNoNode;
  NodeId producer = kNoNode;
  NodeId consumer = kNoNode;
};

TEST(WorkloadsTest, HistoryIsCompleteAndMatchesTheBrokerAndTheConsumer) {
  ProducerWorkloadOptions options;
  options.client_name = "prod";
  options.count = 200;
  options.key_count = 5;
  options.value_bytes = 30;
  options.max_outstanding = 20;
  WorkloadWorld w(options);
  w.world.scheduler().RunUntil(3 * kSecond);
  auto* producer = w.world.ProcessAs<ProducerWorkload>(w.producer);
  auto* consumer = w.world.ProcessAs<ConsumerWorkload>(w.consumer);
  ASSERT_NE(producer, nullptr);
  EXPECT_TRUE(producer->done());
  EXPECT_EQ(producer->sent(), 200);
  EXPECT_EQ(producer->acked(), 200);
  EXPECT_EQ(consumer->consumed(), 200);
  EXPECT_EQ(consumer->lag(), 0);

  std::map<int64_t, HistoryOp> invokes;
  std::set<std::string> acked_values;
  std::set<std::string> polled_values;
  int completions = 0;
  for (const HistoryOp& op : w.History()) {
    if (op.f == HistoryFunction::kPoll) {
      EXPECT_EQ(op.process, "cons");
      if (op.type != HistoryType::kOk) continue;
      for (const HistoryRecord& r : op.records) {
        ASSERT_TRUE(r.value.has_value());
        EXPECT_TRUE(polled_values.insert(*r.value).second) << "read once: " << *r.value;
        EXPECT_EQ(w.state.records[r.partition].at(static_cast<size_t>(r.offset)).value, r.value);
      }
      continue;
    }
    EXPECT_EQ(op.process, "prod");
    EXPECT_EQ(op.topic, "t");
    ASSERT_TRUE(op.key.has_value());
    EXPECT_EQ(op.value.size(), 30u);
    if (op.type == HistoryType::kInvoke) {
      EXPECT_TRUE(invokes.emplace(op.op, op).second);
      continue;
    }
    ++completions;
    ASSERT_EQ(op.type, HistoryType::kOk);
    ASSERT_TRUE(invokes.count(op.op)) << "completion after its invoke";
    EXPECT_EQ(invokes[op.op].value, op.value);
    EXPECT_EQ(op.partition, PartitionForKey(*op.key, w.state.partitions));
    const auto& stored = w.state.records[op.partition].at(static_cast<size_t>(op.offset));
    EXPECT_EQ(stored.value, op.value) << "the ok offset holds the value";
    acked_values.insert(op.value);
  }
  EXPECT_EQ(invokes.size(), 200u);
  EXPECT_EQ(completions, 200);
  EXPECT_EQ(acked_values, polled_values);
  // The documented field order.
  const std::string& first = w.collector.events.front().Json();
  EXPECT_EQ(first.rfind(R"({"op":0,"process":"prod","type":"invoke","f":"send","tp":"t-)", 0), 0u)
      << first;
}

TEST(WorkloadsTest, RateSpacesSendsEvenly) {
  ProducerWorkloadOptions options;
  options.client_name = "prod";
  options.count = 10;
  options.rate_per_s = 100;
  WorkloadWorld w(options, /*with_consumer=*/false);
  w.world.scheduler().RunUntil(kSecond);
  std::vector<TimeUs> invoke_times;
  for (const HistoryOp& op : w.History()) {
    if (op.type == HistoryType::kInvoke) {
      invoke_times.push_back(op.time_us);
    } else {
      EXPECT_EQ(op.type, HistoryType::kOk);
    }
    EXPECT_FALSE(op.key.has_value()) << "key_count 0: null keys";
  }
  ASSERT_EQ(invoke_times.size(), 10u);
  for (size_t i = 0; i < invoke_times.size(); ++i) {
    EXPECT_EQ(invoke_times[i], invoke_times[0] + static_cast<TimeUs>(i) * 10 * kMillisecond);
  }
}

TEST(WorkloadsTest, RestartedProducerIsANewProcessWithUniqueValues) {
  ProducerWorkloadOptions options;
  options.client_name = "prod";
  options.count = 5;
  WorkloadWorld w(options, /*with_consumer=*/false);
  w.world.scheduler().RunUntil(100 * kMillisecond);
  w.world.Crash(w.producer);
  w.world.Start(w.producer);
  w.world.scheduler().RunUntil(200 * kMillisecond);
  auto* producer = w.world.ProcessAs<ProducerWorkload>(w.producer);
  ASSERT_NE(producer, nullptr);
  EXPECT_EQ(producer->incarnation(), 2);
  EXPECT_EQ(producer->process_name(), "prod#2");
  EXPECT_TRUE(producer->done());
  std::set<std::string> values;
  for (const auto& [partition, records] : w.state.records) {
    for (const auto& r : records) EXPECT_TRUE(values.insert(*r.value).second) << *r.value;
  }
  EXPECT_EQ(values.size(), 10u);
  EXPECT_TRUE(values.count("prod#2-0"));
  EXPECT_TRUE(values.count("prod-4"));
}

}  // namespace
}  // namespace ks
