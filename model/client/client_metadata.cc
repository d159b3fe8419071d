#include "model/client/client_metadata.h"

#include <algorithm>

#include "model/client/client_events.h"

namespace ks {

ClientMetadata::ClientMetadata(Env& env, std::vector<NodeId> bootstrap,
                               ClientMetadataOptions options, std::string client_name, Owner owner,
                               int64_t* correlation_ids)
    : env_(env),
      bootstrap_(std::move(bootstrap)),
      options_(options),
      client_name_(std::move(client_name)),
      owner_(owner),
      correlation_ids_(correlation_ids) {}

void ClientMetadata::Start() {
  started_ = true;
  Reschedule();
}

void ClientMetadata::AddTopic(std::string_view topic) {
  if (topics_.find(topic) != topics_.end()) return;
  topics_.emplace(topic);
  update_requested_ = true;
  started_ = true;
  Reschedule();
}

void ClientMetadata::RequestUpdate() {
  update_requested_ = true;
  if (started_) Reschedule();
}

const TopicMetadataView* ClientMetadata::Topic(std::string_view topic) const {
  auto it = views_.find(topic);
  return it == views_.end() ? nullptr : &it->second;
}

const PartitionLeader* ClientMetadata::Leader(const TopicPartition& tp) const {
  const TopicMetadataView* view = Topic(tp.topic);
  if (view == nullptr || tp.partition < 0 ||
      tp.partition >= static_cast<int32_t>(view->partitions.size())) {
    return nullptr;
  }
  return &view->partitions[static_cast<size_t>(tp.partition)];
}

NodeId ClientMetadata::NodeOf(BrokerId broker) const {
  auto it = brokers_.find(broker);
  return it == brokers_.end() ? kNoNode : it->second;
}

// Decides when the next request goes out and sets the one timer for it.
void ClientMetadata::Reschedule() {
  if (in_flight_correlation_id_ >= 0) return;  // the answer (or its timeout) reschedules
  const TimeUs now = env_.Now();
  TimeUs due = kTimeNever;
  if (update_requested_) {
    due =
        last_request_at_ < 0 ? now : last_request_at_ + MillisecondsToUs(options_.retry_backoff_ms);
  } else if (last_success_at_ >= 0) {
    due = last_success_at_ + MillisecondsToUs(options_.metadata_max_age_ms);
  }
  due = std::max(due, now);
  if (due == kTimeNever) return;
  if (next_timer_ != kNoTimer) {
    if (next_at_ <= due) return;
    env_.CancelTimer(next_timer_);
  }
  next_at_ = due;
  next_timer_ = env_.SetTimer(due - now, [this] {
    next_timer_ = kNoTimer;
    next_at_ = kTimeNever;
    SendRequest();
  });
}

NodeId ClientMetadata::PickNode() {
  // The brokers we know, then the bootstrap nodes: rotating, so a dead node is not asked twice
  // in a row when another exists.
  std::vector<NodeId> candidates;
  for (const auto& [broker, node] : brokers_) candidates.push_back(node);
  for (NodeId node : bootstrap_) {
    if (std::find(candidates.begin(), candidates.end(), node) == candidates.end()) {
      candidates.push_back(node);
    }
  }
  if (candidates.empty()) return kNoNode;
  std::vector<NodeId> healthy;
  for (NodeId node : candidates) {
    if (failed_nodes_.count(node) == 0) healthy.push_back(node);
  }
  if (!healthy.empty()) candidates = std::move(healthy);
  return candidates[node_rotation_++ % candidates.size()];
}

void ClientMetadata::SendRequest() {
  if (in_flight_correlation_id_ >= 0) return;
  const NodeId node = PickNode();
  if (node == kNoNode) return;
  auto request = std::make_unique<MetadataRequest>();
  request->correlation_id = (*correlation_ids_)++;
  request->topics.assign(topics_.begin(), topics_.end());
  in_flight_correlation_id_ = request->correlation_id;
  in_flight_node_ = node;
  last_request_at_ = env_.Now();
  update_requested_ = false;
  const int64_t correlation_id = request->correlation_id;
  request_timer_ =
      env_.SetTimer(MillisecondsToUs(options_.request_timeout_ms), [this, correlation_id] {
        request_timer_ = kNoTimer;
        if (in_flight_correlation_id_ != correlation_id) return;
        OnRequestFailed();
      });
  env_.Send(node, std::move(request));
}

void ClientMetadata::NoteNodeFailed(NodeId node) { failed_nodes_.insert(node); }

void ClientMetadata::OnRequestFailed() {
  if (in_flight_node_ != kNoNode) NoteNodeFailed(in_flight_node_);
  in_flight_correlation_id_ = -1;
  in_flight_node_ = kNoNode;
  if (request_timer_ != kNoTimer) {
    env_.CancelTimer(request_timer_);
    request_timer_ = kNoTimer;
  }
  update_requested_ = true;
  Reschedule();
}

TimeUs ClientMetadata::ConnectableAt(NodeId node) const {
  auto it = connections_.find(node);
  return it == connections_.end() ? 0 : it->second.connectable_at;
}

void ClientMetadata::NoteConnectionFailed(NodeId node) {
  const TimeUs now = env_.Now();
  ConnectionState& state = connections_[node];
  // Every request lost with the connection brings its own reset: one failure per attempt.
  if (state.failures > 0 && now < state.connectable_at) return;
  // Kafka's ExponentialBackoff(reconnect.backoff.ms, 2, reconnect.backoff.max.ms, 0.2).
  int64_t backoff_ms = options_.reconnect_backoff_ms;
  for (int32_t i = 0; i < state.failures && backoff_ms < options_.reconnect_backoff_max_ms; ++i) {
    backoff_ms *= 2;
  }
  backoff_ms = std::min(backoff_ms, options_.reconnect_backoff_max_ms);
  ++state.failures;
  const int64_t jitter_ms = backoff_ms / 5;
  backoff_ms += env_.Random("reconnect").Between(-jitter_ms, jitter_ms);
  state.connectable_at = now + MillisecondsToUs(std::max<int64_t>(backoff_ms, 0));
}

void ClientMetadata::HandleConnectionReset(NodeId peer) {
  NoteConnectionFailed(peer);
  NoteNodeFailed(peer);
  if (in_flight_correlation_id_ >= 0 && in_flight_node_ == peer) OnRequestFailed();
}

bool ClientMetadata::HandleMessage(NodeId from, MessagePtr& message) {
  auto* response = MessageAs<MetadataResponse>(message.get());
  if (response == nullptr) return false;
  // A late answer to a request that timed out is stale: ignore it (but it was ours).
  if (response->correlation_id != in_flight_correlation_id_) return true;
  NoteNodeAnswered(from);
  in_flight_correlation_id_ = -1;
  in_flight_node_ = kNoNode;
  if (request_timer_ != kNoTimer) {
    env_.CancelTimer(request_timer_);
    request_timer_ = kNoTimer;
  }
  Apply(from, *response);
  Reschedule();
  if (on_update_) on_update_();
  return true;
}

void ClientMetadata::Apply(NodeId from, const MetadataResponse& response) {
  if (!response.brokers.empty()) {
    brokers_.clear();
    for (const BrokerEndpoint& broker : response.brokers) brokers_[broker.id] = broker.node;
  }
  // Rebuild the views of the topics the answer names; a topic we use that it does not name (or
  // names only with errors) stays unknown and is asked for again after the backoff.
  std::map<std::string, TopicMetadataView, std::less<>> fresh;
  for (const PartitionMetadata& p : response.partitions) {
    if (p.error == ErrorCode::kUnknownTopicOrPartition || p.tp.partition < 0) continue;
    TopicMetadataView& view = fresh[p.tp.topic];
    if (view.partitions.size() <= static_cast<size_t>(p.tp.partition)) {
      view.partitions.resize(static_cast<size_t>(p.tp.partition) + 1);
    }
    PartitionLeader& leader = view.partitions[static_cast<size_t>(p.tp.partition)];
    leader.leader = p.leader;
    leader.leader_epoch = p.leader_epoch;
    leader.node = (p.error == ErrorCode::kNone || p.error == ErrorCode::kReplicaNotAvailable)
                      ? NodeOf(p.leader)
                      : kNoNode;
  }
  bool incomplete = false;
  for (auto& [topic, view] : fresh) {
    for (size_t i = 0; i < view.partitions.size(); ++i) {
      if (view.partitions[i].node != kNoNode) {
        view.available.push_back(static_cast<int32_t>(i));
      } else {
        incomplete = true;
      }
    }
    views_[topic] = std::move(view);
  }
  for (const std::string& topic : topics_) {
    if (fresh.find(topic) == fresh.end()) {
      views_.erase(topic);
      incomplete = true;
    }
  }
  last_success_at_ = env_.Now();
  update_requested_ = incomplete;
  ++updates_;
  const bool producer = owner_ == Owner::kProducer;
  if (producer ? env_.Observes<ev::ProducerMetadata>() : env_.Observes<ev::ConsumerMetadata>()) {
    std::vector<std::vector<int32_t>> leader_ids;
    std::vector<ev::TopicLeaders> leaders;
    leader_ids.reserve(views_.size());
    for (const auto& [topic, view] : views_) {
      std::vector<int32_t>& ids = leader_ids.emplace_back();
      for (const auto& partition : view.partitions) ids.push_back(partition.leader);
      leaders.push_back(ev::TopicLeaders{.topic = topic, .leaders = ids});
    }
    const ev::ClientMetadata event{.client = client_name_,
                                   .from = from,
                                   .brokers = static_cast<int64_t>(brokers_.size()),
                                   .leaders = leaders,
                                   .complete = !incomplete};
    if (producer) {
      env_.Trace(ev::ProducerMetadata{event});
    } else {
      env_.Trace(ev::ConsumerMetadata{event});
    }
  }
}

}  // namespace ks
