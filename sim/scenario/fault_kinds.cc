#include "sim/scenario/fault_kinds.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "model/env/check.h"
#include "sim/scenario/args.h"

namespace ks {
namespace {

using Type = FaultParameterType;

// Where the process of the node can be acted on: running, or stopped the world in a pause.
constexpr NodeStatusSet kRunning = {NodeStatus::kUp, NodeStatus::kPaused};
constexpr NodeStatusSet kDown = {NodeStatus::kCrashed, NodeStatus::kStopped,
                                 NodeStatus::kNotStarted};

std::vector<FaultKindInfo> BuildFaultKinds() {
  std::vector<FaultKindInfo> kinds = {
      // A node's process.
      {.kind = FaultKind::kCrash,
       .action = "crash",
       .label = "Crash (power loss: unsynced bytes lost)",
       .describe = "crash {node} (power loss)",
       .summary = "Power loss: the process dies and the disk keeps only fsynced bytes.",
       .synopsis = "node: NODE",
       .node_key = "node",
       .applies_in = kRunning},
      {.kind = FaultKind::kKill,
       .action = "kill",
       .label = "Kill (kill -9: page cache survives)",
       .describe = "kill {node} (kill -9)",
       .summary = "kill -9: the process dies; the OS survives, so its page cache is kept.",
       .synopsis = "node: NODE",
       .node_key = "node",
       .applies_in = kRunning},
      {.kind = FaultKind::kStop,
       .action = "stop",
       .label = "Stop (clean shutdown)",
       .describe = "stop {node} (clean shutdown)",
       .summary = "Clean shutdown: the process prepares (a broker's controlled shutdown moves its "
                  "leadership first), flushes what it must and exits; what it sent still "
                  "arrives, then its connections close.",
       .synopsis = "node: NODE",
       .node_key = "node",
       .applies_in = {NodeStatus::kUp}},
      {.kind = FaultKind::kRestart,
       .action = "restart",
       .label = "Restart",
       .describe = "restart {node}",
       .summary = "Starts a crashed, killed or stopped node (one still stopping, once it has "
                  "exited); its startup and recovery code runs.",
       .synopsis = "node: NODE",
       .node_key = "node",
       .applies_in = kDown},
      {.kind = FaultKind::kPause,
       .action = "pause",
       .label = "Pause (a long GC)",
       .describe = "pause {node} (a long GC)",
       .summary = "Stop-the-world pause (a long GC): the node's timers and inbound messages wait.",
       .synopsis = "node: NODE",
       .node_key = "node",
       .applies_in = {NodeStatus::kUp}},
      {.kind = FaultKind::kResume,
       .action = "resume",
       .label = "Resume",
       .describe = "resume {node}",
       .summary = "Ends a pause: what waited runs now, in order.",
       .synopsis = "node: NODE",
       .node_key = "node",
       .applies_in = {NodeStatus::kPaused}},
      {.kind = FaultKind::kClockSkew,
       .action = "clock_skew",
       .label = "Skew the clock",
       .describe = "skew {node}'s clock",
       .summary = "Shifts the node's wall clock (record timestamps), not its timers.",
       .synopsis = "node: NODE, skew_ms: INTEGER (may be negative)",
       .node_key = "node",
       .parameters = {{"skew_ms", Type::kInteger, true}}},
      // The network.
      {.kind = FaultKind::kIsolate,
       .action = "isolate",
       .label = "Isolate (partition it away from every node)",
       .describe = "isolate {node} (partition it away)",
       .summary = "Cuts one node off from every other node (both ways).",
       .synopsis = "node: NODE",
       .node_key = "node"},
      {.kind = FaultKind::kPartition,
       .action = "partition",
       .label = "Partition (cut the network between groups)",
       .describe = "partition {sides}",
       .summary =
           "Cuts the network: symmetric between groups, or one-way from some nodes to others.",
       .synopsis = "between: [[NODE...], [NODE...], ...]  |  from: [NODE...], to: [NODE...]",
       .target = FaultTarget::kSides},
      {.kind = FaultKind::kHeal,
       .action = "heal",
       .label = "Heal every partition",
       .describe = "heal every partition",
       .summary = "Ends every partition; broken connections are reset.",
       .synopsis = "",
       .target = FaultTarget::kNetwork},
      {.kind = FaultKind::kResetConnection,
       .action = "reset_connection",
       .label = "Reset a connection",
       .describe = "reset the connection {node} - {peer}",
       .summary =
           "Resets the connection between two nodes: in-flight messages are lost, both are told.",
       .synopsis = "node: NODE, peer: NODE",
       .target = FaultTarget::kLink,
       .node_key = "node",
       .peer_key = "peer"},
      {.kind = FaultKind::kDelaySpike,
       .action = "delay_spike",
       .label = "Delay spike (extra latency for a while)",
       .describe = "delay the links {node} -> {peer}",
       .summary = "Adds latency to the links from a node (to one peer, or to all) for a while.",
       .synopsis = "from: NODE, [to: NODE], extra: DURATION, for: DURATION",
       .target = FaultTarget::kLink,
       .node_key = "from",
       .peer_key = "to",
       .peer_optional = true,
       .parameters = {{"extra", Type::kDuration, true}, {"for", Type::kDuration, true}}},
      {.kind = FaultKind::kSetLink,
       .action = "set_link",
       .label = "Set a link's latency, bandwidth or loss",
       .describe = "set the link {node} - {peer}",
       .summary = "Changes a link's latency, bandwidth or loss (both directions unless one_way).",
       .synopsis = "from: NODE, to: NODE, [one_way: BOOL], [latency: {min, max}], "
                   "[bandwidth_bytes_per_s: SIZE], [drop_ppm: INTEGER]",
       .target = FaultTarget::kLink,
       .node_key = "from",
       .peer_key = "to",
       .parameters = {{"one_way", Type::kBool, false},
                      {"latency", Type::kLatency, false},
                      {"bandwidth_bytes_per_s", Type::kSize, false},
                      {"drop_ppm", Type::kInteger, false}}},
      // A node's disk.
      {.kind = FaultKind::kSlowDisk,
       .action = "slow_disk",
       .label = "Slow the disk",
       .describe = "slow {node}'s disk",
       .summary = "Multiplies the node's disk latencies (1 restores them).",
       .synopsis = "node: NODE, factor: INTEGER",
       .node_key = "node",
       .parameters = {{"factor", Type::kInteger, true}}},
      {.kind = FaultKind::kDiskFull,
       .action = "disk_full",
       .label = "Fill the disk",
       .describe = "fill {node}'s disk",
       .summary = "Fills the node's disk: every write that grows it fails with no space.",
       .synopsis = "node: NODE, [full: BOOL (false empties it again)]",
       .node_key = "node",
       .parameters = {{"full", Type::kBool, false}}},
      {.kind = FaultKind::kCorruptFile,
       .action = "corrupt_file",
       .label = "Corrupt a file",
       .describe = "corrupt a file of {node}",
       .summary = "Flips the bits of a byte range of a file, in cache and on disk.",
       .synopsis = "node: NODE, file: PATH, offset: INTEGER, length: INTEGER",
       .node_key = "node",
       .parameters = {{"file", Type::kPath, true},
                      {"offset", Type::kInteger, true},
                      {"length", Type::kInteger, false}}},
  };
  for (size_t i = 0; i < kinds.size(); ++i) {
    KS_CHECK_MSG(static_cast<size_t>(kinds[i].kind) == i, "fault kinds out of FaultKind order");
  }
  return kinds;
}

const FaultParameter* ParameterOf(const FaultKindInfo& info, const std::string& key) {
  for (const FaultParameter& parameter : info.parameters) {
    if (key == parameter.key) return &parameter;
  }
  return nullptr;
}

std::string ValueText(FaultParameterType type, const FaultArgument& argument) {
  switch (type) {
    case Type::kInteger:
    case Type::kSize:
      return std::to_string(argument.number);
    case Type::kDuration:
      return FormatDuration(argument.number);
    case Type::kBool:
      return argument.number != 0 ? "true" : "false";
    case Type::kPath:
      return YamlScalar(argument.text);
    case Type::kLatency:
      return "{min: " + FormatDuration(argument.number) +
             ", max: " + FormatDuration(argument.maximum) + "}";
  }
  return "?";
}

// The fault's arguments in the order of its kind's parameters, each checked to be one of them.
std::vector<std::pair<const FaultParameter*, const FaultArgument*>> OrderedArguments(
    const Fault& fault) {
  const FaultKindInfo& info = fault.info();
  for (const FaultArgument& argument : fault.arguments) {
    KS_CHECK_MSG(ParameterOf(info, argument.key) != nullptr,
                 std::string(info.action) + " has no parameter '" + argument.key + "'");
  }
  std::vector<std::pair<const FaultParameter*, const FaultArgument*>> ordered;
  for (const FaultParameter& parameter : info.parameters) {
    const FaultArgument* found = nullptr;
    for (const FaultArgument& argument : fault.arguments) {
      if (argument.key != parameter.key) continue;
      KS_CHECK_MSG(found == nullptr,
                   std::string(info.action) + ": '" + argument.key + "' given twice");
      found = &argument;
    }
    if (found != nullptr) ordered.emplace_back(&parameter, found);
  }
  return ordered;
}

// "[b1, b2]"
std::string NodeListText(const std::vector<std::string>& nodes) {
  std::string text = "[";
  for (size_t i = 0; i < nodes.size(); ++i) text += (i == 0 ? "" : ", ") + YamlScalar(nodes[i]);
  return text + "]";
}

// "b1 | b2,b3", or one way "b1 -> b2"
std::string SidesText(const Fault& fault) {
  std::string text;
  for (size_t i = 0; i < fault.sides.size(); ++i) {
    text += i == 0 ? "" : (fault.one_way ? " -> " : " | ");
    for (size_t j = 0; j < fault.sides[i].size(); ++j) {
      text += (j == 0 ? "" : ",") + fault.sides[i][j];
    }
  }
  return text;
}

void CheckTargets(const Fault& fault) {
  const FaultKindInfo& info = fault.info();
  switch (info.target) {
    case FaultTarget::kNetwork:
      break;
    case FaultTarget::kNode:
      KS_CHECK_MSG(!fault.node.empty(), std::string(info.action) + " needs a node");
      break;
    case FaultTarget::kLink:
      KS_CHECK_MSG(!fault.node.empty() && (info.peer_optional || !fault.peer.empty()),
                   std::string(info.action) + " needs a node and a peer");
      break;
    case FaultTarget::kSides:
      KS_CHECK_MSG(fault.one_way ? fault.sides.size() == 2 : fault.sides.size() >= 2,
                   "a partition needs two groups of nodes (or more, both ways)");
      for (const std::vector<std::string>& side : fault.sides) {
        KS_CHECK_MSG(!side.empty(), "a partition's group of nodes is empty");
      }
      break;
  }
  for (const FaultParameter& parameter : info.parameters) {
    if (!parameter.required) continue;
    const bool given =
        std::any_of(fault.arguments.begin(), fault.arguments.end(),
                    [&](const FaultArgument& argument) { return argument.key == parameter.key; });
    KS_CHECK_MSG(given, std::string(info.action) + " needs '" + parameter.key + "'");
  }
}

void ReplaceAll(std::string* text, std::string_view from, const std::string& to) {
  for (size_t at = text->find(from); at != std::string::npos; at = text->find(from, at)) {
    text->replace(at, from.size(), to);
    at += to.size();
  }
}

}  // namespace

const std::vector<FaultKindInfo>& FaultKinds() {
  static const std::vector<FaultKindInfo> kinds = BuildFaultKinds();
  return kinds;
}

const FaultKindInfo& FaultKindOf(FaultKind kind) {
  const size_t index = static_cast<size_t>(kind);
  KS_CHECK(index < FaultKinds().size());
  return FaultKinds()[index];
}

const FaultKindInfo* FindFaultKind(std::string_view action) {
  for (const FaultKindInfo& info : FaultKinds()) {
    if (action == info.action) return &info;
  }
  return nullptr;
}

std::string Fault::Describe() const {
  const FaultKindInfo& kind_info = info();
  // A partition between two single nodes, both ways, is what the viewer calls cutting a link.
  if (kind == FaultKind::kPartition && !one_way && sides.size() == 2 && sides[0].size() == 1 &&
      sides[1].size() == 1) {
    return "cut the link " + sides[0][0] + " - " + sides[1][0];
  }
  std::string text = kind_info.describe;
  ReplaceAll(&text, "{node}", node);
  ReplaceAll(&text, "{peer}", peer.empty() ? "*" : peer);
  ReplaceAll(&text, "{sides}", SidesText(*this) + (one_way ? " (one way)" : ""));
  std::string values;
  for (const auto& [parameter, argument] : OrderedArguments(*this)) {
    values += (values.empty() ? "" : ", ") + std::string(parameter->key) + ": " +
              ValueText(parameter->type, *argument);
  }
  return values.empty() ? text : text + " (" + values + ")";
}

std::string YamlScalar(const std::string& text) {
  const bool word =
      !text.empty() && std::isalpha(static_cast<unsigned char>(text[0])) &&
      std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
      });
  // Words YAML reads as something other than a string.
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool special = lower == "null" || lower == "true" || lower == "false" || lower == "yes" ||
                       lower == "no" || lower == "on" || lower == "off" || lower == "y" ||
                       lower == "n";
  if (word && !special) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

