#include "model/client/history.h"

#include <charconv>

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

void AppendHistoryRecordJson(std::string* json, int32_t partition, int64_t offset,
                             const std::optional<std::string_view>& value) {
  char buffer[24];
  json->push_back('[');
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), partition);
  json->append(buffer, end);
  json->push_back(',');
  auto [end2, ec2] = std::to_chars(buffer, buffer + sizeof(buffer), offset);
  json->append(buffer, end2);
  json->push_back(',');
  if (value.has_value()) {
    AppendJsonString(json, *value);
  } else {
    json->append("null");
  }
  json->push_back(']');
}

TraceFields HistoryRecorder::Head(int64_t op, HistoryType type, HistoryFunction f) const {
  TraceFields fields;
  fields.Add("op", op)
      .Add("process", process_)
      .Add("type", HistoryTypeName(type))
      .Add("f", HistoryFunctionName(f));
  return fields;
}

void HistoryRecorder::SendInvoke(int64_t op, std::string_view topic, int32_t partition,
                                 const std::optional<std::string_view>& key,
                                 std::string_view value) {
  if (!env_.Tracing()) return;
  TraceFields fields = Head(op, HistoryType::kInvoke, HistoryFunction::kSend);
  fields.Add("topic", topic).Add("partition", partition);
  if (key.has_value()) fields.Add("key", *key);
  fields.Add("value", value);
  env_.Trace(kHistoryOpKind, std::move(fields));
}

void HistoryRecorder::SendComplete(int64_t op, HistoryType type, std::string_view topic,
                                   int32_t partition, const std::optional<std::string_view>& key,
                                   std::string_view value, int64_t offset, ErrorCode error) {
  if (!env_.Tracing()) return;
  TraceFields fields = Head(op, type, HistoryFunction::kSend);
  fields.Add("topic", topic).Add("partition", partition);
  if (key.has_value()) fields.Add("key", *key);
  fields.Add("value", value);
  if (type == HistoryType::kOk) {
    fields.Add("offset", offset);
  } else if (type == HistoryType::kFail || type == HistoryType::kInfo) {
    fields.Add("error", ErrorName(error));
  }
  env_.Trace(kHistoryOpKind, std::move(fields));
}

void HistoryRecorder::PollInvoke(int64_t op) {
  if (!env_.Tracing()) return;
  env_.Trace(kHistoryOpKind, Head(op, HistoryType::kInvoke, HistoryFunction::kPoll));
}

void HistoryRecorder::PollOk(int64_t op, std::string_view records_json) {
  if (!env_.Tracing()) return;
  TraceFields fields = Head(op, HistoryType::kOk, HistoryFunction::kPoll);
  fields.AddRaw("records", records_json);
  env_.Trace(kHistoryOpKind, std::move(fields));
}

// ---------------------------------------------------------------------------------------------
// Parsing. The fields are a flat JSON object whose values are integers, strings, null, or (for
// "records") an array of arrays of those; this small parser accepts exactly that shape.
namespace {

struct JsonValue {
  enum class Type { kNull, kInteger, kString, kArray } type = Type::kNull;
  int64_t integer = 0;
  std::string text;
  std::vector<JsonValue> items;
};

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // Calls fn(key, value) for each member of the top-level object; false on malformed input.
  template <typename Fn>
  bool ParseObject(Fn&& fn) {
    SkipSpace();
    if (!Consume('{')) return false;
    SkipSpace();
    if (Consume('}')) return AtEnd();
    std::string key;
    while (true) {
      key.clear();
      JsonValue value;
      SkipSpace();
      if (!ParseString(&key)) return false;
      SkipSpace();
      if (!Consume(':')) return false;
      if (!ParseValue(&value, 0)) return false;
      fn(key, value);
      SkipSpace();
      if (Consume(',')) continue;
      if (Consume('}')) return AtEnd();
      return false;
    }
  }

 private:
  static constexpr int kMaxDepth = 4;

