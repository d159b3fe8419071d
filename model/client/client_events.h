// The clients' trace events (docs/trace-schema.md, "Clients and the history"): the Jepsen-style
// history (history.op) and what the producer and consumer saw and did. Node: the client.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "model/client/consumer_config.h"
#include "model/client/history.h"
#include "model/client/producer.h"
#include "model/env/trace_event.h"
#include "model/kafka/errors.h"
#include "model/kafka/topic_partition.h"

namespace ks {

inline std::string_view TraceName(SendOutcome outcome) { return SendOutcomeName(outcome); }
inline std::string_view TraceName(OffsetResetPolicy policy) {
  return OffsetResetPolicyName(policy);
}
inline std::string_view TraceName(HistoryType type) { return HistoryTypeName(type); }
inline std::string_view TraceName(HistoryFunction f) { return HistoryFunctionName(f); }

namespace ev {

// One record a poll returned: [tp, offset, value] (value null for a tombstone).
struct PolledRecord {
  TpRef tp;
  int64_t offset = -1;
  std::optional<std::string_view> value;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("offset", e.offset);
    v("value", e.value);
  }
};

// One step of a client operation (HistoryRecorder, model/client/history.h). Sends carry the
// partition, key (absent: a null key), value, and offset (ok) or error (fail, info); a poll's ok
// carries the records it returned.
struct HistoryOp {
  static constexpr std::string_view kName = "history.op";
  int64_t op = -1;
  std::string_view process;
  HistoryType type = HistoryType::kInvoke;
  HistoryFunction f = HistoryFunction::kSend;
  std::optional<TpRef> tp;  // the partition -1 until the producer chose it
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::optional<int64_t> offset;
  std::optional<ErrorCode> error;
  std::optional<TraceList<PolledRecord>> records;
  static void Fields(auto& e, auto& v) {
    v("op", e.op);
    v("process", e.process);
    v("type", e.type);
    v("f", e.f);
    v("tp", e.tp);
    v("key", e.key);
    v("value", e.value);
    v("offset", e.offset);
    v("error", e.error);
    v("records", e.records);
  }
};

// The leader of each partition of a topic, as a metadata answer gave it (-1: none). Rendered as
// a JSON object member: "orders":[1,2,3].
struct TopicLeaders {
  static constexpr bool kJsonObjectMember = true;
  std::string_view topic;
  IntList<int32_t> leaders;
  static void Fields(auto& e, auto& v) {
    v("topic", e.topic);
    v("leaders", e.leaders);
  }
};

// A metadata answer was applied; `complete` is false when a used topic is unknown or a partition
// has no leader (the client asks again after retry.backoff.ms).
struct ClientMetadata {
  std::string_view client;
  int32_t from = -1;  // the node answering
  int64_t brokers = 0;
  TraceList<TopicLeaders> leaders;
  bool complete = false;
  static void Fields(auto& e, auto& v) {
    v("client", e.client);
    v("from", e.from);
    v("brokers", e.brokers);
    v("leaders", e.leaders);
    v("complete", e.complete);
  }
};
struct ProducerMetadata : ClientMetadata {
  static constexpr std::string_view kName = "producer.metadata";
};
struct ConsumerMetadata : ClientMetadata {
  static constexpr std::string_view kName = "consumer.metadata";
};

// One batch of a ProduceRequest: [tp, records, attempt] (attempt 1: the first send).
struct SentBatch {
  TpRef tp;
  int64_t records = 0;
  int32_t attempt = 0;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("records", e.records);
    v("attempt", e.attempt);
  }
};
struct ProducerRequestSent {
  static constexpr std::string_view kName = "producer.request_sent";
  std::string_view client;
  int32_t node = -1;
  int64_t correlation_id = 0;
  int64_t acks = 0;
  int64_t bytes = 0;  // batch bytes
  TraceList<SentBatch> batches;
  static void Fields(auto& e, auto& v) {
    v("client", e.client);
    v("node", e.node);
    v("correlation_id", e.correlation_id);
    v("acks", e.acks);
    v("bytes", e.bytes);
    v("batches", e.batches);
  }
};

