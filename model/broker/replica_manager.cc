#include "model/broker/replica_manager.h"

#include <algorithm>
#include <set>

#include "model/broker/broker_events.h"
#include "model/env/check.h"

namespace ks {

namespace {

// "orders-0" -> {orders, 0}; false if the name is not a partition directory.
bool ParsePartitionDirectory(std::string_view name, TopicPartition* tp) {
  const size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= name.size()) return false;
  int32_t partition = 0;
  for (char c : name.substr(dash + 1)) {
    if (c < '0' || c > '9') return false;
    partition = partition * 10 + (c - '0');
  }
  tp->topic = std::string(name.substr(0, dash));
  tp->partition = partition;
  return true;
}

}  // namespace

ReplicaManager::ReplicaManager(Env& env, const BrokerConfig& config, MetadataCache& metadata)
    : env_(env), config_(config), metadata_(metadata), log_directory_(env) {}

ReplicaManager::~ReplicaManager() { fetchers_.clear(); }

void ReplicaManager::LoadLogs() {
  log_directory_.LoadCheckpoints();
  std::set<std::string> directories;
  for (const std::string& path : env_.LocalDisk().List("")) {
    const size_t slash = path.find('/');
    if (slash != std::string::npos) directories.insert(path.substr(0, slash));
  }
  for (const std::string& directory : directories) {
    TopicPartition tp;
    if (!ParsePartitionDirectory(directory, &tp)) continue;
    GetOrCreatePartition(tp, config_.topic_defaults);
  }
}

Partition* ReplicaManager::GetPartition(const TopicPartition& tp) {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : it->second.get();
}

Partition* ReplicaManager::GetOrCreatePartition(const TopicPartition& tp,
                                                const TopicConfig& settings) {
  settings_[tp] = settings;
  if (Partition* existing = GetPartition(tp)) {
    existing->log().SetConfig(settings.log);
    return existing;
  }
  std::unique_ptr<Log> log;
  KafkaError error = log_directory_.OpenLog(tp, settings.log, &log);
  if (!error.ok()) {
    env_.Trace(ev::BrokerLogOffline{.tp = tp, .error = error.ToString()});
    return nullptr;
  }
  auto partition = std::make_unique<Partition>(
      env_, config_, config_.broker_id, tp, std::move(log),
      log_directory_.CheckpointedHighWatermark(tp).value_or(0));
  partition->SetIsrProposalSink([this](const AlterPartitionRequest& request) {
    if (alter_partition_sink_) alter_partition_sink_(request);
  });
  Partition* raw = partition.get();
  partitions_[tp] = std::move(partition);
  ++partitions_generation_;
  return raw;
}

void ReplicaManager::SetAlterPartitionSink(Partition::IsrProposalSink sink) {
  alter_partition_sink_ = std::move(sink);
}

TopicConfig ReplicaManager::SettingsFor(const LeaderAndIsrPartitionState& state) const {
  // The overrides were parsed and validated once, by the controller (TopicConfigOverrides).
  if (!state.topic_config) return config_.topic_defaults;
  return state.topic_config->ApplyTo(config_.topic_defaults);
}

// ---------------------------------------------------------------------------------------------
// Produce

void ReplicaManager::HandleProduce(NodeId from, ProduceRequest& request) {
  const int64_t correlation_id = request.correlation_id;
  const bool answered = request.acks != kAcksNone;  // acks=0: the producer expects no answer
  AppendRecordsFor(
      from, request.timeout_ms, request.acks, AppendOrigin::kClient, std::move(request.partitions),
      [this, from, correlation_id, answered](std::vector<ProducePartitionResponse> results) {
        if (!answered) return;
        auto response = std::make_unique<ProduceResponse>();
        response->correlation_id = correlation_id;
        response->partitions = std::move(results);
        env_.Send(from, std::move(response));
      },
      request.client_id);
}

void ReplicaManager::AppendRecords(int32_t timeout_ms, int16_t required_acks, AppendOrigin origin,
                                   std::vector<ProducePartitionData> entries,
                                   AppendCallback callback, std::string_view client_id) {
  AppendRecordsFor(kNoNode, timeout_ms, required_acks, origin, std::move(entries),
                   std::move(callback), client_id);
}

