// The cluster checkers, run over the live world:
// - as the run goes (every `checker.interval`, default 100 ms of simulated time): at most one
//   leader per partition and leader epoch; HW <= LEO on every replica; the committed ISR within
//   the assigned replicas and never empty; the logs of ISR members identical below the leader's
//   HW. A violation is traced (checker.violation) and counted, never a crash.
// - at the end: lost acknowledged writes, duplicates and per-producer order (history against the
//   committed log: the current leader's records below its HW, or the most complete replica's if
//   no leader), and divergence of replicas below their HWs. A partition without a leader at the end
//   does not serve what it holds: its acknowledged writes missing from the committed log are
//   reported as unavailable (checker.unavailable, the summary), not lost, unless every replica is
//   running and none holds them. A lost write names the power losses of the partition's replicas
//   and the unclean elections after it was acknowledged: what explains it in Kafka's design.
//   Once every broker has been up and connected to ZooKeeper, with nothing changed, for the
//   longest session timeout plus 5 s: no partition without a leader while one of its ISR (or ELR)
//   members could lead it (offline_partition); and after replica.lag.time.max.ms more, with no
//   disk slowed or full and no lossy or throttled link, every replica in the ISR
//   (under_replicated).
#pragma once

#include "sim/scenario/runner.h"
#include "sim/vocabulary/kafka_cluster.h"

namespace ks {

// Collects the acknowledged sends of the history (history.op events) as the run emits them.
// It also counts what the run's summary reports: elections (clean and unclean) and ISR changes.
// It observes those kinds, so it hears them whether or not the run records a trace.
class HistoryCollector final : public TraceSink {
 public:
  void ObserveRun(TraceStream& stream);
  void OnEvent(const TraceEventView& event) override;
  std::vector<HistoryOp> ops;
  int64_t elections = 0;
  int64_t unclean_elections = 0;
  int64_t isr_changes = 0;
  // What can lose acknowledged writes: power losses (node.crash with power_loss) and unclean
  // elections, in time order.
  struct PowerLoss {
    TimeUs time_us = 0;
    NodeId node = kNoNode;
  };
  std::vector<PowerLoss> power_losses;
  std::vector<std::pair<TimeUs, TopicPartition>> unclean;
  // Changes a log's past: the runtime ISR check re-reads from the log start after one.
  uint64_t LogGeneration(const TopicPartition& tp) const;
  // When each node last started, stopped, crashed, paused, resumed or had its clock or disk
  // faulted, and when the network last changed (partition, heal, delay spike, link settings): the
  // offline_partition check waits for a cluster left alone long enough.
  std::map<NodeId, TimeUs> last_node_change_us;
  TimeUs last_network_change_us = 0;

 private:
  std::map<TopicPartition, std::vector<BrokerId>> last_isr_;  // the committed ISR
  uint64_t restarts_ = 0;                                     // node.restart events
  std::map<TopicPartition, uint64_t> truncations_;            // log.truncate events
};

void RunRuntimeChecks(ScenarioRun& run, KafkaCluster& cluster);
// `history` may be null (no collector): then offline_partition is not checked.
void RunFinalChecks(ScenarioRun& run, KafkaCluster& cluster, const HistoryCollector* history);
// Records, traces (checker.violation, with the seed) and keeps a violation.
void ReportViolation(ScenarioRun& run, KafkaCluster& cluster, Violation violation);

}  // namespace ks
