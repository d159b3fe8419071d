#include "viewer/cluster_model.h"

#include <algorithm>

#include "model/broker/broker_events.h"
#include "model/check/checker_events.h"
#include "model/client/client_events.h"
#include "model/controller/controller_events.h"
#include "model/log/log_events.h"
#include "sim/scenario/scenario_events.h"
#include "sim/world_events.h"

namespace ks {
namespace {

std::string Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return std::string(text);
}

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    std::string part = Trim(text.substr(start, end - start));
    if (!part.empty()) parts.push_back(std::move(part));
    start = end + 1;
  }
  return parts;
}

// "b1,b2 | b3" -> {{b1,b2},{b3}}; "b1 -> b2" -> {{b1},{b2}}.
std::vector<std::vector<std::string>> ParseSides(const std::string& sides) {
  std::vector<std::vector<std::string>> groups;
  const size_t arrow = sides.find("->");
  if (arrow != std::string::npos) {
    groups.push_back(Split(std::string_view(sides).substr(0, arrow), ','));
    groups.push_back(Split(std::string_view(sides).substr(arrow + 2), ','));
    return groups;
  }
  for (const std::string& side : Split(sides, '|')) groups.push_back(Split(side, ','));
  return groups;
}

// "p1#2" -> "p1".
std::string ProcessName(const std::string& process) { return process.substr(0, process.find('#')); }

}  // namespace

const ReplicaView* PartitionView::Leader() const {
  auto it = replica_by_broker.find(leader);
  return it == replica_by_broker.end() ? nullptr : &it->second;
}

int64_t PartitionView::Lag(int32_t broker) const {
  const ReplicaView* leader_replica = Leader();
  auto it = replica_by_broker.find(broker);
  if (leader_replica == nullptr || it == replica_by_broker.end()) return -1;
  return std::max<int64_t>(0, leader_replica->leo - it->second.leo);
}

const NodeView* ClusterModel::Node(int32_t id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : &it->second;
}

std::string ClusterModel::NodeName(int32_t id) const {
  const NodeView* node = Node(id);
  if (node != nullptr && !node->name.empty()) return node->name;
  return "#" + std::to_string(id);
}

const LogView* ClusterModel::Log(const std::string& topic_partition, int32_t node) const {
  auto it = logs_.find({topic_partition, node});
  return it == logs_.end() ? nullptr : &it->second;
}

ConsumerLagView ClusterModel::ConsumerLag(const std::string& topic_partition,
                                          const ConsumerPartitionView& consumer) const {
  ConsumerLagView view;
  view.hw = consumer.fetched_hw;
  auto it = partitions_.find(topic_partition);
  if (it != partitions_.end()) {
    if (const ReplicaView* leader = it->second.Leader(); leader != nullptr) {
      view.hw = leader->hw;
      view.leo = leader->leo;
    }
  }
  if (view.hw >= 0 && consumer.position >= 0) {
    view.lag = std::max<int64_t>(0, view.hw - consumer.position);
  }
  return view;
}

bool ClusterModel::LinkCut(const std::string& a, const std::string& b) const {
  for (const std::vector<std::vector<std::string>>& groups : network_.cuts) {
    int side_a = -1, side_b = -1, everyone_else = -1;
    for (size_t i = 0; i < groups.size(); ++i) {
      for (const std::string& name : groups[i]) {
        if (name == a) side_a = static_cast<int>(i);
        if (name == b) side_b = static_cast<int>(i);
        if (name == "*") everyone_else = static_cast<int>(i);
      }
    }
    if (side_a < 0) side_a = everyone_else;
    if (side_b < 0) side_b = everyone_else;
    if (side_a >= 0 && side_b >= 0 && side_a != side_b) return true;
  }
  return false;
}

PartitionView& ClusterModel::Partition(const std::string& name) {
  PartitionView& partition = partitions_[name];
  partition.name = name;
  return partition;
}

