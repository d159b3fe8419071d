// The world's fault kinds, described once: which faults exist, the scenario action that carries
// each out, the nodes it acts on, the node states in which it applies, its parameters, a label for
// a menu, and how one fault is written as an `at:` step of a scenario.
//
// Faults are data (docs/architecture.md): a fault is a scenario step, whoever asks for it — a
// scenario's author, a click in the viewer's live mode (viewer/panels/fault_menu.cc), or a program
// that draws faults from a declared space. They all read this table, so a kind is added here, its
// action is registered from it (sim/scenario/world_vocabulary.cc, which also takes its state
// precondition from here), and every writer of fault steps knows it at once.
//
// A Fault is plain data naming nodes by name; FaultStepText writes it as YAML that the ordinary
// loader reads back (tests/scenario/fault_kinds_test.cc loads a step of every kind with every
// parameter). Whether the fault *can* run is decided when its step runs: a node in a state outside
// `applies_in` fails the step ("cannot restart b1: it is up").
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/time.h"
#include "sim/world.h"

namespace ks {

enum class FaultKind : uint8_t {
  // A node's process.
  kCrash,
  kKill,
  kStop,
  kRestart,
  kPause,
  kResume,
  kClockSkew,
  // The network.
  kIsolate,
  kPartition,
  kHeal,
  kResetConnection,
  kDelaySpike,
  kSetLink,
  // A node's disk.
  kSlowDisk,
  kDiskFull,
  kCorruptFile,
};

// A set of node states (NodeStatus), as bits.
class NodeStatusSet {
 public:
  constexpr NodeStatusSet() = default;
  constexpr NodeStatusSet(std::initializer_list<NodeStatus> statuses) {
    for (NodeStatus status : statuses) bits_ |= Bit(status);
  }
  // Every state a node can be in.
  static constexpr NodeStatusSet Any() {
    return {NodeStatus::kNotStarted, NodeStatus::kUp, NodeStatus::kPaused, NodeStatus::kCrashed,
            NodeStatus::kStopped};
  }
  constexpr bool Contains(NodeStatus status) const { return (bits_ & Bit(status)) != 0; }
  constexpr bool operator==(const NodeStatusSet&) const = default;

 private:
  static constexpr uint8_t Bit(NodeStatus status) {
    return static_cast<uint8_t>(1u << static_cast<unsigned>(status));
  }
  uint8_t bits_ = 0;
};

// What a fault acts on, and under which keys its step names it.
enum class FaultTarget : uint8_t {
  kNetwork,  // the whole network, no node (heal)
  kNode,     // one node, under `node_key`
  kLink,     // a node and a peer, under `node_key` and `peer_key` (the peer may be optional)
  kSides,  // groups of nodes: `between: [[...], [...], ...]`, or one way `from: [...]`, `to: [...]`
};

enum class FaultParameterType : uint8_t {
  kInteger,   // 10
  kSize,      // bytes, written as a number
  kDuration,  // microseconds, written with a unit: 250ms
  kBool,      // true or false
  kPath,      // a file's path on the node's disk
  kLatency,   // a range of durations: {min: 1ms, max: 5ms}
};

// One parameter of a fault beyond the nodes it acts on: `factor: 10`.
struct FaultParameter {
  const char* key;
  FaultParameterType type;
  bool required;
};

struct FaultKindInfo {
  FaultKind kind = FaultKind::kCrash;
  const char* action = "";  // the scenario action that carries it out: "crash"
  const char* label = "";   // a menu item: "Crash (power loss: unsynced bytes lost)"
  // For Fault::Describe, with {node}, {peer} and {sides} filled in: "crash {node} (power loss)".
  const char* describe = "";
  const char* summary = "";   // `kafkasim vocabulary`: what it does
  const char* synopsis = "";  // `kafkasim vocabulary`: its keys
  FaultTarget target = FaultTarget::kNode;
  const char* node_key = nullptr;  // kNode and kLink: "node" (or "from")
  const char* peer_key = nullptr;  // kLink: "peer" (or "to")
  bool peer_optional = false;      // kLink: the peer may be left out (delay_spike: every peer)
  // The states of the node (`node_key`) in which the action runs; in others its step fails.
  NodeStatusSet applies_in = NodeStatusSet::Any();
  std::vector<FaultParameter> parameters;  // beyond the nodes, in the order a step writes them
};

// Every fault kind, in FaultKind order.
const std::vector<FaultKindInfo>& FaultKinds();
const FaultKindInfo& FaultKindOf(FaultKind kind);
// The kind whose action is `action` ("crash"), or null.
const FaultKindInfo* FindFaultKind(std::string_view action);

// A value given to one of the kind's parameters; which members count depends on its type.
struct FaultArgument {
  std::string key;
  int64_t number = 0;   // kInteger, kSize, kBool (0 or 1), kDuration (us); kLatency's min (us)
  int64_t maximum = 0;  // kLatency's max (us)
  std::string text;     // kPath

  static FaultArgument Number(std::string key, int64_t number) { return {std::move(key), number}; }
  static FaultArgument Text(std::string key, std::string text) {
    return {std::move(key), 0, 0, std::move(text)};
  }
  static FaultArgument Latency(std::string key, DurationUs min_us, DurationUs max_us) {
    return {std::move(key), min_us, max_us};
  }
  bool operator==(const FaultArgument&) const = default;
};

// One fault, as a scenario step would state it. Nodes are named by their scenario names.
struct Fault {
  FaultKind kind = FaultKind::kCrash;
  std::string node;  // kNode and kLink targets
  std::string peer;  // kLink targets; empty when the peer is optional and left out
  // kSides: two or more groups cut from each other; with one_way, two: from sides[0] to sides[1].
  std::vector<std::vector<std::string>> sides;
  bool one_way = false;
  std::vector<FaultArgument> arguments;  // parameters of the kind, each at most once

  // A partition between two one-node groups: the link between `a` and `b`, both ways.
  static Fault CutLink(std::string a, std::string b) {
    return Fault{FaultKind::kPartition, "", "", {{std::move(a)}, {std::move(b)}}};
  }

  const FaultKindInfo& info() const { return FaultKindOf(kind); }
  // For people: "crash b1 (power loss)", "cut the link b1 - b2", "slow b1's disk (factor: 10)".
  std::string Describe() const;
  bool operator==(const Fault&) const = default;
};

// `text` as a YAML scalar: plain when it is a simple word (b1, orders-0), double-quoted otherwise.
std::string YamlScalar(const std::string& text);

// The fault as one `at:` step of a block list, every line starting with `pad`:
//   - at: 1500us  # 0.001500 s
//     do: partition
//     between: [[b1], [b2]]
//     caption: "..."          (left out when `caption` is empty)
// REQUIRES: the fault names the nodes its target needs, and only parameters of its kind.
std::string FaultStepText(const Fault& fault, TimeUs at_us, const std::string& caption,
                          const std::string& pad);

}  // namespace ks
