#include "sim/vocabulary/kafka_vocabulary.h"

#include <algorithm>
#include <set>

#include "model/admin/kafka_admin.h"
#include "model/check/checker_events.h"
#include "model/client/client_events.h"
#include "model/coord/zk_events.h"
#include "model/coord/zk_server.h"
#include "sim/vocabulary/kafka_checks.h"
#include "sim/vocabulary/kafka_clients.h"
#include "sim/vocabulary/kafka_cluster.h"

namespace ks {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Reads a mapping of Kafka config names to values (`config: {min.insync.replicas: 2}`).
Pairs ParseConfigPairs(Args& args, std::string_view key) {
  Pairs pairs;
  const YAML::Node node = args.Raw(key);
  if (!node.IsDefined() || node.IsNull()) return pairs;
  if (!node.IsMap())
    args.FailAt(key, "'" + std::string(key) + "' is a mapping of config names to values");
  for (auto it = node.begin(); it != node.end(); ++it) {
    pairs.emplace_back(it->first.Scalar(), ParseString(args.file(), it->second));
  }
  return pairs;
}

// Validates config pairs with `validate`, reporting a failure at the offending key.
template <typename Validate>
void CheckConfig(Args& args, std::string_view key, const Pairs& pairs, Validate validate) {
  Status status = validate(pairs);
  if (status.ok()) return;
  const YAML::Node node = args.Raw(key);
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!validate(Pairs{{it->first.Scalar(), it->second.Scalar()}}).ok()) {
      throw ScenarioError(PositionOf(args.file(), it->first), status.message());
    }
  }
  args.FailAt(key, status.message());
}

Status ValidateTopicConfig(const Pairs& pairs) {
  std::vector<std::string> allowed = {"min.insync.replicas", "unclean.leader.election.enable"};
  for (std::string_view name : LogConfigNames()) allowed.emplace_back(name);
  for (const auto& [name, value] : pairs) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string closest;
      int best = 1 << 30;
      for (const std::string& candidate : allowed) {
        const int d = EditDistance(name, candidate);
        if (d < best) {
          best = d;
          closest = candidate;
        }
      }
      return Status::InvalidArgument("unknown topic config '" + name + "'" +
                                     (best <= 3 ? " (did you mean '" + closest + "'?)" : ""));
    }
  }
  BrokerConfig scratch;
  return ParseBrokerConfig(pairs, &scratch);
}

// Kafka's rack-unaware assignment (AdminUtils.assignReplicasToBrokers) with its random start
// index and shift fixed at 0, so every seed draws the same picture.
zk_paths::Assignment AssignReplicas(int32_t partitions, int32_t replication_factor,
                                    const std::vector<BrokerId>& brokers, int32_t first_partition,
                                    const zk_paths::Assignment& existing) {
  zk_paths::Assignment assignment = existing;
  const int32_t n = static_cast<int32_t>(brokers.size());
  int32_t shift = 0;
  for (int32_t p = 0; p < first_partition + partitions; ++p) {
    if (p > 0 && p % n == 0) ++shift;
    if (p < first_partition) continue;
    const int32_t first = p % n;
    std::vector<BrokerId> replicas = {brokers[first]};
    for (int32_t j = 0; j < replication_factor - 1; ++j) {
      const int32_t offset = 1 + (shift + j) % (n - 1);
      replicas.push_back(brokers[(first + offset) % n]);
    }
    assignment[p] = replicas;
  }
  return assignment;
}

std::optional<TopicPartition> ParsePartitionName(Args& args, std::string_view key,
                                                 bool required = true) {
  if (!args.Has(key)) {
    args.Allow(key);
    if (required) args.Fail("this needs '" + std::string(key) + "' (like orders-0)");
    return std::nullopt;
  }
  const std::string text = args.GetString(key);
  std::optional<TopicPartition> tp = zk_paths::ParseTopicPartition(text);
  if (!tp) args.FailAt(key, "expected a partition like orders-0, found '" + text + "'");
  return tp;
}

// Runs the runtime checks every `interval` of simulated time: each tick is one scheduler event
// that schedules the next. The ticker lives in the run's state, which the runner destroys after
// the last event has run and before the world (and the events still queued in it), so the events
// hold a plain pointer to it. (A tick that owned itself through a shared_ptr was never freed.)
class RuntimeCheckTicker {
 public:
  void Start(ScenarioRun& run, KafkaCluster& cluster, DurationUs interval) {
    run_ = &run;
    cluster_ = &cluster;
    interval_ = interval;
    ScheduleNext();
  }

 private:
  void Tick() {
    RunRuntimeChecks(*run_, *cluster_);
    ScheduleNext();
  }
  void ScheduleNext() {
    World& world = run_->world();
    world.scheduler().Schedule(world.Now() + interval_, [this] { Tick(); });
  }

  ScenarioRun* run_ = nullptr;
  KafkaCluster* cluster_ = nullptr;
  DurationUs interval_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The section

class KafkaSection final : public Section {
 public:
  struct BrokerSpec {
    std::string name;
    BrokerId id;
    BrokerConfig config;
    DiskOptions disk;
  };