ReplicaView& ClusterModel::Replica(const std::string& partition_name, int32_t broker) {
  PartitionView& partition = Partition(partition_name);
  ReplicaView& replica = partition.replica_by_broker[broker];
  replica.broker = broker;
  replica.in_isr =
      std::find(partition.isr.begin(), partition.isr.end(), broker) != partition.isr.end();
  return replica;
}

void ClusterModel::SetIsr(PartitionView& partition, std::vector<int32_t> isr) {
  partition.isr = std::move(isr);
  for (auto& [broker, replica] : partition.replica_by_broker) {
    replica.in_isr =
        std::find(partition.isr.begin(), partition.isr.end(), broker) != partition.isr.end();
  }
}

void ClusterModel::Apply(const TraceEventView& event) {
  ++events_applied_;
  time_us_ = std::max(time_us_, event.time_us);
  const bool index_entries_pending = !pending_index_entries_.empty();
  const bool index_entry = event.Is<ev::LogIndexEntry>();
  if (!ApplyReplica(event) && !ApplyHistory(event) && !ApplyController(event) &&
      !ApplyNode(event) && !ApplyLog(event) && !ApplyScenario(event) && !ApplyNetwork(event) &&
      !ApplyConsumer(event)) {
    if (auto loss = event.As<ev::DiskCrashLoss>()) {
      ApplyCrashLoss(event.node, *loss);
    } else if (auto violation = event.As<ev::CheckerViolation>()) {
      violations_.push_back({event.seq, event.time_us, std::string(CheckerName(violation->checker)),
                             violation->tp.Name(), std::string(violation->detail)});
    }
  }
  // Index entries belong to the event right after them; any other event ends the wait.
  if (index_entries_pending && !index_entry) pending_index_entries_.clear();
}

bool ClusterModel::ApplyNode(const TraceEventView& event) {
  auto node_view = [&]() -> NodeView& {
    NodeView& node = nodes_[event.node];
    node.id = event.node;
    return node;
  };
  if (auto add = event.As<ev::NodeAdd>()) {
    NodeView& node = node_view();
    node.name = std::string(add->name);
    node.role = std::string(add->role);
  } else if (auto start = event.As<ev::NodeStart>()) {
    NodeView& node = node_view();
    node.up = true;
    node.crashed = false;
    node.paused = false;
    node.incarnation = start->incarnation;
  } else if (auto restart = event.As<ev::NodeRestart>()) {
    NodeView& node = node_view();
    node.up = true;
    node.crashed = false;
    node.paused = false;
    node.incarnation = restart->incarnation;
  } else if (event.Is<ev::NodeCrash>()) {
    NodeView& node = node_view();
    node.up = false;
    node.crashed = true;
    node.paused = false;
  } else if (event.Is<ev::NodeStop>()) {
    NodeView& node = node_view();
    node.up = false;
    node.paused = false;
  } else if (event.Is<ev::NodePause>()) {
    node_view().paused = true;
  } else if (event.Is<ev::NodeResume>()) {
    node_view().paused = false;
  } else {
    return false;
  }
  return true;
}

bool ClusterModel::ApplyReplica(const TraceEventView& event) {
  if (auto leo = event.As<ev::ReplicaLeo>()) {
    Replica(leo->tp.Name(), event.node).leo = leo->leo;
  } else if (auto hw = event.As<ev::ReplicaHw>()) {
    ReplicaView& replica = Replica(hw->tp.Name(), event.node);
    replica.hw = hw->hw;
    replica.leo = hw->leo;
  } else if (auto follower = event.As<ev::ReplicaFollowerLeo>()) {
    // The leader's view of a follower: newer than nothing, but the follower's own replica.leo
    // is the truth, so only fill it in when the follower never reported.
    ReplicaView& replica = Replica(follower->tp.Name(), follower->follower);
    if (replica.role == "none" && replica.leo == 0) replica.leo = follower->leo;
  } else if (auto role = event.As<ev::ReplicaRoleChange>()) {
    const std::string tp = role->tp.Name();
    PartitionView& partition = Partition(tp);
    ReplicaView& replica = Replica(tp, event.node);
    replica.role = std::string(ReplicaRoleName(role->role));
    replica.leader_epoch = role->leader_epoch;
    replica.hw = role->hw;
    replica.leo = role->leo;
    if (partition.replicas.empty()) partition.replicas = role->replicas.ToVector();
    if (partition.leader < 0) {
      partition.leader = role->leader;
      partition.leader_epoch = replica.leader_epoch;
      SetIsr(partition, role->isr.ToVector());
    }
  } else if (auto isr = event.As<ev::ReplicaIsr>()) {
    PartitionView& partition = Partition(isr->tp.Name());
    SetIsr(partition, isr->isr.ToVector());
    partition.partition_epoch = isr->partition_epoch;
  } else if (auto truncate = event.As<ev::ReplicaTruncate>()) {
    ReplicaView& replica = Replica(truncate->tp.Name(), event.node);
    replica.truncated_from = truncate->from_leo;
    replica.truncated_to = truncate->to;
    replica.truncated_at_us = event.time_us;
    replica.leo = std::min(replica.leo, replica.truncated_to);
    replica.hw = std::min(replica.hw, replica.leo);
  } else {
    return false;
  }
  return true;
}