void ReplicaManager::AppendRecordsFor(NodeId client, int32_t timeout_ms, int16_t required_acks,
                                      AppendOrigin origin,
                                      std::vector<ProducePartitionData> entries,
                                      AppendCallback callback, std::string_view client_id) {
  KS_CHECK(callback != nullptr);
  DelayedProduce delayed;
  delayed.client = client;
  delayed.deadline_us = env_.Now() + MillisecondsToUs(timeout_ms);
  delayed.callback = std::move(callback);
  bool waits = false;
  for (ProducePartitionData& entry : entries) {
    const int32_t min_insync = MinInsyncReplicasOf(entry.tp);
    int64_t required = -1;
    delayed.results.push_back(
        AppendToPartition(entry, required_acks, origin, client_id, min_insync, &required));
    delayed.required_offsets.push_back(required);
    delayed.min_insync.push_back(min_insync);
    waits |= required >= 0;
  }
  if (required_acks == kAcksNone) {
    delayed.callback(std::move(delayed.results));
    OnPartitionChanged();
    return;
  }
  // acks=1 waits for nothing but is answered through the same queue, in order with the
  // completions that this append may bring about.
  delayed_produces_.push_back(std::move(delayed));
  if (waits) ScheduleDelayedCheck(delayed_produces_.back().deadline_us);
  OnPartitionChanged();
}

ProducePartitionResponse ReplicaManager::AppendToPartition(
    ProducePartitionData& entry, int16_t required_acks, AppendOrigin origin,
    std::string_view client_id, int32_t min_insync, int64_t* required_offset) {
  ProducePartitionResponse result;
  result.tp = entry.tp;
  *required_offset = -1;
  Partition* partition = GetPartition(entry.tp);
  if (partition == nullptr) {
    result.error = ErrorCode::kNotLeaderOrFollower;
    return result;
  }
  LogAppendInfo info;
  KafkaError error =
      partition->AppendAsLeader(&entry.records, required_acks, min_insync, &info, origin);
  result.error = error.code();
  result.error_message = error.message();
  if (error.ok()) {
    result.base_offset = info.first_offset;
    result.log_append_time_ms = info.log_append_time_ms;
    result.log_start_offset = partition->log_start_offset();
    if (required_acks == kAcksAll) *required_offset = info.last_offset + 1;
  }
  env_.Trace(ev::BrokerProduce{.tp = entry.tp,
                               .acks = required_acks,
                               .client = client_id,
                               .base_offset = result.base_offset,
                               .last_offset = error.ok() ? info.last_offset : -1,
                               .error = result.error});
  return result;
}

int32_t ReplicaManager::MinInsyncReplicasOf(const TopicPartition& tp) const {
  auto settings = settings_.find(tp);
  return settings == settings_.end() ? config_.topic_defaults.min_insync_replicas
                                     : settings->second.min_insync_replicas;
}

void ReplicaManager::TryCompleteDelayedProduces() {
  const TimeUs now = env_.Now();
  for (size_t i = 0; i < delayed_produces_.size();) {
    DelayedProduce& delayed = delayed_produces_[i];
    bool done = true;
    for (size_t p = 0; p < delayed.results.size(); ++p) {
      if (delayed.required_offsets[p] < 0) continue;
      Partition* partition = GetPartition(delayed.results[p].tp);
      std::optional<ErrorCode> outcome =
          partition == nullptr ? std::optional<ErrorCode>(ErrorCode::kNotLeaderOrFollower)
                               : partition->CheckEnoughReplicasReachOffset(
                                     delayed.required_offsets[p], delayed.min_insync[p]);
      if (!outcome && now >= delayed.deadline_us) {
        outcome = ErrorCode::kRequestTimedOut;
      }
      if (outcome) {
        delayed.required_offsets[p] = -1;
        if (*outcome != ErrorCode::kNone) {
          delayed.results[p].error = *outcome;
          delayed.results[p].base_offset = -1;
        }
      } else {
        done = false;
      }
    }
    if (!done) {
      ++i;
      continue;
    }
    // Out of the queue before the callback runs: it may append (and so queue) again.
    DelayedProduce completed = std::move(delayed);
    delayed_produces_.erase(delayed_produces_.begin() + static_cast<std::ptrdiff_t>(i));
    completed.callback(std::move(completed.results));
  }
}

