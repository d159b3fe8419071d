// The cluster panel's fault injection (issue 5): click a node for a menu of the faults valid in
// its state (crash, kill, restart, pause, resume, isolate, cut one link, heal); drag from one node
// to another to cut that link. In live mode a choice goes to the LiveSession (which forks when the
// view is scrubbed back); in replay mode the menu is shown disabled, saying why. The live
// controls add "Fork here" and "Save as scenario…".
#pragma once

#include <vector>

#include "viewer/view.h"

namespace ks {

struct NodeSpot {
  const NodeView* node;
  ImVec2 center;
  float radius;
};

// Call right after the invisible button that covers the cluster picture (it owns the mouse).
void FaultInteraction(View& view, const std::vector<NodeSpot>& spots);
// One or two lines: what clicking does, Fork here, Save as scenario…, the last outcome.
void LiveControls(View& view);

}  // namespace ks
