#include "sim/scenario/nemesis.h"

#include <algorithm>
#include <map>
#include <set>

#include "model/env/rng.h"
#include "sim/scenario/scenario_error.h"

namespace ks {

const std::vector<std::string>& NemesisKindNames() {
  static const std::vector<std::string> names = {"kill",
                                                 "crash",
                                                 "stop",
                                                 "pause",
                                                 "isolate",
                                                 "partition",
                                                 "one_way_partition",
                                                 "reset_connection",
                                                 "delay_spike",
                                                 "link_loss",
                                                 "slow_disk",
                                                 "disk_full",
                                                 "clock_skew"};
  return names;
}

namespace {

// A range {min: D, max: D} (or one duration for both); fails unless 0 < min <= max.
void ParseRange(Args& args, std::string_view key, DurationUs* min_us, DurationUs* max_us) {
  if (!args.Has(key)) return;
  const YAML::Node value = args.Raw(key);
  if (value.IsScalar()) {
    *min_us = *max_us = args.GetDuration(key);
  } else {
    std::optional<Args> range = args.GetMap(key);
    *min_us = range->GetDuration("min", *min_us);
    *max_us = range->GetDuration("max", *max_us);
    range->Finish();
  }
  if (*min_us <= 0 || *max_us < *min_us) {
    args.FailAt(key, "expected a range of durations with 0 < min <= max, e.g. {min: 1s, max: 5s}");
  }
}

}  // namespace

NemesisSpec ParseNemesis(Args& args, const std::vector<std::string>& default_targets,
                         const std::vector<std::string>& all_nodes, DurationUs run_for_us) {
  NemesisSpec spec;
  const std::vector<std::string>& names = NemesisKindNames();
  if (args.Has("faults")) {
    for (const std::string& name : args.GetStringList("faults")) {
      auto it = std::find(names.begin(), names.end(), name);
      if (it == names.end()) {
        std::string known;
        for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
        args.FailAt("faults", "unknown fault kind '" + name + "'" + DidYouMean(name, names) +
                                  " (a nemesis draws: " + known + ")");
      }
      const auto kind = static_cast<NemesisKind>(it - names.begin());
      if (std::find(spec.kinds.begin(), spec.kinds.end(), kind) == spec.kinds.end()) {
        spec.kinds.push_back(kind);
      }
    }
    if (spec.kinds.empty()) args.FailAt("faults", "expected at least one fault kind");
  } else {
    for (size_t i = 0; i < names.size(); ++i) spec.kinds.push_back(static_cast<NemesisKind>(i));
  }
  spec.targets = args.Has("targets") ? args.GetStringList("targets") : default_targets;
  for (const std::string& target : spec.targets) {
    if (std::find(all_nodes.begin(), all_nodes.end(), target) == all_nodes.end()) {
      args.FailAt("targets", "unknown node '" + target + "'" + DidYouMean(target, all_nodes));
    }
  }
  if (spec.targets.empty()) {
    args.FailAt(args.Has("targets") ? "targets" : "faults",
                "a nemesis needs nodes to act on: list them under 'targets'");
  }
  spec.max_at_once = args.GetIntegerIn("max_at_once", spec.max_at_once, 1, 64);
  ParseRange(args, "every", &spec.every_min_us, &spec.every_max_us);
  ParseRange(args, "lasting", &spec.lasting_min_us, &spec.lasting_max_us);
  spec.quiet_us = args.GetDuration("quiet", spec.quiet_us);
  if (spec.quiet_us < 0) args.FailAt("quiet", "expected a duration of at least 0");
  if (spec.quiet_us >= run_for_us) {
    args.FailAt("quiet", "the quiet period must be shorter than the run (run_for)");
  }
  if (std::optional<Args> window = args.GetMap("window")) {
    spec.window_from_us = window->GetDuration("from", spec.window_from_us);
    spec.window_to_us = window->GetDuration("to", spec.window_to_us);
    window->Finish();
  }
  const DurationUs quiet_start = run_for_us - spec.quiet_us;
  const DurationUs window_to = spec.window_to_us < 0 ? quiet_start : spec.window_to_us;
  if (spec.window_from_us >= quiet_start) {
    args.FailAt(args.Has("window") ? "window" : "quiet",
                "no time for faults: the window starts after the quiet period begins (run_for - "
                "quiet)");
  }
  if (spec.window_from_us < 0 || window_to <= spec.window_from_us) {
    args.FailAt("window", "the window ends before it starts (from must be before to)");
  }
  spec.swarm = args.GetBool("swarm", spec.swarm);
  args.Finish();
  return spec;
}

std::vector<NemesisKind> SwarmKinds(uint64_t seed, const NemesisSpec& spec) {
  if (!spec.swarm || spec.kinds.size() <= 1) return spec.kinds;
  Rng rng = Rng::Stream(seed, "nemesis/swarm");
  std::vector<NemesisKind> kept;
  for (NemesisKind kind : spec.kinds) {
    if (rng.Below(2) == 0) kept.push_back(kind);
  }
  if (kept.empty()) kept.push_back(spec.kinds[rng.Below(spec.kinds.size())]);
  return kept;
}

namespace {

DurationUs WholeMs(DurationUs us) { return us / kMillisecond * kMillisecond; }

class NemesisDrawer {
 public:
  NemesisDrawer(uint64_t seed, const NemesisSpec& spec, DurationUs run_for_us)
      : rng_(Rng::Stream(seed, "nemesis")),
        spec_(spec),
        kinds_(SwarmKinds(seed, spec)),
        quiet_start_(run_for_us - spec.quiet_us) {}

