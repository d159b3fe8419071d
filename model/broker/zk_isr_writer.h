// ZkIsrWriter: the legacy ISR path, as brokers before Kafka 2.7 (inter.broker.protocol.version
// below 2.7-IV2, KIP-497) changed an ISR: the partition leader writes the new ISR itself into the
// partition's state znode (/brokers/topics/T/partitions/P/state), a conditional write on the
// zkVersion it cached from the controller's last LeaderAndIsr (Partition.updateIsr,
// ReplicationUtils.updateLeaderAndIsr), and later tells the controller through
// /isr_change_notification.
//
// - Success: the ISR and the cached zkVersion (the partition epoch) are the new ones.
// - The write fails because someone else changed the znode (BADVERSION: the controller moved
//   leadership or shrank the ISR since): unless the znode already holds exactly what was written
//   (a retry after a lost connection; Kafka's checkLeaderAndIsrZkData), the leader's cached
//   zkVersion is stale and its ISR stays as it was — Kafka's "Cached zkVersion [v] not equal to
//   that in zookeeper, skip updating ISR". Every later attempt fails the same way until the
//   controller's next LeaderAndIsr brings a new zkVersion.
// - Any other ZooKeeper error: the ISR stays as it was; the next ISR check tries again.
// The outcome is handed back as an AlterPartitionResponse (NONE, INVALID_UPDATE_VERSION or
// UNKNOWN_SERVER_ERROR) so that Partition applies it as it applies the controller's answer.
//
// Notifications (ReplicaManager.maybePropagateIsrChanges, Kafka 0.9 to 2.6): the changed
// partitions are collected; every 2500 ms they are written as one sequential znode under
// /isr_change_notification if no ISR changed in the last 5 s or the last notification is 60 s
// old. The controller watches that path, re-reads those partitions' states and sends
// UpdateMetadata.
#pragma once

#include <cstdint>
#include <functional>
#include <set>

#include "model/broker/broker_config.h"
#include "model/coord/zk_client.h"
#include "model/env/env.h"
#include "model/kafka/alter_partition.h"

namespace ks {

class ZkIsrWriter {
 public:
  ZkIsrWriter(Env& env, const BrokerConfig& config, ZkClient& zk);
  ~ZkIsrWriter();
  ZkIsrWriter(const ZkIsrWriter&) = delete;
  ZkIsrWriter& operator=(const ZkIsrWriter&) = delete;

  // Starts the notification check (every 2500 ms).
  void Start();
  // Writes `request`'s ISR as the leader's state, with `controller_epoch` (the controller epoch
  // the leader last heard of); `done` gets the outcome.
  void Write(const AlterPartitionRequest& request, int32_t controller_epoch,
             std::function<void(const AlterPartitionResponse&)> done);

 private:
  void PeriodicPropagation();
  void Finish(const AlterPartitionRequest& request, ErrorCode error, int32_t version,
              int32_t cached_version, const std::function<void(const AlterPartitionResponse&)>& done);

  Env& env_;
  const BrokerConfig& config_;
  ZkClient& zk_;
  std::set<TopicPartition> changed_;  // not yet notified
  TimeUs last_change_ = 0;
  TimeUs last_propagation_ = 0;
  TimerId timer_ = kNoTimer;
};

}  // namespace ks
