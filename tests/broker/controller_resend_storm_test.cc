// Goal (issue 10, A: the controller's resend storm): after a broker is killed, the controller's
// requests to it cost a bounded, steady number of sends until the broker leaves /brokers/ids,
// and none after. Before the fix every connection reset resent every unanswered request to the
// broker at once, and each refused send reset the connection again: the sends multiplied until
// the scheduler aborted ("too many pending events").
// Method: three brokers, b1 the controller; "orders" is led by b2 and "payments" by b3, both
// replicated on all three, and the test client produces to both with acks=all. b3 is killed
// (its process dies, so every later send to it is refused). The leader b2 drops b3 from its ISR
// after replica.lag.time.max.ms (2 s), so the controller writes the new ISR and sends
// UpdateMetadata to every broker still registered — b3 included, until its session expires after
// zookeeper.session.timeout.ms (10 s). The controller's sends to b3 are the network's drops of
// its UpdateMetadata, LeaderAndIsr and StopReplica requests to b3 ("host down").
#include <gtest/gtest.h>

#include <map>

#include "model/controller/controller_events.h"
#include "sim/world_events.h"
#include "tests/broker/cluster_test_util.h"

namespace ks::testing {
namespace {

BrokerConfig StormConfig() {
  BrokerConfig config = TestBrokerConfig();
  config.zookeeper_session_timeout_ms = 10000;  // the test ensemble's maximum (20 ticks)
  config.replica_lag_time_max_ms = 2000;
  return config;
}

bool IsControllerRequest(std::string_view message) {
  return message.find("UpdateMetadata") != std::string_view::npos ||
         message.find("LeaderAndIsr") != std::string_view::npos ||
         message.find("StopReplica") != std::string_view::npos;
}

TEST(ControllerResendStormTest, SendsToAKilledBrokerStayBoundedUntilItIsRemoved) {
  KafkaTestCluster cluster(3, StormConfig());
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.ControllerId() == 1; }, 5 * kSecond));
  cluster.CreateTopic("orders", {2, 3, 1});
  cluster.CreateTopic("payments", {3, 1, 2});
  ASSERT_FALSE(HasFatalFailure());
  const TopicPartition orders{"orders", 0};
  const TopicPartition payments{"payments", 0};
  for (int i = 0; i < 10; ++i) {
    cluster.client().Produce(cluster.node(2), orders, 5, /*acks=*/-1);
    cluster.client().Produce(cluster.node(3), payments, 5, /*acks=*/-1);
    cluster.RunFor(100 * kMillisecond);
  }

  const TimeUs killed_at = cluster.Now();
  cluster.world().Kill(cluster.node(3));
  // The producer keeps writing to the live leader, so b2's ISR shrinks and the controller has
  // something to tell every registered broker.
  for (int i = 0; i < 300; ++i) {
    cluster.client().Produce(cluster.node(2), orders, 1, /*acks=*/-1);
    cluster.RunFor(100 * kMillisecond);
  }
  ASSERT_TRUE(cluster.broker(1)->is_controller());

  // The controller removed b3 when its session expired...
  TimeUs removed_at = -1;
  for (const TraceEvent& e : cluster.Events(ev::ControllerBrokerFailure::kName)) {
    if (e.As<ev::ControllerBrokerFailure>()->broker == 3) removed_at = e.time_us;
  }
  ASSERT_GE(removed_at, killed_at + 8 * kSecond);  // its session outlived the ISR shrink
  EXPECT_EQ(cluster.broker(1)->controller().live_brokers().count(3), 0u);
  // ...the ISR did shrink while b3 was still registered (the case that used to storm)...
  const Controller::PartitionView* view = cluster.ControllerView(orders);
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(view->state.isr, (std::vector<BrokerId>{2, 1}));

  // ...and its sends to b3 were at most one per 100 ms backoff (plus the refusal's round trip)
  // in every second, as many at the end as at the start, and none once b3 was removed.
  std::map<int64_t, int> sends_per_second;
  int total = 0, after_removal = 0;
  for (const TraceEvent& e : cluster.Events(ev::NetDrop::kName)) {
    if (e.node != cluster.node(1) || e.time_us < killed_at) continue;
    const std::optional<ev::NetDrop> drop = e.As<ev::NetDrop>();
    if (drop->to != "b3" || !IsControllerRequest(drop->message)) continue;
    ++total;
    ++sends_per_second[(e.time_us - killed_at) / kSecond];
    if (e.time_us > removed_at) ++after_removal;
  }
  EXPECT_GT(total, 0) << "the controller never had anything to send to b3: the test tests nothing";
  EXPECT_LE(total, 11 * 10);
  for (const auto& [second, sends] : sends_per_second) {
    EXPECT_LE(sends, 10) << "in second " << second << " after the kill";
  }
  EXPECT_EQ(after_removal, 0);
  // Every send after the first was a traced retry of the same request.
  int resends = 0;
  for (const TraceEvent& e : cluster.Events(ev::ControllerResend::kName)) {
    if (e.As<ev::ControllerResend>()->broker == 3) ++resends;
  }
  EXPECT_GE(resends, total - 1);
}

}  // namespace
}  // namespace ks::testing
