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

void LogRetentionTask::Start() {
  if (running()) return;
  running_ = true;
  Schedule();
}

void LogRetentionTask::Stop() {
  if (timer_ != kNoTimer) env_.CancelTimer(timer_);
  timer_ = kNoTimer;
  running_ = false;
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
