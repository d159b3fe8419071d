#include "sim/world.h"

#include <algorithm>

#include "model/env/check.h"
#include "sim/sim_env.h"
#include "sim/world_events.h"

namespace ks {

std::string_view NodeStatusName(NodeStatus status) {
  switch (status) {
    case NodeStatus::kNotStarted:
      return "not_started";
    case NodeStatus::kUp:
      return "up";
    case NodeStatus::kPaused:
      return "paused";
    case NodeStatus::kCrashed:
      return "crashed";
    case NodeStatus::kStopped:
      return "stopped";
  }
  return "unknown";
}

struct World::Node {
  std::string name;
  std::string role;
  ProcessFactory factory;
  std::unique_ptr<SimDisk> disk;
  std::unique_ptr<SimEnv> env;
  std::unique_ptr<Process> process;
  NodeStatus status = NodeStatus::kNotStarted;
  uint32_t incarnation = 0;
  TimeUs busy_until = 0;
  int64_t clock_skew_ms = 0;
  std::vector<EventId> parked;
  Rng network_rng{0};
  bool machine_down = false;        // crashed by power loss (vs. killed or stopped)
  bool stopping = false;            // a clean stop began; the process has not proceeded yet
  bool start_when_stopped = false;  // a restart asked for during the stop
  bool preparing = false;           // inside Process::PrepareShutdown
  bool proceeded = false;           // ... which proceeded before it returned
};

World::World(WorldOptions options)
    : options_(options),
      network_(scheduler_, *this, options.link_defaults),
      fault_rng_(Rng::Stream(options.seed, "world/faults")) {
  trace_.SetRecording(options_.tracing);
  trace_.SetClock([this] { return scheduler_.Now(); });
  scheduler_.SetGate(
      [this](int32_t owner, uint32_t epoch, EventId id) { return Gate(owner, epoch, id); });
}

World::~World() {
  // Processes may hold timers and callbacks referring to the world: destroy them first.
  for (auto& node : nodes_) {
    node->process.reset();
    node->env.reset();
  }
}

NodeId World::AddNode(std::string name, std::string role, ProcessFactory factory) {
  return AddNode(std::move(name), std::move(role), std::move(factory), options_.disk_defaults);
}

NodeId World::AddNode(std::string name, std::string role, ProcessFactory factory,
                      const DiskOptions& disk) {
  KS_CHECK_MSG(FindNode(name) == kNoNode, "duplicate node name " + name);
  const NodeId id = static_cast<NodeId>(nodes_.size());
  auto node = std::make_unique<Node>();
  node->network_rng = Rng::Stream(options_.seed, "node/" + name + "/network");
  node->name = std::move(name);
  node->role = std::move(role);
  node->factory = std::move(factory);
  node->disk = std::make_unique<SimDisk>(disk);
  Node* raw = node.get();
  node->disk->SetCostSink([this, raw](DurationUs latency) {
    if (observers_ > 0) return;  // a checker's or probe's read: not the node's work
    raw->busy_until = LocalNow(*raw) + latency;
  });
  nodes_.push_back(std::move(node));
  network_.EnsureNodes(node_count());
  Trace(id, ev::NodeAdd{.name = nodes_.back()->name, .role = nodes_.back()->role});
  return id;
}

NodeId World::FindNode(std::string_view name) const {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i]->name == name) return static_cast<NodeId>(i);
  }
  return kNoNode;
}

World::Node& World::node_at(NodeId node) {
  KS_CHECK(node >= 0 && node < node_count());
  return *nodes_[static_cast<size_t>(node)];
}

const World::Node& World::node_at(NodeId node) const {
  KS_CHECK(node >= 0 && node < node_count());
  return *nodes_[static_cast<size_t>(node)];
}

const std::string& World::NodeName(NodeId node) const { return node_at(node).name; }
const std::string& World::NodeRole(NodeId node) const { return node_at(node).role; }
NodeStatus World::status(NodeId node) const { return node_at(node).status; }
bool World::stopping(NodeId node) const { return node_at(node).stopping; }
uint32_t World::incarnation(NodeId node) const { return node_at(node).incarnation; }
SimDisk& World::disk(NodeId node) { return *node_at(node).disk; }
int64_t World::clock_skew_ms(NodeId node) const { return node_at(node).clock_skew_ms; }

