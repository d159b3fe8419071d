// Controller: the broker elected through ZooKeeper's ephemeral /controller node that manages
// every partition's leader and ISR, as Kafka's KafkaController did in ZooKeeper mode.
//
// What it does:
// - On election (Activate) it reads the cluster from ZooKeeper (live brokers, topics and their
//   assignments, partition states), elects leaders for new and leaderless partitions, and tells
//   every broker (LeaderAndIsr to replicas, UpdateMetadata with every partition to all).
// - It watches /brokers/ids: when a broker dies it moves leadership off it and removes it from
//   ISRs (never emptying an ISR), bumping leader epochs; when one comes back it sends it every
//   partition's state and its replicas, and elects it where a partition had no leader. Other
//   brokers hear only of what changed (see SendUpdateMetadata).
// - It answers the leaders' ISR changes (AlterPartition), checking leader epoch and partition
//   epoch, and writing the new ISR to ZooKeeper first; if that write fails the ISR stays as it
//   was and the leader is told so (INVALID_UPDATE_VERSION, or UNKNOWN_SERVER_ERROR).
// - It watches /brokers/topics for new topics and partitions, and the /admin paths for preferred
//   leader elections and partition reassignments; with auto.leader.rebalance.enable it moves
//   leadership back to preferred replicas every leader.imbalance.check.interval.seconds.
// Elections: the first replica in assignment order that is alive and in the ISR; with
// unclean.leader.election.enable (broker default or topic override), the first live replica
// when no ISR member is alive — which may lose acknowledged writes. These rules, and every other
// decision about a partition's leader and ISR, are pure functions in partition_rules.h and
// reassignment_rules.h; the controller gathers their inputs, then traces and writes the result.
// With eligible.leader.replicas.version 1 (KIP-966, model/controller/eligible_leader_replicas.h)
// it also keeps each partition's ELR: the ISR may become empty (leader -1), a live ELR member is
// elected when no ISR member is alive, and a broker that registers after an unclean shutdown
// (its previous broker epoch, from its clean-shutdown file, is -1 or not the one last seen) is
// removed from every ISR and ELR.
// Controlled shutdown (controller_shutdown.cc): a broker asked to stop sends ControlledShutdown;
// the controller moves leadership of every partition it leads (with more than one replica) to
// the first live in-sync replica not shutting down, sends it StopReplica for the partitions it
// follows and removes it from their ISRs, and answers with the partitions it still leads.
// Reassignment follows the ZooKeeper-era controller's steps (KafkaController's
// onPartitionReassignment, with KIP-455's adding/removing replicas): phase A (A1-A4) widens the
// assignment to RS = ORS + TRS and starts the new replicas; once TRS is within the ISR, phase B
// (B1-B8) moves leadership into TRS, drops the removed replicas and clears the request. Each
// step is traced (controller.reassignment_step); a new controller resumes from ZooKeeper.
//
// Fencing: every write is a ZooKeeper multi that first checks /controller_epoch's version, so a
// deposed controller (paused, partitioned, its session expired) cannot change anything; requests
// to brokers carry the controller epoch, and brokers ignore older ones. Work is serialized: one
// event at a time, each finishing its ZooKeeper round trips before the next starts.
//
// Requests to brokers go through the ControllerChannel (controller_channel.h): one queue per live
// broker, one request in flight, retried after a backoff until answered or the broker leaves
// /brokers/ids.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/broker/broker_config.h"
#include "model/controller/controller_channel.h"
#include "model/controller/controller_events.h"
#include "model/controller/partition_rules.h"
#include "model/controller/zk_paths.h"
#include "model/coord/zk_client.h"
#include "model/env/env.h"
#include "model/env/generation.h"
#include "model/env/message_dispatch.h"
#include "model/kafka/alter_partition.h"
#include "model/kafka/controlled_shutdown.h"
#include "model/kafka/leader_and_isr.h"
#include "model/kafka/stop_replica.h"
#include "model/kafka/update_metadata.h"

