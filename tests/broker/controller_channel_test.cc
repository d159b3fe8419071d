// Goal: the controller's channel to the brokers behaves as Kafka's ControllerChannelManager: one
// queue per broker, one request in flight, a failed attempt retried (the same request) after
// 100 ms, until it is answered or the broker is removed — so a dead broker costs a bounded,
// steady number of sends, never a growing storm (issue 10, A: resends grew 9 -> 20.7 M per
// simulated millisecond when every reset resent every pending request at once).
// Method: the channel over an Env whose network is the test's: every send is recorded, the test
// answers, resets or stays silent, and advances the clock by hand.
#include "model/controller/controller_channel.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "model/controller/controller_events.h"
#include "model/kafka/update_metadata.h"
#include "tests/support/fake_env.h"

namespace ks::testing {
namespace {

// FakeEnv's clock, timers and trace, with a network that records what is sent.
class NetworkEnv final : public Env {
 public:
  struct Sent {
    TimeUs at_us;
    NodeId to;
    int64_t correlation_id;
  };

  NodeId Self() const override { return 0; }
  TimeUs Now() const override { return fake.Now(); }
  int64_t WallClockMs() const override { return fake.WallClockMs(); }
  TimerId SetTimer(DurationUs delay, Callback callback) override {
    return fake.SetTimer(delay, std::move(callback));
  }
  bool CancelTimer(TimerId timer) override { return fake.CancelTimer(timer); }
  Rng& Random(std::string_view component) override { return fake.Random(component); }
  void Send(NodeId to, MessagePtr message) override {
    auto* request = dynamic_cast<KafkaRequest*>(message.get());
    ASSERT_NE(request, nullptr);
    sent.push_back({Now(), to, request->correlation_id});
  }
  void ResetConnection(NodeId) override {}
  Disk& LocalDisk() override { return fake.LocalDisk(); }
  bool Observes(const EventKind& kind) const override { return fake.Observes(kind); }
  void TraceEncoded(const EventKind& kind, std::string_view data) override {
    fake.TraceEncoded(kind, data);
  }

  int SentBetween(TimeUs from_us, TimeUs to_us) const {
    int count = 0;
    for (const Sent& s : sent) count += s.at_us >= from_us && s.at_us < to_us;
    return count;
  }

  FakeEnv fake;
  std::vector<Sent> sent;
};

constexpr BrokerId kBroker = 2;
constexpr NodeId kNode = 12;
constexpr int64_t kTimeoutMs = 30000;

std::unique_ptr<UpdateMetadataRequest> Request(int64_t correlation_id) {
  auto request = std::make_unique<UpdateMetadataRequest>();
  request->correlation_id = correlation_id;
  return request;
}

UpdateMetadataResponse Answer(int64_t correlation_id) {
  UpdateMetadataResponse response;
  response.correlation_id = correlation_id;
  return response;
}

class ControllerChannelTest : public ::testing::Test {
 protected:
  ControllerChannelTest() : channel_(env_, kTimeoutMs) { channel_.AddBroker(kBroker, kNode); }

