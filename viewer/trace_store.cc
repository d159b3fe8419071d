#include "viewer/trace_store.h"

#include <algorithm>

#include "sim/trace_reader.h"
#include "viewer/json_fields.h"

namespace ks {
namespace {

std::optional<MarkerKind> MarkerFor(const TraceEvent& event) {
  const std::string& kind = event.kind;
  if (kind == "node.crash" || kind == "node.restart" || kind == "node.pause" ||
      kind == "node.resume" || kind == "node.stop" || kind == "net.partition" ||
      kind == "net.heal" || kind == "disk.corrupt" || kind == "disk.full") {
    return MarkerKind::kFault;
  }
  if (kind == "controller.election") return MarkerKind::kElection;
  if (kind == "replica.isr") return MarkerKind::kIsrChange;
  if (kind == "checker.violation") return MarkerKind::kViolation;
  if (kind == "scenario.step" && event.fields_json.find("\"caption\"") != std::string::npos) {
    return MarkerKind::kCaption;
  }
  return std::nullopt;
}

}  // namespace

const char* MarkerKindName(MarkerKind kind) {
  switch (kind) {
    case MarkerKind::kFault: return "fault";
    case MarkerKind::kElection: return "election";
    case MarkerKind::kIsrChange: return "ISR change";
    case MarkerKind::kViolation: return "violation";
    case MarkerKind::kCaption: return "caption";
  }
  return "?";
}

TraceStore::TraceStore() { snapshots_.push_back(ClusterModel{}); }

std::unique_ptr<TraceStore> TraceStore::Open(const std::string& path, std::string* error) {
  std::unique_ptr<TraceReader> reader = TraceReader::Open(path, error);
  if (reader == nullptr) return nullptr;
  auto store = std::make_unique<TraceStore>();
  store->meta_ = reader->meta();
  const std::string recorded = reader->Meta("recorded_events");
  if (!recorded.empty()) {
    const size_t count = std::strtoull(recorded.c_str(), nullptr, 10);
    store->events_.reserve(count);
    store->clocks_.reserve(count);
  }
  const bool ok = reader->ForEachEvent(
      [&](const TraceEvent& event) {
        store->Append(event);
        return true;
      },
      error);
  if (!ok) return nullptr;
  return store;
}

void TraceStore::Append(TraceEvent event) {
  const TimeUs clock = clocks_.empty() ? event.time_us : std::max(clocks_.back(), event.time_us);
  if (std::optional<MarkerKind> marker = MarkerFor(event)) {
    markers_.push_back({*marker, events_.size(), clock});
  }
  if (std::find(kinds_.begin(), kinds_.end(), event.kind) == kinds_.end()) {
    kinds_.insert(std::upper_bound(kinds_.begin(), kinds_.end(), event.kind), event.kind);
  }
  tip_.Apply(event);
  events_.push_back(std::move(event));
  clocks_.push_back(clock);
  if (events_.size() % kSnapshotInterval == 0) snapshots_.push_back(tip_);
}

TimeUs TraceStore::end_time_us() const {
  TimeUs end = clocks_.empty() ? 0 : clocks_.back();
  auto it = meta_.find("end_time_us");
  if (it != meta_.end()) end = std::max<TimeUs>(end, std::strtoll(it->second.c_str(), nullptr, 10));
  return end;
}

size_t TraceStore::PositionAt(TimeUs time_us) const {
  return std::upper_bound(clocks_.begin(), clocks_.end(), time_us) - clocks_.begin();
}

ClusterModel TraceStore::StateAfter(size_t position) const {
  position = std::min(position, events_.size());
  if (position == events_.size()) return tip_;
  const size_t snapshot = position / kSnapshotInterval;
  ClusterModel model = snapshots_[snapshot];
  for (size_t i = snapshot * kSnapshotInterval; i < position; ++i) model.Apply(events_[i]);
  return model;
}

void TraceStore::Seek(size_t target, ClusterModel* model, size_t* position) const {
  target = std::min(target, events_.size());
  if (target == *position) return;
  const bool forward_is_cheaper =
      target > *position && (target - *position < kSnapshotInterval ||
                             target / kSnapshotInterval == *position / kSnapshotInterval);
  if (forward_is_cheaper) {
    for (size_t i = *position; i < target; ++i) model->Apply(events_[i]);
  } else {
    *model = StateAfter(target);
  }
  *position = target;
}

std::optional<size_t> TraceStore::NextOfKind(size_t from, const std::string& kind) const {
  const bool prefix = !kind.empty() && kind.back() == '.';
  for (size_t i = from; i < events_.size(); ++i) {
    const std::string& candidate = events_[i].kind;
    if (prefix ? candidate.compare(0, kind.size(), kind) == 0 : candidate == kind) return i;
  }
  return std::nullopt;
}

std::optional<size_t> TraceStore::NextMarker(size_t from, MarkerKind marker) const {
  auto it = std::lower_bound(markers_.begin(), markers_.end(), from,
                             [](const Marker& m, size_t index) { return m.index < index; });
  for (; it != markers_.end(); ++it) {
    if (it->kind == marker) return it->index;
  }
  return std::nullopt;
}

}  // namespace ks
