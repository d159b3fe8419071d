#include "model/broker/internal_topics.h"

namespace ks {

InternalTopicSpec InternalTopicSpecFor(InternalTopic topic, const BrokerConfig& config) {
  InternalTopicSpec spec;
  switch (topic) {
    case InternalTopic::kConsumerOffsets:
      spec.name = std::string(kConsumerOffsetsTopic);
      spec.partitions = config.offsets_topic_num_partitions;
      spec.replication_factor = config.offsets_topic_replication_factor;
      spec.config = {{"cleanup.policy", "compact"},
                     {"compression.type", "producer"},
                     {"segment.bytes", std::to_string(config.offsets_topic_segment_bytes)}};
      break;
    case InternalTopic::kTransactionState:
      spec.name = std::string(kTransactionStateTopic);
      spec.partitions = config.transaction_state_log_num_partitions;
      spec.replication_factor = config.transaction_state_log_replication_factor;
      spec.config = {{"unclean.leader.election.enable", "false"},
                     {"compression.type", "uncompressed"},
                     {"cleanup.policy", "compact"},
                     {"min.insync.replicas", std::to_string(config.transaction_state_log_min_isr)},
                     {"segment.bytes", std::to_string(config.transaction_state_log_segment_bytes)}};
      break;
  }
  return spec;
}

}  // namespace ks
