#include "sim/scenario/world_vocabulary.h"

#include "model/util/config_def.h"
#include "sim/scenario/fault_kinds.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario_events.h"
#include "sim/world_events.h"

namespace ks {

namespace {

using SelectorPtr = std::unique_ptr<NodeSelector>;
using SelectorList = std::vector<SelectorPtr>;

// Resolves every selector of a list; on failure returns false with *error set.
bool ResolveAll(ScenarioRun& run, const SelectorList& selectors, std::vector<NodeId>* ids,
                std::string* error) {
  for (const SelectorPtr& selector : selectors) {
    const NodeId id = selector->Resolve(run, error);
    if (id == kNoNode) return false;
    ids->push_back(id);
  }
  return true;
}

// The precondition of a fault kind on the node it acts on (sim/scenario/fault_kinds.h): the step
// fails, saying why, when the node is in a state the kind does not apply in.
Status RequireStatus(World& world, NodeId id, FaultKind kind) {
  const FaultKindInfo& info = FaultKindOf(kind);
  if (info.applies_in.Contains(world.status(id))) return Status::Ok();
  // A node in the middle of a clean stop (a broker's controlled shutdown) is restarted once its
  // process has exited, as an operator's `restart` waits for the stop it follows.
  if (kind == FaultKind::kRestart && world.stopping(id)) return Status::Ok();
  return Status::InvalidArgument("cannot " + std::string(info.action) + " " + world.NodeName(id) +
                                 ": it is " + std::string(NodeStatusName(world.status(id))));
}

// A fault on one node (`node: NAME`), applied when the node is in a state the kind applies in.
class NodeFaultAction final : public Action {
 public:
  using Apply = std::function<Status(World&, NodeId)>;
  NodeFaultAction(FaultKind kind, SelectorPtr node, Apply apply)
      : kind_(kind), node_(std::move(node)), apply_(std::move(apply)) {}
  Status Execute(ScenarioRun& run) override {
    std::string error;
    const NodeId id = node_->Resolve(run, &error);
    if (id == kNoNode) return Status::InvalidArgument(error);
    Status status = RequireStatus(run.world(), id, kind_);
    if (!status.ok()) return status;
    return apply_(run.world(), id);
  }

 private:
  FaultKind kind_;
  SelectorPtr node_;
  Apply apply_;
};

// Registers the action of a fault kind, with its name and documentation from the kind's table.
void AddFault(ScenarioRegistry& registry, FaultKind kind, ActionParser parser) {
  const FaultKindInfo& info = FaultKindOf(kind);
  registry.AddAction(info.action, {info.summary, info.synopsis}, std::move(parser));
}

// The action of a fault on one node, read from the kind's node key (its other parameters are read
// by the caller); `apply` carries the fault out.
std::unique_ptr<Action> ParseNodeFault(FaultKind kind, Args& args, ParseScope& scope,
                                       NodeFaultAction::Apply apply) {
  return std::make_unique<NodeFaultAction>(kind, scope.ParseNode(args, FaultKindOf(kind).node_key),
                                           std::move(apply));
}

// A closure action (for actions whose arguments are all resolved at parse time).
class LambdaAction final : public Action {
 public:
  explicit LambdaAction(std::function<Status(ScenarioRun&)> body) : body_(std::move(body)) {}
  Status Execute(ScenarioRun& run) override { return body_(run); }

 private:
  std::function<Status(ScenarioRun&)> body_;
};

class LambdaProbe final : public Probe {
 public:
  LambdaProbe(std::string description, std::function<ProbeValue(ScenarioRun&)> read)
      : description_(std::move(description)), read_(std::move(read)) {}
  ProbeValue Read(ScenarioRun& run) const override { return read_(run); }
  std::string Describe() const override { return description_; }

