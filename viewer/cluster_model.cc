#include "viewer/cluster_model.h"

#include <algorithm>

#include "viewer/json_fields.h"

namespace ks {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

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
  const std::string_view kind = event.kind;
  const bool index_entries_pending = !pending_index_entries_.empty();
  if (StartsWith(kind, "replica.")) {
    ApplyReplica(event);
  } else if (kind == "history.op") {
    ApplyHistory(event);
  } else if (StartsWith(kind, "controller.")) {
    ApplyController(event);
  } else if (StartsWith(kind, "node.")) {
    ApplyNode(event);
  } else if (StartsWith(kind, "log.")) {
    ApplyLog(event);
  } else if (StartsWith(kind, "scenario.")) {
    ApplyScenario(event);
  } else if (StartsWith(kind, "net.")) {
    ApplyNetwork(event);
  } else if (StartsWith(kind, "consumer.")) {
    ApplyConsumer(event);
  } else if (kind == "disk.crash_loss") {
    ApplyCrashLoss(event);
  } else if (kind == "checker.violation") {
    JsonFields fields(event.fields_json);
    violations_.push_back({event.seq, event.time_us, fields.String("checker"), fields.String("tp"),
                           fields.String("detail")});
  }
  // Index entries belong to the event right after them; any other event ends the wait.
  if (index_entries_pending && kind != "log.index_entry") pending_index_entries_.clear();
}

void ClusterModel::ApplyNode(const TraceEventView& event) {
  NodeView& node = nodes_[event.node];
  node.id = event.node;
  const std::string_view kind = event.kind;
  JsonFields fields(event.fields_json);
  if (kind == "node.add") {
    node.name = fields.String("name");
    node.role = fields.String("role");
  } else if (kind == "node.start" || kind == "node.restart") {
    node.up = true;
    node.crashed = false;
    node.paused = false;
    node.incarnation = fields.Int("incarnation", node.incarnation + 1);
  } else if (kind == "node.crash") {
    node.up = false;
    node.crashed = true;
    node.paused = false;
  } else if (kind == "node.stop") {
    node.up = false;
    node.paused = false;
  } else if (kind == "node.pause") {
    node.paused = true;
  } else if (kind == "node.resume") {
    node.paused = false;
  }
}

void ClusterModel::ApplyReplica(const TraceEventView& event) {
  JsonFields fields(event.fields_json);
  const std::string tp = fields.String("tp");
  if (tp.empty()) return;
  const std::string_view kind = event.kind;
  if (kind == "replica.leo") {
    Replica(tp, event.node).leo = fields.Int("leo");
  } else if (kind == "replica.hw") {
    ReplicaView& replica = Replica(tp, event.node);
    replica.hw = fields.Int("hw");
    replica.leo = fields.Int("leo", replica.leo);
  } else if (kind == "replica.follower_leo") {
    // The leader's view of a follower: newer than nothing, but the follower's own replica.leo
    // is the truth, so only fill it in when the follower never reported.
    ReplicaView& replica = Replica(tp, static_cast<int32_t>(fields.Int("follower")));
    if (replica.role == "none" && replica.leo == 0) replica.leo = fields.Int("leo");
  } else if (kind == "replica.role") {
    PartitionView& partition = Partition(tp);
    ReplicaView& replica = Replica(tp, event.node);
    replica.role = fields.String("role", "none");
    replica.leader_epoch = static_cast<int32_t>(fields.Int("leader_epoch", -1));
    replica.hw = fields.Int("hw", replica.hw);
    replica.leo = fields.Int("leo", replica.leo);
    if (partition.replicas.empty()) partition.replicas = fields.IntArray("replicas");
    if (partition.leader < 0) {
      partition.leader = static_cast<int32_t>(fields.Int("leader", -1));
      partition.leader_epoch = replica.leader_epoch;
      SetIsr(partition, fields.IntArray("isr"));
    }
  } else if (kind == "replica.isr") {
    PartitionView& partition = Partition(tp);
    SetIsr(partition, fields.IntArray("isr"));
    partition.partition_epoch = static_cast<int32_t>(fields.Int("partition_epoch", -1));
  } else if (kind == "replica.truncate") {
    ReplicaView& replica = Replica(tp, event.node);
    replica.truncated_from = fields.Int("from_leo");
    replica.truncated_to = fields.Int("to");
    replica.truncated_at_us = event.time_us;
    replica.leo = std::min(replica.leo, replica.truncated_to);
    replica.hw = std::min(replica.hw, replica.leo);
  }
}

