// The broker's trace events (docs/trace-schema.md, "Brokers, replication and the controller"):
// the broker's own (broker.*), its replicas' (replica.*) and its replica fetchers' (fetcher.*).
// Node: the broker. `tp` is the partition ("orders-0" in JSON); broker lists are lists of ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "model/broker/broker_config.h"
#include "model/broker/partition.h"
#include "model/coord/zk_events.h"
#include "model/env/trace_event.h"
#include "model/kafka/errors.h"
#include "model/kafka/topic_partition.h"

namespace ks {

inline std::string_view TraceName(TruncationMode mode) { return TruncationModeName(mode); }
inline std::string_view TraceName(IsrLagMode mode) { return IsrLagModeName(mode); }
inline std::string_view TraceName(ReplicaRole role) { return ReplicaRoleName(role); }
inline std::string_view TraceName(HwSource source) { return HwSourceName(source); }
inline std::string_view TraceName(IsrChange change) { return IsrChangeName(change); }

namespace ev {

// --- broker.* ---------------------------------------------------------------------------------

struct BrokerStarting {
  static constexpr std::string_view kName = "broker.starting";
  int32_t broker = -1;
  TruncationMode truncation_mode = TruncationMode::kLeaderEpoch;
  IsrLagMode isr_lag_mode = IsrLagMode::kTime;
  static void Fields(auto& e, auto& v) {
    v("broker", e.broker);
    v("truncation_mode", e.truncation_mode);
    v("isr_lag_mode", e.isr_lag_mode);
  }
};

// A step of the broker's life that names only the broker.
struct BrokerStep {
  int32_t broker = -1;
  static void Fields(auto& e, auto& v) { v("broker", e.broker); }
};
// Its ephemeral /brokers/ids/<id> exists.
struct BrokerRegistered : BrokerStep {
  static constexpr std::string_view kName = "broker.registered";
};
// Its ZooKeeper session expired (it registers again in a new one).
struct BrokerSessionExpired : BrokerStep {
  static constexpr std::string_view kName = "broker.session_expired";
};
// A clean shutdown begins.
struct BrokerShutdown : BrokerStep {
  static constexpr std::string_view kName = "broker.shutdown";
};
// Controlled shutdown (model/broker/controlled_shutdown.h): one attempt ended. `controller` is
// -1 when ZooKeeper named none (error NOT_CONTROLLER); REQUEST_TIMED_OUT and NETWORK_EXCEPTION
// are the broker's own (no answer in controller.socket.timeout.ms, a connection reset).
struct BrokerControlledShutdownAttempt {
  static constexpr std::string_view kName = "broker.controlled_shutdown_attempt";
  int32_t broker = -1;
  int32_t attempt = 0;
  int32_t controller = -1;
  ErrorCode error = ErrorCode::kNone;
  int32_t partitions_remaining = 0;
  static void Fields(auto& e, auto& v) {
    v("broker", e.broker);
    v("attempt", e.attempt);
    v("controller", e.controller);
    v("error", e.error);
    v("partitions_remaining", e.partitions_remaining);
  }
};
// Controlled shutdown ended: it succeeded, or every attempt failed and the broker shuts down
// anyway.
struct BrokerControlledShutdownDone {
  static constexpr std::string_view kName = "broker.controlled_shutdown_done";
  int32_t broker = -1;
  bool succeeded = false;
  int32_t attempts = 0;
  static void Fields(auto& e, auto& v) {
    v("broker", e.broker);
    v("succeeded", e.succeeded);
    v("attempts", e.attempts);
  }
};
// It won /controller, but its conditional update of /controller_epoch failed (another broker
// moved the epoch on): it does not become the controller.
struct BrokerControllerEpochConflict : BrokerStep {
  static constexpr std::string_view kName = "broker.controller_epoch_conflict";
};

// An older session's /brokers/ids/<id> is still there; retried every second.
struct BrokerRegisterFailed {
  static constexpr std::string_view kName = "broker.register_failed";
  int32_t broker = -1;
  ZkError error = ZkError::kOk;
  static void Fields(auto& e, auto& v) {
    v("broker", e.broker);
    v("error", e.error);
  }
};

// A partition of a ProduceRequest appended (or refused); last_offset -1 on error.
struct BrokerProduce {
  static constexpr std::string_view kName = "broker.produce";
  TpRef tp;
  int32_t acks = 0;
  std::string_view client;
  int64_t base_offset = -1;
  int64_t last_offset = -1;
  ErrorCode error = ErrorCode::kNone;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("acks", e.acks);
    v("client", e.client);
    v("base_offset", e.base_offset);
    v("last_offset", e.last_offset);
    v("error", e.error);
  }
};

// An OffsetsForLeaderEpoch query answered.
struct BrokerEpochQuery {
  static constexpr std::string_view kName = "broker.epoch_query";
  TpRef tp;
  int32_t from_broker = -1;
  int32_t epoch = -1;
  int32_t answer_epoch = -1;
  int64_t end_offset = -1;
  ErrorCode error = ErrorCode::kNone;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("from_broker", e.from_broker);
    v("epoch", e.epoch);
    v("answer_epoch", e.answer_epoch);
    v("end_offset", e.end_offset);
    v("error", e.error);
  }
};

