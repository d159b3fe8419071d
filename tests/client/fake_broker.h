// A fake Kafka broker for the client tests: one simulated node that leads every partition of one
// topic, appends produced batches to in-memory logs (assigning offsets as a leader does), and
// serves Fetch and ListOffsets from them. Tests script misbehaviour through FakeBrokerState,
// which the test owns (it outlives the Process): errors to return for the next produce
// partitions (before or after appending), responses to drop (so request.timeout.ms fires), a
// delay before answering (to keep requests in flight), fetch errors, a log start offset.
// It also counts what it saw, e.g. the most Produce requests waiting for an answer at once.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/env/env.h"
#include "model/kafka/fetch.h"
#include "model/kafka/list_offsets.h"
#include "model/kafka/metadata.h"
#include "model/kafka/produce.h"
#include "model/log/record_batch.h"

namespace ks::testing {

struct StoredRecord {
  int64_t offset = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
};

struct ScriptedProduceError {
  ErrorCode error = ErrorCode::kNone;
  bool append_first = false;  // append, then answer with the error (e.g. ..._AFTER_APPEND)
};

struct FakeBrokerState {
  std::string topic = "t";
  int32_t partitions = 3;
  BrokerId broker_id = 7;
  int32_t leader_epoch = 3;
  bool leaderless = false;  // Metadata names no leader

  // Scripts, consumed front first: one entry per produce partition / fetch partition.
  std::deque<ScriptedProduceError> produce_errors;
  std::deque<ErrorCode> fetch_errors;
  int32_t drop_produce_responses = 0;  // the next N produce requests get no answer
  DurationUs response_delay_us = 0;    // Produce answers wait this long

  // The logs.
  std::map<int32_t, std::vector<std::string>> batches;  // per partition, offsets assigned
  std::map<int32_t, std::vector<StoredRecord>> records;
  std::map<int32_t, int64_t> log_start_offset;
  std::map<int32_t, int64_t> log_end_offset;

  // What it saw.
  int64_t metadata_requests = 0;
  int64_t produce_requests = 0;
  int64_t fetch_requests = 0;
  int64_t list_offsets_requests = 0;
  int64_t produce_pending = 0;  // received, not answered yet
  int64_t produce_pending_max = 0;
  std::vector<int64_t> records_per_request;
  std::vector<int16_t> acks_seen;
  std::vector<int32_t> fetch_leader_epochs;
  std::vector<int64_t> list_offsets_timestamps;

  int64_t EndOffset(int32_t partition) {
    auto it = log_end_offset.find(partition);
    return it == log_end_offset.end() ? 0 : it->second;
  }
  int64_t StartOffset(int32_t partition) {
    auto it = log_start_offset.find(partition);
    return it == log_start_offset.end() ? 0 : it->second;
  }
  // Appends a batch; returns its base offset.
  int64_t Append(int32_t partition, const std::string& bytes) {
    std::string stored = bytes;
    const int64_t base = EndOffset(partition);
    SetBaseOffset(stored.data(), base);
    BatchHeader header;
    if (!BatchHeader::Parse(stored, &header).ok()) return -1;
    BatchReader reader;
    if (reader.Open(header).ok()) {
      Record record;
      while (reader.Next(&record)) {
        StoredRecord r;
        r.offset = record.offset;
        if (record.key) r.key = std::string(*record.key);
        if (record.value) r.value = std::string(*record.value);
        records[partition].push_back(std::move(r));
      }
    }
    log_end_offset[partition] = header.next_offset();
    batches[partition].push_back(std::move(stored));
    return base;
  }
  // Appends records as one uncompressed batch (for consumer tests).
  int64_t AppendValues(int32_t partition, const std::vector<std::string>& values) {
    std::vector<RecordInput> inputs;
    for (const std::string& v : values) {
      RecordInput r;
      r.value = v;
      r.timestamp_ms = 1000;
      inputs.push_back(r);
    }
    std::string bytes;
    EncodeBatch(BatchOptions{}, inputs, &bytes);
    return Append(partition, bytes);
  }
};

class FakeBroker final : public Process {
 public:
  FakeBroker(Env& env, FakeBrokerState* state) : env_(env), state_(state) {}
  void Start() override {}

  void OnMessage(NodeId from, MessagePtr message) override {
    if (auto* m = dynamic_cast<MetadataRequest*>(message.get())) return OnMetadata(from, *m);
    if (auto* p = dynamic_cast<ProduceRequest*>(message.get())) return OnProduce(from, *p);
    if (auto* f = dynamic_cast<FetchRequest*>(message.get())) return OnFetch(from, *f);
    if (auto* l = dynamic_cast<ListOffsetsRequest*>(message.get())) return OnListOffsets(from, *l);
  }

