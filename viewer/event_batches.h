// EventBatches: reads a trace's events on a thread of its own and hands them over in batches,
// so that opening a trace reads SQLite on one core while the caller folds on another
// (docs/performance.md, "Viewer": the read is about a third of opening a trace).
//
// A batch owns its texts: every event's kind and fields are copied into the batch's TextArena,
// and its views point there, so the caller can keep the views by adopting the arena. Batches
// come in trace order; the reading thread waits when kMaxQueued batches are waiting, so memory
// stays bounded if the caller is slower. Nothing here depends on timing: the caller sees the
// same events in the same order as a plain TraceReader::ForEachEventView would give.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim/trace_reader.h"
#include "sim/trace_stream.h"
#include "viewer/text_arena.h"

namespace ks {

struct EventBatch {
  std::vector<TraceEventView> events;  // viewing `text`
  TextArena text;
};

class EventBatches {
 public:
  static constexpr size_t kEventsPerBatch = 32768;
  static constexpr size_t kMaxQueued = 4;

  // Starts reading `reader`'s events on a new thread; `reader` is used by that thread only until
  // the last batch has been taken (or this object is destroyed).
  explicit EventBatches(const TraceReader* reader);
  // Stops the reading thread (at its next batch) and waits for it.
  ~EventBatches();
  EventBatches(const EventBatches&) = delete;
  EventBatches& operator=(const EventBatches&) = delete;

  // The next batch, or null at the end (then ok() says whether every event was read).
  std::unique_ptr<EventBatch> Next();
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }

 private:
  void Read(const TraceReader* reader);
  // Queues `batch`; false if the consumer has gone.
  bool Push(std::unique_ptr<EventBatch> batch);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<EventBatch>> queue_;  // guarded by mutex_
  bool done_ = false;                              // guarded by mutex_: no more batches will come
  bool stopping_ = false;                          // guarded by mutex_: the consumer has gone
  bool ok_ = true;                                 // written by the thread before done_
  std::string error_;                              // likewise
  std::thread thread_;                             // last: starts once the rest is built
};

}  // namespace ks