// A LeaderAndIsr from a deposed controller, refused.
struct BrokerStaleController {
  static constexpr std::string_view kName = "broker.stale_controller";
  int32_t controller = -1;
  int32_t epoch = -1;
  int32_t known_epoch = -1;
  static void Fields(auto& e, auto& v) {
    v("controller", e.controller);
    v("epoch", e.epoch);
    v("known_epoch", e.known_epoch);
  }
};

// A partition's log could not be opened: the replica stays offline.
struct BrokerLogOffline {
  static constexpr std::string_view kName = "broker.log_offline";
  TpRef tp;
  std::string_view error;  // the error's text
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("error", e.error);
  }
};

// StopReplica with delete=true removed a partition's files.
struct BrokerPartitionDeleted {
  static constexpr std::string_view kName = "broker.partition_deleted";
  TpRef tp;
  static void Fields(auto& e, auto& v) { v("tp", e.tp); }
};

// A follower's leader has no known endpoint: it does not fetch until one is known.
struct BrokerNoLeaderEndpoint {
  static constexpr std::string_view kName = "broker.no_leader_endpoint";
  TpRef tp;
  int32_t leader = -1;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("leader", e.leader);
  }
};

// --- replica.* --------------------------------------------------------------------------------

// A LeaderAndIsr applied: the replica's role and state now.
struct ReplicaRoleChange {
  static constexpr std::string_view kName = "replica.role";
  TpRef tp;
  ReplicaRole role = ReplicaRole::kNone;
  int32_t leader = -1;
  int32_t leader_epoch = -1;
  IntList<int32_t> isr;
  IntList<int32_t> replicas;
  int64_t hw = 0;
  int64_t leo = 0;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("role", e.role);
    v("leader", e.leader);
    v("leader_epoch", e.leader_epoch);
    v("isr", e.isr);
    v("replicas", e.replicas);
    v("hw", e.hw);
    v("leo", e.leo);
  }
};

// The log end offset after every append or truncation.
struct ReplicaLeo {
  static constexpr std::string_view kName = "replica.leo";
  TpRef tp;
  int64_t leo = 0;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("leo", e.leo);
  }
};

// The high watermark moved.
struct ReplicaHw {
  static constexpr std::string_view kName = "replica.hw";
  TpRef tp;
  int64_t hw = 0;
  int64_t leo = 0;
  HwSource by = HwSource::kLeader;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("hw", e.hw);
    v("leo", e.leo);
    v("by", e.by);
  }
};

// The leader learned a follower's LEO from its fetch.
struct ReplicaFollowerLeo {
  static constexpr std::string_view kName = "replica.follower_leo";
  TpRef tp;
  int32_t follower = -1;
  int64_t leo = 0;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("follower", e.follower);
    v("leo", e.leo);
  }
};

