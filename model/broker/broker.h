// Broker: one Kafka broker as a simulated node's Process — its logs and replicas
// (ReplicaManager), its ZooKeeper session, its registration under /brokers/ids, its part in the
// controller election, and the Controller it runs when elected.
//
// Startup, as Kafka's: open and recover every log on disk; connect to ZooKeeper; register the
// ephemeral /brokers/ids/<id> (retrying while an older session's node is still there); take
// part in the controller election through the ephemeral /controller; wait for the controller's
// LeaderAndIsr to learn which replicas lead and which follow.
//
// A ZooKeeper session that expires (a long pause, a partition from ZooKeeper) makes the broker
// resign as controller, reconnect with a new session and register again — the old ephemeral
// nodes are gone, so the controller has seen it die.
//
// With eligible.leader.replicas.version 1 (KIP-966) the broker also tells the controller how it
// last stopped: a clean shutdown writes its broker epoch (the czxid of its registration) to the
// clean-shutdown file at the root of its disk; the next start reads and deletes that file and
// registers with "previous_epoch=<that epoch>", or -1 when there was none (a crash or a kill).
// Re-registering after a session expiry, the process never stopped: it names its current epoch.
//
// A clean stop begins with Kafka's controlled shutdown (model/broker/controlled_shutdown.h): the
// controller moves leadership off the broker before it closes anything, so clients see a new
// leader within a round trip; then the broker closes its logs and its ZooKeeper session.
//
// Messages: each component claims the types it handles in the broker's MessageDispatch when the
// broker is built (ZkClient, ReplicaManager, Controller, and the broker itself for Metadata and
// UpdateMetadata); OnMessage only dispatches. A new component claims its own the same way.
#pragma once

#include <functional>
#include <memory>

#include "model/broker/broker_config.h"
#include "model/broker/controlled_shutdown.h"
#include "model/broker/internal_topics.h"
#include "model/broker/metadata_cache.h"
#include "model/broker/replica_manager.h"
#include "model/broker/zk_isr_writer.h"
#include "model/controller/controller.h"
#include "model/coord/zk_client.h"
#include "model/env/env.h"
#include "model/env/generation.h"
#include "model/env/message_dispatch.h"

namespace ks {

struct BrokerOptions {
  BrokerConfig config;
  NodeId zookeeper = kNoNode;
};

class Broker final : public Process {
 public:
  Broker(Env& env, BrokerOptions options);
  ~Broker() override;

  void Start() override;
  void OnMessage(NodeId from, MessagePtr message) override;
  void OnConnectionReset(NodeId peer) override;
  // With controlled.shutdown.enable (the default) and once registered, the broker first asks the
  // controller to move leadership off it (ControlledShutdown), then proceeds.
  void PrepareShutdown(Callback proceed) override;
  void Shutdown() override;

  BrokerId id() const { return options_.config.broker_id; }
  const BrokerConfig& config() const { return options_.config; }
  ReplicaManager& replica_manager() { return replica_manager_; }
  const MetadataCache& metadata() const { return metadata_; }
  const Controller& controller() const { return controller_; }
  bool is_controller() const { return controller_.active(); }
  bool registered() const { return registered_; }
  ZkClient& zk() { return zk_; }

  // Creates an internal topic through ZooKeeper, as a ZooKeeper-era broker does when a
  // FindCoordinator finds no metadata for it (ZkAdminManager.createTopics, then
  // AdminZkClient.createTopicWithAssignment): the live brokers this broker knows are assigned
  // (AdminUtils), the config is the coordinator's (InternalTopicSpecFor), both znodes are
  // written, and the controller elects the new partitions' leaders. `done` gets NONE once the
  // znodes are written, or TOPIC_ALREADY_EXISTS, INVALID_REPLICATION_FACTOR (fewer live brokers
  // than the replication factor: Kafka creates nothing and FindCoordinator answers
  // COORDINATOR_NOT_AVAILABLE until enough brokers are up), INVALID_CONFIG, or the ZooKeeper
  // error. Its caller comes with consumer groups and transactions.
  void CreateInternalTopic(InternalTopic topic, std::function<void(const KafkaError&)> done);

 private:
  void OnZkState(ZkState state);
  int64_t ReadCleanShutdownEpoch();
  void WriteCleanShutdownEpoch();
  void OnZkWatch(const ZkWatchEvent& event);
  void Register();
  // Stands for controller (Kafka's KafkaController.elect): creates the ephemeral /controller
  // unless someone holds it, and watches it either way.
  void TryElect();
  // TryElect again after an answer that was no answer (connection loss): at once if the call
  // will wait in the client for the reconnection, else after kElectRetryBackoffMs.
  void RetryElect();
  static constexpr int64_t kElectRetryBackoffMs = 100;
  void BecomeController();
  void SendAlterPartition(const AlterPartitionRequest& request);
  void HandleMetadata(NodeId from, const MetadataRequest& request);
  void HandleUpdateMetadata(NodeId from, const UpdateMetadataRequest& request);

  Env& env_;
  BrokerOptions options_;
  MetadataCache metadata_;
  ReplicaManager replica_manager_;
  ZkClient zk_;
  Controller controller_;
  ControlledShutdown controlled_shutdown_;
  ZkIsrWriter zk_isr_writer_;  // the legacy ISR path (inter.broker.protocol.version < 2.7-IV2)
  // Every component claims the messages it handles (OnMessage knows none of them).
  MessageDispatch dispatch_;
  bool registered_ = false;
  int64_t broker_epoch_ = -1;           // the czxid of our registration (-1: not registered yet)
  int64_t previous_broker_epoch_ = -1;  // what the next registration reports (ELR only)
  Generation session_generation_;       // advanced when the ZooKeeper session expires
  int64_t next_correlation_id_ = 1;
};

}  // namespace ks
