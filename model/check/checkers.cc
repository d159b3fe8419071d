#include "model/check/checkers.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "model/log/batch_scanner.h"

namespace ks {

std::string_view CheckerName(Checker checker) {
  switch (checker) {
    case Checker::kLostWrites:
      return "lost_writes";
    case Checker::kDuplicates:
      return "duplicates";
    case Checker::kOrder:
      return "order";
    case Checker::kDivergence:
      return "divergence";
    case Checker::kUnreadableLog:
      return "unreadable_log";
    case Checker::kOneLeaderPerEpoch:
      return "one_leader_per_epoch";
    case Checker::kHwAboveLeo:
      return "hw_above_leo";
    case Checker::kIsrInvalid:
      return "isr_invalid";
    case Checker::kIsrLogsDiffer:
      return "isr_logs_differ";
    case Checker::kOfflinePartition:
      return "offline_partition";
    case Checker::kUnderReplicated:
      return "under_replicated";
  }
  return "unknown";
}

std::optional<Checker> ParseCheckerName(std::string_view name) {
  for (Checker checker : kAllCheckers) {
    if (CheckerName(checker) == name) return checker;
  }
  return std::nullopt;
}

namespace {

// True if `part` is null or lies within `bytes`.
bool Inside(const std::string& bytes, const std::optional<std::string_view>& part) {
  if (!part.has_value() || part->empty()) return true;
  const std::less<const char*> less;
  return !less(part->data(), bytes.data()) &&
         !less(bytes.data() + bytes.size(), part->data() + part->size());
}

// Copies the record's key and value into a buffer of the view's own.
void OwnRecord(const Record& record, LogRecordView* view) {
  auto own = std::make_shared<std::string>();
  const size_t key_size = record.key ? record.key->size() : 0;
  if (record.key) own->append(*record.key);
  if (record.value) own->append(*record.value);
  if (record.key) view->key = std::string_view(own->data(), key_size);
  if (record.value) view->value = std::string_view(own->data() + key_size, record.value->size());
  view->bytes = std::move(own);
}

}  // namespace

KafkaError ReadRecords(const Log& log, int64_t from, int64_t to, std::vector<LogRecordView>* out) {
  LogBatches batches;
  batches.Read(log, from, to);
  return batches.Decode(out);
}

KafkaError LogBatches::Read(const Log& log, int64_t from, int64_t to) {
  for (Chunk& chunk : chunks_) {
    if (chunk.bytes.use_count() == 1) spare_.push_back(std::move(chunk.bytes));
  }
  chunks_.clear();
  status_ = KafkaError::None();
  int64_t next = std::max(from, log.log_start_offset());
  to_ = std::min(to, log.log_end_offset());
  LogReadResult read;
  while (next < to_) {
    std::shared_ptr<std::string> owned;
    if (spare_.empty()) {
      owned = std::make_shared<std::string>();
    } else {
      owned = std::move(spare_.back());
      spare_.pop_back();
    }
    read.records.swap(*owned);
    KafkaError error = log.Read(next, 1 << 20, log.log_end_offset(), &read);
    read.records.swap(*owned);
    if (!error.ok() || owned->empty()) {
      spare_.push_back(std::move(owned));
      if (!error.ok()) return status_ = std::move(error);
      break;  // nothing more to read
    }
    int64_t last = next;
    Status failed = Status::Ok();
    BatchScanner scanner(*owned);
    BatchHeader header;
    while (scanner.Next(&header)) {
      BatchReader reader;
      failed = reader.Open(header);
      if (!failed.ok()) break;
      last = std::max(last, header.next_offset());
    }
    if (failed.ok() && !scanner.at_end()) failed = scanner.status();
    // A batch that does not parse or open ends the read there: keep what came before it.
    if (!failed.ok()) owned->resize(static_cast<size_t>(scanner.position()));
    chunks_.push_back(Chunk{std::move(owned), next});
    if (!failed.ok()) return status_ = KafkaError::FromStatus(failed);
    if (last <= next) break;
    next = last;
  }
  return status_;
}

KafkaError LogBatches::Decode(std::vector<LogRecordView>* out) const {
  if (!chunks_.empty() && to_ > chunks_.front().first_offset) {
    out->reserve(out->size() + static_cast<size_t>(to_ - chunks_.front().first_offset));
  }
  for (const Chunk& chunk : chunks_) {
    BatchScanner scanner(*chunk.bytes);
    BatchHeader header;
    while (scanner.Next(&header)) {
      BatchReader reader;
      // Read already parsed and opened every batch it kept.
      if (!reader.Open(header).ok()) break;
      Record record;
      while (reader.Next(&record)) {
        if (record.offset < chunk.first_offset || record.offset >= to_) continue;
        LogRecordView view;
        view.offset = record.offset;
        if (Inside(*chunk.bytes, record.key) && Inside(*chunk.bytes, record.value)) {
          view.key = record.key;
          view.value = record.value;
          view.bytes = chunk.bytes;
        } else {
          // A compressed batch: the record lives in the reader's decompression buffer.
          OwnRecord(record, &view);
        }
        out->push_back(std::move(view));
      }
    }
  }
  return status_;
}

// Walks the batches of a LogBatches in order.
class LogBatches::Cursor {
 public:
  explicit Cursor(const LogBatches& batches) : chunks_(batches.chunks_) {}
  // The next batch; false at the end.
  bool Next(BatchHeader* header) {
    while (!scanner_.Next(header)) {
      // Read kept whole batches only, so a chunk's scan stops at its end.
      if (!scanner_.at_end() || index_ == chunks_.size()) return false;
      scanner_ = BatchScanner(*chunks_[index_++].bytes);
    }
    return true;
  }

