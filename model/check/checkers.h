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

struct Violation {
  std::string checker;  // lost_writes, duplicates, order, divergence, one_leader_per_epoch, ...
  std::string tp;
  std::string detail;
  std::vector<int64_t> offsets;
  std::vector<BrokerId> replicas;
  TimeUs time_us = 0;
};

struct ReplicaSnapshot {
  BrokerId broker = kNoBroker;
  int64_t high_watermark = 0;
  int64_t log_end_offset = 0;
  std::vector<LogRecordView> records;  // from the log start to the LEO
};

// A producer's value "<client>-<seq>" (or "<client>#<incarnation>-<seq>"), padded with '.':
// the producer and the sequence number; nullopt if the value is not of that form.
std::optional<std::pair<std::string, int64_t>> ParseWorkloadValue(std::string_view value);

std::vector<Violation> CheckHistory(
    const std::vector<HistoryOp>& history,
    const std::map<TopicPartition, std::vector<LogRecordView>>& committed, TimeUs now_us);

std::vector<Violation> CheckDivergence(const TopicPartition& tp,
                                       const std::vector<ReplicaSnapshot>& replicas,
                                       TimeUs now_us);

}  // namespace ks
