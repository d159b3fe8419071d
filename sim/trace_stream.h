// TraceStream: the run's single, ordered stream of trace events.
//
// Every event (from a node's Env or from the world) passes through Emit, which numbers it
// (seq from 0), folds it into the run's digest and hands it to the sinks (the SQLite recorder,
// a live viewer, a test's collector). The digest is XXH3-128 over the canonical encoding of each
// event in order:
//     time_us (8 bytes, little-endian) | node (4 bytes, LE, -1 for the world) |
//     kind bytes | 0x00 | fields JSON bytes | 0x00
// Same scenario + seed + binary => same events => same digest; docs/trace-schema.md repeats this.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/message.h"
#include "model/env/time.h"
#include "model/env/trace.h"

namespace ks {

struct TraceEventView {
  int64_t seq;
  TimeUs time_us;
  NodeId node;
  std::string_view kind;
  std::string_view fields_json;

  TraceEvent ToEvent() const {
    return TraceEvent{seq, time_us, node, std::string(kind), std::string(fields_json)};
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

  void AddSink(TraceSink* sink) { sinks_.push_back(sink); }
  void RemoveSink(TraceSink* sink);
  bool HasSinks() const { return !sinks_.empty(); }

  void Emit(TimeUs time_us, NodeId node, std::string_view kind, std::string_view fields_json);

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
  std::vector<TraceSink*> sinks_;
  std::string scratch_;
};

// A sink that keeps every event in memory (tests, the viewer's live mode).
class TraceCollector : public TraceSink {
 public:
  void OnEvent(const TraceEventView& event) override { events.push_back(event.ToEvent()); }
  std::vector<TraceEvent> events;
};

}  // namespace ks
