// The history of client operations, Jepsen-style, recorded as trace events so that checkers, the
// viewer and notebooks rebuild it from the event stream alone.
//
// One event per step of an operation, kind "history.op", fields in this order
// (docs/trace-schema.md, "history.op"):
//   op       the client's operation number (0, 1, 2...); an invoke and its completion share it
//   process  the client's name ("<client>#<incarnation>" after a restart: a new process, as in
//            Jepsen, because op numbers start over)
//   type     invoke | ok | fail | info
//   f        send | poll
//   send:    topic, partition (-1 until known), key (omitted when null), value,
//            offset (ok only), error (fail and info only: a Kafka error name)
//   poll ok: records, a JSON array of [partition, offset, value] triples (value null for a
//            tombstone)
// Semantics as Jepsen's: invoke when the operation starts; ok when it is known to have happened
// (with the offset); fail only when it definitely did not happen; info when the outcome is
// unknown (it may or may not have been written). An invoke without a completion (the client
// crashed) is unknown as well.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/env.h"
#include "model/env/trace.h"
#include "model/kafka/errors.h"

namespace ks {

enum class HistoryType { kInvoke, kOk, kFail, kInfo };
enum class HistoryFunction { kSend, kPoll };

std::string_view HistoryTypeName(HistoryType type);
std::string_view HistoryFunctionName(HistoryFunction f);

// One record a poll returned.
struct HistoryRecord {
  int32_t partition = -1;
  int64_t offset = -1;
  std::optional<std::string> value;
  bool operator==(const HistoryRecord&) const = default;
};

// One history event, parsed back.
struct HistoryOp {
  // From the trace event.
  int64_t seq = 0;
  TimeUs time_us = 0;
  NodeId node = kNoNode;
  // From its fields.
  int64_t op = -1;
  std::string process;
  HistoryType type = HistoryType::kInvoke;
  HistoryFunction f = HistoryFunction::kSend;
  std::string topic;                   // send
  int32_t partition = -1;              // send
  std::optional<std::string> key;      // send; nullopt: a null key
  std::string value;                   // send
  int64_t offset = -1;                 // send ok
  std::string error;                   // send fail / info
  std::vector<HistoryRecord> records;  // poll ok
};

namespace ev {
struct HistoryOp;
struct PolledRecord;
}  // namespace ev

// The owned form of a history.op event (the event's strings and records copied).
HistoryOp ToHistoryOp(int64_t seq, TimeUs time_us, NodeId node, const ev::HistoryOp& event);
// The history op a recorded event holds; nullopt if it is of another kind.
std::optional<HistoryOp> ParseHistoryOp(const TraceEvent& event);

// Writes history events for one client. Does nothing (cheaply) when the Env does not trace.
class HistoryRecorder {
 public:
  HistoryRecorder(Env& env, std::string process) : env_(env), process_(std::move(process)) {}

  // A fresh operation number.
  int64_t NextOp() { return next_op_++; }

  void SendInvoke(int64_t op, std::string_view topic, int32_t partition,
                  const std::optional<std::string_view>& key, std::string_view value);
  // type kOk: `offset` is written; kFail / kInfo: `error` is written.
  void SendComplete(int64_t op, HistoryType type, std::string_view topic, int32_t partition,
                    const std::optional<std::string_view>& key, std::string_view value,
                    int64_t offset, ErrorCode error);
  void PollInvoke(int64_t op);
  void PollOk(int64_t op, const std::vector<ev::PolledRecord>& records);

  const std::string& process() const { return process_; }
  int64_t ops() const { return next_op_; }

 private:
  Env& env_;
  std::string process_;
  int64_t next_op_ = 0;
};

}  // namespace ks