  void Setup(ScenarioRun& run) override {
    World& world = run.world();
    KafkaCluster& cluster = run.State<KafkaCluster>();
    cluster.topics = topics_;
    for (const BrokerSpec& spec : brokers_) {
      if (spec.config.elr_enabled()) cluster.elr_enabled = true;
    }
    cluster.zookeeper = world.AddNode(
        zookeeper_name_, "zookeeper",
        [options = zk_options_](Env& env) { return std::make_unique<ZkServer>(env, options); });
    for (const BrokerSpec& spec : brokers_) {
      BrokerOptions options{spec.config, cluster.zookeeper};
      const NodeId node = world.AddNode(
          spec.name, "broker",
          [options](Env& env) { return std::make_unique<Broker>(env, options); }, spec.disk);
      cluster.brokers[spec.id] = node;
    }
    const NodeId zookeeper = cluster.zookeeper;
    cluster.admin = world.AddNode("admin", "admin", [zookeeper](Env& env) {
      return std::make_unique<KafkaAdmin>(env, zookeeper);
    });
    for (const ClientSpec& spec : producers_) {
      cluster.producers.push_back(world.AddNode(spec.name, "producer", spec.factory));
    }
    for (const ClientSpec& spec : consumers_) {
      cluster.consumers.push_back(world.AddNode(spec.name, "consumer", spec.factory));
    }
    world.Start(cluster.zookeeper);
    for (const auto& [id, node] : cluster.brokers) world.Start(node);
    world.Start(cluster.admin);
    // The topics are created with the admin tool as soon as its session is up (at t=0).
    world.scheduler().Schedule(world.Now(), [&world, &cluster] {
      auto* admin = world.ProcessAs<KafkaAdmin>(cluster.admin);
      for (const TopicSpec& topic : cluster.topics) {
        admin->CreateTopic(topic.name, topic.assignment, topic.config);
      }
    });
    auto start_clients = [&world](const std::vector<NodeId>& nodes,
                                  const std::vector<ClientSpec>& specs) {
      for (size_t i = 0; i < nodes.size(); ++i) {
        const NodeId node = nodes[i];
        world.scheduler().Schedule(world.Now() + specs[i].start_at_us, [&world, node] {
          if (world.status(node) == NodeStatus::kNotStarted) world.Start(node);
        });
      }
    };
    start_clients(cluster.producers, producers_);
    start_clients(cluster.consumers, consumers_);
    ScheduleChecks(run, cluster);
    // Every history op is collected for the final checks.
    history_ = std::make_shared<HistoryCollector>();
    run.State<std::shared_ptr<HistoryCollector>>() = history_;
    world.trace().AddSink(history_.get());
  }

  void ScheduleChecks(ScenarioRun& run, KafkaCluster& cluster) {
    if (check_interval_us_ <= 0) return;
    run.State<RuntimeCheckTicker>().Start(run, cluster, check_interval_us_);
  }

