// The controller's trace events (docs/trace-schema.md, "Brokers, replication and the
// controller"): controller.*. Node: the broker the controller runs in. `tp` is the partition's
// name ("orders-0"); broker lists are lists of ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "model/controller/partition_rules.h"
#include "model/coord/zk_events.h"
#include "model/env/trace_event.h"
#include "model/kafka/errors.h"
#include "model/kafka/topic_partition.h"

namespace ks {

namespace partition_rules {
// The words controller.election's `how` gives each kind of election ("new partition", "clean:
// first live in-sync replica", "UNCLEAN: ...", "preferred replica"...).
std::string_view TraceName(Election election);
}  // namespace partition_rules

// Why the controller stopped being the controller.
enum class ControllerResignReason { kSessionExpired, kControllerDeleted, kShutdown, kFenced };
// "ZooKeeper session expired", "/controller deleted", "shutdown",
// "fenced: /controller_epoch moved on"
std::string_view TraceName(ControllerResignReason reason);

// A step of a partition reassignment, as Kafka's onPartitionReassignment numbers them
// (model/controller/controller_reassignment.cc).
enum class ReassignmentStep { kA1, kA2, kA3, kA4, kB1, kB2, kB3, kB4, kB5, kB6, kB7, kB8 };
std::string_view TraceName(ReassignmentStep step);  // "A1" ... "B8"

namespace ev {

// Won the /controller election.
struct ControllerActive {
  static constexpr std::string_view kName = "controller.active";
  int32_t broker = -1;
  int32_t epoch = 0;
  static void Fields(auto& e, auto& v) {
    v("broker", e.broker);
    v("epoch", e.epoch);
  }
};

struct ControllerResign {
  static constexpr std::string_view kName = "controller.resign";
  int32_t broker = -1;
  int32_t epoch = 0;
  ControllerResignReason reason = ControllerResignReason::kShutdown;
  static void Fields(auto& e, auto& v) {
    v("broker", e.broker);
    v("epoch", e.epoch);
    v("reason", e.reason);
  }
};

// The live brokers a new controller found.
struct ControllerBrokers {
  static constexpr std::string_view kName = "controller.brokers";
  IntList<int32_t> live;
  static void Fields(auto& e, auto& v) { v("live", e.live); }
};

// A broker's registration went away, or appeared.
struct ControllerBrokerChange {
  int32_t broker = -1;
  static void Fields(auto& e, auto& v) { v("broker", e.broker); }
};
struct ControllerBrokerFailure : ControllerBrokerChange {
  static constexpr std::string_view kName = "controller.broker_failure";
};
struct ControllerBrokerStartup : ControllerBrokerChange {
  static constexpr std::string_view kName = "controller.broker_startup";
};

// A broker came back from an unclean shutdown (KIP-966): it leaves every ISR and ELR.
struct ControllerUncleanShutdown {
  static constexpr std::string_view kName = "controller.unclean_shutdown";
  int32_t broker = -1;
  int64_t previous_epoch = -1;  // from its clean-shutdown file; -1: none
  int64_t known_epoch = -1;     // the last the controller saw; -1: unknown
  static void Fields(auto& e, auto& v) {
    v("broker", e.broker);
    v("previous_epoch", e.previous_epoch);
    v("known_epoch", e.known_epoch);
  }
};

struct ControllerElection {
  static constexpr std::string_view kName = "controller.election";
  TpRef tp;
  int32_t leader = -1;
  int32_t leader_epoch = -1;
  IntList<int32_t> isr;
  partition_rules::Election how = partition_rules::Election::kNone;
  bool unclean = false;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("leader", e.leader);
    v("leader_epoch", e.leader_epoch);
    v("isr", e.isr);
    v("how", e.how);
    v("unclean", e.unclean);
  }
};

// The eligible leader replicas changed (eligible.leader.replicas.version 1).
struct ControllerElr {
  static constexpr std::string_view kName = "controller.elr";
  TpRef tp;
  IntList<int32_t> elr;
  IntList<int32_t> isr;
  int32_t leader = -1;
  int32_t leader_epoch = -1;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("elr", e.elr);
    v("isr", e.isr);
    v("leader", e.leader);
    v("leader_epoch", e.leader_epoch);
  }
};

