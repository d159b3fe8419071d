// Checkers: judge a run's outcome, Jepsen style, apart from the code being judged.
//
// The history checks look at what clients were told (the history of send/poll operations) and at
// the committed log (each partition's records below its high watermark at the end):
// - lost_writes: a send acknowledged "ok" whose value is nowhere in the committed log;
// - duplicates: one sent value at two offsets of a partition (a retry that was not idempotent);
// - order: one producer's values in a partition out of the order it sent them.
// The replica checks compare the replicas of one partition:
// - divergence: two replicas holding different records at the same offset below both their high
//   watermarks (the committed prefix must be one log).
// The availability check looks at the committed partition states:
// - offline_partition: a run that ends with every broker up and connected, long enough for the
//   controller to have heard of every change, leaves no partition without a leader.
// Each violation names the partition, the offsets, the replicas, the simulated time and what
// exactly differs; the caller adds the seed and traces it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/client/history.h"
#include "model/kafka/errors.h"
#include "model/kafka/topic_partition.h"
#include "model/log/log.h"

namespace ks {

// One record read back from a log. Key and value view the bytes of the read that found the
// record, which `bytes` keeps alive (shared by every record of that read, so reading a log costs
// one buffer per read instead of two strings per record). Copies share the buffer.
struct LogRecordView {
  int64_t offset = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::shared_ptr<const std::string> bytes;
  // Equal records: same offset, key and value (where the bytes live does not matter).
  bool operator==(const LogRecordView& other) const {
    return offset == other.offset && key == other.key && value == other.value;
  }
};

// The records of `log` with offsets in [from, to), in order.
KafkaError ReadRecords(const Log& log, int64_t from, int64_t to, std::vector<LogRecordView>* out);

// The batches of `log` covering offsets [from, to), as the reads that ReadRecords makes return
// them: the same Log::Read calls (a read costs the node simulated disk time, so a checker that
// reads must read the same way whatever it then does with the bytes), each batch parsed and
// opened, stopping at the first one that fails as ReadRecords does. Decode turns them into
// ReadRecords' records; SameBatches compares two logs' batches byte for byte without decoding.
//
// Reading again reuses the buffers of the previous read that no decoded record still views, so a
// LogBatches kept across reads does not fault fresh memory in for every log it reads.
class LogBatches {
 public:
  KafkaError Read(const Log& log, int64_t from, int64_t to);
  // Appends the records ReadRecords would have returned and returns its status.
  KafkaError Decode(std::vector<LogRecordView>* out) const;
  // True if, from the batch holding `from` on, both hold the same batches, byte for byte, up to
  // the one holding offset to - 1 (or both end first): then every offset in [from, to) that both
  // decode to holds the same record in each. False proves nothing (the logs may batch equal
  // records differently, or one failed to read): compare the decoded records then.
  static bool SameBatches(const LogBatches& a, const LogBatches& b, int64_t from, int64_t to);

