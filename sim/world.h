// World: the simulated universe one run happens in — the clock and its scheduler, the network,
// one disk per node, the nodes' processes, their Envs, and the trace stream.
//
// The world knows nothing of Kafka. A node is a name, a role label and a factory that builds its
// Process from an Env. The world drives processes (start, messages, timers, resets) and applies
// faults to them: crash (power loss: unsynced bytes gone), kill (the process dies, the OS and its
// page cache survive), clean shutdown, restart, pause/resume (a stop-the-world pause: timers and
// inbound messages wait), clock skew.
//
// Ownership: the world owns everything. A node's Process and Env live for one incarnation;
// its SimDisk lives as long as the world. Events for a node carry its incarnation, and the
// scheduler's gate drops those of a dead incarnation, parks those of a paused node, and defers
// those of a node still busy in a disk call.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/env.h"
#include "sim/network.h"
#include "sim/scheduler.h"
#include "sim/sim_disk.h"
#include "sim/trace_stream.h"

namespace ks {

enum class NodeStatus { kNotStarted, kUp, kPaused, kCrashed, kStopped };
std::string_view NodeStatusName(NodeStatus status);

using ProcessFactory = std::function<std::unique_ptr<Process>(Env& env)>;

struct WorldOptions {
  uint64_t seed = 1;
  // The wall clock every node starts from (ms since the Unix epoch): 2024-01-01T00:00:00Z.
  int64_t wall_clock_start_ms = 1704067200000;
  LinkOptions link_defaults;
  DiskOptions disk_defaults;
  // Trace every message sent and delivered (drops are always traced). Heavy; off by default.
  bool trace_messages = false;
  // Emit trace events at all. Benchmarks turn it off; the digest then covers nothing.
  bool tracing = true;
};

class SimEnv;

class World final : private NetworkHost {
 public:
  explicit World(WorldOptions options);
  ~World() override;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Adds a node (not started). Names must be unique.
  NodeId AddNode(std::string name, std::string role, ProcessFactory factory);
  NodeId AddNode(std::string name, std::string role, ProcessFactory factory,
                 const DiskOptions& disk);
  NodeId FindNode(std::string_view name) const;  // kNoNode if none
  const std::string& NodeName(NodeId node) const;
  const std::string& NodeRole(NodeId node) const;
  int32_t node_count() const { return static_cast<int32_t>(nodes_.size()); }

  // Lifecycle and faults. Each is traced as a world event ("node.crash", ...).
  void Start(NodeId node);  // first boot, or restart after crash/kill/stop
  // Start, or, for a node in the middle of a clean stop, start again as soon as its process has
  // exited (a crash meanwhile cancels it). Nothing for a node that is up or paused.
  void StartWhenStopped(NodeId node);
  void StartAll();          // every node not started yet
  void Crash(NodeId node);  // power loss: process gone, unsynced disk bytes lost
  void Kill(NodeId node);   // kill -9: process gone, page cache survives
  // Clean stop: Process::PrepareShutdown runs first (the node stays up until it proceeds), then
  // Process::Shutdown; what the process sent until then still arrives, then its connections
  // close. A stop of a node already stopping does nothing.
  void Shutdown(NodeId node);
  void Pause(NodeId node);
  void Resume(NodeId node);
  void SetClockSkew(NodeId node, int64_t skew_ms);
  int64_t clock_skew_ms(NodeId node) const;

  NodeStatus status(NodeId node) const;
  // Up, asked to stop, and not yet stopped (its process prepares its shutdown).
  bool stopping(NodeId node) const;
  // The node's latest incarnation: 0 before its first start, then 1, 2, ... at every start.
  uint32_t incarnation(NodeId node) const;
  Process* process(NodeId node) const;  // null unless up or paused
  template <typename T>
  T* ProcessAs(NodeId node) const {
    return dynamic_cast<T*>(process(node));
  }

  Scheduler& scheduler() { return scheduler_; }
  Network& network() { return network_; }
  SimDisk& disk(NodeId node);
  TraceStream& trace() { return trace_; }
  TimeUs Now() const { return scheduler_.Now(); }
  uint64_t seed() const { return options_.seed; }
  const WorldOptions& options() const { return options_; }
  // The stream the world's own faults draw from (torn tails, random choices of scenarios).
  Rng& FaultRng() { return fault_rng_; }

  // Records a world-level event (node = kNoNode) or one about `node`, at Now().
  template <typename E>
  void Trace(NodeId node, const E& event) {
    const EventKind& kind = EventKindOf<E>();
    if (!Observes(kind)) return;
    TraceBuffer buffer;
    EncodeEvent(event, &buffer.bytes());
    trace_.Emit(scheduler_.Now(), node, kind, buffer.bytes());
  }
  // True if events of `kind` are recorded or observed (Env::Observes).
  bool Observes(const EventKind& kind) const { return trace_.Wants(kind); }

  // While one is alive, disk work costs the nodes nothing: checkers and probes read the brokers'
  // logs to judge the run, and an observer must not change what it observes (a read charged to a
  // broker would delay its next event). Nests.
  class ObserverScope {
   public:
    explicit ObserverScope(World& world) : world_(world) { ++world_.observers_; }
    ~ObserverScope() { --world_.observers_; }
    ObserverScope(const ObserverScope&) = delete;
    ObserverScope& operator=(const ObserverScope&) = delete;

   private:
    World& world_;
  };

 private:
  friend class SimEnv;
  struct Node;

  Node& node_at(NodeId node);
  const Node& node_at(NodeId node) const;
  Scheduler::GateDecision Gate(int32_t owner, uint32_t owner_epoch, EventId id);
  void EndIncarnation(Node& node);
  // The process of `incarnation` is ready to stop (Process::PrepareShutdown proceeded).
  void CompleteShutdown(NodeId node, uint32_t incarnation);
  // Node-local time: the later of the clock and the end of the node's current disk work.
  TimeUs LocalNow(const Node& node) const;

  // NetworkHost:
  uint32_t Incarnation(NodeId node) const override { return incarnation(node); }
  void DeliverMessage(NodeId from, NodeId to, MessagePtr message) override;
  void DeliverReset(NodeId node, NodeId peer) override;
  Rng& NetworkRng(NodeId sender) override;
  void TraceNetwork(Traffic what, NodeId from, NodeId to, const Message* message,
                    std::string_view reason) override;
  bool TraceMessages() const override { return options_.trace_messages && options_.tracing; }
  Reachability ReachabilityOf(NodeId node) const override;

  WorldOptions options_;
  Scheduler scheduler_;
  TraceStream trace_;
  Network network_;
  Rng fault_rng_;
  std::vector<std::unique_ptr<Node>> nodes_;
  int observers_ = 0;  // live ObserverScopes
};

}  // namespace ks