// ---------------------------------------------------------------------------------------------
// Fetch

std::unique_ptr<FetchResponse> ReplicaManager::ReadForFetch(const FetchRequest& request,
                                                            int64_t* bytes) {
  auto response = std::make_unique<FetchResponse>();
  response->correlation_id = request.correlation_id;
  const bool from_follower = request.replica_id >= 0;
  *bytes = 0;
  for (const FetchPartition& wanted : request.partitions) {
    FetchPartitionResponse data;
    data.tp = wanted.tp;
    Partition* partition = GetPartition(wanted.tp);
    if (partition == nullptr) {
      data.error = ErrorCode::kNotLeaderOrFollower;
    } else {
      data.error = partition->CheckFetchEpoch(wanted.current_leader_epoch, true);
      data.high_watermark = partition->high_watermark();
      data.log_start_offset = partition->log_start_offset();
      data.log_end_offset = partition->log_end_offset();
      if (data.error == ErrorCode::kNone) {
        LogReadResult read;
        KafkaError error =
            partition->Read(wanted.fetch_offset, wanted.partition_max_bytes, from_follower, &read);
        data.error = error.code();
        if (error.ok()) {
          data.records = std::move(read.records);
          *bytes += static_cast<int64_t>(data.records.size());
        }
      }
    }
    response->partitions.push_back(std::move(data));
  }
  return response;
}

void ReplicaManager::HandleFetch(NodeId from, const FetchRequest& request) {
  // Kafka reads first and updates the follower's state after (ReplicaManager.fetchMessages:
  // readFromLocalLog, then updateFollowerFetchState), so an answer sent at once carries the HW
  // from before this fetch moved it: a follower learns that its records are committed one fetch
  // after the leader does, even when it is the slowest ISR member. KIP-101's first scenario
  // rests on that lag. (Updating first, as this code did, gave the slowest follower the new HW
  // in the same answer.)
  int64_t bytes = 0;
  std::unique_ptr<FetchResponse> response = ReadForFetch(request, &bytes);
  if (request.replica_id >= 0) {
    // A follower's fetch offset is its LEO.
    for (const FetchPartition& wanted : request.partitions) {
      Partition* partition = GetPartition(wanted.tp);
      if (partition == nullptr ||
          partition->CheckFetchEpoch(wanted.current_leader_epoch, true) != ErrorCode::kNone) {
        continue;
      }
      partition->UpdateFollowerFetchState(request.replica_id, wanted.fetch_offset);
    }
  }
  const bool any_error =
      std::any_of(response->partitions.begin(), response->partitions.end(),
                  [](const FetchPartitionResponse& p) { return p.error != ErrorCode::kNone; });
  if (bytes >= request.min_bytes || request.max_wait_ms <= 0 || any_error) {
    env_.Send(from, std::move(response));
  } else {
    DelayedFetch delayed{from, request, env_.Now() + MillisecondsToUs(request.max_wait_ms)};
    delayed_fetches_.push_back(std::move(delayed));
    ScheduleDelayedCheck(delayed_fetches_.back().deadline_us);
  }
  // A follower's fetch may have moved the HW: answer what waited for it.
  if (request.replica_id >= 0) OnPartitionChanged();
}