namespace ks {

// Calls `then` once `count` completions have been reported through the returned function (at once
// if `count` is 0). The controller's fan-out of ZooKeeper reads and writes waits on it.
std::function<void()> Countdown(size_t count, std::function<void()> then);

class Controller {
 public:
  Controller(Env& env, const BrokerConfig& config, ZkClient& zk);
  ~Controller();

  // This broker won the election with controller epoch `epoch` (the version of
  // /controller_epoch is `epoch_zk_version`).
  void Activate(int32_t epoch, int32_t epoch_zk_version);
  // Lost the election (session expired, fenced by a newer controller): stop everything.
  void Deactivate(ControllerResignReason reason);
  bool active() const { return active_; }
  int32_t epoch() const { return epoch_; }

  // ZooKeeper watch events (the broker forwards every one it receives).
  void OnWatchEvent(const ZkWatchEvent& event);
  void HandleAlterPartition(NodeId from, const AlterPartitionRequest& request);
  // A broker asks to stop (controller_shutdown.cc).
  void HandleControlledShutdown(NodeId from, const ControlledShutdownRequest& request);
  // Routes to the controller the leaders' AlterPartition requests (answered NOT_CONTROLLER while
  // this broker is not the controller) and the brokers' answers to its requests.
  void ClaimMessages(MessageDispatch& dispatch);
  // A connection to a broker was reset: the request it had not answered is sent again after a
  // backoff (controller_channel.h: Kafka's controller-to-broker channel retries a request until
  // the broker answers or leaves /brokers/ids).
  void HandleConnectionReset(NodeId peer);

  using PartitionView = partition_rules::PartitionView;
  const std::map<TopicPartition, PartitionView>& partitions() const { return partitions_; }
  const std::map<BrokerId, NodeId>& live_brokers() const { return live_brokers_; }

 private:
  using Done = std::function<void()>;
  using Event = std::function<void(Done)>;
  using StateChanges = std::map<TopicPartition, zk_paths::PartitionStateData>;

  void Enqueue(std::string name, Event event);
  void RunNext();

  // What /brokers/ids/<id> says: the broker's node, its epoch (the znode's czxid) and, with ELR,
  // the epoch its clean-shutdown file recorded (-1: none, an unclean shutdown or a first start).
  struct Registration {
    NodeId node = kNoNode;
    int64_t epoch = -1;
    int64_t previous_epoch = -1;
  };
  using Registrations = std::map<BrokerId, Registration>;

