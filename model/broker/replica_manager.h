// ReplicaManager: a broker's partitions and the requests that read and write them — Produce
// (with acks and min.insync.replicas, and the wait for acks=all), Fetch from consumers and
// followers (held up to max_wait_ms when there is nothing new), ListOffsets,
// OffsetsForLeaderEpoch — and the controller's LeaderAndIsr and StopReplica, which make this
// broker's replicas leaders or followers and start or stop its fetchers.
//
// Background tasks, on Kafka's intervals: the ISR check (every replica.lag.time.max.ms / 2), the
// high watermark checkpoint, log retention and flush-by-time. Logs found on disk are opened (and
// so recovered) when the broker starts, before any role is known.
//
// Two seams for components the broker owns (the group and transaction coordinators, as in
// Kafka), so that they need no client of their own:
// - AppendRecords, Kafka's ReplicaManager.appendRecords: the append path a Produce request takes
//   (HandleProduce is a thin wrapper around it), with the answer handed to a callback;
// - leadership listeners, Kafka's onElection / onResignation: told when a LeaderAndIsr makes this
//   broker's replica of a topic's partition the leader or a follower, or a StopReplica stops it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/broker/broker_config.h"
#include "model/broker/metadata_cache.h"
#include "model/broker/partition.h"
#include "model/broker/replica_fetcher.h"
#include "model/env/env.h"
#include "model/env/message_dispatch.h"
#include "model/kafka/alter_partition.h"
#include "model/kafka/fetch.h"
#include "model/kafka/leader_and_isr.h"
#include "model/kafka/list_offsets.h"
#include "model/kafka/offsets_for_leader_epoch.h"
#include "model/kafka/produce.h"
#include "model/kafka/stop_replica.h"
#include "model/log/log_directory.h"

namespace ks {

// Hears of the leadership of this broker's replicas of one topic's partitions (registered with
// ReplicaManager::AddLeadershipListener), as Kafka's GroupCoordinator and TransactionCoordinator
// hear onElection and onResignation:
// - OnBecomeLeader: a LeaderAndIsr made this replica the leader and it was not the leader before
//   (a leader whose epoch moves while it stays leader hears nothing, as in Kafka's ZooKeeper-era
//   makeLeader);
// - OnResign: a LeaderAndIsr made this replica a follower of a new leader (or of none, the
//   partition being offline), with the new epoch — whether or not it led before, as Kafka calls
//   onResignation; or a StopReplica stopped (or deleted) it, with epoch -1 (unknown: the request
//   carries none, Kafka's None).
// Calls come while the ReplicaManager handles the request, after the replica changed role: a
// listener must not call back into the ReplicaManager from inside them (schedule work instead).
class LeadershipListener {
 public:
  virtual ~LeadershipListener() = default;
  virtual void OnBecomeLeader(const TopicPartition& tp, int32_t leader_epoch) = 0;
  virtual void OnResign(const TopicPartition& tp, int32_t leader_epoch) = 0;
};

class ReplicaManager {
 public:
  // One result per partition of an append, in the order of the entries: Kafka's
  // PartitionResponse, the body of a ProduceResponse.
  using AppendCallback = std::function<void(std::vector<ProducePartitionResponse> results)>;

  ReplicaManager(Env& env, const BrokerConfig& config, MetadataCache& metadata);
  ~ReplicaManager();

  // Reads the log directory's checkpoints and opens every partition log on the disk (recovering
  // after a crash). Call once, at start.
  void LoadLogs();
  void StartBackgroundTasks();
  // Clean shutdown: checkpoint high watermarks, close every log, checkpoint the log directory.
  void Shutdown();

  // Where ISR proposals go (the broker forwards them to the controller).
  void SetAlterPartitionSink(Partition::IsrProposalSink sink);
  // Routes to the handlers below the messages they handle: the clients' and followers' requests,
  // the controller's LeaderAndIsr and StopReplica, the controller's answers to ISR proposals and
  // the leaders' answers to this broker's fetchers.
  void ClaimMessages(MessageDispatch& dispatch);

  // Appends batches to partitions this broker leads, as a Produce request does (for a client:
  // HandleProduce) or as a coordinator does for its own topic: per entry, the leader check,
  // min.insync.replicas for acks=all (NOT_ENOUGH_REPLICAS, nothing appended), the append (the
  // log's errors: CORRUPT_MESSAGE, MESSAGE_TOO_LARGE, KAFKA_STORAGE_ERROR...), a broker.produce
  // event. `callback` runs once with every partition's result: at once for acks=0 (nothing waits);
  // for acks=1 as soon as the appends are done; for acks=all once the ISR holds every appended
  // batch (NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below
  // min.insync.replicas meanwhile), when the replica stops leading (NOT_LEADER_OR_FOLLOWER), or
  // after `timeout_ms` (REQUEST_TIMED_OUT). Waiting appends complete in the order they were made.
  // `client_id` names the caller in broker.produce (a producer's client.id). The callback may
  // append again.
  void AppendRecords(int32_t timeout_ms, int16_t required_acks, AppendOrigin origin,
                     std::vector<ProducePartitionData> entries, AppendCallback callback,
                     std::string_view client_id = {});
  // Client produce: AppendRecords, with the results sent back as a ProduceResponse (none for
  // acks=0; none either if the connection to the client is reset before they are ready).
  void HandleProduce(NodeId from, ProduceRequest& request);
  void HandleFetch(NodeId from, const FetchRequest& request);
  void HandleListOffsets(NodeId from, const ListOffsetsRequest& request);
  void HandleOffsetsForLeaderEpoch(NodeId from, const OffsetsForLeaderEpochRequest& request);
  void HandleLeaderAndIsr(NodeId from, const LeaderAndIsrRequest& request);
  void HandleStopReplica(NodeId from, const StopReplicaRequest& request);
  void HandleAlterPartitionResponse(const AlterPartitionResponse& response);
  // Fetcher traffic (responses from leaders); false if not a fetcher's message.
  bool HandleFetcherMessage(NodeId from, MessagePtr& message);
  void HandleConnectionReset(NodeId peer);
  // The controller changed: resend pending ISR proposals there.
  void RetryPendingIsrChanges();

