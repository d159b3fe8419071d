// Partition reassignment, step by step as the ZooKeeper-era controller did it
// (KafkaController.onPartitionReassignment, Kafka 2.4+ with KIP-455's adding/removing replicas).
// ORS is the original replica list, TRS the target, RS the replicas while the move runs:
//
// Phase A, when TRS is not yet within the ISR:
//   A1  ZooKeeper: RS = TRS + (ORS - TRS), AR = TRS - ORS (adding), RR = ORS - TRS (removing)
//   A2  the same in the controller's memory
//   A3  a new leader epoch, and LeaderAndIsr to every replica in RS
//   A4  the replicas in AR start (NewReplica): they follow the leader and fetch
//   ... then wait until every replica of TRS is in the ISR (re-checked after each ISR change).
// Phase B:
//   B1  AR are online replicas
//   B2  RS = TRS in memory
//   B3  leadership moves to the first live in-sync replica of TRS if the leader is not in TRS
//       (else the leader epoch is bumped), LeaderAndIsr
//   B4  RR leave the ISR (and the ELR), LeaderAndIsr to the remaining replicas, then
//       StopReplica (delete=false) to RR
//   B5  StopReplica (delete=true) to RR: their logs are deleted
//   B6  ZooKeeper: RS = TRS, no AR/RR
//   B7  the partition leaves /admin/reassign_partitions (deleted when empty)
//   B8  UpdateMetadata of the partition to every broker
// Every ZooKeeper write is a multi fenced by /controller_epoch's version. A new controller reads
// /admin/reassign_partitions and the topic znodes (ORS = RS - AR) and runs the steps again from
// the start: each is idempotent, so a move interrupted anywhere completes.
//
// Not modelled: a new request for a partition already being moved (KIP-455's override and
// cancellation) is ignored until the move in progress completes.
//
// One difference from Kafka, on purpose: Kafka's B2 drops RR from the replica list while B3 still
// sends an ISR that holds them; kafkasim keeps RR listed until B4 removes them from the ISR, so
// that "the ISR is within the replicas" holds at every step (the brokers and checkers assert it).
#include <algorithm>
#include <memory>

#include "model/controller/controller.h"
#include "model/controller/reassignment_rules.h"
#include "model/env/check.h"

