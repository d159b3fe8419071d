#include "sim/vocabulary/kafka_clients.h"

#include <algorithm>

#include "model/client/workloads.h"
#include "sim/scenario/runner.h"

namespace ks {

namespace {

// The largest value a producer workload sends: each value is kept in the run's history (and
// traced), in memory. Large enough to go past max.request.size (1 MiB by default), which fails
// the send with MESSAGE_TOO_LARGE (Kafka's RecordTooLargeException), as in Kafka.
constexpr int64_t kMaxValueBytes = 16 * 1024 * 1024;
// The most bytes of values one workload sends: count * value_bytes.
constexpr int64_t kMaxWorkloadBytes = int64_t{1} << 30;

// A client's `config` mapping, parsed one pair at a time so that an error points at it.
template <typename Config, typename Set, typename Validate>
Config ParseClientConfig(Args& args, Set set, Validate validate) {
  Config config;
  const ConfigPairs pairs = args.GetConfigPairs("config");
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (Status s = set(pairs[i].first, pairs[i].second, &config); !s.ok()) {
      args.FailConfig("config", i, s);
    }
  }
  if (Status s = validate(config); !s.ok()) args.FailAt("config", s.message());
  return config;
}

}  // namespace

ClientSpec ParseProducerSpec(Args& item, ParseScope& scope, const std::vector<NodeId>& bootstrap) {
  ClientSpec spec;
  ProducerWorkloadOptions options;
  spec.name = item.GetString("name");
  options.client_name = spec.name;
  options.bootstrap = bootstrap;
  options.topic = item.GetString("topic");
  options.value_bytes = item.GetSize("value_bytes", 0);
  if (options.value_bytes > kMaxValueBytes) {
    item.FailAt("value_bytes",
                "value_bytes is at most 16MiB (kafkasim: every value sent is kept "
                "in the run's history, in memory)");
  }
  options.count = item.GetIntegerIn(
      "count", 100, 0, kMaxWorkloadBytes / std::max<int64_t>(options.value_bytes, 64),
      "kafkasim: every value sent is kept in the run's history; count * value_bytes is at most "
      "1GiB");
  options.rate_per_s = item.GetIntegerIn("rate", 0, 0, 1000000,
                                         "kafkasim: at most one send per simulated microsecond");
  options.key_count = static_cast<int32_t>(item.GetIntegerIn("key_count", 0, 0, INT32_MAX));
  // At most one way of choosing keys besides key_count (which a pattern may use).
  for (const char* key : {"key", "keys", "key_pattern"}) item.Allow(key);  // for "did you mean"
  const int ways = (item.Has("key") ? 1 : 0) + (item.Has("keys") ? 1 : 0) +
                   (item.Has("key_pattern") ? 1 : 0) +
                   (item.Has("key_count") && !item.Has("key_pattern") ? 1 : 0);
  if (ways > 1) {
    item.Fail("a producer's keys are one of key, keys, key_pattern (with an optional key_count) "
              "or key_count");
  }
  if (item.Has("key")) options.keys = {item.GetString("key")};
  if (item.Has("keys")) {
    options.keys = item.GetStringList("keys");
    if (options.keys.empty()) item.FailAt("keys", "keys needs at least one key");
  }
  if (item.Has("key_pattern")) {
    options.key_pattern = item.GetString("key_pattern");
    if (options.key_pattern.find("{n}") == std::string::npos) {
      item.FailAt("key_pattern", "a key_pattern holds {n}, the key number, like \"user-{n}\" "
                                 "(a fixed key is `key:`)");
    }
  }
  options.max_outstanding =
      item.GetIntegerIn("max_outstanding", options.max_outstanding, 1, 1000000);
  spec.start_at_us = item.GetDuration("start_at", 0);
  options.config =
      ParseClientConfig<ProducerConfig>(item, SetProducerConfig, ValidateProducerConfig);
  spec.factory = [options](Env& env) -> std::unique_ptr<Process> {
    return std::make_unique<ProducerWorkload>(env, options);
  };
  (void)scope;
  return spec;
}

ClientSpec ParseConsumerSpec(Args& item, ParseScope& scope, const std::vector<NodeId>& bootstrap) {
  ClientSpec spec;
  ConsumerWorkloadOptions options;
  spec.name = item.GetString("name");
  options.client_name = spec.name;
  options.bootstrap = bootstrap;
  options.topic = item.GetString("topic");
  const YAML::Node partitions = item.Raw("partitions");
  if (partitions.IsDefined() && !partitions.IsNull()) {
    auto add = [&](const YAML::Node& node) {
      const int64_t p = ParseInteger(item.file(), node);
      if (p < 0 || p > INT32_MAX) {
        throw ScenarioError(PositionOf(item.file(), node),
                            "a partition is an integer from 0 to 2147483647");
      }
      options.partitions.push_back(static_cast<int32_t>(p));
    };
    if (partitions.IsSequence()) {
      for (const YAML::Node& p : partitions) add(p);
    } else {
      add(partitions);
    }
  }
  spec.start_at_us = item.GetDuration("start_at", 0);
  options.config =
      ParseClientConfig<ConsumerConfig>(item, SetConsumerConfig, ValidateConsumerConfig);
  spec.factory = [options](Env& env) -> std::unique_ptr<Process> {
    return std::make_unique<ConsumerWorkload>(env, options);
  };
  (void)scope;
  return spec;
}

