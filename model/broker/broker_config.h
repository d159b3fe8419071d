// BrokerConfig: a broker's settings, with Kafka's names, defaults and bounds (KafkaConfig,
// server.properties), plus the topic-level defaults its topics start from (min.insync.replicas,
// log.segment.bytes, ...: a TopicConfig, which each topic's overrides are laid over).
//
// Every value is parsed once, here, with Kafka's types and bounds and its ConfigException
// messages (model/util/config_def.h). Where Kafka leaves a value open and the simulation cannot
// hold any value, the bound is kafkasim's and its message says why: a duration must fit the
// simulated clock (config::kMaxDurationMs).
//
// Where Kafka changed its design over time, the old way is kept as an option so a class can
// reproduce the historic failures. Those options are kafkasim's own and say so in their names:
//   kafkasim.isr.lag.mode      time (Kafka >= 0.9, replica.lag.time.max.ms) |
//                              count (Kafka <= 0.8, replica.lag.max.messages)
//   kafkasim.truncation.mode   leader-epoch (KIP-101 + KIP-279, Kafka >= 2.0, the default) |
//                              kip-101 (Kafka 0.11: epochs, without KIP-279's fix) |
//                              legacy-hw (Kafka < 0.11: truncate to the high watermark)
// And one of Kafka's own, inter.broker.protocol.version (default 3.9): below 2.7-IV2 a leader
// writes its ISR changes straight into ZooKeeper (the legacy ISR path) instead of sending
// AlterPartition to the controller (KIP-497).
// And one newer design that ZooKeeper-era Kafka never had, under Kafka's own name:
//   eligible.leader.replicas.version   0 (off, the default: the ZooKeeper-era controller) |
//                              1 (KIP-966's Eligible Leader Replicas, as KRaft clusters have
//                              them from Kafka 4.0 on, and by default for new ones from 4.1). In
//                              Kafka it is a cluster feature level, not a broker config; here
//                              every broker should carry the same value, and the controller's
//                              decides (docs/scenario-format.md).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/env/status.h"
#include "model/kafka/topic_config.h"

namespace ks {

enum class IsrLagMode { kTime, kCount };

// inter.broker.protocol.version: the protocol era the brokers speak, "MAJOR.MINOR[.PATCH][-IVn]"
// from 0.8.0 to 3.9 (the last ZooKeeper-era release). kafkasim reads one thing from it: how a
// leader changes its ISR.
struct InterBrokerProtocolVersion {
  int32_t major = 3;
  int32_t minor = 9;
  int32_t iv = -1;  // -IVn; -1: none given (the release's last)
  // KIP-497 (Kafka 2.7-IV2): leaders send AlterIsr (AlterPartition) to the controller. Before,
  // a leader wrote its ISR to ZooKeeper itself and told the controller through
  // /isr_change_notification.
  bool alter_partition() const {
    if (major != 2) return major > 2;
    return minor > 7 || (minor == 7 && (iv < 0 || iv >= 2));
  }
};
enum class TruncationMode { kLeaderEpoch, kKip101, kLegacyHighWatermark };

struct BrokerConfig {
  int32_t broker_id = 0;                      // broker.id
  int32_t default_replication_factor = 1;     // default.replication.factor
  int32_t num_partitions = 1;                 // num.partitions
  int64_t replica_lag_time_max_ms = 30000;    // replica.lag.time.max.ms
  int64_t replica_lag_max_messages = 4000;    // replica.lag.max.messages (<= 0.8)
  int32_t replica_fetch_wait_max_ms = 500;    // replica.fetch.wait.max.ms
  int32_t replica_fetch_min_bytes = 1;        // replica.fetch.min.bytes
  int32_t replica_fetch_max_bytes = 1048576;  // replica.fetch.max.bytes
  int64_t replica_fetch_backoff_ms = 1000;    // replica.fetch.backoff.ms
  int64_t replica_socket_timeout_ms = 30000;  // replica.socket.timeout.ms
  int64_t replica_high_watermark_checkpoint_interval_ms = 5000;
  int64_t zookeeper_session_timeout_ms = 18000;           // zookeeper.session.timeout.ms
  int64_t controller_socket_timeout_ms = 30000;           // controller.socket.timeout.ms
  bool controlled_shutdown_enable = true;                 // controlled.shutdown.enable
  int32_t controlled_shutdown_max_retries = 3;            // controlled.shutdown.max.retries
  int64_t controlled_shutdown_retry_backoff_ms = 5000;    // controlled.shutdown.retry.backoff.ms
  bool auto_leader_rebalance_enable = true;               // auto.leader.rebalance.enable
  int64_t leader_imbalance_check_interval_seconds = 300;  // leader.imbalance.check.interval.seconds
  int32_t leader_imbalance_per_broker_percentage = 10;    // leader.imbalance.per.broker.percentage
  IsrLagMode isr_lag_mode = IsrLagMode::kTime;            // kafkasim.isr.lag.mode
  TruncationMode truncation_mode = TruncationMode::kLeaderEpoch;  // kafkasim.truncation.mode
  int32_t eligible_leader_replicas_version = 0;  // eligible.leader.replicas.version
  InterBrokerProtocolVersion inter_broker_protocol_version;  // inter.broker.protocol.version
  bool elr_enabled() const { return eligible_leader_replicas_version >= 1; }
  // The internal topics a broker creates when they are first needed (Broker::CreateInternalTopic).
  int32_t offsets_topic_num_partitions = 50;                // offsets.topic.num.partitions
  int16_t offsets_topic_replication_factor = 3;             // offsets.topic.replication.factor
  int32_t offsets_topic_segment_bytes = 104857600;          // offsets.topic.segment.bytes
  int32_t transaction_state_log_num_partitions = 50;        // transaction.state.log.num.partitions
  int16_t transaction_state_log_replication_factor = 3;     // ....replication.factor
  int32_t transaction_state_log_min_isr = 2;                // transaction.state.log.min.isr
  int32_t transaction_state_log_segment_bytes = 104857600;  // transaction.state.log.segment.bytes
  // The topic-level defaults: min.insync.replicas, unclean.leader.election.enable and the log's
  // (log.segment.bytes, log.retention.ms, log.flush.interval.messages, ..., and the log's
  // background tasks, log.retention.check.interval.ms, log.cleaner.backoff.ms,
  // log.flush.offset.checkpoint.interval.ms and log.flush.start.offset.checkpoint.interval.ms).
  TopicConfig topic_defaults;
};

// Applies key/value pairs (Kafka names) on top of `config`. Unknown names are rejected with the
// closest valid one; bad values with Kafka's ConfigException message. Topic-level names
// (min.insync.replicas, segment.bytes, ...) and the broker-level "log." forms of the log's go to
// config->topic_defaults. On error returns InvalidArgument, sets *bad_index (if given) to the
// offending pair, and leaves *config partially updated.
Status ParseBrokerConfig(const std::vector<std::pair<std::string, std::string>>& pairs,
                         BrokerConfig* config, size_t* bad_index = nullptr);

// Every name ParseBrokerConfig accepts (for suggestions and docs).
std::vector<std::string> BrokerConfigNames();

std::string_view TruncationModeName(TruncationMode mode);
std::string_view IsrLagModeName(IsrLagMode mode);

}  // namespace ks
