// SimEnv: the Env a node's Process sees inside the simulated world. One per incarnation.
#pragma once

#include <map>
#include <string>

#include "model/env/env.h"

namespace ks {

class World;

class SimEnv final : public Env {
 public:
  SimEnv(World& world, NodeId self, uint32_t incarnation);

  NodeId Self() const override { return self_; }
  TimeUs Now() const override;
  int64_t WallClockMs() const override;
  TimerId SetTimer(DurationUs delay, Callback callback) override;
  bool CancelTimer(TimerId timer) override;
  Rng& Random(std::string_view component) override;
  void Send(NodeId to, MessagePtr message) override;
  void ResetConnection(NodeId peer) override;
  Disk& LocalDisk() override;
  bool Observes(const EventKind& kind) const override;
  void TraceEncoded(const EventKind& kind, std::string_view data) override;

 private:
  World& world_;
  NodeId self_;
  uint32_t incarnation_;
  std::map<std::string, Rng, std::less<>> streams_;
};

}  // namespace ks
