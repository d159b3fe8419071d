// The world's scenario vocabulary: faults and lifecycle actions on nodes, links and disks, and
// probes of node status, traffic and files. Kafka's vocabulary is registered by the model's
// subsystems in their own files. The fault actions are the kinds of sim/scenario/fault_kinds.h:
// their names, documentation and the node states each runs in come from that table.
#pragma once

#include "sim/scenario/registry.h"

namespace ks {

void RegisterWorldVocabulary(ScenarioRegistry& registry);

}  // namespace ks
