// Goal: KafkaProducer behaves as Kafka's producer against a broker: batches by batch.size and
// linger.ms, respects max.in.flight.requests.per.connection, retries retriable errors after
// retry.backoff.ms (and, with several requests in flight, reorders and duplicates as Kafka
// without idempotence does), fails a request after request.timeout.ms, bounds a send with
// delivery.timeout.ms (fail if never sent, unknown if sent), acknowledges acks=0 sends on the
// spot, and routes keys by murmur2. Method: a World with the FakeBroker (tests/client), sends
// issued as world events, results and broker counters checked afterwards.
#include "model/client/producer.h"

#include <gtest/gtest.h>

#include "tests/client/client_test_util.h"

namespace ks {
namespace {

using testing::ProducerWorld;

constexpr TimeUs kReady = 20 * kMillisecond;  // metadata has arrived by then

ProducerConfig Config(std::vector<std::pair<std::string, std::string>> pairs) {
  ProducerConfig config;
  const Status status = ParseProducerConfig(pairs, &config);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return config;
}

std::string Value(int i, size_t bytes = 100) {
  std::string value = "v" + std::to_string(i);
  value.resize(bytes, '.');
  return value;
}

TEST(ProducerTest, FetchesMetadataThenSendsSameInstantRecordsInOneBatch) {
  ProducerWorld w(Config({}));
  w.Start();
  w.RunUntil(kReady);
  EXPECT_EQ(w.state().metadata_requests, 1);
  w.At(kReady, [&] {
    for (int i = 0; i < 10; ++i) w.Send("k", Value(i));
  });
  w.RunUntil(kReady + 100 * kMillisecond);
  ASSERT_EQ(w.completed(), 10u);
  EXPECT_EQ(w.state().produce_requests, 1) << "linger.ms=0 still batches one instant's sends";
  EXPECT_EQ(w.state().records_per_request, (std::vector<int64_t>{10}));
  const int32_t partition = PartitionForKey("k", w.state().partitions);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(w.result(i).outcome, SendOutcome::kOk);
    EXPECT_EQ(w.result(i).tp.partition, partition);
    EXPECT_EQ(w.result(i).offset, i);
  }
  EXPECT_EQ(w.state().acks_seen, (std::vector<int16_t>{kAcksAll}));
  EXPECT_EQ(w.producer().acked(), 10);
  EXPECT_EQ(w.producer().in_flight(), 0);
}

TEST(ProducerTest, SendBeforeMetadataWaitsForIt) {
  ProducerWorld w(Config({}));
  w.Start();
  w.At(0, [&] { w.Send(std::nullopt, "early"); });
  w.RunUntil(kReady);
  ASSERT_EQ(w.completed(), 1u);
  EXPECT_EQ(w.result(0).outcome, SendOutcome::kOk);
  EXPECT_EQ(w.result(0).offset, 0);
}

TEST(ProducerTest, BatchSizeSplitsBatches) {
  ProducerWorld w(Config({{"batch.size", "500"}}));
  w.Start();
  w.At(kReady, [&] {
    for (int i = 0; i < 20; ++i) w.Send("k", Value(i));
  });
  w.RunUntil(kReady + 200 * kMillisecond);
  ASSERT_EQ(w.completed(), 20u);
  int64_t total = 0;
  for (int64_t records : w.state().records_per_request) {
    EXPECT_LE(records, 4) << "61 + 4 records of ~110 bytes exceed 500";
    total += records;
  }
  EXPECT_EQ(total, 20);
  EXPECT_GE(w.state().produce_requests, 5);
  EXPECT_LE(w.state().produce_requests, 7) << "batches are filled, not one record each";
  for (int i = 0; i < 20; ++i) EXPECT_EQ(w.result(i).offset, i) << "no errors: in order";
}

TEST(ProducerTest, LingerMsWaitsForMoreRecords) {
  ProducerWorld w(Config({{"linger.ms", "50"}}));
  w.Start();
  w.At(kReady, [&] { w.Send("k", Value(0)); });
  w.At(kReady + 20 * kMillisecond, [&] { w.Send("k", Value(1)); });
  w.At(kReady + 49 * kMillisecond, [&] { EXPECT_EQ(w.state().produce_requests, 0); });
  w.At(kReady + 100 * kMillisecond, [&] { w.Send("k", Value(2)); });
  w.RunUntil(kReady + 300 * kMillisecond);
  ASSERT_EQ(w.completed(), 3u);
  EXPECT_EQ(w.state().records_per_request, (std::vector<int64_t>{2, 1}));
  // Sent at kReady + 50 ms; 1 ms each way.
  EXPECT_EQ(w.completed_at(0), kReady + 52 * kMillisecond);
  EXPECT_EQ(w.completed_at(2), kReady + 152 * kMillisecond);
}

TEST(ProducerTest, MaxInFlightIsRespected) {
  for (int max_in_flight : {1, 2, 5}) {
    ProducerWorld w(
        Config({{"batch.size", "1"},
                {"max.in.flight.requests.per.connection", std::to_string(max_in_flight)}}));
    w.state().response_delay_us = 10 * kMillisecond;
    w.Start();
    w.At(kReady, [&] {
      for (int i = 0; i < 30; ++i) w.Send("k", Value(i));
    });
    w.RunUntil(kReady + kSecond);
    ASSERT_EQ(w.completed(), 30u);
    EXPECT_EQ(w.state().produce_pending_max, max_in_flight);
    EXPECT_EQ(w.state().produce_requests, 30) << "one record per batch, one batch per partition";
    for (int i = 0; i < 30; ++i) EXPECT_EQ(w.result(i).offset, i);
  }
}

TEST(ProducerTest, RetriesNotLeaderAfterBackoffAndRefreshesMetadata) {
  ProducerWorld w(Config({{"retry.backoff.ms", "100"}}));
  w.state().produce_errors.push_back({ErrorCode::kNotLeaderOrFollower, false});
  w.Start();
  w.At(kReady, [&] { w.Send("k", "v"); });
  w.RunUntil(kReady + kSecond);
  ASSERT_EQ(w.completed(), 1u);
  EXPECT_EQ(w.result(0).outcome, SendOutcome::kOk);
  EXPECT_EQ(w.result(0).offset, 0);
  EXPECT_EQ(w.state().produce_requests, 2);
  EXPECT_EQ(w.producer().retries(), 1);
  EXPECT_GE(w.state().metadata_requests, 2) << "NOT_LEADER_OR_FOLLOWER refreshes metadata";
  // Failed answer at kReady + 2 ms, resent after the 100 ms backoff, answered 2 ms later.
  EXPECT_EQ(w.completed_at(0), kReady + 104 * kMillisecond);
}

TEST(ProducerTest, RetryWithSeveralInFlightReordersAsKafkaWithoutIdempotence) {
  ProducerWorld w(Config({{"batch.size", "1"}}));
  w.state().response_delay_us = 5 * kMillisecond;
  // The first batch is refused, the second accepted: the retry lands after it.
  w.state().produce_errors.push_back({ErrorCode::kNotLeaderOrFollower, false});
  w.Start();
  w.At(kReady, [&] {
    w.Send("k", "first");
    w.Send("k", "second");
  });
  w.RunUntil(kReady + kSecond);
  ASSERT_EQ(w.completed(), 2u);
  EXPECT_EQ(w.result(0).offset, 1);
  EXPECT_EQ(w.result(1).offset, 0);
  const auto& log = w.state().records[PartitionForKey("k", w.state().partitions)];
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].value, "second");
  EXPECT_EQ(log[1].value, "first");
}

