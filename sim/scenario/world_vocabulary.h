// The world's scenario vocabulary: faults and lifecycle actions on nodes, links and disks, and
// probes of node status, traffic and files. Kafka's vocabulary is registered by the model's
// subsystems in their own files. The fault actions are the kinds of sim/scenario/fault_kinds.h:
// their names, documentation and the node states each runs in come from that table.
#pragma once

#include "sim/scenario/registry.h"

namespace ks {

void RegisterWorldVocabulary(ScenarioRegistry& registry);

// Reads a disk's options (world.disk, a node's `disk:`, the kafka section's `broker_disk:`) on
// top of `defaults`: write_latency, read_latency, fsync_latency, throughput_bytes_per_s,
// capacity, torn_tail. The one parser of these keys; finishes `args`.
DiskOptions ParseDiskOptions(Args& args, DiskOptions defaults);

}  // namespace ks
