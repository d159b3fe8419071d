#include "sim/vocabulary/kafka_vocabulary.h"

#include <algorithm>
#include <set>

#include "model/admin/kafka_admin.h"
#include "model/admin/replica_assignment.h"
#include "model/broker/broker_events.h"
#include "model/check/checker_events.h"
#include "model/client/client_events.h"
#include "model/client/partitioner.h"
#include "model/client/workloads.h"
#include "model/controller/controller_events.h"
#include "model/coord/zk_events.h"
#include "model/coord/zk_server.h"
#include "model/log/log_events.h"
#include "sim/scenario/world_vocabulary.h"
#include "sim/vocabulary/kafka_checks.h"
#include "sim/vocabulary/kafka_clients.h"
#include "sim/vocabulary/kafka_cluster.h"

namespace ks {

namespace {

// The most partitions a cluster may hold, over all its topics: the runtime checks sweep every
// partition every checker interval, and each replica is a log on a simulated disk.
constexpr int64_t kMaxClusterPartitions = 10000;
// ZooKeeper's tickTime is an int of milliseconds, and sessions may last up to 20 ticks.
constexpr DurationUs kMaxZooKeeperTickUs = MillisecondsToUs(INT32_MAX / 20);

// Kafka's scenario words need the section that declares the cluster.
void RequireKafka(const Args& args, ParseScope& scope, std::string_view word) {
  scope.RequireSection(args.position(), "kafka", word);
}

// A broker config mapping (`broker_config`, an override's `config`) applied on `config`; a bad
// pair is an error at its position.
void ApplyBrokerConfig(Args& args, std::string_view key, BrokerConfig* config) {
  const ConfigPairs pairs = args.GetConfigPairs(key);
  size_t bad = 0;
  if (Status s = ParseBrokerConfig(pairs, config, &bad); !s.ok()) args.FailConfig(key, bad, s);
}

// A topic's `config` mapping, parsed and validated once into its overrides.
TopicConfigOverrides ParseTopicOverrides(Args& args, std::string_view key) {
  TopicConfigOverrides overrides;
  size_t bad = 0;
  if (Status s = TopicConfigOverrides::Parse(args.GetConfigPairs(key), &overrides, &bad); !s.ok()) {
    args.FailConfig(key, bad, s);
  }
  return overrides;
}

std::string TopicName(Args& args, std::string_view key) {
  const std::string name = args.GetString(key);
  if (KafkaError error = ValidateTopicName(name); !error.ok()) {
    args.FailAt(key, error.message() + " (" + std::string(ErrorName(error.code())) + ")");
  }
  return name;
}

// The broker ids of a YAML list (`[1, 2, 3]`), each a broker of the cluster.
std::vector<BrokerId> ParseBrokerIds(const std::string& file, const YAML::Node& list,
                                     int64_t broker_count) {
  if (!list.IsSequence()) {
    throw ScenarioError(PositionOf(file, list), "expected a list of broker ids, like [1, 2, 3]");
  }
  std::vector<BrokerId> ids;
  for (const YAML::Node& b : list) {
    const int64_t id = ParseInteger(file, b);
    if (id < 1 || id > broker_count) {
      throw ScenarioError(PositionOf(file, b), "no broker " + std::to_string(id) +
                                                   " (brokers are 1 to " +
                                                   std::to_string(broker_count) + ")");
    }
    ids.push_back(static_cast<BrokerId>(id));
  }
  return ids;
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
    history_->ObserveRun(world.trace());
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

// zookeeper: {name, tick, force_sync}
void ParseZooKeeper(Args& args, ParseScope& scope, KafkaSection* section) {
  SourcePosition where = args.PositionOfKey("brokers");
  if (auto zk = args.GetMap("zookeeper")) {
    section->zookeeper_name_ = zk->GetString("name", "zk");
    where = zk->PositionOfKey("name");
    const DurationUs tick = zk->GetDuration("tick", 2 * kSecond);
    if (tick < kMillisecond || tick % kMillisecond != 0 || tick > kMaxZooKeeperTickUs) {
      zk->FailAt("tick", "ZooKeeper's tickTime is a whole number of milliseconds from 1ms to " +
                             FormatDuration(kMaxZooKeeperTickUs) +
                             " (sessions last up to 20 ticks, in an int of ms); found " +
                             FormatDuration(tick));
    }
    section->zk_options_.tick_ms = static_cast<int32_t>(tick / kMillisecond);
    section->zk_options_.force_sync = zk->GetBool("force_sync", true);
    zk->Finish();
  }
  scope.AddNode(where, section->zookeeper_name_, "zookeeper");
}

// brokers, broker_config, broker_overrides, broker_disk: one BrokerSpec per broker.
void ParseBrokers(Args& args, ParseScope& scope, KafkaSection* section) {
  const int64_t broker_count = args.GetIntegerIn("brokers", 3, 1, 64);
  BrokerConfig shared;
  ApplyBrokerConfig(args, "broker_config", &shared);
  // Brokers' disks: world.disk, with broker_disk's keys on top.
  DiskOptions disk = scope.disk_defaults;
  if (auto disk_args = args.GetMap("broker_disk")) disk = ParseDiskOptions(*disk_args, disk);
  // Per-broker overrides: [{broker: 2, config: {flush.messages: 1}}].
  std::vector<BrokerConfig> configs(static_cast<size_t>(broker_count), shared);
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
      ApplyBrokerConfig(entry, "config", &configs[static_cast<size_t>(id - 1)]);
      entry.Finish();
    }
  }
  for (int32_t i = 1; i <= broker_count; ++i) {
    KafkaSection::BrokerSpec spec;
    spec.name = "b" + std::to_string(i);
    spec.id = i;
    spec.config = configs[static_cast<size_t>(i - 1)];
    spec.config.broker_id = i;
    spec.disk = disk;
    scope.AddNode(args.PositionOfKey("brokers"), spec.name, "broker");
    section->brokers_.push_back(std::move(spec));
  }
}

// One entry of `topics:`, created by the admin tool at t=0.
TopicSpec ParseTopic(Args& topic, const KafkaSection& section, int64_t* partitions_so_far) {
  const int64_t broker_count = static_cast<int64_t>(section.brokers_.size());
  TopicSpec spec;
  spec.name = TopicName(topic, "name");
  for (const TopicSpec& other : section.topics_) {
    if (other.name == spec.name) {
      topic.FailAt("name", "a topic named '" + spec.name + "' is declared already " +
                               "(TOPIC_ALREADY_EXISTS)");
    }
  }
  spec.partitions = static_cast<int32_t>(
      topic.GetIntegerIn("partitions", 1, 1, kMaxClusterPartitions - *partitions_so_far,
                         "kafkasim: a cluster holds at most " +
                             std::to_string(kMaxClusterPartitions) + " partitions"));
  *partitions_so_far += spec.partitions;
  spec.replication_factor = static_cast<int32_t>(topic.GetInteger("replication_factor", 1));
  spec.config = ParseTopicOverrides(topic, "config");
  // Kafka's assignment, also the check of the partition count and the replication factor.
  std::vector<BrokerId> ids;
  for (const KafkaSection::BrokerSpec& broker : section.brokers_) ids.push_back(broker.id);
  if (KafkaError error =
          AssignReplicas(spec.partitions, spec.replication_factor, ids, 0, {}, &spec.assignment);
      !error.ok()) {
    topic.FailAt(
        error.code() == ErrorCode::kInvalidPartitions ? "partitions" : "replication_factor",
        error.message() + " (" + std::string(ErrorName(error.code())) + ")");
  }
  if (topic.Has("assignment")) {
    spec.assignment.clear();
    const YAML::Node lists = topic.Raw("assignment");
    if (!lists.IsSequence() || static_cast<int32_t>(lists.size()) != spec.partitions) {
      topic.FailAt("assignment",
                   "'assignment' lists the replicas of each partition, one list per partition, "
                   "like [[1,2,3],[2,3,1]]");
    }
    int32_t p = 0;
    for (const YAML::Node& replicas : lists) {
      std::vector<BrokerId> list = ParseBrokerIds(topic.file(), replicas, broker_count);
      if (static_cast<int32_t>(list.size()) != spec.replication_factor) {
        throw ScenarioError(PositionOf(topic.file(), replicas),
                            "each partition needs replication_factor (" +
                                std::to_string(spec.replication_factor) + ") replicas");
      }
      spec.assignment[p++] = std::move(list);
      // Kafka's AdminZkClient refuses a broker named twice: it would count as several replicas.
      if (KafkaError error = ValidateAssignment(spec.assignment); !error.ok()) {
        throw ScenarioError(PositionOf(topic.file(), replicas),
                            error.message() + " (" + std::string(ErrorName(error.code())) + ")");
      }
    }
  } else {
    topic.Allow("assignment");
  }
  // Every broker's view of the topic: its overrides over that broker's defaults.
  for (const KafkaSection::BrokerSpec& broker : section.brokers_) {
    const int32_t min_isr = spec.config.ApplyTo(broker.config.topic_defaults).min_insync_replicas;
    if (min_isr > spec.replication_factor) {
      topic.Fail("min.insync.replicas " + std::to_string(min_isr) +
                 " is larger than the replication factor " +
                 std::to_string(spec.replication_factor) +
                 ": every acks=all produce would fail with NOT_ENOUGH_REPLICAS");
    }
  }
  topic.Finish();
  return spec;
}

std::unique_ptr<Section> ParseKafkaSection(Args& args, ParseScope& scope) {
  auto section = std::make_unique<KafkaSection>();
  const size_t first_id = scope.node_names.size();
  ParseZooKeeper(args, scope, section.get());
  ParseBrokers(args, scope, section.get());
  scope.AddNode(args.PositionOfKey("brokers"), "admin");
  std::vector<NodeId> bootstrap;
  for (size_t i = 0; i < section->brokers_.size(); ++i) {
    bootstrap.push_back(static_cast<NodeId>(first_id + 1 + i));
  }
  // Topics.
  const YAML::Node topics = args.Raw("topics");
  if (topics.IsDefined() && !topics.IsNull()) {
    if (!topics.IsSequence()) args.FailAt("topics", "expected a list of topics");
    int64_t partitions = 0;
    for (const YAML::Node& item : topics) {
      Args topic(args.file(), item, "topic");
      section->topics_.push_back(ParseTopic(topic, *section, &partitions));
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
      scope.AddNode(client.PositionOfKey("name"), client.GetString("name"));
      specs->push_back(parse(client, scope, bootstrap));
      client.Finish();
    }
  }
  if (auto checker = args.GetMap("checker")) {
    section->check_interval_us_ = checker->GetDuration("interval", 100 * kMillisecond);
    if (section->check_interval_us_ != 0 && section->check_interval_us_ < kMillisecond) {
      checker->FailAt("interval",
                      "the checker's interval is 0 (off) or at least 1ms (kafkasim: "
                      "each sweep reads every replica)");
    }
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

// The first broker (by broker.id) that is up and is not the controller.
class NotControllerSelector final : public NodeSelector {
 public:
  NodeId Resolve(ScenarioRun& run, std::string* error) const override {
    KafkaCluster& cluster = run.State<KafkaCluster>();
    const BrokerId controller = cluster.ControllerId(run.world());
    for (const auto& [id, node] : cluster.brokers) {
      if (id != controller && run.world().status(node) == NodeStatus::kUp) return node;
    }
    *error = "every live broker is the controller";
    return kNoNode;
  }
  std::string Describe() const override { return "a broker that is not the controller"; }
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
      [](Args& args, ParseScope& scope) -> std::unique_ptr<NodeSelector> {
        RequireKafka(args, scope, "leader_of");
        return std::make_unique<PartitionRoleSelector>(PartitionRoleSelector::Role::kLeader,
                                                       *ParsePartitionName(args, "leader_of"));
      });
  registry.AddSelector("follower_of",
                       {"The first replica of a partition (assignment order) that does not lead.",
                        "{follower_of: TOPIC-PARTITION}"},
                       [](Args& args, ParseScope& scope) -> std::unique_ptr<NodeSelector> {
                         RequireKafka(args, scope, "follower_of");
                         return std::make_unique<PartitionRoleSelector>(
                             PartitionRoleSelector::Role::kFollower,
                             *ParsePartitionName(args, "follower_of"));
                       });
  registry.AddSelector(
      "controller", {"The broker that is the controller when the step runs.", "{controller: any}"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<NodeSelector> {
        RequireKafka(args, scope, "controller");
        args.Allow("controller");
        return std::make_unique<ControllerSelector>();
      });
  registry.AddSelector(
      "not_controller",
      {"The first live broker (by broker.id) that is not the controller when the step runs.",
       "{not_controller: any}"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<NodeSelector> {
        RequireKafka(args, scope, "not_controller");
        args.Allow("not_controller");
        return std::make_unique<NotControllerSelector>();
      });
  registry.AddSelector(
      "broker", {"The broker with this broker.id.", "{broker: ID}"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<NodeSelector> {
        RequireKafka(args, scope, "broker");
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

int64_t ClusterPartitions(const KafkaCluster& cluster) {
  int64_t total = 0;
  for (const TopicSpec& spec : cluster.topics) total += spec.partitions;
  return total;
}

std::vector<BrokerId> BrokerIds(const KafkaCluster& cluster) {
  std::vector<BrokerId> ids;
  for (const auto& [id, node] : cluster.brokers) ids.push_back(id);
  return ids;
}

Status StepError(const KafkaError& error) {
  return Status::InvalidArgument(std::string(ErrorName(error.code())) + ": " + error.message());
}

// KafkaConsumer.seek / seekToBeginning / seekToEnd on a consumer workload's partition.
class SeekAction final : public Action {
 public:
  enum class To { kOffset, kBeginning, kEnd };
  SeekAction(std::shared_ptr<NodeSelector> consumer, TopicPartition tp, To to, int64_t offset)
      : consumer_(std::move(consumer)), tp_(std::move(tp)), to_(to), offset_(offset) {}
  Status Execute(ScenarioRun& run) override {
    std::string error;
    const NodeId node = consumer_->Resolve(run, &error);
    if (node == kNoNode) return Status::InvalidArgument(error);
    auto* workload = run.world().ProcessAs<ConsumerWorkload>(node);
    if (workload == nullptr) {
      return Status::InvalidArgument(run.world().NodeName(node) + " is not a running consumer");
    }
    KafkaConsumer& consumer = workload->consumer();
    const std::vector<TopicPartition>& assigned = consumer.assignment();
    if (std::find(assigned.begin(), assigned.end(), tp_) == assigned.end()) {
      // What Kafka's consumer throws (IllegalStateException).
      return Status::InvalidArgument("No current assignment for partition " + tp_.Name());
    }
    switch (to_) {
      case To::kOffset:
        consumer.Seek(tp_, offset_);
        break;
      case To::kBeginning:
        consumer.SeekToBeginning({tp_});
        break;
      case To::kEnd:
        consumer.SeekToEnd({tp_});
        break;
    }
    return Status::Ok();
  }

 private:
  std::shared_ptr<NodeSelector> consumer_;
  TopicPartition tp_;
  To to_;
  int64_t offset_;
};

void RegisterActions(ScenarioRegistry& registry) {
  registry.AddAction(
      "seek",
      {"KafkaConsumer.seek: a consumer's next fetch of the partition starts at `offset`, or at "
       "the log start or end (`to: beginning | end`, as seekToBeginning / seekToEnd).",
       "consumer: NODE, partition: TOPIC-PARTITION, offset: N | to: beginning|end"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        RequireKafka(args, scope, "seek");
        std::shared_ptr<NodeSelector> consumer = scope.ParseNode(args, "consumer");
        const TopicPartition tp = *ParsePartitionName(args, "partition");
        if (args.Has("offset") == args.Has("to")) {
          args.Fail("seek needs exactly one of 'offset' (a number) and 'to' (beginning or end)");
        }
        if (args.Has("offset")) {
          args.Allow("to");
          return std::make_unique<SeekAction>(consumer, tp, SeekAction::To::kOffset,
                                              args.GetIntegerIn("offset", 0, 0, INT64_MAX));
        }
        args.Allow("offset");
        const std::string to = args.GetChoice("to", {"beginning", "end"});
        return std::make_unique<SeekAction>(
            consumer, tp, to == "beginning" ? SeekAction::To::kBeginning : SeekAction::To::kEnd, 0);
      });
  registry.AddAction(
      "create_topic",
      {"kafka-topics --create: a topic with its partitions, replication factor and config.",
       "name: TOPIC, [partitions: N=1], [replication_factor: N=1], [config: {NAME: VALUE}]"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        RequireKafka(args, scope, "create_topic");
        TopicSpec spec;
        spec.name = TopicName(args, "name");
        spec.partitions = static_cast<int32_t>(
            args.GetIntegerIn("partitions", 1, 1, kMaxClusterPartitions,
                              "kafkasim: a cluster holds at most " +
                                  std::to_string(kMaxClusterPartitions) + " partitions"));
        spec.replication_factor =
            static_cast<int32_t>(args.GetIntegerIn("replication_factor", 1, 1, INT16_MAX));
        spec.config = ParseTopicOverrides(args, "config");
        return std::make_unique<KafkaAction>([spec](ScenarioRun&, KafkaCluster& cluster,
                                                    KafkaAdmin& admin) {
          for (const TopicSpec& other : cluster.topics) {
            if (other.name == spec.name) {
              return StepError(KafkaError(ErrorCode::kTopicAlreadyExists,
                                          "Topic '" + spec.name + "' already exists."));
            }
          }
          if (ClusterPartitions(cluster) + spec.partitions > kMaxClusterPartitions) {
            return Status::InvalidArgument("kafkasim: a cluster holds at most " +
                                           std::to_string(kMaxClusterPartitions) + " partitions");
          }
          TopicSpec created = spec;
          if (KafkaError error = AssignReplicas(spec.partitions, spec.replication_factor,
                                                BrokerIds(cluster), 0, {}, &created.assignment);
              !error.ok()) {
            return StepError(error);
          }
          cluster.topics.push_back(created);
          admin.CreateTopic(created.name, created.assignment, created.config);
          return Status::Ok();
        });
      });
  registry.AddAction(
      "add_partitions",
      {"kafka-topics --alter --partitions: grows a topic (online).",
       "topic: TOPIC, partitions: NEW_TOTAL"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        RequireKafka(args, scope, "add_partitions");
        const std::string topic = args.GetString("topic");
        const int32_t total = static_cast<int32_t>(
            args.GetIntegerIn("partitions", 1, 1, kMaxClusterPartitions,
                              "kafkasim: a cluster holds at most " +
                                  std::to_string(kMaxClusterPartitions) + " partitions"));
        return std::make_unique<KafkaAction>([topic, total](ScenarioRun&, KafkaCluster& cluster,
                                                            KafkaAdmin& admin) {
          for (TopicSpec& spec : cluster.topics) {
            if (spec.name != topic) continue;
            if (total <= spec.partitions) {
              return Status::InvalidArgument("INVALID_PARTITIONS: " + topic + " has " +
                                             std::to_string(spec.partitions) +
                                             " partitions already");
            }
            if (ClusterPartitions(cluster) + total - spec.partitions > kMaxClusterPartitions) {
              return Status::InvalidArgument("kafkasim: a cluster holds at most " +
                                             std::to_string(kMaxClusterPartitions) + " partitions");
            }
            zk_paths::Assignment grown;
            if (KafkaError error =
                    AssignReplicas(total - spec.partitions, spec.replication_factor,
                                   BrokerIds(cluster), spec.partitions, spec.assignment, &grown);
                !error.ok()) {
              return StepError(error);
            }
            spec.assignment = std::move(grown);
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
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        RequireKafka(args, scope, "reassign");
        const TopicPartition tp = *ParsePartitionName(args, "partition");
        std::vector<BrokerId> replicas;
        const YAML::Node list = args.Raw("replicas");
        if (!list.IsDefined() || list.IsNull()) args.Fail("reassign needs 'replicas'");
        if (!list.IsSequence())
          args.FailAt("replicas", "expected a list of broker ids, like [1, 2, 3]");
        for (const YAML::Node& id : list) {
          const int64_t value = ParseInteger(args.file(), id);
          if (value < 0 || value > INT32_MAX) {
            throw ScenarioError(PositionOf(args.file(), id),
                                "a broker id is an integer from 0 to 2147483647");
          }
          replicas.push_back(static_cast<BrokerId>(value));
        }
        // The controller's check (KafkaController.validateReplicas): one broker twice would count
        // as several in-sync replicas.
        if (KafkaError error = ValidateReassignmentReplicas(replicas); !error.ok()) {
          args.FailAt("replicas",
                      error.message() + " (" + std::string(ErrorName(error.code())) + ")");
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
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        RequireKafka(args, scope, "elect_preferred");
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

// violations(checker) [of partition]: how many violations a checker (or every checker) found.
// The run's end asks it which checker a scenario expects to fire.
class ViolationsProbe final : public Probe {
 public:
  ViolationsProbe(std::optional<Checker> checker, std::optional<TopicPartition> tp)
      : checker_(checker), tp_(std::move(tp)) {}
  ProbeValue Read(ScenarioRun& run) const override {
    const std::vector<Violation>& violations = run.State<KafkaCluster>().violations;
    return ProbeValue::Number(
        std::count_if(violations.begin(), violations.end(), [&](const Violation& v) {
          return (!checker_ || v.checker == *checker_) && (!tp_ || v.tp == *tp_);
        }));
  }
  std::string Describe() const override {
    return "violations(" + std::string(checker_ ? CheckerName(*checker_) : "all") + ")" +
           (tp_ ? " of " + tp_->Name() : "");
  }
  // The checker counted; nullopt: all of them.
  const std::optional<Checker>& checker() const { return checker_; }

 private:
  std::optional<Checker> checker_;
  std::optional<TopicPartition> tp_;
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
                    [name, read](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
                      RequireKafka(args, scope, name);
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
                      RequireKafka(args, scope, name);
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
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
        RequireKafka(args, scope, "replicas");
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
  AddReplicaProbe(registry, "leader_epochs",
                  "A replica's leader-epoch cache: its (epoch:start offset) entries, like "
                  "0:0,2:45 (the leader-epoch-checkpoint file; -1: no such replica up).",
                  [](Partition& p) {
                    std::string text;
                    for (const EpochEntry& e : p.log().leader_epoch_cache().entries()) {
                      if (!text.empty()) text += ",";
                      text += std::to_string(e.epoch) + ":" + std::to_string(e.start_offset);
                    }
                    return ProbeValue::Text(text);
                  });
  registry.AddProbe(
      "partition_of_key",
      {"The partition a keyed record of the topic goes to with the default partitioner "
       "(Kafka's murmur2, as a real client computes it).",
       "topic: NAME, key: TEXT"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
        RequireKafka(args, scope, "partition_of_key");
        const std::string topic = args.GetString("topic");
        const std::string key = args.GetString("key");
        return std::make_unique<KafkaProbe>(
            "partition_of_key(" + topic + ", " + key + ")",
            [topic, key](ScenarioRun&, KafkaCluster& cluster) {
              int32_t count = 0;
              for (const TopicPartition& tp : cluster.AllPartitions()) count += tp.topic == topic;
              return ProbeValue::Number(count == 0 ? -1 : PartitionForKey(key, count));
            });
      });
  AddReplicaProbe(
      registry, "replica_role", "leader, follower or none (-1: no such replica up).",
      [](Partition& p) { return ProbeValue::Text(std::string(ReplicaRoleName(p.role()))); });
  registry.AddProbe("controller",
                    {"The broker that is the controller (a broker name, or none).", ""},
                    [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
                      RequireKafka(args, scope, "controller");
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
                    [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
                      RequireKafka(args, scope, "controller_epoch");
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
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
        RequireKafka(args, scope, "logs_equal");
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
       "one_leader_per_epoch, hw_above_leo, isr_invalid, isr_logs_differ, offline_partition, "
       "under_replicated) or by all. Final checkers run when the run ends; expecting a violation "
       "is how a scenario demonstrates a historic bug.",
       "[checker: NAME=all], [partition: TOPIC-PARTITION]"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
        RequireKafka(args, scope, "violations");
        std::vector<std::string> choices = {"all"};
        for (Checker c : kAllCheckers) choices.emplace_back(CheckerName(c));
        const std::optional<Checker> checker =
            ParseCheckerName(args.GetChoice("checker", choices, "all"));
        return std::make_unique<ViolationsProbe>(checker,
                                                 ParsePartitionName(args, "partition", false));
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
  RunFinalChecks(run, cluster, history.get());
  if (history) run.world().trace().StopObserving(history.get());
  // A violation fails the run unless the scenario expects that checker's count.
  std::set<Checker> expected;
  bool all_expected = false;
  for (const Condition& condition : run.scenario().expectations) {
    const auto* probe = dynamic_cast<const ViolationsProbe*>(condition.probe.get());
    if (probe == nullptr) continue;
    if (probe->checker()) {
      expected.insert(*probe->checker());
    } else {
      all_expected = true;
    }
  }
  // By checker name, so failures are listed in a stable, readable order.
  std::map<std::string_view, std::vector<const Violation*>> found;
  for (const Violation& v : cluster.violations) found[CheckerName(v.checker)].push_back(&v);
  for (const auto& [name, violations] : found) {
    const Violation& first = *violations.front();
    if (all_expected || expected.count(first.checker)) continue;
    failures->push_back(
        "checker " + std::string(name) + " found " + std::to_string(violations.size()) +
        " violation(s); first: " + first.tp.Name() + " at t=" + std::to_string(first.time_us) +
        "us: " + first.detail + " (seed " + std::to_string(run.world().seed()) + ")");
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
  std::map<std::string_view, int> counts;
  for (const Violation& v : cluster.violations) counts[CheckerName(v.checker)]++;
  std::string text;
  for (const auto& [checker, count] : counts) {
    text += (text.empty() ? "" : ", ") + std::string(checker) + " " + std::to_string(count);
  }
  lines->push_back("checkers   " + (text.empty() ? std::string("no violations") : text));
  if (!cluster.loss_causes.empty()) {
    std::string causes;
    for (const std::string& cause : cluster.loss_causes) {
      causes += (causes.empty() ? "" : ", ") + cause;
    }
    lines->push_back("losses     after " + causes);
  }
  for (const auto& [tp, writes] : cluster.unavailable_writes) {
    lines->push_back("unavailable " + tp.Name() + ": " + std::to_string(writes) +
                     " acknowledged writes not served at the end (no leader), not counted as lost");
  }
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
  registry.events()
      .Add<ev::AdminRequest, ev::AdminDone, ev::AdminError, ev::CheckerViolation,
           ev::CheckerUnavailable>();
  registry.events()
      .Add<ev::LogOpen, ev::LogAppend, ev::LogIndexEntry, ev::LogRoll, ev::LogFlush,
           ev::LogRetentionDelete, ev::LogStartOffset, ev::LogTruncate, ev::LogRecovery,
           ev::LogClean, ev::LogClose, ev::LogOffline>();
  registry.events()
      .Add<ev::BrokerStarting, ev::BrokerRegistered, ev::BrokerRegisterFailed,
           ev::BrokerSessionExpired, ev::BrokerShutdown, ev::BrokerControlledShutdownAttempt,
           ev::BrokerControlledShutdownDone, ev::BrokerControllerEpochConflict, ev::BrokerProduce,
           ev::BrokerEpochQuery, ev::BrokerStaleController, ev::BrokerLogOffline,
           ev::BrokerPartitionDeleted, ev::BrokerNoLeaderEndpoint>();
  registry.events()
      .Add<ev::ReplicaRoleChange, ev::ReplicaLeo, ev::ReplicaHw, ev::ReplicaFollowerLeo,
           ev::ReplicaOutOfSync, ev::ReplicaIsrProposed, ev::ReplicaIsr, ev::ReplicaIsrRejected,
           ev::ReplicaIsrZkWrite, ev::ReplicaTruncate, ev::ReplicaStaleState, ev::ReplicaError,
           ev::FetcherError>();
  registry.events()
      .Add<ev::ControllerActive, ev::ControllerResign, ev::ControllerBrokers,
           ev::ControllerBrokerFailure, ev::ControllerBrokerStartup, ev::ControllerUncleanShutdown,
           ev::ControllerElection, ev::ControllerElr, ev::ControllerPartitionState,
           ev::ControllerResend, ev::ControllerZkRetry, ev::ControllerAlterPartition,
           ev::ControllerControlledShutdown, ev::ControllerIsrRefreshed,
           ev::ControllerReassignmentStarted, ev::ControllerReassignmentStep,
           ev::ControllerReassignmentCompleted>();
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