TEST(ProducerTest, RequestTimeoutRetriesAndDuplicates) {
  ProducerWorld w(Config({{"request.timeout.ms", "1000"}, {"delivery.timeout.ms", "5000"}}));
  w.state().drop_produce_responses = 1;  // appended, but the answer never comes
  w.Start();
  w.At(kReady, [&] { w.Send("k", "v"); });
  w.RunUntil(kReady + 3 * kSecond);
  ASSERT_EQ(w.completed(), 1u);
  EXPECT_EQ(w.result(0).outcome, SendOutcome::kOk);
  EXPECT_EQ(w.result(0).offset, 1) << "the resend was appended a second time";
  EXPECT_EQ(w.state().records[PartitionForKey("k", w.state().partitions)].size(), 2u);
  // Timed out at kReady + 1000 ms, resent after the 100 ms backoff.
  EXPECT_EQ(w.completed_at(0), kReady + 1102 * kMillisecond);
}

TEST(ProducerTest, DeliveryTimeoutOfANeverSentRecordFails) {
  ProducerWorld w(Config({{"request.timeout.ms", "1000"}, {"delivery.timeout.ms", "2000"}}));
  w.state().leaderless = true;
  w.Start();
  w.At(kReady, [&] { w.Send("k", "v"); });
  w.RunUntil(kReady + 5 * kSecond);
  ASSERT_EQ(w.completed(), 1u);
  EXPECT_EQ(w.result(0).outcome, SendOutcome::kFailed);
  EXPECT_EQ(w.result(0).error, ErrorCode::kRequestTimedOut);
  EXPECT_EQ(w.completed_at(0), kReady + 2 * kSecond);
  EXPECT_EQ(w.state().produce_requests, 0);
  EXPECT_GE(w.state().metadata_requests, 10) << "leaderless partitions are asked about again";
  EXPECT_EQ(w.producer().failed(), 1);
}