namespace {

class ClientProbe final : public Probe {
 public:
  ClientProbe(std::string name, std::shared_ptr<NodeSelector> client,
              std::function<int64_t(Process*)> read)
      : name_(std::move(name)), client_(std::move(client)), read_(std::move(read)) {}
  ProbeValue Read(ScenarioRun& run) const override {
    std::string error;
    const NodeId node = client_->Resolve(run, &error);
    Process* process = node == kNoNode ? nullptr : run.world().process(node);
    return ProbeValue::Number(process ? read_(process) : -1);
  }
  std::string Describe() const override { return name_ + "(" + client_->Describe() + ")"; }

 private:
  std::string name_;
  std::shared_ptr<NodeSelector> client_;
  std::function<int64_t(Process*)> read_;
};

void AddProducerProbe(ScenarioRegistry& registry, const char* name, const char* summary,
                      int64_t (ProducerWorkload::*getter)() const) {
  registry.AddProbe(name, {summary, "producer: NODE"},
                    [name, getter](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
                      return std::make_unique<ClientProbe>(
                          name, scope.ParseNode(args, "producer"), [getter](Process* p) {
                            auto* w = dynamic_cast<ProducerWorkload*>(p);
                            return w ? (w->*getter)() : int64_t{-1};
                          });
                    });
}

}  // namespace

void RegisterClientProbes(ScenarioRegistry& registry) {
  AddProducerProbe(registry, "sent",
                   "Sends a producer workload has made (this incarnation); -1 if not running.",
                   &ProducerWorkload::sent);
  AddProducerProbe(registry, "acked",
                   "Sends acknowledged ok (this incarnation); -1 if not running.",
                   &ProducerWorkload::acked);
  AddProducerProbe(registry, "failed", "Sends that definitely failed (this incarnation).",
                   &ProducerWorkload::failed);
  AddProducerProbe(registry, "unknown", "Sends whose outcome is unknown (info: maybe written).",
                   &ProducerWorkload::info);
  registry.AddProbe("consumed",
                    {"Records a consumer workload has read (this incarnation); -1 if not running.",
                     "consumer: NODE"},
                    [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
                      return std::make_unique<ClientProbe>(
                          "consumed", scope.ParseNode(args, "consumer"), [](Process* p) {
                            auto* w = dynamic_cast<ConsumerWorkload*>(p);
                            return w ? w->consumed() : int64_t{-1};
                          });
                    });
  registry.AddProbe(
      "consumer_lag",
      {"How far a consumer is behind the high watermarks it knows, summed.", "consumer: NODE"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
        return std::make_unique<ClientProbe>("consumer_lag", scope.ParseNode(args, "consumer"),
                                             [](Process* p) {
                                               auto* w = dynamic_cast<ConsumerWorkload*>(p);
                                               return w ? w->lag() : int64_t{-1};
                                             });
      });
}

void AddClientSummary(ScenarioRun& run, const std::vector<NodeId>& producers,
                      const std::vector<NodeId>& consumers, std::vector<std::string>* lines) {
  World& world = run.world();
  for (NodeId node : producers) {
    auto* w = world.ProcessAs<ProducerWorkload>(node);
    std::string line = "producer   " + world.NodeName(node) + ": ";
    if (w == nullptr) {
      line += std::string(NodeStatusName(world.status(node)));
    } else {
      line += std::to_string(w->sent()) + " sent, " + std::to_string(w->acked()) + " acked, " +
              std::to_string(w->failed()) + " failed, " + std::to_string(w->info()) + " unknown, " +
              std::to_string(w->outstanding()) + " in flight";
      if (w->producer().last_error() != ErrorCode::kNone) {
        line += ", last error " + std::string(ErrorName(w->producer().last_error()));
      }
    }
    lines->push_back(line);
  }
  for (NodeId node : consumers) {
    auto* w = world.ProcessAs<ConsumerWorkload>(node);
    std::string line = "consumer   " + world.NodeName(node) + ": ";
    if (w == nullptr) {
      line += std::string(NodeStatusName(world.status(node)));
    } else {
      line += std::to_string(w->consumed()) + " consumed, lag " + std::to_string(w->lag());
    }
    lines->push_back(line);
  }
}

}  // namespace ks