namespace ks {

using reassignment_rules::Minus;
using zk_paths::PartitionStateData;

namespace {

// Runs `step` on each item in turn (each calls its continuation when done), then `done`.
template <typename T>
void ForEachInOrder(std::shared_ptr<const std::vector<T>> items, size_t index,
                    std::function<void(const T&, std::function<void()>)> step,
                    std::function<void()> done) {
  if (index == items->size()) {
    done();
    return;
  }
  step((*items)[index],
       [items, index, step, done] { ForEachInOrder(items, index + 1, step, done); });
}

template <typename T>
void ForEachInOrder(std::vector<T> items, std::function<void(const T&, std::function<void()>)> step,
                    std::function<void()> done) {
  ForEachInOrder(std::make_shared<const std::vector<T>>(std::move(items)), 0, std::move(step),
                 std::move(done));
}

}  // namespace

std::string_view TraceName(ReassignmentStep step) {
  static constexpr std::string_view kNames[] = {"A1", "A2", "A3", "A4", "B1", "B2",
                                                "B3", "B4", "B5", "B6", "B7", "B8"};
  const auto index = static_cast<size_t>(step);
  return index < std::size(kNames) ? kNames[index] : "unknown";
}

void Controller::TraceReassignmentStep(const TopicPartition& tp, ReassignmentStep step,
                                       std::string_view action) {
  if (!env_.Observes<ev::ControllerReassignmentStep>()) return;
  const PartitionView& view = partitions_.at(tp);
  auto r = reassigning_.find(tp);
  const std::vector<BrokerId> target = r == reassigning_.end() ? view.replicas : r->second.target;
  const std::vector<BrokerId> original =
      r == reassigning_.end() ? view.replicas : r->second.original;
  const std::vector<BrokerId> adding = reassignment_rules::Adding(original, target);
  const std::vector<BrokerId> removing = reassignment_rules::Removing(original, target);
  env_.Trace(ev::ControllerReassignmentStep{.tp = tp,
                                            .step = step,
                                            .action = action,
                                            .replicas = view.replicas,
                                            .adding = adding,
                                            .removing = removing,
                                            .isr = view.state.isr,
                                            .leader = view.state.leader,
                                            .leader_epoch = view.state.leader_epoch});
}

void Controller::OnReassignment(Done done) {
  zk_.GetData(
      zk_paths::kReassignPartitions, true, generation_.Guard([this, done](const ZkResult& r) {
        if (!r.ok()) {
          zk_.Exists(zk_paths::kReassignPartitions, true, [](const ZkResult&) {});
          done();
          return;
        }
        std::vector<TopicPartition> to_start;
        for (const auto& [tp, target] : zk_paths::DecodeReassignments(r.data)) {
          auto it = partitions_.find(tp);
          if (it == partitions_.end() || it->second.zk_version < 0 || reassigning_.count(tp)) {
            continue;
          }
          // ORS: what the topic znode held before A1 — its replicas less the adding ones, if an
          // earlier controller got that far.
          std::vector<BrokerId> original = it->second.replicas;
          auto ongoing = ongoing_[tp.topic].find(tp.partition);
          if (ongoing != ongoing_[tp.topic].end()) {
            original = Minus(original, ongoing->second.adding);
          }
          reassigning_[tp] = Reassignment{original, target};
          to_start.push_back(tp);
        }
        ForEachInOrder<TopicPartition>(
            to_start,
            generation_.Guard([this](const TopicPartition& tp, std::function<void()> next) {
              StartReassignment(tp, next);
            }),
            done);
      }));
}

bool Controller::ReassignmentCaughtUp(const TopicPartition& tp) const {
  return reassignment_rules::CaughtUp(reassigning_.at(tp).target, partitions_.at(tp).state.isr,
                                      LiveSet());
}

void Controller::WriteAssignment(const std::string& topic, Done then) {
  const std::string data = zk_paths::EncodeAssignment(assignments_[topic], ongoing_[topic]);
  FencedMulti({ZkOp::SetData(zk_paths::TopicPath(topic), data, -1)},
              [then](const ZkResult&) { then(); });
}

void Controller::StartReassignment(const TopicPartition& tp, Done then) {
  if (ReassignmentCaughtUp(tp)) {
    CompleteReassignment(tp, then);  // TRS is already within the ISR: phase B at once
    return;
  }
  const Reassignment& move = reassigning_.at(tp);
  PartitionView& view = partitions_.at(tp);
  const std::vector<BrokerId> all =
      reassignment_rules::ReplicasDuringMove(move.original, move.target);
  view.replicas = all;
  assignments_[tp.topic][tp.partition] = all;
  ongoing_[tp.topic][tp.partition] = {reassignment_rules::Adding(move.original, move.target),
                                      reassignment_rules::Removing(move.original, move.target)};
  env_.Trace(ev::ControllerReassignmentStarted{.tp = tp, .target = move.target, .replicas = all});
  WriteAssignment(tp.topic, generation_.Guard([this, tp, then] {
    TraceReassignmentStep(tp, ReassignmentStep::kA1,
                          "ZooKeeper: replicas RS = ORS + TRS, with adding and removing");
    TraceReassignmentStep(tp, ReassignmentStep::kA2, "the same in the controller's memory");
    PartitionStateData next = partitions_.at(tp).state;
    next.leader_epoch += 1;
    WriteStates({{tp, next}}, generation_.Guard([this, tp, then] {
      TraceReassignmentStep(tp, ReassignmentStep::kA3,
                            "new leader epoch; LeaderAndIsr to every replica in RS");
      TraceReassignmentStep(tp, ReassignmentStep::kA4,
                            "the adding replicas start (NewReplica): they follow and fetch; "
                            "phase B waits until every target replica is in the ISR");
      then();
    }));
  }));
}

void Controller::CheckReassignments(Done done) {
  std::vector<TopicPartition> ready;
  for (const auto& [tp, move] : reassigning_) {
    if (ReassignmentCaughtUp(tp)) ready.push_back(tp);
  }
  ForEachInOrder<TopicPartition>(
      ready, generation_.Guard([this](const TopicPartition& tp, std::function<void()> next) {
        if (reassigning_.count(tp) == 0 || !ReassignmentCaughtUp(tp)) {
          next();
          return;
        }
        CompleteReassignment(tp, next);
      }),
      done);
}

void Controller::CompleteReassignment(const TopicPartition& tp, Done then) {
  const std::vector<BrokerId> target = reassigning_.at(tp).target;
  const std::vector<BrokerId> removed = Minus(partitions_.at(tp).replicas, target);
  TraceReassignmentStep(tp, ReassignmentStep::kB1,
                        "every target replica is in the ISR: the adding ones are online");
  TraceReassignmentStep(tp, ReassignmentStep::kB2,
                        "RS = TRS in the controller's memory (the removing replicas stay listed "
                        "until B4 takes them out of the ISR)");
  // B3: leadership into TRS (Kafka's ReassignPartitionLeaderElectionStrategy), or a new epoch.
  bool elected = false;
  const PartitionStateData moved =
      reassignment_rules::LeaderIntoTarget(partitions_.at(tp), target, LiveSet(), &elected);
  if (elected) {
    TraceElection(tp, moved, partition_rules::Election::kReassignment);
  }
  auto finish = generation_.Guard([this, tp, target, then] {
    // B6: the assignment in ZooKeeper becomes TRS.
    assignments_[tp.topic][tp.partition] = target;
    ongoing_[tp.topic].erase(tp.partition);
    WriteAssignment(tp.topic, generation_.Guard([this, tp, target, then] {
      TraceReassignmentStep(tp, ReassignmentStep::kB6,
                            "ZooKeeper: replicas RS = TRS, no adding or removing");
      env_.Trace(ev::ControllerReassignmentCompleted{.tp = tp, .replicas = target});
      RemoveFromReassignPath(tp, generation_.Guard([this, tp, then] {
        reassigning_.erase(tp);
        SendUpdateMetadata({tp});
        env_.Trace(ev::ControllerReassignmentStep{
            .tp = tp,
            .step = ReassignmentStep::kB8,
            .action = "UpdateMetadata to every broker; the reassignment is done"});
        then();
      }));
    }));
  });
  WriteStates({{tp, moved}}, generation_.Guard([this, tp, target, removed, finish] {
    TraceReassignmentStep(tp, ReassignmentStep::kB3,
                          "leader in TRS (moved there if it was not), new leader epoch, "
                          "LeaderAndIsr");
    if (removed.empty()) {
      TraceReassignmentStep(tp, ReassignmentStep::kB4, "no replica to remove");
      finish();
      return;
    }
    // B4: RR leave the ISR and the ELR, and the replica list.
    PartitionView& view = partitions_.at(tp);
    const PartitionStateData shrunk =
        reassignment_rules::WithoutRemovedReplicas(view, removed, ElrEnabled());
    view.replicas = target;
    WriteStates({{tp, shrunk}}, generation_.Guard([this, tp, removed, finish] {
      for (BrokerId b : removed) SendStopReplica(b, {tp}, /*delete_partitions=*/false);
      TraceReassignmentStep(tp, ReassignmentStep::kB4,
                            "the removing replicas leave the ISR (LeaderAndIsr to the rest) and "
                            "are stopped (StopReplica, delete=false)");
      for (BrokerId b : removed) SendStopReplica(b, {tp}, /*delete_partitions=*/true);
      TraceReassignmentStep(tp, ReassignmentStep::kB5,
                            "StopReplica (delete=true): their logs are deleted");
      finish();
    }));
  }));
}

void Controller::RemoveFromReassignPath(const TopicPartition& tp, Done then) {
  zk_.GetData(
      zk_paths::kReassignPartitions, false, generation_.Guard([this, tp, then](const ZkResult& r) {
        auto report = [this, tp, then] {
          env_.Trace(
              ev::ControllerReassignmentStep{.tp = tp,
                                             .step = ReassignmentStep::kB7,
                                             .action = "removed from /admin/reassign_partitions"});
          then();
        };
        if (!r.ok()) {
          report();
          return;
        }
        std::map<TopicPartition, std::vector<BrokerId>> rest =
            zk_paths::DecodeReassignments(r.data);
        rest.erase(tp);
        // Conditional on the version read, so that a request the admin tool wrote meanwhile is not
        // overwritten (it is then seen through the watch).
        ZkOp op = rest.empty() ? ZkOp::Delete(zk_paths::kReassignPartitions, r.stat.version)
                               : ZkOp::SetData(zk_paths::kReassignPartitions,
                                               zk_paths::EncodeReassignments(rest), r.stat.version);
        FencedMulti({op}, [report](const ZkResult&) { report(); });
      }));
}

}  // namespace ks
