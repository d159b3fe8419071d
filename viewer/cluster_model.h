// ClusterModel: the picture of the cluster that the viewer draws, as a pure fold of trace events
// (docs/trace-schema.md). Apply() takes events in seq order; the state after the first n events
// depends on those events only, so replay, live mode and seeking all draw the same picture.
//
// The model is a plain value: TraceStore copies it as snapshots every few thousand events, so it
// holds small maps only (nodes, partitions, clients, logs with capped lists: log_view.h) and the
// violations seen so far.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/env/trace.h"
#include "model/kafka/topic_partition.h"
#include "sim/trace_stream.h"
#include "viewer/log_view.h"

namespace ks {

namespace ev {
struct DiskCrashLoss;
}

struct NodeView {
  int32_t id = -1;
  std::string name;
  std::string role;      // broker, zookeeper, producer, consumer, admin, ...
  bool up = false;       // started and not crashed or stopped
  bool crashed = false;  // crashed (power loss or kill) and not yet restarted
  bool paused = false;
  int64_t incarnation = 0;
};

struct ReplicaView {
  int32_t broker = -1;
  std::string role = "none";  // leader, follower, none (as the broker itself believes)
  int32_t leader_epoch = -1;
  int64_t log_start = 0;
  int64_t leo = 0;
  int64_t hw = 0;
  bool in_isr = false;  // member of the partition's ISR (the controller's view)
  // A truncation, kept so the lost records can be drawn as a ghost for a moment.
  int64_t truncated_from = -1;
  int64_t truncated_to = -1;
  TimeUs truncated_at_us = -1;
};

struct PartitionView {
  std::string name;  // "orders-0"
  int32_t leader = -1;
  int32_t leader_epoch = -1;
  int32_t partition_epoch = -1;
  std::vector<int32_t> replicas;  // assignment order
  std::vector<int32_t> isr;
  std::map<int32_t, ReplicaView> replica_by_broker;
  int64_t elections = 0;
  bool last_election_unclean = false;

  // The leader's replica, or null when there is none (or it has never reported).
  const ReplicaView* Leader() const;
  // How many offsets `broker` is behind the leader's LEO (0 for the leader, -1 if unknown).
  int64_t Lag(int32_t broker) const;
};

// A consumer's view of one assigned partition (consumer.fetch, consumer.reset and the polls of
// history.op).
struct ConsumerPartitionView {
  // Kafka's consumer position: the offset of the next record the application gets, one past
  // the last record a poll returned (or where an offset reset put it); -1 until known.
  int64_t position = -1;
  int64_t fetch_offset = -1;  // the offset the last fetch asked for (at or ahead of position)
  int64_t fetched_hw = -1;    // the high watermark the leader sent with that fetch's answer
  int64_t records_consumed = 0;
  std::string last_error;  // the last fetch or poll error other than NONE
};

struct ClientView {
  std::string name;  // the process without its "#incarnation"
  bool producer = false;
  bool consumer = false;
  int64_t sends_invoked = 0;
  int64_t sends_acked = 0;
  int64_t sends_failed = 0;   // definitely not written
  int64_t sends_unknown = 0;  // info: fate unknown
  int64_t records_consumed = 0;
  std::string last_error;
  std::string topic;  // a consumer's topic (its workload reads one)
  std::map<std::string, ConsumerPartitionView> partitions;  // a consumer's, by name ("orders-0")
  int64_t InFlight() const { return sends_invoked - sends_acked - sends_failed - sends_unknown; }
};

// What a consumer's lag on a partition is measured against.
struct ConsumerLagView {
  int64_t hw = -1;   // the leader's high watermark (the last fetched one if no leader is known)
  int64_t leo = -1;  // the leader's log end offset; -1 if unknown
  int64_t lag = -1;  // hw - position: records committed but not yet read; -1 if unknown
};

struct ViolationView {
  int64_t seq = 0;
  TimeUs time_us = 0;
  std::string checker;
  std::string partition;
  std::string detail;
};

struct NetworkView {
  bool partitioned = false;
  bool one_way = false;  // the latest partition is one-way
  // Every partition in force, as traced ("b1,b2 | b3", "b1 -> b2", "b1 | *"), joined by "; ":
  // partitions add up until a heal.
  std::string sides;
  std::vector<std::vector<std::string>> groups;  // the latest partition's names on each side
  // Each partition in force, as its groups. The world cuts only between named groups: a node
  // named in none stays connected, unless a group is "*" (every node not named in the others).
  std::vector<std::vector<std::vector<std::string>>> cuts;
};

class ClusterModel {
 public:
  void Apply(const TraceEventView& event);
  // The same for an owned event (tests).
  void Apply(const TraceEvent& event) { Apply(TraceEventView::Of(event)); }