  std::string zookeeper_name_ = "zk";
  ZkServerOptions zk_options_;
  std::vector<BrokerSpec> brokers_;
  std::vector<TopicSpec> topics_;
  std::vector<ClientSpec> producers_;
  std::vector<ClientSpec> consumers_;
  DurationUs check_interval_us_ = 100 * kMillisecond;
  std::shared_ptr<HistoryCollector> history_;
};

std::unique_ptr<Section> ParseKafkaSection(Args& args, ParseScope& scope) {
  auto section = std::make_unique<KafkaSection>();
  // ZooKeeper.
  if (auto zk = args.GetMap("zookeeper")) {
    section->zookeeper_name_ = zk->GetString("name", "zk");
    section->zk_options_.tick_ms =
        static_cast<int32_t>(zk->GetDuration("tick", 2 * kSecond) / kMillisecond);
    section->zk_options_.force_sync = zk->GetBool("force_sync", true);
    zk->Finish();
  }
  const size_t first_id = scope.node_names.size();
  scope.node_names.push_back(section->zookeeper_name_);
  // Brokers: a count, with shared config.
  const int64_t broker_count = args.GetInteger("brokers", 3);
  if (broker_count < 1 || broker_count > 64) args.FailAt("brokers", "brokers: 1 to 64");
  const Pairs broker_config = ParseConfigPairs(args, "broker_config");
  CheckConfig(args, "broker_config", broker_config, [](const Pairs& pairs) {
    BrokerConfig scratch;
    return ParseBrokerConfig(pairs, &scratch);
  });
  DiskOptions disk;
  if (auto disk_args = args.GetMap("broker_disk")) {
    // Same keys as world.disk.
    disk.write_latency_us = disk_args->GetDuration("write_latency", disk.write_latency_us);
    disk.read_latency_us = disk_args->GetDuration("read_latency", disk.read_latency_us);
    disk.fsync_latency_us = disk_args->GetDuration("fsync_latency", disk.fsync_latency_us);
    disk.capacity_bytes = disk_args->GetSize("capacity", 0);
    const std::string torn =
        disk_args->GetChoice("torn_tail", {"none", "prefix", "garbage"}, "none");
    disk.torn_tail = torn == "prefix"    ? TornTail::kPrefix
                     : torn == "garbage" ? TornTail::kGarbage
                                         : TornTail::kNone;
    disk_args->Finish();
  }
  // Per-broker overrides: [{broker: 2, config: {flush.messages: 1}}].
  std::map<BrokerId, Pairs> overrides;
  const YAML::Node override_list = args.Raw("broker_overrides");
  if (override_list.IsDefined() && !override_list.IsNull()) {
    if (!override_list.IsSequence()) {
      args.FailAt("broker_overrides", "expected a list like [{broker: 2, config: {...}}]");
    }
    for (const YAML::Node& item : override_list) {
      Args entry(args.file(), item, "broker override");
      const int64_t id = entry.GetInteger("broker");
      if (id < 1 || id > broker_count) {
        entry.FailAt("broker", "no broker " + std::to_string(id) + " (brokers are 1 to " +
                                   std::to_string(broker_count) + ")");
      }
      Pairs pairs = ParseConfigPairs(entry, "config");
      CheckConfig(entry, "config", pairs, [](const Pairs& p) {
        BrokerConfig scratch;
        return ParseBrokerConfig(p, &scratch);
      });
      entry.Finish();
      overrides[static_cast<BrokerId>(id)] = std::move(pairs);
    }
  }
  std::vector<BrokerId> broker_ids;
  for (int32_t i = 1; i <= broker_count; ++i) {
    KafkaSection::BrokerSpec spec;
    spec.name = "b" + std::to_string(i);
    spec.id = i;
    ParseBrokerConfig(broker_config, &spec.config);
    ParseBrokerConfig(overrides[i], &spec.config);
    spec.config.broker_id = i;
    spec.disk = disk;
    section->brokers_.push_back(spec);
    broker_ids.push_back(i);
    scope.node_names.push_back(spec.name);
  }
  scope.node_names.push_back("admin");
  std::vector<NodeId> bootstrap;
  for (size_t i = 0; i < broker_ids.size(); ++i) {
    bootstrap.push_back(static_cast<NodeId>(first_id + 1 + i));
  }
  // Topics.
  const YAML::Node topics = args.Raw("topics");
  if (topics.IsDefined() && !topics.IsNull()) {
    if (!topics.IsSequence()) args.FailAt("topics", "expected a list of topics");
    for (const YAML::Node& item : topics) {
      Args topic(args.file(), item, "topic");
      TopicSpec spec;
      spec.name = topic.GetString("name");
      spec.partitions = static_cast<int32_t>(topic.GetInteger("partitions", 1));
      if (spec.partitions < 1) topic.FailAt("partitions", "a topic has at least one partition");
      spec.replication_factor = static_cast<int32_t>(topic.GetInteger("replication_factor", 1));
      if (spec.replication_factor < 1 || spec.replication_factor > broker_count) {
        topic.FailAt("replication_factor",
                     "replication factor " + std::to_string(spec.replication_factor) +
                         " needs that many brokers; the cluster has " +
                         std::to_string(broker_count) + " (INVALID_REPLICATION_FACTOR)");
      }
      spec.config = ParseConfigPairs(topic, "config");
      CheckConfig(topic, "config", spec.config, ValidateTopicConfig);
      BrokerConfig effective;
      ParseBrokerConfig(broker_config, &effective);
      ParseBrokerConfig(spec.config, &effective);
      if (effective.min_insync_replicas > spec.replication_factor) {
        topic.Fail("min.insync.replicas " + std::to_string(effective.min_insync_replicas) +
                   " is larger than the replication factor " +
                   std::to_string(spec.replication_factor) +
                   ": every acks=all produce would fail with NOT_ENOUGH_REPLICAS");
      }
      if (topic.Has("assignment")) {
        const YAML::Node explicit_assignment = topic.Raw("assignment");
        if (!explicit_assignment.IsSequence() ||
            static_cast<int32_t>(explicit_assignment.size()) != spec.partitions) {
          topic.FailAt("assignment",
                       "'assignment' lists the replicas of each partition, one "
                       "list per partition, like [[1,2,3],[2,3,1]]");
        }
        int32_t p = 0;
        for (const YAML::Node& replicas : explicit_assignment) {
          std::vector<BrokerId> list;
          for (const YAML::Node& b : replicas) {
            const int64_t id = ParseInteger(args.file(), b);
            if (id < 1 || id > broker_count) {
              throw ScenarioError(PositionOf(args.file(), b),
                                  "no broker " + std::to_string(id) + " (brokers are 1 to " +
                                      std::to_string(broker_count) + ")");
            }
            list.push_back(static_cast<BrokerId>(id));
          }
          if (static_cast<int32_t>(list.size()) != spec.replication_factor) {
            throw ScenarioError(PositionOf(args.file(), replicas),
                                "each partition needs replication_factor replicas");
          }
          spec.assignment[p++] = list;
        }
      } else {
        topic.Allow("assignment");
        spec.assignment =
            AssignReplicas(spec.partitions, spec.replication_factor, broker_ids, 0, {});
      }
      topic.Finish();
      section->topics_.push_back(std::move(spec));
    }
  }
  // Clients.
  for (auto [key, specs, parse] :
       {std::tuple{"producers", &section->producers_, &ParseProducerSpec},
        std::tuple{"consumers", &section->consumers_, &ParseConsumerSpec}}) {
    const YAML::Node list = args.Raw(key);
    if (!list.IsDefined() || list.IsNull()) continue;
    if (!list.IsSequence()) args.FailAt(key, std::string("expected a list of ") + key);
    for (const YAML::Node& item : list) {
      Args client(args.file(), item, std::string(key).substr(0, std::strlen(key) - 1));
      // Its name first, so clients may be named in the timeline.
      scope.node_names.push_back(client.GetString("name"));
      specs->push_back(parse(client, scope, bootstrap));
      client.Finish();
    }
  }
  if (auto checker = args.GetMap("checker")) {
    section->check_interval_us_ = checker->GetDuration("interval", 100 * kMillisecond);
    checker->Finish();
  }
  return section;
}

// ---------------------------------------------------------------------------------------------
// Selectors

class PartitionRoleSelector final : public NodeSelector {
 public:
  enum class Role { kLeader, kFollower };
  PartitionRoleSelector(Role role, TopicPartition tp) : role_(role), tp_(std::move(tp)) {}
  NodeId Resolve(ScenarioRun& run, std::string* error) const override {
    KafkaCluster& cluster = run.State<KafkaCluster>();
    std::optional<zk_paths::PartitionStateData> state = cluster.PartitionState(run.world(), tp_);
    if (!state) {
      *error = tp_.Name() + " has no state yet";
      return kNoNode;
    }
    if (role_ == Role::kLeader) {
      if (state->leader == kNoBroker) {
        *error = tp_.Name() + " has no leader";
        return kNoNode;
      }
      return cluster.brokers.at(state->leader);
    }
    std::optional<std::vector<BrokerId>> replicas = cluster.Replicas(run.world(), tp_);
    for (BrokerId b : replicas.value_or(std::vector<BrokerId>{})) {
      if (b != state->leader && cluster.brokers.count(b)) return cluster.brokers.at(b);
    }
    *error = tp_.Name() + " has no follower";
    return kNoNode;
  }
  std::string Describe() const override {
    return (role_ == Role::kLeader ? "the leader of " : "a follower of ") + tp_.Name();
  }

