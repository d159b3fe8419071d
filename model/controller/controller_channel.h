// ControllerChannel: how the controller's requests reach the brokers, as Kafka's
// ControllerChannelManager and its RequestSendThreads did in ZooKeeper mode.
//
// The rules (Kafka's, kept here because breaking them turned a dead broker into a storm of
// resends that grew without bound):
// - One queue per live broker (AddBroker when the broker appears in /brokers/ids, RemoveBroker
//   when it leaves or bounces: its queue and whatever was waiting in it are dropped). A request
//   for a broker without a queue is not sent (Kafka logs "since it is offline").
// - One request in flight per broker: the next one leaves only once the broker answered the one
//   before (Kafka's send thread takes one item and loops until it is answered).
// - A failed attempt — the connection reset (a refused send to a killed broker is a reset), or
//   no answer within the request timeout — is retried, the same request again, after a fixed
//   backoff of 100 ms (RequestSendThread.backoff(); the controller's NetworkClient itself has no
//   reconnect backoff: reconnect.backoff.ms 0). It is retried until it is answered or the broker
//   is removed: a dead broker costs at most one send per backoff plus round trip, never more.
// The request timeout is controller.socket.timeout.ms (Kafka bounds the connect with it and the
// request with request.timeout.ms; both default to 30 s).
//
// Retries keep the request's correlation id, so a late answer to an earlier attempt ends it too.
// Answers carry nothing more the controller acts on (Kafka logs their errors).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>

#include "model/env/env.h"
#include "model/kafka/kafka_request.h"

namespace ks {

class ControllerChannel {
 public:
  static constexpr int64_t kRetryBackoffMs = 100;  // RequestSendThread.backoff()

  ControllerChannel(Env& env, int64_t request_timeout_ms);
  ~ControllerChannel();
  ControllerChannel(const ControllerChannel&) = delete;
  ControllerChannel& operator=(const ControllerChannel&) = delete;

  // Starts a queue for `broker` on `node` (nothing if it has one).
  void AddBroker(BrokerId broker, NodeId node);
  // Drops the broker's queue, the request in flight included.
  void RemoveBroker(BrokerId broker);
  void RemoveAll();
  bool HasBroker(BrokerId broker) const { return brokers_.count(broker) != 0; }

  // Queues `request` for `broker`; dropped if the broker has no queue.
  template <typename Request>
  void Send(BrokerId broker, std::unique_ptr<Request> request) {
    const int64_t correlation_id = request->correlation_id;
    std::shared_ptr<const Request> shared = std::move(request);
    Enqueue(broker, correlation_id,
            [shared]() -> MessagePtr { return std::make_unique<Request>(*shared); });
  }

  // A broker answered: if it is the answer the broker's queue waits for, the next request goes.
  void HandleResponse(NodeId from, const KafkaResponse& response);
  void HandleConnectionReset(NodeId peer);

  // Requests queued for `broker`, the one in flight included (0 without a queue).
  size_t queued(BrokerId broker) const;

 private:
  struct Item {
    int64_t correlation_id = 0;
    std::function<MessagePtr()> make;
    int32_t attempts = 0;  // sends so far
  };
  struct BrokerQueue {
    NodeId node = kNoNode;
    std::deque<Item> items;
    bool awaiting_answer = false;  // the front item was sent and is not answered yet
    TimerId timer = kNoTimer;      // the request timeout while awaiting, else the backoff
  };

  void Enqueue(BrokerId broker, int64_t correlation_id, std::function<MessagePtr()> make);
  void SendFront(BrokerId broker);
  // The attempt in flight failed: retry the same request after the backoff.
  void Failed(BrokerId broker, std::string_view reason);

  Env& env_;
  const int64_t request_timeout_ms_;
  std::map<BrokerId, BrokerQueue> brokers_;
};

}  // namespace ks
