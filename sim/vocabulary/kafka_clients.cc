#include "sim/vocabulary/kafka_clients.h"

#include "model/client/workloads.h"
#include "sim/scenario/runner.h"

namespace ks {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs ReadConfig(Args& args) {
  Pairs pairs;
  const YAML::Node node = args.Raw("config");
  if (!node.IsDefined() || node.IsNull()) return pairs;
  if (!node.IsMap()) args.FailAt("config", "'config' is a mapping of Kafka client config names");
  for (auto it = node.begin(); it != node.end(); ++it) {
    pairs.emplace_back(it->first.Scalar(), ParseString(args.file(), it->second));
  }
  return pairs;
}

// Parses config pairs one by one so an error points at the offending key.
template <typename Config, typename Parse>
Config ParseClientConfig(Args& args, const Pairs& pairs, Parse parse) {
  Config config;
  const YAML::Node node = args.Raw("config");
  size_t index = 0;
  for (auto it = node.begin(); node.IsMap() && it != node.end(); ++it, ++index) {
    Status s = parse(Pairs{pairs[index]}, &config);
    if (!s.ok()) throw ScenarioError(PositionOf(args.file(), it->first), s.message());
  }
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
  options.count = item.GetInteger("count", 100);
  options.rate_per_s = item.GetInteger("rate", 0);
  options.key_count = static_cast<int32_t>(item.GetInteger("key_count", 0));
  options.value_bytes = item.GetSize("value_bytes", 0);
  options.max_outstanding = item.GetInteger("max_outstanding", options.max_outstanding);
  if (options.count < 0 || options.rate_per_s < 0 || options.key_count < 0) {
    item.Fail("count, rate and key_count cannot be negative");
  }
  spec.start_at_us = item.GetDuration("start_at", 0);
  const Pairs pairs = ReadConfig(item);
  options.config = ParseClientConfig<ProducerConfig>(item, pairs, ParseProducerConfig);
  if (Status s = ValidateProducerConfig(options.config); !s.ok())
    item.FailAt("config", s.message());
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
  if (item.Has("partitions")) {
    for (const std::string& p : item.GetStringList("partitions")) {
      options.partitions.push_back(std::atoi(p.c_str()));
    }
  } else {
    item.Allow("partitions");
  }
  spec.start_at_us = item.GetDuration("start_at", 0);
  const Pairs pairs = ReadConfig(item);
  options.config = ParseClientConfig<ConsumerConfig>(item, pairs, ParseConsumerConfig);
  if (Status s = ValidateConsumerConfig(options.config); !s.ok())
    item.FailAt("config", s.message());
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
