#include "model/controller/controller.h"

#include <algorithm>
#include <memory>

#include "model/controller/eligible_leader_replicas.h"
#include "model/env/check.h"

namespace ks {

using zk_paths::PartitionStateData;

namespace {

bool Contains(const std::vector<BrokerId>& list, BrokerId id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

std::string BrokersJson(const std::vector<BrokerId>& brokers) {
  return "[" + zk_paths::EncodeBrokers(brokers) + "]";
}

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

// Calls `then` once `count` completions have been reported through the returned function.
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

}  // namespace

Controller::Controller(Env& env, const BrokerConfig& config, ZkClient& zk)
    : env_(env), config_(config), zk_(zk) {}

Controller::~Controller() { env_.CancelTimer(rebalance_timer_); }

// ---------------------------------------------------------------------------------------------
// Activation and the event queue

void Controller::Activate(int32_t epoch, int32_t epoch_zk_version) {
  active_ = true;
  epoch_ = epoch;
  epoch_zk_version_ = epoch_zk_version;
  ++generation_;
  queue_.clear();
  busy_ = false;
  live_brokers_.clear();
  partitions_.clear();
  assignments_.clear();
  reassigning_.clear();
  ongoing_.clear();
  last_broker_epochs_.clear();
  env_.Trace("controller.active",
             TraceFields().Add("broker", config_.broker_id).Add("epoch", epoch));
  Enqueue("failover", [this](Done done) { OnFailover(std::move(done)); });
  ScheduleAutoRebalance();
}

void Controller::Deactivate(std::string_view reason) {
  if (!active_) return;
  active_ = false;
  ++generation_;
  queue_.clear();
  busy_ = false;
  unanswered_.clear();
  env_.CancelTimer(rebalance_timer_);
  rebalance_timer_ = kNoTimer;
  env_.Trace(
      "controller.resign",
      TraceFields().Add("broker", config_.broker_id).Add("epoch", epoch_).Add("reason", reason));
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
  const uint64_t generation = generation_;
  event([this, generation] {
    if (generation != generation_) return;  // deactivated meanwhile
    RunNext();
  });
}

// ---------------------------------------------------------------------------------------------
// Loading from ZooKeeper

void Controller::LoadBrokers(bool watch, std::function<void(Registrations)> then) {
  const uint64_t generation = generation_;
  zk_.GetChildren(zk_paths::kBrokerIds, watch, [this, generation, then](const ZkResult& result) {
    if (generation != generation_) return;
    auto registrations = std::make_shared<Registrations>();
    std::vector<BrokerId> ids;
    for (const std::string& child : result.children) {
      std::optional<std::vector<BrokerId>> id = zk_paths::DecodeBrokers(child);
      if (id && id->size() == 1) ids.push_back((*id)[0]);
    }
    auto finish = Countdown(ids.size(), [registrations, then] { then(*registrations); });
    for (BrokerId id : ids) {
      zk_.GetData(zk_paths::BrokerPath(id), false,
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

void Controller::LoadTopic(const std::string& topic, Done then) {
  const uint64_t generation = generation_;
  zk_.GetData(
      zk_paths::TopicPath(topic), true, [this, generation, topic, then](const ZkResult& result) {
        if (generation != generation_) return;
        std::optional<zk_paths::Assignment> assignment =
            result.ok() ? zk_paths::DecodeAssignment(result.data) : std::nullopt;
        if (!assignment) {
          then();
          return;
        }
        assignments_[topic] = *assignment;
        ongoing_[topic] = zk_paths::DecodeOngoingReassignments(result.data);
        zk_.GetData(zk_paths::TopicConfigPath(topic), false,
                    [this, generation, topic, assignment, then](const ZkResult& config) {
                      if (generation != generation_) return;
                      topic_configs_[topic] = ParseTopicZnodeConfig(topic, config);
                      auto finish = Countdown(assignment->size(), then);
                      for (const auto& [partition, replicas] : *assignment) {
                        const TopicPartition tp{topic, partition};
                        PartitionView& view = partitions_[tp];
                        view.replicas = replicas;
                        zk_.GetData(zk_paths::PartitionStatePath(tp), false,
                                    [this, generation, tp, finish](const ZkResult& state) {
                                      if (generation != generation_) return;
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
                                    });
                      }
                    });
      });
}

void Controller::LoadTopics(Done then) {
  const uint64_t generation = generation_;
  zk_.GetChildren(zk_paths::kBrokerTopics, true, [this, generation, then](const ZkResult& result) {
    if (generation != generation_) return;
    std::vector<std::string> topics;
    for (const std::string& topic : result.children) {
      if (assignments_.count(topic) == 0) topics.push_back(topic);
    }
    auto finish = Countdown(topics.size(), then);
    for (const std::string& topic : topics) LoadTopic(topic, finish);
  });
}

void Controller::OnFailover(Done done) {
  LoadBrokers(true, [this, done](Registrations registrations) {
    live_brokers_.clear();
    broker_epochs_.clear();
    for (const auto& [id, r] : registrations) {
      live_brokers_[id] = r.node;
      broker_epochs_[id] = r.epoch;
      last_broker_epochs_[id] = r.epoch;
    }
    env_.Trace("controller.brokers", TraceFields().AddRaw("live", [&] {
      std::vector<BrokerId> ids;
      for (const auto& [id, node] : live_brokers_) ids.push_back(id);
      return BrokersJson(ids);
    }()));
    LoadTopics([this, done] {
      // Tell every broker what it hosts (a new controller re-sends everything), then elect.
      std::vector<TopicPartition> all;
      for (const auto& [tp, view] : partitions_) {
        if (view.zk_version >= 0) all.push_back(tp);
      }
      SendUpdateMetadata();
      SendLeaderAndIsr(all);
      StateChanges changes = ChangesForNewOrOfflinePartitions();
      // Kafka's new controller also moves the replicas of dead brokers to OfflineReplica
      // (ReplicaStateMachine.startup), which removes them from the ISRs of partitions whose
      // leader lives. Without it, a broker that died with the old controller stays in those
      // ISRs until the leader's replica.lag.time.max.ms runs out, holding back acks=all.
      for (const auto& [tp, view] : partitions_) {
        if (view.zk_version < 0 || changes.count(tp) != 0 || !IsLive(view.state.leader)) continue;
        std::vector<BrokerId> isr;
        for (BrokerId b : view.state.isr) {
          if (IsLive(b)) isr.push_back(b);
        }
        if (isr.size() == view.state.isr.size()) continue;
        PartitionStateData next = view.state;
        next.isr = std::move(isr);
        next.leader_epoch = view.state.leader_epoch + 1;  // as OnBrokerChange does
        next.controller_epoch = epoch_;
        changes[tp] = WithElr(tp, view, next);
      }
      WriteStates(std::move(changes), [this, done] {
        // Admin work left by the previous controller.
        Enqueue("reassignment", [this](Done d) { OnReassignment(std::move(d)); });
        Enqueue("preferred election", [this](Done d) { OnPreferredElection(std::move(d)); });
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
    std::erase_if(unanswered_, [&](const auto& entry) { return dead.count(entry.second.broker); });
    for (BrokerId id : dead) {
      live_brokers_.erase(id);
      env_.Trace("controller.broker_failure", TraceFields().Add("broker", id));
    }
    StateChanges changes;
    for (const auto& [tp, view] : partitions_) {
      if (view.zk_version < 0) continue;
      const PartitionStateData& state = view.state;
      const bool leader_dead = dead.count(state.leader) != 0;
      const bool isr_has_dead = std::any_of(state.isr.begin(), state.isr.end(),
                                            [&](BrokerId b) { return dead.count(b) != 0; });
      if (!leader_dead && !isr_has_dead) continue;
      PartitionView shrunk = view;
      std::vector<BrokerId> isr;
      for (BrokerId b : state.isr) {
        if (dead.count(b) == 0) isr.push_back(b);
      }
      // Without ELR the ISR is never emptied: the last member stays, even dead, to remember who
      // had it all. With ELR it may empty: the dead go to the ELR, which remembers instead.
      if (isr.empty() && !ElrEnabled()) isr.push_back(state.isr.back());
      shrunk.state.isr = isr;
      shrunk.state = WithElr(tp, view, shrunk.state);
      if (leader_dead) {
        std::string how;
        std::optional<PartitionStateData> elected = ElectLeader(tp, shrunk, &how);
        PartitionStateData next = shrunk.state;
        next.leader_epoch = state.leader_epoch + 1;
        if (elected) {
          next = *elected;
        } else {
          next.leader = kNoBroker;
        }
        changes[tp] = next;
        TraceElection(tp, next, elected ? how : "no live in-sync replica: offline");
      } else {
        PartitionStateData next = shrunk.state;
        next.leader_epoch = state.leader_epoch + 1;  // ZooKeeper-era Kafka bumps it here too
        changes[tp] = next;
      }
    }
    const std::set<BrokerId> unclean = UncleanShutdowns(started, registrations);
    for (BrokerId id : started) {
      live_brokers_[id] = registrations[id].node;
      env_.Trace("controller.broker_startup", TraceFields().Add("broker", id));
    }
    broker_epochs_.clear();
    for (const auto& [id, r] : registrations) {
      broker_epochs_[id] = r.epoch;
      last_broker_epochs_[id] = r.epoch;
    }
    WriteStates(std::move(changes), [this, started, unclean, done] {
      SendUpdateMetadata();
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
  });
}

std::set<BrokerId> Controller::UncleanShutdowns(const std::set<BrokerId>& started,
                                                const Registrations& registrations) {
  std::set<BrokerId> unclean;
  if (!ElrEnabled()) return unclean;
  for (BrokerId id : started) {
    auto r = registrations.find(id);
    if (r == registrations.end()) continue;
    // As KIP-966's controller: the epoch the broker wrote to its clean-shutdown file must be the
    // one it last registered with. Without a file (-1) it crashed, was killed — or never ran
    // before, which changes nothing since it is in no ISR or ELR yet.
    auto known = last_broker_epochs_.find(id);
    const int64_t previous = r->second.previous_epoch;
    const bool is_unclean =
        previous < 0 || (known != last_broker_epochs_.end() && known->second != previous);
    if (!is_unclean) continue;
    unclean.insert(id);
    env_.Trace(
        "controller.unclean_shutdown",
        TraceFields()
            .Add("broker", id)
            .Add("previous_epoch", previous)
            .Add("known_epoch", known == last_broker_epochs_.end() ? int64_t{-1} : known->second));
  }
  return unclean;
}

Controller::StateChanges Controller::ChangesForUncleanShutdowns(
    const std::set<BrokerId>& brokers) const {
  StateChanges changes;
  if (brokers.empty()) return changes;
  for (const auto& [tp, view] : partitions_) {
    if (view.zk_version < 0) continue;
    const PartitionStateData& state = view.state;
    const bool in_elr = std::any_of(state.elr.begin(), state.elr.end(),
                                    [&](BrokerId b) { return brokers.count(b) != 0; });
    const bool in_isr = std::any_of(state.isr.begin(), state.isr.end(), [&](BrokerId b) {
      return brokers.count(b) != 0 && b != state.leader;
    });
    if (!in_elr && !in_isr) continue;
    PartitionStateData next = state;
    next.isr.clear();
    for (BrokerId b : state.isr) {
      if (brokers.count(b) == 0 || b == state.leader) next.isr.push_back(b);
    }
    next = WithElr(tp, view, next, brokers);
    // Kafka's KRaft controller changes only the partition epoch here; a ZooKeeper-era broker
    // learns a new partition epoch only with a new leader epoch, so it is bumped as for every
    // other change this controller makes.
    next.leader_epoch = state.leader_epoch + 1;
    changes[tp] = next;
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

TopicConfig Controller::TopicSettings(const std::string& topic) const {
  auto it = topic_configs_.find(topic);
  if (it == topic_configs_.end() || !it->second) return config_.topic_defaults;
  return it->second->ApplyTo(config_.topic_defaults);
}

bool Controller::UncleanAllowed(const std::string& topic) const {
  return TopicSettings(topic).unclean_leader_election_enable;
}

std::optional<PartitionStateData> Controller::ElectLeader(const TopicPartition& tp,
                                                          const PartitionView& view,
                                                          std::string* how) const {
  PartitionStateData next = view.state;
  next.leader_epoch = view.zk_version < 0 ? 0 : view.state.leader_epoch + 1;
  next.controller_epoch = epoch_;
  if (view.zk_version < 0) {
    // A new partition: the first live replica leads, every live replica is in sync.
    std::vector<BrokerId> live;
    for (BrokerId b : view.replicas) {
      if (IsLive(b)) live.push_back(b);
    }
    if (live.empty()) return std::nullopt;
    next.leader = live.front();
    next.isr = live;
    *how = "new partition";
    return next;
  }
  for (BrokerId b : view.replicas) {
    if (IsLive(b) && Contains(view.state.isr, b)) {
      next.leader = b;
      std::vector<BrokerId> isr;
      for (BrokerId member : view.state.isr) {
        if (IsLive(member)) isr.push_back(member);
      }
      next.isr = isr;
      next = WithElr(tp, view, next);
      *how = "clean: first live in-sync replica";
      return next;
    }
  }
  if (ElrEnabled()) {
    // KIP-966: no ISR member is alive; an eligible one holds everything up to the HW.
    PartitionStateData emptied = WithElr(tp, view, [&] {
      PartitionStateData s = next;
      s.isr.clear();
      return s;
    }());
    const BrokerId b =
        elr::FirstLiveEligible(view.replicas, emptied.elr, [&](BrokerId id) { return IsLive(id); });
    if (b != kNoBroker) {
      next.leader = b;
      next.isr = {b};
      next.elr.clear();
      for (BrokerId e : emptied.elr) {
        if (e != b) next.elr.push_back(e);
      }
      *how = "clean: no live in-sync replica, eligible leader replica elected (KIP-966)";
      return next;
    }
  }
  if (UncleanAllowed(tp.topic)) {
    for (BrokerId b : view.replicas) {
      if (IsLive(b)) {
        next.leader = b;
        next.isr = {b};
        next.elr.clear();  // an unclean election leaves no one else eligible
        *how = "UNCLEAN: no in-sync replica alive, out-of-sync replica elected";
        return next;
      }
    }
  }
  return std::nullopt;
}

int32_t Controller::MinInsyncReplicas(const std::string& topic) const {
  return TopicSettings(topic).min_insync_replicas;
}

PartitionStateData Controller::WithElr(const TopicPartition& tp, const PartitionView& view,
                                       PartitionStateData next,
                                       const std::set<BrokerId>& unclean_shutdown) const {
  if (!ElrEnabled()) return next;
  next.elr = elr::NextElr(view.state.isr, view.state.elr, next.isr, view.replicas,
                          MinInsyncReplicas(tp.topic), unclean_shutdown);
  return next;
}

Controller::StateChanges Controller::ChangesForNewOrOfflinePartitions() {
  StateChanges changes;
  for (const auto& [tp, view] : partitions_) {
    const bool is_new = view.zk_version < 0;
    const bool offline = !is_new && (view.state.leader == kNoBroker || !IsLive(view.state.leader));
    if (!is_new && !offline) continue;
    std::string how;
    std::optional<PartitionStateData> elected = ElectLeader(tp, view, &how);
    if (!elected) {
      // Nobody can lead. A dead leader still named in the state (a new controller finding the
      // old one's partitions) is replaced by "no leader", with the dead removed from the ISR but
      // never emptying it (unless ELR keeps them), as the broker-failure path does.
      if (!is_new && view.state.leader != kNoBroker) {
        PartitionStateData offline_state = view.state;
        offline_state.leader = kNoBroker;
        offline_state.leader_epoch = view.state.leader_epoch + 1;
        std::vector<BrokerId> isr;
        for (BrokerId b : view.state.isr) {
          if (IsLive(b)) isr.push_back(b);
        }
        if (isr.empty() && !view.state.isr.empty() && !ElrEnabled()) {
          isr.push_back(view.state.isr.back());
        }
        offline_state.isr = isr;
        offline_state = WithElr(tp, view, offline_state);
        TraceElection(tp, offline_state, "no live in-sync replica: offline");
        changes[tp] = offline_state;
      }
      continue;
    }
    TraceElection(tp, *elected, how);
    changes[tp] = *elected;
  }
  return changes;
}

void Controller::TraceElection(const TopicPartition& tp, const PartitionStateData& state,
                               std::string_view how) {
  env_.Trace("controller.election", TraceFields()
                                        .Add("tp", tp.Name())
                                        .Add("leader", state.leader)
                                        .Add("leader_epoch", state.leader_epoch)
                                        .AddRaw("isr", BrokersJson(state.isr))
                                        .Add("how", how)
                                        .Add("unclean", how.rfind("UNCLEAN", 0) == 0));
}

// ---------------------------------------------------------------------------------------------
// Writing state

void Controller::EnsurePath(const std::string& path, Done then) {
  zk_.Create(path, "", false, [then](const ZkResult&) { then(); });  // NODEEXISTS is fine
}

void Controller::FencedMulti(std::vector<ZkOp> ops, std::function<void(const ZkResult&)> then) {
  const uint64_t generation = generation_;
  ops.insert(ops.begin(), ZkOp::Check(zk_paths::kControllerEpoch, epoch_zk_version_));
  zk_.Multi(ops, [this, generation, then](const ZkResult& result) {
    if (generation != generation_) return;
    if (!result.ok() && !result.results.empty() &&
        result.results[0].error == ZkError::kBadVersion) {
      Deactivate("fenced: /controller_epoch moved on");
      return;
    }
    then(result);
  });
}

void Controller::WriteOneState(const TopicPartition& tp, const PartitionStateData& state,
                               std::function<void(bool, int32_t)> then) {
  const uint64_t generation = generation_;
  const PartitionView& view = partitions_[tp];
  const std::string data = zk_paths::EncodePartitionState(state);
  auto write = [this, generation, tp, data, then](bool create, int32_t version) {
    if (generation != generation_) return;
    std::vector<ZkOp> ops;
    if (create) {
      ops.push_back(ZkOp::Create(zk_paths::PartitionStatePath(tp), data, false));
    } else {
      ops.push_back(ZkOp::SetData(zk_paths::PartitionStatePath(tp), data, version));
    }
    FencedMulti(std::move(ops), [create, version, then](const ZkResult& result) {
      if (result.ok()) {
        then(true, create ? 0 : version + 1);
      } else {
        then(false, version);
      }
    });
  };
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
  if (changes.empty()) {
    then();
    return;
  }
  const uint64_t generation = generation_;
  auto written = std::make_shared<std::vector<TopicPartition>>();
  auto finish = Countdown(changes.size(), [this, generation, written, then, send_leader_and_isr] {
    if (generation != generation_) return;
    if (send_leader_and_isr) SendLeaderAndIsr(*written);
    SendUpdateMetadata();
    then();
  });
  for (const auto& [tp, state] : changes) {
    PartitionStateData with_epoch = state;
    with_epoch.controller_epoch = epoch_;
    CheckState(tp, with_epoch);
    WriteOneState(
        tp, with_epoch, [this, tp, with_epoch, written, finish](bool ok, int32_t version) {
          if (ok) {
            PartitionView& view = partitions_[tp];
            if (view.state.elr != with_epoch.elr) {
              env_.Trace("controller.elr", TraceFields()
                                               .Add("tp", tp.Name())
                                               .AddRaw("elr", BrokersJson(with_epoch.elr))
                                               .AddRaw("isr", BrokersJson(with_epoch.isr))
                                               .Add("leader", with_epoch.leader)
                                               .Add("leader_epoch", with_epoch.leader_epoch));
            }
            view.state = with_epoch;
            view.zk_version = version;
            written->push_back(tp);
            env_.Trace("controller.partition_state",
                       TraceFields()
                           .Add("tp", tp.Name())
                           .Add("leader", with_epoch.leader)
                           .Add("leader_epoch", with_epoch.leader_epoch)
                           .AddRaw("isr", BrokersJson(with_epoch.isr))
                           .AddRaw("replicas", BrokersJson(view.replicas))
                           .Add("partition_epoch", version));
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
  auto it = live_brokers_.find(broker);
  if (it == live_brokers_.end()) return;
  const Request copy = *request;
  unanswered_[request->correlation_id] =
      Unanswered{broker, [copy]() -> MessagePtr { return std::make_unique<Request>(copy); }};
  env_.Send(it->second, std::move(request));
}

void Controller::HandleConnectionReset(NodeId peer) {
  if (!active_) return;
  for (auto& [correlation_id, pending] : unanswered_) {
    auto it = live_brokers_.find(pending.broker);
    if (it == live_brokers_.end() || it->second != peer) continue;
    env_.Trace("controller.resend",
               TraceFields().Add("broker", pending.broker).Add("correlation_id", correlation_id));
    env_.Send(peer, pending.copy());
  }
}

void Controller::SendUpdateMetadata() {
  for (const auto& [broker, node] : live_brokers_) {
    auto request = std::make_unique<UpdateMetadataRequest>();
    request->correlation_id = next_correlation_id_++;
    request->controller_id = config_.broker_id;
    request->controller_epoch = epoch_;
    request->live_brokers = LiveEndpoints();
    for (const auto& [tp, view] : partitions_) {
      if (view.zk_version >= 0) request->partitions.push_back(WireState(tp));
    }
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

bool Controller::HandleMessage(NodeId from, MessagePtr& message) {
  // Brokers' answers carry nothing more the controller acts on (Kafka logs their errors); an
  // answer ends the retrying of its request.
  auto* response = dynamic_cast<KafkaResponse*>(message.get());
  if (response == nullptr || (dynamic_cast<LeaderAndIsrResponse*>(response) == nullptr &&
                              dynamic_cast<UpdateMetadataResponse*>(response) == nullptr &&
                              dynamic_cast<StopReplicaResponse*>(response) == nullptr)) {
    return false;
  }
  unanswered_.erase(response->correlation_id);
  return true;
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
    env_.Trace("controller.alter_partition", TraceFields()
                                                 .Add("tp", request.tp.Name())
                                                 .Add("from_broker", request.broker_id)
                                                 .AddRaw("proposed", BrokersJson(request.new_isr))
                                                 .Add("error", ErrorName(error)));
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
    const PartitionView& view = it->second;
    if (request.broker_id != view.state.leader) {
      respond(ErrorCode::kNotLeaderOrFollower);
    } else if (request.leader_epoch != view.state.leader_epoch) {
      respond(ErrorCode::kFencedLeaderEpoch);
    } else if (request.new_isr == view.state.isr) {
      respond(ErrorCode::kNone);  // already so (a retried request that succeeded)
    } else if (request.partition_epoch != view.zk_version) {
      respond(ErrorCode::kInvalidUpdateVersion);
    } else if (!Contains(request.new_isr, view.state.leader) ||
               std::any_of(request.new_isr.begin(), request.new_isr.end(), [&](BrokerId b) {
                 return !Contains(view.replicas, b) || (!Contains(view.state.isr, b) && !IsLive(b));
               })) {
      respond(ErrorCode::kIneligibleReplica);
    } else {
      PartitionStateData next = view.state;
      next.isr = request.new_isr;
      next = WithElr(request.tp, view, next);
      const uint64_t generation = generation_;
      WriteStates(
          {{request.tp, next}},
          [this, generation, respond, done] {
            if (generation != generation_) return;
            respond(ErrorCode::kNone);
            Enqueue("check reassignments", [this](Done d) { CheckReassignments(std::move(d)); });
            done();
          },
          /*send_leader_and_isr=*/false);
      return;
    }
    done();
  });
}

// ---------------------------------------------------------------------------------------------
// Preferred leaders, rebalancing, reassignment

void Controller::OnPreferredElection(Done done) {
  const uint64_t generation = generation_;
  zk_.GetData(zk_paths::kPreferredElection, true, [this, generation, done](const ZkResult& r) {
    if (generation != generation_) return;
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
    for (const TopicPartition& tp : wanted) {
      auto it = partitions_.find(tp);
      if (it == partitions_.end() || it->second.zk_version < 0) continue;
      const PartitionView& view = it->second;
      const BrokerId preferred = view.replicas.front();
      if (view.state.leader == preferred || !IsLive(preferred) ||
          !Contains(view.state.isr, preferred)) {
        continue;
      }
      PartitionStateData next = view.state;
      next.leader = preferred;
      next.leader_epoch = view.state.leader_epoch + 1;
      TraceElection(tp, next, "preferred replica");
      changes[tp] = next;
    }
    WriteStates(std::move(changes), [this, done] {
      zk_.Delete(zk_paths::kPreferredElection, -1, [](const ZkResult&) {});
      zk_.Exists(zk_paths::kPreferredElection, true, [](const ZkResult&) {});
      done();
    });
  });
}

void Controller::ScheduleAutoRebalance() {
  if (!config_.auto_leader_rebalance_enable) return;
  const uint64_t generation = generation_;
  rebalance_timer_ =
      env_.SetTimer(config_.leader_imbalance_check_interval_seconds * kSecond, [this, generation] {
        rebalance_timer_ = kNoTimer;
        if (generation != generation_) return;
        Enqueue("auto rebalance", [this](Done done) { AutoRebalance(std::move(done)); });
        ScheduleAutoRebalance();
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
  for (const auto& [broker, count] : counts) {
    const auto [not_leading, total] = count;
    if (!IsLive(broker) || total == 0 ||
        not_leading * 100 <= config_.leader_imbalance_per_broker_percentage * total) {
      continue;
    }
    for (const auto& [tp, view] : partitions_) {
      if (view.zk_version < 0 || view.replicas.front() != broker || view.state.leader == broker ||
          !Contains(view.state.isr, broker)) {
        continue;
      }
      PartitionStateData next = view.state;
      next.leader = broker;
      next.leader_epoch = view.state.leader_epoch + 1;
      TraceElection(tp, next, "preferred replica (auto rebalance)");
      changes[tp] = next;
    }
  }
  WriteStates(std::move(changes), done);
}

}  // namespace ks
