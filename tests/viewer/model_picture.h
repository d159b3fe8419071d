// Test helpers shared by the viewer's fold tests: a model's observable state as text (so two
// folds can be compared with one EXPECT_EQ and a readable diff), and a recorded flagship trace.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "sim/cli/vocabulary.h"
#include "sim/scenario/registry.h"
#include "viewer/cluster_model.h"

namespace ks {

// Every event kind the program knows (for opening traces).
inline const EventCatalog& AllEventKinds() {
  static const ScenarioRegistry registry = [] {
    ScenarioRegistry all;
    RegisterAllVocabulary(all);
    return all;
  }();
  return registry.events();
}

// What the panels draw of a model: nodes, partitions and replicas, clients and their partitions,
// logs and segments, violations.
inline std::string ModelPicture(const ClusterModel& model) {
  std::string out = std::to_string(model.events_applied()) + " t" +
                    std::to_string(model.time_us()) + " c" + std::to_string(model.controller()) +
                    " " + model.caption() + "\n";
  for (const auto& [id, node] : model.nodes()) {
    out += node.name + (node.up ? " up" : "") + (node.crashed ? " crashed" : "") + "\n";
  }
  for (const auto& [name, partition] : model.partitions()) {
    out += name + " L" + std::to_string(partition.leader) + " e" +
           std::to_string(partition.leader_epoch) + " isr" + std::to_string(partition.isr.size());
    for (const auto& [broker, replica] : partition.replica_by_broker) {
      out += " [" + std::to_string(broker) + " " + replica.role + " " +
             std::to_string(replica.log_start) + "-" + std::to_string(replica.hw) + "-" +
             std::to_string(replica.leo) + " " + std::to_string(replica.truncated_to) + "]";
    }
    out += "\n";
  }
  for (const auto& [name, client] : model.clients()) {
    out += name + " " + std::to_string(client.sends_invoked) + "/" +
           std::to_string(client.sends_acked) + " " + std::to_string(client.records_consumed) +
           " " + client.last_error + "\n";
    for (const auto& [tp, partition] : client.partitions) {
      out += " " + tp + "@" + std::to_string(partition.position) + "/" +
             std::to_string(partition.fetched_hw) + "\n";
    }
  }
  for (const auto& [key, log] : model.logs()) {
    out += key.first + "@" + std::to_string(key.second) + " " + std::to_string(log.log_end) + " " +
           std::to_string(log.recovery_point) + " " + std::to_string(log.index_entries_total);
    for (const SegmentView& segment : log.segments) {
      out += " [" + std::to_string(segment.base_offset) + " " + std::to_string(segment.size_bytes) +
             "]";
    }
    out += "\n";
  }
  out += std::to_string(model.violations().size()) + " violations\n";
  return out;
}

// Records the flagship with the built kafkasim to `name` in the build directory (one file per
// test: ctest -j runs them side by side) and returns its path.
inline std::string RecordFlagship(const std::string& name) {
  const std::string trace = std::string(KAFKASIM_BINARY_DIR) + "/" + name;
  const std::string command =
      std::string(KAFKASIM_BINARY_DIR) + "/bin/kafkasim run " + KAFKASIM_SOURCE_DIR +
      "/scenarios/curriculum/replication-flagship.yaml --trace " + trace + " > /dev/null 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return trace;
}

}  // namespace ks
