#include "model/admin/admin_zk_client.h"

#include <memory>

namespace ks {

void CreateZkParents(ZkClient& zk, const std::vector<std::string>& paths,
                     std::function<void()> then) {
  if (paths.empty()) {
    then();
    return;
  }
  auto remaining = std::make_shared<size_t>(paths.size());
  for (const std::string& path : paths) {
    zk.Create(path, "", false, [remaining, then](const ZkResult&) {
      if (--*remaining == 0) then();
    });
  }
}

void CreateTopicInZk(ZkClient& zk, const std::string& topic, const zk_paths::Assignment& assignment,
                     const TopicConfigOverrides& config,
                     std::function<void(const ZkResult&)> done) {
  CreateZkParents(
      zk, {"/brokers", zk_paths::kBrokerTopics, "/config", zk_paths::kConfigTopics},
      [&zk, topic, assignment, text = zk_paths::EncodeConfig(config.pairs()),
       done = std::move(done)] {
        // As Kafka's: the config first (not transactional with the assignment).
        zk.Create(zk_paths::TopicConfigPath(topic), text, false, [](const ZkResult&) {});
        zk.Create(zk_paths::TopicPath(topic), zk_paths::EncodeAssignment(assignment), false, done);
      });
}

}  // namespace ks
