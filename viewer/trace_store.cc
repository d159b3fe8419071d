#include "viewer/trace_store.h"

#include <algorithm>

#include "model/broker/broker_events.h"
#include "model/check/checker_events.h"
#include "model/controller/controller_events.h"
#include "sim/scenario/scenario_events.h"
#include "sim/trace_reader.h"
#include "sim/world_events.h"
#include "viewer/event_batches.h"

namespace ks {
namespace {

constexpr int8_t kNoMarker = -1;
constexpr int8_t kMarkerFromFields = -2;

// The marker of every event of `kind`, kNoMarker, or kMarkerFromFields when it depends on the
// event's fields.
int8_t MarkerForKind(const EventKind* kind) {
  for (const EventKind* fault :
       {&EventKindOf<ev::NodeCrash>(), &EventKindOf<ev::NodeRestart>(),
        &EventKindOf<ev::NodePause>(), &EventKindOf<ev::NodeResume>(), &EventKindOf<ev::NodeStop>(),
        &EventKindOf<ev::NetPartition>(), &EventKindOf<ev::NetHeal>(),
        &EventKindOf<ev::DiskCorrupt>(), &EventKindOf<ev::DiskFull>()}) {
    if (kind == fault) return static_cast<int8_t>(MarkerKind::kFault);
  }
  if (kind == &EventKindOf<ev::ControllerElection>()) {
    return static_cast<int8_t>(MarkerKind::kElection);
  }
  if (kind == &EventKindOf<ev::ReplicaIsr>()) return static_cast<int8_t>(MarkerKind::kIsrChange);
  if (kind == &EventKindOf<ev::CheckerViolation>()) {
    return static_cast<int8_t>(MarkerKind::kViolation);
  }
  if (kind == &EventKindOf<ev::ScenarioStep>()) return kMarkerFromFields;
  return kNoMarker;
}

std::optional<MarkerKind> MarkerFor(int8_t of_kind, const TraceEventView& event) {
  if (of_kind >= 0) return static_cast<MarkerKind>(of_kind);
  if (of_kind == kNoMarker) return std::nullopt;
  std::optional<ev::ScenarioStep> step = event.As<ev::ScenarioStep>();
  if (!step) return std::nullopt;
  // A fault clicked in the viewer's live mode (or saved with the scenario): a fault, captioned.
  if (step->injected.value_or(false)) return MarkerKind::kFault;
  if (step->caption) return MarkerKind::kCaption;
  return std::nullopt;
}

}  // namespace

const char* MarkerKindName(MarkerKind kind) {
  switch (kind) {
    case MarkerKind::kFault:
      return "fault";
    case MarkerKind::kElection:
      return "election";
    case MarkerKind::kIsrChange:
      return "ISR change";
    case MarkerKind::kViolation:
      return "violation";
    case MarkerKind::kCaption:
      return "caption";
  }
  return "?";
}

TraceStore::TraceStore() { snapshots_.push_back(ClusterModel{}); }

std::unique_ptr<TraceStore> TraceStore::Open(const std::string& path, const EventCatalog& catalog,
                                             std::string* error) {
  std::unique_ptr<TraceReader> reader = TraceReader::Open(path, error, &catalog);
  if (reader == nullptr) return nullptr;
  auto store = std::make_unique<TraceStore>();
  store->meta_ = reader->meta();
  const std::string recorded = reader->Meta("recorded_events");
  if (!recorded.empty()) {
    // A bound, so that a corrupt count cannot make us reserve the machine's memory.
    const size_t count = std::min<size_t>(std::strtoull(recorded.c_str(), nullptr, 10), 1u << 28);
    store->records_.reserve(count);
    store->clocks_.reserve(count);
    store->snapshots_.reserve(count / kSnapshotInterval + 1);
  }
  EventBatches batches(reader.get());
  while (std::unique_ptr<EventBatch> batch = batches.Next()) {
    for (const TraceEventView& event : batch->events) store->AppendStored(event);
    store->text_.Adopt(std::move(batch->text));
  }
  if (!batches.ok()) {
    *error = batches.error();
    return nullptr;
  }
  return store;
}

TraceStore::KindId TraceStore::Intern(std::string_view kind, const EventKind* kind_info) {
  auto it = kind_ids_.find(kind);
  if (it != kind_ids_.end()) return it->second;
  const std::string_view stored = text_.Store(kind);
  const KindId id = static_cast<KindId>(kind_names_.size());
  kind_names_.push_back(stored);
  kind_infos_.push_back(kind_info);
  kind_ids_.emplace(stored, id);
  marker_by_kind_.push_back(MarkerForKind(kind_info));
  kinds_.insert(std::upper_bound(kinds_.begin(), kinds_.end(), kind), std::string(kind));
  return id;
}

void TraceStore::Append(const TraceEventView& event) {
  TraceEventView stored = event;
  stored.data = text_.Store(event.data);
  AppendStored(stored);
}

void TraceStore::AppendStored(const TraceEventView& event) {
  const TimeUs clock = clocks_.empty() ? event.time_us : std::max(clocks_.back(), event.time_us);
  const KindId kind = Intern(event.kind, event.kind_info);
  records_.push_back(Record{event.seq, event.time_us, event.data.data(),
                            static_cast<uint32_t>(event.data.size()), event.node, kind});
  clocks_.push_back(clock);
  const TraceEventView stored = view(records_.size() - 1);
  if (std::optional<MarkerKind> marker = MarkerFor(marker_by_kind_[kind], stored)) {
    markers_.push_back({*marker, records_.size() - 1, clock});
  }
  tip_.Apply(stored);
  if (records_.size() % kSnapshotInterval == 0) snapshots_.push_back(tip_);
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

void TraceStore::Fold(size_t from, size_t to, ClusterModel* model) const {
  for (size_t i = from; i < to; ++i) model->Apply(view(i));
}

ClusterModel TraceStore::StateAfter(size_t position) const {
  position = std::min(position, size());
  if (position == size()) return tip_;
  const size_t snapshot = position / kSnapshotInterval;
  ClusterModel model = snapshots_[snapshot];
  Fold(snapshot * kSnapshotInterval, position, &model);
  return model;
}

void TraceStore::Seek(size_t target, ClusterModel* model, size_t* position) const {
  target = std::min(target, size());
  if (target == *position) return;
  const bool forward_is_cheaper =
      target > *position && (target - *position < kSnapshotInterval ||
                             target / kSnapshotInterval == *position / kSnapshotInterval);
  if (forward_is_cheaper) {
    Fold(*position, target, model);
  } else {
    *model = StateAfter(target);
  }
  *position = target;
}

std::optional<size_t> TraceStore::NextOfKind(size_t from, const std::string& kind) const {
  // Decide per interned kind once, then scan the records' kind ids.
  const bool prefix = !kind.empty() && kind.back() == '.';
  std::vector<bool> wanted(kind_names_.size());
  bool any = false;
  for (size_t id = 0; id < kind_names_.size(); ++id) {
    const std::string_view name = kind_names_[id];
    wanted[id] = prefix ? name.starts_with(kind) : name == kind;
    any = any || wanted[id];
  }
  if (!any) return std::nullopt;
  for (size_t i = from; i < records_.size(); ++i) {
    if (wanted[records_[i].kind]) return i;
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
