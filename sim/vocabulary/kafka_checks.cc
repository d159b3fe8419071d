#include "sim/vocabulary/kafka_checks.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "model/check/checker_events.h"
#include "model/client/client_events.h"
#include "model/controller/controller_events.h"
#include "model/coord/zk_server.h"
#include "model/log/log_events.h"
#include "sim/world_events.h"

namespace ks {

void HistoryCollector::ObserveRun(TraceStream& stream) {
  stream.Observe<ev::HistoryOp>(this);
  stream.Observe<ev::ControllerElection>(this);
  stream.Observe<ev::ControllerPartitionState>(this);
  stream.Observe<ev::NodeStart>(this);
  stream.Observe<ev::NodeRestart>(this);
  stream.Observe<ev::NodeCrash>(this);
  stream.Observe<ev::NodeStop>(this);
  stream.Observe<ev::NodePause>(this);
  stream.Observe<ev::NodeResume>(this);
  stream.Observe<ev::NodeClockSkew>(this);
  stream.Observe<ev::DiskSlow>(this);
  stream.Observe<ev::DiskFull>(this);
  stream.Observe<ev::DiskCorrupt>(this);
  stream.Observe<ev::NetPartition>(this);
  stream.Observe<ev::NetHeal>(this);
  stream.Observe<ev::NetDelaySpike>(this);
  stream.Observe<ev::NetSetLink>(this);
  stream.Observe<ev::LogTruncate>(this);
}

uint64_t HistoryCollector::LogGeneration(const TopicPartition& tp) const {
  auto it = truncations_.find(tp);
  return restarts_ + (it == truncations_.end() ? 0 : it->second);
}

void HistoryCollector::OnEvent(const TraceEventView& event) {
  if (event.Is<ev::NetPartition>() || event.Is<ev::NetHeal>() || event.Is<ev::NetDelaySpike>() ||
      event.Is<ev::NetSetLink>()) {
    last_network_change_us = event.time_us;
    return;
  }
  if (event.Is<ev::NodeStart>() || event.Is<ev::NodeRestart>() || event.Is<ev::NodeCrash>() ||
      event.Is<ev::NodeStop>() || event.Is<ev::NodePause>() || event.Is<ev::NodeResume>() ||
      event.Is<ev::NodeClockSkew>() || event.Is<ev::DiskSlow>() || event.Is<ev::DiskFull>() ||
      event.Is<ev::DiskCorrupt>()) {
    last_node_change_us[event.node] = event.time_us;
    if (event.Is<ev::NodeRestart>()) ++restarts_;
    if (std::optional<ev::NodeCrash> crash = event.As<ev::NodeCrash>()) {
      if (crash->power_loss) power_losses.push_back({event.time_us, event.node});
    }
    return;
  }
  if (std::optional<ev::ControllerElection> election = event.As<ev::ControllerElection>()) {
    ++elections;
    if (election->unclean) {
      ++unclean_elections;
      unclean.emplace_back(event.time_us, election->tp.Owned());
    }
    return;
  }
  if (std::optional<ev::LogTruncate> truncate = event.As<ev::LogTruncate>()) {
    ++truncations_[truncate->tp.Owned()];
    return;
  }
  if (std::optional<ev::ControllerPartitionState> state =
          event.As<ev::ControllerPartitionState>()) {
    std::vector<BrokerId> isr = state->isr.ToVector();
    auto [it, inserted] = last_isr_.emplace(state->tp.Owned(), isr);
    if (!inserted && it->second != isr) {
      ++isr_changes;
      it->second = std::move(isr);
    }
    return;
  }
  std::optional<ev::HistoryOp> op = event.As<ev::HistoryOp>();
  // The final checks need only acknowledged sends.
  if (!op || op->type != HistoryType::kOk || op->f != HistoryFunction::kSend) return;
  ops.push_back(ToHistoryOp(event.seq, event.time_us, event.node, *op));
}

void ReportViolation(ScenarioRun& run, KafkaCluster& cluster, Violation violation) {
  run.world().Trace(kNoNode,
                    ev::CheckerViolation{.checker = violation.checker,
                                         .tp = violation.tp,
                                         .offsets = violation.offsets,
                                         .replicas = violation.replicas,
                                         .detail = violation.detail,
                                         .seed = static_cast<int64_t>(run.world().seed())});
  cluster.violations.push_back(std::move(violation));
}

namespace {

// The buffers CheckIsrLogs reads logs into, kept for a whole sweep.
struct IsrLogBuffers {
  LogBatches leader;
  LogBatches follower;
};

void CheckIsrLogs(ScenarioRun& run, KafkaCluster& cluster, const TopicPartition& tp,
                  Broker& leader_broker, Partition& leader, uint64_t generation,
                  IsrLogBuffers& buffers) {
  World& world = run.world();
  // A leader whose every in-sync follower was found equal up to its HW, with nothing changed
  // since (HW, epoch, ISR, the logs' generation), needs no look: a quiet partition costs one
  // lookup per sweep.
  const KafkaCluster::IsrLogsChecked now{tp,         leader_broker.id(),    leader.high_watermark(),
                                         generation, leader.leader_epoch(), leader.isr()};
  auto checked = cluster.isr_logs_checked.find(&leader);
  if (checked != cluster.isr_logs_checked.end() && checked->second == now) return;
  bool all_at_hw = true;
  for (BrokerId follower_id : leader.isr()) {
    if (follower_id == leader_broker.id()) continue;
    Broker* follower_broker = cluster.BrokerProcess(world, follower_id);
    Partition* follower =
        follower_broker == nullptr ? nullptr : follower_broker->replica_manager().GetPartition(tp);
    if (follower == nullptr) {
      all_at_hw = false;
      continue;
    }
    const int64_t limit = std::min(leader.high_watermark(), follower->log_end_offset());
    KafkaCluster::VerifiedPrefix& prefix = cluster.verified_prefix[{tp, follower_id}];
    if (prefix.generation != generation) prefix = {0, generation};
    int64_t& verified = prefix.offset;
    verified = std::max(std::min(verified, follower->log_end_offset()),
                        std::max(leader.log_start_offset(), follower->log_start_offset()));
    if (verified >= limit) {
      all_at_hw &= verified >= leader.high_watermark();
      continue;
    }
    LogBatches& leader_batches = buffers.leader;
    LogBatches& follower_batches = buffers.follower;
    if (!leader_batches.Read(leader.log(), verified, limit).ok() ||
        !follower_batches.Read(follower->log(), verified, limit).ok()) {
      all_at_hw = false;
      continue;
    }
    // The follower copies the leader's batches byte for byte: equal bytes need no decoding.
    if (LogBatches::SameBatches(leader_batches, follower_batches, verified, limit)) {
      verified = limit;
      all_at_hw &= verified >= leader.high_watermark();
      continue;
    }
    std::vector<LogRecordView> a, b;
    leader_batches.Decode(&a);
    follower_batches.Decode(&b);
    // Both lists ascend by offset (a log's offsets increase): walk them side by side.
    auto it = b.begin();
    for (const LogRecordView& r : a) {
      while (it != b.end() && it->offset < r.offset) ++it;
      if (it != b.end() && it->offset == r.offset && !(*it == r)) {
        ReportViolation(run, cluster,
                        Violation{Checker::kIsrLogsDiffer,
                                  tp,
                                  "in-sync follower " + std::to_string(follower_id) +
                                      " holds a different record than leader " +
                                      std::to_string(leader_broker.id()) + " at offset " +
                                      std::to_string(r.offset) + " below the leader's HW " +
                                      std::to_string(leader.high_watermark()),
                                  {r.offset},
                                  {leader_broker.id(), follower_id},
                                  world.Now()});
        break;
      }
    }
    // Checked up to the limit: a difference found is reported once, not at every sweep.
    verified = limit;
    all_at_hw &= verified >= leader.high_watermark();
  }
  if (all_at_hw) {
    cluster.isr_logs_checked[&leader] = now;
  } else if (checked != cluster.isr_logs_checked.end()) {
    cluster.isr_logs_checked.erase(checked);
  }
}

}  // namespace

void RunRuntimeChecks(ScenarioRun& run, KafkaCluster& cluster) {
  World& world = run.world();
  World::ObserverScope observing(world);
  IsrLogBuffers buffers;
  const std::shared_ptr<HistoryCollector>& history = run.State<std::shared_ptr<HistoryCollector>>();
  for (const auto& [broker_id, node] : cluster.brokers) {
    Broker* broker = world.ProcessAs<Broker>(node);
    if (broker == nullptr) continue;
    for (const auto& [tp, partition] : broker->replica_manager().partitions()) {
      if (partition->high_watermark() > partition->log_end_offset()) {
        ReportViolation(run, cluster,
                        Violation{Checker::kHwAboveLeo,
                                  tp,
                                  "HW " + std::to_string(partition->high_watermark()) +
                                      " above LEO " + std::to_string(partition->log_end_offset()),
                                  {partition->high_watermark()},
                                  {broker_id},
                                  world.Now()});
      }
      if (!partition->is_leader()) continue;
      // Each leader's claim on its epoch is registered once (not at every sweep).
      // (A Partition's address may be reused by another broker's or partition's: the entry
      // names both.)
      const KafkaCluster::Claim claim{tp, broker_id, partition->leader_epoch()};
      auto [claimed, first] = cluster.claimed_epochs.try_emplace(partition.get(), claim);
      if (first || !(claimed->second == claim)) {
        claimed->second = claim;
        auto key = std::make_pair(tp, partition->leader_epoch());
        auto [it, inserted] = cluster.leader_claims.emplace(key, broker_id);
        if (!inserted && it->second != broker_id) {
          ReportViolation(run, cluster,
                          Violation{Checker::kOneLeaderPerEpoch,
                                    tp,
                                    "brokers " + std::to_string(it->second) + " and " +
                                        std::to_string(broker_id) + " both lead epoch " +
                                        std::to_string(partition->leader_epoch()),
                                    {},
                                    {it->second, broker_id},
                                    world.Now()});
          it->second = broker_id;  // report each new claimant once
        }
      }
      CheckIsrLogs(run, cluster, tp, *broker, *partition, history ? history->LogGeneration(tp) : 0,
                   buffers);
    }
  }
  // The ISR and ELR are checked where ZooKeeper holds them, and only after ZooKeeper changed
  // (a quiet cluster costs nothing here). Each topic's znode is read once per sweep, not once
  // per partition (it lists them all), and decoded only when it changed.
  auto* zookeeper = world.ProcessAs<ZkServer>(cluster.zookeeper);
  if (zookeeper == nullptr) return;
  const KafkaCluster::ZkVersion zk_now{world.incarnation(cluster.zookeeper),
                                       zookeeper->last_zxid()};
  if (cluster.isr_checked_at == zk_now) return;
  cluster.isr_checked_at = zk_now;
  const std::optional<zk_paths::Assignment>* live = nullptr;
  const std::string* live_topic = nullptr;
  for (const TopicPartition& tp : cluster.AllPartitions()) {
    std::optional<zk_paths::PartitionStateData> state = cluster.PartitionState(world, tp);
    if (live_topic == nullptr || *live_topic != tp.topic) {
      live = &cluster.TopicAssignment(world, tp.topic);
      live_topic = &tp.topic;
    }
    const std::vector<BrokerId>* replicas = cluster.ReplicasIn(*live, tp);
    if (!state || replicas == nullptr) continue;
    auto is_replica = [&](BrokerId b) {
      return std::find(replicas->begin(), replicas->end(), b) != replicas->end();
    };
    const bool subset = std::all_of(state->isr.begin(), state->isr.end(), is_replica);
    // KIP-966: with ELR the ISR may be empty; the ELR lies within the replicas, outside the ISR.
    const bool elr_valid = std::all_of(state->elr.begin(), state->elr.end(), [&](BrokerId b) {
      return is_replica(b) &&
             std::find(state->isr.begin(), state->isr.end(), b) == state->isr.end();
    });
    const bool empty_illegal = state->isr.empty() && !cluster.elr_enabled;
    if (empty_illegal || !subset || !elr_valid) {
      ReportViolation(run, cluster,
                      Violation{Checker::kIsrInvalid,
                                tp,
                                empty_illegal ? "the ISR is empty"
                                : !subset     ? "the ISR holds a broker that is not a replica"
                                              : "the ELR holds an ISR member or a non-replica",
                                {},
                                state->isr,
                                world.Now()});
    }
  }
}

namespace {

std::string SecondsText(TimeUs time_us) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f s", static_cast<double>(time_us) / kSecond);
  return text;
}

// What explains a lost write in Kafka's design: the power losses of the partition's replicas and
// its unclean elections after the write was acknowledged.
std::string LossCause(World& world, const KafkaCluster& cluster, const HistoryCollector& history,
                      const TopicPartition& tp, const std::vector<BrokerId>& replicas,
                      TimeUs acked_us, std::vector<std::string>& causes) {
  std::string text;
  for (const HistoryCollector::PowerLoss& loss : history.power_losses) {
    if (loss.time_us < acked_us) continue;
    const BrokerId broker = cluster.BrokerOfNode(loss.node);
    if (std::find(replicas.begin(), replicas.end(), broker) == replicas.end()) continue;
    const std::string cause =
        "power loss of " + world.NodeName(loss.node) + " at " + SecondsText(loss.time_us);
    text += (text.empty() ? "" : ", ") + cause;
    if (std::find(causes.begin(), causes.end(), cause) == causes.end()) causes.push_back(cause);
  }
  const bool power_loss = !text.empty();
  for (const auto& [time_us, election_tp] : history.unclean) {
    if (time_us < acked_us || election_tp != tp) continue;
    const std::string cause = "unclean election of " + tp.Name() + " at " + SecondsText(time_us);
    text += (text.empty() ? "" : ", ") + cause;
    if (std::find(causes.begin(), causes.end(), cause) == causes.end()) causes.push_back(cause);
  }
  if (text.empty()) return "; no power loss of its replicas or unclean election since explains it";
  // A power loss drops what the page cache had not written: with acks=all an acknowledged write
  // is lost only if every replica that held it lost it, and one of them was elected again.
  return "; after " + text + (power_loss ? " (unflushed bytes lost)" : "");
}

// Healthy and quiet at the end: the cluster settled (ClusterSettled), no link among its nodes lossy
// or bandwidth-limited, no disk slowed or full, and no change (LastChangeUs) for
// replica.lag.time.max.ms + zookeeper.session.timeout.ms. Then every replica has had the time to
// catch up and rejoin the ISR; one outside it is a bug (a follower that stopped fetching, an
// expansion never proposed), not a fault's consequence. ZooKeeper's and the brokers' nodes.
std::vector<NodeId> ClusterNodes(const KafkaCluster& cluster) {
  std::vector<NodeId> nodes = {cluster.zookeeper};
  for (const auto& [id, node] : cluster.brokers) nodes.push_back(node);
  return nodes;
}

// When the cluster last changed: a node started, stopped, crashed, paused, resumed or had its clock
// or disk faulted, or the network was partitioned, healed, delayed or its links set.
TimeUs LastChangeUs(const KafkaCluster& cluster, const HistoryCollector& history) {
  TimeUs last_change_us = history.last_network_change_us;
  for (NodeId node : ClusterNodes(cluster)) {
    auto changed = history.last_node_change_us.find(node);
    if (changed != history.last_node_change_us.end()) {
      last_change_us = std::max(last_change_us, changed->second);
    }
  }
  return last_change_us;
}

bool ClusterSettled(World& world, const KafkaCluster& cluster, const HistoryCollector& history);

void CheckUnderReplicated(ScenarioRun& run, KafkaCluster& cluster,
                          const HistoryCollector& history) {
  World& world = run.world();
  if (!ClusterSettled(world, cluster, history)) return;
  const std::vector<NodeId> nodes = ClusterNodes(cluster);
  DurationUs quiet_us = 0;
  for (const auto& [id, node] : cluster.brokers) {
    if (world.disk(node).slow_factor() != 1 || world.disk(node).full()) return;
    const BrokerConfig& config = world.ProcessAs<Broker>(node)->config();
    quiet_us = std::max(quiet_us, MillisecondsToUs(config.replica_lag_time_max_ms +
                                                   config.zookeeper_session_timeout_ms));
  }
  for (NodeId a : nodes) {
    for (NodeId b : nodes) {
      if (a == b) continue;
      const LinkOptions& link = world.network().link_options(a, b);
      if (link.drop_ppm != 0 || link.bandwidth_bytes_per_s != 0) return;
    }
  }
  const TimeUs last_fault_us = LastChangeUs(cluster, history);
  if (world.Now() - last_fault_us < quiet_us) return;
  for (const TopicPartition& tp : cluster.AllPartitions()) {
    std::optional<zk_paths::PartitionStateData> state = cluster.PartitionState(world, tp);
    std::optional<std::vector<BrokerId>> replicas = cluster.Replicas(world, tp);
    if (!state || !replicas) continue;
    std::vector<BrokerId> missing;
    for (BrokerId replica : *replicas) {
      if (std::find(state->isr.begin(), state->isr.end(), replica) == state->isr.end()) {
        missing.push_back(replica);
      }
    }
    if (missing.empty()) continue;
    std::string names;
    for (BrokerId replica : missing) {
      names += (names.empty() ? "" : ", ") + std::to_string(replica);
    }
    ReportViolation(run, cluster,
                    Violation{Checker::kUnderReplicated,
                              tp,
                              "replica(s) " + names + " still outside the ISR [" +
                                  zk_paths::EncodeBrokers(state->isr) +
                                  "] although every broker and ZooKeeper have been up and "
                                  "connected, with no fault, for " +
                                  SecondsText(world.Now() - last_fault_us),
                              {},
                              missing,
                              world.Now()});
  }
}

// True if the cluster has been whole long enough for its controller to know it: ZooKeeper and
// every broker up and unchanged, each broker connected, no link among them cut, and the network
// left alone, for the longest negotiated session timeout plus 5 s (a death takes a session timeout
// to be noticed; the controller's reaction, a few round trips more).
bool ClusterSettled(World& world, const KafkaCluster& cluster, const HistoryCollector& history) {
  const std::vector<NodeId> nodes = ClusterNodes(cluster);
  int32_t session_timeout_ms = 0;
  for (NodeId node : nodes) {
    if (world.status(node) != NodeStatus::kUp) return false;
    for (NodeId other : nodes) {
      if (other != node && world.network().IsBlocked(node, other)) return false;
    }
    if (node == cluster.zookeeper) continue;
    Broker* broker = world.ProcessAs<Broker>(node);
    if (broker == nullptr || broker->zk().state() != ZkState::kConnected) return false;
    session_timeout_ms = std::max(session_timeout_ms, broker->zk().negotiated_session_timeout_ms());
  }
  return world.Now() - LastChangeUs(cluster, history) >=
         MillisecondsToUs(session_timeout_ms) + 5 * kSecond;
}

void CheckOffline(ScenarioRun& run, KafkaCluster& cluster, const HistoryCollector& history) {
  World& world = run.world();
  if (!ClusterSettled(world, cluster, history)) return;
  std::vector<PartitionLeadership> partitions;
  for (const TopicPartition& tp : cluster.AllPartitions()) {
    std::optional<zk_paths::PartitionStateData> state = cluster.PartitionState(world, tp);
    if (!state) continue;  // never created: not offline, absent
    partitions.push_back({tp, state->leader, state->leader_epoch, state->isr, state->elr});
  }
  for (Violation& v : CheckOfflinePartitions(partitions, world.Now())) {
    ReportViolation(run, cluster, std::move(v));
  }
}

}  // namespace

