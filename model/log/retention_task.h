// LogRetentionTask: the periodic background tasks of Kafka's LogManager over a set of logs:
// retention (and the time-based flush policy) every log.retention.check.interval.ms
// ("kafka-log-retention"), and the recovery-point and log-start-offset checkpoints every
// log.flush.offset.checkpoint.interval.ms / log.flush.start.offset.checkpoint.interval.ms
// ("kafka-recovery-point-checkpoint", "kafka-log-start-offset-checkpoint"; first after
// kLogInitialTaskDelayMs, an interval of 0 runs once). They run only between Start() and Stop():
// the owner (a broker, or a scenario) starts them explicitly. Each retention run calls
// DeleteOldSegments with the high watermark the owner reports for the log (the LEO if no function
// is given) and MaybeFlushByTime.
//
// The task holds plain pointers: the owner removes a log (or stops the task) before destroying
// it. Timers die with the Env's incarnation, so a crash needs no cleanup.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "model/env/env.h"
#include "model/log/log.h"

namespace ks {

class LogRetentionTask {
 public:
  using HighWatermarkFn = std::function<int64_t(const Log&)>;

  LogRetentionTask(Env& env, int64_t interval_ms);
  // The checkpoint intervals (Kafka's defaults, 60 s, unless set); before Start().
  void SetCheckpointIntervals(int64_t recovery_point_ms, int64_t log_start_offset_ms);
  ~LogRetentionTask();
  LogRetentionTask(const LogRetentionTask&) = delete;
  LogRetentionTask& operator=(const LogRetentionTask&) = delete;

  void AddLog(Log* log, HighWatermarkFn high_watermark = {});
  void RemoveLog(const Log* log);

  void Start();
  void Stop();
  bool running() const { return running_; }

  // One pass over every log now; returns the number of segments deleted.
  int32_t RunOnce();

 private:
  void Schedule();
  void ScheduleCheckpoint(TimerId* timer, int64_t delay_ms, int64_t interval_ms,
                          KafkaError (Log::*checkpoint)());

  struct Entry {
    Log* log;
    HighWatermarkFn high_watermark;
  };
  Env& env_;
  int64_t interval_ms_;
  int64_t recovery_point_checkpoint_interval_ms_ = 60000;
  int64_t log_start_offset_checkpoint_interval_ms_ = 60000;
  std::vector<Entry> logs_;
  bool running_ = false;
  TimerId timer_ = kNoTimer;
  TimerId recovery_point_timer_ = kNoTimer;
  TimerId log_start_offset_timer_ = kNoTimer;
};

}  // namespace ks
