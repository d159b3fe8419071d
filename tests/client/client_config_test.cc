// Goal: producer and consumer configs take Kafka's names and defaults, accept exactly Kafka's
// values, and every bad input is an error naming the config, the value and what is allowed (or,
// for an unknown name, the closest valid one). Method: ParseProducerConfig / ParseConsumerConfig.
#include <gtest/gtest.h>

#include "model/client/consumer_config.h"
#include "model/client/producer_config.h"

namespace ks {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ProducerConfigTest, DefaultsAreKafkas) {
  ProducerConfig c;
  EXPECT_EQ(c.acks, kAcksAll);
  EXPECT_EQ(c.batch_size_bytes, 16384);
  EXPECT_EQ(c.linger_ms, 0);
  EXPECT_EQ(c.compression, CompressionType::kNone);
  EXPECT_EQ(c.retries, 2147483647);
  EXPECT_EQ(c.retry_backoff_ms, 100);
  EXPECT_EQ(c.max_in_flight_requests_per_connection, 5);
  EXPECT_EQ(c.delivery_timeout_ms, 120000);
  EXPECT_EQ(c.request_timeout_ms, 30000);
  EXPECT_EQ(c.metadata_max_age_ms, 300000);
  EXPECT_EQ(c.partitioner, PartitionerKind::kDefault);
  EXPECT_FALSE(c.enable_idempotence);
  EXPECT_TRUE(ValidateProducerConfig(c).ok());
}

TEST(ProducerConfigTest, ParsesKafkaNames) {
  ProducerConfig c;
  ASSERT_TRUE(ParseProducerConfig({{"acks", "1"},
                                   {"batch.size", "1000"},
                                   {"linger.ms", "5"},
                                   {"compression.type", "zstd"},
                                   {"retries", "3"},
                                   {"retry.backoff.ms", "50"},
                                   {"max.in.flight.requests.per.connection", "1"},
                                   {"delivery.timeout.ms", "60000"},
                                   {"request.timeout.ms", "1000"},
                                   {"metadata.max.age.ms", "10000"},
                                   {"partitioner.class", "round_robin"},
                                   {"enable.idempotence", "false"}},
                                  &c)
                  .ok());
  EXPECT_EQ(c.acks, kAcksLeader);
  EXPECT_EQ(c.batch_size_bytes, 1000);
  EXPECT_EQ(c.linger_ms, 5);
  EXPECT_EQ(c.compression, CompressionType::kZstd);
  EXPECT_EQ(c.retries, 3);
  EXPECT_EQ(c.max_in_flight_requests_per_connection, 1);
  EXPECT_EQ(c.partitioner, PartitionerKind::kRoundRobin);
  for (const char* all : {"all", "-1"}) {
    ASSERT_TRUE(SetProducerConfig("acks", all, &c).ok());
    EXPECT_EQ(c.acks, kAcksAll);
  }
  ASSERT_TRUE(SetProducerConfig("acks", "0", &c).ok());
  EXPECT_EQ(c.acks, kAcksNone);
  EXPECT_EQ(AcksName(kAcksAll), "all");
}

