// TraceStream: the run's single, ordered stream of trace events.
//
// Every event (from a node's Env or from the world) passes through Emit, which numbers it
// (seq from 0), folds it into the run's digest and hands it to the sinks (the SQLite recorder,
// a live viewer, a test's collector) and to the observers of its kind (the checkers' history).
// The digest is XXH3-128 over the canonical encoding of each event in order:
//     time_us (8 bytes, little-endian) | node (4 bytes, LE, -1 for the world) |
//     kind name bytes | 0x00 | fields length (4 bytes, LE) | fields (the typed event's encoding,
//     model/env/trace_event.h)
// JSON plays no part in it: it is rendered from the fields for people (the SQLite trace, printed
// output, the viewer). Same scenario + seed + binary => same events => same digest;
// docs/trace-schema.md repeats this.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/message.h"
#include "model/env/time.h"
#include "model/env/trace.h"

namespace ks {

// An event as the stream hands it to sinks: valid during the call only (copy with ToEvent).
struct TraceEventView {
  int64_t seq;
  TimeUs time_us;
  NodeId node;
  std::string_view kind;  // its kind's name
  const EventKind* kind_info = nullptr;
  std::string_view data;  // its fields, encoded

  // The event as an E (its strings and lists view this event's bytes: valid as long as they
  // are); nullopt if it is of another kind.
  template <typename E>
  std::optional<E> As() const {
    if (kind_info != &EventKindOf<E>()) return std::nullopt;
    return DecodeEvent<E>(data);
  }
  template <typename E>
  bool Is() const {
    return kind_info == &EventKindOf<E>();
  }

  // Its fields as a JSON object.
  std::string Json() const { return RenderEventJson(kind_info, data); }

  // A view of an owned event.
  static TraceEventView Of(const TraceEvent& event) {
    return TraceEventView{event.seq,  event.time_us,   event.node,
                          event.kind, event.kind_info, event.data};
  }

  TraceEvent ToEvent() const {
    return TraceEvent{seq, time_us, node, std::string(kind), kind_info, std::string(data)};
  }
};

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void OnEvent(const TraceEventView& event) = 0;
};

// A 128-bit digest, printed as 32 lowercase hex digits.
struct Digest {
  uint64_t high = 0;
  uint64_t low = 0;
  std::string Hex() const;
  bool operator==(const Digest&) const = default;
};

class TraceStream {
 public:
  TraceStream();
  ~TraceStream();
  TraceStream(const TraceStream&) = delete;
  TraceStream& operator=(const TraceStream&) = delete;

  // Recording (the default) numbers every event, folds it into the digest and hands it to the
  // sinks. A run without recording (world.tracing: false) produces only the events somebody
  // observes, and delivers them to their observers alone, unnumbered (seq -1).
  void SetRecording(bool recording) { recording_ = recording; }
  bool recording() const { return recording_; }

  // A sink for every event (only while recording).
  void AddSink(TraceSink* sink) { sinks_.push_back(sink); }
  void RemoveSink(TraceSink* sink);
  bool HasSinks() const { return !sinks_.empty(); }
  // A sink for the events of one kind, recording or not: how checkers and the history see the run
  // whatever is written. A sink that observes kinds is not also added as a sink of every event.
  void Observe(const EventKind& kind, TraceSink* sink);
  template <typename E>
  void Observe(TraceSink* sink) {
    Observe(EventKindOf<E>(), sink);
  }
  void StopObserving(TraceSink* sink);
  // True if an event of `kind` would go anywhere: emitters skip building the others.
  bool Wants(const EventKind& kind) const {
    return recording_ || (kind.id < observers_.size() && !observers_[kind.id].empty());
  }

  // The run's global simulated time (the scheduler's clock). When set, Emit checks the trace's
  // time rule (docs/trace-schema.md, "Time order"): an event's time is never before the global
  // clock at its emission (a node's clock is the global one, or ahead of it while the node does
  // synchronous disk work), and the global clock never goes back. So the running maximum of
  // time_us is the global clock's lower bound, and nothing is traced with a time in the past
  // (a record's timestamp or a scheduled time belongs in the event's fields, not its time).
  void SetClock(std::function<TimeUs()> clock) { clock_ = std::move(clock); }

  // An event of `kind` whose encoded fields are `data`.
  void Emit(TimeUs time_us, NodeId node, const EventKind& kind, std::string_view data);

  int64_t event_count() const { return next_seq_; }
  Digest CurrentDigest() const;

  // Keeps a 64-bit hash of each event, so two runs can be compared to find the first event where
  // they part (check-determinism). Costs 8 bytes per event.
  void KeepEventHashes(bool keep) { keep_event_hashes_ = keep; }
  const std::vector<uint64_t>& event_hashes() const { return event_hashes_; }

 private:
  struct State;
  State* state_;
  int64_t next_seq_ = 0;
  bool keep_event_hashes_ = false;
  std::vector<uint64_t> event_hashes_;
  bool recording_ = true;
  std::function<TimeUs()> clock_;
  TimeUs last_clock_us_ = 0;
  std::vector<TraceSink*> sinks_;
  std::vector<std::vector<TraceSink*>> observers_;  // by EventKind::id
  std::string scratch_;
};

// A sink that keeps every event in memory (tests, the viewer's live mode).
class TraceCollector : public TraceSink {
 public:
  void OnEvent(const TraceEventView& event) override { events.push_back(event.ToEvent()); }
  std::vector<TraceEvent> events;
};

}  // namespace ks