// One partition of a ProduceResponse: [tp, error, base_offset].
struct ProducedPartition {
  TpRef tp;
  ErrorCode error = ErrorCode::kNone;
  int64_t base_offset = -1;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("error", e.error);
    v("base_offset", e.base_offset);
  }
};
struct ProducerResponse {
  static constexpr std::string_view kName = "producer.response";
  std::string_view client;
  int32_t node = -1;
  int64_t correlation_id = 0;
  TraceList<ProducedPartition> partitions;
  static void Fields(auto& e, auto& v) {
    v("client", e.client);
    v("node", e.node);
    v("correlation_id", e.correlation_id);
    v("partitions", e.partitions);
  }
};

// request.timeout.ms passed without an answer; the request's batches are retried (or fail).
struct ProducerRequestTimeout {
  static constexpr std::string_view kName = "producer.request_timeout";
  std::string_view client;
  int32_t node = -1;
  int64_t correlation_id = 0;
  static void Fields(auto& e, auto& v) {
    v("client", e.client);
    v("node", e.node);
    v("correlation_id", e.correlation_id);
  }
};

// A batch goes back to the front of its partition's queue, to be resent after retry.backoff.ms.
struct ProducerRetry {
  static constexpr std::string_view kName = "producer.retry";
  std::string_view client;
  TpRef tp;
  int64_t records = 0;
  int32_t attempt = 0;  // sends so far
  ErrorCode error = ErrorCode::kNone;
  static void Fields(auto& e, auto& v) {
    v("client", e.client);
    v("tp", e.tp);
    v("records", e.records);
    v("attempt", e.attempt);
    v("error", e.error);
  }
};

// A batch completed without success; `outcome` as the history: fail or info.
struct ProducerBatchFailed {
  static constexpr std::string_view kName = "producer.batch_failed";
  std::string_view client;
  TpRef tp;
  int64_t records = 0;
  int32_t attempts = 0;
  ErrorCode error = ErrorCode::kNone;
  SendOutcome outcome = SendOutcome::kFailed;
  static void Fields(auto& e, auto& v) {
    v("client", e.client);
    v("tp", e.tp);
    v("records", e.records);
    v("attempts", e.attempts);
    v("error", e.error);
    v("outcome", e.outcome);
  }
};

// One partition of a FetchResponse: [tp, error, fetch_offset, records decoded, high_watermark].
struct FetchedPartition {
  TpRef tp;
  ErrorCode error = ErrorCode::kNone;
  int64_t fetch_offset = 0;
  int64_t records = 0;
  int64_t high_watermark = -1;
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("error", e.error);
    v("fetch_offset", e.fetch_offset);
    v("records", e.records);
    v("high_watermark", e.high_watermark);
  }
};
struct ConsumerFetch {
  static constexpr std::string_view kName = "consumer.fetch";
  std::string_view client;
  int32_t node = -1;
  int64_t correlation_id = 0;
  TraceList<FetchedPartition> partitions;
  static void Fields(auto& e, auto& v) {
    v("client", e.client);
    v("node", e.node);
    v("correlation_id", e.correlation_id);
    v("partitions", e.partitions);
  }
};

// A partition's position was set by a ListOffsets answer (auto.offset.reset, SeekToBeginning,
// SeekToEnd).
struct ConsumerReset {
  static constexpr std::string_view kName = "consumer.reset";
  std::string_view client;
  TpRef tp;
  OffsetResetPolicy strategy = OffsetResetPolicy::kLatest;
  int64_t offset = 0;
  static void Fields(auto& e, auto& v) {
    v("client", e.client);
    v("tp", e.tp);
    v("strategy", e.strategy);
    v("offset", e.offset);
  }
};

// A poll surfaced an error (auto.offset.reset=none and no valid position).
struct ConsumerError {
  static constexpr std::string_view kName = "consumer.error";
  std::string_view client;
  TpRef tp;
  ErrorCode error = ErrorCode::kNone;
  static void Fields(auto& e, auto& v) {
    v("client", e.client);
    v("tp", e.tp);
    v("error", e.error);
  }
};

}  // namespace ev
}  // namespace ks