TEST(ProducerConfigTest, BadValueNamesConfigValueAndAllowed) {
  ProducerConfig c;
  Status s = SetProducerConfig("acks", "2", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1");

  s = SetProducerConfig("compression.type", "snappy", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("snappy is not built into kafkasim"), std::string::npos)
      << s.message();
  s = SetProducerConfig("compression.type", "brotli", &c);
  EXPECT_NE(s.message().find("String must be one of: none, gzip, snappy, lz4, zstd"),
            std::string::npos)
      << s.message();

  s = SetProducerConfig("batch.size", "lots", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "Invalid value lots for configuration batch.size: Not a number of type INT");

  s = SetProducerConfig("max.in.flight.requests.per.connection", "0", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Value must be at least 1"), std::string::npos) << s.message();

  s = SetProducerConfig("partitioner.class", "sticky", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("uniform_sticky"), std::string::npos) << s.message();

  s = SetProducerConfig("enable.idempotence", "true", &c);
  ASSERT_FALSE(s.ok()) << "the hook exists; idempotence is a later issue";
  EXPECT_NE(s.message().find("not modelled yet"), std::string::npos) << s.message();
}

TEST(ProducerConfigTest, KafkasimBoundsSayWhy) {
  ProducerConfig c;
  // Kafka takes request.timeout.ms 0; here it would time out and retry in one instant forever.
  Status s = SetProducerConfig("request.timeout.ms", "0", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Value must be at least 1 (kafkasim:"), std::string::npos)
      << s.message();
  EXPECT_TRUE(SetProducerConfig("retry.backoff.ms", "0", &c).ok()) << "Kafka's minimum";
  // A LONG in Kafka, bounded here by the simulated clock.
  s = SetProducerConfig("linger.ms", "9223372036854775807", &c);
  EXPECT_NE(s.message().find("Value must be no more than 1000000000000 (kafkasim:"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(SetProducerConfig("max.request.size", "0", &c).ok()) << "Kafka's minimum";
  ConsumerConfig consumer;
  s = SetConsumerConfig("retry.backoff.ms", "9223372036854775807", &consumer);
  EXPECT_FALSE(s.ok());
  ASSERT_TRUE(SetConsumerConfig("request.timeout.ms", "0", &consumer).ok());
  EXPECT_FALSE(ValidateConsumerConfig(consumer).ok())
      << "a request timeout must exceed fetch.max.wait.ms, so it is never 0";
}

TEST(ProducerConfigTest, UnknownNameSuggestsClosest) {
  ProducerConfig c;
  Status s = SetProducerConfig("linger.msec", "5", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("did you mean 'linger.ms'"), std::string::npos) << s.message();
  s = SetProducerConfig("max.in.flight.request.per.connection", "5", &c);
  EXPECT_NE(s.message().find("'max.in.flight.requests.per.connection'"), std::string::npos)
      << s.message();
}

TEST(ProducerConfigTest, DeliveryTimeoutMustCoverLingerAndRequestTimeout) {
  ProducerConfig c;
  Status s = ParseProducerConfig(
      {{"delivery.timeout.ms", "1000"}, {"linger.ms", "10"}, {"request.timeout.ms", "1000"}}, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("delivery.timeout.ms"), std::string::npos) << s.message();
}

TEST(ConsumerConfigTest, DefaultsAndParsing) {
  ConsumerConfig c;
  EXPECT_EQ(c.auto_offset_reset, OffsetResetPolicy::kLatest);
  EXPECT_EQ(c.fetch_max_wait_ms, 500);
  EXPECT_EQ(c.fetch_min_bytes, 1);
  EXPECT_EQ(c.max_partition_fetch_bytes, 1048576);
  ASSERT_TRUE(ParseConsumerConfig({{"auto.offset.reset", "earliest"},
                                   {"fetch.max.wait.ms", "100"},
                                   {"max.poll.records", "10"}},
                                  &c)
                  .ok());
  EXPECT_EQ(c.auto_offset_reset, OffsetResetPolicy::kEarliest);
  EXPECT_EQ(c.fetch_max_wait_ms, 100);
  EXPECT_EQ(c.max_poll_records, 10);
  Status s = SetConsumerConfig("auto.offset.reset", "smallest", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("String must be one of: latest, earliest, none"), std::string::npos)
      << s.message();
  s = SetConsumerConfig("fetch.max.wait", "5", &c);
  EXPECT_NE(s.message().find("did you mean 'fetch.max.wait.ms'"), std::string::npos) << s.message();
  s = ParseConsumerConfig({{"request.timeout.ms", "100"}, {"fetch.max.wait.ms", "500"}}, &c);
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace ks
