// ReplicaManager: a broker's partitions and the requests that read and write them — Produce
// (with acks and min.insync.replicas, and the wait for acks=all), Fetch from consumers and
// followers (held up to max_wait_ms when there is nothing new), ListOffsets,
// OffsetsForLeaderEpoch — and the controller's LeaderAndIsr and StopReplica, which make this
// broker's replicas leaders or followers and start or stop its fetchers.
//
// Background tasks, on Kafka's intervals: the ISR check (every replica.lag.time.max.ms / 2), the
// high watermark checkpoint, log retention and flush-by-time. Logs found on disk are opened (and
// so recovered) when the broker starts, before any role is known.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "model/broker/broker_config.h"
#include "model/broker/metadata_cache.h"
#include "model/broker/partition.h"
#include "model/broker/replica_fetcher.h"
#include "model/env/env.h"
#include "model/kafka/protocol.h"

namespace ks {

class ReplicaManager {
 public:
  ReplicaManager(Env& env, const BrokerConfig& config, MetadataCache& metadata);
  ~ReplicaManager();

  // Opens every partition log on the disk (recovering after a crash). Call once, at start.
  void LoadLogs();
  void StartBackgroundTasks();
  // Clean shutdown: checkpoint high watermarks and close every log.
  void Shutdown();

  // Where ISR proposals go (the broker forwards them to the controller).
  void SetAlterPartitionSink(Partition::IsrProposalSink sink);

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

  Partition* GetPartition(const TopicPartition& tp);
  const std::map<TopicPartition, std::unique_ptr<Partition>>& partitions() const {
    return partitions_;
  }

 private:
  struct DelayedProduce {
    NodeId client = kNoNode;
    int64_t correlation_id = 0;
    TimeUs deadline_us = 0;
    std::vector<ProducePartitionResponse> results;
    std::vector<int64_t> required_offsets;  // -1: that partition is settled
    std::vector<int32_t> min_insync;
  };
  struct DelayedFetch {
    NodeId client = kNoNode;
    FetchRequest request;
    TimeUs deadline_us = 0;
  };
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
  void PeriodicRetention();

  Env& env_;
  const BrokerConfig& config_;
  MetadataCache& metadata_;
  std::map<TopicPartition, std::unique_ptr<Partition>> partitions_;
  std::map<TopicPartition, TopicConfig> settings_;
  std::map<BrokerId, std::unique_ptr<ReplicaFetcher>> fetchers_;
  std::vector<DelayedProduce> delayed_produces_;
  std::vector<DelayedFetch> delayed_fetches_;
  Partition::IsrProposalSink alter_partition_sink_;
  bool completing_ = false;
};

}  // namespace ks
