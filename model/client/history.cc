#include "model/client/history.h"

#include "model/client/client_events.h"

namespace ks {

std::string_view HistoryTypeName(HistoryType type) {
  switch (type) {
    case HistoryType::kInvoke:
      return "invoke";
    case HistoryType::kOk:
      return "ok";
    case HistoryType::kFail:
      return "fail";
    case HistoryType::kInfo:
      return "info";
  }
  return "info";
}

std::string_view HistoryFunctionName(HistoryFunction f) {
  return f == HistoryFunction::kSend ? "send" : "poll";
}

void HistoryRecorder::SendInvoke(int64_t op, std::string_view topic, int32_t partition,
                                 const std::optional<std::string_view>& key,
                                 std::string_view value) {
  env_.Trace(ev::HistoryOp{.op = op,
                           .process = process_,
                           .type = HistoryType::kInvoke,
                           .f = HistoryFunction::kSend,
                           .tp = TpRef(topic, partition),
                           .key = key,
                           .value = value});
}

void HistoryRecorder::SendComplete(int64_t op, HistoryType type, std::string_view topic,
                                   int32_t partition, const std::optional<std::string_view>& key,
                                   std::string_view value, int64_t offset, ErrorCode error) {
  ev::HistoryOp event{.op = op,
                      .process = process_,
                      .type = type,
                      .f = HistoryFunction::kSend,
                      .tp = TpRef(topic, partition),
                      .key = key,
                      .value = value};
  if (type == HistoryType::kOk) {
    event.offset = offset;
  } else if (type == HistoryType::kFail || type == HistoryType::kInfo) {
    event.error = error;
  }
  env_.Trace(event);
}

void HistoryRecorder::PollInvoke(int64_t op) {
  env_.Trace(ev::HistoryOp{
      .op = op, .process = process_, .type = HistoryType::kInvoke, .f = HistoryFunction::kPoll});
}

void HistoryRecorder::PollOk(int64_t op, const std::vector<ev::PolledRecord>& records) {
  env_.Trace(ev::HistoryOp{.op = op,
                           .process = process_,
                           .type = HistoryType::kOk,
                           .f = HistoryFunction::kPoll,
                           .records = TraceList<ev::PolledRecord>(records)});
}

HistoryOp ToHistoryOp(int64_t seq, TimeUs time_us, NodeId node, const ev::HistoryOp& event) {
  HistoryOp op;
  op.seq = seq;
  op.time_us = time_us;
  op.node = node;
  op.op = event.op;
  op.process = std::string(event.process);
  op.type = event.type;
  op.f = event.f;
  if (event.tp.has_value()) {
    op.topic = std::string(event.tp->topic);
    op.partition = event.tp->partition;
  }
  if (event.key.has_value()) op.key = std::string(*event.key);
  op.value = std::string(event.value.value_or(""));
  op.offset = event.offset.value_or(-1);
  if (event.error.has_value()) op.error = std::string(ErrorName(*event.error));
  if (event.records.has_value()) {
    for (const ev::PolledRecord& record : *event.records) {
      HistoryRecord& copy = op.records.emplace_back();
      copy.partition = record.tp.partition;
      copy.offset = record.offset;
      if (record.value.has_value()) copy.value = std::string(*record.value);
    }
  }
  return op;
}

std::optional<HistoryOp> ParseHistoryOp(const TraceEvent& event) {
  std::optional<ev::HistoryOp> typed = event.As<ev::HistoryOp>();
  if (!typed) return std::nullopt;
  return ToHistoryOp(event.seq, event.time_us, event.node, *typed);
}

}  // namespace ks