void RunFinalChecks(ScenarioRun& run, KafkaCluster& cluster, const HistoryCollector* collector) {
  if (cluster.final_checks_done) return;
  const std::vector<HistoryOp> no_history;
  const std::vector<HistoryOp>& history = collector ? collector->ops : no_history;
  cluster.final_checks_done = true;
  World& world = run.world();
  World::ObserverScope observing(world);
  std::map<TopicPartition, std::vector<LogRecordView>> committed;
  struct Leaderless {
    std::set<std::string> held;           // values in its live replicas' logs
    std::vector<BrokerId> replicas_down;  // replicas whose broker is not running
  };
  std::map<TopicPartition, Leaderless> leaderless;
  // Each replica's batches (the buffers reused from partition to partition); its records are
  // decoded only where needed (decoded[i]).
  std::vector<LogBatches> batches;
  for (const TopicPartition& tp : cluster.AllPartitions()) {
    std::vector<ReplicaSnapshot> snapshots;
    std::vector<int64_t> log_start_offsets;
    std::optional<zk_paths::PartitionStateData> state = cluster.PartitionState(world, tp);
    for (const auto& [broker_id, node] : cluster.brokers) {
      Broker* broker = world.ProcessAs<Broker>(node);
      Partition* partition = broker ? broker->replica_manager().GetPartition(tp) : nullptr;
      if (partition == nullptr) continue;
      ReplicaSnapshot snapshot;
      snapshot.broker = broker_id;
      snapshot.high_watermark = partition->high_watermark();
      snapshot.log_end_offset = partition->log_end_offset();
      snapshots.push_back(std::move(snapshot));
      if (batches.size() < snapshots.size()) batches.emplace_back();
      const KafkaError read = batches[snapshots.size() - 1].Read(
          partition->log(), partition->log_start_offset(), partition->log_end_offset());
      // A log that cannot be read back must not pass for a log that lost its tail: the lost
      // writes it would imply are the reader's, not the cluster's.
      if (!read.ok()) {
        ReportViolation(
            run, cluster,
            Violation{Checker::kUnreadableLog,
                      tp,
                      "replica " + std::to_string(broker_id) +
                          "'s log could not be read back from offset " +
                          std::to_string(partition->log_start_offset()) + " to " +
                          std::to_string(partition->log_end_offset()) + ": " + read.ToString(),
                      {partition->log_start_offset()},
                      {broker_id},
                      world.Now()});
      }
      log_start_offsets.push_back(partition->log_start_offset());
    }
    std::vector<bool> decoded(snapshots.size(), false);
    auto decode = [&](size_t i) {
      if (!decoded[i]) batches[i].Decode(&snapshots[i].records);
      decoded[i] = true;
    };
    ReplicaSnapshot* source = nullptr;
    for (ReplicaSnapshot& s : snapshots) {
      if (state && s.broker == state->leader) source = &s;
    }
    if (source == nullptr) {
      // No leader serves this partition: what its live replicas hold, up to their LEOs, and
      // which replicas are down (their disks may hold more) decide lost from unavailable.
      Leaderless& unserved = leaderless[tp];
      for (size_t i = 0; i < snapshots.size(); ++i) {
        decode(i);
        for (const LogRecordView& r : snapshots[i].records) {
          if (r.value) unserved.held.insert(std::string(*r.value));
        }
      }
      if (std::optional<std::vector<BrokerId>> replicas = cluster.Replicas(world, tp)) {
        for (BrokerId replica : *replicas) {
          if (cluster.BrokerProcess(world, replica) == nullptr) {
            unserved.replicas_down.push_back(replica);
          }
        }
      }
      // No live leader: the replica with the highest HW is the best account of what committed.
      for (ReplicaSnapshot& s : snapshots) {
        if (source == nullptr || s.high_watermark > source->high_watermark) source = &s;
      }
    }
    // Divergence, pair by pair (as CheckDivergence): byte-identical batches below both HWs
    // cannot differ, so only the other pairs are decoded and compared record by record.
    for (size_t a = 0; a < snapshots.size(); ++a) {
      for (size_t b = a + 1; b < snapshots.size(); ++b) {
        const int64_t from = std::max(log_start_offsets[a], log_start_offsets[b]);
        const int64_t to = std::min(snapshots[a].high_watermark, snapshots[b].high_watermark);
        if (LogBatches::SameBatches(batches[a], batches[b], from, to)) continue;
        decode(a);
        decode(b);
        if (auto v = CheckPairDivergence(tp, snapshots[a], snapshots[b], world.Now())) {
          ReportViolation(run, cluster, std::move(*v));
        }
      }
    }
    if (source != nullptr) {
      // The snapshots are done with: the source's committed prefix moves into `committed`.
      decode(static_cast<size_t>(source - snapshots.data()));
      std::vector<LogRecordView>& from = source->records;
      auto end = std::partition_point(from.begin(), from.end(), [&](const LogRecordView& r) {
        return r.offset < source->high_watermark;
      });
      from.erase(end, from.end());
      committed[tp] = std::move(from);
    }
  }
  // Acknowledged writes of a leaderless partition that its committed log lacks are unavailable,
  // not lost, when a live replica holds them or a replica is down (its disk may).
  std::vector<HistoryOp> judged;
  const std::vector<HistoryOp>* judging = &history;
  if (!leaderless.empty()) {
    std::map<TopicPartition, std::set<std::string_view>> committed_values;
    for (const auto& [tp, unserved] : leaderless) {
      std::set<std::string_view>& values = committed_values[tp];
      for (const LogRecordView& r : committed[tp]) {
        if (r.value) values.insert(*r.value);
      }
    }
    std::map<TopicPartition, std::pair<int64_t, int64_t>> unavailable;  // writes, on live
    for (const HistoryOp& op : history) {
      const TopicPartition tp{op.topic, op.partition};
      auto it = leaderless.find(tp);
      if (op.f == HistoryFunction::kSend && op.type == HistoryType::kOk && it != leaderless.end() &&
          !committed_values[tp].contains(op.value)) {
        const bool on_live = it->second.held.contains(op.value);
        if (on_live || !it->second.replicas_down.empty()) {
          ++unavailable[tp].first;
          if (on_live) ++unavailable[tp].second;
          continue;
        }
      }
      judged.push_back(op);
    }
    judging = &judged;
    for (const auto& [tp, counts] : unavailable) {
      cluster.unavailable_writes[tp] = counts.first;
      world.Trace(kNoNode, ev::CheckerUnavailable{.tp = tp,
                                                  .writes = counts.first,
                                                  .on_live_replicas = counts.second,
                                                  .replicas_down = leaderless[tp].replicas_down});
    }
  }
  for (Violation& v : CheckHistory(*judging, committed, world.Now())) {
    if (v.checker == Checker::kLostWrites && collector != nullptr) {
      const std::vector<BrokerId> replicas =
          cluster.Replicas(world, v.tp).value_or(std::vector<BrokerId>{});
      v.detail +=
          LossCause(world, cluster, *collector, v.tp, replicas, v.acked_us, cluster.loss_causes);
    }
    ReportViolation(run, cluster, std::move(v));
  }
  if (collector != nullptr) {
    CheckOffline(run, cluster, *collector);
    CheckUnderReplicated(run, cluster, *collector);
  }
}

}  // namespace ks