std::string FaultStepText(const Fault& fault, TimeUs at_us, const std::string& caption,
                          const std::string& pad) {
  CheckTargets(fault);
  const FaultKindInfo& info = fault.info();
  char at[96];
  std::snprintf(at, sizeof(at), "- at: %lldus  # %.6f s\n", static_cast<long long>(at_us),
                static_cast<double>(at_us) / 1e6);
  std::string text = pad + at;
  const std::string key_pad = pad + "  ";
  text += key_pad + "do: " + info.action + "\n";
  switch (info.target) {
    case FaultTarget::kNetwork:
      break;
    case FaultTarget::kNode:
      text += key_pad + info.node_key + ": " + YamlScalar(fault.node) + "\n";
      break;
    case FaultTarget::kLink:
      text += key_pad + info.node_key + ": " + YamlScalar(fault.node) + "\n";
      if (!fault.peer.empty())
        text += key_pad + info.peer_key + ": " + YamlScalar(fault.peer) + "\n";
      break;
    case FaultTarget::kSides:
      if (fault.one_way) {
        text += key_pad + "from: " + NodeListText(fault.sides[0]) + "\n";
        text += key_pad + "to: " + NodeListText(fault.sides[1]) + "\n";
      } else {
        text += key_pad + "between: [";
        for (size_t i = 0; i < fault.sides.size(); ++i) {
          text += (i == 0 ? "" : ", ") + NodeListText(fault.sides[i]);
        }
        text += "]\n";
      }
      break;
  }
  for (const auto& [parameter, argument] : OrderedArguments(fault)) {
    text += key_pad + parameter->key + ": " + ValueText(parameter->type, *argument) + "\n";
  }
  if (!caption.empty()) text += key_pad + "caption: " + YamlScalar(caption) + "\n";
  return text;
}

}  // namespace ks