 private:
  void OnMetadata(NodeId from, const MetadataRequest& request) {
    ++state_->metadata_requests;
    auto response = std::make_unique<MetadataResponse>();
    response->correlation_id = request.correlation_id;
    response->controller_id = state_->broker_id;
    response->brokers.push_back(BrokerEndpoint{state_->broker_id, env_.Self()});
    for (int32_t p = 0; p < state_->partitions; ++p) {
      PartitionMetadata pm;
      pm.tp = TopicPartition{state_->topic, p};
      pm.leader = state_->leaderless ? kNoBroker : state_->broker_id;
      pm.error = state_->leaderless ? ErrorCode::kLeaderNotAvailable : ErrorCode::kNone;
      pm.leader_epoch = state_->leader_epoch;
      pm.replicas = {state_->broker_id};
      pm.isr = {state_->broker_id};
      response->partitions.push_back(pm);
    }
    env_.Send(from, std::move(response));
  }

  void OnProduce(NodeId from, const ProduceRequest& request) {
    ++state_->produce_requests;
    state_->acks_seen.push_back(request.acks);
    int64_t records = 0;
    auto response = std::make_unique<ProduceResponse>();
    response->correlation_id = request.correlation_id;
    for (const ProducePartitionData& data : request.partitions) {
      BatchHeader header;
      if (BatchHeader::Parse(data.records, &header).ok()) records += header.record_count();
      ProducePartitionResponse pr;
      pr.tp = data.tp;
      ScriptedProduceError script;
      if (!state_->produce_errors.empty()) {
        script = state_->produce_errors.front();
        state_->produce_errors.pop_front();
      }
      if (script.error == ErrorCode::kNone || script.append_first) {
        pr.base_offset = state_->Append(data.tp.partition, data.records);
      }
      if (script.error != ErrorCode::kNone) pr.base_offset = -1;
      pr.error = script.error;
      response->partitions.push_back(pr);
    }
    state_->records_per_request.push_back(records);
    if (request.acks == kAcksNone) return;  // Kafka sends no response for acks=0
    if (state_->drop_produce_responses > 0) {
      --state_->drop_produce_responses;
      return;
    }
    ++state_->produce_pending;
    state_->produce_pending_max = std::max(state_->produce_pending_max, state_->produce_pending);
    if (state_->response_delay_us == 0) {
      --state_->produce_pending;
      env_.Send(from, std::move(response));
      return;
    }
    env_.SetTimer(state_->response_delay_us, [this, from, delayed = std::move(response)]() mutable {
      --state_->produce_pending;
      env_.Send(from, std::move(delayed));
    });
  }

  void OnFetch(NodeId from, const FetchRequest& request) {
    ++state_->fetch_requests;
    auto response = std::make_unique<FetchResponse>();
    response->correlation_id = request.correlation_id;
    for (const FetchPartition& fp : request.partitions) {
      state_->fetch_leader_epochs.push_back(fp.current_leader_epoch);
      FetchPartitionResponse pr;
      pr.tp = fp.tp;
      const int32_t p = fp.tp.partition;
      pr.high_watermark = state_->EndOffset(p);
      pr.log_start_offset = state_->StartOffset(p);
      pr.log_end_offset = state_->EndOffset(p);
      if (!state_->fetch_errors.empty()) {
        pr.error = state_->fetch_errors.front();
        state_->fetch_errors.pop_front();
      } else if (fp.fetch_offset < state_->StartOffset(p) ||
                 fp.fetch_offset > state_->EndOffset(p)) {
        pr.error = ErrorCode::kOffsetOutOfRange;
      } else {
        for (const std::string& batch : state_->batches[p]) {
          BatchHeader header;
          BatchHeader::Parse(batch, &header);
          if (header.last_offset() < fp.fetch_offset) continue;
          if (!pr.records.empty() &&
              static_cast<int64_t>(pr.records.size() + batch.size()) > fp.partition_max_bytes) {
            break;
          }
          pr.records += batch;
        }
      }
      response->partitions.push_back(std::move(pr));
    }
    env_.Send(from, std::move(response));
  }

  void OnListOffsets(NodeId from, const ListOffsetsRequest& request) {
    ++state_->list_offsets_requests;
    state_->list_offsets_timestamps.push_back(request.timestamp);
    auto response = std::make_unique<ListOffsetsResponse>();
    response->correlation_id = request.correlation_id;
    response->tp = request.tp;
    response->offset = request.timestamp == kEarliestTimestamp
                           ? state_->StartOffset(request.tp.partition)
                           : state_->EndOffset(request.tp.partition);
    env_.Send(from, std::move(response));
  }

  Env& env_;
  FakeBrokerState* state_;
};

}  // namespace ks::testing
