// TraceStore: every event of one trace in memory, for the viewer to seek in. Loading is apart
// from drawing (Tracy's Worker/View split): the store knows nothing of ImGui.
//
// Positions are event counts: position n means "the first n events applied". Times map to
// positions through each event's *clock*, the largest time_us seen so far (events carry their
// node's local time, which can run a little behind an earlier event of another node), so the
// clock never goes back and a time picks a prefix of the trace.
//
// StateAt/StateAfter copy the nearest snapshot (one every kSnapshotInterval events) and fold the
// rest, so a seek anywhere costs at most kSnapshotInterval applies.
//
// Replay: Open() reads a whole trace file. Live: a default-constructed store receives events
// through Append() (LiveTraceSink feeds it from a running ScenarioRunner).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/trace_stream.h"
#include "viewer/cluster_model.h"

namespace ks {

enum class MarkerKind { kFault, kElection, kIsrChange, kViolation, kCaption };
const char* MarkerKindName(MarkerKind kind);

struct Marker {
  MarkerKind kind;
  size_t index;  // of the event
  TimeUs clock_us;
};

class TraceStore {
 public:
  static constexpr size_t kSnapshotInterval = 4096;

  TraceStore();
  // Reads the trace at `path`. Null with *error (the reader's message) if it is not a readable
  // kafkasim trace of a schema this program knows.
  static std::unique_ptr<TraceStore> Open(const std::string& path, std::string* error);

  void Append(TraceEvent event);

  size_t size() const { return events_.size(); }
  const TraceEvent& event(size_t index) const { return events_[index]; }
  TimeUs clock(size_t index) const { return clocks_[index]; }
  TimeUs end_time_us() const;
  const std::map<std::string, std::string>& meta() const { return meta_; }
  const std::vector<Marker>& markers() const { return markers_; }
  // Every kind seen, for the events filter and "next event of kind".
  const std::vector<std::string>& kinds() const { return kinds_; }

  // The number of events whose clock is at or before `time_us`.
  size_t PositionAt(TimeUs time_us) const;
  // The picture after the first `position` events.
  ClusterModel StateAfter(size_t position) const;
  ClusterModel StateAt(TimeUs time_us) const { return StateAfter(PositionAt(time_us)); }
  // Brings *model (the picture after *position events) to `target`, folding forward when that is
  // cheaper than restarting from a snapshot.
  void Seek(size_t target, ClusterModel* model, size_t* position) const;

  // The first event at index >= `from` whose kind equals `kind` (or starts with it when `kind`
  // ends with '.'), or whose marker kind is `marker`.
  std::optional<size_t> NextOfKind(size_t from, const std::string& kind) const;
  std::optional<size_t> NextMarker(size_t from, MarkerKind marker) const;

 private:
  std::vector<TraceEvent> events_;
  std::vector<TimeUs> clocks_;
  std::vector<ClusterModel> snapshots_;  // snapshots_[k]: the state after k * interval events
  ClusterModel tip_;                     // the state after all events
  std::vector<Marker> markers_;
  std::vector<std::string> kinds_;
  std::map<std::string, std::string> meta_;
};

// Feeds a store from a live run (the TraceStream's sinks).
class LiveTraceSink : public TraceSink {
 public:
  explicit LiveTraceSink(TraceStore* store) : store_(store) {}
  void OnEvent(const TraceEventView& event) override { store_->Append(event.ToEvent()); }

 private:
  TraceStore* store_;
};

}  // namespace ks