// The leader found ISR members out of sync (by lag time, or by message count before KIP-16).
struct ReplicaOutOfSync {
  static constexpr std::string_view kName = "replica.out_of_sync";
  TpRef tp;
  IntList<int32_t> replicas;
  IsrLagMode mode = IsrLagMode::kTime;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("replicas", e.replicas);
    v("mode", e.mode);
  }
};

// An AlterPartition sent.
struct ReplicaIsrProposed {
  static constexpr std::string_view kName = "replica.isr_proposed";
  TpRef tp;
  IsrChange change = IsrChange::kExpand;
  IntList<int32_t> proposed;
  IntList<int32_t> isr;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("change", e.change);
    v("proposed", e.proposed);
    v("isr", e.isr);
  }
};

// The controller accepted an ISR change.
struct ReplicaIsr {
  static constexpr std::string_view kName = "replica.isr";
  TpRef tp;
  IsrChange change = IsrChange::kExpand;
  IntList<int32_t> isr;
  int32_t partition_epoch = -1;
  int32_t leader_epoch = -1;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("change", e.change);
    v("isr", e.isr);
    v("partition_epoch", e.partition_epoch);
    v("leader_epoch", e.leader_epoch);
  }
};

// The controller refused an ISR change.
struct ReplicaIsrRejected {
  static constexpr std::string_view kName = "replica.isr_rejected";
  TpRef tp;
  ErrorCode error = ErrorCode::kNone;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("error", e.error);
  }
};

// The legacy ISR path (inter.broker.protocol.version below 2.7-IV2, model/broker/
// zk_isr_writer.h): the leader's conditional write of its ISR into the partition's state znode,
// on its cached zkVersion. NONE: written (`zk_version` is the new one); INVALID_UPDATE_VERSION:
// the cached zkVersion is stale ("Cached zkVersion not equal to that in zookeeper, skip updating
// ISR"), the ISR stays; UNKNOWN_SERVER_ERROR: another ZooKeeper error.
struct ReplicaIsrZkWrite {
  static constexpr std::string_view kName = "replica.isr_zk_write";
  TpRef tp;
  IntList<int32_t> isr;
  int32_t cached_zk_version = 0;
  ErrorCode error = ErrorCode::kNone;
  int32_t zk_version = 0;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("isr", e.isr);
    v("cached_zk_version", e.cached_zk_version);
    v("error", e.error);
    v("zk_version", e.zk_version);
  }
};

// The follower cut its log's tail (`reason` says why, with the offsets that decided it).
struct ReplicaTruncate {
  static constexpr std::string_view kName = "replica.truncate";
  TpRef tp;
  int64_t from_leo = 0;
  int64_t to = 0;
  std::string_view reason;
  TruncationMode mode = TruncationMode::kLeaderEpoch;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("from_leo", e.from_leo);
    v("to", e.to);
    v("reason", e.reason);
    v("mode", e.mode);
  }
};

// A LeaderAndIsr older than what the replica knows, ignored; `role` is the one it asked for.
struct ReplicaStaleState {
  static constexpr std::string_view kName = "replica.stale_state";
  TpRef tp;
  ReplicaRole role = ReplicaRole::kNone;
  int32_t state_epoch = -1;
  int32_t leader_epoch = -1;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("role", e.role);
    v("state_epoch", e.state_epoch);
    v("leader_epoch", e.leader_epoch);
  }
};

// A disk error while becoming leader (the leader-epoch checkpoint).
struct ReplicaError {
  static constexpr std::string_view kName = "replica.error";
  TpRef tp;
  std::string_view error;  // the Status text
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("error", e.error);
  }
};

// --- fetcher.* --------------------------------------------------------------------------------

// A replica fetcher's request failed (`leader`: a timeout or a reset, for every partition it
// fetches), or one partition's answer or truncation did (`tp`). `reason`: what went wrong, an
// error name or text.
struct FetcherError {
  static constexpr std::string_view kName = "fetcher.error";
  std::optional<int32_t> leader;
  std::optional<TpRef> tp;
  std::string_view reason;
  static void Fields(auto& e, auto& v) {
    v("leader", e.leader);
    v("tp", e.tp);
    v("reason", e.reason);
  }
};

}  // namespace ev
}  // namespace ks
