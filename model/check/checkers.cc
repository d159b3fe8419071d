#include "model/check/checkers.h"

#include <algorithm>
#include <functional>
#include <set>
#include <string_view>
#include <unordered_map>

namespace ks {

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

KafkaError ReadRecords(const Log& log, int64_t from, int64_t to,
                       std::vector<LogRecordView>* out) {
  int64_t next = std::max(from, log.log_start_offset());
  to = std::min(to, log.log_end_offset());
  if (to > next) out->reserve(out->size() + static_cast<size_t>(to - next));
  LogReadResult read;
  while (next < to) {
    KafkaError error = log.Read(next, 1 << 20, log.log_end_offset(), &read);
    if (!error.ok()) return error;
    if (read.records.empty()) break;
    auto owned = std::make_shared<const std::string>(std::move(read.records));
    read.records.clear();
    std::string_view bytes = *owned;
    int64_t last = next;
    while (!bytes.empty()) {
      BatchHeader header;
      Status s = BatchHeader::Parse(bytes, &header);
      if (!s.ok()) return KafkaError::FromStatus(s);
      BatchReader reader;
      s = reader.Open(header);
      if (!s.ok()) return KafkaError::FromStatus(s);
      Record record;
      while (reader.Next(&record)) {
        if (record.offset < next || record.offset >= to) continue;
        LogRecordView view;
        view.offset = record.offset;
        if (Inside(*owned, record.key) && Inside(*owned, record.value)) {
          view.key = record.key;
          view.value = record.value;
          view.bytes = owned;
        } else {
          // A compressed batch: the record lives in the reader's decompression buffer.
          OwnRecord(record, &view);
        }
        out->push_back(std::move(view));
      }
      last = std::max(last, header.next_offset());
      bytes.remove_prefix(static_cast<size_t>(header.size_bytes()));
    }
    if (last <= next) break;
    next = last;
  }
  return KafkaError::None();
}

std::optional<std::pair<std::string, int64_t>> ParseWorkloadValue(std::string_view value) {
  while (!value.empty() && value.back() == '.') value.remove_suffix(1);
  const size_t dash = value.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == value.size()) return std::nullopt;
  int64_t seq = 0;
  for (char c : value.substr(dash + 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    seq = seq * 10 + (c - '0');
  }
  return std::make_pair(std::string(value.substr(0, dash)), seq);
}

std::vector<Violation> CheckHistory(
    const std::vector<HistoryOp>& history,
    const std::map<TopicPartition, std::vector<LogRecordView>>& committed, TimeUs now_us) {
  std::vector<Violation> violations;
  // Where each committed value sits, per partition: the first offset of each value, and every
  // offset of the values found more than once (views into `committed`, which outlives them).
  struct Positions {
    std::unordered_map<std::string_view, int64_t> first;
    std::map<std::string_view, std::vector<int64_t>> repeated;  // in value order, as reported
  };
  std::map<TopicPartition, Positions> positions;
  for (const auto& [tp, records] : committed) {
    Positions& by_value = positions[tp];
    by_value.first.reserve(records.size());
    for (const LogRecordView& r : records) {
      if (!r.value) continue;
      auto [it, inserted] = by_value.first.emplace(*r.value, r.offset);
      if (inserted) continue;
      std::vector<int64_t>& offsets = by_value.repeated[*r.value];
      if (offsets.empty()) offsets.push_back(it->second);
      offsets.push_back(r.offset);
    }
  }
  for (const HistoryOp& op : history) {
    if (op.f != HistoryFunction::kSend || op.type != HistoryType::kOk || op.partition < 0) continue;
    const TopicPartition tp{op.topic, op.partition};
    auto p = positions.find(tp);
    const bool found = p != positions.end() && p->second.first.count(op.value) != 0;
    if (found) continue;
    Violation v;
    v.checker = "lost_writes";
    v.tp = tp.Name();
    v.offsets = {op.offset};
    v.time_us = now_us;
    v.detail = op.process + " was told value '" + op.value + "' is at offset " +
               std::to_string(op.offset) + " (acknowledged at t=" +
               std::to_string(op.time_us) + "us), but the committed log does not hold it";
    violations.push_back(std::move(v));
  }
  for (const auto& [tp, by_value] : positions) {
    for (const auto& [value, offsets] : by_value.repeated) {
      if (offsets.size() < 2 || !ParseWorkloadValue(value)) continue;
      Violation v;
      v.checker = "duplicates";
      v.tp = tp.Name();
      v.offsets = offsets;
      v.time_us = now_us;
      v.detail = "value '" + std::string(value) + "' is in the log " +
                 std::to_string(offsets.size()) + " times";
      violations.push_back(std::move(v));
    }
  }
  for (const auto& [tp, records] : committed) {
    // Per producer: the sequence numbers in log order must increase.
    std::map<std::string, std::pair<int64_t, int64_t>> last;  // producer -> (seq, offset)
    for (const LogRecordView& r : records) {
      if (!r.value) continue;
      auto parsed = ParseWorkloadValue(*r.value);
      if (!parsed) continue;
      auto [producer, seq] = *parsed;
      auto it = last.find(producer);
      if (it != last.end() && seq < it->second.first) {
        Violation v;
        v.checker = "order";
        v.tp = tp.Name();
        v.offsets = {it->second.second, r.offset};
        v.time_us = now_us;
        v.detail = producer + "'s message " + std::to_string(seq) + " (offset " +
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

std::vector<Violation> CheckDivergence(const TopicPartition& tp,
                                       const std::vector<ReplicaSnapshot>& replicas,
                                       TimeUs now_us) {
  std::vector<Violation> violations;
  for (size_t a = 0; a < replicas.size(); ++a) {
    for (size_t b = a + 1; b < replicas.size(); ++b) {
      const ReplicaSnapshot& x = replicas[a];
      const ReplicaSnapshot& y = replicas[b];
      const int64_t limit = std::min(x.high_watermark, y.high_watermark);
      // Both record lists ascend by offset (a log's offsets increase): walk them side by side.
      auto it = y.records.begin();
      for (const LogRecordView& r : x.records) {
        if (r.offset >= limit) break;
        while (it != y.records.end() && it->offset < r.offset) ++it;
        if (it == y.records.end() || it->offset != r.offset || *it == r) continue;
        Violation v;
        v.checker = "divergence";
        v.tp = tp.Name();
        v.offsets = {r.offset};
        v.replicas = {x.broker, y.broker};
        v.time_us = now_us;
        v.detail = "offset " + std::to_string(r.offset) + " holds '" + std::string(r.value.value_or("null")) +
                   "' on broker " + std::to_string(x.broker) + " but '" +
                   std::string(it->value.value_or("null")) + "' on broker " +
                   std::to_string(y.broker) + " (both below their HWs " +
                   std::to_string(x.high_watermark) + " and " + std::to_string(y.high_watermark) +
                   ")";
        violations.push_back(std::move(v));
        break;  // one per pair: the first divergent offset says it
      }
    }
  }
  return violations;
}

}  // namespace ks
