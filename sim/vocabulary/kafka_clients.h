// The producers and consumers of the `kafka:` section: parsing their specs (Kafka client config
// names, workload keys) and building their Processes; probes of their counts.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/registry.h"

namespace ks {

struct ClientSpec {
  std::string name;
  DurationUs start_at_us = 0;
  ProcessFactory factory;
};

// `item` is one entry of kafka.producers / kafka.consumers; `bootstrap` the brokers' node ids.
ClientSpec ParseProducerSpec(Args& item, ParseScope& scope, const std::vector<NodeId>& bootstrap);
ClientSpec ParseConsumerSpec(Args& item, ParseScope& scope, const std::vector<NodeId>& bootstrap);

// Probes: acked, failed, unknown, sent (producers); consumed, consumer_position (consumers).
void RegisterClientProbes(ScenarioRegistry& registry);
// Summary lines for every producer and consumer.
void AddClientSummary(ScenarioRun& run, const std::vector<NodeId>& producers,
                      const std::vector<NodeId>& consumers, std::vector<std::string>* lines);

}  // namespace ks
