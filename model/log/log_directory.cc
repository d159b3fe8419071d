#include "model/log/log_directory.h"

#include <utility>

#include "model/env/check.h"
#include "model/log/log_config.h"

namespace ks {

LogDirectory::LogDirectory(Env& env) : env_(env), disk_(env.LocalDisk()) {}

LogDirectory::~LogDirectory() {
  StopCheckpointTasks();
  // Logs outliving their directory must not call back into it.
  for (auto& [tp, log] : logs_) log->directory_ = nullptr;
}

LogDirectory::Entries LogDirectory::ReadEntries(std::string_view file_name) const {
  Entries entries;
  std::vector<OffsetCheckpointEntry> read;
  // Missing: no entries. Malformed (a disk that corrupted it): no entries either, as Kafka's
  // LogManager.loadLogs resets to "no checkpoint" with a warning; every log then recovers fully.
  if (!ReadOffsetCheckpoint(disk_, file_name, &read).ok()) return entries;
  for (OffsetCheckpointEntry& entry : read) {
    entries[TopicPartition{std::move(entry.topic), entry.partition}] = entry.offset;
  }
  return entries;
}

void LogDirectory::LoadCheckpoints() {
  recovery_points_ = ReadEntries(kRecoveryPointCheckpointFile);
  log_start_offsets_ = ReadEntries(kLogStartOffsetCheckpointFile);
  high_watermarks_ = ReadEntries(kHighWatermarkCheckpointFile);
}

KafkaError LogDirectory::OpenLog(const TopicPartition& tp, const LogConfig& config,
                                 std::unique_ptr<Log>* out,
                                 std::unique_ptr<ProducerStateObserver> producer_state) {
  KS_CHECK_MSG(logs_.count(tp) == 0, "a log is opened once per directory");
  LogCheckpointedOffsets checkpointed;
  if (auto it = recovery_points_.find(tp); it != recovery_points_.end()) {
    checkpointed.recovery_point = it->second;
  }
  if (auto it = log_start_offsets_.find(tp); it != log_start_offsets_.end()) {
    checkpointed.log_start_offset = it->second;
  }
  std::unique_ptr<Log> log;
  if (KafkaError error = Log::Open(env_, tp.topic, tp.partition, config, &log,
                                   std::move(producer_state), checkpointed);
      !error.ok()) {
    return error;
  }
  log->directory_ = this;
  logs_[tp] = log.get();
  *out = std::move(log);
  return KafkaError::None();
}

void LogDirectory::RemoveLog(const TopicPartition& tp) {
  if (auto it = logs_.find(tp); it != logs_.end()) {
    it->second->directory_ = nullptr;
    logs_.erase(it);
  }
  recovery_points_.erase(tp);
  log_start_offsets_.erase(tp);
  high_watermarks_.erase(tp);
}

void LogDirectory::Unregister(const Log& log) {
  auto it = logs_.find(TopicPartition{log.topic(), log.partition()});
  if (it != logs_.end() && it->second == &log) logs_.erase(it);
}

std::optional<int64_t> LogDirectory::CheckpointedHighWatermark(const TopicPartition& tp) const {
  auto it = high_watermarks_.find(tp);
  if (it == high_watermarks_.end()) return std::nullopt;
  return it->second;
}

KafkaError LogDirectory::Write(std::string_view file_name, const Entries& entries) {
  std::vector<OffsetCheckpointEntry> lines;
  lines.reserve(entries.size());
  for (const auto& [tp, offset] : entries) lines.push_back({tp.topic, tp.partition, offset});
  const Status status = WriteOffsetCheckpoint(disk_, file_name, lines);
  if (status.ok()) return KafkaError::None();
  // Kafka's CheckpointFileWithFailureHandler takes the whole log directory offline.
  for (auto& [tp, log] : logs_) {
    if (!log->offline()) (void)log->StorageError(status);
  }
  return KafkaError(ErrorCode::kKafkaStorageError,
                    "writing " + std::string(file_name) + ": " + status.ToString());
}

KafkaError LogDirectory::CheckpointRecoveryPoints() {
  // An offline log keeps what the file said of it: its memory is no longer trusted. (A closed
  // log's recovery point is its LEO, flushed by Close.)
  for (const auto& [tp, log] : logs_) {
    if (!log->offline()) recovery_points_[tp] = log->recovery_point();
  }
  return Write(kRecoveryPointCheckpointFile, recovery_points_);
}

KafkaError LogDirectory::CheckpointLogStartOffsets() {
  for (const auto& [tp, log] : logs_) {
    if (log->offline()) continue;
    // Kafka's checkpointLogStartOffsetsInDir: only starts above the first segment's base (the
    // others are where Open puts the start anyway).
    if (log->log_start_offset() > log->first_segment_base_offset()) {
      log_start_offsets_[tp] = log->log_start_offset();
    } else {
      log_start_offsets_.erase(tp);
    }
  }
  return Write(kLogStartOffsetCheckpointFile, log_start_offsets_);
}

KafkaError LogDirectory::CheckpointHighWatermarks(
    const std::map<TopicPartition, int64_t>& high_watermarks) {
  high_watermarks_ = high_watermarks;
  return Write(kHighWatermarkCheckpointFile, high_watermarks_);
}

KafkaError LogDirectory::OnTruncated(bool with_log_start_offsets) {
  if (truncation_batch_depth_ > 0) {
    recovery_points_pending_ = true;
    log_start_offsets_pending_ |= with_log_start_offsets;
    return KafkaError::None();
  }
  if (KafkaError error = CheckpointRecoveryPoints(); !error.ok()) return error;
  if (!with_log_start_offsets) return KafkaError::None();
  return CheckpointLogStartOffsets();
}

LogDirectory::TruncationBatch::TruncationBatch(LogDirectory& directory) : directory_(directory) {
  ++directory_.truncation_batch_depth_;
}

LogDirectory::TruncationBatch::~TruncationBatch() {
  if (--directory_.truncation_batch_depth_ > 0) return;
  const bool recovery_points = std::exchange(directory_.recovery_points_pending_, false);
  const bool log_start_offsets = std::exchange(directory_.log_start_offsets_pending_, false);
  // A failed write took the directory's logs offline (traced by each); nothing to return to.
  if (recovery_points && directory_.CheckpointRecoveryPoints().ok() && log_start_offsets) {
    (void)directory_.CheckpointLogStartOffsets();
  }
}

void LogDirectory::CloseLogs() {
  StopCheckpointTasks();
  // A log that fails to close goes offline and keeps its last checkpointed entries (Kafka, whose
  // directory goes offline as a whole, writes none then).
  for (auto& [tp, log] : logs_) {
    if (!log->offline() && !log->closed()) (void)log->Close();
  }
  if (!CheckpointRecoveryPoints().ok()) return;
  (void)CheckpointLogStartOffsets();
}

void LogDirectory::StartCheckpointTasks(int64_t recovery_point_interval_ms,
                                        int64_t log_start_offset_interval_ms) {
  KS_CHECK(recovery_point_interval_ms >= 0 && log_start_offset_interval_ms >= 0);
  StopCheckpointTasks();
  ScheduleCheckpoint(&recovery_point_timer_, kLogInitialTaskDelayMs, recovery_point_interval_ms,
                     &LogDirectory::CheckpointRecoveryPoints);
  ScheduleCheckpoint(&log_start_offset_timer_, kLogInitialTaskDelayMs,
                     log_start_offset_interval_ms, &LogDirectory::CheckpointLogStartOffsets);
}

void LogDirectory::StopCheckpointTasks() {
  for (TimerId* timer : {&recovery_point_timer_, &log_start_offset_timer_}) {
    if (*timer != kNoTimer) env_.CancelTimer(*timer);
    *timer = kNoTimer;
  }
}

void LogDirectory::ScheduleCheckpoint(TimerId* timer, int64_t delay_ms, int64_t interval_ms,
                                      KafkaError (LogDirectory::*checkpoint)()) {
  *timer = env_.SetTimer(MillisecondsToUs(delay_ms), [this, timer, interval_ms, checkpoint] {
    *timer = kNoTimer;
    // A failed write took the logs offline and is traced by each log; the task carries on.
    (void)(this->*checkpoint)();
    if (interval_ms > 0) ScheduleCheckpoint(timer, interval_ms, interval_ms, checkpoint);
  });
}

}  // namespace ks