  bool AtEnd() {
    SkipSpace();
    return p_ == end_;
  }
  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }
  bool Consume(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  bool ParseValue(JsonValue* out, int depth) {
    SkipSpace();
    if (p_ >= end_ || depth > kMaxDepth) return false;
    if (*p_ == '"') {
      out->type = JsonValue::Type::kString;
      return ParseString(&out->text);
    }
    if (*p_ == '[') {
      ++p_;
      out->type = JsonValue::Type::kArray;
      SkipSpace();
      if (Consume(']')) return true;
      while (true) {
        out->items.emplace_back();
        if (!ParseValue(&out->items.back(), depth + 1)) return false;
        SkipSpace();
        if (Consume(',')) continue;
        return Consume(']');
      }
    }
    if (end_ - p_ >= 4 && std::string_view(p_, 4) == "null") {
      p_ += 4;
      out->type = JsonValue::Type::kNull;
      return true;
    }
    auto [ptr, ec] = std::from_chars(p_, end_, out->integer);
    if (ec != std::errc()) return false;
    p_ = ptr;
    out->type = JsonValue::Type::kInteger;
    return true;
  }

  bool ParseString(std::string* out) {
    if (!Consume('"')) return false;
    while (p_ < end_) {
      // The run up to the next quote or escape is copied in one append.
      const char* run = p_;
      while (p_ < end_ && *p_ != '"' && *p_ != '\\') ++p_;
      out->append(run, static_cast<size_t>(p_ - run));
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == '"') return true;
      if (p_ >= end_) return false;
      const char e = *p_++;
      switch (e) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'u': {
          // Only what AppendJsonString writes: \u00XX control characters.
          if (end_ - p_ < 4) return false;
          unsigned code = 0;
          auto [ptr, ec] = std::from_chars(p_, p_ + 4, code, 16);
          if (ec != std::errc() || ptr != p_ + 4 || code > 0xff) return false;
          out->push_back(static_cast<char>(code));
          p_ += 4;
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  const char* p_;
  const char* end_;
};

bool ParseRecords(const JsonValue& value, std::vector<HistoryRecord>* out) {
  if (value.type != JsonValue::Type::kArray) return false;
  for (const JsonValue& item : value.items) {
    if (item.type != JsonValue::Type::kArray || item.items.size() != 3 ||
        item.items[0].type != JsonValue::Type::kInteger ||
        item.items[1].type != JsonValue::Type::kInteger) {
      return false;
    }
    HistoryRecord record;
    record.partition = static_cast<int32_t>(item.items[0].integer);
    record.offset = item.items[1].integer;
    if (item.items[2].type == JsonValue::Type::kString) {
      record.value = item.items[2].text;
    } else if (item.items[2].type != JsonValue::Type::kNull) {
      return false;
    }
    out->push_back(std::move(record));
  }
  return true;
}

}  // namespace

std::optional<HistoryOp> ParseHistoryOp(const TraceEvent& event) {
  return ParseHistoryOp(event.seq, event.time_us, event.node, event.kind, event.fields_json);
}

std::optional<HistoryOp> ParseHistoryOp(int64_t seq, TimeUs time_us, NodeId node,
                                        std::string_view kind, std::string_view fields_json) {
  if (kind != kHistoryOpKind) return std::nullopt;
  HistoryOp op;
  op.seq = seq;
  op.time_us = time_us;
  op.node = node;
  bool ok = true;
  bool saw_op = false, saw_process = false, saw_type = false, saw_f = false;
  JsonParser parser(fields_json);
  const bool parsed = parser.ParseObject([&](const std::string& key, JsonValue& value) {
    using Type = JsonValue::Type;
    if (key == "op" && value.type == Type::kInteger) {
      op.op = value.integer;
      saw_op = true;
    } else if (key == "process" && value.type == Type::kString) {
      op.process = std::move(value.text);
      saw_process = true;
    } else if (key == "type" && value.type == Type::kString) {
      saw_type = true;
      if (value.text == "invoke") {
        op.type = HistoryType::kInvoke;
      } else if (value.text == "ok") {
        op.type = HistoryType::kOk;
      } else if (value.text == "fail") {
        op.type = HistoryType::kFail;
      } else if (value.text == "info") {
        op.type = HistoryType::kInfo;
      } else {
        ok = false;
      }
    } else if (key == "f" && value.type == Type::kString) {
      saw_f = true;
      if (value.text == "send") {
        op.f = HistoryFunction::kSend;
      } else if (value.text == "poll") {
        op.f = HistoryFunction::kPoll;
      } else {
        ok = false;
      }
    } else if (key == "topic" && value.type == Type::kString) {
      op.topic = std::move(value.text);
    } else if (key == "partition" && value.type == Type::kInteger) {
      op.partition = static_cast<int32_t>(value.integer);
    } else if (key == "key" && value.type == Type::kString) {
      op.key = value.text;
    } else if (key == "value" && value.type == Type::kString) {
      op.value = std::move(value.text);
    } else if (key == "offset" && value.type == Type::kInteger) {
      op.offset = value.integer;
    } else if (key == "error" && value.type == Type::kString) {
      op.error = std::move(value.text);
    } else if (key == "records") {
      ok = ok && ParseRecords(value, &op.records);
    } else {
      ok = false;  // an unknown field, or a known one of the wrong type
    }
  });
  if (!parsed || !ok || !saw_op || !saw_process || !saw_type || !saw_f) return std::nullopt;
  return op;
}

}  // namespace ks
