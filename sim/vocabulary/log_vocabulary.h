// The scenario vocabulary of the partition log on its own, before brokers exist.
//
// A node of kind `log_host` (role "storage") owns the logs its spec declares
// (`logs: [{topic, partition, config: {segment.bytes: 4096, ...}}]`, Kafka's config names checked
// by ParseLogConfig at load time). Its Process opens — and so recovers — every log in Start, runs
// the retention task every log.retention.check.interval.ms and, for compacted logs, the cleaner
// every log.cleaner.backoff.ms, and closes the logs on a clean Shutdown. A crash simply destroys
// it: what the logs had not fsynced is lost, and the next Start's recovery shows what.
//
// Actions (`append`, `flush`, `delete_records`, `set_high_watermark`, `run_retention`,
// `run_cleaner`) drive a log through its LogHost, at the step's simulated time, as the node's
// own work (its disk calls cost it time). Probes read the log's state; those that need the
// records read the segment files from the node's disk as an observer, without charging the node
// disk time, so watching a run never changes it.
//
// The high watermark is an input here (there is no replication yet): the LEO unless a scenario
// sets one. Retention and the cleaner never go at or above it. A set value is checkpointed in
// replication-offset-checkpoint and read back by the next Start.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/env.h"
#include "model/log/log.h"
#include "model/log/log_cleaner.h"
#include "model/log/log_config.h"
#include "model/log/log_directory.h"
#include "model/log/retention_task.h"
#include "sim/scenario/registry.h"

namespace ks {

// A log_host's own trace events (docs/trace-schema.md, "The log").
namespace ev {
struct LogHostFailure {
  TpRef tp;
  std::string_view error;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("error", e.error);
  }
};
// A declared log could not be opened (e.g. a disk error); its probes read -1.
struct LogHostOpenFailed : LogHostFailure {
  static constexpr std::string_view kName = "log_host.open_failed";
};
// Closing a log on a clean stop failed.
struct LogHostCloseFailed : LogHostFailure {
  static constexpr std::string_view kName = "log_host.close_failed";
};
}  // namespace ev

struct HostedLogSpec {
  std::string topic;
  int32_t partition = 0;
  LogConfig config;
  std::string Name() const { return topic + "-" + std::to_string(partition); }
};

// One hosted log during one incarnation of its host, with its background tasks and the totals of
// what this incarnation appended.
struct HostedLog {
  HostedLogSpec spec;
  // Declared before the tasks, so the tasks (which point at it) are destroyed first.
  std::unique_ptr<Log> log;  // null if Open failed
  KafkaError open_error;
  std::optional<int64_t> high_watermark;  // nullopt: follows the LEO
  std::unique_ptr<LogRetentionTask> retention;
  std::unique_ptr<LogCleaner> cleaner;
  int64_t appended_batches = 0;
  int64_t appended_records = 0;
  int64_t compressed_bytes = 0;    // batch bytes as written (header included)
  int64_t uncompressed_bytes = 0;  // the same batches without compression
  // Generated values come from named streams, each a private copy of the node's stream of that
  // name: appends to one log never change another's values, and two logs drawing from the same
  // name get the same text (the same data compressed two ways, say).
  std::map<std::string, Rng, std::less<>> value_streams;

  // The high watermark retention and compaction respect: the set one, never above the LEO.
  int64_t HighWatermark() const;
};

// What one `append` step writes.
struct LogAppendRequest {
  int64_t batches = 1;
  int64_t records_per_batch = 1;
  int64_t key_count = 0;             // keys "k<offset % key_count>"; 0 = null keys
  std::optional<std::string> key;    // overrides key_count
  int64_t value_bytes = 100;         // generated text of this length
  std::optional<std::string> value;  // overrides value_bytes
  std::string value_stream;          // where generated values come from; "" = the log's name
  bool tombstone = false;            // null values
  CompressionType compression = CompressionType::kNone;
  int32_t leader_epoch = 0;
};

class LogHost final : public Process {
 public:
  LogHost(Env& env, std::vector<HostedLogSpec> specs);
  ~LogHost() override;

  void Start() override;
  void OnMessage(NodeId /*from*/, MessagePtr /*message*/) override {}
  void Shutdown() override;

  // The hosted log of topic-partition; null if the host declares none.
  HostedLog* Find(std::string_view topic, int32_t partition);
  const std::vector<std::unique_ptr<HostedLog>>& logs() const { return logs_; }

  // Appends request.batches batches as the leader, with the node's wall clock as timestamps.
  KafkaError Append(HostedLog& hosted, const LogAppendRequest& request);
  // offset -1 follows the LEO again (and removes the log's checkpoint entry).
  KafkaError SetHighWatermark(HostedLog& hosted, int64_t offset);

 private:
  void Open(HostedLog& hosted);
  std::string GenerateValue(HostedLog& hosted, std::string_view stream, int64_t bytes);

  // Writes replication-offset-checkpoint with the HW of every log that has one set.
  KafkaError CheckpointHighWatermarks();

  Env& env_;
  // The node's one log directory: its checkpoint files hold every hosted log's entry.
  LogDirectory directory_;
  std::vector<std::unique_ptr<HostedLog>> logs_;
};

// Node kind `log_host`; the actions and probes above; a summary line per log.
void RegisterLogVocabulary(ScenarioRegistry& registry);

}  // namespace ks