 private:
  std::string description_;
  std::function<ProbeValue(ScenarioRun&)> read_;
};

// A fault on one node with no other parameter.
void AddNodeFault(ScenarioRegistry& registry, FaultKind kind, NodeFaultAction::Apply apply) {
  AddFault(registry, kind, [kind, apply](Args& args, ParseScope& scope) {
    return ParseNodeFault(kind, args, scope, apply);
  });
}

// Traffic between optional endpoints: totals when both are omitted.
std::unique_ptr<Probe> ParseLinkProbe(Args& args, ParseScope& scope, const char* name,
                                      int64_t LinkStats::*field) {
  SelectorPtr from = args.Has("from") ? scope.ParseNode(args, "from") : nullptr;
  SelectorPtr to = args.Has("to") ? scope.ParseNode(args, "to") : nullptr;
  args.Allow("from");
  args.Allow("to");
  std::string description = std::string(name) + "(" + (from ? from->Describe() : "*") + " -> " +
                            (to ? to->Describe() : "*") + ")";
  std::shared_ptr<NodeSelector> from_shared(std::move(from)), to_shared(std::move(to));
  return std::make_unique<LambdaProbe>(
      description, [from_shared, to_shared, field](ScenarioRun& run) {
        World& world = run.world();
        std::string error;
        const NodeId from_id = from_shared ? from_shared->Resolve(run, &error) : kNoNode;
        const NodeId to_id = to_shared ? to_shared->Resolve(run, &error) : kNoNode;
        int64_t total = 0;
        for (NodeId a = 0; a < world.node_count(); ++a) {
          if (from_id != kNoNode && a != from_id) continue;
          for (NodeId b = 0; b < world.node_count(); ++b) {
            if (to_id != kNoNode && b != to_id) continue;
            if (a != b) total += world.network().stats(a, b).*field;
          }
        }
        return ProbeValue::Number(total);
      });
}

void RegisterLifecycleActions(ScenarioRegistry& registry) {
  AddNodeFault(registry, FaultKind::kCrash, [](World& world, NodeId id) {
    world.Crash(id);
    return Status::Ok();
  });
  AddNodeFault(registry, FaultKind::kKill, [](World& world, NodeId id) {
    world.Kill(id);
    return Status::Ok();
  });
  AddNodeFault(registry, FaultKind::kStop, [](World& world, NodeId id) {
    world.Shutdown(id);
    return Status::Ok();
  });
  AddNodeFault(registry, FaultKind::kRestart, [](World& world, NodeId id) {
    world.StartWhenStopped(id);  // down: now; still stopping: once it has exited
    return Status::Ok();
  });
  AddNodeFault(registry, FaultKind::kPause, [](World& world, NodeId id) {
    world.Pause(id);
    return Status::Ok();
  });
  AddNodeFault(registry, FaultKind::kResume, [](World& world, NodeId id) {
    world.Resume(id);
    return Status::Ok();
  });
  AddFault(registry, FaultKind::kClockSkew,
           [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
             if (!args.Has("skew_ms")) args.Fail("clock_skew needs 'skew_ms'");
             const int64_t skew_ms =
                 args.GetIntegerIn("skew_ms", 0, -config::kMaxDurationMs, config::kMaxDurationMs,
                                   "kafkasim: a wall clock must fit 64 bits");
             return ParseNodeFault(FaultKind::kClockSkew, args, scope,
                                   [skew_ms](World& world, NodeId id) {
                                     world.SetClockSkew(id, skew_ms);
                                     return Status::Ok();
                                   });
           });
}

void RegisterNetworkActions(ScenarioRegistry& registry) {
  AddFault(registry, FaultKind::kPartition,
           [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
             std::vector<std::shared_ptr<SelectorList>> groups;
             bool one_way = false;
             if (args.Has("between")) {
               const YAML::Node between = args.Raw("between");
               if (!between.IsSequence() || between.size() < 2) {
                 args.FailAt("between",
                             "'between' is a list of at least two groups of nodes, "
                             "like [[b1], [b2, b3]]");
               }
               for (const YAML::Node& group : between) {
                 auto list = std::make_shared<SelectorList>();
                 if (group.IsSequence()) {
                   for (const YAML::Node& item : group) list->push_back(scope.ParseNodeValue(item));
                 } else {
                   list->push_back(scope.ParseNodeValue(group));
                 }
                 groups.push_back(list);
               }
               args.Allow("from");
               args.Allow("to");
             } else {
               one_way = true;
               groups.push_back(std::make_shared<SelectorList>(scope.ParseNodeList(args, "from")));
               groups.push_back(std::make_shared<SelectorList>(scope.ParseNodeList(args, "to")));
             }
             return std::make_unique<LambdaAction>([groups, one_way](ScenarioRun& run) {
               std::vector<std::vector<NodeId>> sides;
               std::string error;
               for (const auto& group : groups) {
                 sides.emplace_back();
                 if (!ResolveAll(run, *group, &sides.back(), &error)) {
                   return Status::InvalidArgument(error);
                 }
               }
               std::string text;
               for (size_t i = 0; i < sides.size(); ++i) {
                 text += i == 0 ? "" : (one_way ? " -> " : " | ");
                 for (size_t j = 0; j < sides[i].size(); ++j) {
                   text += (j == 0 ? "" : ",") + run.world().NodeName(sides[i][j]);
                 }
               }
               for (size_t i = 0; i < sides.size(); ++i) {
                 for (size_t j = i + 1; j < sides.size(); ++j) {
                   run.world().network().Partition(sides[i], sides[j], one_way);
                 }
               }
               run.world().Trace(kNoNode, ev::NetPartition{.sides = text, .one_way = one_way});
               return Status::Ok();
             });
           });
  AddNodeFault(registry, FaultKind::kIsolate, [](World& world, NodeId id) {
    std::vector<NodeId> others;
    for (NodeId n = 0; n < world.node_count(); ++n) {
      if (n != id) others.push_back(n);
    }
    world.network().Partition({id}, others, false);
    const std::string sides = world.NodeName(id) + " | *";
    world.Trace(kNoNode, ev::NetPartition{.sides = sides, .one_way = false});
    return Status::Ok();
  });
  AddFault(registry, FaultKind::kHeal, [](Args&, ParseScope&) -> std::unique_ptr<Action> {
    return std::make_unique<LambdaAction>([](ScenarioRun& run) {
      run.world().Trace(kNoNode, ev::NetHeal{});
      run.world().network().HealAll();
      return Status::Ok();
    });
  });
  AddFault(registry, FaultKind::kResetConnection,
           [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
             std::shared_ptr<NodeSelector> node = scope.ParseNode(args, "node");
             std::shared_ptr<NodeSelector> peer = scope.ParseNode(args, "peer");
             return std::make_unique<LambdaAction>([node, peer](ScenarioRun& run) {
               std::string error;
               const NodeId a = node->Resolve(run, &error);
               const NodeId b = peer->Resolve(run, &error);
               if (a == kNoNode || b == kNoNode) return Status::InvalidArgument(error);
               if (a == b) return Status::InvalidArgument("a node has no connection to itself");
               Status status = RequireStatus(run.world(), a, FaultKind::kResetConnection);
               if (!status.ok()) return status;
               run.world().network().ResetConnection(a, b);
               return Status::Ok();
             });
           });
  AddFault(registry, FaultKind::kDelaySpike,
           [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
             std::shared_ptr<NodeSelector> from = scope.ParseNode(args, "from");
             std::shared_ptr<NodeSelector> to =
                 args.Has("to") ? std::shared_ptr<NodeSelector>(scope.ParseNode(args, "to"))
                                : nullptr;
             args.Allow("to");
             const DurationUs extra = args.GetDuration("extra");
             const DurationUs duration = args.GetDuration("for");
             return std::make_unique<LambdaAction>([=](ScenarioRun& run) {
               std::string error;
               const NodeId a = from->Resolve(run, &error);
               const NodeId b = to ? to->Resolve(run, &error) : kNoNode;
               if (a == kNoNode || (to && b == kNoNode)) return Status::InvalidArgument(error);
               World& world = run.world();
               Status status = RequireStatus(world, a, FaultKind::kDelaySpike);
               if (!status.ok()) return status;
               for (NodeId peer = 0; peer < world.node_count(); ++peer) {
                 if (peer == a || (b != kNoNode && peer != b)) continue;
                 world.network().DelaySpike(a, peer, extra, world.Now() + duration);
               }
               const std::string target = to ? to->Describe() : "*";
               world.Trace(
                   a, ev::NetDelaySpike{.to = target, .extra_us = extra, .duration_us = duration});
               return Status::Ok();
             });
           });
  AddFault(
      registry, FaultKind::kSetLink, [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        std::shared_ptr<NodeSelector> from = scope.ParseNode(args, "from");
        std::shared_ptr<NodeSelector> to = scope.ParseNode(args, "to");
        const bool one_way = args.GetBool("one_way", false);
        // Only the keys given change; the others keep the link's current values.
        const bool has_latency = args.Has("latency");
        const bool has_bandwidth = args.Has("bandwidth_bytes_per_s");
        const bool has_drop = args.Has("drop_ppm");
        std::optional<Args> latency = args.GetMap("latency");
        DurationUs min_us = 0, max_us = 0;
        if (latency) {
          min_us = latency->GetDuration("min");
          max_us = latency->GetDuration("max", min_us);
          if (max_us < min_us) {
            latency->FailAt("max", "latency max (" + FormatDuration(max_us) + ") is below min (" +
                                       FormatDuration(min_us) + ")");
          }
          latency->Finish();
        }
        const int64_t bandwidth = args.GetSize("bandwidth_bytes_per_s", 0);
        const int64_t drop_ppm =
            args.GetIntegerIn("drop_ppm", 0, 0, 1000000, "drop_ppm is parts per million");
        return std::make_unique<LambdaAction>([=](ScenarioRun& run) {
          std::string error;
          const NodeId a = from->Resolve(run, &error);
          const NodeId b = to->Resolve(run, &error);
          if (a == kNoNode || b == kNoNode) return Status::InvalidArgument(error);
          World& world = run.world();
          Status status = RequireStatus(world, a, FaultKind::kSetLink);
          if (!status.ok()) return status;
          for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
            LinkOptions options = world.network().link_options(x, y);
            if (has_latency) {
              options.latency_min_us = min_us;
              options.latency_max_us = max_us;
            }
            if (has_bandwidth) options.bandwidth_bytes_per_s = bandwidth;
            if (has_drop) options.drop_ppm = static_cast<uint32_t>(drop_ppm);
            world.network().SetLinkOptions(x, y, options);
            world.Trace(x, ev::NetSetLink{.to = world.NodeName(y),
                                          .latency_min_us = options.latency_min_us,
                                          .latency_max_us = options.latency_max_us,
                                          .bandwidth_bytes_per_s = options.bandwidth_bytes_per_s,
                                          .drop_ppm = options.drop_ppm});
            if (one_way) break;
          }
          return Status::Ok();
        });
      });
}

void RegisterDiskActions(ScenarioRegistry& registry) {
  AddFault(
      registry, FaultKind::kSlowDisk, [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        if (!args.Has("factor")) args.Fail("slow_disk needs 'factor'");
        const int64_t factor =
            args.GetIntegerIn("factor", 1, 1, 1000000,
                              "kafkasim: a slower disk's latencies must still fit the clock");
        return ParseNodeFault(FaultKind::kSlowDisk, args, scope, [factor](World& world, NodeId id) {
          world.disk(id).SetSlowFactor(factor);
          world.Trace(id, ev::DiskSlow{.factor = factor});
          return Status::Ok();
        });
      });
  AddFault(
      registry, FaultKind::kDiskFull, [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        const bool full = args.GetBool("full", true);
        return ParseNodeFault(FaultKind::kDiskFull, args, scope, [full](World& world, NodeId id) {
          world.disk(id).SetFull(full);
          world.Trace(id, ev::DiskFull{.full = full});
          return Status::Ok();
        });
      });
  AddFault(
      registry, FaultKind::kCorruptFile,
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Action> {
        const std::string file = args.GetString("file");
        const int64_t offset = args.GetIntegerIn("offset", 0, 0, kMaxSizeBytes);
        const int64_t length = args.GetIntegerIn("length", 1, 1, kMaxSizeBytes);
        return ParseNodeFault(FaultKind::kCorruptFile, args, scope, [=](World& world, NodeId id) {
          Status s = world.disk(id).Corrupt(file, offset, length);
          if (s.ok()) {
            world.Trace(id, ev::DiskCorrupt{.file = file, .offset = offset, .length = length});
          }
          return s;
        });
      });
}

void RegisterWorldProbes(ScenarioRegistry& registry) {
  registry.AddProbe(
      "node_status", {"up, paused, crashed, stopped or not_started.", "node: NODE"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
        std::shared_ptr<NodeSelector> node = scope.ParseNode(args, "node");
        return std::make_unique<LambdaProbe>(
            "node_status(" + node->Describe() + ")", [node](ScenarioRun& run) {
              std::string error;
              const NodeId id = node->Resolve(run, &error);
              if (id == kNoNode) return ProbeValue::Text("<" + error + ">");
              return ProbeValue::Text(std::string(NodeStatusName(run.world().status(id))));
            });
      });
  registry.AddProbe("now_ms", {"Simulated time in milliseconds.", ""},
                    [](Args&, ParseScope&) -> std::unique_ptr<Probe> {
                      return std::make_unique<LambdaProbe>("now_ms", [](ScenarioRun& run) {
                        return ProbeValue::Number(run.world().Now() / kMillisecond);
                      });
                    });
  registry.AddProbe(
      "messages_sent",
      {"Messages sent (all links, or from/to given nodes).", "[from: NODE], [to: NODE]"},
      [](Args& args, ParseScope& scope) {
        return ParseLinkProbe(args, scope, "messages_sent", &LinkStats::messages_sent);
      });
  registry.AddProbe(
      "messages_delivered",
      {"Messages delivered (all links, or from/to given nodes).", "[from: NODE], [to: NODE]"},
      [](Args& args, ParseScope& scope) {
        return ParseLinkProbe(args, scope, "messages_delivered", &LinkStats::messages_delivered);
      });
  registry.AddProbe(
      "messages_dropped",
      {"Messages lost to partitions, resets, crashes and lossy links.", "[from: NODE], [to: NODE]"},
      [](Args& args, ParseScope& scope) {
        return ParseLinkProbe(args, scope, "messages_dropped", &LinkStats::messages_dropped);
      });
  registry.AddProbe("bytes_sent",
                    {"Bytes sent (all links, or from/to given nodes).", "[from: NODE], [to: NODE]"},
                    [](Args& args, ParseScope& scope) {
                      return ParseLinkProbe(args, scope, "bytes_sent", &LinkStats::bytes_sent);
                    });
  registry.AddProbe(
      "file_size",
      {"A file's size as processes see it (page cache); -1 if missing.", "node: NODE, file: PATH"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
        std::shared_ptr<NodeSelector> node = scope.ParseNode(args, "node");
        const std::string file = args.GetString("file");
        return std::make_unique<LambdaProbe>(
            "file_size(" + node->Describe() + ":" + file + ")", [node, file](ScenarioRun& run) {
              std::string error;
              const NodeId id = node->Resolve(run, &error);
              return ProbeValue::Number(id == kNoNode ? -1 : run.world().disk(id).Size(file));
            });
      });
  registry.AddProbe(
      "durable_size",
      {"The part of a file that would survive a crash now; -1 if missing.",
       "node: NODE, file: PATH"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
        std::shared_ptr<NodeSelector> node = scope.ParseNode(args, "node");
        const std::string file = args.GetString("file");
        return std::make_unique<LambdaProbe>(
            "durable_size(" + node->Describe() + ":" + file + ")", [node, file](ScenarioRun& run) {
              std::string error;
              const NodeId id = node->Resolve(run, &error);
              return ProbeValue::Number(id == kNoNode ? -1
                                                      : run.world().disk(id).DurableSize(file));
            });
      });
  registry.AddProbe(
      "disk_used", {"Bytes used on the node's disk.", "node: NODE"},
      [](Args& args, ParseScope& scope) -> std::unique_ptr<Probe> {
        std::shared_ptr<NodeSelector> node = scope.ParseNode(args, "node");
        return std::make_unique<LambdaProbe>(
            "disk_used(" + node->Describe() + ")", [node](ScenarioRun& run) {
              std::string error;
              const NodeId id = node->Resolve(run, &error);
              return ProbeValue::Number(id == kNoNode ? -1 : run.world().disk(id).UsedBytes());
            });
      });
}

void RegisterWorldSummary(ScenarioRegistry& registry) {
  registry.AddSummary([](ScenarioRun& run, std::vector<std::string>* lines) {
    World& world = run.world();
    std::string nodes;
    for (NodeId id = 0; id < world.node_count(); ++id) {
      nodes += (id == 0 ? "" : ", ") + world.NodeName(id) + " " +
               std::string(NodeStatusName(world.status(id)));
    }
    lines->push_back("nodes      " + nodes);
    const LinkStats total = world.network().TotalStats();
    lines->push_back("network    " + std::to_string(total.messages_sent) + " sent, " +
                     std::to_string(total.messages_delivered) + " delivered, " +
                     std::to_string(total.messages_dropped) + " dropped, " +
                     std::to_string(total.bytes_sent) + " bytes");
    std::string faults;
    for (const auto& [name, count] : run.action_counts()) {
      faults += (faults.empty() ? "" : ", ") + name + " x" + std::to_string(count);
    }
    if (!faults.empty()) lines->push_back("actions    " + faults);
  });
}

}  // namespace