 private:
  const std::vector<Chunk>& chunks_;
  size_t index_ = 0;
  BatchScanner scanner_{std::string_view()};
};

bool LogBatches::SameBatches(const LogBatches& a, const LogBatches& b, int64_t from, int64_t to) {
  if (!a.status_.ok() || !b.status_.ok()) return false;
  Cursor x(a), y(b);
  BatchHeader hx, hy;
  bool more_x = x.Next(&hx), more_y = y.Next(&hy);
  // Batches wholly below `from` hold no offset both lists can have.
  while (more_x && hx.next_offset() <= from) more_x = x.Next(&hx);
  while (more_y && hy.next_offset() <= from) more_y = y.Next(&hy);
  while (more_x && more_y) {
    if (hx.bytes() != hy.bytes()) return false;
    if (hx.next_offset() >= to) return true;
    more_x = x.Next(&hx);
    more_y = y.Next(&hy);
  }
  return more_x == more_y;
}

std::optional<std::pair<std::string_view, int64_t>> ParseWorkloadValue(std::string_view value) {
  // The padding is most of the value: strip it eight bytes at a time.
  constexpr uint64_t kDots = 0x2e2e2e2e2e2e2e2eULL;
  while (value.size() >= 8) {
    uint64_t word;
    std::memcpy(&word, value.data() + value.size() - 8, 8);
    if (word != kDots) break;
    value.remove_suffix(8);
  }
  while (!value.empty() && value.back() == '.') value.remove_suffix(1);
  const size_t dash = value.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == value.size()) return std::nullopt;
  int64_t seq = 0;
  for (char c : value.substr(dash + 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    seq = seq * 10 + (c - '0');
  }
  return std::make_pair(value.substr(0, dash), seq);
}

namespace {
// Records by value, first copy wins: an open-addressing table of record pointers, each slot with
// its value's hash, so that indexing a million values costs no allocation per value and rarely a
// comparison of two values.
class ValueIndex {
 public:
  void Reserve(size_t values) {
    size_t capacity = 16;
    while (capacity < 2 * values) capacity *= 2;
    slots_.assign(capacity, Slot{});
  }
  static uint64_t Hash(std::string_view value) { return std::hash<std::string_view>{}(value); }
  // Asks for the slot of a value inserted soon: a table of a million values is a cache miss per
  // value, which prefetching a few values ahead hides.
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  // The record already holding `record`'s value (whose Hash is `hash`), or `record` itself if it
  // is the first.
  const LogRecordView* Insert(const LogRecordView* record, uint64_t hash) {
    if (2 * (count_ + 1) > slots_.size()) Grow();
    Slot& slot = Probe(*record->value, hash);
    if (slot.record != nullptr) return slot.record;
    slot = Slot{hash, record};
    ++count_;
    return record;
  }
  const LogRecordView* Find(std::string_view value) const {
    if (slots_.empty()) return nullptr;
    return const_cast<ValueIndex*>(this)->Probe(value, Hash(value)).record;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    const LogRecordView* record = nullptr;
  };
  // The slot holding `value`, or the empty slot where it belongs.
  Slot& Probe(std::string_view value, uint64_t hash) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.record == nullptr || (slot.hash == hash && *slot.record->value == value)) {
        return slot;
      }
    }
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    Reserve(std::max<size_t>(count_ + 1, old.size()));
    for (const Slot& slot : old) {
      if (slot.record != nullptr) Probe(*slot.record->value, slot.hash) = slot;
    }
  }
  std::vector<Slot> slots_;
  size_t count_ = 0;
};
}  // namespace