bool ClusterModel::ApplyController(const TraceEventView& event) {
  if (auto active = event.As<ev::ControllerActive>()) {
    controller_ = active->broker;
    controller_epoch_ = active->epoch;
  } else if (auto resign = event.As<ev::ControllerResign>()) {
    if (controller_ == resign->broker) controller_ = -1;
  } else if (auto election = event.As<ev::ControllerElection>()) {
    PartitionView& partition = Partition(election->tp.Name());
    partition.leader = election->leader;
    partition.leader_epoch = election->leader_epoch;
    partition.last_election_unclean = election->unclean;
    ++partition.elections;
    SetIsr(partition, election->isr.ToVector());
  } else if (auto state = event.As<ev::ControllerPartitionState>()) {
    PartitionView& partition = Partition(state->tp.Name());
    partition.leader = state->leader;
    partition.leader_epoch = state->leader_epoch;
    partition.partition_epoch = state->partition_epoch;
    partition.replicas = state->replicas.ToVector();
    SetIsr(partition, state->isr.ToVector());
    for (int32_t broker : partition.replicas) Replica(partition.name, broker);
  } else {
    return false;
  }
  return true;
}

LogView& ClusterModel::LogOf(const TpRef& tp, int32_t node) {
  const std::string name = tp.Name();
  LogView& log = logs_[{name, node}];
  if (log.node < 0) {
    log.node = node;
    log.topic_partition = name;
  }
  return log;
}

// Index entries just reported by this node belong to the log named now.
void ClusterModel::TakePendingIndexEntries(int32_t node, LogView& log, bool count) {
  if (pending_index_node_ != node) return;
  for (const IndexEntryView& entry : pending_index_entries_) log.OnIndexEntry(entry, count);
  pending_index_entries_.clear();
}

namespace {

// log.open's and log.clean's segment summaries as the fold keeps segments.
std::vector<SegmentView> SegmentViews(const TraceList<ev::SegmentSummary>& summaries) {
  std::vector<SegmentView> views;
  views.reserve(summaries.size());
  for (const ev::SegmentSummary& summary : summaries) {
    SegmentView view;
    view.base_offset = summary.base_offset;
    view.end_offset = summary.next_offset;
    view.size_bytes = summary.bytes;
    view.index_entries = summary.index_entries;
    view.time_index_entries = summary.time_index_entries;
    views.push_back(view);
  }
  return views;
}

}  // namespace