  std::vector<ScheduledFault> Draw() {
    const DurationUs window_to =
        std::min(spec_.window_to_us < 0 ? quiet_start_ : spec_.window_to_us, quiet_start_);
    for (TimeUs t = spec_.window_from_us; t < window_to;
         t += WholeMs(rng_.Between(spec_.every_min_us, spec_.every_max_us))) {
      std::erase_if(active_, [&](const Active& a) {
        if (a.end_us > t) return false;
        Release(a);
        return true;
      });
      if (static_cast<int64_t>(active_.size()) >= spec_.max_at_once) continue;
      // A few tries: a kind may have no eligible target now (every node already down...).
      for (int attempt = 0; attempt < 8; ++attempt) {
        if (TryFault(t)) break;
      }
    }
    std::stable_sort(
        out_.begin(), out_.end(),
        [](const ScheduledFault& a, const ScheduledFault& b) { return a.at_us < b.at_us; });
    return out_;
  }

 private:
  // What a fault holds while it lasts, so that no other fault takes it.
  struct Active {
    TimeUs end_us = 0;
    std::string process;   // a node with a process fault
    bool network = false;  // a partition (healed by `heal`, which heals every cut)
    std::string slow_disk, full_disk, skewed;
    std::pair<std::string, std::string> lossy;
  };

  const std::string& AnyTarget() { return spec_.targets[rng_.Below(spec_.targets.size())]; }

  void Release(const Active& a) {
    process_.erase(a.process);
    if (a.network) network_ = false;
    slow_.erase(a.slow_disk);
    full_.erase(a.full_disk);
    skewed_.erase(a.skewed);
    lossy_.erase(a.lossy);
  }