std::vector<Violation> CheckHistory(
    const std::vector<HistoryOp>& history,
    const std::map<TopicPartition, std::vector<LogRecordView>>& committed, TimeUs now_us) {
  std::vector<Violation> violations;
  // Where each committed value sits, per partition: the record holding the first copy of each
  // value, and every offset of the values found more than once (views into `committed`, which
  // outlives them).
  struct Positions {
    ValueIndex first;
    std::map<std::string_view, std::vector<int64_t>> repeated;  // in value order, as reported
  };
  std::map<TopicPartition, Positions> positions;
  for (const auto& [tp, records] : committed) {
    Positions& by_value = positions[tp];
    by_value.first.Reserve(records.size());
    std::vector<uint64_t> hashes(records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      if (records[i].value) hashes[i] = ValueIndex::Hash(*records[i].value);
    }
    constexpr size_t kPrefetchAhead = 8;
    for (size_t i = 0; i < records.size(); ++i) {
      if (i + kPrefetchAhead < records.size()) {
        by_value.first.Prefetch(hashes[i + kPrefetchAhead]);
      }
      const LogRecordView& r = records[i];
      if (!r.value) continue;
      const LogRecordView* first = by_value.first.Insert(&r, hashes[i]);
      if (first == &r) continue;
      std::vector<int64_t>& offsets = by_value.repeated[*r.value];
      if (offsets.empty()) offsets.push_back(first->offset);
      offsets.push_back(r.offset);
    }
  }
  for (const HistoryOp& op : history) {
    if (op.f != HistoryFunction::kSend || op.type != HistoryType::kOk || op.partition < 0) continue;
    const TopicPartition tp{op.topic, op.partition};
    auto p = positions.find(tp);
    const bool found = p != positions.end() && p->second.first.Find(op.value) != nullptr;
    if (found) continue;
    Violation v;
    v.checker = Checker::kLostWrites;
    v.tp = tp;
    v.offsets = {op.offset};
    v.time_us = now_us;
    v.acked_us = op.time_us;
    v.detail = op.process + " was told value '" + op.value + "' is at offset " +
               std::to_string(op.offset) + " (acknowledged at t=" + std::to_string(op.time_us) +
               "us), but the committed log does not hold it";
    violations.push_back(std::move(v));
  }
  for (const auto& [tp, by_value] : positions) {
    for (const auto& [value, offsets] : by_value.repeated) {
      if (offsets.size() < 2 || !ParseWorkloadValue(value)) continue;
      Violation v;
      v.checker = Checker::kDuplicates;
      v.tp = tp;
      v.offsets = offsets;
      v.time_us = now_us;
      v.detail = "value '" + std::string(value) + "' is in the log " +
                 std::to_string(offsets.size()) + " times";
      violations.push_back(std::move(v));
    }
  }
  for (const auto& [tp, records] : committed) {
    // Per producer: the sequence numbers in log order must increase. Only a value's first copy
    // counts: a retried send written twice (acknowledged the second time, without idempotence)
    // is a duplicate, reported as such, not a reordering; Kafka promises order with
    // max.in.flight.requests.per.connection 1, not the absence of duplicates.
    std::unordered_set<int64_t> later_copies;
    for (const auto& [value, offsets] : positions[tp].repeated) {
      later_copies.insert(offsets.begin() + 1, offsets.end());
    }
    std::map<std::string_view, std::pair<int64_t, int64_t>> last;  // producer -> (seq, offset)
    for (const LogRecordView& r : records) {
      if (!r.value || (!later_copies.empty() && later_copies.contains(r.offset))) continue;
      auto parsed = ParseWorkloadValue(*r.value);
      if (!parsed) continue;
      auto [producer, seq] = *parsed;
      auto it = last.find(producer);
      if (it != last.end() && seq < it->second.first) {
        Violation v;
        v.checker = Checker::kOrder;
        v.tp = tp;
        v.offsets = {it->second.second, r.offset};
        v.time_us = now_us;
        v.detail = std::string(producer) + "'s message " + std::to_string(seq) + " (offset " +
                   std::to_string(r.offset) + ") comes after its message " +
                   std::to_string(it->second.first) + " (offset " +
                   std::to_string(it->second.second) + ")";
        violations.push_back(std::move(v));
      }
      if (it == last.end() || seq > it->second.first) last[producer] = {seq, r.offset};
    }
  }
  return violations;
}