// A partition's state written to ZooKeeper.
struct ControllerPartitionState {
  static constexpr std::string_view kName = "controller.partition_state";
  TpRef tp;
  int32_t leader = -1;
  int32_t leader_epoch = -1;
  IntList<int32_t> isr;
  IntList<int32_t> replicas;
  int32_t partition_epoch = -1;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("leader", e.leader);
    v("leader_epoch", e.leader_epoch);
    v("isr", e.isr);
    v("replicas", e.replicas);
    v("partition_epoch", e.partition_epoch);
  }
};

// A request sent again after its previous attempt failed (controller_channel.h): `attempt` is
// this send's number (2 for the first retry), `reason` why the previous one failed.
struct ControllerResend {
  static constexpr std::string_view kName = "controller.resend";
  int32_t broker = -1;
  int64_t correlation_id = 0;
  int32_t attempt = 0;
  std::string_view reason;
  static void Fields(auto& e, auto& v) {
    v("broker", e.broker);
    v("correlation_id", e.correlation_id);
    v("attempt", e.attempt);
    v("reason", e.reason);
  }
};

// A read of ZooKeeper that failed without an answer (the connection was lost, or the request
// timed out), about to be made again (Controller::ReadZk).
struct ControllerZkRetry {
  static constexpr std::string_view kName = "controller.zk_retry";
  std::string_view path;
  ZkError error = ZkError::kOk;
  static void Fields(auto& e, auto& v) {
    v("path", e.path);
    v("error", e.error);
  }
};

// An AlterPartition answered.
struct ControllerAlterPartition {
  static constexpr std::string_view kName = "controller.alter_partition";
  TpRef tp;
  int32_t from_broker = -1;
  IntList<int32_t> proposed;
  ErrorCode error = ErrorCode::kNone;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("from_broker", e.from_broker);
    v("proposed", e.proposed);
    v("error", e.error);
  }
};

// A ControlledShutdown answered (model/controller/controller_shutdown.cc): `moved` partitions
// got another leader, the broker left `isr_removed` ISRs as a follower, and it still leads
// `partitions_remaining` (no other live in-sync replica could take them).
struct ControllerControlledShutdown {
  static constexpr std::string_view kName = "controller.controlled_shutdown";
  int32_t broker = -1;
  ErrorCode error = ErrorCode::kNone;
  int32_t moved = 0;
  int32_t isr_removed = 0;
  int32_t partitions_remaining = 0;
  static void Fields(auto& e, auto& v) {
    v("broker", e.broker);
    v("error", e.error);
    v("moved", e.moved);
    v("isr_removed", e.isr_removed);
    v("partitions_remaining", e.partitions_remaining);
  }
};

// The legacy ISR path: a leader's ISR change, learned through /isr_change_notification, read
// back from ZooKeeper into the controller's cache (model/controller/controller_legacy_isr.cc).
struct ControllerIsrRefreshed {
  static constexpr std::string_view kName = "controller.isr_refreshed";
  TpRef tp;
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  IntList<int32_t> isr;
  int32_t partition_epoch = 0;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("leader", e.leader);
    v("leader_epoch", e.leader_epoch);
    v("isr", e.isr);
    v("partition_epoch", e.partition_epoch);
  }
};

// Step A1 begins: RS = ORS + TRS.
struct ControllerReassignmentStarted {
  static constexpr std::string_view kName = "controller.reassignment_started";
  TpRef tp;
  IntList<int32_t> target;
  IntList<int32_t> replicas;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("target", e.target);
    v("replicas", e.replicas);
  }
};

// A reassignment step done. Except for B7 and B8 it carries the controller's view of the
// partition: RS, the adding and removing replicas, the ISR, the leader and its epoch.
struct ControllerReassignmentStep {
  static constexpr std::string_view kName = "controller.reassignment_step";
  TpRef tp;
  ReassignmentStep step = ReassignmentStep::kA1;
  std::string_view action;
  std::optional<IntList<int32_t>> replicas;
  std::optional<IntList<int32_t>> adding;
  std::optional<IntList<int32_t>> removing;
  std::optional<IntList<int32_t>> isr;
  std::optional<int32_t> leader;
  std::optional<int32_t> leader_epoch;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("step", e.step);
    v("action", e.action);
    v("replicas", e.replicas);
    v("adding", e.adding);
    v("removing", e.removing);
    v("isr", e.isr);
    v("leader", e.leader);
    v("leader_epoch", e.leader_epoch);
  }
};

// Step B6: the assignment is the target.
struct ControllerReassignmentCompleted {
  static constexpr std::string_view kName = "controller.reassignment_completed";
  TpRef tp;
  IntList<int32_t> replicas;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("replicas", e.replicas);
  }
};

}  // namespace ev
}  // namespace ks
