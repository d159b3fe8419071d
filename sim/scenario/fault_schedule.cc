#include "sim/scenario/fault_schedule.h"

#include <algorithm>
#include <map>
#include <set>

#include "model/env/rng.h"

namespace ks {
namespace {

enum class Process : uint8_t { kUp, kPaused, kDown };

class Drawer {
 public:
  Drawer(uint64_t seed, const FaultScheduleOptions& options)
      : rng_(Rng::Stream(seed, "fault_schedule")), options_(options) {
    for (const std::string& broker : options.brokers) nodes_.push_back(broker);
    if (!options.zookeeper.empty()) nodes_.push_back(options.zookeeper);
    for (const std::string& node : nodes_) state_[node] = Process::kUp;
  }

  std::vector<ScheduledFault> Draw() {
    std::vector<ScheduledFault> out;
    const int count = std::max(options_.faults, 0);
    std::vector<TimeUs> times;
    const TimeUs span = std::max<TimeUs>(options_.last_fault_us - options_.first_fault_us, 1);
    for (int i = 0; i < count; ++i) {
      // Whole milliseconds, so the steps read as people write them.
      times.push_back(options_.first_fault_us +
                      static_cast<TimeUs>(rng_.Below(static_cast<uint64_t>(span))) / kMillisecond *
                          kMillisecond);
    }
    std::sort(times.begin(), times.end());
    TimeUs last = -1;
    for (TimeUs at : times) {
      at = std::max(at, last + kMillisecond);
      last = at;
      out.push_back({at, Next()});
    }
    Recover(std::max(options_.last_fault_us, last) + kMillisecond, out);
    return out;
  }

 private:
  const std::string& AnyNode() { return nodes_[rng_.Below(nodes_.size())]; }
  const std::string& AnyBroker() { return options_.brokers[rng_.Below(options_.brokers.size())]; }

  Fault Next() {
    // A node that is down or paused comes back half the time, so runs alternate between fault
    // and recovery instead of ending with everything down.
    std::vector<std::string> out_of_service;
    for (const std::string& node : nodes_) {
      if (state_[node] != Process::kUp) out_of_service.push_back(node);
    }
    if (!out_of_service.empty() && rng_.Below(2) == 0) {
      const std::string& node = out_of_service[rng_.Below(out_of_service.size())];
      const bool paused = state_[node] == Process::kPaused;
      state_[node] = Process::kUp;
      return Fault{paused ? FaultKind::kResume : FaultKind::kRestart, node};
    }
    for (;;) {
      switch (rng_.Below(10)) {
        case 0:
        case 1: {  // a process dies or stops
          const std::string& node = AnyNode();
          if (state_[node] == Process::kDown) continue;
          FaultKind kind = FaultKind::kKill;
          const uint64_t how = rng_.Below(3);
          if (how == 0 && options_.power_loss) kind = FaultKind::kCrash;
          if (how == 1 && options_.clean_stops && state_[node] == Process::kUp) {
            kind = FaultKind::kStop;
          }
          state_[node] = Process::kDown;
          return Fault{kind, node};
        }
        case 2: {  // a long pause
          const std::string& node = AnyNode();
          if (state_[node] != Process::kUp) continue;
          state_[node] = Process::kPaused;
          return Fault{FaultKind::kPause, node};
        }
        case 3:
          return Fault{FaultKind::kIsolate, AnyNode()};
        case 4: {  // two sides, each non-empty
          std::vector<std::string> shuffled = nodes_;
          for (size_t i = shuffled.size(); i > 1; --i) {
            std::swap(shuffled[i - 1], shuffled[rng_.Below(i)]);
          }
          const size_t cut = 1 + rng_.Below(shuffled.size() - 1);
          Fault fault{FaultKind::kPartition};
          fault.sides = {{shuffled.begin(), shuffled.begin() + static_cast<ptrdiff_t>(cut)},
                         {shuffled.begin() + static_cast<ptrdiff_t>(cut), shuffled.end()}};
          fault.one_way = rng_.Below(4) == 0;
          return fault;
        }
        case 5:
          return Fault{FaultKind::kHeal};
        case 6: {
          const std::string& node = AnyNode();
          const std::string& peer = AnyNode();
          if (node == peer) continue;
          return Fault{FaultKind::kResetConnection, node, peer};
        }
        case 7: {
          Fault fault{FaultKind::kDelaySpike, AnyNode()};
          fault.arguments = {FaultArgument::Number("extra", rng_.Between(10, 2000) * kMillisecond),
                             FaultArgument::Number("for", rng_.Between(100, 5000) * kMillisecond)};
          return fault;
        }
        case 8: {
          const std::string& broker = AnyBroker();
          slowed_.insert(broker);
          Fault fault{FaultKind::kSlowDisk, broker};
          fault.arguments = {FaultArgument::Number("factor", rng_.Between(2, 50))};
          return fault;
        }
        default: {  // a broker (often a leader) restarts quickly
          const std::string& node = AnyBroker();
          if (state_[node] != Process::kDown) continue;
          state_[node] = Process::kUp;
          return Fault{FaultKind::kRestart, node};
        }
      }
    }
  }

  void Recover(TimeUs at, std::vector<ScheduledFault>& out) {
    out.push_back({at, Fault{FaultKind::kHeal}});
    for (const std::string& node : nodes_) {
      if (state_[node] == Process::kPaused) out.push_back({at, Fault{FaultKind::kResume, node}});
      if (state_[node] == Process::kDown) out.push_back({at, Fault{FaultKind::kRestart, node}});
      state_[node] = Process::kUp;
    }
    for (const std::string& broker : slowed_) {
      Fault fault{FaultKind::kSlowDisk, broker};
      fault.arguments = {FaultArgument::Number("factor", 1)};
      out.push_back({at, fault});
    }
  }

  Rng rng_;
  const FaultScheduleOptions& options_;
  std::vector<std::string> nodes_;
  std::map<std::string, Process> state_;
  std::set<std::string> slowed_;
};

}  // namespace

std::vector<ScheduledFault> RandomFaultSchedule(uint64_t seed,
                                                const FaultScheduleOptions& options) {
  return Drawer(seed, options).Draw();
}

std::string NemesisCaption(const ScheduledFault& step) {
  return (step.recovery ? "nemesis ends a fault: " : "nemesis: ") + step.fault.Describe();
}

std::string FaultScheduleSteps(const std::vector<ScheduledFault>& schedule,
                               const std::string& pad) {
  std::string out;
  for (const ScheduledFault& step : schedule) {
    out += FaultStepText(step.fault, step.at_us, step.fault.Describe(), pad);
  }
  return out;
}

}  // namespace ks
