#include "model/broker/zk_isr_writer.h"

#include "model/broker/broker_events.h"
#include "model/controller/zk_paths.h"

namespace ks {

namespace {

// ReplicaManager.IsrChangePropagationBlackOut / IsrChangePropagationInterval, and the period of
// the isr-change-propagation task (Kafka 0.9 to 2.6).
constexpr DurationUs kPropagationCheck = 2500 * kMillisecond;
constexpr DurationUs kPropagationBlackOut = 5000 * kMillisecond;
constexpr DurationUs kPropagationInterval = 60000 * kMillisecond;

}  // namespace

ZkIsrWriter::ZkIsrWriter(Env& env, const BrokerConfig& config, ZkClient& zk)
    : env_(env), config_(config), zk_(zk) {}

ZkIsrWriter::~ZkIsrWriter() { env_.CancelTimer(timer_); }

void ZkIsrWriter::Start() {
  timer_ = env_.SetTimer(kPropagationCheck, [this] {
    timer_ = kNoTimer;
    PeriodicPropagation();
    Start();
  });
}

void ZkIsrWriter::Write(const AlterPartitionRequest& request, int32_t controller_epoch,
                        std::function<void(const AlterPartitionResponse&)> done) {
  zk_paths::PartitionStateData state;
  state.leader = request.broker_id;
  state.leader_epoch = request.leader_epoch;
  state.isr = request.new_isr;
  state.controller_epoch = controller_epoch;
  const std::string data = zk_paths::EncodePartitionState(state);
  const std::string path = zk_paths::PartitionStatePath(request.tp);
  const int32_t cached = request.partition_epoch;
  zk_.SetData(path, data, cached, [this, request, data, path, cached, done](const ZkResult& set) {
    if (set.ok()) {
      Finish(request, ErrorCode::kNone, set.stat.version, cached, done);
      return;
    }
    if (set.error != ZkError::kBadVersion) {
      Finish(request, ErrorCode::kUnknownServerError, cached, cached, done);
      return;
    }
    // checkLeaderAndIsrZkData: a retried write that had in fact been applied counts as done.
    zk_.GetData(path, false, [this, request, data, cached, done](const ZkResult& current) {
      if (current.ok() && current.data == data) {
        Finish(request, ErrorCode::kNone, current.stat.version, cached, done);
      } else {
        Finish(request, ErrorCode::kInvalidUpdateVersion, cached, cached, done);
      }
    });
  });
}

void ZkIsrWriter::Finish(const AlterPartitionRequest& request, ErrorCode error, int32_t version,
                         int32_t cached_version,
                         const std::function<void(const AlterPartitionResponse&)>& done) {
  env_.Trace(ev::ReplicaIsrZkWrite{.tp = request.tp,
                                   .isr = request.new_isr,
                                   .cached_zk_version = cached_version,
                                   .error = error,
                                   .zk_version = version});
  AlterPartitionResponse response;
  response.tp = request.tp;
  response.error = error;
  response.leader = request.broker_id;
  response.leader_epoch = request.leader_epoch;
  response.isr = request.new_isr;
  response.partition_epoch = version;
  if (error == ErrorCode::kNone) {
    changed_.insert(request.tp);
    last_change_ = env_.Now();
  }
  done(response);
}

void ZkIsrWriter::PeriodicPropagation() {
  const TimeUs now = env_.Now();
  if (changed_.empty() || (last_change_ + kPropagationBlackOut >= now &&
                           last_propagation_ + kPropagationInterval >= now)) {
    return;
  }
  std::string partitions;
  for (const TopicPartition& tp : changed_) {
    if (!partitions.empty()) partitions += ",";
    partitions += tp.Name();
  }
  changed_.clear();
  last_propagation_ = now;
  // The parent is persistent; creating it again fails harmlessly.
  zk_.Create(zk_paths::kIsrChangeNotification, "", false, [](const ZkResult&) {});
  zk_.CreateSequential(std::string(zk_paths::kIsrChangeNotification) + "/isr_change_",
                       partitions, false, [](const ZkResult&) {});
}

}  // namespace ks
