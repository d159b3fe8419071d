// AdminZkClient: how a topic is written to ZooKeeper in ZooKeeper mode (Kafka's
// AdminZkClient.createTopicWithAssignment), shared by the admin tool and by brokers creating
// internal topics. The topic's config overrides go to /config/topics/<topic> first, then its
// assignment to /brokers/topics/<topic>, which the controller watches: the controller reads the
// config when it loads the new topic, elects leaders and tells the replicas.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/controller/zk_paths.h"
#include "model/coord/zk_client.h"
#include "model/kafka/topic_config.h"

namespace ks {

// Creates each path (persistent, empty) in order, ignoring NODEEXISTS, then calls `then`.
// ZooKeeper serves one session's requests in order, so the parents exist before any child.
void CreateZkParents(ZkClient& zk, const std::vector<std::string>& paths,
                     std::function<void()> then);

// Writes a topic: its parents, its config znode, then its assignment znode. `done` gets the
// result of the assignment's create (NODEEXISTS: the topic exists already). REQUIRES: the name,
// assignment and config were validated (ValidateTopicName, ValidateAssignment,
// TopicConfigOverrides::Parse).
void CreateTopicInZk(ZkClient& zk, const std::string& topic, const zk_paths::Assignment& assignment,
                     const TopicConfigOverrides& config, std::function<void(const ZkResult&)> done);

}  // namespace ks