TEST(ProducerTest, DeliveryTimeoutAfterSendingIsUnknown) {
  ProducerWorld w(Config({{"request.timeout.ms", "1000"}, {"delivery.timeout.ms", "2500"}}));
  w.state().drop_produce_responses = 1000;
  w.Start();
  w.At(kReady, [&] { w.Send("k", "v"); });
  w.RunUntil(kReady + 5 * kSecond);
  ASSERT_EQ(w.completed(), 1u);
  EXPECT_EQ(w.result(0).outcome, SendOutcome::kUnknown);
  EXPECT_EQ(w.result(0).error, ErrorCode::kRequestTimedOut);
  EXPECT_EQ(w.completed_at(0), kReady + 2500 * kMillisecond);
  EXPECT_EQ(w.producer().unknown(), 1);
}

TEST(ProducerTest, NotEnoughReplicasExhaustingRetriesFails) {
  ProducerWorld w(Config({{"retries", "1"}}));
  w.state().produce_errors = {{ErrorCode::kNotEnoughReplicas, false},
                              {ErrorCode::kNotEnoughReplicas, false}};
  w.Start();
  w.At(kReady, [&] { w.Send("k", "v"); });
  w.RunUntil(kReady + kSecond);
  ASSERT_EQ(w.completed(), 1u);
  EXPECT_EQ(w.result(0).outcome, SendOutcome::kFailed) << "rejected before the append";
  EXPECT_EQ(w.result(0).error, ErrorCode::kNotEnoughReplicas);
  EXPECT_EQ(w.state().produce_requests, 2);
}

TEST(ProducerTest, NotEnoughReplicasAfterAppendIsUnknown) {
  ProducerWorld w(Config({{"retries", "0"}}));
  w.state().produce_errors = {{ErrorCode::kNotEnoughReplicasAfterAppend, true}};
  w.Start();
  w.At(kReady, [&] { w.Send("k", "v"); });
  w.RunUntil(kReady + kSecond);
  ASSERT_EQ(w.completed(), 1u);
  EXPECT_EQ(w.result(0).outcome, SendOutcome::kUnknown);
  EXPECT_EQ(w.result(0).error, ErrorCode::kNotEnoughReplicasAfterAppend);
  EXPECT_EQ(w.producer().last_error(), ErrorCode::kNotEnoughReplicasAfterAppend);
}

TEST(ProducerTest, NonRetriableErrorFailsAtOnce) {
  ProducerWorld w(Config({}));
  w.state().produce_errors = {{ErrorCode::kInvalidRecord, false}};
  w.Start();
  w.At(kReady, [&] { w.Send("k", "v"); });
  w.RunUntil(kReady + kSecond);
  ASSERT_EQ(w.completed(), 1u);
  EXPECT_EQ(w.result(0).outcome, SendOutcome::kFailed);
  EXPECT_EQ(w.result(0).error, ErrorCode::kInvalidRecord);
  EXPECT_EQ(w.state().produce_requests, 1);
}