  // Loading from ZooKeeper. Reads are retried until answered (ReadZk), so a lost connection never
  // reads as "no brokers" or "no topics".
  enum class ZkRead { kGetData, kGetChildren };
  // A read retried after CONNECTIONLOSS or OPERATIONTIMEOUT, as Kafka's KafkaZkClient retries a
  // request until the client is connected (retryRequestsUntilConnected): while the client is not
  // connected the retry waits for the connection in the client's queue; while it is, the retry
  // waits kZkRetryBackoffMs first, so no error loops at one instant. `then` gets the first other
  // answer (NONODE included); after SESSIONEXPIRED it is never called (the controller resigns).
  void ReadZk(ZkRead read, const std::string& path, bool watch, ZkCallback then);
  static constexpr int64_t kZkRetryBackoffMs = 100;
  void LoadBrokers(bool watch, std::function<void(Registrations)> then);
  void LoadTopics(Done then);
  void LoadTopic(const std::string& topic, Done then);
  void OnFailover(Done done);
  void OnBrokerChange(Done done);
  // OnBrokerChange once the dead brokers' partitions were read back from ZooKeeper: failures
  // first (elections, ISR shrinks), then startups.
  void HandleBrokerChange(const std::set<BrokerId>& dead, const std::set<BrokerId>& started,
                          Registrations& registrations, Done done);
  // The partitions with a replica on one of `brokers`.
  std::set<TopicPartition> PartitionsOn(const std::set<BrokerId>& brokers) const;
  void OnTopicChange(Done done);
  void OnTopicModification(const std::string& topic, Done done);
  void OnPreferredElection(Done done);
  void OnReassignment(Done done);
  void CheckReassignments(Done done);
  // Reassignment phases (controller_reassignment.cc).
  void StartReassignment(const TopicPartition& tp, Done then);
  void CompleteReassignment(const TopicPartition& tp, Done then);
  bool ReassignmentCaughtUp(const TopicPartition& tp) const;
  void RemoveFromReassignPath(const TopicPartition& tp, Done then);
  void WriteAssignment(const std::string& topic, Done then);
  void TraceReassignmentStep(const TopicPartition& tp, ReassignmentStep step,
                             std::string_view action);
  void AutoRebalance(Done done);
  // Controlled shutdown (controller_shutdown.cc, KafkaController.doControlledShutdown): moves
  // leadership off `broker`, takes it out of the ISRs it follows in, and calls `then` with the
  // partitions it still leads.
  void DoControlledShutdown(BrokerId broker,
                            std::function<void(ErrorCode, int32_t moved, int32_t isr_removed,
                                               std::vector<TopicPartition> remaining)>
                                then);
  // DoControlledShutdown once the broker's partitions were read back from ZooKeeper.
  void ControlledShutdownMoves(BrokerId broker,
                               std::function<void(ErrorCode, int32_t moved, int32_t isr_removed,
                                                  std::vector<TopicPartition> remaining)>
                                   then);
  // The legacy ISR path (controller_legacy_isr.cc): with inter.broker.protocol.version below
  // 2.7-IV2 leaders write their ISR changes into ZooKeeper and list the partitions under
  // /isr_change_notification; the controller watches it, reads those partitions' states back
  // into its cache, deletes the notifications and sends UpdateMetadata.
  bool LegacyIsrPath() const { return !config_.inter_broker_protocol_version.alter_partition(); }
  void WatchIsrChangeNotifications(Done then);
  void OnIsrChangeNotification(Done done);
  // Reads the states of `partitions` from ZooKeeper into the cache (traced when one differs).
  // Kafka's controller reads a partition's state before it elects a leader or removes a replica
  // from the ISR; its cache can be stale after a leader's own ISR write (the legacy path) or a
  // write of its own whose reply a ZooKeeper connection loss took.
  void RefreshStates(const std::set<TopicPartition>& partitions, Done then);
  // A write that failed with BADVERSION met a state the controller had not heard of: as Kafka's
  // state machines retry (updatesToRetry), read it again and redo the elections and dead-replica
  // removals it still needs.
  void RetryStaleStates(const std::map<TopicPartition, ZkError>& failures);
  // The partitions with more than one replica that `broker` leads (partitionLeadersOnBroker).
  std::vector<TopicPartition> PartitionsLedBy(BrokerId broker) const;
  void ScheduleAutoRebalance();