bool ClusterModel::ApplyLog(const TraceEventView& event) {
  const int32_t node = event.node;
  if (node < 0 && event.kind.starts_with("log.")) return true;  // no node: no log to draw
  if (auto entry = event.As<ev::LogIndexEntry>()) {
    if (node < 0) return true;
    if (pending_index_node_ != node) pending_index_entries_.clear();
    pending_index_node_ = node;
    pending_index_entries_.push_back(IndexEntryView{entry->segment,
                                                    entry->segment + entry->relative_offset,
                                                    entry->position, entry->timestamp_ms, false});
  } else if (auto append = event.As<ev::LogAppend>()) {
    LogView& log = LogOf(append->tp, node);
    log.OnAppend(append->segment, append->last_offset, append->bytes);
    if (!pending_index_entries_.empty() &&
        pending_index_entries_.front().segment == append->segment) {
      TakePendingIndexEntries(node, log);
    }
  } else if (auto open = event.As<ev::LogOpen>()) {
    LogOf(open->tp, node)
        .OnOpen(open->log_start_offset, open->log_end_offset, open->recovery_point,
                LogView::IndexFiles{.index_bytes = open->index_bytes,
                                    .time_index_bytes = open->time_index_bytes},
                SegmentViews(open->segments));
  } else if (auto roll = event.As<ev::LogRoll>()) {
    LogOf(roll->tp, node)
        .OnRoll(roll->segment, std::string(TraceName(roll->reason)), roll->previous_segment,
                roll->previous_bytes,
                LogView::IndexFiles{
                    .previous_index_entries = roll->previous_index_entries,
                    .previous_time_index_entries = roll->previous_time_index_entries,
                    .index_bytes = roll->index_bytes,
                    .time_index_bytes = roll->time_index_bytes});
  } else if (auto close = event.As<ev::LogClose>()) {
    LogOf(close->tp, node)
        .OnClose(close->segment, close->index_entries, close->time_index_entries,
                 close->log_end_offset);
  } else if (auto flush = event.As<ev::LogFlush>()) {
    LogOf(flush->tp, node).OnFlush(flush->offset);
  } else if (auto start = event.As<ev::LogStartOffset>()) {
    LogOf(start->tp, node).log_start = start->log_start_offset;
    if (IsBroker(node)) Replica(start->tp.Name(), node).log_start = start->log_start_offset;
  } else if (auto deleted = event.As<ev::LogRetentionDelete>()) {
    LogOf(deleted->tp, node)
        .OnRetentionDelete(event.time_us, deleted->segment, std::string(TraceName(deleted->reason)),
                           deleted->bytes);
  } else if (auto truncate = event.As<ev::LogTruncate>()) {
    LogOf(truncate->tp, node)
        .OnTruncate(event.time_us, truncate->to_offset, truncate->bytes_removed,
                    truncate->log_end_offset, truncate->full);
    if (IsBroker(node)) {
      ReplicaView& replica = Replica(truncate->tp.Name(), node);
      if (truncate->full) replica.log_start = truncate->to_offset;
      replica.leo = truncate->log_end_offset;
      replica.hw = std::min(replica.hw, replica.leo);
    }
  } else if (auto recovery = event.As<ev::LogRecovery>()) {
    LogOf(recovery->tp, node)
        .OnRecovery(event.time_us, recovery->segments_scanned, recovery->bytes_dropped,
                    recovery->segments_deleted, recovery->log_end_offset,
                    std::string(recovery->reason));
    if (IsBroker(node)) {  // the log as found on disk after a restart
      ReplicaView& replica = Replica(recovery->tp.Name(), node);
      replica.leo = recovery->log_end_offset;
      replica.hw = std::min(replica.hw, replica.leo);
      replica.role = "none";
    }
  } else if (auto clean = event.As<ev::LogClean>()) {
    LogView& log = LogOf(clean->tp, node);
    log.OnClean(event.time_us, clean->end_offset, clean->records_removed,
                SegmentViews(clean->segments));
    // The cleaned segments' entries, listed; the event already counted them.
    TakePendingIndexEntries(node, log, /*count=*/false);
  } else if (auto offline = event.As<ev::LogOffline>()) {
    LogOf(offline->tp, node).offline_error = std::string(offline->error);
  } else {
    return false;
  }
  return true;
}

// Logs of log_host nodes are not replicas: only brokers' logs move replicas.
bool ClusterModel::IsBroker(int32_t node) const {
  const NodeView* view = Node(node);
  return node >= 0 && (view == nullptr || view->role == "broker");
}

