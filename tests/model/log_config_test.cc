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

TEST(LogConfigTest, BadValuesNameTheConfigAndTheAllowedValues) {
  struct Case {
    const char* name;
    const char* value;
    const char* allowed_fragment;
  };
  const Case cases[] = {
      {"segment.bytes", "13", "from 61"},
      {"segment.bytes", "abc", "from 61"},
      {"retention.ms", "-2", "-1 (no limit)"},
      {"retention.bytes", "-5", "-1 (no limit)"},
      {"cleanup.policy", "compress", "delete, compact, or compact,delete"},
      {"cleanup.policy", "", "delete, compact"},
      {"min.cleanable.dirty.ratio", "1.5", "from 0 to 1"},
      {"compression.type", "snappy", "producer, none, gzip, lz4, zstd"},
      {"message.timestamp.type", "Now", "CreateTime, LogAppendTime"},
      {"flush.messages", "0", ">= 1"},
      {"segment.ms", "10x", ">= 1"},
  };
  for (const Case& test_case : cases) {
    LogConfig c;
    Status s = SetLogConfig(test_case.name, test_case.value, &c);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << test_case.name;
    EXPECT_TRUE(Contains(s.message(), test_case.name)) << s.message();
    EXPECT_TRUE(Contains(s.message(), test_case.allowed_fragment)) << s.message();
  }
}

TEST(LogConfigTest, EditDistance) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("same", "same"), 0);
}

}  // namespace
}  // namespace ks
