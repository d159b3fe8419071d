// ControlledShutdown: the broker's side of Kafka's ZooKeeper-era controlled shutdown
// (KafkaServer.controlledShutdown). Before a broker that was asked to stop shuts anything down,
// it asks the controller to move leadership off it, so that clients see a new leader within a
// round trip instead of waiting for its ZooKeeper session to time out.
//
// The attempts, as Kafka's (controlled.shutdown.max.retries of them, at most):
// 1. Find the controller in ZooKeeper: /controller names its id, /brokers/ids/<id> its address.
//    If either is missing, the attempt fails.
// 2. Send ControlledShutdown (broker id and broker epoch) and wait for the answer, at most
//    controller.socket.timeout.ms (Kafka waits that long to connect and request.timeout.ms for
//    the answer; both are 30 s by default: kafkasim waits once). A timeout or a connection reset
//    fails the attempt.
// 3. The attempt succeeds when the answer is NONE with no partitions remaining. Otherwise the
//    broker waits controlled.shutdown.retry.backoff.ms (after the last attempt too, as Kafka's
//    loop does) and tries again.
// After the last failed attempt it shuts down anyway ("an unclean shutdown" in Kafka's log: the
// controller learns of it when the session closes). Each attempt and the end are traced
// (broker.controlled_shutdown_attempt, broker.controlled_shutdown_done).
#pragma once

#include <cstdint>
#include <functional>

#include "model/broker/broker_config.h"
#include "model/coord/zk_client.h"
#include "model/env/env.h"
#include "model/env/generation.h"
#include "model/env/message_dispatch.h"
#include "model/kafka/controlled_shutdown.h"

namespace ks {

class ControlledShutdown {
 public:
  ControlledShutdown(Env& env, const BrokerConfig& config, ZkClient& zk);
  ~ControlledShutdown();
  ControlledShutdown(const ControlledShutdown&) = delete;
  ControlledShutdown& operator=(const ControlledShutdown&) = delete;

  // Claims ControlledShutdownResponse.
  void ClaimMessages(MessageDispatch& dispatch);
  // A reset of the connection to the controller fails the attempt in flight.
  void HandleConnectionReset(NodeId peer);

  // Runs the attempts for the broker registered with `broker_epoch`; `done(succeeded)` once one
  // succeeded or the last failed. REQUIRES: not running.
  void Run(int64_t broker_epoch, std::function<void(bool succeeded)> done);
  bool running() const { return static_cast<bool>(done_); }

 private:
  void Attempt();
  void SendTo(BrokerId controller, NodeId node);
  void OnResponse(const ControlledShutdownResponse& response);
  // The attempt ended: trace it, then succeed or back off.
  void Finish(BrokerId controller, ErrorCode error, int32_t remaining);
  void Done(bool succeeded);

  Env& env_;
  const BrokerConfig& config_;
  ZkClient& zk_;
  Generation attempt_generation_;  // advanced when an attempt ends: its late answers are dropped
  std::function<void(bool)> done_;
  int64_t broker_epoch_ = -1;
  int32_t attempts_ = 0;
  BrokerId controller_ = kNoBroker;  // the attempt in flight's
  NodeId controller_node_ = kNoNode;
  int64_t correlation_id_ = 0;  // of the request in flight; 0: none
  int64_t next_correlation_id_ = 1;
  TimerId timer_ = kNoTimer;
};

}  // namespace ks
