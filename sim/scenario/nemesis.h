// The nemesis: a scenario's declared fault *space* (its `nemesis:` section), from which the run's
// seed draws a concrete fault schedule. The schedule is a pure function of (seed, space, node
// names): it draws from its own Rng stream, so the same seed draws the same faults whatever the
// cluster does with them, and a failing seed replays exactly.
//
// Each drawn fault lasts a drawn time and is then ended by its own recovery step (a restart, a
// resume, a heal, the disk or link or clock given back); at most `max_at_once` faults are in
// effect together; a node has at most one process fault at a time, and the network at most one
// partition (its recovery, `heal`, heals every cut). Swarm testing (Groce et al., "Swarm
// Testing", ISSTA 2012): each seed also switches a random subset of the allowed kinds off, so
// some seeds hammer one kind of fault while others mix them. At `quiet` before the end of the run
// every fault is over: the cluster is healed, restarted and resumed, and the final checks judge a
// recovered cluster.
//
// The drawn faults are ordinary fault steps (sim/scenario/fault_kinds.h) at fixed times: the
// runner schedules each at its own time (as `injected:` steps), traced as `scenario.step` with
// `nemesis: true`; `kafkasim run --print-schedule` prints them and `--write-schedule FILE` appends
// them to the scenario as `nemesis_schedule:`, which then runs instead of a new draw (and replays
// to the same digest).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/env/time.h"
#include "sim/scenario/args.h"
#include "sim/scenario/fault_schedule.h"

namespace ks {

// The kinds a nemesis draws. Each is one fault kind with drawn parameters, and its own recovery.
enum class NemesisKind : uint8_t {
  kKill,             // kill -9; recovery: restart
  kCrash,            // power loss (unsynced bytes lost); recovery: restart
  kStop,             // clean shutdown; recovery: restart
  kPause,            // a long GC; recovery: resume
  kIsolate,          // cut from every other node; recovery: heal
  kPartition,        // the targets cut in two groups, both ways; recovery: heal
  kOneWayPartition,  // the same, one direction only; recovery: heal
  kResetConnection,  // one connection reset (instantaneous)
  kDelaySpike,       // a node's outgoing links slowed for the fault's duration
  kLinkLoss,         // a link drops a share of its messages; recovery: loss 0
  kSlowDisk,         // a disk's latencies multiplied; recovery: factor 1
  kDiskFull,         // a disk full; recovery: full: false
  kClockSkew,        // a node's wall clock moved; recovery: skew 0
};

// The names used in `faults:` (crash, one_way_partition, link_loss, ...), in NemesisKind order.
const std::vector<std::string>& NemesisKindNames();

struct NemesisSpec {
  std::vector<NemesisKind> kinds;
  std::vector<std::string> targets;  // nodes the faults act on
  int64_t max_at_once = 2;
  DurationUs every_min_us = 1 * kSecond;  // from one fault's start to the next's
  DurationUs every_max_us = 5 * kSecond;
  DurationUs lasting_min_us = 1 * kSecond;  // a fault's duration, until its recovery
  DurationUs lasting_max_us = 10 * kSecond;
  DurationUs window_from_us = 5 * kSecond;  // faults start within [from, to)
  DurationUs window_to_us = -1;             // -1: up to the quiet period
  DurationUs quiet_us = 30 * kSecond;       // at the end: every fault over
  bool swarm = true;
};

// Reads the `nemesis:` section; `default_targets` are the scenario's brokers and ZooKeeper nodes,
// `all_nodes` every node (a target must be one), `run_for_us` the run's length (the window and
// the quiet period must fit in it). Fails (ScenarioError at file:line:column) on an unknown kind
// or node, an empty or reversed range, or a window that does not fit.
NemesisSpec ParseNemesis(Args& args, const std::vector<std::string>& default_targets,
                         const std::vector<std::string>& all_nodes, DurationUs run_for_us);

// The kinds a seed keeps: all of them without swarm, else a random non-empty subset.
std::vector<NemesisKind> SwarmKinds(uint64_t seed, const NemesisSpec& spec);

// The concrete schedule `seed` draws: faults and their recoveries, in time order (ties in the
// order they were drawn), all within the run; the final recovery at run_for - quiet.
std::vector<ScheduledFault> DrawNemesis(uint64_t seed, const NemesisSpec& spec,
                                        DurationUs run_for_us);

}  // namespace ks
