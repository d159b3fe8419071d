// LogRetentionTask: Kafka's LogManager retention task over a set of logs: retention (and the
// time-based flush policy) every log.retention.check.interval.ms ("kafka-log-retention"). (The
// checkpoint tasks are the log directory's: LogDirectory::StartCheckpointTasks.) It runs only
// between Start() and Stop(): the owner (a broker, or a scenario) starts it explicitly. Each retention run calls
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

  struct Entry {
    Log* log;
    HighWatermarkFn high_watermark;
  };
  Env& env_;
  int64_t interval_ms_;
  std::vector<Entry> logs_;
  bool running_ = false;
  TimerId timer_ = kNoTimer;
};

}  // namespace ks
