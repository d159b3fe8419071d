// Random fault schedules: a seed draws a sequence of faults over a cluster's nodes, each valid in
// the state its node will be in when it runs (a node is restarted only when it is down, resumed
// only when paused), then a recovery that ends every fault. The faults are the world's fault
// kinds (sim/scenario/fault_kinds.h) written as ordinary `at:` steps, so a schedule is a scenario
// timeline anybody can read, edit and replay with `kafkasim run`.
//
// The schedule is a pure function of (seed, options): it draws from its own Rng stream, not the
// world's, so the same seed writes the same steps whatever the cluster does with them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/env/time.h"
#include "sim/scenario/fault_kinds.h"

namespace ks {

struct FaultScheduleOptions {
  std::vector<std::string> brokers = {"b1", "b2", "b3"};
  std::string zookeeper = "zk";  // empty: ZooKeeper is never a target
  TimeUs first_fault_us = 5 * kSecond;
  TimeUs last_fault_us = 60 * kSecond;  // faults are drawn in [first, last]
  int faults = 12;
  bool power_loss = true;   // `crash` (unsynced bytes lost) among the kinds
  bool clean_stops = true;  // `stop` among the kinds
};

struct ScheduledFault {
  TimeUs at_us = 0;
  Fault fault;
  bool recovery = false;  // ends an earlier fault (a restart, a heal, a disk given back...)
};

// The caption of a nemesis step: "nemesis: crash b1 (power loss)", "nemesis ends a fault: ...".
std::string NemesisCaption(const ScheduledFault& step);

// The faults, in time order (strictly increasing times), followed at `last_fault_us` + 1 ms by the
// recovery: heal the network, resume every paused node, restart every node that is down, give
// every slowed disk its speed back.
std::vector<ScheduledFault> RandomFaultSchedule(uint64_t seed, const FaultScheduleOptions& options);

// The schedule as `at:` steps of a block list (each line starting with `pad`), captioned with
// what each step does.
std::string FaultScheduleSteps(const std::vector<ScheduledFault>& schedule, const std::string& pad);

}  // namespace ks