void ClusterModel::ApplyController(const TraceEventView& event) {
  JsonFields fields(event.fields_json);
  const std::string_view kind = event.kind;
  if (kind == "controller.active") {
    controller_ = static_cast<int32_t>(fields.Int("broker", event.node));
    controller_epoch_ = fields.Int("epoch");
  } else if (kind == "controller.resign") {
    if (controller_ == fields.Int("broker", event.node)) controller_ = -1;
  } else if (kind == "controller.election") {
    PartitionView& partition = Partition(fields.String("tp"));
    partition.leader = static_cast<int32_t>(fields.Int("leader", -1));
    partition.leader_epoch = static_cast<int32_t>(fields.Int("leader_epoch", -1));
    partition.last_election_unclean = fields.Bool("unclean");
    ++partition.elections;
    SetIsr(partition, fields.IntArray("isr"));
  } else if (kind == "controller.partition_state") {
    PartitionView& partition = Partition(fields.String("tp"));
    partition.leader = static_cast<int32_t>(fields.Int("leader", -1));
    partition.leader_epoch = static_cast<int32_t>(fields.Int("leader_epoch", -1));
    partition.partition_epoch = static_cast<int32_t>(fields.Int("partition_epoch", -1));
    partition.replicas = fields.IntArray("replicas");
    SetIsr(partition, fields.IntArray("isr"));
    for (int32_t broker : partition.replicas) Replica(partition.name, broker);
  }
}

void ClusterModel::ApplyLog(const TraceEventView& event) {
  const std::string_view kind = event.kind;
  if (event.node < 0) return;
  if (kind == "log.index_entry") {
    JsonFields fields(event.fields_json);
    if (pending_index_node_ != event.node) pending_index_entries_.clear();
    pending_index_node_ = event.node;
    const int64_t segment = fields.Int("segment");
    pending_index_entries_.push_back(
        IndexEntryView{segment, segment + fields.Int("relative_offset"), fields.Int("position"),
                       fields.Int("timestamp_ms", -1), false});
    return;
  }
  JsonFields fields(event.fields_json);
  const std::string tp = fields.String("topic_partition");
  if (tp.empty()) return;
  LogView& log = logs_[{tp, event.node}];
  if (log.node < 0) {
    log.node = event.node;
    log.topic_partition = tp;
  }
  ApplyStorage(event, fields, log);
  if (kind != "log.start_offset" && kind != "log.truncate" && kind != "log.recovery") return;
  // Logs of log_host nodes are not replicas; only follow partitions the brokers know.
  const NodeView* node = Node(event.node);
  if (node != nullptr && node->role != "broker") return;
  ReplicaView& replica = Replica(tp, event.node);
  if (kind == "log.start_offset") {
    replica.log_start = fields.Int("log_start_offset");
  } else if (kind == "log.truncate") {
    if (fields.Bool("full")) replica.log_start = fields.Int("to_offset");
    replica.leo = fields.Int("log_end_offset", replica.leo);
    replica.hw = std::min(replica.hw, replica.leo);
  } else {  // log.recovery: the log as found on disk after a restart
    replica.leo = fields.Int("log_end_offset", replica.leo);
    replica.hw = std::min(replica.hw, replica.leo);
    replica.role = "none";
  }
}

void ClusterModel::ApplyStorage(const TraceEventView& event, const JsonFields& fields,
                                LogView& log) {
  const std::string_view kind = event.kind;
  // Index entries just reported by this node belong to the log named now.
  auto take_pending = [&]() {
    if (pending_index_node_ != event.node) return;
    for (const IndexEntryView& entry : pending_index_entries_) log.OnIndexEntry(entry);
    pending_index_entries_.clear();
  };
  if (kind == "log.append") {
    const int64_t segment = fields.Int("segment");
    log.OnAppend(segment, fields.Int("last_offset"), fields.Int("bytes"));
    if (!pending_index_entries_.empty() && pending_index_entries_.front().segment == segment) {
      take_pending();
    }
  } else if (kind == "log.roll") {
    log.OnRoll(fields.Int("segment"), fields.String("reason"), fields.Int("previous_segment"),
               fields.Int("previous_bytes"));
  } else if (kind == "log.flush") {
    log.OnFlush(fields.Int("offset"));
  } else if (kind == "log.start_offset") {
    log.log_start = fields.Int("log_start_offset");
  } else if (kind == "log.retention_delete") {
    log.OnRetentionDelete(event.time_us, fields.Int("segment"), fields.String("reason"),
                          fields.Int("bytes"));
  } else if (kind == "log.truncate") {
    log.OnTruncate(event.time_us, fields.Int("to_offset"), fields.Int("bytes_removed"),
                   fields.Int("log_end_offset"), fields.Bool("full"));
  } else if (kind == "log.recovery") {
    log.OnRecovery(event.time_us, fields.Int("segments_scanned"), fields.Int("bytes_dropped"),
                   fields.Int("segments_deleted"), fields.Int("log_end_offset"),
                   fields.String("reason"));
  } else if (kind == "log.clean") {
    std::vector<SegmentView> cleaned;
    JsonArrayCursor segments(fields.Raw("segments"));
    for (std::string_view element; segments.Next(&element);) {
      std::string_view values[3];
      if (JsonArrayCursor(element).Take(values, 3) < 3) continue;
      SegmentView segment;
      segment.base_offset = JsonInt(values[0]);
      segment.end_offset = JsonInt(values[1]);
      segment.size_bytes = JsonInt(values[2]);
      cleaned.push_back(segment);
    }
    log.OnClean(event.time_us, fields.Int("end_offset"), fields.Int("records_removed"), cleaned);
    take_pending();
  } else if (kind == "log.offline") {
    log.offline_error = fields.String("error");
  }
}

