// Goal: a topic's configuration is parsed and validated once, with Kafka's names, types, bounds
// and ConfigException messages, and its typed overrides are laid over each broker's own defaults
// without reading text again; the broker's configs (its own and its topic defaults, under their
// server.properties names) follow KafkaConfig's types and bounds, and kafkasim's own bounds say
// so.
// Method: TopicConfigOverrides, ParseBrokerConfig and the ConfigDef helpers directly, one rule per
// test.
#include "model/kafka/topic_config.h"

#include <gtest/gtest.h>

#include "model/broker/broker_config.h"
#include "model/util/config_def.h"

namespace ks {
namespace {

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(TopicConfigTest, OverridesApplyOverEachBrokersDefaults) {
  TopicConfigOverrides overrides;
  ASSERT_TRUE(TopicConfigOverrides::Parse({{"min.insync.replicas", "2"},
                                           {"cleanup.policy", "compact"},
                                           {"segment.bytes", "104857600"}},
                                          &overrides)
                  .ok());
  TopicConfig broker_a;  // Kafka's defaults
  TopicConfig broker_b;
  broker_b.unclean_leader_election_enable = true;
  broker_b.log.flush_messages = 1;
  broker_b.log.segment_bytes = 4096;
  const TopicConfig a = overrides.ApplyTo(broker_a);
  const TopicConfig b = overrides.ApplyTo(broker_b);
  EXPECT_EQ(a.min_insync_replicas, 2);
  EXPECT_EQ(b.min_insync_replicas, 2);
  EXPECT_TRUE(a.log.cleanup_compact && !a.log.cleanup_delete);
  EXPECT_EQ(b.log.segment_bytes, 104857600) << "the topic's override wins";
  EXPECT_FALSE(a.unclean_leader_election_enable);
  EXPECT_TRUE(b.unclean_leader_election_enable) << "what the topic leaves alone is the broker's";
  EXPECT_EQ(b.log.flush_messages, 1);
  EXPECT_EQ(overrides.min_insync_replicas(), 2);
  EXPECT_EQ(overrides.pairs().size(), 3u) << "the text stays, for the znode";
  TopicConfigOverrides none;
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.min_insync_replicas().has_value());
}

TEST(TopicConfigTest, UnknownNameIsKafkasMessageWithTheClosestName) {
  TopicConfigOverrides overrides;
  size_t bad = 99;
  Status s = TopicConfigOverrides::Parse({{"segment.bytes", "4096"}, {"min.insync.replica", "2"}},
                                         &overrides, &bad);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(bad, 1u);
  EXPECT_EQ(s.message(),
            "Unknown topic config name: min.insync.replica (did you mean 'min.insync.replicas'?)");
  // Broker settings are not topic configs, in Kafka or here.
  s = TopicConfigOverrides::Parse({{"log.retention.check.interval.ms", "1000"}}, &overrides);
  EXPECT_TRUE(Contains(s.message(), "Unknown topic config name")) << s.message();
  s = TopicConfigOverrides::Parse({{"zookeeper.session.timeout.ms", "1000"}}, &overrides);
  EXPECT_TRUE(Contains(s.message(), "Unknown topic config name")) << s.message();
}

TEST(TopicConfigTest, BadValuesAreRefusedWithKafkasBounds) {
  struct Case {
    const char* name;
    const char* value;
    const char* message;
  };
  const Case cases[] = {
      {"min.insync.replicas", "0",
       "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"},
      {"min.insync.replicas", "two",
       "Invalid value two for configuration min.insync.replicas: Not a number of type INT"},
      {"unclean.leader.election.enable", "yes",
       "Invalid value yes for configuration unclean.leader.election.enable: Expected value to be "
       "either true or false"},
      {"segment.bytes", "13",
       "Invalid value 13 for configuration segment.bytes: Value must be at least 14"},
  };
  for (const Case& test_case : cases) {
    TopicConfigOverrides overrides;
    ASSERT_TRUE(TopicConfigOverrides::Parse({{"retention.ms", "1000"}}, &overrides).ok());
    size_t bad = 99;
    Status s = TopicConfigOverrides::Parse({{test_case.name, test_case.value}}, &overrides, &bad);
    EXPECT_EQ(s.message(), test_case.message);
    EXPECT_EQ(bad, 0u);
    EXPECT_EQ(overrides.pairs().size(), 1u) << "a failed parse leaves the overrides as they were";
  }
  // Kafka's BOOLEAN ignores case.
  TopicConfigOverrides overrides;
  ASSERT_TRUE(
      TopicConfigOverrides::Parse({{"unclean.leader.election.enable", "TRUE"}}, &overrides).ok());
  EXPECT_TRUE(overrides.ApplyTo(TopicConfig()).unclean_leader_election_enable);
}

TEST(BrokerConfigTest, TopicDefaultsUnderTheirServerPropertiesNames) {
  BrokerConfig config;
  ASSERT_TRUE(ParseBrokerConfig({{"min.insync.replicas", "2"},
                                 {"unclean.leader.election.enable", "true"},
                                 {"log.segment.bytes", "4096"},
                                 {"flush.messages", "1"},
                                 {"log.retention.check.interval.ms", "1000"}},
                                &config)
                  .ok());
  EXPECT_EQ(config.topic_defaults.min_insync_replicas, 2);
  EXPECT_TRUE(config.topic_defaults.unclean_leader_election_enable);
  EXPECT_EQ(config.topic_defaults.log.segment_bytes, 4096);
  EXPECT_EQ(config.topic_defaults.log.flush_messages, 1);
  EXPECT_EQ(config.topic_defaults.log.log_retention_check_interval_ms, 1000);
  // Kafka names the config as it was written.
  size_t bad = 99;
  Status s =
      ParseBrokerConfig({{"num.partitions", "3"}, {"log.segment.bytes", "10"}}, &config, &bad);
  EXPECT_EQ(s.message(),
            "Invalid value 10 for configuration log.segment.bytes: Value must be at least 14");
  EXPECT_EQ(bad, 1u);
}

TEST(BrokerConfigTest, InternalTopicSettingsHaveKafkasDefaultsAndBounds) {
  BrokerConfig config;
  EXPECT_EQ(config.offsets_topic_num_partitions, 50);
  EXPECT_EQ(config.offsets_topic_replication_factor, 3);
  EXPECT_EQ(config.offsets_topic_segment_bytes, 104857600);
  EXPECT_EQ(config.transaction_state_log_num_partitions, 50);
  EXPECT_EQ(config.transaction_state_log_replication_factor, 3);
  EXPECT_EQ(config.transaction_state_log_min_isr, 2);
  EXPECT_EQ(config.transaction_state_log_segment_bytes, 104857600);
  ASSERT_TRUE(ParseBrokerConfig({{"offsets.topic.num.partitions", "4"},
                                 {"offsets.topic.replication.factor", "1"},
                                 {"transaction.state.log.min.isr", "1"}},
                                &config)
                  .ok());
  EXPECT_EQ(config.offsets_topic_num_partitions, 4);
  EXPECT_EQ(config.offsets_topic_replication_factor, 1);
  EXPECT_EQ(config.transaction_state_log_min_isr, 1);
  // A SHORT in Kafka.
  EXPECT_EQ(ParseBrokerConfig({{"offsets.topic.replication.factor", "40000"}}, &config).message(),
            "Invalid value 40000 for configuration offsets.topic.replication.factor: Not a number "
            "of type SHORT");
  EXPECT_EQ(ParseBrokerConfig({{"offsets.topic.num.partitions", "0"}}, &config).message(),
            "Invalid value 0 for configuration offsets.topic.num.partitions: Value must be at "
            "least 1");
}

TEST(BrokerConfigTest, ControlledShutdownSettingsHaveKafkasDefaultsAndTypes) {
  BrokerConfig config;
  EXPECT_TRUE(config.controlled_shutdown_enable);
  EXPECT_EQ(config.controlled_shutdown_max_retries, 3);
  EXPECT_EQ(config.controlled_shutdown_retry_backoff_ms, 5000);
  ASSERT_TRUE(ParseBrokerConfig({{"controlled.shutdown.enable", "false"},
                                 {"controlled.shutdown.max.retries", "0"},
                                 {"controlled.shutdown.retry.backoff.ms", "250"}},
                                &config)
                  .ok());
  EXPECT_FALSE(config.controlled_shutdown_enable);
  EXPECT_EQ(config.controlled_shutdown_max_retries, 0);
  EXPECT_EQ(config.controlled_shutdown_retry_backoff_ms, 250);
  EXPECT_EQ(ParseBrokerConfig({{"controlled.shutdown.enable", "yes"}}, &config).message(),
            "Invalid value yes for configuration controlled.shutdown.enable: Expected value to be "
            "either true or false");
  EXPECT_FALSE(ParseBrokerConfig({{"controlled.shutdown.retry.backoff.ms", "-1"}}, &config).ok());
}

TEST(BrokerConfigTest, KafkasTypesAndKafkasimsOwnBounds) {
  BrokerConfig config;
  // An INT in Kafka: 2^31 ms is no session timeout at all.
  EXPECT_EQ(ParseBrokerConfig({{"zookeeper.session.timeout.ms", "2147483648"}}, &config).message(),
            "Invalid value 2147483648 for configuration zookeeper.session.timeout.ms: Not a number "
            "of type INT");
  // A LONG in Kafka, bounded here by what the simulated clock holds, and said so.
  Status s = ParseBrokerConfig({{"replica.lag.time.max.ms", "9223372036854775807"}}, &config);
  EXPECT_TRUE(Contains(s.message(), "Value must be no more than 1000000000000 (kafkasim:"))
      << s.message();
  s = ParseBrokerConfig({{"replica.lag.time.max.ms", "0"}}, &config);
  EXPECT_TRUE(Contains(s.message(), "Value must be at least 1 (kafkasim:")) << s.message();
  s = ParseBrokerConfig({{"kafkasim.truncation.mode", "kip-102"}}, &config);
  EXPECT_EQ(s.message(),
            "Invalid value kip-102 for configuration kafkasim.truncation.mode: String must be one "
            "of: leader-epoch, kip-101, legacy-hw");
  s = ParseBrokerConfig({{"replica.lag.time.max", "10"}}, &config);
  EXPECT_EQ(s.message(),
            "Unknown broker config name: replica.lag.time.max (did you mean "
            "'replica.lag.time.max.ms'?)");
}

TEST(ConfigDefTest, IntegersFollowJavasParsing) {
  int32_t value = 0;
  EXPECT_TRUE(config::ParseInt("x", " 12 ", 0, 100, &value).ok()) << "Kafka trims";
  EXPECT_EQ(value, 12);
  EXPECT_TRUE(config::ParseInt("x", "+7", 0, 100, &value).ok());
  EXPECT_EQ(value, 7);
  EXPECT_FALSE(config::ParseInt("x", "", 0, 100, &value).ok());
  EXPECT_FALSE(config::ParseInt("x", "1.5", 0, 100, &value).ok());
  EXPECT_EQ(config::ParseInt("x", "101", 0, 100, &value).message(),
            "Invalid value 101 for configuration x: Value must be no more than 100");
  int64_t duration = 0;
  EXPECT_EQ(config::ParseDurationMs("x.ms", "1000000000001", 0, &duration).message(),
            "Invalid value 1000000000001 for configuration x.ms: Value must be no more than "
            "1000000000000 (kafkasim: a duration must fit the simulated clock, which counts "
            "microseconds in 64 bits)");
}

}  // namespace
}  // namespace ks
