#include "sim/sim_env.h"

#include "model/env/check.h"
#include "sim/world.h"

namespace ks {

SimEnv::SimEnv(World& world, NodeId self, uint32_t incarnation)
    : world_(world), self_(self), incarnation_(incarnation) {}

TimeUs SimEnv::Now() const { return world_.LocalNow(world_.node_at(self_)); }

int64_t SimEnv::WallClockMs() const {
  return world_.options().wall_clock_start_ms + Now() / kMillisecond + world_.clock_skew_ms(self_);
}

TimerId SimEnv::SetTimer(DurationUs delay, Callback callback) {
  KS_CHECK(delay >= 0);
  return world_.scheduler().Schedule(Now() + delay, std::move(callback), self_, incarnation_);
}

bool SimEnv::CancelTimer(TimerId timer) { return world_.scheduler().Cancel(timer); }

Rng& SimEnv::Random(std::string_view component) {
  auto it = streams_.find(component);
  if (it == streams_.end()) {
    // Named by node name, incarnation and component: stable whatever else the run contains.
    const std::string stream = "node/" + world_.NodeName(self_) + "/" +
                               std::to_string(incarnation_) + "/" + std::string(component);
    it = streams_.emplace(std::string(component), Rng::Stream(world_.seed(), stream)).first;
  }
  return it->second;
}

void SimEnv::Send(NodeId to, MessagePtr message) {
  world_.network().Send(self_, to, std::move(message), Now());
}

void SimEnv::ResetConnection(NodeId peer) { world_.network().ResetConnection(self_, peer); }

Disk& SimEnv::LocalDisk() { return world_.disk(self_); }

bool SimEnv::Observes(const EventKind& kind) const { return world_.Observes(kind); }

void SimEnv::TraceEncoded(const EventKind& kind, std::string_view data) {
  world_.trace().Emit(Now(), self_, kind, data);
}

}  // namespace ks