void ClusterModel::ApplyCrashLoss(const TraceEventView& event) {
  JsonFields fields(event.fields_json);
  std::string tp;
  int64_t segment = 0;
  if (!ParseSegmentFile(fields.String("file"), &tp, &segment)) return;
  auto it = logs_.find({tp, event.node});
  if (it != logs_.end()) it->second.OnCrashLoss(segment, fields.Int("size_after"));
}

void ClusterModel::ApplyConsumer(const TraceEventView& event) {
  JsonFields fields(event.fields_json);
  const std::string name = fields.String("client");
  if (name.empty()) return;
  ClientView& client = clients_[name];
  client.name = name;
  client.consumer = true;
  if (event.kind == "consumer.fetch") {
    // [[topic, partition, error name, fetch_offset, records decoded, high_watermark], ...]
    JsonArrayCursor partitions(fields.Raw("partitions"));
    for (std::string_view element; partitions.Next(&element);) {
      std::string_view values[6];
      if (JsonArrayCursor(element).Take(values, 6) < 6) continue;
      client.topic = JsonString(values[0]);
      ConsumerPartitionView& partition =
          client.partitions[client.topic + "-" + std::to_string(JsonInt(values[1]))];
      partition.fetch_offset = JsonInt(values[3], -1);
      const std::string error = JsonString(values[2]);
      if (error == "NONE") {
        partition.fetched_hw = JsonInt(values[5], -1);
      } else {
        partition.last_error = error;
      }
    }
  } else if (event.kind == "consumer.reset" || event.kind == "consumer.error") {
    client.topic = fields.String("topic");
    ConsumerPartitionView& partition =
        client.partitions[client.topic + "-" + std::to_string(fields.Int("partition"))];
    if (event.kind == "consumer.reset") {
      partition.position = fields.Int("offset");
    } else {
      partition.last_error = fields.String("error");
    }
  }
}

void ClusterModel::ApplyHistory(const TraceEventView& event) {
  JsonFields fields(event.fields_json);
  ClientView& client = clients_[ProcessName(fields.String("process"))];
  if (client.name.empty()) client.name = ProcessName(fields.String("process"));
  const std::string type = fields.String("type");
  const std::string f = fields.String("f");
  if (f == "send") {
    client.producer = true;
    if (type == "invoke") {
      ++client.sends_invoked;
    } else if (type == "ok") {
      ++client.sends_acked;
    } else if (type == "fail") {
      ++client.sends_failed;
      client.last_error = fields.String("error");
    } else if (type == "info") {
      ++client.sends_unknown;
      client.last_error = fields.String("error");
    }
  } else if (f == "poll") {
    client.consumer = true;
    if (type != "ok") return;
    // [[partition, offset, value], ...]: the consumer's position moves past each record.
    JsonArrayCursor records(fields.Raw("records"));
    ConsumerPartitionView* partition = nullptr;  // runs of records share a partition
    int64_t partition_number = -1;
    for (std::string_view element; records.Next(&element);) {
      std::string_view values[2];
      if (JsonArrayCursor(element).Take(values, 2) < 2) continue;
      if (partition == nullptr || JsonInt(values[0]) != partition_number) {
        partition_number = JsonInt(values[0]);
        partition = &client.partitions[client.topic + "-" + std::to_string(partition_number)];
      }
      partition->position = std::max(partition->position, JsonInt(values[1]) + 1);
      ++partition->records_consumed;
      ++client.records_consumed;
    }
  }
}

void ClusterModel::ApplyScenario(const TraceEventView& event) {
  JsonFields fields(event.fields_json);
  if (event.kind == "scenario.begin") {
    scenario_name_ = fields.String("name");
    description_ = fields.String("description");
  } else if (event.kind == "scenario.step") {
    if (fields.Has("caption")) {
      caption_ = fields.String("caption");
      caption_time_us_ = event.time_us;
    }
  }
}

void ClusterModel::ApplyNetwork(const TraceEventView& event) {
  if (event.kind == "net.partition") {
    JsonFields fields(event.fields_json);
    network_.partitioned = true;
    network_.one_way = fields.Bool("one_way");
    const std::string sides = fields.String("sides");
    network_.sides += (network_.sides.empty() ? "" : "; ") + sides;
    network_.groups = ParseSides(sides);
    network_.cuts.push_back(network_.groups);
  } else if (event.kind == "net.heal") {
    network_ = NetworkView{};
  }
}

}  // namespace ks