void ReplicaManager::TryCompleteDelayedFetches() {
  const TimeUs now = env_.Now();
  for (size_t i = 0; i < delayed_fetches_.size();) {
    DelayedFetch& delayed = delayed_fetches_[i];
    const bool from_follower = delayed.request.replica_id >= 0;
    bool ready = now >= delayed.deadline_us;
    // Each waiting fetch is looked at after every change: its partitions are resolved once (and
    // again only if partitions were created or deleted since), not looked up by name each time.
    if (delayed.partitions_generation != partitions_generation_) {
      delayed.partitions.clear();
      for (const FetchPartition& wanted : delayed.request.partitions) {
        delayed.partitions.push_back(GetPartition(wanted.tp));
      }
      delayed.partitions_generation = partitions_generation_;
    }
    for (size_t p = 0; p < delayed.request.partitions.size() && !ready; ++p) {
      const FetchPartition& wanted = delayed.request.partitions[p];
      Partition* partition = delayed.partitions[p];
      // A fetch without an epoch (-1, old clients) is not answered early for that alone: it
      // would return at the next change of any partition instead of waiting max_wait_ms.
      if (partition == nullptr || !partition->is_leader() ||
          (wanted.current_leader_epoch >= 0 &&
           partition->leader_epoch() != wanted.current_leader_epoch)) {
        ready = true;  // something changed under the fetch: answer now (with the error)
        break;
      }
      const int64_t end = from_follower ? partition->log_end_offset() : partition->high_watermark();
      if (end > wanted.fetch_offset) ready = true;
    }
    if (!ready) {
      ++i;
      continue;
    }
    int64_t bytes = 0;
    std::unique_ptr<FetchResponse> response = ReadForFetch(delayed.request, &bytes);
    const NodeId client = delayed.client;
    delayed_fetches_.erase(delayed_fetches_.begin() + static_cast<std::ptrdiff_t>(i));
    env_.Send(client, std::move(response));
  }
}

void ReplicaManager::ScheduleDelayedCheck(TimeUs deadline_us) {
  const DurationUs delay = std::max<DurationUs>(0, deadline_us - env_.Now());
  env_.SetTimer(delay, [this] { OnPartitionChanged(); });
}

void ReplicaManager::OnPartitionChanged() {
  // A completion's callback may append, which calls here again: the running loops see what it
  // queued (at the end of the queue), so the inner call has nothing to do.
  if (completing_) return;
  completing_ = true;
  TryCompleteDelayedProduces();
  TryCompleteDelayedFetches();
  completing_ = false;
}

// ---------------------------------------------------------------------------------------------
// ListOffsets, OffsetsForLeaderEpoch

void ReplicaManager::HandleListOffsets(NodeId from, const ListOffsetsRequest& request) {
  auto response = std::make_unique<ListOffsetsResponse>();
  response->correlation_id = request.correlation_id;
  response->tp = request.tp;
  Partition* partition = GetPartition(request.tp);
  if (partition == nullptr || !partition->is_leader()) {
    response->error = ErrorCode::kNotLeaderOrFollower;
  } else if (request.timestamp == kEarliestTimestamp) {
    response->offset = partition->log_start_offset();
  } else if (request.timestamp == kLatestTimestamp) {
    response->offset = partition->high_watermark();
  } else {
    std::optional<Segment::TimestampAndOffset> found;
    KafkaError error = partition->log().OffsetForTimestamp(request.timestamp, &found);
    response->error = error.code();
    response->offset =
        found ? std::min(found->offset, partition->high_watermark()) : partition->high_watermark();
  }
  env_.Send(from, std::move(response));
}

void ReplicaManager::HandleOffsetsForLeaderEpoch(NodeId from,
                                                 const OffsetsForLeaderEpochRequest& request) {
  auto response = std::make_unique<OffsetsForLeaderEpochResponse>();
  response->correlation_id = request.correlation_id;
  for (const EpochQuery& query : request.partitions) {
    Partition* partition = GetPartition(query.tp);
    EpochEndOffset answer;
    answer.tp = query.tp;
    if (partition == nullptr) {
      answer.error = ErrorCode::kNotLeaderOrFollower;
    } else {
      answer.error = partition->CheckFetchEpoch(query.current_leader_epoch, true);
      if (answer.error == ErrorCode::kNone)
        answer = partition->EndOffsetForEpoch(query.leader_epoch);
    }
    env_.Trace(ev::BrokerEpochQuery{.tp = query.tp,
                                    .from_broker = request.replica_id,
                                    .epoch = query.leader_epoch,
                                    .answer_epoch = answer.leader_epoch,
                                    .end_offset = answer.end_offset,
                                    .error = answer.error});
    response->partitions.push_back(answer);
  }
  env_.Send(from, std::move(response));
}

// ---------------------------------------------------------------------------------------------
// Controller requests

void ReplicaManager::StopFetching(const TopicPartition& tp) {
  for (auto it = fetchers_.begin(); it != fetchers_.end();) {
    it->second->RemovePartition(tp);
    if (it->second->empty()) {
      it = fetchers_.erase(it);
    } else {
      ++it;
    }
  }
}

