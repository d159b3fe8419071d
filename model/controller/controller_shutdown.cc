// The controller's side of controlled shutdown, as the ZooKeeper-era KafkaController does it
// (ControlledShutdown event, doControlledShutdown): see controller.h.
#include <memory>

#include "model/controller/controller.h"

namespace ks {

using partition_rules::Contains;
using partition_rules::Election;
using zk_paths::PartitionStateData;

void Controller::HandleControlledShutdown(NodeId from, const ControlledShutdownRequest& request) {
  auto respond = [this, from, request](ErrorCode error, int32_t moved, int32_t isr_removed,
                                       std::vector<TopicPartition> remaining) {
    env_.Trace(ev::ControllerControlledShutdown{
        .broker = request.broker_id,
        .error = error,
        .moved = moved,
        .isr_removed = isr_removed,
        .partitions_remaining = static_cast<int32_t>(remaining.size())});
    auto response = std::make_unique<ControlledShutdownResponse>();
    response->correlation_id = request.correlation_id;
    response->error = error;
    response->partitions_remaining = std::move(remaining);
    env_.Send(from, std::move(response));
  };
  if (!active_) {
    respond(ErrorCode::kNotController, 0, 0, {});  // Kafka's ControllerMovedException
    return;
  }
  Enqueue("controlled shutdown", [this, request, respond](Done done) {
    if (!IsLive(request.broker_id)) {
      respond(ErrorCode::kBrokerNotAvailable, 0, 0, {});
      done();
      return;
    }
    // KIP-380: a request from an older registration of the broker is stale (-1: unknown epoch).
    if (request.broker_epoch != -1 && request.broker_epoch < broker_epochs_[request.broker_id]) {
      respond(ErrorCode::kStaleBrokerEpoch, 0, 0, {});
      done();
      return;
    }
    DoControlledShutdown(request.broker_id,
                         [respond, done](ErrorCode error, int32_t moved, int32_t isr_removed,
                                         std::vector<TopicPartition> remaining) {
                           respond(error, moved, isr_removed, std::move(remaining));
                           done();
                         });
  });
}

void Controller::DoControlledShutdown(
    BrokerId broker,
    std::function<void(ErrorCode, int32_t, int32_t, std::vector<TopicPartition>)> then) {
  shutting_down_.insert(broker);
  // Read first, as Kafka's elections and ISR removals do (the cache may be stale).
  RefreshStates(PartitionsOn({broker}),
                [this, broker, then] { ControlledShutdownMoves(broker, then); });
}

void Controller::ControlledShutdownMoves(
    BrokerId broker,
    std::function<void(ErrorCode, int32_t, int32_t, std::vector<TopicPartition>)> then) {
  // The partitions it hosts with more than one replica (nobody could take over a single replica,
  // and Kafka leaves those alone): those it leads get another leader, those it follows lose it
  // from their ISR.
  const partition_rules::BrokerSet live = LiveSet();
  StateChanges leader_moves;
  std::vector<TopicPartition> followed;
  for (const auto& [tp, view] : partitions_) {
    if (view.is_new() || view.replicas.size() <= 1 || !Contains(view.replicas, broker)) continue;
    if (view.state.leader != broker) {
      followed.push_back(tp);
      continue;
    }
    if (std::optional<PartitionStateData> next = partition_rules::ControlledShutdownElection(
            view, live, shutting_down_, SettingsFor(tp.topic))) {
      TraceElection(tp, *next, Election::kControlledShutdown);
      leader_moves[tp] = *next;
    }
  }
  const auto moved = static_cast<int32_t>(leader_moves.size());
  // The new leaders' LeaderAndIsr goes to every live replica, the one shutting down included (it
  // becomes a follower), and UpdateMetadata to every broker.
  WriteStates(std::move(leader_moves), [this, broker, followed, moved, then] {
    SendStopReplica(broker, followed, /*delete_partitions=*/false);
    StateChanges isr_shrinks;
    std::vector<TopicPartition> shrinking;
    for (const TopicPartition& tp : followed) {
      if (std::optional<PartitionStateData> next = partition_rules::ControlledShutdownOfFollower(
              partitions_.at(tp), broker, SettingsFor(tp.topic))) {
        isr_shrinks[tp] = *next;
        shrinking.push_back(tp);
      }
    }
    // OfflineReplica: LeaderAndIsr to the other live replicas only (the stopped replica must not
    // start fetching again).
    WriteStatesReporting(
        std::move(isr_shrinks),
        [this, broker, shrinking, moved, then](const WriteFailures& failures) {
          std::vector<TopicPartition> shrunk;
          for (const TopicPartition& tp : shrinking) {
            if (failures.count(tp) == 0) shrunk.push_back(tp);
          }
          std::set<BrokerId> others;
          for (const auto& [id, node] : live_brokers_) {
            if (id != broker) others.insert(id);
          }
          if (!others.empty()) SendLeaderAndIsr(shrunk, others);
          then(ErrorCode::kNone, moved, static_cast<int32_t>(shrunk.size()),
               PartitionsLedBy(broker));
        },
        /*send_leader_and_isr=*/false);
  });
}

std::vector<TopicPartition> Controller::PartitionsLedBy(BrokerId broker) const {
  std::vector<TopicPartition> led;
  for (const auto& [tp, view] : partitions_) {
    if (!view.is_new() && view.state.leader == broker && view.replicas.size() > 1) {
      led.push_back(tp);
    }
  }
  return led;
}

}  // namespace ks
