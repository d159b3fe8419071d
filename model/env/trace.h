// Trace events: every observable state change, as (time, node, kind, fields).
//
// The model describes a change as a typed event (model/env/trace_event.h: one struct per kind);
// the environment stamps time and node and hands it to the world's trace stream, which numbers
// it, folds it into the run's digest and passes it to the recorder, the checkers and viewers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/env/message.h"
#include "model/env/time.h"
#include "model/env/trace_event.h"

namespace ks {

// One event, owned. `seq` numbers events from 0 in the order they happened (-1: an event a run
// that does not record delivered to its observers only).
struct TraceEvent {
  int64_t seq = 0;
  TimeUs time_us = 0;
  NodeId node = kNoNode;  // kNoNode: the world itself (faults, scenario steps)
  std::string kind;       // its kind's name, "replica.hw"
  const EventKind* kind_info = nullptr;
  std::string data;  // its fields, encoded (model/env/trace_event.h)

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
  // Its fields as a JSON object (keys in the kind's Fields order); "{}" if they do not decode.
  std::string Json() const { return RenderEventJson(kind_info, data); }

  bool operator==(const TraceEvent& other) const {
    return seq == other.seq && time_us == other.time_us && node == other.node &&
           kind == other.kind && data == other.data;
  }
};

}  // namespace ks
