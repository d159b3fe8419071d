// Goal: KafkaConsumer reads what the broker has, in order, from each partition's leader with the
// documented fetch parameters; positions start per auto.offset.reset (ListOffsets) and are reset
// on OFFSET_OUT_OF_RANGE, or surfaced with "none"; seeks inside a batch skip its earlier
// records; NOT_LEADER_OR_FOLLOWER-like errors refresh metadata and retry. Method: a World with
// the FakeBroker holding pre-appended batches; a Poll always waiting; records checked after.
#include "model/client/consumer.h"

#include <gtest/gtest.h>

#include "tests/client/client_test_util.h"

namespace ks {
namespace {

using testing::ConsumerWorld;

constexpr TimeUs kReady = 20 * kMillisecond;

ConsumerConfig Config(std::vector<std::pair<std::string, std::string>> pairs) {
  ConsumerConfig config;
  const Status status = ParseConsumerConfig(pairs, &config);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return config;
}

std::vector<TopicPartition> All(const testing::FakeBrokerState& state) {
  std::vector<TopicPartition> all;
  for (int32_t p = 0; p < state.partitions; ++p) all.push_back(TopicPartition{state.topic, p});
  return all;
}

TEST(ConsumerTest, ReadsEverythingInOrderFromEarliest) {
  ConsumerWorld w(Config({{"auto.offset.reset", "earliest"}}));
  w.state().AppendValues(0, {"a0", "a1", "a2"});
  w.state().AppendValues(0, {"a3"});
  w.state().AppendValues(2, {"c0", "c1"});
  w.Start();
  w.At(0, [&] {
    w.consumer().Assign(All(w.state()));
    w.PollForever();
  });
  w.At(50 * kMillisecond, [&] { w.state().AppendValues(1, {"b0", "b1"}); });
  w.RunUntil(200 * kMillisecond);
  std::map<int32_t, std::vector<std::string>> by_partition;
  std::map<int32_t, std::vector<int64_t>> offsets;
  for (const ConsumerRecord& r : w.records()) {
    by_partition[r.tp.partition].push_back(*r.value);
    offsets[r.tp.partition].push_back(r.offset);
  }
  EXPECT_EQ(by_partition[0], (std::vector<std::string>{"a0", "a1", "a2", "a3"}));
  EXPECT_EQ(offsets[0], (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(by_partition[1], (std::vector<std::string>{"b0", "b1"}));
  EXPECT_EQ(by_partition[2], (std::vector<std::string>{"c0", "c1"}));
  EXPECT_EQ(w.consumer().Position(TopicPartition{"t", 0}), 4);
  EXPECT_EQ(w.consumer().HighWatermark(TopicPartition{"t", 0}), 4);
  EXPECT_EQ(w.consumer().records_consumed(), 8);
  EXPECT_EQ(w.state().list_offsets_timestamps,
            (std::vector<int64_t>{kEarliestTimestamp, kEarliestTimestamp, kEarliestTimestamp}));
  for (int32_t epoch : w.state().fetch_leader_epochs) EXPECT_EQ(epoch, w.state().leader_epoch);
}

TEST(ConsumerTest, LatestSkipsWhatWasThere) {
  ConsumerWorld w(Config({}));  // auto.offset.reset=latest, Kafka's default
  w.state().partitions = 1;
  w.state().AppendValues(0, {"old0", "old1"});
  w.Start();
  w.At(0, [&] {
    w.consumer().Assign(All(w.state()));
    w.PollForever();
  });
  w.At(50 * kMillisecond, [&] { w.state().AppendValues(0, {"new"}); });
  w.RunUntil(200 * kMillisecond);
  ASSERT_EQ(w.records().size(), 1u);
  EXPECT_EQ(*w.records()[0].value, "new");
  EXPECT_EQ(w.records()[0].offset, 2);
}

TEST(ConsumerTest, SeekInsideABatchSkipsEarlierRecords) {
  ConsumerWorld w(Config({}));
  w.state().partitions = 1;
  w.state().AppendValues(0, {"r0", "r1", "r2", "r3"});
  w.Start();
  w.At(0, [&] {
    w.consumer().Assign(All(w.state()));
    w.consumer().Seek(TopicPartition{"t", 0}, 2);
    w.PollForever();
  });
  w.RunUntil(100 * kMillisecond);
  ASSERT_EQ(w.records().size(), 2u);
  EXPECT_EQ(w.records()[0].offset, 2);
  EXPECT_EQ(*w.records()[0].value, "r2");
  EXPECT_EQ(w.state().list_offsets_requests, 0) << "a seek replaces the reset";
}

TEST(ConsumerTest, OffsetOutOfRangeResetsWithAutoOffsetReset) {
  ConsumerWorld w(Config({{"auto.offset.reset", "earliest"}}));
  w.state().partitions = 1;
  w.state().AppendValues(0, {"r0", "r1", "r2"});
  w.Start();
  w.At(0, [&] {
    w.consumer().Assign(All(w.state()));
    w.consumer().Seek(TopicPartition{"t", 0}, 50);  // beyond the log end
    w.PollForever();
  });
  w.RunUntil(100 * kMillisecond);
  ASSERT_EQ(w.records().size(), 3u);
  EXPECT_EQ(w.records()[0].offset, 0);
  EXPECT_EQ(w.state().list_offsets_timestamps, (std::vector<int64_t>{kEarliestTimestamp}));
}

TEST(ConsumerTest, AutoOffsetResetNoneSurfacesTheErrorUntilSeek) {
  ConsumerWorld w(Config({{"auto.offset.reset", "none"}}));
  w.state().partitions = 1;
  w.state().AppendValues(0, {"r0", "r1"});
  w.Start();
  w.At(0, [&] {
    w.consumer().Assign(All(w.state()));
    w.PollForever();
  });
  w.RunUntil(50 * kMillisecond);
  ASSERT_EQ(w.errors().size(), 1u);
  EXPECT_EQ(w.errors()[0].code(), ErrorCode::kOffsetOutOfRange);
  EXPECT_TRUE(w.records().empty());
  EXPECT_EQ(w.state().fetch_requests, 0);
  w.At(60 * kMillisecond, [&] { w.consumer().Seek(TopicPartition{"t", 0}, 1); });
  w.RunUntil(100 * kMillisecond);
  ASSERT_EQ(w.records().size(), 1u);
  EXPECT_EQ(*w.records()[0].value, "r1");
}

TEST(ConsumerTest, SeekToBeginningAndEnd) {
  ConsumerWorld w(Config({{"auto.offset.reset", "earliest"}}));
  w.state().partitions = 1;
  w.state().AppendValues(0, {"r0", "r1"});
  w.state().log_start_offset[0] = 1;  // r0 was deleted by retention
  w.Start();
  w.At(0, [&] {
    w.consumer().Assign(All(w.state()));
    w.PollForever();
  });
  w.RunUntil(50 * kMillisecond);
  ASSERT_EQ(w.records().size(), 1u);
  EXPECT_EQ(w.records()[0].offset, 1) << "earliest is the log start offset";
  w.At(60 * kMillisecond, [&] { w.consumer().SeekToEnd({TopicPartition{"t", 0}}); });
  w.RunUntil(100 * kMillisecond);
  EXPECT_EQ(w.consumer().Position(TopicPartition{"t", 0}), 2);
  EXPECT_EQ(w.state().list_offsets_timestamps.back(), kLatestTimestamp);
}

TEST(ConsumerTest, NotLeaderRefreshesMetadataAndRetries) {
  ConsumerWorld w(Config({{"auto.offset.reset", "earliest"}}));
  w.state().partitions = 1;
  w.state().AppendValues(0, {"r0"});
  w.state().fetch_errors = {ErrorCode::kNotLeaderOrFollower, ErrorCode::kFencedLeaderEpoch};
  w.Start();
  w.At(0, [&] {
    w.consumer().Assign(All(w.state()));
    w.PollForever();
  });
  w.RunUntil(kSecond);
  ASSERT_EQ(w.records().size(), 1u);
  EXPECT_GE(w.state().metadata_requests, 3);
  EXPECT_EQ(w.consumer().last_error(), ErrorCode::kFencedLeaderEpoch);
}

TEST(ConsumerTest, MaxPollRecordsBoundsEachPoll) {
  ConsumerWorld w(Config({{"auto.offset.reset", "earliest"}, {"max.poll.records", "3"}}));
  w.state().partitions = 1;
  w.state().AppendValues(0, {"0", "1", "2", "3", "4", "5", "6"});
  w.Start();
  w.At(0, [&] {
    w.consumer().Assign(All(w.state()));
    w.PollForever();
  });
  w.RunUntil(100 * kMillisecond);
  ASSERT_EQ(w.records().size(), 7u);
  EXPECT_EQ(w.polls(), 3);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(w.records()[i].offset, i);
}

}  // namespace
}  // namespace ks
