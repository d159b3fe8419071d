#include "model/log/retention_task.h"

#include <algorithm>

#include "model/env/check.h"

namespace ks {

LogRetentionTask::LogRetentionTask(Env& env, int64_t interval_ms)
    : env_(env), interval_ms_(interval_ms) {
  KS_CHECK(interval_ms > 0);
}

LogRetentionTask::~LogRetentionTask() { Stop(); }

void LogRetentionTask::AddLog(Log* log, HighWatermarkFn high_watermark) {
  logs_.push_back({log, std::move(high_watermark)});
}

void LogRetentionTask::RemoveLog(const Log* log) {
  std::erase_if(logs_, [&](const Entry& entry) { return entry.log == log; });
}

void LogRetentionTask::SetCheckpointIntervals(int64_t recovery_point_ms,
                                              int64_t log_start_offset_ms) {
  KS_CHECK(!running() && recovery_point_ms >= 0 && log_start_offset_ms >= 0);
  recovery_point_checkpoint_interval_ms_ = recovery_point_ms;
  log_start_offset_checkpoint_interval_ms_ = log_start_offset_ms;
}

void LogRetentionTask::Start() {
  if (running()) return;
  running_ = true;
  Schedule();
  ScheduleCheckpoint(&recovery_point_timer_, kLogInitialTaskDelayMs,
                     recovery_point_checkpoint_interval_ms_, &Log::CheckpointRecoveryPoint);
  ScheduleCheckpoint(&log_start_offset_timer_, kLogInitialTaskDelayMs,
                     log_start_offset_checkpoint_interval_ms_, &Log::CheckpointLogStartOffset);
}

void LogRetentionTask::Stop() {
  for (TimerId* timer : {&timer_, &recovery_point_timer_, &log_start_offset_timer_}) {
    if (*timer != kNoTimer) env_.CancelTimer(*timer);
    *timer = kNoTimer;
  }
  running_ = false;
}

void LogRetentionTask::ScheduleCheckpoint(TimerId* timer, int64_t delay_ms, int64_t interval_ms,
                                          KafkaError (Log::*checkpoint)()) {
  *timer = env_.SetTimer(MillisecondsToUs(delay_ms), [this, timer, interval_ms, checkpoint] {
    *timer = kNoTimer;
    for (Entry& entry : logs_) {
      // An offline log refuses; the others carry on.
      if (!entry.log->offline()) (void)(entry.log->*checkpoint)();
    }
    if (interval_ms > 0) ScheduleCheckpoint(timer, interval_ms, interval_ms, checkpoint);
  });
}

void LogRetentionTask::Schedule() {
  timer_ = env_.SetTimer(MillisecondsToUs(interval_ms_), [this] {
    timer_ = kNoTimer;
    RunOnce();
    Schedule();
  });
}

int32_t LogRetentionTask::RunOnce() {
  int32_t total = 0;
  for (Entry& entry : logs_) {
    Log& log = *entry.log;
    if (log.offline()) continue;
    const int64_t high_watermark =
        entry.high_watermark ? entry.high_watermark(log) : log.log_end_offset();
    int32_t deleted = 0;
    // Errors take the log offline and are traced by the log itself; the task carries on with
    // the other logs, as Kafka's does with the other log directories.
    if (log.DeleteOldSegments(high_watermark, &deleted).ok()) total += deleted;
    (void)log.MaybeFlushByTime();
  }
  return total;
}

}  // namespace ks
