#include "sim/vocabulary/kafka_checks.h"

#include <algorithm>

#include "model/check/checker_events.h"
#include "model/client/client_events.h"
#include "model/controller/controller_events.h"

namespace ks {

void HistoryCollector::ObserveRun(TraceStream& stream) {
  stream.Observe<ev::HistoryOp>(this);
  stream.Observe<ev::ControllerElection>(this);
  stream.Observe<ev::ControllerPartitionState>(this);
}

void HistoryCollector::OnEvent(const TraceEventView& event) {
  if (std::optional<ev::ControllerElection> election = event.As<ev::ControllerElection>()) {
    ++elections;
    if (election->unclean) ++unclean_elections;
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
                  Broker& leader_broker, Partition& leader, IsrLogBuffers& buffers) {
  World& world = run.world();
  for (BrokerId follower_id : leader.isr()) {
    if (follower_id == leader_broker.id()) continue;
    Broker* follower_broker = cluster.BrokerProcess(world, follower_id);
    if (follower_broker == nullptr) continue;
    Partition* follower = follower_broker->replica_manager().GetPartition(tp);
    if (follower == nullptr) continue;
    const int64_t limit = std::min(leader.high_watermark(), follower->log_end_offset());
    int64_t& verified = cluster.verified_prefix[{tp, follower_id}];
    verified = std::max(std::min(verified, follower->log_end_offset()),
                        std::max(leader.log_start_offset(), follower->log_start_offset()));
    if (verified >= limit) continue;
    LogBatches& leader_batches = buffers.leader;
    LogBatches& follower_batches = buffers.follower;
    if (!leader_batches.Read(leader.log(), verified, limit).ok() ||
        !follower_batches.Read(follower->log(), verified, limit).ok()) {
      continue;
    }
    // The follower copies the leader's batches byte for byte: equal bytes need no decoding.
    if (LogBatches::SameBatches(leader_batches, follower_batches, verified, limit)) {
      verified = limit;
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
  }
}

}  // namespace

void RunRuntimeChecks(ScenarioRun& run, KafkaCluster& cluster) {
  World& world = run.world();
  World::ObserverScope observing(world);
  IsrLogBuffers buffers;
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
      CheckIsrLogs(run, cluster, tp, *broker, *partition, buffers);
    }
  }
  // Each topic's znode is read once per sweep, not once per partition (it lists them all), and
  // decoded only when it changed.
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

void RunFinalChecks(ScenarioRun& run, KafkaCluster& cluster,
                    const std::vector<HistoryOp>& history) {
  if (cluster.final_checks_done) return;
  cluster.final_checks_done = true;
  World& world = run.world();
  World::ObserverScope observing(world);
  std::map<TopicPartition, std::vector<LogRecordView>> committed;
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
  for (Violation& v : CheckHistory(history, committed, world.Now())) {
    ReportViolation(run, cluster, std::move(v));
  }
}

}  // namespace ks
