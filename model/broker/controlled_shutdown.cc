#include "model/broker/controlled_shutdown.h"

#include <memory>

#include "model/broker/broker_events.h"
#include "model/controller/zk_paths.h"
#include "model/env/check.h"

namespace ks {

ControlledShutdown::ControlledShutdown(Env& env, const BrokerConfig& config, ZkClient& zk)
    : env_(env), config_(config), zk_(zk) {}

ControlledShutdown::~ControlledShutdown() { env_.CancelTimer(timer_); }

void ControlledShutdown::ClaimMessages(MessageDispatch& dispatch) {
  dispatch.Claim<ControlledShutdownResponse>(
      [this](NodeId, ControlledShutdownResponse& response) { OnResponse(response); });
}

void ControlledShutdown::Run(int64_t broker_epoch, std::function<void(bool succeeded)> done) {
  KS_CHECK(!running());
  done_ = std::move(done);
  broker_epoch_ = broker_epoch;
  attempts_ = 0;
  Attempt();
}

void ControlledShutdown::Attempt() {
  ++attempts_;
  // The most recent controller, from ZooKeeper, at every attempt.
  zk_.GetData(zk_paths::kController, false,
              attempt_generation_.Guard([this](const ZkResult& controller) {
                std::optional<BrokerId> id =
                    controller.ok() ? zk_paths::DecodeController(controller.data) : std::nullopt;
                if (!id) {
                  Finish(kNoBroker, ErrorCode::kNotController, 0);  // no controller registered
                  return;
                }
                zk_.GetData(zk_paths::BrokerPath(*id), false,
                            attempt_generation_.Guard([this, id](const ZkResult& broker) {
                              std::optional<zk_paths::BrokerRegistration> registration =
                                  broker.ok() ? zk_paths::DecodeBrokerRegistration(broker.data)
                                              : std::nullopt;
                              if (!registration) {
                                // The controller's session expired: its registration is gone.
                                Finish(*id, ErrorCode::kBrokerNotAvailable, 0);
                                return;
                              }
                              SendTo(*id, registration->node);
                            }));
              }));
}

void ControlledShutdown::SendTo(BrokerId controller, NodeId node) {
  controller_ = controller;
  controller_node_ = node;
  auto request = std::make_unique<ControlledShutdownRequest>();
  correlation_id_ = next_correlation_id_++;
  request->correlation_id = correlation_id_;
  request->broker_id = config_.broker_id;
  request->broker_epoch = broker_epoch_;
  env_.Send(node, std::move(request));
  timer_ = env_.SetTimer(config_.controller_socket_timeout_ms * kMillisecond,
                         attempt_generation_.Guard([this, controller] {
                           timer_ = kNoTimer;
                           Finish(controller, ErrorCode::kRequestTimedOut, 0);
                         }));
}

void ControlledShutdown::OnResponse(const ControlledShutdownResponse& response) {
  if (correlation_id_ == 0 || response.correlation_id != correlation_id_) return;  // a late one
  Finish(controller_, response.error,
         static_cast<int32_t>(response.partitions_remaining.size()));
}

void ControlledShutdown::HandleConnectionReset(NodeId peer) {
  if (correlation_id_ == 0 || peer != controller_node_) return;
  Finish(controller_, ErrorCode::kNetworkException, 0);
}

void ControlledShutdown::Finish(BrokerId controller, ErrorCode error, int32_t remaining) {
  attempt_generation_.Advance();
  env_.CancelTimer(timer_);
  timer_ = kNoTimer;
  correlation_id_ = 0;
  controller_node_ = kNoNode;
  const bool succeeded = error == ErrorCode::kNone && remaining == 0;
  env_.Trace(ev::BrokerControlledShutdownAttempt{.broker = config_.broker_id,
                                                 .attempt = attempts_,
                                                 .controller = controller,
                                                 .error = error,
                                                 .partitions_remaining = remaining});
  if (succeeded) {
    Done(true);
    return;
  }
  // Kafka sleeps the backoff after every failed attempt, the last one included.
  timer_ = env_.SetTimer(config_.controlled_shutdown_retry_backoff_ms * kMillisecond,
                         attempt_generation_.Guard([this] {
                           timer_ = kNoTimer;
                           if (attempts_ >= config_.controlled_shutdown_max_retries) {
                             Done(false);
                           } else {
                             Attempt();
                           }
                         }));
}

void ControlledShutdown::Done(bool succeeded) {
  env_.Trace(ev::BrokerControlledShutdownDone{
      .broker = config_.broker_id, .succeeded = succeeded, .attempts = attempts_});
  auto done = std::move(done_);
  done_ = nullptr;
  done(succeeded);
}

}  // namespace ks