 private:
  Role role_;
  TopicPartition tp_;
};

class ControllerSelector final : public NodeSelector {
 public:
  NodeId Resolve(ScenarioRun& run, std::string* error) const override {
    KafkaCluster& cluster = run.State<KafkaCluster>();
    const BrokerId id = cluster.ControllerId(run.world());
    if (id == kNoBroker || cluster.brokers.count(id) == 0) {
      *error = "there is no controller";
      return kNoNode;
    }
    return cluster.brokers.at(id);
  }
  std::string Describe() const override { return "the controller"; }
};

class BrokerIdSelector final : public NodeSelector {
 public:
  explicit BrokerIdSelector(BrokerId id) : id_(id) {}
  NodeId Resolve(ScenarioRun& run, std::string* error) const override {
    KafkaCluster& cluster = run.State<KafkaCluster>();
    auto it = cluster.brokers.find(id_);
    if (it == cluster.brokers.end()) {
      *error = "no broker " + std::to_string(id_);
      return kNoNode;
    }
    return it->second;
  }
  std::string Describe() const override { return "broker " + std::to_string(id_); }

 private:
  BrokerId id_;
};

void RegisterSelectors(ScenarioRegistry& registry) {
  registry.AddSelector(
      "leader_of",
      {"The broker leading a partition when the step runs.", "{leader_of: TOPIC-PARTITION}"},
      [](Args& args, ParseScope&) -> std::unique_ptr<NodeSelector> {
        return std::make_unique<PartitionRoleSelector>(PartitionRoleSelector::Role::kLeader,
                                                       *ParsePartitionName(args, "leader_of"));
      });
  registry.AddSelector("follower_of",
                       {"The first replica of a partition (assignment order) that does not lead.",
                        "{follower_of: TOPIC-PARTITION}"},
                       [](Args& args, ParseScope&) -> std::unique_ptr<NodeSelector> {
                         return std::make_unique<PartitionRoleSelector>(
                             PartitionRoleSelector::Role::kFollower,
                             *ParsePartitionName(args, "follower_of"));
                       });
  registry.AddSelector(
      "controller", {"The broker that is the controller when the step runs.", "{controller: any}"},
      [](Args& args, ParseScope&) -> std::unique_ptr<NodeSelector> {
        args.Allow("controller");
        return std::make_unique<ControllerSelector>();
      });
  registry.AddSelector(
      "broker", {"The broker with this broker.id.", "{broker: ID}"},
      [](Args& args, ParseScope&) -> std::unique_ptr<NodeSelector> {
        return std::make_unique<BrokerIdSelector>(static_cast<BrokerId>(args.GetInteger("broker")));
      });
}

// ---------------------------------------------------------------------------------------------
// Actions

class KafkaAction final : public Action {
 public:
  explicit KafkaAction(std::function<Status(ScenarioRun&, KafkaCluster&, KafkaAdmin&)> body)
      : body_(std::move(body)) {}
  Status Execute(ScenarioRun& run) override {
    KafkaCluster& cluster = run.State<KafkaCluster>();
    auto* admin = cluster.declared() ? run.world().ProcessAs<KafkaAdmin>(cluster.admin) : nullptr;
    if (admin == nullptr) return Status::InvalidArgument("no kafka cluster (or its admin) is up");
    return body_(run, cluster, *admin);
  }