  // `listener` hears of the leadership of this broker's replicas of `topic` (e.g.
  // "__consumer_offsets") from now on, until removed. Not owned; it must outlive its registration.
  void AddLeadershipListener(std::string topic, LeadershipListener* listener);
  void RemoveLeadershipListener(const LeadershipListener* listener);

  Partition* GetPartition(const TopicPartition& tp);
  const std::map<TopicPartition, std::unique_ptr<Partition>>& partitions() const {
    return partitions_;
  }

 private:
  // An append waiting for its acks (Kafka's DelayedProduce in the produce purgatory).
  struct DelayedProduce {
    NodeId client = kNoNode;  // the client answered through the callback; kNoNode: internal
    TimeUs deadline_us = 0;
    std::vector<ProducePartitionResponse> results;
    std::vector<int64_t> required_offsets;  // -1: that partition is settled
    std::vector<int32_t> min_insync;
    AppendCallback callback;
  };
  struct DelayedFetch {
    NodeId client = kNoNode;
    FetchRequest request;
    TimeUs deadline_us = 0;
    // request.partitions resolved, valid while partitions_generation_ is unchanged.
    std::vector<Partition*> partitions;
    uint64_t partitions_generation = 0;
  };
  // AppendRecords for a client (`client`: dropped if its connection resets) or, with kNoNode,
  // for an internal caller.
  void AppendRecordsFor(NodeId client, int32_t timeout_ms, int16_t required_acks,
                        AppendOrigin origin, std::vector<ProducePartitionData> entries,
                        AppendCallback callback, std::string_view client_id);
  // One entry of an append; *required_offset: the offset acks=all waits for (-1: none).
  ProducePartitionResponse AppendToPartition(ProducePartitionData& entry, int16_t required_acks,
                                             AppendOrigin origin, std::string_view client_id,
                                             int32_t min_insync, int64_t* required_offset);
  int32_t MinInsyncReplicasOf(const TopicPartition& tp) const;
  void NotifyBecomeLeader(const TopicPartition& tp, int32_t leader_epoch);
  void NotifyResign(const TopicPartition& tp, int32_t leader_epoch);
  Partition* GetOrCreatePartition(const TopicPartition& tp, const TopicConfig& settings);
  // The topic's settings on this broker: its overrides laid over this broker's defaults.
  TopicConfig SettingsFor(const LeaderAndIsrPartitionState& state) const;
  void ApplyLeaderAndIsr(const LeaderAndIsrPartitionState& state,
                         std::vector<std::pair<TopicPartition, ErrorCode>>* results);
  void StopFetching(const TopicPartition& tp);
  void StartFetching(const TopicPartition& tp, BrokerId leader, int32_t leader_epoch);
  // Reads for a fetch; returns the response and the bytes it carries.
  std::unique_ptr<FetchResponse> ReadForFetch(const FetchRequest& request, int64_t* bytes);
  // Something changed (an append, a HW move, a role change): complete what can be completed.
  void OnPartitionChanged();
  // Both answer what is ready, and what reached its deadline (then with REQUEST_TIMED_OUT or
  // whatever the fetch can return).
  void TryCompleteDelayedProduces();
  void TryCompleteDelayedFetches();
  void ScheduleDelayedCheck(TimeUs deadline_us);
  void PeriodicIsrCheck();
  void PeriodicHighWatermarkCheckpoint();
  // Kafka's ReplicaManager.checkpointHighWatermarks: one replication-offset-checkpoint holding
  // every hosted partition's HW.
  void CheckpointHighWatermarks();
  void PeriodicRetention();

  Env& env_;
  const BrokerConfig& config_;
  MetadataCache& metadata_;
  // The broker's one log directory (the root of its disk). Declared before the partitions, whose
  // logs it registers: it outlives them.
  LogDirectory log_directory_;
  std::map<TopicPartition, std::unique_ptr<Partition>> partitions_;
  // Counts every creation and deletion in partitions_ (from 1: a DelayedFetch starts unresolved).
  uint64_t partitions_generation_ = 1;
  std::map<TopicPartition, TopicConfig> settings_;
  std::map<BrokerId, std::unique_ptr<ReplicaFetcher>> fetchers_;
  std::vector<DelayedProduce> delayed_produces_;
  std::vector<DelayedFetch> delayed_fetches_;
  Partition::IsrProposalSink alter_partition_sink_;
  std::vector<std::pair<std::string, LeadershipListener*>> leadership_listeners_;
  bool completing_ = false;
};

}  // namespace ks
