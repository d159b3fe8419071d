// The controller's side of the legacy ISR path (Kafka before 2.7: IsrChangeNotificationHandler,
// KafkaController.processIsrChangeNotification): see controller.h.
#include <memory>
#include <set>

#include "model/controller/controller.h"

namespace ks {

void Controller::WatchIsrChangeNotifications(Done then) {
  // Kafka creates the path at startup; a new controller handles what is already there.
  EnsurePath(zk_paths::kIsrChangeNotification,
             generation_.Guard([this, then] { OnIsrChangeNotification(then); }));
}

void Controller::OnIsrChangeNotification(Done done) {
  zk_.GetChildren(
      zk_paths::kIsrChangeNotification, true,
      generation_.Guard([this, done](const ZkResult& children) {
        if (!children.ok() || children.children.empty()) {
          done();
          return;
        }
        auto changed = std::make_shared<std::set<TopicPartition>>();
        auto read_all = Countdown(children.children.size(), [this, changed, done] {
          RefreshStates(*changed, [this, changed, done] {
            // Kafka's processUpdateNotifications: the notified partitions, to every broker.
            SendUpdateMetadata(std::vector<TopicPartition>(changed->begin(), changed->end()));
            done();
          });
        });
        for (const std::string& child : children.children) {
          const std::string path = std::string(zk_paths::kIsrChangeNotification) + "/" + child;
          zk_.GetData(
              path, false, generation_.Guard([this, path, changed, read_all](const ZkResult& data) {
                if (data.ok()) {
                  for (const TopicPartition& tp : zk_paths::DecodePartitionList(data.data)) {
                    changed->insert(tp);
                  }
                }
                zk_.Delete(path, -1, [](const ZkResult&) {});
                read_all();
              }));
        }
      }));
}

void Controller::RetryStaleStates(const std::map<TopicPartition, ZkError>& failures) {
  std::set<TopicPartition> stale;
  for (const auto& [tp, error] : failures) {
    if (error == ZkError::kBadVersion) stale.insert(tp);
  }
  if (stale.empty()) return;
  Enqueue("stale partition states", [this, stale](Done done) {
    RefreshStates(stale, [this, stale, done] {
      StateChanges changes = ChangesForNewOrOfflinePartitions();
      const partition_rules::BrokerSet live = LiveSet();
      for (const TopicPartition& tp : stale) {
        if (changes.count(tp) != 0) continue;
        if (std::optional<zk_paths::PartitionStateData> next =
                partition_rules::IsrWithoutDeadOnFailover(partitions_.at(tp), live,
                                                          SettingsFor(tp.topic))) {
          changes[tp] = *next;
        }
      }
      WriteStates(std::move(changes), done);
    });
  });
}

}  // namespace ks
