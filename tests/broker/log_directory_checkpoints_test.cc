// Goal (issue 10, scale): a broker keeps recovery-point-offset-checkpoint,
// log-start-offset-checkpoint and replication-offset-checkpoint as ONE file each at the root of
// its disk (its log directory) holding every partition's entry, as Kafka's LogManager and
// ReplicaManager do — not one file per partition directory — so a checkpoint round costs one
// fsync per file, whatever the number of partitions (1 000 partitions used to cost 1 000 fsyncs
// of 2 ms, a 2 s stall of the broker, at every round). After a power loss each log recovers from
// its own entry of the directory's file.
// Method: one broker hosting kPartitions single-partition topics with flush.messages=1 (every
// append fsyncs, so each recovery point is its LEO). The files are read from the broker's
// simulated disk; the fsyncs of a quiet stretch holding only high-watermark checkpoint rounds are
// counted; a crash and restart, and the log.recovery events name each log's recovery point.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "model/log/checkpoint_file.h"
#include "model/log/log_events.h"
#include "tests/broker/cluster_test_util.h"

namespace ks {
namespace {

using testing::KafkaTestCluster;

constexpr int kPartitions = 12;

TopicPartition Tp(int i) { return TopicPartition{"t" + std::to_string(i), 0}; }

std::map<TopicPartition, int64_t> Entries(SimDisk& disk, const std::string& file) {
  std::vector<OffsetCheckpointEntry> read;
  EXPECT_TRUE(ReadOffsetCheckpoint(disk, file, &read).ok()) << file;
  std::map<TopicPartition, int64_t> entries;
  for (const OffsetCheckpointEntry& e : read) entries[{e.topic, e.partition}] = e.offset;
  return entries;
}

TEST(LogDirectoryCheckpointsTest, OneFilePerDirectoryWithEveryPartitionAndOneFsyncPerRound) {
  KafkaTestCluster cluster(1);
  for (int i = 0; i < kPartitions; ++i) {
    cluster.CreateTopic("t" + std::to_string(i), {1}, {{"flush.messages", "1"}});
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
  }
  for (int i = 0; i < kPartitions; ++i) cluster.client().Produce(cluster.node(1), Tp(i), i + 1, 1);
  // Past the first recovery-point and log-start-offset checkpoint rounds (30 s after start).
  cluster.RunFor(31 * kSecond);
  SimDisk& disk = cluster.world().disk(cluster.node(1));

  const std::map<TopicPartition, int64_t> recovery_points =
      Entries(disk, "recovery-point-offset-checkpoint");
  const std::map<TopicPartition, int64_t> high_watermarks =
      Entries(disk, "replication-offset-checkpoint");
  ASSERT_EQ(recovery_points.size(), static_cast<size_t>(kPartitions));
  ASSERT_EQ(high_watermarks.size(), static_cast<size_t>(kPartitions));
  for (int i = 0; i < kPartitions; ++i) {
    EXPECT_EQ(recovery_points.at(Tp(i)), i + 1) << Tp(i).Name();
    EXPECT_EQ(high_watermarks.at(Tp(i)), i + 1) << Tp(i).Name();
  }
  EXPECT_TRUE(disk.Exists("log-start-offset-checkpoint"));
  for (const std::string& file : disk.List("")) {
    if (file.find('/') == std::string::npos) continue;
    EXPECT_EQ(file.find("offset-checkpoint"), std::string::npos)
        << file << ": no offset checkpoint inside a partition directory";
  }

  // A quiet half minute holds only high-watermark checkpoint rounds: one fsync each.
  const int64_t interval_ms =
      testing::TestBrokerConfig().replica_high_watermark_checkpoint_interval_ms;
  const int64_t fsyncs = disk.fsync_count();
  cluster.RunFor(30 * kSecond);
  EXPECT_EQ(disk.fsync_count() - fsyncs, 30'000 / interval_ms)
      << "one fsync per checkpoint round, not one per partition";
}

TEST(LogDirectoryCheckpointsTest, RestartRecoversEachLogFromItsEntryInTheDirectoryFile) {
  KafkaTestCluster cluster(1);
  for (int i = 0; i < kPartitions; ++i) {
    cluster.CreateTopic("t" + std::to_string(i), {1}, {{"flush.messages", "1"}});
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
  }
  for (int i = 0; i < kPartitions; ++i) cluster.client().Produce(cluster.node(1), Tp(i), i + 1, 1);
  cluster.RunFor(31 * kSecond);  // the recovery points are checkpointed at 30 s
  const size_t recoveries_before = cluster.Events("log.recovery").size();
  cluster.world().Crash(cluster.node(1));
  cluster.world().Start(cluster.node(1));
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.Replica(1, Tp(kPartitions - 1)) != nullptr; },
                               10 * kSecond));
  std::map<TopicPartition, int64_t> recovered_from;
  const std::vector<TraceEvent> events = cluster.Events("log.recovery");
  for (size_t e = recoveries_before; e < events.size(); ++e) {
    const ev::LogRecovery recovery = *events[e].As<ev::LogRecovery>();
    recovered_from[recovery.tp.Owned()] = recovery.recovery_point;
    EXPECT_EQ(recovery.segments_scanned, 1) << "only the segment holding the recovery point";
  }
  ASSERT_EQ(recovered_from.size(), static_cast<size_t>(kPartitions));
  for (int i = 0; i < kPartitions; ++i) {
    EXPECT_EQ(recovered_from.at(Tp(i)), i + 1) << Tp(i).Name();
    EXPECT_EQ(cluster.Replica(1, Tp(i))->log_end_offset(), i + 1) << Tp(i).Name();
  }
}

}  // namespace
}  // namespace ks
