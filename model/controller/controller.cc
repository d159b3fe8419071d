#include "model/controller/controller.h"

#include <algorithm>
#include <memory>

#include "model/controller/eligible_leader_replicas.h"
#include "model/env/check.h"

namespace ks {

using partition_rules::Contains;
using partition_rules::Election;
using zk_paths::PartitionStateData;

namespace partition_rules {

std::string_view TraceName(Election election) {
  switch (election) {
    case Election::kNewPartition:
      return "new partition";
    case Election::kClean:
      return "clean: first live in-sync replica";
    case Election::kEligible:
      return "clean: no live in-sync replica, eligible leader replica elected (KIP-966)";
    case Election::kUnclean:
      return "UNCLEAN: no in-sync replica alive, out-of-sync replica elected";
    case Election::kOffline:
      return "no live in-sync replica: offline";
    case Election::kPreferred:
      return "preferred replica";
    case Election::kPreferredAutoRebalance:
      return "preferred replica (auto rebalance)";
    case Election::kReassignment:
      return "reassignment: the leader moves into the target replicas";
    case Election::kControlledShutdown:
      return "controlled shutdown";
    case Election::kNone:
      break;
  }
  return "";
}

}  // namespace partition_rules

std::string_view TraceName(ControllerResignReason reason) {
  switch (reason) {
    case ControllerResignReason::kSessionExpired:
      return "ZooKeeper session expired";
    case ControllerResignReason::kControllerDeleted:
      return "/controller deleted";
    case ControllerResignReason::kShutdown:
      return "shutdown";
    case ControllerResignReason::kFenced:
      return "fenced: /controller_epoch moved on";
  }
  return "unknown";
}

namespace {

// A topic's overrides from its /config/topics znode (the text kafka-topics or a broker wrote),
// parsed once; null if the topic has none. Every writer validated them (TopicConfigOverrides)
// before writing, so text that does not parse is a bug.
std::shared_ptr<const TopicConfigOverrides> ParseTopicZnodeConfig(const std::string& topic,
                                                                  const ZkResult& znode) {
  if (!znode.ok() || znode.data.empty()) return nullptr;
  auto overrides = std::make_shared<TopicConfigOverrides>();
  const Status status =
      TopicConfigOverrides::Parse(zk_paths::DecodeConfig(znode.data), overrides.get());
  KS_CHECK_MSG(status.ok(), "the config of topic " + topic + " in ZooKeeper: " + status.message());
  return overrides;
}

}  // namespace

std::function<void()> Countdown(size_t count, std::function<void()> then) {
  if (count == 0) {
    then();
    return [] {};
  }
  auto remaining = std::make_shared<size_t>(count);
  auto shared_then = std::make_shared<std::function<void()>>(std::move(then));
  return [remaining, shared_then] {
    if (--*remaining == 0) (*shared_then)();
  };
}

Controller::Controller(Env& env, const BrokerConfig& config, ZkClient& zk)
    : env_(env), config_(config), zk_(zk), channel_(env, config.controller_socket_timeout_ms) {}

Controller::~Controller() { env_.CancelTimer(rebalance_timer_); }

// ---------------------------------------------------------------------------------------------
// Activation and the event queue

void Controller::Activate(int32_t epoch, int32_t epoch_zk_version) {
  active_ = true;
  epoch_ = epoch;
  epoch_zk_version_ = epoch_zk_version;
  generation_.Advance();
  queue_.clear();
  busy_ = false;
  live_brokers_.clear();
  channel_.RemoveAll();
  partitions_.clear();
  assignments_.clear();
  reassigning_.clear();
  ongoing_.clear();
  last_broker_epochs_.clear();
  shutting_down_.clear();
  env_.Trace(ev::ControllerActive{.broker = config_.broker_id, .epoch = epoch});
  Enqueue("failover", [this](Done done) { OnFailover(std::move(done)); });
  ScheduleAutoRebalance();
}

void Controller::Deactivate(ControllerResignReason reason) {
  if (!active_) return;
  active_ = false;
  generation_.Advance();
  queue_.clear();
  busy_ = false;
  channel_.RemoveAll();
  env_.CancelTimer(rebalance_timer_);
  rebalance_timer_ = kNoTimer;
  env_.Trace(ev::ControllerResign{.broker = config_.broker_id, .epoch = epoch_, .reason = reason});
}

void Controller::Enqueue(std::string name, Event event) {
  if (!active_) return;
  queue_.emplace_back(std::move(name), std::move(event));
  if (!busy_) RunNext();
}

void Controller::RunNext() {
  if (!active_ || queue_.empty()) {
    busy_ = false;
    return;
  }
  busy_ = true;
  auto [name, event] = std::move(queue_.front());
  queue_.pop_front();
  event(generation_.Guard([this] { RunNext(); }));
}

// ---------------------------------------------------------------------------------------------
// Loading from ZooKeeper

void Controller::ReadZk(ZkRead read, const std::string& path, bool watch, ZkCallback then) {
  auto retry_or_answer = [this, read, path, watch, then](const ZkResult& result) {
    if (result.error == ZkError::kSessionExpired) return;  // Deactivate follows
    if (result.error != ZkError::kConnectionLoss && result.error != ZkError::kOperationTimeout) {
      then(result);
      return;
    }
    env_.Trace(ev::ControllerZkRetry{.path = path, .error = result.error});
    auto again =
        generation_.Guard([this, read, path, watch, then] { ReadZk(read, path, watch, then); });
    if (zk_.state() != ZkState::kConnected) {
      again();  // queued in the client until it is connected again
      return;
    }
    env_.SetTimer(MillisecondsToUs(kZkRetryBackoffMs), again);
  };
  if (read == ZkRead::kGetChildren) {
    zk_.GetChildren(path, watch, generation_.Guard(std::move(retry_or_answer)));
  } else {
    zk_.GetData(path, watch, generation_.Guard(std::move(retry_or_answer)));
  }
}

void Controller::LoadBrokers(bool watch, std::function<void(Registrations)> then) {
  ReadZk(ZkRead::kGetChildren, zk_paths::kBrokerIds, watch, [this, then](const ZkResult& result) {
    auto registrations = std::make_shared<Registrations>();
    std::vector<BrokerId> ids;
    for (const std::string& child : result.children) {
      std::optional<std::vector<BrokerId>> id = zk_paths::DecodeBrokers(child);
      if (id && id->size() == 1) ids.push_back((*id)[0]);
    }
    auto finish = Countdown(ids.size(), [registrations, then] { then(*registrations); });
    for (BrokerId id : ids) {
      ReadZk(ZkRead::kGetData, zk_paths::BrokerPath(id), false,
             [registrations, id, finish](const ZkResult& data) {
               std::optional<zk_paths::BrokerRegistration> decoded =
                   data.ok() ? zk_paths::DecodeBrokerRegistration(data.data) : std::nullopt;
               if (decoded) {
                 Registration& r = (*registrations)[id];
                 r.node = decoded->node;
                 r.epoch = data.stat.czxid;
                 r.previous_epoch = decoded->previous_epoch.value_or(-1);
               }
               finish();
             });
    }
  });
}

void Controller::RefreshStates(const std::set<TopicPartition>& partitions, Done then) {
  std::vector<TopicPartition> known;
  for (const TopicPartition& tp : partitions) {
    auto it = partitions_.find(tp);
    if (it != partitions_.end() && !it->second.is_new()) known.push_back(tp);
  }
  auto finish = Countdown(known.size(), std::move(then));
  for (const TopicPartition& tp : known) {
    ReadZk(ZkRead::kGetData, zk_paths::PartitionStatePath(tp), false,
           [this, tp, finish](const ZkResult& state) {
             std::optional<zk_paths::PartitionStateData> decoded =
                 state.ok() ? zk_paths::DecodePartitionState(state.data) : std::nullopt;
             PartitionView& view = partitions_[tp];
             if (decoded && state.stat.version != view.zk_version) {
               view.state = *decoded;
               view.zk_version = state.stat.version;
               env_.Trace(ev::ControllerIsrRefreshed{.tp = tp,
                                                     .leader = decoded->leader,
                                                     .leader_epoch = decoded->leader_epoch,
                                                     .isr = decoded->isr,
                                                     .partition_epoch = view.zk_version});
             }
             finish();
           });
  }
}

void Controller::LoadTopic(const std::string& topic, Done then) {
  ReadZk(ZkRead::kGetData, zk_paths::TopicPath(topic), true,
         generation_.Guard([this, topic, then](const ZkResult& result) {
           std::optional<zk_paths::Assignment> assignment =
               result.ok() ? zk_paths::DecodeAssignment(result.data) : std::nullopt;
           if (!assignment) {
             then();
             return;
           }
           assignments_[topic] = *assignment;
           ongoing_[topic] = zk_paths::DecodeOngoingReassignments(result.data);
           ReadZk(ZkRead::kGetData, zk_paths::TopicConfigPath(topic), false,
                  generation_.Guard([this, topic, assignment, then](const ZkResult& config) {
                    topic_configs_[topic] = ParseTopicZnodeConfig(topic, config);
                    auto finish = Countdown(assignment->size(), then);
                    for (const auto& [partition, replicas] : *assignment) {
                      const TopicPartition tp{topic, partition};
                      PartitionView& view = partitions_[tp];
                      view.replicas = replicas;
                      ReadZk(ZkRead::kGetData, zk_paths::PartitionStatePath(tp), false,
                             generation_.Guard([this, tp, finish](const ZkResult& state) {
                               PartitionView& v = partitions_[tp];
                               std::optional<PartitionStateData> decoded =
                                   state.ok() ? zk_paths::DecodePartitionState(state.data)
                                              : std::nullopt;
                               if (decoded) {
                                 v.state = *decoded;
                                 v.zk_version = state.stat.version;
                               } else {
                                 v.zk_version = -1;
                               }
                               finish();
                             }));
                    }
                  }));
         }));
}

void Controller::LoadTopics(Done then) {
  ReadZk(ZkRead::kGetChildren, zk_paths::kBrokerTopics, true,
         generation_.Guard([this, then](const ZkResult& result) {
           std::vector<std::string> topics;
           for (const std::string& topic : result.children) {
             if (assignments_.count(topic) == 0) topics.push_back(topic);
           }
           auto finish = Countdown(topics.size(), then);
           for (const std::string& topic : topics) LoadTopic(topic, finish);
         }));
}

void Controller::OnFailover(Done done) {
  LoadBrokers(true, [this, done](Registrations registrations) {
    live_brokers_.clear();
    broker_epochs_.clear();
    channel_.RemoveAll();
    for (const auto& [id, r] : registrations) {
      live_brokers_[id] = r.node;
      channel_.AddBroker(id, r.node);
      broker_epochs_[id] = r.epoch;
      last_broker_epochs_[id] = r.epoch;
    }
    std::vector<BrokerId> live;
    for (const auto& [id, node] : live_brokers_) live.push_back(id);
    env_.Trace(ev::ControllerBrokers{.live = live});
    LoadTopics([this, done] {
      // Tell every broker what it hosts (a new controller re-sends everything), then elect.
      const std::vector<TopicPartition> all = AllPartitions();
      SendUpdateMetadata(all);
      SendLeaderAndIsr(all);
      StateChanges changes = ChangesForNewOrOfflinePartitions();
      // Kafka's new controller also moves the replicas of dead brokers to OfflineReplica
      // (ReplicaStateMachine.startup), which removes them from the ISRs of partitions whose
      // leader lives. Without it, a broker that died with the old controller stays in those
      // ISRs until the leader's replica.lag.time.max.ms runs out, holding back acks=all.
      const partition_rules::BrokerSet live = LiveSet();
      for (const auto& [tp, view] : partitions_) {
        if (changes.count(tp) != 0) continue;
        if (std::optional<PartitionStateData> next =
                partition_rules::IsrWithoutDeadOnFailover(view, live, SettingsFor(tp.topic))) {
          changes[tp] = *next;
        }
      }
      WriteStates(std::move(changes), [this, done] {
        // Admin work left by the previous controller.
        Enqueue("reassignment", [this](Done d) { OnReassignment(std::move(d)); });
        Enqueue("preferred election", [this](Done d) { OnPreferredElection(std::move(d)); });
        if (LegacyIsrPath()) {
          Enqueue("isr change", [this](Done d) { WatchIsrChangeNotifications(std::move(d)); });
        }
        done();
      });
    });
  });
}

void Controller::OnWatchEvent(const ZkWatchEvent& event) {
  if (!active_) return;
  const std::string& path = event.path;
  if (path == zk_paths::kBrokerIds) {
    Enqueue("broker change", [this](Done done) { OnBrokerChange(std::move(done)); });
  } else if (path == zk_paths::kBrokerTopics) {
    Enqueue("topic change", [this](Done done) { OnTopicChange(std::move(done)); });
  } else if (path.rfind(std::string(zk_paths::kBrokerTopics) + "/", 0) == 0) {
    const std::string topic = path.substr(std::string(zk_paths::kBrokerTopics).size() + 1);
    if (topic.find('/') == std::string::npos) {
      Enqueue("topic modification",
              [this, topic](Done done) { OnTopicModification(topic, std::move(done)); });
    }
  } else if (path == zk_paths::kPreferredElection) {
    Enqueue("preferred election", [this](Done done) { OnPreferredElection(std::move(done)); });
  } else if (path == zk_paths::kReassignPartitions) {
    Enqueue("reassignment", [this](Done done) { OnReassignment(std::move(done)); });
  } else if (path == zk_paths::kIsrChangeNotification && LegacyIsrPath()) {
    Enqueue("isr change", [this](Done done) { OnIsrChangeNotification(std::move(done)); });
  }
}

// ---------------------------------------------------------------------------------------------
// Brokers coming and going

void Controller::OnBrokerChange(Done done) {
  LoadBrokers(true, [this, done](Registrations registrations) {
    std::set<BrokerId> dead, started;
    for (const auto& [id, node] : live_brokers_) {
      // A broker that re-registered with a new epoch bounced: it died and came back.
      auto it = registrations.find(id);
      if (it == registrations.end() || it->second.epoch != broker_epochs_[id]) dead.insert(id);
    }
    for (const auto& [id, r] : registrations) {
      if (live_brokers_.count(id) == 0 || dead.count(id) != 0) started.insert(id);
    }
    if (dead.empty() && started.empty()) {
      done();
      return;
    }
    // Failures first, against the old view minus the dead; then startups.
    for (BrokerId id : dead) {
      // Kafka's removeBroker: what was queued for it is dropped (a bounced broker gets a new
      // queue below, and a new controller's full state with it).
      channel_.RemoveBroker(id);
      live_brokers_.erase(id);
      shutting_down_.erase(id);
      env_.Trace(ev::ControllerBrokerFailure{{.broker = id}});
    }
    // Kafka reads the states of the dead brokers' partitions from ZooKeeper before it elects or
    // shrinks (doElectLeaderForPartitions, doRemoveReplicasFromIsr): its cache may be stale, e.g.
    // after a write whose reply a ZooKeeper connection loss took, and a shrink computed from a
    // stale ISR could miss a dead member for good.
    RefreshStates(PartitionsOn(dead), [this, dead, started, registrations, done]() mutable {
      HandleBrokerChange(dead, started, registrations, done);
    });
  });
}

void Controller::HandleBrokerChange(const std::set<BrokerId>& dead,
                                    const std::set<BrokerId>& started, Registrations& registrations,
                                    Done done) {
  {
    StateChanges changes;
    const partition_rules::BrokerSet live = LiveSet();
    for (const auto& [tp, view] : partitions_) {
      std::optional<partition_rules::Change> change =
          partition_rules::OnBrokersDead(view, dead, live, SettingsFor(tp.topic));
      if (!change) continue;
      changes[tp] = change->state;
      if (change->election != Election::kNone) {
        TraceElection(tp, change->state, change->election);
      }
    }
    const std::set<BrokerId> unclean = UncleanShutdowns(started, registrations);
    for (BrokerId id : started) {
      live_brokers_[id] = registrations[id].node;
      channel_.AddBroker(id, registrations[id].node);
      env_.Trace(ev::ControllerBrokerStartup{{.broker = id}});
    }
    broker_epochs_.clear();
    for (const auto& [id, r] : registrations) {
      broker_epochs_[id] = r.epoch;
      last_broker_epochs_[id] = r.epoch;
    }
    // The states written above reach every broker with the new broker list. Kafka's
    // onBrokerStartup then tells the other brokers of the new ones with no partition states (and
    // onReplicasBecomeOffline does the same when no state changed), and sends the started ones
    // every partition's state.
    const bool tell_broker_list = !started.empty() || changes.empty();
    WriteStates(std::move(changes), [this, started, unclean, tell_broker_list, done] {
      if (tell_broker_list) {
        std::set<BrokerId> existing;
        for (const auto& [id, node] : live_brokers_) {
          if (started.count(id) == 0) existing.insert(id);
        }
        if (!existing.empty()) SendUpdateMetadata({}, existing);
      }
      if (!started.empty()) SendUpdateMetadata(AllPartitions(), started);
      // Started brokers learn their replicas (they become followers and catch up).
      std::vector<TopicPartition> hosted;
      for (const auto& [tp, view] : partitions_) {
        if (view.zk_version < 0) continue;
        for (BrokerId id : started) {
          if (Contains(view.replicas, id)) {
            hosted.push_back(tp);
            break;
          }
        }
      }
      SendLeaderAndIsr(hosted, started);
      // A broker back from an unclean shutdown may have lost what made it eligible (KIP-966);
      // then partitions that had no leader may have one now.
      WriteStates(ChangesForUncleanShutdowns(unclean), [this, done] {
        WriteStates(ChangesForNewOrOfflinePartitions(), [this, done] {
          Enqueue("check reassignments", [this](Done d) { CheckReassignments(std::move(d)); });
          done();
        });
      });
    });
  }
}

std::set<TopicPartition> Controller::PartitionsOn(const std::set<BrokerId>& brokers) const {
  std::set<TopicPartition> on;
  if (brokers.empty()) return on;
  for (const auto& [tp, view] : partitions_) {
    for (BrokerId replica : view.replicas) {
      if (brokers.count(replica) != 0) {
        on.insert(tp);
        break;
      }
    }
  }
  return on;
}

std::set<BrokerId> Controller::UncleanShutdowns(const std::set<BrokerId>& started,
                                                const Registrations& registrations) {
  std::set<BrokerId> unclean;
  if (!ElrEnabled()) return unclean;
  for (BrokerId id : started) {
    auto r = registrations.find(id);
    if (r == registrations.end()) continue;
    auto known = last_broker_epochs_.find(id);
    const int64_t previous = r->second.previous_epoch;
    const std::optional<int64_t> known_epoch =
        known == last_broker_epochs_.end() ? std::nullopt : std::optional<int64_t>(known->second);
    if (!elr::UncleanShutdown(previous, known_epoch)) continue;
    unclean.insert(id);
    env_.Trace(ev::ControllerUncleanShutdown{
        .broker = id, .previous_epoch = previous, .known_epoch = known_epoch.value_or(-1)});
  }
  return unclean;
}

Controller::StateChanges Controller::ChangesForUncleanShutdowns(
    const std::set<BrokerId>& brokers) const {
  StateChanges changes;
  if (brokers.empty()) return changes;
  for (const auto& [tp, view] : partitions_) {
    if (std::optional<PartitionStateData> next =
            partition_rules::WithoutUncleanShutdowns(view, brokers, SettingsFor(tp.topic))) {
      changes[tp] = *next;
    }
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------
// Topics

void Controller::OnTopicChange(Done done) {
  LoadTopics([this, done] { WriteStates(ChangesForNewOrOfflinePartitions(), done); });
}

void Controller::OnTopicModification(const std::string& topic, Done done) {
  // New partitions added to the topic's assignment (kafka-topics --alter --partitions).
  LoadTopic(topic, [this, done] { WriteStates(ChangesForNewOrOfflinePartitions(), done); });
}

partition_rules::TopicSettings Controller::SettingsFor(const std::string& topic) const {
  auto it = topic_configs_.find(topic);
  const TopicConfig config = it == topic_configs_.end() || !it->second
                                 ? config_.topic_defaults
                                 : it->second->ApplyTo(config_.topic_defaults);
  partition_rules::TopicSettings settings;
  settings.elr_enabled = ElrEnabled();
  settings.min_insync_replicas = config.min_insync_replicas;
  settings.unclean_leader_election_enable = config.unclean_leader_election_enable;
  return settings;
}

partition_rules::BrokerSet Controller::LiveSet() const {
  partition_rules::BrokerSet live;
  for (const auto& [id, node] : live_brokers_) live.insert(live.end(), id);
  return live;
}

Controller::StateChanges Controller::ChangesForNewOrOfflinePartitions() {
  StateChanges changes;
  const partition_rules::BrokerSet live = LiveSet();
  for (const auto& [tp, view] : partitions_) {
    if (!partition_rules::NeedsElection(view, live)) continue;
    const partition_rules::TopicSettings settings = SettingsFor(tp.topic);
    std::optional<partition_rules::Change> elected =
        partition_rules::ElectLeader(view, live, settings);
    if (!elected) {
      // Nobody can lead. A dead leader still named in the state (a new controller finding the
      // old one's partitions) is replaced by "no leader", with the dead removed from the ISR but
      // never emptying it (unless ELR keeps them), as the broker-failure path does.
      if (!view.is_new() && view.state.leader != kNoBroker) {
        const PartitionStateData offline = partition_rules::OfflineState(view, live, settings);
        TraceElection(tp, offline, Election::kOffline);
        changes[tp] = offline;
      }
      continue;
    }
    TraceElection(tp, elected->state, elected->election);
    changes[tp] = elected->state;
  }
  return changes;
}

void Controller::TraceElection(const TopicPartition& tp, const PartitionStateData& state,
                               Election election) {
  env_.Trace(ev::ControllerElection{.tp = tp,
                                    .leader = state.leader,
                                    .leader_epoch = state.leader_epoch,
                                    .isr = state.isr,
                                    .how = election,
                                    .unclean = election == Election::kUnclean});
}

// ---------------------------------------------------------------------------------------------
// Writing state

void Controller::EnsurePath(const std::string& path, Done then) {
  zk_.Create(path, "", false, [then](const ZkResult&) { then(); });  // NODEEXISTS is fine
}

void Controller::FencedMulti(std::vector<ZkOp> ops, std::function<void(const ZkResult&)> then) {
  ops.insert(ops.begin(), ZkOp::Check(zk_paths::kControllerEpoch, epoch_zk_version_));
  zk_.Multi(ops, generation_.Guard([this, then](const ZkResult& result) {
    if (!result.ok() && !result.results.empty() &&
        result.results[0].error == ZkError::kBadVersion) {
      Deactivate(ControllerResignReason::kFenced);
      return;
    }
    then(result);
  }));
}

void Controller::WriteOneState(const TopicPartition& tp, const PartitionStateData& state,
                               std::function<void(ZkError, int32_t)> then) {
  const PartitionView& view = partitions_[tp];
  const std::string data = zk_paths::EncodePartitionState(state);
  auto write = generation_.Guard([this, tp, data, then](bool create, int32_t version) {
    std::vector<ZkOp> ops;
    if (create) {
      ops.push_back(ZkOp::Create(zk_paths::PartitionStatePath(tp), data, false));
    } else {
      ops.push_back(ZkOp::SetData(zk_paths::PartitionStatePath(tp), data, version));
    }
    FencedMulti(std::move(ops), [create, version, then](const ZkResult& result) {
      // A failed multi's error is its failed op's: here the write itself, the check having
      // passed (else FencedMulti resigned).
      then(result.error, result.ok() ? (create ? 0 : version + 1) : version);
    });
  });
  if (view.zk_version >= 0) {
    write(false, view.zk_version);
    return;
  }
  EnsurePath(zk_paths::PartitionsPath(tp.topic), [this, tp, write] {
    EnsurePath(zk_paths::PartitionPath(tp), [write] { write(true, -1); });
  });
}

void Controller::CheckState(const TopicPartition& tp, const PartitionStateData& state) const {
  const PartitionView& view = partitions_.at(tp);
  const std::string name = tp.Name() + ": ";
  KS_CHECK_MSG(!state.isr.empty() || ElrEnabled(),
               name + "an empty ISR (legal only with eligible.leader.replicas.version 1)");
  KS_CHECK_MSG(state.elr.empty() || ElrEnabled(), name + "an ELR without ELR enabled");
  KS_CHECK_MSG(state.leader == kNoBroker || Contains(state.isr, state.leader),
               name + "leader " + std::to_string(state.leader) + " is not in the ISR");
  for (BrokerId b : state.isr) {
    KS_CHECK_MSG(Contains(view.replicas, b),
                 name + "ISR member " + std::to_string(b) + " is not a replica");
  }
  for (BrokerId b : state.elr) {
    KS_CHECK_MSG(Contains(view.replicas, b) && !Contains(state.isr, b),
                 name + "ELR member " + std::to_string(b) + " is not a replica outside the ISR");
  }
}

void Controller::WriteStates(StateChanges changes, Done then, bool send_leader_and_isr) {
  WriteStatesReporting(
      std::move(changes),
      [this, then](const WriteFailures& failures) {
        RetryStaleStates(failures);
        then();
      },
      send_leader_and_isr);
}

void Controller::WriteStatesReporting(StateChanges changes,
                                      std::function<void(const WriteFailures&)> then,
                                      bool send_leader_and_isr) {
  if (changes.empty()) {
    then({});
    return;
  }
  auto written = std::make_shared<std::vector<TopicPartition>>();
  auto failures = std::make_shared<WriteFailures>();
  auto finish = Countdown(changes.size(),
                          generation_.Guard([this, written, failures, then, send_leader_and_isr] {
                            if (send_leader_and_isr) SendLeaderAndIsr(*written);
                            if (!written->empty()) SendUpdateMetadata(*written);
                            then(*failures);
                          }));
  for (const auto& [tp, state] : changes) {
    PartitionStateData with_epoch = state;
    with_epoch.controller_epoch = epoch_;
    CheckState(tp, with_epoch);
    WriteOneState(
        tp, with_epoch,
        [this, tp, with_epoch, written, failures, finish](ZkError error, int32_t version) {
          if (error != ZkError::kOk) {
            (*failures)[tp] = error;  // the partition keeps the state it had
          } else {
            PartitionView& view = partitions_[tp];
            if (view.state.elr != with_epoch.elr) {
              env_.Trace(ev::ControllerElr{.tp = tp,
                                           .elr = with_epoch.elr,
                                           .isr = with_epoch.isr,
                                           .leader = with_epoch.leader,
                                           .leader_epoch = with_epoch.leader_epoch});
            }
            view.state = with_epoch;
            view.zk_version = version;
            written->push_back(tp);
            env_.Trace(ev::ControllerPartitionState{.tp = tp,
                                                    .leader = with_epoch.leader,
                                                    .leader_epoch = with_epoch.leader_epoch,
                                                    .isr = with_epoch.isr,
                                                    .replicas = view.replicas,
                                                    .partition_epoch = version});
          }
          finish();
        });
  }
}

// ---------------------------------------------------------------------------------------------
// Requests to brokers

std::vector<BrokerEndpoint> Controller::LiveEndpoints() const {
  std::vector<BrokerEndpoint> endpoints;
  for (const auto& [id, node] : live_brokers_) endpoints.push_back({id, node});
  return endpoints;
}

LeaderAndIsrPartitionState Controller::WireState(const TopicPartition& tp) const {
  const PartitionView& view = partitions_.at(tp);
  LeaderAndIsrPartitionState state;
  state.tp = tp;
  state.controller_epoch = epoch_;
  state.leader = view.state.leader;
  state.leader_epoch = view.state.leader_epoch;
  state.isr = view.state.isr;
  state.partition_epoch = view.zk_version;
  state.replicas = view.replicas;
  auto config = topic_configs_.find(tp.topic);
  if (config != topic_configs_.end()) state.topic_config = config->second;
  return state;
}

void Controller::SendLeaderAndIsr(const std::vector<TopicPartition>& partitions,
                                  const std::set<BrokerId>& only_to) {
  std::map<BrokerId, std::unique_ptr<LeaderAndIsrRequest>> requests;
  for (const TopicPartition& tp : partitions) {
    const PartitionView& view = partitions_.at(tp);
    for (BrokerId replica : view.replicas) {
      if (!IsLive(replica) || (!only_to.empty() && only_to.count(replica) == 0)) continue;
      auto& request = requests[replica];
      if (!request) {
        request = std::make_unique<LeaderAndIsrRequest>();
        request->correlation_id = next_correlation_id_++;
        request->controller_id = config_.broker_id;
        request->controller_epoch = epoch_;
        request->live_leaders = LiveEndpoints();
      }
      request->partitions.push_back(WireState(tp));
    }
  }
  for (auto& [broker, request] : requests) SendToBroker(broker, std::move(request));
}

template <typename Request>
void Controller::SendToBroker(BrokerId broker, std::unique_ptr<Request> request) {
  if (!IsLive(broker)) return;
  channel_.Send(broker, std::move(request));
}

void Controller::HandleConnectionReset(NodeId peer) {
  if (!active_) return;
  channel_.HandleConnectionReset(peer);
}

std::vector<TopicPartition> Controller::AllPartitions() const {
  std::vector<TopicPartition> all;
  for (const auto& [tp, view] : partitions_) {
    if (view.zk_version >= 0) all.push_back(tp);
  }
  return all;
}

void Controller::SendUpdateMetadata(const std::vector<TopicPartition>& partitions,
                                    const std::set<BrokerId>& only_to) {
  std::vector<LeaderAndIsrPartitionState> states;
  states.reserve(partitions.size());
  for (const TopicPartition& tp : partitions) {
    auto it = partitions_.find(tp);
    if (it != partitions_.end() && it->second.zk_version >= 0) states.push_back(WireState(tp));
  }
  const std::vector<BrokerEndpoint> endpoints = LiveEndpoints();
  for (const auto& [broker, node] : live_brokers_) {
    if (!only_to.empty() && only_to.count(broker) == 0) continue;
    auto request = std::make_unique<UpdateMetadataRequest>();
    request->correlation_id = next_correlation_id_++;
    request->controller_id = config_.broker_id;
    request->controller_epoch = epoch_;
    request->live_brokers = endpoints;
    request->partitions = states;
    SendToBroker(broker, std::move(request));
  }
}

void Controller::SendStopReplica(BrokerId broker, const std::vector<TopicPartition>& partitions,
                                 bool delete_partitions) {
  if (!IsLive(broker)) return;
  auto request = std::make_unique<StopReplicaRequest>();
  request->correlation_id = next_correlation_id_++;
  request->controller_id = config_.broker_id;
  request->controller_epoch = epoch_;
  request->delete_partitions = delete_partitions;
  request->partitions = partitions;
  SendToBroker(broker, std::move(request));
}

void Controller::ClaimMessages(MessageDispatch& dispatch) {
  dispatch.Claim<AlterPartitionRequest>([this](NodeId from, AlterPartitionRequest& request) {
    if (active_) {
      HandleAlterPartition(from, request);
      return;
    }
    auto response = std::make_unique<AlterPartitionResponse>();
    response->correlation_id = request.correlation_id;
    response->tp = request.tp;
    response->error = ErrorCode::kNotController;
    env_.Send(from, std::move(response));
  });
  dispatch.Claim<ControlledShutdownRequest>(
      [this](NodeId from, ControlledShutdownRequest& request) {
        HandleControlledShutdown(from, request);
      });
  dispatch.Claim<LeaderAndIsrResponse>(
      [this](NodeId from, LeaderAndIsrResponse& response) { OnBrokerResponse(from, response); });
  dispatch.Claim<UpdateMetadataResponse>(
      [this](NodeId from, UpdateMetadataResponse& response) { OnBrokerResponse(from, response); });
  dispatch.Claim<StopReplicaResponse>(
      [this](NodeId from, StopReplicaResponse& response) { OnBrokerResponse(from, response); });
}

void Controller::OnBrokerResponse(NodeId from, const KafkaResponse& response) {
  // Brokers' answers carry nothing more the controller acts on (Kafka logs their errors); an
  // answer ends the retrying of its request and lets the broker's next one go.
  if (!active_) return;
  channel_.HandleResponse(from, response);
}

// ---------------------------------------------------------------------------------------------
// AlterPartition

void Controller::HandleAlterPartition(NodeId from, const AlterPartitionRequest& request) {
  auto respond = [this, from, request](ErrorCode error) {
    auto response = std::make_unique<AlterPartitionResponse>();
    response->correlation_id = request.correlation_id;
    response->tp = request.tp;
    response->error = error;
    auto it = partitions_.find(request.tp);
    if (it != partitions_.end()) {
      response->leader = it->second.state.leader;
      response->leader_epoch = it->second.state.leader_epoch;
      response->isr = it->second.state.isr;
      response->partition_epoch = it->second.zk_version;
    }
    env_.Trace(ev::ControllerAlterPartition{.tp = request.tp,
                                            .from_broker = request.broker_id,
                                            .proposed = request.new_isr,
                                            .error = error});
    env_.Send(from, std::move(response));
  };
  if (!active_) {
    respond(ErrorCode::kNotController);
    return;
  }
  Enqueue("alter partition", [this, request, respond](Done done) {
    auto it = partitions_.find(request.tp);
    if (it == partitions_.end() || it->second.zk_version < 0) {
      respond(ErrorCode::kUnknownTopicOrPartition);
      done();
      return;
    }
    const partition_rules::AlterPartitionDecision decision = partition_rules::DecideAlterPartition(
        it->second, LiveSet(),
        {request.broker_id, request.leader_epoch, request.partition_epoch, request.new_isr},
        SettingsFor(request.tp.topic));
    if (!decision.write) {
      respond(decision.error);
      done();
      return;
    }
    auto written = [this, tp = request.tp, respond, done](const WriteFailures& failures) {
      auto failure = failures.find(tp);
      if (failure == failures.end()) {
        respond(ErrorCode::kNone);
        Enqueue("check reassignments", [this](Done d) { CheckReassignments(std::move(d)); });
      } else {
        // As Kafka's controller answers a failed update: a conditional write that lost to
        // another writer is INVALID_UPDATE_VERSION, any other ZooKeeper error
        // UNKNOWN_SERVER_ERROR; the ISR stays as it was, and the leader proposes again.
        respond(failure->second == ZkError::kBadVersion ? ErrorCode::kInvalidUpdateVersion
                                                        : ErrorCode::kUnknownServerError);
      }
      done();
    };
    WriteStatesReporting({{request.tp, *decision.write}}, generation_.Guard(std::move(written)),
                         /*send_leader_and_isr=*/false);
  });
}

// ---------------------------------------------------------------------------------------------
// Preferred leaders, rebalancing, reassignment

void Controller::OnPreferredElection(Done done) {
  zk_.GetData(zk_paths::kPreferredElection, true,
              generation_.Guard([this, done](const ZkResult& r) {
                if (!r.ok()) {
                  // Not there (yet): keep watching for its creation.
                  zk_.Exists(zk_paths::kPreferredElection, true, [](const ZkResult&) {});
                  done();
                  return;
                }
                std::vector<TopicPartition> wanted = zk_paths::DecodePartitionList(r.data);
                if (wanted.empty()) {
                  for (const auto& [tp, view] : partitions_) wanted.push_back(tp);
                }
                StateChanges changes;
                const partition_rules::BrokerSet live = LiveSet();
                for (const TopicPartition& tp : wanted) {
                  auto it = partitions_.find(tp);
                  if (it == partitions_.end() || it->second.is_new()) continue;
                  if (std::optional<PartitionStateData> next =
                          partition_rules::PreferredElection(it->second, live)) {
                    TraceElection(tp, *next, Election::kPreferred);
                    changes[tp] = *next;
                  }
                }
                WriteStates(std::move(changes), [this, done] {
                  zk_.Delete(zk_paths::kPreferredElection, -1, [](const ZkResult&) {});
                  zk_.Exists(zk_paths::kPreferredElection, true, [](const ZkResult&) {});
                  done();
                });
              }));
}

void Controller::ScheduleAutoRebalance() {
  if (!config_.auto_leader_rebalance_enable) return;
  auto rebalance = generation_.Guard([this] {
    Enqueue("auto rebalance", [this](Done done) { AutoRebalance(std::move(done)); });
    ScheduleAutoRebalance();
  });
  rebalance_timer_ =
      env_.SetTimer(config_.leader_imbalance_check_interval_seconds * kSecond, [this, rebalance] {
        rebalance_timer_ = kNoTimer;  // whichever generation set it
        rebalance();
      });
}

void Controller::AutoRebalance(Done done) {
  // Per preferred broker: the share of its partitions it does not lead.
  std::map<BrokerId, std::pair<int, int>> counts;  // preferred -> (not leading, total)
  for (const auto& [tp, view] : partitions_) {
    if (view.zk_version < 0 || view.replicas.empty()) continue;
    auto& [not_leading, total] = counts[view.replicas.front()];
    ++total;
    if (view.state.leader != view.replicas.front()) ++not_leading;
  }
  StateChanges changes;
  const partition_rules::BrokerSet live = LiveSet();
  for (const auto& [broker, count] : counts) {
    const auto [not_leading, total] = count;
    if (!IsLive(broker) ||
        !partition_rules::LeaderImbalanced(not_leading, total,
                                           config_.leader_imbalance_per_broker_percentage)) {
      continue;
    }
    for (const auto& [tp, view] : partitions_) {
      if (view.is_new() || view.replicas.empty() || view.replicas.front() != broker) continue;
      if (std::optional<PartitionStateData> next = partition_rules::PreferredElection(view, live)) {
        TraceElection(tp, *next, Election::kPreferredAutoRebalance);
        changes[tp] = *next;
      }
    }
  }
  WriteStates(std::move(changes), done);
}

}  // namespace ks
