// Goal: the simulated network keeps its TCP-like promises (per-connection FIFO, no duplicates, no
// gaps), applies latency and bandwidth as documented, accounts bytes per link, and applies each
// fault (partitions both ways and one way, heal, reset, delay spike, loss, crash) with both ends
// told where the contract says so. Method: TestProcess nodes (sim_test_util.h) send numbered
// messages; the tests compare what arrived, when, and which resets were seen.
#include "sim/network.h"

#include <gtest/gtest.h>

#include <numeric>

#include "tests/sim/sim_test_util.h"

namespace ks {
namespace {

using testing::FixedLatency;
using testing::OptionsWith;
using testing::TestWorld;

std::vector<int64_t> Range(int64_t begin, int64_t end) {
  std::vector<int64_t> values(static_cast<size_t>(end - begin));
  std::iota(values.begin(), values.end(), begin);
  return values;
}

TEST(NetworkTest, ConnectionsAreFifoEvenWithRandomLatency) {
  LinkOptions link;
  link.latency_min_us = 100;
  link.latency_max_us = 10'000;
  TestWorld t(OptionsWith(link), 3);
  t.StartAll();
  // Bursts at one instant and spread over time, from two senders to one receiver.
  for (int64_t seq = 0; seq < 1000; ++seq) {
    if (seq % 100 == 0) t.RunUntil(t.world().Now() + 3'000);
    t.Send(0, 2, seq);
    t.Send(1, 2, seq);
  }
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.SeqsFrom(2, 0), Range(0, 1000));
  EXPECT_EQ(t.SeqsFrom(2, 1), Range(0, 1000));
}

TEST(NetworkTest, LatencyStaysWithinItsBounds) {
  LinkOptions link;
  link.latency_min_us = 1'000;
  link.latency_max_us = 2'000;
  TestWorld t(OptionsWith(link), 2);
  t.StartAll();
  std::vector<TimeUs> sent_at;
  for (int64_t seq = 0; seq < 500; ++seq) {
    sent_at.push_back(t.world().Now());
    t.Send(0, 1, seq);
    t.RunUntil(t.world().Now() + 10'000);  // one message in flight at a time: no FIFO waits
  }
  const auto& received = t.log(1).received;
  ASSERT_EQ(received.size(), 500u);
  DurationUs lowest = kTimeNever, highest = 0;
  for (const auto& r : received) {
    const DurationUs latency = r.at_us - sent_at[static_cast<size_t>(r.seq)];
    EXPECT_GE(latency, 1'000);
    EXPECT_LE(latency, 2'000);
    lowest = std::min(lowest, latency);
    highest = std::max(highest, latency);
  }
  EXPECT_LT(lowest, 1'100) << "latencies spread over the range";
  EXPECT_GT(highest, 1'900);
}

TEST(NetworkTest, BandwidthSerializesMessages) {
  LinkOptions link = FixedLatency(100);
  link.bandwidth_bytes_per_s = 1'000'000;  // 1 MB/s: 1000 bytes take 1 ms
  TestWorld t(OptionsWith(link), 2);
  t.StartAll();
  for (int64_t seq = 0; seq < 100; ++seq) t.Send(0, 1, seq, 1'000);
  t.Send(1, 0, 0, 1'000);  // the other direction has its own pipe
  t.RunUntil(kTimeNever);
  const auto& received = t.log(1).received;
  ASSERT_EQ(received.size(), 100u);
  EXPECT_EQ(received.front().at_us, 1'000 + 100);
  EXPECT_EQ(received.back().at_us, 100 * 1'000 + 100) << "N * S / bandwidth + latency";
  ASSERT_EQ(t.log(0).received.size(), 1u);
  EXPECT_EQ(t.log(0).received[0].at_us, 1'100);
}

TEST(NetworkTest, CountsMessagesAndBytesPerDirection) {
  TestWorld t(OptionsWith(FixedLatency(100)), 3);
  t.StartAll();
  for (int i = 0; i < 5; ++i) t.Send(0, 1, i, 300);
  t.Send(1, 0, 0, 7);
  t.RunUntil(kTimeNever);
  const LinkStats& forward = t.world().network().stats(0, 1);
  EXPECT_EQ(forward.messages_sent, 5);
  EXPECT_EQ(forward.bytes_sent, 1'500);
  EXPECT_EQ(forward.messages_delivered, 5);
  EXPECT_EQ(forward.bytes_delivered, 1'500);
  EXPECT_EQ(forward.messages_dropped, 0);
  const LinkStats& backward = t.world().network().stats(1, 0);
  EXPECT_EQ(backward.bytes_sent, 7);
  EXPECT_EQ(backward.bytes_delivered, 7);
  EXPECT_EQ(t.world().network().stats(0, 2).messages_sent, 0);
  EXPECT_EQ(t.world().network().TotalStats().bytes_delivered, 1'507);
}

TEST(NetworkTest, SymmetricPartitionDropsBothWays) {
  TestWorld t(OptionsWith(FixedLatency(100)), 3);
  t.StartAll();
  t.world().network().Partition({0}, {1, 2}, /*one_way=*/false);
  for (NodeId peer : {1, 2}) {
    t.Send(0, peer, 0);
    t.Send(peer, 0, 0);
  }
  t.Send(1, 2, 0);  // same side: unaffected
  t.RunUntil(kTimeNever);
  EXPECT_TRUE(t.log(0).received.empty());
  EXPECT_EQ(t.SeqsFrom(1, 0), std::vector<int64_t>{});
  EXPECT_EQ(t.SeqsFrom(2, 1), std::vector<int64_t>{0});
  EXPECT_EQ(t.world().network().stats(0, 1).messages_dropped, 1);
  EXPECT_EQ(t.world().network().stats(2, 0).messages_dropped, 1);
}

// Regression: the "broken" mark was shared by both directions, so after the first message lost
// to a one-way partition the other direction dropped everything too.
TEST(NetworkTest, OneWayPartitionDropsOnlyOneDirection) {
  TestWorld t(OptionsWith(FixedLatency(100)), 2);
  t.StartAll();
  t.world().network().Partition({0}, {1}, /*one_way=*/true);
  EXPECT_TRUE(t.world().network().IsBlocked(0, 1));
  EXPECT_FALSE(t.world().network().IsBlocked(1, 0));
  for (int64_t seq = 0; seq < 10; ++seq) {
    t.Send(0, 1, seq);
    t.Send(1, 0, seq);
    t.RunUntil(t.world().Now() + 1'000);
  }
  EXPECT_TRUE(t.log(1).received.empty());
  EXPECT_EQ(t.SeqsFrom(0, 1), Range(0, 10));
  EXPECT_TRUE(t.log(0).resets.empty());
}

TEST(NetworkTest, HealResetsBrokenConnectionsAndTellsBothEnds) {
  TestWorld t(OptionsWith(FixedLatency(100)), 3);
  t.StartAll();
  t.Send(1, 2, 0);  // an open, healthy connection: heal must leave it alone
  t.world().network().Partition({0}, {1}, false);
  t.Send(0, 1, 0);
  t.RunUntil(1'000);
  t.world().network().HealAll();
  EXPECT_FALSE(t.world().network().IsBlocked(0, 1));
  t.RunUntil(2'000);
  ASSERT_EQ(t.log(0).resets.size(), 1u);
  EXPECT_EQ(t.log(0).resets[0].peer, 1);
  ASSERT_EQ(t.log(1).resets.size(), 1u);
  EXPECT_EQ(t.log(1).resets[0].peer, 0);
  EXPECT_TRUE(t.log(2).resets.empty());
  t.Send(0, 1, 1);
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.SeqsFrom(1, 0), std::vector<int64_t>{1}) << "the new connection works";
}

TEST(NetworkTest, NoGapAfterAPartitionDrop) {
  // m0 is in flight when the partition starts and dies on arrival; m1 is sent during the
  // partition. After the heal only messages of the new connection arrive, never m0 or m1
  // followed by later ones (which would be a gap in the old connection).
  TestWorld t(OptionsWith(FixedLatency(1'000)), 2);
  t.StartAll();
  t.Send(0, 1, 0);
  t.At(500, [&] { t.world().network().Partition({0}, {1}, false); });
  t.At(600, [&] { t.Send(0, 1, 1); });
  t.At(2'000, [&] { t.Send(0, 1, 2); });  // broken connection, still blocked
  t.At(2'100, [&] { t.world().network().HealAll(); });
  t.At(2'200, [&] { t.Send(0, 1, 3); });
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.SeqsFrom(1, 0), std::vector<int64_t>{3});
  ASSERT_EQ(t.log(1).resets.size(), 1u);
  EXPECT_LT(t.log(1).resets[0].at_us, t.log(1).received[0].at_us) << "told before new data";
  EXPECT_EQ(t.world().network().stats(0, 1).messages_dropped, 3);
}

TEST(NetworkTest, BlockedLinkDropsMessagesAlreadyInFlight) {
  // The partition is checked again on arrival: messages sent before it started are lost too.
  TestWorld t(OptionsWith(FixedLatency(1'000)), 2);
  t.StartAll();
  t.Send(0, 1, 0);
  t.At(100, [&] { t.Send(0, 1, 1); });
  t.At(500, [&] { t.world().network().Block(0, 1); });
  t.RunUntil(kTimeNever);
  EXPECT_TRUE(t.log(1).received.empty());
  EXPECT_EQ(t.world().network().stats(0, 1).messages_dropped, 2);
}

TEST(NetworkTest, ExplicitResetLosesInFlightMessagesAndTellsBothEnds) {
  TestWorld t(OptionsWith(FixedLatency(1'000)), 2);
  t.StartAll();
  for (int64_t seq = 0; seq < 5; ++seq) t.Send(0, 1, seq);
  t.Send(1, 0, 100);
  t.At(500, [&] { t.process(0).env().ResetConnection(1); });
  t.At(600, [&] { t.Send(0, 1, 5); });
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.SeqsFrom(1, 0), std::vector<int64_t>{5});
  EXPECT_TRUE(t.log(0).received.empty());
  ASSERT_EQ(t.log(0).resets.size(), 1u);
  EXPECT_EQ(t.log(0).resets[0].peer, 1);
  EXPECT_EQ(t.log(0).resets[0].at_us, 500);
  ASSERT_EQ(t.log(1).resets.size(), 1u);
  EXPECT_EQ(t.log(1).resets[0].peer, 0);
  EXPECT_EQ(t.log(1).received[0].at_us, 1'600) << "the new connection's pipe starts empty";
}

TEST(NetworkTest, DelaySpikeAddsLatencyForItsDuration) {
  TestWorld t(OptionsWith(FixedLatency(100)), 2);
  t.StartAll();
  t.world().network().DelaySpike(0, 1, 5'000, /*until=*/10'000);
  t.Send(0, 1, 0);
  t.Send(1, 0, 0);
  t.At(20'000, [&] { t.Send(0, 1, 1); });
  t.RunUntil(kTimeNever);
  ASSERT_EQ(t.log(1).received.size(), 2u);
  EXPECT_EQ(t.log(1).received[0].at_us, 5'100);
  EXPECT_EQ(t.log(1).received[1].at_us, 20'100);
  ASSERT_EQ(t.log(0).received.size(), 1u);
  EXPECT_EQ(t.log(0).received[0].at_us, 100) << "the other direction is not slowed";
}

TEST(NetworkTest, DropPpmLosesRoughlyThatFraction) {
  LinkOptions link = FixedLatency(10);
  link.drop_ppm = 100'000;  // 10 %
  TestWorld t(OptionsWith(link), 2);
  t.StartAll();
  for (int64_t seq = 0; seq < 20'000; ++seq) t.Send(0, 1, seq);
  t.RunUntil(kTimeNever);
  const auto seqs = t.SeqsFrom(1, 0);
  EXPECT_NEAR(static_cast<double>(seqs.size()), 18'000, 300);  // ~7 standard deviations
  EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end())) << "still in order";
  EXPECT_EQ(t.world().network().stats(0, 1).messages_dropped,
            20'000 - static_cast<int64_t>(seqs.size()));
}

// A killed process (the machine stays up): the kernel resets its connections at once.
TEST(NetworkTest, KillResetsTheNodesConnections) {
  TestWorld t(OptionsWith(FixedLatency(1'000)), 3);
  t.StartAll();
  t.Send(0, 1, 0);  // to the node that is killed
  t.Send(1, 0, 0);  // from it
  t.At(500, [&] { t.world().Kill(1); });
  t.RunUntil(kTimeNever);
  EXPECT_TRUE(t.log(0).received.empty()) << "the crashed node's in-flight message is lost";
  EXPECT_TRUE(t.log(1).received.empty());
  ASSERT_EQ(t.log(0).resets.size(), 1u);
  EXPECT_EQ(t.log(0).resets[0].peer, 1);
  EXPECT_EQ(t.log(0).resets[0].at_us, 500);
  EXPECT_TRUE(t.log(2).resets.empty()) << "no connection to node 2 was open";
}

// A power loss: the connections die in silence. The peer is not told; once the node is back, the
// peer's next send on the old connection is answered by a reset (and lost).
TEST(NetworkTest, CrashSeversTheNodesConnectionsSilently) {
  TestWorld t(OptionsWith(FixedLatency(1'000)), 2);
  t.StartAll();
  t.Send(0, 1, 0);
  t.At(500, [&] { t.world().Crash(1); });
  t.At(3'000, [&] { t.world().Start(1); });
  t.At(5'000, [&] { t.Send(0, 1, 1); });
  t.At(8'000, [&] { t.Send(0, 1, 2); });
  t.RunUntil(kTimeNever);
  // Lost: the message in flight at the crash and the one sent on the dead connection.
  EXPECT_EQ(t.SeqsFrom(1, 0), std::vector<int64_t>{2}) << "a new connection works";
  ASSERT_EQ(t.log(0).resets.size(), 1u) << "told only when it used the dead connection";
  EXPECT_EQ(t.log(0).resets[0].at_us, 6'000);
}

// Regression: a crash advanced the node's incarnation number at once, so a message sent to the
// crashed node carried the number of its next incarnation and was delivered after the restart to
// a process that never had a connection with the sender.
TEST(NetworkTest, MessageSentToACrashedNodeIsNotDeliveredAfterItsRestart) {
  TestWorld t(OptionsWith(FixedLatency(1'000)), 2);
  t.StartAll();
  t.At(100, [&] { t.world().Crash(1); });
  t.At(200, [&] { t.Send(0, 1, 0); });
  t.At(300, [&] { t.world().Start(1); });
  t.At(2'000, [&] { t.Send(0, 1, 1); });
  t.RunUntil(kTimeNever);
  EXPECT_EQ(t.SeqsFrom(1, 0), std::vector<int64_t>{1});
}

// Regression: a crash renewed the connection but left its pipe as it was, so the first message
// after a restart queued behind the transmission of messages that had been lost.
TEST(NetworkTest, CrashEmptiesTheConnectionsPipe) {
  LinkOptions link = FixedLatency(100);
  link.bandwidth_bytes_per_s = 1'000'000;
  TestWorld t(OptionsWith(link), 2);
  t.StartAll();
  for (int64_t seq = 0; seq < 100; ++seq) t.Send(1, 0, seq, 1'000);  // 100 ms of transmission
  t.At(1'000, [&] { t.world().Kill(1); });
  t.At(2'000, [&] { t.world().Start(1); });
  t.At(3'000, [&] { t.Send(1, 0, 1000, 1'000); });
  t.RunUntil(kTimeNever);
  // The first message would have arrived at 1100: everything sent before the crash is lost.
  ASSERT_EQ(t.SeqsFrom(0, 1), std::vector<int64_t>{1000});
  EXPECT_EQ(t.log(0).received.back().at_us, 3'000 + 1'000 + 100);
}

}  // namespace
}  // namespace ks
