#include "viewer/event_batches.h"

namespace ks {

EventBatches::EventBatches(const TraceReader* reader) : thread_([this, reader] { Read(reader); }) {}

EventBatches::~EventBatches() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void EventBatches::Read(const TraceReader* reader) {
  auto batch = std::make_unique<EventBatch>();
  batch->events.reserve(kEventsPerBatch);
  std::string error;
  bool consumer_gone = false;
  const bool ok = reader->ForEachEventView(
      [&](const TraceEventView& event) {
        EventBatch& current = *batch;
        current.events.push_back(TraceEventView{event.seq, event.time_us, event.node,
                                                current.text.Store(event.kind), event.kind_info,
                                                current.text.Store(event.data)});
        if (current.events.size() < kEventsPerBatch) return true;
        consumer_gone = !Push(std::move(batch));
        batch = std::make_unique<EventBatch>();
        batch->events.reserve(kEventsPerBatch);
        return !consumer_gone;
      },
      &error);
  if (!consumer_gone && !batch->events.empty()) Push(std::move(batch));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ok_ = ok;
    error_ = error;
    done_ = true;
  }
  changed_.notify_all();
}

bool EventBatches::Push(std::unique_ptr<EventBatch> batch) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return stopping_ || queue_.size() < kMaxQueued; });
  if (stopping_) return false;
  queue_.push_back(std::move(batch));
  lock.unlock();
  changed_.notify_all();
  return true;
}

std::unique_ptr<EventBatch> EventBatches::Next() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return !queue_.empty() || done_; });
  if (queue_.empty()) return nullptr;
  std::unique_ptr<EventBatch> batch = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  changed_.notify_all();
  return batch;
}

}  // namespace ks