 private:
  std::function<Status(ScenarioRun&, KafkaCluster&, KafkaAdmin&)> body_;
};

void RegisterActions(ScenarioRegistry& registry) {
  registry.AddAction(
      "create_topic",
      {"kafka-topics --create: a topic with its partitions, replication factor and config.",
       "name: TOPIC, [partitions: N=1], [replication_factor: N=1], [config: {NAME: VALUE}]"},
      [](Args& args, ParseScope&) -> std::unique_ptr<Action> {
        TopicSpec spec;
        spec.name = args.GetString("name");
        spec.partitions = static_cast<int32_t>(args.GetInteger("partitions", 1));
        spec.replication_factor = static_cast<int32_t>(args.GetInteger("replication_factor", 1));
        spec.config = ParseConfigPairs(args, "config");
        CheckConfig(args, "config", spec.config, ValidateTopicConfig);
        return std::make_unique<KafkaAction>([spec](ScenarioRun&, KafkaCluster& cluster,
                                                    KafkaAdmin& admin) {
          std::vector<BrokerId> ids;
          for (const auto& [id, node] : cluster.brokers) ids.push_back(id);
          if (spec.replication_factor > static_cast<int32_t>(ids.size())) {
            return Status::InvalidArgument(
                "INVALID_REPLICATION_FACTOR: " + std::to_string(spec.replication_factor) + " > " +
                std::to_string(ids.size()) + " brokers");
          }
          TopicSpec created = spec;
          created.assignment = AssignReplicas(spec.partitions, spec.replication_factor, ids, 0, {});
          cluster.topics.push_back(created);
          admin.CreateTopic(created.name, created.assignment, created.config);
          return Status::Ok();
        });
      });
  registry.AddAction(
      "add_partitions",
      {"kafka-topics --alter --partitions: grows a topic (online).",
       "topic: TOPIC, partitions: NEW_TOTAL"},
      [](Args& args, ParseScope&) -> std::unique_ptr<Action> {
        const std::string topic = args.GetString("topic");
        const int32_t total = static_cast<int32_t>(args.GetInteger("partitions"));
        return std::make_unique<KafkaAction>(
            [topic, total](ScenarioRun&, KafkaCluster& cluster, KafkaAdmin& admin) {
              for (TopicSpec& spec : cluster.topics) {
                if (spec.name != topic) continue;
                if (total <= spec.partitions) {
                  return Status::InvalidArgument("INVALID_PARTITIONS: " + topic + " has " +
                                                 std::to_string(spec.partitions) +
                                                 " partitions already");
                }
                std::vector<BrokerId> ids;
                for (const auto& [id, node] : cluster.brokers) ids.push_back(id);
                spec.assignment = AssignReplicas(total - spec.partitions, spec.replication_factor,
                                                 ids, spec.partitions, spec.assignment);
                spec.partitions = total;
                admin.SetAssignment(topic, spec.assignment);
                return Status::Ok();
              }
              return Status::InvalidArgument("UNKNOWN_TOPIC_OR_PARTITION: " + topic);
            });
      });
  registry.AddAction(
      "reassign",
      {"kafka-reassign-partitions --execute: moves a partition to new replicas in the "
       "controller's steps A1-A4 (old + new replicas, new ones catch up and join the ISR) and "
       "B1-B8 (leadership moves, old ones are dropped, the assignment becomes the target).",
       "partition: TOPIC-PARTITION, replicas: [ID, ...]"},
      [](Args& args, ParseScope&) -> std::unique_ptr<Action> {
        const TopicPartition tp = *ParsePartitionName(args, "partition");
        std::vector<BrokerId> replicas;
        for (const std::string& id : args.GetStringList("replicas")) {
          replicas.push_back(std::atoi(id.c_str()));
        }
        return std::make_unique<KafkaAction>(
            [tp, replicas](ScenarioRun&, KafkaCluster& cluster, KafkaAdmin& admin) {
              for (BrokerId b : replicas) {
                if (cluster.brokers.count(b) == 0) {
                  return Status::InvalidArgument("no broker " + std::to_string(b));
                }
              }
              for (TopicSpec& spec : cluster.topics) {
                if (spec.name == tp.topic && spec.assignment.count(tp.partition)) {
                  spec.assignment[tp.partition] = replicas;
                }
              }
              admin.Reassign({{tp, replicas}});
              return Status::Ok();
            });
      });
  registry.AddAction(
      "elect_preferred",
      {"kafka-preferred-replica-election: leadership back to each partition's first replica.",
       "[partition: TOPIC-PARTITION] (default: every partition)"},
      [](Args& args, ParseScope&) -> std::unique_ptr<Action> {
        std::optional<TopicPartition> tp = ParsePartitionName(args, "partition", false);
        return std::make_unique<KafkaAction>([tp](ScenarioRun&, KafkaCluster&, KafkaAdmin& admin) {
          admin.ElectPreferred(tp ? std::vector<TopicPartition>{*tp}
                                  : std::vector<TopicPartition>{});
          return Status::Ok();
        });
      });
}

// ---------------------------------------------------------------------------------------------
// Probes

class KafkaProbe final : public Probe {
 public:
  KafkaProbe(std::string description, std::function<ProbeValue(ScenarioRun&, KafkaCluster&)> read)
      : description_(std::move(description)), read_(std::move(read)) {}
  ProbeValue Read(ScenarioRun& run) const override { return read_(run, run.State<KafkaCluster>()); }
  std::string Describe() const override { return description_; }