void ClusterModel::ApplyCrashLoss(int32_t node, const ev::DiskCrashLoss& loss) {
  std::string tp;
  int64_t segment = 0;
  if (!ParseSegmentFile(std::string(loss.file), &tp, &segment)) return;
  auto it = logs_.find({tp, node});
  if (it != logs_.end()) it->second.OnCrashLoss(segment, loss.size_after);
}

ClientView& ClusterModel::Client(std::string_view name) {
  ClientView& client = clients_[std::string(name)];
  client.name = std::string(name);
  return client;
}

bool ClusterModel::ApplyConsumer(const TraceEventView& event) {
  if (auto fetch = event.As<ev::ConsumerFetch>()) {
    ClientView& client = Client(fetch->client);
    client.consumer = true;
    for (const ev::FetchedPartition& p : fetch->partitions) {
      client.topic = std::string(p.tp.topic);
      ConsumerPartitionView& partition = client.partitions[p.tp.Name()];
      partition.fetch_offset = p.fetch_offset;
      if (p.error == ErrorCode::kNone) {
        partition.fetched_hw = p.high_watermark;
      } else {
        partition.last_error = std::string(ErrorName(p.error));
      }
    }
  } else if (auto reset = event.As<ev::ConsumerReset>()) {
    ClientView& client = Client(reset->client);
    client.consumer = true;
    client.topic = std::string(reset->tp.topic);
    client.partitions[reset->tp.Name()].position = reset->offset;
  } else if (auto error = event.As<ev::ConsumerError>()) {
    ClientView& client = Client(error->client);
    client.consumer = true;
    client.topic = std::string(error->tp.topic);
    client.partitions[error->tp.Name()].last_error = std::string(ErrorName(error->error));
  } else {
    return false;
  }
  return true;
}

bool ClusterModel::ApplyHistory(const TraceEventView& event) {
  std::optional<ev::HistoryOp> op = event.As<ev::HistoryOp>();
  if (!op) return false;
  ClientView& client = Client(ProcessName(std::string(op->process)));
  if (op->f == HistoryFunction::kSend) {
    client.producer = true;
    switch (op->type) {
      case HistoryType::kInvoke:
        ++client.sends_invoked;
        break;
      case HistoryType::kOk:
        ++client.sends_acked;
        break;
      case HistoryType::kFail:
        ++client.sends_failed;
        if (op->error) client.last_error = std::string(ErrorName(*op->error));
        break;
      case HistoryType::kInfo:
        ++client.sends_unknown;
        if (op->error) client.last_error = std::string(ErrorName(*op->error));
        break;
    }
    return true;
  }
  client.consumer = true;
  if (op->type != HistoryType::kOk || !op->records) return true;
  // The consumer's position moves past each record; runs of records share a partition.
  ConsumerPartitionView* partition = nullptr;
  TpRef current;
  for (const ev::PolledRecord& record : *op->records) {
    if (partition == nullptr || !(record.tp == current)) {
      current = record.tp;
      partition = &client.partitions[record.tp.Name()];
    }
    partition->position = std::max(partition->position, record.offset + 1);
    ++partition->records_consumed;
    ++client.records_consumed;
  }
  return true;
}

bool ClusterModel::ApplyScenario(const TraceEventView& event) {
  if (auto begin = event.As<ev::ScenarioBegin>()) {
    scenario_name_ = std::string(begin->name);
    description_ = std::string(begin->description);
  } else if (auto step = event.As<ev::ScenarioStep>()) {
    if (step->caption) {
      caption_ = std::string(*step->caption);
      caption_time_us_ = event.time_us;
    }
  } else {
    return false;
  }
  return true;
}

bool ClusterModel::ApplyNetwork(const TraceEventView& event) {
  if (auto cut = event.As<ev::NetPartition>()) {
    network_.partitioned = true;
    network_.one_way = cut->one_way;
    const std::string sides(cut->sides);
    network_.sides += (network_.sides.empty() ? "" : "; ") + sides;
    network_.groups = ParseSides(sides);
    network_.cuts.push_back(network_.groups);
  } else if (event.Is<ev::NetHeal>()) {
    network_ = NetworkView{};
  } else {
    return false;
  }
  return true;
}

}  // namespace ks