  // Adds the fault at `at` and its recovery when it ends; false if the drawn kind cannot run now.
  bool TryFault(TimeUs at) {
    const NemesisKind kind = kinds_[rng_.Below(kinds_.size())];
    const TimeUs end = std::min(
        at + WholeMs(rng_.Between(spec_.lasting_min_us, spec_.lasting_max_us)), quiet_start_);
    Active held{.end_us = end};
    Fault fault;
    std::optional<Fault> recovery;
    std::vector<Fault> more_recovery;  // after `recovery`, at the same time
    switch (kind) {
      case NemesisKind::kKill:
      case NemesisKind::kCrash:
      case NemesisKind::kStop:
      case NemesisKind::kPause: {
        const std::string& node = AnyTarget();
        if (process_.count(node) != 0) return false;
        process_.insert(node);
        held.process = node;
        const FaultKind how = kind == NemesisKind::kKill    ? FaultKind::kKill
                              : kind == NemesisKind::kCrash ? FaultKind::kCrash
                              : kind == NemesisKind::kStop  ? FaultKind::kStop
                                                            : FaultKind::kPause;
        fault = Fault{how, node};
        recovery =
            Fault{kind == NemesisKind::kPause ? FaultKind::kResume : FaultKind::kRestart, node};
        break;
      }
      case NemesisKind::kIsolate:
      case NemesisKind::kPartition:
      case NemesisKind::kOneWayPartition: {
        if (network_) return false;
        if (kind == NemesisKind::kIsolate) {
          fault = Fault{FaultKind::kIsolate, AnyTarget()};
        } else {
          if (spec_.targets.size() < 2) return false;
          std::vector<std::string> shuffled = spec_.targets;
          for (size_t i = shuffled.size(); i > 1; --i) {
            std::swap(shuffled[i - 1], shuffled[rng_.Below(i)]);
          }
          const size_t cut = 1 + rng_.Below(shuffled.size() - 1);
          fault = Fault{FaultKind::kPartition};
          fault.sides = {{shuffled.begin(), shuffled.begin() + static_cast<ptrdiff_t>(cut)},
                         {shuffled.begin() + static_cast<ptrdiff_t>(cut), shuffled.end()}};
          fault.one_way = kind == NemesisKind::kOneWayPartition;
        }
        network_ = true;
        held.network = true;
        recovery = Fault{FaultKind::kHeal};
        break;
      }
      case NemesisKind::kResetConnection: {
        const std::string& node = AnyTarget();
        const std::string& peer = AnyTarget();
        if (node == peer) return false;
        out_.push_back({at, Fault{FaultKind::kResetConnection, node, peer}});
        return true;  // instantaneous: holds nothing
      }
      case NemesisKind::kDelaySpike: {
        fault = Fault{FaultKind::kDelaySpike, AnyTarget()};
        fault.arguments = {
            FaultArgument::Number("extra", WholeMs(rng_.Between(10 * kMillisecond, kSecond))),
            FaultArgument::Number("for", std::max<DurationUs>(end - at, kMillisecond))};
        break;  // it ends by itself
      }
      case NemesisKind::kLinkLoss: {
        const std::string& node = AnyTarget();
        const std::string& peer = AnyTarget();
        if (node == peer || lossy_.count({node, peer}) != 0 || lossy_.count({peer, node}) != 0) {
          return false;
        }
        lossy_.insert({node, peer});
        held.lossy = {node, peer};
        fault = Fault{FaultKind::kSetLink, node, peer};
        fault.arguments = {FaultArgument::Number("drop_ppm", rng_.Between(10'000, 500'000))};
        recovery = Fault{FaultKind::kSetLink, node, peer};
        recovery->arguments = {FaultArgument::Number("drop_ppm", 0)};
        break;
      }
      case NemesisKind::kSlowDisk: {
        const std::string& node = AnyTarget();
        if (slow_.count(node) != 0) return false;
        slow_.insert(node);
        held.slow_disk = node;
        fault = Fault{FaultKind::kSlowDisk, node};
        fault.arguments = {FaultArgument::Number("factor", rng_.Between(2, 50))};
        recovery = Fault{FaultKind::kSlowDisk, node};
        recovery->arguments = {FaultArgument::Number("factor", 1)};
        break;
      }
      case NemesisKind::kDiskFull: {
        // A write that fails takes the broker's log directory offline until the broker restarts
        // (Kafka's KIP-112 handling): the disk is given back, then the broker is restarted, as
        // an operator would. The node's process is held too, so no other fault overlaps that.
        const std::string& node = AnyTarget();
        if (full_.count(node) != 0 || process_.count(node) != 0) return false;
        full_.insert(node);
        process_.insert(node);
        held.full_disk = node;
        held.process = node;
        fault = Fault{FaultKind::kDiskFull, node};
        recovery = Fault{FaultKind::kDiskFull, node};
        recovery->arguments = {FaultArgument::Number("full", 0)};
        more_recovery = {Fault{FaultKind::kStop, node}, Fault{FaultKind::kRestart, node}};
        break;
      }
      case NemesisKind::kClockSkew: {
        const std::string& node = AnyTarget();
        if (skewed_.count(node) != 0) return false;
        skewed_.insert(node);
        held.skewed = node;
        const int64_t skew = rng_.Between(100, 60'000) * (rng_.Below(2) == 0 ? 1 : -1);
        fault = Fault{FaultKind::kClockSkew, node};
        fault.arguments = {FaultArgument::Number("skew_ms", skew)};
        recovery = Fault{FaultKind::kClockSkew, node};
        recovery->arguments = {FaultArgument::Number("skew_ms", 0)};
        break;
      }
    }
    out_.push_back({at, fault});
    if (recovery) out_.push_back({end, *recovery, /*recovery=*/true});
    for (const Fault& step : more_recovery) out_.push_back({end, step, /*recovery=*/true});
    active_.push_back(held);
    return true;
  }

  Rng rng_;
  const NemesisSpec& spec_;
  std::vector<NemesisKind> kinds_;
  TimeUs quiet_start_;
  std::vector<ScheduledFault> out_;
  std::vector<Active> active_;
  std::set<std::string> process_, slow_, full_, skewed_;
  std::set<std::pair<std::string, std::string>> lossy_;
  bool network_ = false;
};

}  // namespace

std::vector<ScheduledFault> DrawNemesis(uint64_t seed, const NemesisSpec& spec,
                                        DurationUs run_for_us) {
  return NemesisDrawer(seed, spec, run_for_us).Draw();
}

}  // namespace ks