  // Elections and state changes: the rules are partition_rules' (model/controller/
  // partition_rules.h); these gather their inputs.
  StateChanges ChangesForNewOrOfflinePartitions();
  // The broker defaults with the topic's overrides.
  partition_rules::TopicSettings SettingsFor(const std::string& topic) const;
  partition_rules::BrokerSet LiveSet() const;
  bool ElrEnabled() const { return config_.elr_enabled(); }
  // Brokers that registered after an unclean shutdown leave every ISR and ELR (KIP-966).
  std::set<BrokerId> UncleanShutdowns(const std::set<BrokerId>& started,
                                      const Registrations& registrations);
  StateChanges ChangesForUncleanShutdowns(const std::set<BrokerId>& brokers) const;
  // The invariants of a state about to be written (KS_CHECK).
  void CheckState(const TopicPartition& tp, const zk_paths::PartitionStateData& state) const;
  // Writes the new states (controller-epoch-checked), then updates memory, sends LeaderAndIsr to
  // the live replicas of each (unless only the ISR changed at a leader's request: Kafka then
  // sends UpdateMetadata alone) and UpdateMetadata with the written partitions to every live
  // broker (none if no write succeeded), then calls `then`. A
  // state whose write fails is left as it was, in memory too (as Kafka's controller does).
  void WriteStates(StateChanges changes, Done then, bool send_leader_and_isr = true);
  // The ZooKeeper error of each state that could not be written (not fenced: a fenced write makes
  // the controller resign instead). Such a partition keeps the state it had, in memory too.
  using WriteFailures = std::map<TopicPartition, ZkError>;
  // WriteStates that tells `then` which writes failed.
  void WriteStatesReporting(StateChanges changes, std::function<void(const WriteFailures&)> then,
                            bool send_leader_and_isr);
  // `then` gets the write's error (kOk if written) and the state znode's version after it.
  void WriteOneState(const TopicPartition& tp, const zk_paths::PartitionStateData& state,
                     std::function<void(ZkError error, int32_t version)> then);
  void EnsurePath(const std::string& path, Done then);
  // A ZooKeeper multi that first checks /controller_epoch's version; on BADVERSION this
  // controller was deposed and deactivates (and `then` is not called).
  void FencedMulti(std::vector<ZkOp> ops, std::function<void(const ZkResult&)> then);
  void SendLeaderAndIsr(const std::vector<TopicPartition>& partitions,
                        const std::set<BrokerId>& only_to = {});
  // UpdateMetadata to `only_to` (every live broker if empty): the live brokers and the states of
  // `partitions` (those not yet created are left out), as Kafka's ControllerBrokerRequestBatch
  // sends it. Brokers keep the partitions a request does not name, so the controller names only
  // what changed: the partitions it just wrote, none when only the broker list changed, and
  // every partition (AllPartitions) only after a controller failover and to a broker that just
  // started. The cost of an ISR change is so proportional to the partitions it changed.
  void SendUpdateMetadata(const std::vector<TopicPartition>& partitions,
                          const std::set<BrokerId>& only_to = {});
  // Every partition with a state in ZooKeeper (what a new controller or a started broker gets).
  std::vector<TopicPartition> AllPartitions() const;
  void SendStopReplica(BrokerId broker, const std::vector<TopicPartition>& partitions,
                       bool delete_partitions);
  LeaderAndIsrPartitionState WireState(const TopicPartition& tp) const;
  // A broker answered one of our requests: it is not sent again.
  void OnBrokerResponse(NodeId from, const KafkaResponse& response);
  // Queues a request for a live broker in the channel, which sends it until it is answered.
  template <typename Request>
  void SendToBroker(BrokerId broker, std::unique_ptr<Request> request);
  std::vector<BrokerEndpoint> LiveEndpoints() const;
  bool IsLive(BrokerId id) const { return live_brokers_.count(id) != 0; }
  void TraceElection(const TopicPartition& tp, const zk_paths::PartitionStateData& state,
                     partition_rules::Election election);

  Env& env_;
  const BrokerConfig& config_;
  ZkClient& zk_;
  bool active_ = false;
  int32_t epoch_ = 0;
  int32_t epoch_zk_version_ = 0;
  Generation generation_;  // advanced on (de)activation: older callbacks are dropped
  std::deque<std::pair<std::string, Event>> queue_;
  bool busy_ = false;
  int64_t next_correlation_id_ = 1;
  TimerId rebalance_timer_ = kNoTimer;

  std::map<BrokerId, NodeId> live_brokers_;
  // Brokers in a controlled shutdown: not elected by it until they leave /brokers/ids.
  std::set<BrokerId> shutting_down_;
  std::map<BrokerId, int64_t> broker_epochs_;  // czxid of /brokers/ids/<id>
  // The last epoch seen for each broker, dead ones included: what a clean-shutdown file must
  // name for a restart to count as clean.
  std::map<BrokerId, int64_t> last_broker_epochs_;
  std::map<std::string, zk_paths::Assignment> assignments_;
  // Each topic's config overrides, parsed once from /config/topics/<topic> (absent: none).
  std::map<std::string, std::shared_ptr<const TopicConfigOverrides>> topic_configs_;
  std::map<TopicPartition, PartitionView> partitions_;
  // Adding and removing replicas as the topic znodes record them (KIP-455).
  std::map<std::string, zk_paths::OngoingReassignments> ongoing_;
  // Reassignments in progress: the original (ORS) and target (TRS) replica lists.
  struct Reassignment {
    std::vector<BrokerId> original;
    std::vector<BrokerId> target;
  };
  std::map<TopicPartition, Reassignment> reassigning_;
  // One request queue per live broker (Kafka's ControllerChannelManager): follows
  // live_brokers_.
  ControllerChannel channel_;
};

}  // namespace ks
