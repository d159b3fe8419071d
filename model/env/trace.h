// Trace events: every observable state change, as (time, node, kind, fields).
//
// The model describes a change as a typed event (model/env/trace_event.h: one struct per kind);
// the environment stamps time and node and hands it to the world's trace stream, which numbers
// it, folds it into the run's digest and passes it to the recorder, the checkers and viewers.
//
// TraceFields (an event's fields built as JSON text under a kind name) is the older, untyped way,
// kept while the last emitters move to typed events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/env/message.h"
#include "model/env/time.h"
#include "model/env/trace_event.h"

namespace ks {

// A field's name: a string literal, checked when the program is compiled to need no JSON
// escaping, so that writing it into the fields is a plain copy.
class TraceKey {
 public:
  template <size_t N>
  consteval TraceKey(const char (&name)[N])  // NOLINT: implicit, so Add("offset", ...) reads well
      : name_(name, N - 1) {
    for (char c : name_) {
      // Evaluated at compile time: a name that would need escaping does not compile.
      if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') throw "escaped name";
    }
  }
  constexpr std::string_view name() const { return name_; }

 private:
  std::string_view name_;
};

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

  TraceFields& Add(TraceKey key, int64_t value);
  TraceFields& Add(TraceKey key, int32_t value) { return Add(key, int64_t{value}); }
  TraceFields& Add(TraceKey key, uint32_t value) { return Add(key, int64_t{value}); }
  TraceFields& Add(TraceKey key, bool value);
  TraceFields& Add(TraceKey key, std::string_view value);
  TraceFields& Add(TraceKey key, const char* value) { return Add(key, std::string_view(value)); }
  TraceFields& Add(TraceKey key, const std::string& value) {
    return Add(key, std::string_view(value));
  }
  // Adds already-formatted JSON (an array or object) under `key`.
  TraceFields& AddRaw(TraceKey key, std::string_view json);

  // The finished JSON object text.
  std::string Finish() &&;
  std::string_view View();

 private:
  void Key(TraceKey key);
  std::string json_;
  bool closed_ = false;
};

// One recorded event, owned. `seq` numbers events from 0 in the order they happened.
struct TraceEvent {
  int64_t seq = 0;
  TimeUs time_us = 0;
  NodeId node = kNoNode;  // kNoNode: the world itself (faults, scenario steps)
  std::string kind;
  std::string fields_json;
  // A typed event's kind and encoded fields (null and empty for an untyped one).
  const EventKind* kind_info = nullptr;
  std::string data;

  // The event as an E; nullopt if it is of another kind.
  template <typename E>
  std::optional<E> As() const {
    if (kind_info != &EventKindOf<E>()) return std::nullopt;
    return DecodeEvent<E>(data);
  }
  template <typename E>
  bool Is() const {
    return kind_info == &EventKindOf<E>();
  }

  bool operator==(const TraceEvent& other) const {
    return seq == other.seq && time_us == other.time_us && node == other.node &&
           kind == other.kind && fields_json == other.fields_json && data == other.data;
  }
};

}  // namespace ks
