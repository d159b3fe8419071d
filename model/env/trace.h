// Trace events: every observable state change, as (time, node, kind, fields).
//
// The model describes a change with a kind ("log.append", "replica.hw") and fields built with
// TraceFields; the environment stamps time and node and hands it to the world's trace stream,
// which numbers it, folds it into the run's digest and passes it to the recorder and viewers.
// Fields are kept as the text of a JSON object with keys in the order they were added: that text
// is canonical (the digest hashes it) and is what the SQLite trace stores.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/env/message.h"
#include "model/env/time.h"

namespace ks {

// Builds the fields of one event as a compact JSON object: {"offset":5,"file":"a.log"}.
class TraceFields {
 public:
  // The JSON text lives in a buffer taken from a small per-thread pool and given back on
  // destruction, so building an event's fields does not allocate once the pool is warm.
  TraceFields();
  ~TraceFields();
  TraceFields(const TraceFields&) = default;
  TraceFields(TraceFields&&) noexcept = default;
  TraceFields& operator=(const TraceFields&) = default;
  TraceFields& operator=(TraceFields&&) noexcept = default;

  TraceFields& Add(std::string_view key, int64_t value);
  TraceFields& Add(std::string_view key, int32_t value) { return Add(key, int64_t{value}); }
  TraceFields& Add(std::string_view key, uint32_t value) { return Add(key, int64_t{value}); }
  TraceFields& Add(std::string_view key, bool value);
  TraceFields& Add(std::string_view key, std::string_view value);
  TraceFields& Add(std::string_view key, const char* value) {
    return Add(key, std::string_view(value));
  }
  TraceFields& Add(std::string_view key, const std::string& value) {
    return Add(key, std::string_view(value));
  }
  // Adds already-formatted JSON (an array or object) under `key`.
  TraceFields& AddRaw(std::string_view key, std::string_view json);

  // The finished JSON object text.
  std::string Finish() &&;
  std::string_view View();

 private:
  void Key(std::string_view key);
  std::string json_;
  bool closed_ = false;
};

// Appends `text` to *out as a JSON string literal (quotes included, escapes as needed).
void AppendJsonString(std::string* out, std::string_view text);

// One recorded event. `seq` numbers events from 0 in the order they happened.
struct TraceEvent {
  int64_t seq = 0;
  TimeUs time_us = 0;
  NodeId node = kNoNode;  // kNoNode: the world itself (faults, scenario steps)
  std::string kind;
  std::string fields_json;

  bool operator==(const TraceEvent&) const = default;
};

}  // namespace ks