void ReplicaManager::StartFetching(const TopicPartition& tp, BrokerId leader,
                                   int32_t leader_epoch) {
  StopFetching(tp);
  const NodeId node = metadata_.NodeOf(leader);
  if (node == kNoNode) {
    env_.Trace(ev::BrokerNoLeaderEndpoint{.tp = tp, .leader = leader});
    return;
  }
  auto& fetcher = fetchers_[leader];
  if (!fetcher || fetcher->leader_node() != node) {
    fetcher = std::make_unique<ReplicaFetcher>(
        env_, config_, config_.broker_id, leader, node,
        [this](const TopicPartition& t) { return GetPartition(t); });
  }
  fetcher->AddPartition(tp, leader_epoch);
}

void ReplicaManager::ApplyLeaderAndIsr(const LeaderAndIsrPartitionState& state,
                                       std::vector<std::pair<TopicPartition, ErrorCode>>* results) {
  const BrokerId self = config_.broker_id;
  if (std::find(state.replicas.begin(), state.replicas.end(), self) == state.replicas.end()) {
    return;
  }
  metadata_.UpdatePartition(state);
  Partition* partition = GetOrCreatePartition(state.tp, SettingsFor(state));
  if (partition == nullptr) {
    results->push_back({state.tp, ErrorCode::kKafkaStorageError});
    return;
  }
  bool applied;
  const BrokerId previous_leader = partition->leader();
  const ReplicaRole previous_role = partition->role();
  const int32_t previous_epoch = partition->leader_epoch();
  if (state.leader == self) {
    applied = partition->MakeLeader(state);
    if (applied) StopFetching(state.tp);
    if (applied && previous_role != ReplicaRole::kLeader) {
      NotifyBecomeLeader(state.tp, state.leader_epoch);
    }
  } else {
    applied = partition->MakeFollower(state);
    auto fetcher = fetchers_.find(state.leader);
    if (applied && previous_role == ReplicaRole::kFollower && previous_leader == state.leader &&
        state.leader_epoch <= previous_epoch + 1 && fetcher != fetchers_.end() &&
        fetcher->second->Follows(state.tp)) {
      // Same leader, next epoch (the controller shrank the ISR, say): Kafka's makeFollower
      // reports no leader change, so the fetcher goes on from where it is, with no truncation.
      // An epoch further on means this replica missed a leader epoch (KAFKA-7164, Kafka 2.1):
      // the leader may have lost or replaced records meanwhile (a power loss, an election this
      // broker never heard of), so the fetcher starts over and truncates by leader epoch.
      fetcher->second->UpdateLeaderEpoch(state.tp, state.leader_epoch);
    } else if (applied) {
      if (state.leader == kNoBroker) {
        StopFetching(state.tp);  // offline: nobody to fetch from
      } else {
        StartFetching(state.tp, state.leader, state.leader_epoch);
      }
    }
    // Kafka's makeFollower reports a leader change (and the coordinators hear onResignation)
    // unless the replica already followed that leader.
    const bool leader_changed =
        previous_role != ReplicaRole::kFollower || previous_leader != state.leader;
    if (applied && leader_changed) NotifyResign(state.tp, state.leader_epoch);
  }
  results->push_back({state.tp, applied ? ErrorCode::kNone : ErrorCode::kStaleControllerEpoch});
}

void ReplicaManager::HandleLeaderAndIsr(NodeId from, const LeaderAndIsrRequest& request) {
  // Becoming a follower may truncate many logs: one directory checkpoint for all of them.
  LogDirectory::TruncationBatch truncations(log_directory_);
  auto response = std::make_unique<LeaderAndIsrResponse>();
  response->correlation_id = request.correlation_id;
  if (request.controller_epoch < metadata_.controller_epoch()) {
    // A deposed controller: its word no longer counts.
    response->error = ErrorCode::kStaleControllerEpoch;
    env_.Trace(ev::BrokerStaleController{.controller = request.controller_id,
                                         .epoch = request.controller_epoch,
                                         .known_epoch = metadata_.controller_epoch()});
    env_.Send(from, std::move(response));
    return;
  }
  metadata_.SetController(request.controller_id, request.controller_epoch);
  metadata_.AddEndpoints(request.live_leaders);
  for (const LeaderAndIsrPartitionState& state : request.partitions) {
    ApplyLeaderAndIsr(state, &response->partitions);
  }
  env_.Send(from, std::move(response));
  OnPartitionChanged();
}