 private:
  class Cursor;
  struct Chunk {
    std::shared_ptr<std::string> bytes;  // whole batches, up to a failed one
    int64_t first_offset = 0;            // records below it are not part of the read
  };
  std::vector<Chunk> chunks_;
  std::vector<std::shared_ptr<std::string>> spare_;  // buffers nobody else holds
  int64_t to_ = 0;
  KafkaError status_ = KafkaError::None();
};

// The checkers, by the names traces and scenarios use (checker.violation's `checker`, the
// `violations` probe's `checker:`).
enum class Checker {
  kLostWrites,         // an acknowledged send is nowhere in the committed log
  kDuplicates,         // one sent value at two offsets of a partition
  kOrder,              // one producer's values out of the order it sent them
  kDivergence,         // two replicas differ below both their high watermarks (final check)
  kUnreadableLog,      // a replica's log could not be read back (final check)
  kOneLeaderPerEpoch,  // two brokers lead one partition in one leader epoch
  kHwAboveLeo,         // a replica's high watermark above its log end offset
  kIsrInvalid,         // the committed ISR empty, or not within the replicas (ELR likewise)
  kIsrLogsDiffer,      // an in-sync follower holds other records than the leader below the HW
  kOfflinePartition,   // no leader at the end though every broker is up and connected (final)
  kUnderReplicated,    // a healthy, quiet cluster ends with a replica outside the ISR (final)
};
inline constexpr Checker kAllCheckers[] = {
    Checker::kLostWrites,       Checker::kDuplicates,     Checker::kOrder,
    Checker::kDivergence,       Checker::kUnreadableLog,  Checker::kOneLeaderPerEpoch,
    Checker::kHwAboveLeo,       Checker::kIsrInvalid,     Checker::kIsrLogsDiffer,
    Checker::kOfflinePartition, Checker::kUnderReplicated};
std::string_view CheckerName(Checker checker);  // "lost_writes", ...
inline std::string_view TraceName(Checker checker) { return CheckerName(checker); }
std::optional<Checker> ParseCheckerName(std::string_view name);

// What a checker found: which check, where (partition, offsets, replicas), when, and in words.
struct Violation {
  Checker checker = Checker::kLostWrites;
  TopicPartition tp;
  std::string detail;
  std::vector<int64_t> offsets;
  std::vector<BrokerId> replicas;
  TimeUs time_us = 0;
  TimeUs acked_us = -1;  // lost_writes: when the write was acknowledged
};

struct ReplicaSnapshot {
  BrokerId broker = kNoBroker;
  int64_t high_watermark = 0;
  int64_t log_end_offset = 0;
  std::vector<LogRecordView> records;  // from the log start to the LEO
};

// A producer's value "<client>-<seq>" (or "<client>#<incarnation>-<seq>"), padded with '.':
// the producer (a view into `value`) and the sequence number; nullopt if the value is not of that
// form.
std::optional<std::pair<std::string_view, int64_t>> ParseWorkloadValue(std::string_view value);

std::vector<Violation> CheckHistory(
    const std::vector<HistoryOp>& history,
    const std::map<TopicPartition, std::vector<LogRecordView>>& committed, TimeUs now_us);

// The divergence check of one pair of replicas: the first offset below both HWs where they differ.
std::optional<Violation> CheckPairDivergence(const TopicPartition& tp, const ReplicaSnapshot& x,
                                             const ReplicaSnapshot& y, TimeUs now_us);
// CheckPairDivergence over every pair (a, b), a before b.
std::vector<Violation> CheckDivergence(const TopicPartition& tp,
                                       const std::vector<ReplicaSnapshot>& replicas, TimeUs now_us);

// A partition's state as committed in ZooKeeper at the end of a run (leader kNoBroker: none).
struct PartitionLeadership {
  TopicPartition tp;
  BrokerId leader = kNoBroker;
  int32_t leader_epoch = 0;
  std::vector<BrokerId> isr;
  std::vector<BrokerId> elr;  // KIP-966's eligible leader replicas
};

// The offline_partition check. REQUIRES: the caller judged the cluster settled — every broker and
// the coordination service up, every broker connected to it, no link cut, and nothing faulted for
// longer than the session timeout (plus a margin), so every death the controller could have
// heard of is heard of and every live broker counted live. Then a partition without a leader but
// with a broker eligible to lead it (an ISR member, or an ELR member) is a controller that lost
// track of the cluster (issue 10, C: a failed read of /brokers/ids taken for "no brokers"), not
// an outcome Kafka allows. With neither (KIP-966's empty ISR and ELR after unclean shutdowns) the
// partition stays offline in Kafka too, unless unclean.leader.election.enable: not a violation.
std::vector<Violation> CheckOfflinePartitions(const std::vector<PartitionLeadership>& partitions,
                                              TimeUs now_us);

}  // namespace ks