DiskOptions ParseDiskOptions(Args& args, DiskOptions disk) {
  disk.write_latency_us = args.GetDuration("write_latency", disk.write_latency_us);
  disk.read_latency_us = args.GetDuration("read_latency", disk.read_latency_us);
  disk.fsync_latency_us = args.GetDuration("fsync_latency", disk.fsync_latency_us);
  disk.throughput_bytes_per_s = args.GetSize("throughput_bytes_per_s", disk.throughput_bytes_per_s);
  disk.capacity_bytes = args.GetSize("capacity", disk.capacity_bytes);
  const std::string torn = args.GetChoice("torn_tail", {"none", "prefix", "garbage"},
                                          disk.torn_tail == TornTail::kPrefix    ? "prefix"
                                          : disk.torn_tail == TornTail::kGarbage ? "garbage"
                                                                                 : "none");
  disk.torn_tail = torn == "prefix"    ? TornTail::kPrefix
                   : torn == "garbage" ? TornTail::kGarbage
                                       : TornTail::kNone;
  args.Finish();
  return disk;
}

void RegisterWorldVocabulary(ScenarioRegistry& registry) {
  RegisterLifecycleActions(registry);
  RegisterNetworkActions(registry);
  RegisterDiskActions(registry);
  RegisterWorldProbes(registry);
  RegisterWorldSummary(registry);
  registry.events()
      .Add<ev::NodeAdd, ev::NodeStart, ev::NodeRestart, ev::NodeCrash, ev::NodeStop, ev::NodePause,
           ev::NodeResume, ev::NodeClockSkew, ev::DiskCrashLoss, ev::DiskSlow, ev::DiskFull,
           ev::DiskCorrupt, ev::NetSend, ev::NetDeliver, ev::NetDrop, ev::NetReset,
           ev::NetPartition, ev::NetHeal, ev::NetDelaySpike, ev::NetSetLink>();
  registry.events()
      .Add<ev::ScenarioBegin, ev::ScenarioStep, ev::ScenarioStepFailed, ev::ScenarioStepRefused,
           ev::ScenarioStepTimeout, ev::ScenarioExpect, ev::ScenarioEnd, ev::ScenarioStepSkipped>();
}

}  // namespace ks