Process* World::process(NodeId node) const { return node_at(node).process.get(); }

TimeUs World::LocalNow(const Node& node) const {
  return std::max(scheduler_.Now(), node.busy_until);
}

Scheduler::GateDecision World::Gate(int32_t owner, uint32_t epoch, EventId id) {
  Node& node = node_at(owner);
  if (epoch != node.incarnation ||
      (node.status != NodeStatus::kUp && node.status != NodeStatus::kPaused)) {
    return {Scheduler::GateAction::kDrop, 0};
  }
  if (node.status == NodeStatus::kPaused) {
    node.parked.push_back(id);
    return {Scheduler::GateAction::kPark, 0};
  }
  if (node.busy_until > scheduler_.Now()) {
    return {Scheduler::GateAction::kDefer, node.busy_until};
  }
  return {Scheduler::GateAction::kRun, 0};
}

void World::Start(NodeId id) {
  Node& node = node_at(id);
  KS_CHECK_MSG(node.status == NodeStatus::kNotStarted || node.status == NodeStatus::kCrashed ||
                   node.status == NodeStatus::kStopped,
               "start of a node that is " + std::string(NodeStatusName(node.status)));
  const bool first_boot = node.status == NodeStatus::kNotStarted;
  // A new incarnation number at every start (the first is 1), never at the end of one: events
  // addressed to a node while it is down carry the number of its dead (or not yet started)
  // incarnation and are dropped. Counting up at the crash instead gave a message sent to a crashed
  // node the number of its next incarnation, which then received it after the restart.
  node.incarnation++;
  node.status = NodeStatus::kUp;
  node.machine_down = false;
  node.busy_until = scheduler_.Now();
  node.env = std::make_unique<SimEnv>(*this, id, node.incarnation);
  node.process = node.factory(*node.env);
  KS_CHECK(node.process != nullptr);
  const auto incarnation = static_cast<int32_t>(node.incarnation);
  if (first_boot) {
    Trace(id, ev::NodeStart{.incarnation = incarnation});
  } else {
    Trace(id, ev::NodeRestart{.incarnation = incarnation});
  }
  Process* process = node.process.get();
  scheduler_.Schedule(
      scheduler_.Now(), [process] { process->Start(); }, id, node.incarnation);
}

void World::StartAll() {
  for (NodeId id = 0; id < node_count(); ++id) {
    if (node_at(id).status == NodeStatus::kNotStarted) Start(id);
  }
}

void World::EndIncarnation(Node& node) {
  node.process.reset();
  node.env.reset();
  for (EventId id : node.parked) scheduler_.Cancel(id);
  node.parked.clear();
  node.busy_until = scheduler_.Now();
  node.stopping = false;
}

void World::StartWhenStopped(NodeId id) {
  Node& node = node_at(id);
  if (node.stopping) {
    node.start_when_stopped = true;
  } else if (node.status != NodeStatus::kUp && node.status != NodeStatus::kPaused) {
    Start(id);  // crashed, killed, stopped or not started yet
  }
}

void World::Crash(NodeId id) {
  Node& node = node_at(id);
  if (node.status != NodeStatus::kUp && node.status != NodeStatus::kPaused) return;
  node.start_when_stopped = false;
  node.status = NodeStatus::kCrashed;
  node.machine_down = true;
  EndIncarnation(node);
  Trace(id, ev::NodeCrash{.power_loss = true});
  for (const CrashLoss& loss : node.disk->Crash(fault_rng_)) {
    Trace(id, ev::DiskCrashLoss{.file = loss.path,
                                .size_before = loss.size_before,
                                .size_after = loss.size_after,
                                .torn_bytes = loss.torn_bytes_kept});
  }
  // No FIN, no RST: the peers find out by their own timeouts.
  network_.SeverAllOf(id);
}

void World::Kill(NodeId id) {
  Node& node = node_at(id);
  if (node.status != NodeStatus::kUp && node.status != NodeStatus::kPaused) return;
  node.start_when_stopped = false;
  node.status = NodeStatus::kCrashed;
  node.machine_down = false;
  EndIncarnation(node);
  Trace(id, ev::NodeCrash{.power_loss = false});
  network_.ResetAllOf(id);
}

