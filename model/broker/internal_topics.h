// Kafka's internal topics: __consumer_offsets (the group coordinator's log of committed offsets
// and group metadata) and __transaction_state (the transaction coordinator's log). Nobody
// creates them by hand: a broker creates one the first time it is needed — in Kafka, when a
// FindCoordinator request finds no metadata for it (KafkaApis.getCoordinator, then
// AutoTopicCreationManager and ZkAdminManager.createTopics in ZooKeeper mode) — with the partition
// count, replication factor and topic config the broker's settings give.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/broker/broker_config.h"
#include "model/kafka/topic_config.h"

namespace ks {

inline constexpr std::string_view kConsumerOffsetsTopic = "__consumer_offsets";
inline constexpr std::string_view kTransactionStateTopic = "__transaction_state";

enum class InternalTopic { kConsumerOffsets, kTransactionState };

struct InternalTopicSpec {
  std::string name;
  int32_t partitions = 0;
  int32_t replication_factor = 0;
  // The coordinator's topic config (GroupCoordinator.groupMetadataTopicConfigs,
  // TransactionStateManager.transactionTopicConfigs), as text: what /config/topics/<topic> gets.
  ConfigPairs config;
};

// How `config`'s broker creates `topic`:
// - __consumer_offsets: offsets.topic.num.partitions, offsets.topic.replication.factor;
//   cleanup.policy=compact, compression.type=producer, segment.bytes=offsets.topic.segment.bytes.
// - __transaction_state: transaction.state.log.num.partitions, ....replication.factor;
//   unclean.leader.election.enable=false, compression.type=uncompressed, cleanup.policy=compact,
//   min.insync.replicas=transaction.state.log.min.isr,
//   segment.bytes=transaction.state.log.segment.bytes.
InternalTopicSpec InternalTopicSpecFor(InternalTopic topic, const BrokerConfig& config);

}  // namespace ks