  // True when the link between the two named nodes is cut by the current network partition.
  bool LinkCut(const std::string& a, const std::string& b) const;
  const NodeView* Node(int32_t id) const;
  std::string NodeName(int32_t id) const;

  const std::map<int32_t, NodeView>& nodes() const { return nodes_; }
  const std::map<std::string, PartitionView>& partitions() const { return partitions_; }
  const std::map<std::string, ClientView>& clients() const { return clients_; }
  // Every log seen in storage events, by (topic_partition, node): brokers' replicas and the logs
  // of log_host nodes.
  const std::map<std::pair<std::string, int32_t>, LogView>& logs() const { return logs_; }
  const LogView* Log(const std::string& topic_partition, int32_t node) const;
  ConsumerLagView ConsumerLag(const std::string& topic_partition,
                              const ConsumerPartitionView& consumer) const;
  const std::vector<ViolationView>& violations() const { return violations_; }
  const NetworkView& network() const { return network_; }
  int32_t controller() const { return controller_; }
  int64_t controller_epoch() const { return controller_epoch_; }
  const std::string& scenario_name() const { return scenario_name_; }
  const std::string& description() const { return description_; }
  const std::string& caption() const { return caption_; }
  TimeUs caption_time_us() const { return caption_time_us_; }
  int64_t events_applied() const { return events_applied_; }
  TimeUs time_us() const { return time_us_; }

 private:
  PartitionView& Partition(const std::string& name);
  ReplicaView& Replica(const std::string& partition, int32_t broker);
  void SetIsr(PartitionView& partition, std::vector<int32_t> isr);
  // Each folds the event if it is of its kinds; false if it is not.
  bool ApplyNode(const TraceEventView& event);
  bool ApplyReplica(const TraceEventView& event);
  bool ApplyController(const TraceEventView& event);
  bool ApplyLog(const TraceEventView& event);
  bool ApplyHistory(const TraceEventView& event);
  bool ApplyConsumer(const TraceEventView& event);
  bool ApplyScenario(const TraceEventView& event);
  bool ApplyNetwork(const TraceEventView& event);
  void ApplyCrashLoss(int32_t node, const ev::DiskCrashLoss& loss);
  LogView& LogOf(const TpRef& tp, int32_t node);
  void TakePendingIndexEntries(int32_t node, LogView& log, bool count = true);
  bool IsBroker(int32_t node) const;
  ClientView& Client(std::string_view name);

  std::map<int32_t, NodeView> nodes_;
  std::map<std::string, PartitionView> partitions_;
  std::map<std::string, ClientView> clients_;
  std::map<std::pair<std::string, int32_t>, LogView> logs_;
  // log.index_entry carries no topic_partition: its entries wait here for the log.append (or
  // log.clean) of the same node that comes right after them and names the log.
  std::vector<IndexEntryView> pending_index_entries_;
  int32_t pending_index_node_ = -1;
  std::vector<ViolationView> violations_;
  NetworkView network_;
  int32_t controller_ = -1;
  int64_t controller_epoch_ = 0;
  std::string scenario_name_;
  std::string description_;
  std::string caption_;
  TimeUs caption_time_us_ = -1;
  int64_t events_applied_ = 0;
  TimeUs time_us_ = 0;  // the latest event time seen (events carry node-local times)
};

}  // namespace ks
