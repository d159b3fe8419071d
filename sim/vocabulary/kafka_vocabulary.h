// Kafka's scenario vocabulary: the `kafka:` section (ZooKeeper, brokers, topics, producers,
// consumers, checkers), node selectors aimed at roles ({leader_of: orders-0}, {controller: any},
// {follower_of: orders-0}, {broker: 2}), admin actions (create_topic, add_partitions, reassign,
// elect_preferred), probes of partition and replica state, client counts and checker
// violations, and the checkers themselves (as the run goes, and at its end).
#pragma once

#include "sim/scenario/registry.h"

namespace ks {

void RegisterKafkaVocabulary(ScenarioRegistry& registry);

}  // namespace ks
