#include "model/controller/controller_channel.h"

#include "model/controller/controller_events.h"
#include "model/env/check.h"

namespace ks {

namespace {
constexpr std::string_view kReset = "connection reset";
constexpr std::string_view kTimedOut = "no answer within controller.socket.timeout.ms";
}  // namespace

ControllerChannel::ControllerChannel(Env& env, int64_t request_timeout_ms)
    : env_(env), request_timeout_ms_(request_timeout_ms) {
  KS_CHECK(request_timeout_ms_ > 0);
}

ControllerChannel::~ControllerChannel() { RemoveAll(); }

void ControllerChannel::AddBroker(BrokerId broker, NodeId node) {
  if (brokers_.count(broker) != 0) return;
  brokers_[broker].node = node;
}

void ControllerChannel::RemoveBroker(BrokerId broker) {
  auto it = brokers_.find(broker);
  if (it == brokers_.end()) return;
  env_.CancelTimer(it->second.timer);
  brokers_.erase(it);
}

void ControllerChannel::RemoveAll() {
  for (auto& [broker, queue] : brokers_) env_.CancelTimer(queue.timer);
  brokers_.clear();
}

size_t ControllerChannel::queued(BrokerId broker) const {
  auto it = brokers_.find(broker);
  return it == brokers_.end() ? 0 : it->second.items.size();
}

void ControllerChannel::Enqueue(BrokerId broker, int64_t correlation_id,
                                std::function<MessagePtr()> make) {
  auto it = brokers_.find(broker);
  if (it == brokers_.end()) return;  // offline: not sent
  BrokerQueue& queue = it->second;
  queue.items.push_back(Item{correlation_id, std::move(make)});
  // Idle means nothing in flight and no backoff running: only then does this one leave now.
  if (queue.items.size() == 1 && queue.timer == kNoTimer) SendFront(broker);
}

void ControllerChannel::SendFront(BrokerId broker) {
  BrokerQueue& queue = brokers_.at(broker);
  KS_CHECK(!queue.items.empty() && !queue.awaiting_answer);
  Item& item = queue.items.front();
  ++item.attempts;
  queue.awaiting_answer = true;
  env_.Send(queue.node, item.make());
  queue.timer = env_.SetTimer(MillisecondsToUs(request_timeout_ms_), [this, broker] {
    brokers_.at(broker).timer = kNoTimer;
    Failed(broker, kTimedOut);
  });
}

void ControllerChannel::Failed(BrokerId broker, std::string_view reason) {
  BrokerQueue& queue = brokers_.at(broker);
  KS_CHECK(queue.awaiting_answer);
  queue.awaiting_answer = false;
  env_.CancelTimer(queue.timer);
  queue.timer = env_.SetTimer(MillisecondsToUs(kRetryBackoffMs), [this, broker, reason] {
    BrokerQueue& q = brokers_.at(broker);
    q.timer = kNoTimer;
    const Item& item = q.items.front();
    env_.Trace(ev::ControllerResend{.broker = broker,
                                    .correlation_id = item.correlation_id,
                                    .attempt = item.attempts + 1,
                                    .reason = reason});
    SendFront(broker);
  });
}

void ControllerChannel::HandleResponse(NodeId from, const KafkaResponse& response) {
  for (auto& [broker, queue] : brokers_) {
    if (queue.node != from) continue;
    // Only the answer to the request at the front counts; an answer to a request of a queue
    // dropped since (the broker bounced) is stale.
    if (queue.items.empty() || queue.items.front().correlation_id != response.correlation_id) {
      return;
    }
    queue.items.pop_front();
    queue.awaiting_answer = false;
    env_.CancelTimer(queue.timer);
    queue.timer = kNoTimer;
    if (!queue.items.empty()) SendFront(broker);
    return;
  }
}

void ControllerChannel::HandleConnectionReset(NodeId peer) {
  for (auto& [broker, queue] : brokers_) {
    // A reset while backing off or idle loses nothing: the next attempt opens a new connection.
    if (queue.node == peer && queue.awaiting_answer) Failed(broker, kReset);
  }
}

}  // namespace ks
