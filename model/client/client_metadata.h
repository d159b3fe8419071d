// ClientMetadata: a client's view of the cluster — which brokers exist, where they live, and who
// leads each partition of the topics the client uses — kept fresh with Metadata requests, as
// Kafka's clients keep theirs (org.apache.kafka.clients.Metadata).
//
// Shared by KafkaProducer and KafkaConsumer, which own it and forward MetadataResponses and
// connection resets to it. It asks one broker at a time (rotating over the brokers it knows and
// the bootstrap nodes), at most one request in flight, with request.timeout.ms per request and
// retry.backoff.ms between a failed or incomplete answer and the next request. It refreshes:
//   - when a topic is added, and when its owner asks (RequestUpdate: NOT_LEADER_OR_FOLLOWER,
//     a connection reset, a partition without a leader...), no sooner than retry.backoff.ms after
//     the previous request;
//   - by itself, while a used topic is unknown or a partition has no leader (every
//     retry.backoff.ms), and every metadata.max.age.ms in any case.
// Each answer replaces the view of the brokers and of the topics it names; the owner is told
// through the update callback.
//
// It also keeps the client's connection states (Kafka's ClusterConnectionStates): after the
// connection to a node broke or was refused, no request goes to that node before
// reconnect.backoff.ms, doubled with each failure in a row up to reconnect.backoff.max.ms (with
// Kafka's 20 % jitter); a message from the node ends the streak. The owner asks ConnectableAt
// before sending (Kafka's NetworkClient.ready), so a dead broker costs about one attempt a second,
// not one per retry.backoff.ms.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/env.h"
#include "model/kafka/metadata.h"

namespace ks {

struct PartitionLeader {
  BrokerId leader = kNoBroker;
  NodeId node = kNoNode;  // kNoNode: no leader, or the leader's endpoint is unknown
  int32_t leader_epoch = -1;
};

struct TopicMetadataView {
  std::vector<PartitionLeader> partitions;  // by partition number
  std::vector<int32_t> available;           // partitions with a reachable leader, ascending
};

struct ClientMetadataOptions {
  int64_t request_timeout_ms = 30000;
  int64_t retry_backoff_ms = 100;
  int64_t metadata_max_age_ms = 300000;
  int64_t reconnect_backoff_ms = 50;
  int64_t reconnect_backoff_max_ms = 1000;
};

class ClientMetadata {
 public:
  // Whose metadata this is: it names the event traced on each update (producer.metadata or
  // consumer.metadata).
  enum class Owner { kProducer, kConsumer };
  // `correlation_ids` is the owner's counter, so all of a client's requests have distinct ids.
  ClientMetadata(Env& env, std::vector<NodeId> bootstrap, ClientMetadataOptions options,
                 std::string client_name, Owner owner, int64_t* correlation_ids);

  // Called after every answer that changed the view.
  void SetOnUpdate(std::function<void()> on_update) { on_update_ = std::move(on_update); }

  // Starts the first fetch (also started by the first AddTopic).
  void Start();
  // Adds a topic of interest; an unknown one triggers a fetch.
  void AddTopic(std::string_view topic);
  // Asks for a refresh as soon as the backoff allows.
  void RequestUpdate();

  // Consumes a MetadataResponse (true); anything else is left alone (false).
  bool HandleMessage(NodeId from, MessagePtr& message);
  void HandleConnectionReset(NodeId peer);
  // A request to `node` timed out or its connection broke: the next metadata requests go to
  // other nodes while there are any, until `node` answers one again (Kafka's leastLoadedNode
  // prefers connected nodes; a timed-out request disconnects its node).
  void NoteNodeFailed(NodeId node);
  // `node` answered a request: it may be asked for metadata again, and its connection works.
  void NoteNodeAnswered(NodeId node) {
    failed_nodes_.erase(node);
    connections_.erase(node);
  }
  // The earliest time a request may go to `node`: now, or the end of its reconnect backoff.
  TimeUs ConnectableAt(NodeId node) const;

  // The view of a topic; null if unknown.
  const TopicMetadataView* Topic(std::string_view topic) const;
  // The leader of a partition; null if the topic or partition is unknown.
  const PartitionLeader* Leader(const TopicPartition& tp) const;
  // The node of a broker; kNoNode if unknown.
  NodeId NodeOf(BrokerId broker) const;

  int64_t updates() const { return updates_; }
  bool request_in_flight() const { return in_flight_correlation_id_ >= 0; }

 private:
  void Reschedule();
  void SendRequest();
  void OnRequestFailed();
  void Apply(NodeId from, const MetadataResponse& response);
  NodeId PickNode();
  // The connection to `node` broke or was refused: start (or lengthen) its reconnect backoff.
  void NoteConnectionFailed(NodeId node);

  Env& env_;
  std::vector<NodeId> bootstrap_;
  ClientMetadataOptions options_;
  std::string client_name_;
  Owner owner_;
  int64_t* correlation_ids_;
  std::function<void()> on_update_;

  std::set<std::string, std::less<>> topics_;
  std::map<BrokerId, NodeId> brokers_;
  std::map<std::string, TopicMetadataView, std::less<>> views_;

  bool started_ = false;
  bool update_requested_ = true;
  TimeUs last_request_at_ = -1;  // -1: never
  TimeUs last_success_at_ = -1;
  int64_t in_flight_correlation_id_ = -1;
  NodeId in_flight_node_ = kNoNode;
  TimerId request_timer_ = kNoTimer;
  TimerId next_timer_ = kNoTimer;
  TimeUs next_at_ = kTimeNever;
  uint64_t node_rotation_ = 0;
  std::set<NodeId> failed_nodes_;  // avoided by PickNode while another node is left
  struct ConnectionState {
    int32_t failures = 0;  // in a row
    TimeUs connectable_at = 0;
  };
  std::map<NodeId, ConnectionState> connections_;  // nodes whose connection failed
  int64_t updates_ = 0;
};

}  // namespace ks