void World::Shutdown(NodeId id) {
  Node& node = node_at(id);
  if (node.status != NodeStatus::kUp || node.stopping) return;
  node.stopping = true;
  node.preparing = true;
  node.proceeded = false;
  const uint32_t incarnation = node.incarnation;
  node.process->PrepareShutdown([this, id, incarnation] {
    Node& n = node_at(id);
    if (n.incarnation != incarnation || !n.stopping) return;
    if (n.preparing) {
      n.proceeded = true;  // completed below, once PrepareShutdown has returned
      return;
    }
    // Called from one of the process's handlers: it must not be destroyed under it.
    scheduler_.Schedule(
        scheduler_.Now(), [this, id, incarnation] { CompleteShutdown(id, incarnation); }, id,
        incarnation);
  });
  node.preparing = false;
  if (node.proceeded) CompleteShutdown(id, incarnation);
}

void World::CompleteShutdown(NodeId id, uint32_t incarnation) {
  Node& node = node_at(id);
  if (node.incarnation != incarnation || node.status != NodeStatus::kUp || !node.stopping) return;
  node.process->Shutdown();
  node.status = NodeStatus::kStopped;
  EndIncarnation(node);
  Trace(id, ev::NodeStop{});
  // A clean exit: what it sent still arrives, then each peer sees the connection close.
  network_.CloseAllOf(id);
  if (node.start_when_stopped) {
    node.start_when_stopped = false;
    Start(id);
  }
}

void World::Pause(NodeId id) {
  Node& node = node_at(id);
  if (node.status != NodeStatus::kUp) return;
  node.status = NodeStatus::kPaused;
  Trace(id, ev::NodePause{});
}

void World::Resume(NodeId id) {
  Node& node = node_at(id);
  if (node.status != NodeStatus::kPaused) return;
  node.status = NodeStatus::kUp;
  Trace(id, ev::NodeResume{.waiting_events = static_cast<int64_t>(node.parked.size())});
  // What waited runs now, in the order it would have run.
  for (EventId parked : node.parked) scheduler_.Unpark(parked, scheduler_.Now());
  node.parked.clear();
}

void World::SetClockSkew(NodeId id, int64_t skew_ms) {
  node_at(id).clock_skew_ms = skew_ms;
  Trace(id, ev::NodeClockSkew{.skew_ms = skew_ms});
}

void World::DeliverMessage(NodeId from, NodeId to, MessagePtr message) {
  Node& node = node_at(to);
  KS_CHECK(node.process != nullptr);
  node.process->OnMessage(from, std::move(message));
}

void World::DeliverReset(NodeId id, NodeId peer) {
  Node& node = node_at(id);
  if (node.status != NodeStatus::kUp && node.status != NodeStatus::kPaused) return;
  Trace(id, ev::NetReset{.peer = NodeName(peer)});
  scheduler_.Schedule(
      scheduler_.Now(),
      [this, id, peer] {
        if (Process* p = process(id)) p->OnConnectionReset(peer);
      },
      id, node.incarnation);
}

Rng& World::NetworkRng(NodeId sender) { return node_at(sender).network_rng; }

NetworkHost::Reachability World::ReachabilityOf(NodeId id) const {
  const Node& node = node_at(id);
  switch (node.status) {
    case NodeStatus::kUp:
    case NodeStatus::kPaused:  // the kernel still accepts; the messages wait
      return Reachability::kListening;
    case NodeStatus::kCrashed:
      return node.machine_down ? Reachability::kSilent : Reachability::kRefusing;
    case NodeStatus::kStopped:
      return Reachability::kRefusing;
    case NodeStatus::kNotStarted:
      return Reachability::kSilent;
  }
  return Reachability::kListening;
}

void World::TraceNetwork(Traffic what, NodeId from, NodeId to, const Message* message,
                         std::string_view reason) {
  ev::NetMessage fields;
  fields.to = NodeName(to);
  fields.message = message->Kind();
  fields.bytes = message->SizeBytes();
  if (!reason.empty()) fields.reason = reason;
  switch (what) {
    case Traffic::kSend:
      Trace(from, ev::NetSend{fields});
      break;
    case Traffic::kDeliver:
      Trace(from, ev::NetDeliver{fields});
      break;
    case Traffic::kDrop:
      Trace(from, ev::NetDrop{fields});
      break;
  }
}

}  // namespace ks