std::optional<Violation> CheckPairDivergence(const TopicPartition& tp, const ReplicaSnapshot& x,
                                             const ReplicaSnapshot& y, TimeUs now_us) {
  const int64_t limit = std::min(x.high_watermark, y.high_watermark);
  // Both record lists ascend by offset (a log's offsets increase): walk them side by side.
  auto it = y.records.begin();
  for (const LogRecordView& r : x.records) {
    if (r.offset >= limit) break;
    while (it != y.records.end() && it->offset < r.offset) ++it;
    if (it == y.records.end() || it->offset != r.offset || *it == r) continue;
    Violation v;
    v.checker = Checker::kDivergence;
    v.tp = tp;
    v.offsets = {r.offset};
    v.replicas = {x.broker, y.broker};
    v.time_us = now_us;
    v.detail = "offset " + std::to_string(r.offset) + " holds '" +
               std::string(r.value.value_or("null")) + "' on broker " + std::to_string(x.broker) +
               " but '" + std::string(it->value.value_or("null")) + "' on broker " +
               std::to_string(y.broker) + " (both below their HWs " +
               std::to_string(x.high_watermark) + " and " + std::to_string(y.high_watermark) + ")";
    return v;  // one per pair: the first divergent offset says it
  }
  return std::nullopt;
}

std::vector<Violation> CheckDivergence(const TopicPartition& tp,
                                       const std::vector<ReplicaSnapshot>& replicas,
                                       TimeUs now_us) {
  std::vector<Violation> violations;
  for (size_t a = 0; a < replicas.size(); ++a) {
    for (size_t b = a + 1; b < replicas.size(); ++b) {
      if (auto v = CheckPairDivergence(tp, replicas[a], replicas[b], now_us)) {
        violations.push_back(std::move(*v));
      }
    }
  }
  return violations;
}

std::vector<Violation> CheckOfflinePartitions(const std::vector<PartitionLeadership>& partitions,
                                              TimeUs now_us) {
  std::vector<Violation> violations;
  for (const PartitionLeadership& p : partitions) {
    if (p.leader != kNoBroker || (p.isr.empty() && p.elr.empty())) continue;
    std::string isr;
    for (BrokerId b : p.isr) isr += (isr.empty() ? "" : ",") + std::to_string(b);
    violations.push_back(Violation{
        Checker::kOfflinePartition,
        p.tp,
        "no leader (leader epoch " + std::to_string(p.leader_epoch) + ", ISR [" + isr +
            "]) at the end of the run, though every broker is up and connected to ZooKeeper",
        {},
        p.isr,
        now_us});
  }
  return violations;
}

}  // namespace ks
