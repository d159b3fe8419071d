// ReplicaFetcher: a follower broker's fetching from one leader broker, for every partition it
// follows there (Kafka's ReplicaFetcherThread, one per leader; here a state machine driven by
// responses and timers).
//
// Each partition first settles where its log must be cut (truncation), then fetches:
// - legacy-hw: truncate to the local high watermark at once (Kafka < 0.11);
// - kip-101 / leader-epoch: ask the leader where our latest epoch ends (OffsetsForLeaderEpoch)
//   and truncate to min(that end offset, our LEO); with leader-epoch (KIP-279), if the leader
//   answers with an older epoch than ours, truncate to where *we* end that epoch too.
// Then one FetchRequest at a time for all fetching partitions; the leader holds it up to
// replica.fetch.wait.max.ms when it has nothing new. Errors back off by
// replica.fetch.backoff.ms; no answer within replica.socket.timeout.ms counts as an error.
#pragma once

#include <functional>
#include <map>

#include "model/broker/broker_config.h"
#include "model/env/env.h"
#include "model/kafka/fetch.h"
#include "model/kafka/offsets_for_leader_epoch.h"

namespace ks {

class Partition;

class ReplicaFetcher {
 public:
  using PartitionLookup = std::function<Partition*(const TopicPartition&)>;

  ReplicaFetcher(Env& env, const BrokerConfig& config, BrokerId local_id, BrokerId leader,
                 NodeId leader_node, PartitionLookup lookup);
  ~ReplicaFetcher();

  void AddPartition(const TopicPartition& tp, int32_t leader_epoch);
  void RemovePartition(const TopicPartition& tp);
  bool Follows(const TopicPartition& tp) const { return partitions_.count(tp) != 0; }
  // The leader stayed and bumped its epoch: fetch on with the new epoch.
  void UpdateLeaderEpoch(const TopicPartition& tp, int32_t leader_epoch);
  bool empty() const { return partitions_.empty(); }
  BrokerId leader() const { return leader_; }
  NodeId leader_node() const { return leader_node_; }

  // Responses from the leader; false if the message is not for this fetcher.
  bool HandleMessage(NodeId from, MessagePtr& message);
  void HandleConnectionReset(NodeId peer);

 private:
  struct State {
    int32_t leader_epoch = -1;
    bool truncating = true;
    int64_t fetch_offset = 0;
  };

  void ScheduleNext(DurationUs delay);
  void SendNext();
  void SendEpochQueries();
  void SendFetch();
  void OnEpochResponse(const OffsetsForLeaderEpochResponse& response);
  void OnFetchResponse(const FetchResponse& response);
  void OnRequestFailed(std::string_view reason);
  void TruncateOnEpochAnswer(Partition& partition, State& state, const EpochEndOffset& answer);
  void WalkBack(Partition& partition, State& state, int64_t truncate_to,
                const EpochEndOffset& answer);

  Env& env_;
  const BrokerConfig& config_;
  BrokerId local_id_;
  BrokerId leader_;
  NodeId leader_node_;
  PartitionLookup lookup_;
  std::map<TopicPartition, State> partitions_;
  int64_t next_correlation_id_ = 1;
  int64_t in_flight_ = 0;  // correlation id of the request awaited, 0 if none
  TimerId timeout_timer_ = kNoTimer;
  TimerId next_timer_ = kNoTimer;
};

}  // namespace ks