void ReplicaManager::HandleStopReplica(NodeId from, const StopReplicaRequest& request) {
  auto response = std::make_unique<StopReplicaResponse>();
  response->correlation_id = request.correlation_id;
  if (request.controller_epoch < metadata_.controller_epoch()) {
    response->error = ErrorCode::kStaleControllerEpoch;
    env_.Send(from, std::move(response));
    return;
  }
  bool deleted = false;
  for (const TopicPartition& tp : request.partitions) {
    StopFetching(tp);
    Partition* partition = GetPartition(tp);
    if (partition == nullptr) continue;
    partition->MakeOffline();
    if (request.delete_partitions) {
      Disk& disk = env_.LocalDisk();
      for (const std::string& file : disk.List(tp.Name() + "/")) disk.Delete(file);
      log_directory_.RemoveLog(tp);
      deleted = true;
      partitions_.erase(tp);
      ++partitions_generation_;
      settings_.erase(tp);
      env_.Trace(ev::BrokerPartitionDeleted{.tp = tp});
    }
    NotifyResign(tp, /*leader_epoch=*/-1);  // StopReplica carries no epoch (Kafka's None)
  }
  if (deleted) {
    // Kafka's LogManager.asyncDelete checkpoints the directory without the deleted logs, so a
    // partition created again under the same name cannot inherit their offsets.
    (void)log_directory_.CheckpointRecoveryPoints();
    (void)log_directory_.CheckpointLogStartOffsets();
  }
  env_.Send(from, std::move(response));
  OnPartitionChanged();
}

void ReplicaManager::HandleAlterPartitionResponse(const AlterPartitionResponse& response) {
  if (Partition* partition = GetPartition(response.tp)) {
    partition->OnAlterPartitionResponse(response);
    OnPartitionChanged();
  }
}

void ReplicaManager::ClaimMessages(MessageDispatch& dispatch) {
  dispatch.Claim<ProduceRequest>(
      [this](NodeId from, ProduceRequest& request) { HandleProduce(from, request); });
  dispatch.Claim<FetchRequest>(
      [this](NodeId from, FetchRequest& request) { HandleFetch(from, request); });
  dispatch.Claim<ListOffsetsRequest>(
      [this](NodeId from, ListOffsetsRequest& request) { HandleListOffsets(from, request); });
  dispatch.Claim<OffsetsForLeaderEpochRequest>(
      [this](NodeId from, OffsetsForLeaderEpochRequest& request) {
        HandleOffsetsForLeaderEpoch(from, request);
      });
  dispatch.Claim<LeaderAndIsrRequest>(
      [this](NodeId from, LeaderAndIsrRequest& request) { HandleLeaderAndIsr(from, request); });
  dispatch.Claim<StopReplicaRequest>(
      [this](NodeId from, StopReplicaRequest& request) { HandleStopReplica(from, request); });
  dispatch.Claim<AlterPartitionResponse>([this](NodeId, AlterPartitionResponse& response) {
    // NOT_CONTROLLER: the proposal stays pending and goes to the next controller once known
    // (RetryPendingIsrChanges).
    if (response.error != ErrorCode::kNotController) HandleAlterPartitionResponse(response);
  });
  auto fetcher_answer = [this](NodeId from, MessagePtr& message) {
    HandleFetcherMessage(from, message);
  };
  dispatch.Claim<FetchResponse>(fetcher_answer);
  dispatch.Claim<OffsetsForLeaderEpochResponse>(fetcher_answer);
}

bool ReplicaManager::HandleFetcherMessage(NodeId from, MessagePtr& message) {
  // A fetch or OffsetsForLeaderEpoch answer may truncate many logs: one checkpoint for all.
  LogDirectory::TruncationBatch truncations(log_directory_);
  for (auto& [leader, fetcher] : fetchers_) {
    if (fetcher->HandleMessage(from, message)) {
      OnPartitionChanged();
      return true;
    }
  }
  return false;
}

