// LogDirectory: one log directory of a node (the root of its disk: partitions live in
// "<topic>-<partition>/" under it), with the checkpoint files Kafka keeps ONCE PER LOG DIRECTORY,
// each holding one entry per partition of the directory (LogManager, ReplicaManager):
//   recovery-point-offset-checkpoint  every log's recovery point, every
//                                     log.flush.offset.checkpoint.interval.ms, at truncation
//                                     and at clean shutdown (LogManager.checkpointLogRecoveryOffsets)
//   log-start-offset-checkpoint       the log start offsets that lie above their log's first
//                                     segment, every log.flush.start.offset.checkpoint.interval.ms
//                                     and at clean shutdown (LogManager.checkpointLogStartOffsets)
//   replication-offset-checkpoint     high watermarks, as the owner gives them
//                                     (ReplicaManager.checkpointHighWatermarks)
// Each write is one atomic file (tmp, fsync, rename): a checkpoint round costs one fsync per file,
// whatever the number of partitions.
//
// Contract:
// - LoadCheckpoints reads the three files once, before any log opens (LogManager.loadLogs); OpenLog
//   then hands each log its entries (Log::Open). A missing file has no entries; so has a malformed
//   one: Kafka logs a warning and resets the recovery points to 0 (every log of the directory is
//   scanned from its first segment) and the log start offsets to the first segments' bases. The
//   simulator does not abort on it. (Kafka takes the directory offline on an unreadable
//   replication-offset-checkpoint; here the high watermarks start from the log start offsets.)
// - Every log opened through OpenLog is registered until it is destroyed (or RemoveLog). The
//   directory must outlive its logs. Writes list the registered logs by topic-partition; an
//   offline log keeps the entry this directory last wrote (or loaded) for it, if any.
// - A failed checkpoint write takes every log of the directory offline (Kafka takes the directory
//   offline) and returns KAFKA_STORAGE_ERROR.
// - A truncation makes the directory write its recovery points (and, for a full truncation, its log
//   start offsets) at once; inside a TruncationBatch (one request's handling: a LeaderAndIsr, a
//   fetch response) once, when the batch ends, as Kafka's LogManager.truncateTo(map) does for
//   all the partitions a request truncates. Nothing runs between the truncations and that write.
// - The periodic checkpoint tasks run between StartCheckpointTasks and StopCheckpointTasks (or
//   the directory's destruction); timers die with the Env's incarnation, so a crash needs nothing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/env/env.h"
#include "model/kafka/errors.h"
#include "model/kafka/topic_partition.h"
#include "model/log/checkpoint_file.h"
#include "model/log/log.h"

namespace ks {

class LogDirectory {
 public:
  explicit LogDirectory(Env& env);
  ~LogDirectory();
  LogDirectory(const LogDirectory&) = delete;
  LogDirectory& operator=(const LogDirectory&) = delete;

  // Reads the directory's checkpoint files (once per incarnation, before OpenLog).
  void LoadCheckpoints();

  // Opens (or creates) the log of tp with its checkpointed offsets and registers it.
  KafkaError OpenLog(const TopicPartition& tp, const LogConfig& config, std::unique_ptr<Log>* out,
                     std::unique_ptr<ProducerStateObserver> producer_state = nullptr);
  // Forgets a log whose files were deleted (StopReplica with deletion): the next checkpoints
  // hold no entry for it.
  void RemoveLog(const TopicPartition& tp);
  // Called by ~Log: drops the pointer, keeps the entries last written for it.
  void Unregister(const Log& log);

  // The checkpointed high watermark of tp; nullopt if the file has none.
  std::optional<int64_t> CheckpointedHighWatermark(const TopicPartition& tp) const;

  // One write of each file holding every registered log's entry.
  KafkaError CheckpointRecoveryPoints();
  KafkaError CheckpointLogStartOffsets();
  KafkaError CheckpointHighWatermarks(const std::map<TopicPartition, int64_t>& high_watermarks);

  // Called by Log after a truncation: writes now, or at the end of the current TruncationBatch.
  KafkaError OnTruncated(bool with_log_start_offsets);

  // While one is alive, truncations' checkpoints wait for its end (nested batches: the outermost).
  class TruncationBatch {
   public:
    explicit TruncationBatch(LogDirectory& directory);
    ~TruncationBatch();
    TruncationBatch(const TruncationBatch&) = delete;
    TruncationBatch& operator=(const TruncationBatch&) = delete;

   private:
    LogDirectory& directory_;
  };

  // Clean shutdown (LogManager.shutdown): closes every registered log (flush, clean-shutdown
  // marker), then writes the recovery points and log start offsets.
  void CloseLogs();

  // Kafka's "kafka-recovery-point-checkpoint" and "kafka-log-start-offset-checkpoint" tasks: first
  // kLogInitialTaskDelayMs after the start, then every interval (an interval of 0 runs once).
  void StartCheckpointTasks(int64_t recovery_point_interval_ms,
                            int64_t log_start_offset_interval_ms);
  void StopCheckpointTasks();

  size_t log_count() const { return logs_.size(); }

 private:
  using Entries = std::map<TopicPartition, int64_t>;
  // Writes `entries` to file_name; on failure every log goes offline.
  KafkaError Write(std::string_view file_name, const Entries& entries);
  void ScheduleCheckpoint(TimerId* timer, int64_t delay_ms, int64_t interval_ms,
                          KafkaError (LogDirectory::*checkpoint)());
  Entries ReadEntries(std::string_view file_name) const;

  Env& env_;
  Disk& disk_;
  std::map<TopicPartition, Log*> logs_;
  // What each file holds (loaded, then as last written).
  Entries recovery_points_;
  Entries log_start_offsets_;
  Entries high_watermarks_;
  int32_t truncation_batch_depth_ = 0;
  bool recovery_points_pending_ = false;
  bool log_start_offsets_pending_ = false;
  TimerId recovery_point_timer_ = kNoTimer;
  TimerId log_start_offset_timer_ = kNoTimer;
};

}  // namespace ks
