// Env: the one door between a node's logic and the world.
//
// Everything the model needs from outside — time, timers, randomness, the network, the disk and
// the trace — comes through an Env handed to it at construction, as LevelDB reaches the OS through
// its Env and TigerBeetle's replica through simulated Storage and Time. The simulator (sim/)
// implements it; model code never includes a clock, <random>, <thread>, <fstream> or a socket
// header (tests/model/model_purity_test.cc enforces this).
//
// One Env belongs to one node and lives as long as the node's current incarnation: a crash
// destroys the node's Process together with every timer it set; a restart builds a new Process
// with a fresh Env on the same disk.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/env/callback.h"
#include "model/env/disk.h"
#include "model/env/message.h"
#include "model/env/rng.h"
#include "model/env/time.h"
#include "model/env/trace_event.h"

namespace ks {

using TimerId = uint64_t;
constexpr TimerId kNoTimer = 0;

class Env {
 public:
  virtual ~Env() = default;

  virtual NodeId Self() const = 0;

  // The monotonic simulated time as this node sees it, for timeouts and intervals. It includes
  // time the node spent blocked in its own disk calls during the current step.
  virtual TimeUs Now() const = 0;
  // This node's wall clock in milliseconds since the Unix epoch, for record timestamps and
  // time-based retention. It is Now() shifted by the world's start time and this node's skew.
  virtual int64_t WallClockMs() const = 0;

  // Runs `callback` on this node after `delay` (>= 0). Timers set for the same instant run in the
  // order they were set. Timers die with the incarnation that set them.
  virtual TimerId SetTimer(DurationUs delay, Callback callback) = 0;
  // Cancels a pending timer; false if it already ran, was cancelled, or is unknown.
  virtual bool CancelTimer(TimerId timer) = 0;

  // This node's random stream, derived from the run's seed and the node's id (and the given
  // component name: each component gets an independent stream).
  virtual Rng& Random(std::string_view component) = 0;

  // Sends a message to another node over the (ordered, per-pair) connection. Delivery is not
  // guaranteed: partitions, resets and crashes lose messages, and the sender is told of resets
  // through Process::OnConnectionReset.
  virtual void Send(NodeId to, MessagePtr message) = 0;
  // Closes the connection to `peer`; both ends see OnConnectionReset, in-flight messages are lost.
  virtual void ResetConnection(NodeId peer) = 0;

  virtual Disk& LocalDisk() = 0;

  // Records an observable state change of this node: `event` is one of the ev:: event types
  // (model/env/trace_event.h). Cheap when nobody observes events of its kind.
  template <typename E>
  void Trace(const E& event) {
    const EventKind& kind = EventKindOf<E>();
    if (!Observes(kind)) return;
    TraceBuffer buffer;
    EncodeEvent(event, &buffer.bytes());
    TraceEncoded(kind, buffer.bytes());
  }
  // True if an event of `kind` would be recorded or observed: emitters of events that are
  // costly to build ask first.
  virtual bool Observes(const EventKind& kind) const = 0;
  template <typename E>
  bool Observes() const {
    return Observes(EventKindOf<E>());
  }
  // An event already encoded (Trace encodes, then calls this).
  virtual void TraceEncoded(const EventKind& kind, std::string_view data) = 0;
};

// Process: the logic of one node, driven by the world. The world calls Start once per incarnation
// (boot and every restart: recovery code belongs there), then OnMessage / OnConnectionReset as
// things arrive, and timers as they fire. A crash destroys the Process without warning; a clean
// stop calls Shutdown first.
class Process {
 public:
  virtual ~Process() = default;
  virtual void Start() = 0;
  virtual void OnMessage(NodeId from, MessagePtr message) = 0;
  virtual void OnConnectionReset(NodeId /*peer*/) {}
  // A clean shutdown (a SIGTERM, not a crash) begins. The process keeps running (messages,
  // timers) until it calls `proceed` — at once by default; a Kafka broker first moves its
  // leadership away (controlled shutdown). `proceed` may be called from any of its handlers; the
  // world then calls Shutdown() in an event of its own.
  virtual void PrepareShutdown(Callback proceed) { proceed(); }
  // The last step of a clean shutdown: flush what must be flushed. What it sends still leaves;
  // then the connections close (FIN after the data, as a process that exits cleanly).
  virtual void Shutdown() {}
};

}  // namespace ks