 private:
  std::string description_;
  std::function<ProbeValue(ScenarioRun&, KafkaCluster&)> read_;
};

std::string BrokerName(KafkaCluster& cluster, World& world, BrokerId id) {
  auto it = cluster.brokers.find(id);
  return it == cluster.brokers.end() ? "none" : world.NodeName(it->second);
}

void AddPartitionProbe(ScenarioRegistry& registry, const char* name, const char* summary,
                       std::function<ProbeValue(World&, KafkaCluster&,
                                                const std::optional<zk_paths::PartitionStateData>&)>
                           read) {
  registry.AddProbe(name, {summary, "partition: TOPIC-PARTITION"},
                    [name, read](Args& args, ParseScope&) -> std::unique_ptr<Probe> {
                      const TopicPartition tp = *ParsePartitionName(args, "partition");
                      return std::make_unique<KafkaProbe>(
                          std::string(name) + "(" + tp.Name() + ")",
                          [tp, read](ScenarioRun& run, KafkaCluster& cluster) {
                            return read(run.world(), cluster,
                                        cluster.PartitionState(run.world(), tp));
                          });
                    });
}

void AddReplicaProbe(ScenarioRegistry& registry, const char* name, const char* summary,
                     std::function<ProbeValue(Partition&)> read) {
  registry.AddProbe(name, {summary, "broker: NODE, partition: TOPIC-PARTITION"},
                    [name, read](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
                      std::shared_ptr<NodeSelector> broker = scope.ParseNode(args, "broker");
                      const TopicPartition tp = *ParsePartitionName(args, "partition");
                      return std::make_unique<KafkaProbe>(
                          std::string(name) + "(" + broker->Describe() + ", " + tp.Name() + ")",
                          [broker, tp, read](ScenarioRun& run, KafkaCluster&) {
                            std::string error;
                            const NodeId node = broker->Resolve(run, &error);
                            auto* process =
                                node == kNoNode ? nullptr : run.world().ProcessAs<Broker>(node);
                            Partition* partition =
                                process ? process->replica_manager().GetPartition(tp) : nullptr;
                            if (partition == nullptr) return ProbeValue::Number(-1);
                            return read(*partition);
                          });
                    });
}

void RegisterProbes(ScenarioRegistry& registry) {
  AddPartitionProbe(
      registry, "leader", "The partition's leader as committed (a broker name, or none).",
      [](World& world, KafkaCluster& cluster, const auto& state) {
        return ProbeValue::Text(state ? BrokerName(cluster, world, state->leader) : "none");
      });
  AddPartitionProbe(registry, "leader_epoch",
                    "The partition's leader epoch as committed (-1: none).",
                    [](World&, KafkaCluster&, const auto& state) {
                      return ProbeValue::Number(state ? state->leader_epoch : -1);
                    });
  AddPartitionProbe(registry, "isr", "The committed ISR as broker ids, like 1,2,3.",
                    [](World&, KafkaCluster&, const auto& state) {
                      return ProbeValue::Text(state ? zk_paths::EncodeBrokers(state->isr) : "");
                    });
  AddPartitionProbe(
      registry, "isr_size", "How many replicas the committed ISR holds.",
      [](World&, KafkaCluster&, const auto& state) {
        return ProbeValue::Number(state ? static_cast<int64_t>(state->isr.size()) : 0);
      });
  AddPartitionProbe(registry, "elr",
                    "The committed Eligible Leader Replicas (KIP-966) as broker ids, like 3,4 "
                    "(empty: none, or eligible.leader.replicas.version 0).",
                    [](World&, KafkaCluster&, const auto& state) {
                      return ProbeValue::Text(state ? zk_paths::EncodeBrokers(state->elr) : "");
                    });
  registry.AddProbe(
      "replicas",
      {"The partition's replicas as ZooKeeper's topic znode assigns them, like 4,3,2 (during a "
       "reassignment: the target's and the original's, RS = ORS + TRS).",
       "partition: TOPIC-PARTITION"},
      [](Args& args, ParseScope&) -> std::unique_ptr<Probe> {
        const TopicPartition tp = *ParsePartitionName(args, "partition");
        return std::make_unique<KafkaProbe>(
            "replicas(" + tp.Name() + ")", [tp](ScenarioRun& run, KafkaCluster& cluster) {
              std::optional<std::vector<BrokerId>> replicas = cluster.Replicas(run.world(), tp);
              return ProbeValue::Text(replicas ? zk_paths::EncodeBrokers(*replicas) : "");
            });
      });
  AddReplicaProbe(registry, "hw", "A replica's high watermark (-1: no such replica up).",
                  [](Partition& p) { return ProbeValue::Number(p.high_watermark()); });
  AddReplicaProbe(registry, "leo", "A replica's log end offset (-1: no such replica up).",
                  [](Partition& p) { return ProbeValue::Number(p.log_end_offset()); });
  AddReplicaProbe(
      registry, "replica_role", "leader, follower or none (-1: no such replica up).",
      [](Partition& p) { return ProbeValue::Text(std::string(ReplicaRoleName(p.role()))); });
  registry.AddProbe("controller",
                    {"The broker that is the controller (a broker name, or none).", ""},
                    [](Args&, ParseScope&) -> std::unique_ptr<Probe> {
                      return std::make_unique<KafkaProbe>(
                          "controller", [](ScenarioRun& run, KafkaCluster& cluster) {
                            return ProbeValue::Text(BrokerName(cluster, run.world(),
                                                               cluster.ControllerId(run.world())));
                          });
                    });
  registry.AddProbe("controller_epoch",
                    {"The controller epoch: /controller_epoch in ZooKeeper, one more with every "
                     "controller election (-1: none yet).",
                     ""},
                    [](Args&, ParseScope&) -> std::unique_ptr<Probe> {
                      return std::make_unique<KafkaProbe>(
                          "controller_epoch", [](ScenarioRun& run, KafkaCluster& cluster) {
                            return ProbeValue::Number(cluster.ControllerEpoch(run.world()));
                          });
                    });
  registry.AddProbe(
      "logs_equal",
      {"true if every live replica of the partition holds the same records up to its LEO and all "
       "LEOs are equal.",
       "partition: TOPIC-PARTITION"},
      [](Args& args, ParseScope&) -> std::unique_ptr<Probe> {
        const TopicPartition tp = *ParsePartitionName(args, "partition");
        return std::make_unique<KafkaProbe>(
            "logs_equal(" + tp.Name() + ")", [tp](ScenarioRun& run, KafkaCluster& cluster) {
              std::optional<std::vector<LogRecordView>> first;
              std::optional<int64_t> first_leo;
              for (const auto& [id, node] : cluster.brokers) {
                Broker* broker = run.world().ProcessAs<Broker>(node);
                Partition* p = broker ? broker->replica_manager().GetPartition(tp) : nullptr;
                if (p == nullptr) continue;
                std::vector<LogRecordView> records;
                ReadRecords(p->log(), p->log_start_offset(), p->log_end_offset(), &records);
                if (!first) {
                  first = std::move(records);
                  first_leo = p->log_end_offset();
                } else if (records != *first || p->log_end_offset() != *first_leo) {
                  return ProbeValue::Text("false");
                }
              }
              return ProbeValue::Text("true");
            });
      });
  registry.AddProbe(
      "violations",
      {"Violations found by a checker (lost_writes, duplicates, order, divergence, unreadable_log, "
       "one_leader_per_epoch, hw_above_leo, isr_invalid, isr_logs_differ) or by all. Final "
       "checkers run when the run ends; expecting a violation is how a scenario demonstrates a "
       "historic bug.",
       "[checker: NAME=all], [partition: TOPIC-PARTITION]"},
      [](Args& args, ParseScope&) -> std::unique_ptr<Probe> {
        const std::string checker = args.GetChoice(
            "checker",
            {"all", "lost_writes", "duplicates", "order", "divergence", "unreadable_log",
             "one_leader_per_epoch", "hw_above_leo", "isr_invalid", "isr_logs_differ"},
            "all");
        std::optional<TopicPartition> tp = ParsePartitionName(args, "partition", false);
        const std::string name = tp ? tp->Name() : "";
        return std::make_unique<KafkaProbe>(
            "violations(" + checker + ")" + (tp ? " of " + name : ""),
            [checker, name](ScenarioRun&, KafkaCluster& cluster) {
              return ProbeValue::Number(std::count_if(
                  cluster.violations.begin(), cluster.violations.end(), [&](const Violation& v) {
                    return (checker == "all" || v.checker == checker) &&
                           (name.empty() || v.tp == name);
                  }));
            });
      });
  RegisterClientProbes(registry);
}

// ---------------------------------------------------------------------------------------------
// End of run: final checks, failures for unexpected violations, the summary.

void FinishRun(ScenarioRun& run, std::vector<std::string>* failures) {
  KafkaCluster& cluster = run.State<KafkaCluster>();
  if (!cluster.declared()) return;
  auto& history = run.State<std::shared_ptr<HistoryCollector>>();
  RunRuntimeChecks(run, cluster);
  RunFinalChecks(run, cluster, history ? history->ops : std::vector<HistoryOp>{});
  if (history) run.world().trace().RemoveSink(history.get());
  // A violation fails the run unless the scenario expects that checker's count.
  std::set<std::string> expected;
  for (const Condition& condition : run.scenario().expectations) {
    const std::string text = condition.probe->Describe();
    if (text.rfind("violations(", 0) == 0) {
      expected.insert(text.substr(11, text.find(')') - 11));
    }
  }
  std::map<std::string, int> counts;
  for (const Violation& v : cluster.violations) counts[v.checker]++;
  for (const auto& [checker, count] : counts) {
    if (expected.count(checker) || expected.count("all")) continue;
    const Violation* first = nullptr;
    for (const Violation& v : cluster.violations) {
      if (v.checker == checker) {
        first = &v;
        break;
      }
    }
    failures->push_back("checker " + checker + " found " + std::to_string(count) +
                        " violation(s); first: " + first->tp +
                        " at t=" + std::to_string(first->time_us) + "us: " + first->detail +
                        " (seed " + std::to_string(run.world().seed()) + ")");
  }
}

void Summarize(ScenarioRun& run, std::vector<std::string>* lines) {
  KafkaCluster& cluster = run.State<KafkaCluster>();
  if (!cluster.declared()) return;
  World& world = run.world();
  for (const TopicPartition& tp : cluster.AllPartitions()) {
    std::optional<zk_paths::PartitionStateData> state = cluster.PartitionState(world, tp);
    std::string line = "partition  " + tp.Name() + ": ";
    if (!state) {
      lines->push_back(line + "no state");
      continue;
    }
    line += "leader " + BrokerName(cluster, world, state->leader) + " epoch " +
            std::to_string(state->leader_epoch) + " isr [" + zk_paths::EncodeBrokers(state->isr) +
            "]";
    for (const auto& [id, node] : cluster.brokers) {
      Broker* broker = world.ProcessAs<Broker>(node);
      Partition* p = broker ? broker->replica_manager().GetPartition(tp) : nullptr;
      if (p == nullptr) continue;
      line += "; " + world.NodeName(node) + " hw " + std::to_string(p->high_watermark()) + " leo " +
              std::to_string(p->log_end_offset());
    }
    lines->push_back(line);
  }
  if (auto& counts = run.State<std::shared_ptr<HistoryCollector>>()) {
    lines->push_back("cluster    " + std::to_string(counts->elections) + " leader elections (" +
                     std::to_string(counts->unclean_elections) + " unclean), " +
                     std::to_string(counts->isr_changes) + " ISR changes, controller " +
                     BrokerName(cluster, world, cluster.ControllerId(world)));
  }
  AddClientSummary(run, cluster.producers, cluster.consumers, lines);
  std::map<std::string, int> counts;
  for (const Violation& v : cluster.violations) counts[v.checker]++;
  std::string text;
  for (const auto& [checker, count] : counts) {
    text += (text.empty() ? "" : ", ") + checker + " " + std::to_string(count);
  }
  lines->push_back("checkers   " + (text.empty() ? std::string("no violations") : text));
}

}  // namespace