  NetworkEnv env_;
  ControllerChannel channel_;
};

TEST_F(ControllerChannelTest, OneRequestInFlightTheNextLeavesOnTheAnswer) {
  channel_.Send(kBroker, Request(1));
  channel_.Send(kBroker, Request(2));
  channel_.Send(kBroker, Request(3));
  ASSERT_EQ(env_.sent.size(), 1u);
  EXPECT_EQ(env_.sent[0].correlation_id, 1);
  EXPECT_EQ(channel_.queued(kBroker), 3u);

  channel_.HandleResponse(kNode, Answer(2));  // not the one awaited: ignored
  EXPECT_EQ(env_.sent.size(), 1u);
  channel_.HandleResponse(kNode, Answer(1));
  ASSERT_EQ(env_.sent.size(), 2u);
  EXPECT_EQ(env_.sent[1].correlation_id, 2);
  channel_.HandleResponse(kNode, Answer(2));
  channel_.HandleResponse(kNode, Answer(3));
  EXPECT_EQ(env_.sent.size(), 3u);
  EXPECT_EQ(channel_.queued(kBroker), 0u);
  EXPECT_EQ(env_.fake.pending_timers(), 0u);
}

TEST_F(ControllerChannelTest, ARefusingBrokerCostsOneSendPerBackoffNotAGrowingStorm) {
  // A killed broker: every send is refused, i.e. answered by a reset one latency (1 ms) later.
  for (int64_t id = 1; id <= 20; ++id) channel_.Send(kBroker, Request(id));
  size_t refused = 0;
  for (int ms = 0; ms < 10000; ++ms) {
    env_.fake.AdvanceMs(1);
    while (refused < env_.sent.size()) {
      ++refused;
      channel_.HandleConnectionReset(kNode);
    }
  }
  // Each attempt takes 1 ms to be refused plus 100 ms of backoff: 10 s hold at most 100 sends,
  // all of the same (first) request, as many in the last second as in the first.
  EXPECT_LE(env_.sent.size(), 100u);
  EXPECT_GE(env_.sent.size(), 90u);
  for (const NetworkEnv::Sent& s : env_.sent) EXPECT_EQ(s.correlation_id, 1);
  const int first = env_.SentBetween(0, kSecond);
  const int last = env_.SentBetween(9 * kSecond, 10 * kSecond);
  EXPECT_LE(last, first);
  EXPECT_LE(first, 10);
  // Every retry is traced with its attempt number and reason.
  const auto resends = env_.fake.EventsOfKind(ev::ControllerResend::kName);
  ASSERT_EQ(resends.size(), env_.sent.size() - 1);
  const std::optional<ev::ControllerResend> last_resend =
      resends.back()->As<ev::ControllerResend>();
  ASSERT_TRUE(last_resend.has_value());
  EXPECT_EQ(last_resend->attempt, static_cast<int32_t>(env_.sent.size()));
  EXPECT_EQ(last_resend->reason, "connection reset");
}

TEST_F(ControllerChannelTest, AnUnansweredRequestIsSentAgainAfterTheTimeoutAndTheBackoff) {
  // A broker that lost power: silence, no reset.
  channel_.Send(kBroker, Request(1));
  env_.fake.AdvanceMs(kTimeoutMs + ControllerChannel::kRetryBackoffMs - 1);
  EXPECT_EQ(env_.sent.size(), 1u);
  env_.fake.AdvanceMs(1);
  ASSERT_EQ(env_.sent.size(), 2u);
  EXPECT_EQ(env_.sent[1].correlation_id, 1);
  // A late answer to the first attempt ends the request all the same.
  channel_.HandleResponse(kNode, Answer(1));
  EXPECT_EQ(channel_.queued(kBroker), 0u);
  EXPECT_EQ(env_.fake.pending_timers(), 0u);
}

TEST_F(ControllerChannelTest, RemovingTheBrokerDropsItsQueueAndItsRetries) {
  channel_.Send(kBroker, Request(1));
  channel_.Send(kBroker, Request(2));
  channel_.HandleConnectionReset(kNode);  // backing off now
  channel_.RemoveBroker(kBroker);
  EXPECT_EQ(env_.fake.pending_timers(), 0u);
  env_.fake.AdvanceMs(60000);
  EXPECT_EQ(env_.sent.size(), 1u);
  // A broker without a queue is offline: nothing is sent to it.
  channel_.Send(kBroker, Request(3));
  EXPECT_EQ(env_.sent.size(), 1u);
  EXPECT_EQ(channel_.queued(kBroker), 0u);
}

TEST_F(ControllerChannelTest, AResetWhileIdleOrBackingOffSendsNothingMore) {
  channel_.HandleConnectionReset(kNode);  // idle: nothing to retry
  EXPECT_TRUE(env_.sent.empty());
  channel_.Send(kBroker, Request(1));
  channel_.HandleConnectionReset(kNode);
  channel_.HandleConnectionReset(kNode);  // an echo during the backoff: no second retry
  channel_.HandleConnectionReset(kNode);
  env_.fake.AdvanceMs(ControllerChannel::kRetryBackoffMs);
  EXPECT_EQ(env_.sent.size(), 2u);
}

}  // namespace
}  // namespace ks::testing
