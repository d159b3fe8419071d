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
// Storage (docs/performance.md, "Viewer"): one fixed-size record per event, its kind interned as
// a small integer and its fields JSON copied once into a chunked TextArena, so a million events
// cost no allocation each; view(i) hands out views into that storage (valid as long as the
// store), event(i) an owned copy.
//
// Replay: Open() reads a whole trace file: SQLite on a thread of its own (EventBatches), the fold
// on the calling one. Live: a default-constructed store receives events
// through Append() (LiveTraceSink feeds it from a running ScenarioRunner).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/event_catalog.h"
#include "sim/trace_stream.h"
#include "viewer/cluster_model.h"
#include "viewer/text_arena.h"

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
  using KindId = uint32_t;  // an interned kind: its index in the order kinds were first seen

  TraceStore();
  TraceStore(const TraceStore&) = delete;
  TraceStore& operator=(const TraceStore&) = delete;
  // Reads the trace at `path`, its events typed by `catalog` (every kind the program knows). Null
  // with *error (the reader's message) if it is not a readable kafkasim trace of a schema this
  // program knows.
  static std::unique_ptr<TraceStore> Open(const std::string& path, const EventCatalog& catalog,
                                          std::string* error);

  // Copies the event into the store (the view need not outlive the call) and folds it.
  void Append(const TraceEventView& event);
  void Append(const TraceEvent& event) { Append(TraceEventView::Of(event)); }

  size_t size() const { return records_.size(); }
  // The event at `index`, viewing the store's own storage: valid as long as the store.
  TraceEventView view(size_t index) const {
    const Record& record = records_[index];
    return TraceEventView{record.seq,
                          record.time_us,
                          record.node,
                          kind_names_[record.kind],
                          kind_infos_[record.kind],
                          std::string_view(record.data, record.data_size)};
  }
  // An owned copy of the event at `index` (tests, rare uses: drawing and folding use view()).
  TraceEvent event(size_t index) const { return view(index).ToEvent(); }
  KindId kind_id(size_t index) const { return records_[index].kind; }
  TimeUs clock(size_t index) const { return clocks_[index]; }
  TimeUs end_time_us() const;
  const std::map<std::string, std::string>& meta() const { return meta_; }
  const std::vector<Marker>& markers() const { return markers_; }
  // Every kind seen, sorted by name, for the events filter and "next event of kind".
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
  struct Record {
    int64_t seq;
    TimeUs time_us;
    const char* data;  // the event's encoded fields, in text_
    uint32_t data_size;
    int32_t node;
    KindId kind;
  };
  KindId Intern(std::string_view kind, const EventKind* kind_info);
  // Append() for an event whose fields already live in text_ (or an arena text_ adopts).
  void AppendStored(const TraceEventView& event);
  void Fold(size_t from, size_t to, ClusterModel* model) const;

  TextArena text_;  // kind names and fields; declared first, as everything else points into it
  std::vector<Record> records_;
  std::vector<TimeUs> clocks_;
  std::vector<std::string_view> kind_names_;  // by KindId, in text_
  std::vector<const EventKind*> kind_infos_;  // by KindId (null: an untyped kind)
  std::unordered_map<std::string_view, KindId> kind_ids_;
  // By KindId: the timeline marker of that kind's events, if any (MarkerFor, decided once per
  // kind; scenario.step depends on its fields).
  std::vector<int8_t> marker_by_kind_;
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
  void OnEvent(const TraceEventView& event) override { store_->Append(event); }

 private:
  TraceStore* store_;
};

}  // namespace ks