TEST(ProducerTest, AcksZeroGetsNoResponseAndIsOkOnceSent) {
  ProducerWorld w(Config({{"acks", "0"}}));
  w.Start();
  w.At(kReady, [&] {
    w.Send("k", "a");
    w.Send("k", "b");
  });
  w.RunUntil(kReady + kSecond);
  ASSERT_EQ(w.completed(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(w.result(i).outcome, SendOutcome::kOk);
    EXPECT_EQ(w.result(i).offset, -1);
    EXPECT_EQ(w.completed_at(i), kReady) << "ok when written to the network";
  }
  EXPECT_EQ(w.state().acks_seen, (std::vector<int16_t>{kAcksNone}));
  EXPECT_EQ(w.state().records[PartitionForKey("k", w.state().partitions)].size(), 2u);
  EXPECT_EQ(w.producer().requests_in_flight(), 0);
}

TEST(ProducerTest, KeysRouteByMurmur2) {
  ProducerWorld w(Config({}));
  w.state().partitions = 5;
  w.Start();
  w.At(kReady, [&] {
    for (int i = 0; i < 40; ++i) w.Send("k" + std::to_string(i), "v" + std::to_string(i));
  });
  w.RunUntil(kReady + kSecond);
  ASSERT_EQ(w.completed(), 40u);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(w.result(i).tp.partition, PartitionForKey("k" + std::to_string(i), 5));
  }
  for (const auto& [partition, records] : w.state().records) {
    for (const auto& record : records) {
      ASSERT_TRUE(record.key.has_value());
      EXPECT_EQ(PartitionForKey(*record.key, 5), partition);
    }
  }
}

TEST(ProducerTest, NullKeysStickToOnePartitionPerBatch) {
  ProducerWorld w(Config({}));
  w.state().partitions = 4;
  w.Start();
  // Each instant's records form one batch on one partition; the next instant may move on.
  for (int round = 0; round < 8; ++round) {
    w.At(kReady + round * 10 * kMillisecond, [&] {
      for (int i = 0; i < 5; ++i) w.Send(std::nullopt, "v");
    });
  }
  w.RunUntil(kReady + kSecond);
  ASSERT_EQ(w.completed(), 40u);
  for (int round = 0; round < 8; ++round) {
    for (int i = 1; i < 5; ++i) {
      EXPECT_EQ(w.result(round * 5 + i).tp.partition, w.result(round * 5).tp.partition);
    }
    if (round > 0) {
      EXPECT_NE(w.result(round * 5).tp.partition, w.result(round * 5 - 5).tp.partition)
          << "a new batch switches partition";
    }
  }
  EXPECT_EQ(w.state().produce_requests, 8);
}

TEST(ProducerTest, ConnectionResetFailsInFlightRequestsWhichAreRetried) {
  ProducerWorld w(Config({}));
  w.state().response_delay_us = 10 * kMillisecond;
  w.Start();
  w.At(kReady, [&] { w.Send("k", "v"); });
  w.At(kReady + 5 * kMillisecond,
       [&] { w.world().network().ResetConnection(w.client(), w.broker()); });
  w.RunUntil(kReady + kSecond);
  ASSERT_EQ(w.completed(), 1u);
  EXPECT_EQ(w.result(0).outcome, SendOutcome::kOk);
  EXPECT_EQ(w.state().produce_requests, 2);
  EXPECT_EQ(w.result(0).offset, 1) << "the first attempt was appended: a duplicate";
}

TEST(ProducerTest, RecordLargerThanMaxRequestSizeFailsWithoutBeingSent) {
  ProducerWorld w(Config({{"max.request.size", "1000"}}));
  w.Start();
  w.At(kReady, [&] { w.Send("k", std::string(2000, 'x')); });
  w.RunUntil(kReady + kSecond);
  ASSERT_EQ(w.completed(), 1u);
  EXPECT_EQ(w.result(0).outcome, SendOutcome::kFailed);
  EXPECT_EQ(w.result(0).error, ErrorCode::kMessageTooLarge);
  EXPECT_EQ(w.state().produce_requests, 0);
}

}  // namespace
}  // namespace ks