void RegisterKafkaVocabulary(ScenarioRegistry& registry) {
  registry.events()
      .Add<ev::ZkRecovered, ev::ZkHalted, ev::ZkSessionCreated, ev::ZkSessionReconnected,
           ev::ZkSessionExpired, ev::ZkSessionClosed, ev::ZkCreate, ev::ZkDelete, ev::ZkSetData,
           ev::ZkWatchFired, ev::ZkClientState, ev::ZkClientTimeout>();
  registry.events()
      .Add<ev::HistoryOp, ev::ProducerMetadata, ev::ConsumerMetadata, ev::ProducerRequestSent,
           ev::ProducerResponse, ev::ProducerRequestTimeout, ev::ProducerRetry,
           ev::ProducerBatchFailed, ev::ConsumerFetch, ev::ConsumerReset, ev::ConsumerError>();
  registry.events().Add<ev::AdminRequest, ev::AdminDone, ev::AdminError, ev::CheckerViolation>();
  registry.AddSection(
      "kafka",
      {"A Kafka cluster (ZooKeeper mode): a ZooKeeper node (zk), brokers b1..bN, an admin tool, "
       "topics, producers, consumers, and the checkers.",
       "[zookeeper: {name, tick, force_sync}], brokers: N, [broker_config: {NAME: VALUE}], "
       "[broker_overrides: [{broker: ID, config: {...}}]], [broker_disk: {...}], "
       "[topics: [...]], [producers: [...]], [consumers: [...]], [checker: {interval}]"},
      ParseKafkaSection);
  RegisterSelectors(registry);
  RegisterActions(registry);
  RegisterProbes(registry);
  registry.AddFinishHook(FinishRun);
  registry.AddSummary(Summarize);
}

}  // namespace ks
