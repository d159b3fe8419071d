// Goal: topic configs parse with Kafka's names and defaults, and every bad input is refused with
// a message naming the config and what it accepts (or the closest valid name).
#include "model/log/log_config.h"

#include <gtest/gtest.h>

namespace ks {
namespace {

Status Parse(std::vector<std::pair<std::string, std::string>> pairs, LogConfig* config) {
  return ParseLogConfig(pairs, config);
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(LogConfigTest, DefaultsAreKafkas) {
  LogConfig c;
  EXPECT_EQ(c.segment_bytes, 1073741824);
  EXPECT_EQ(c.segment_ms, 604800000);
  EXPECT_EQ(c.segment_index_bytes, 10485760);
  EXPECT_EQ(c.index_interval_bytes, 4096);
  EXPECT_EQ(c.retention_ms, 604800000);
  EXPECT_EQ(c.retention_bytes, -1);
  EXPECT_EQ(c.CleanupPolicyName(), "delete");
  EXPECT_DOUBLE_EQ(c.min_cleanable_dirty_ratio, 0.5);
  EXPECT_EQ(c.delete_retention_ms, 86400000);
  EXPECT_EQ(c.min_compaction_lag_ms, 0);
  EXPECT_EQ(c.flush_messages, INT64_MAX);
  EXPECT_EQ(c.flush_ms, INT64_MAX);
  EXPECT_EQ(c.max_message_bytes, 1048588);
  EXPECT_EQ(c.log_retention_check_interval_ms, 300000);
  EXPECT_EQ(c.log_flush_offset_checkpoint_interval_ms, 60000);
  EXPECT_EQ(c.log_flush_start_offset_checkpoint_interval_ms, 60000);
}

TEST(LogConfigTest, ParsesValidPairs) {
  LogConfig c;
  ASSERT_TRUE(Parse({{"segment.bytes", "1024"},
                     {"retention.ms", "-1"},
                     {"cleanup.policy", "compact,delete"},
                     {"min.cleanable.dirty.ratio", "0.1"},
                     {"compression.type", "zstd"},
                     {"message.timestamp.type", "LogAppendTime"},
                     {"flush.messages", "1"}},
                    &c)
                  .ok());
  EXPECT_EQ(c.segment_bytes, 1024);
  EXPECT_EQ(c.retention_ms, -1);
  EXPECT_TRUE(c.cleanup_compact && c.cleanup_delete);
  EXPECT_DOUBLE_EQ(c.min_cleanable_dirty_ratio, 0.1);
  EXPECT_EQ(c.compression_type, "zstd");
  EXPECT_EQ(c.message_timestamp_type, TimestampType::kLogAppendTime);
  EXPECT_EQ(c.flush_messages, 1);
  ASSERT_TRUE(Parse({{"cleanup.policy", "compact"}}, &c).ok());
  EXPECT_TRUE(c.cleanup_compact && !c.cleanup_delete);
}

TEST(LogConfigTest, UnknownNameSuggestsTheClosest) {
  LogConfig c;
  Status s = Parse({{"retention.msec", "5"}}, &c);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(Contains(s.message(), "retention.msec")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "did you mean 'retention.ms'")) << s.message();
  s = Parse({{"segmnet.bytes", "5"}}, &c);
  EXPECT_TRUE(Contains(s.message(), "'segment.bytes'")) << s.message();
  s = Parse({{"zzzzzzzzzzzzzzzzzzzzzzzzzzzz", "5"}}, &c);
  EXPECT_FALSE(Contains(s.message(), "did you mean")) << s.message();
}

TEST(LogConfigTest, BadValuesGetKafkasConfigExceptionMessage) {
  // Kafka's LogConfig types and bounds, Kafka's ConfigException text.
  struct Case {
    const char* name;
    const char* value;
    const char* message;
  };
  const Case cases[] = {
      {"segment.bytes", "13",
       "Invalid value 13 for configuration segment.bytes: Value must be at least 14"},
      {"segment.bytes", "abc",
       "Invalid value abc for configuration segment.bytes: Not a number of type INT"},
      {"segment.bytes", "2147483648",
       "Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT"},
      {"segment.index.bytes", "3",
       "Invalid value 3 for configuration segment.index.bytes: Value must be at least 4"},
      {"retention.ms", "-2",
       "Invalid value -2 for configuration retention.ms: Value must be at least -1"},
      {"cleanup.policy", "compress",
       "Invalid value compress for configuration cleanup.policy: String must be one of: "
       "compact, delete"},
      {"cleanup.policy", "compact,tidy",
       "Invalid value tidy for configuration cleanup.policy: String must be one of: compact, "
       "delete"},
      {"cleanup.policy", "", "(kafkasim needs at least one)"},
      {"min.cleanable.dirty.ratio", "1.5",
       "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more "
       "than 1.0"},
      {"compression.type", "none",
       "String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"},
      {"compression.type", "snappy", "snappy is not built into kafkasim"},
      {"message.timestamp.type", "Now", "String must be one of: CreateTime, LogAppendTime"},
      {"flush.messages", "0",
       "Invalid value 0 for configuration flush.messages: Value must be at least 1"},
      {"segment.ms", "10x",
       "Invalid value 10x for configuration segment.ms: Not a number of type "
       "LONG"},
      {"max.message.bytes", "-1", "Value must be at least 0"},
      // ServerLogConfigs: INT, atLeast(0).
      {"log.flush.offset.checkpoint.interval.ms", "-1",
       "Invalid value -1 for configuration log.flush.offset.checkpoint.interval.ms: Value must "
       "be at least 0"},
      {"log.flush.start.offset.checkpoint.interval.ms", "2147483648", "Not a number of type INT"},
  };
  for (const Case& test_case : cases) {
    LogConfig c;
    Status s = SetLogConfig(test_case.name, test_case.value, &c);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << test_case.name << "=" << test_case.value;
    EXPECT_TRUE(Contains(s.message(), test_case.message)) << s.message();
  }
}

TEST(LogConfigTest, KafkasLowerBoundsAreAccepted) {
  // Kafka's own minimums, below what a batch needs: the log copes (a batch larger than the
  // segment is refused; an index without room for an entry rolls the segment every append).
  LogConfig c;
  ASSERT_TRUE(Parse({{"segment.bytes", "14"},
                     {"segment.index.bytes", "4"},
                     {"max.message.bytes", "0"},
                     {"retention.bytes", "-5"},
                     {"compression.type", "uncompressed"},
                     {"log.flush.offset.checkpoint.interval.ms", "0"},
                     {"log.flush.start.offset.checkpoint.interval.ms", "0"}},
                    &c)
                  .ok());
  EXPECT_EQ(c.log_flush_offset_checkpoint_interval_ms, 0);
  EXPECT_EQ(c.log_flush_start_offset_checkpoint_interval_ms, 0);
  EXPECT_EQ(c.segment_bytes, 14);
  EXPECT_EQ(c.segment_index_bytes, 4);
  EXPECT_EQ(c.max_message_bytes, 0);
  EXPECT_EQ(c.retention_bytes, -5);
  EXPECT_EQ(c.compression_type, "uncompressed");
}

TEST(LogConfigTest, ABadValueLeavesTheConfigUnchanged) {
  LogConfig c;
  EXPECT_FALSE(SetLogConfig("segment.bytes", "5", &c).ok());
  EXPECT_EQ(c.segment_bytes, 1073741824);
  EXPECT_FALSE(SetLogConfig("cleanup.policy", "compact,tidy", &c).ok());
  EXPECT_FALSE(c.cleanup_compact);
}

TEST(LogConfigTest, CopyAppliesOneParsedSetting) {
  LogConfig from;
  ASSERT_TRUE(SetLogConfig(LogConfigKey::kCleanupPolicy, "compact", &from).ok());
  ASSERT_TRUE(SetLogConfig(LogConfigKey::kSegmentBytes, "4096", &from).ok());
  LogConfig to;
  CopyLogConfig(LogConfigKey::kCleanupPolicy, from, &to);
  EXPECT_TRUE(to.cleanup_compact && !to.cleanup_delete);
  EXPECT_EQ(to.segment_bytes, 1073741824) << "only the copied key changes";
  EXPECT_EQ(*FindLogConfigKey("segment.bytes"), LogConfigKey::kSegmentBytes);
  EXPECT_EQ(LogConfigKeyName(LogConfigKey::kFlushMs), "flush.ms");
  EXPECT_FALSE(FindLogConfigKey("min.insync.replicas").has_value());
  EXPECT_FALSE(IsTopicLevel(LogConfigKey::kLogCleanerBackoffMs));
}

TEST(LogConfigTest, EditDistance) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("same", "same"), 0);
}

}  // namespace
}  // namespace ks