void ReplicaManager::HandleConnectionReset(NodeId peer) {
  for (auto& [leader, fetcher] : fetchers_) fetcher->HandleConnectionReset(peer);
  // Answers owed to that peer are lost with the connection (internal appends, owed to no peer,
  // wait on).
  std::erase_if(delayed_fetches_, [peer](const DelayedFetch& d) { return d.client == peer; });
  std::erase_if(delayed_produces_, [peer](const DelayedProduce& d) { return d.client == peer; });
}

// ---------------------------------------------------------------------------------------------
// Leadership listeners

void ReplicaManager::AddLeadershipListener(std::string topic, LeadershipListener* listener) {
  KS_CHECK(listener != nullptr);
  leadership_listeners_.emplace_back(std::move(topic), listener);
}

void ReplicaManager::RemoveLeadershipListener(const LeadershipListener* listener) {
  std::erase_if(leadership_listeners_,
                [listener](const auto& entry) { return entry.second == listener; });
}

void ReplicaManager::NotifyBecomeLeader(const TopicPartition& tp, int32_t leader_epoch) {
  for (const auto& [topic, listener] : leadership_listeners_) {
    if (topic == tp.topic) listener->OnBecomeLeader(tp, leader_epoch);
  }
}

void ReplicaManager::NotifyResign(const TopicPartition& tp, int32_t leader_epoch) {
  for (const auto& [topic, listener] : leadership_listeners_) {
    if (topic == tp.topic) listener->OnResign(tp, leader_epoch);
  }
}

void ReplicaManager::RetryPendingIsrChanges() {
  for (auto& [tp, partition] : partitions_) partition->RetryPendingIsrChange();
}

// ---------------------------------------------------------------------------------------------
// Background tasks

void ReplicaManager::StartBackgroundTasks() {
  PeriodicIsrCheck();
  PeriodicHighWatermarkCheckpoint();
  PeriodicRetention();
  const LogConfig& log = config_.topic_defaults.log;
  log_directory_.StartCheckpointTasks(log.log_flush_offset_checkpoint_interval_ms,
                                      log.log_flush_start_offset_checkpoint_interval_ms);
}

void ReplicaManager::PeriodicIsrCheck() {
  for (auto& [tp, partition] : partitions_) {
    if (partition->isr_change_pending()) {
      partition->RetryPendingIsrChange();
    } else {
      partition->MaybeShrinkIsr();
    }
  }
  OnPartitionChanged();
  env_.SetTimer(MillisecondsToUs(config_.replica_lag_time_max_ms) / 2,
                [this] { PeriodicIsrCheck(); });
}

void ReplicaManager::PeriodicHighWatermarkCheckpoint() {
  env_.SetTimer(MillisecondsToUs(config_.replica_high_watermark_checkpoint_interval_ms), [this] {
    CheckpointHighWatermarks();
    PeriodicHighWatermarkCheckpoint();
  });
}

void ReplicaManager::CheckpointHighWatermarks() {
  std::map<TopicPartition, int64_t> high_watermarks;
  for (auto& [tp, partition] : partitions_) {
    if (!partition->log().offline()) {
      high_watermarks[tp] = partition->high_watermark();
    } else if (std::optional<int64_t> last = log_directory_.CheckpointedHighWatermark(tp)) {
      high_watermarks[tp] = *last;  // an offline log's HW is no longer trusted
    }
  }
  // A failed write takes the directory's logs offline; the task carries on.
  (void)log_directory_.CheckpointHighWatermarks(high_watermarks);
}

void ReplicaManager::PeriodicRetention() {
  env_.SetTimer(MillisecondsToUs(config_.topic_defaults.log.log_retention_check_interval_ms),
                [this] {
                  for (auto& [tp, partition] : partitions_) {
                    int32_t deleted = 0;
                    partition->log().DeleteOldSegments(partition->high_watermark(), &deleted);
                    partition->log().MaybeFlushByTime();
                  }
                  PeriodicRetention();
                });
}

void ReplicaManager::Shutdown() {
  fetchers_.clear();
  // Kafka's ReplicaManager.shutdown checkpoints the high watermarks, then LogManager.shutdown
  // closes the logs and checkpoints the directory.
  CheckpointHighWatermarks();
  log_directory_.CloseLogs();
}

}  // namespace ks
