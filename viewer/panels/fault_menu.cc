#include "viewer/panels/fault_menu.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "sim/scenario/fault_kinds.h"
#include "viewer/live_session.h"
#include "viewer/panels/panels.h"

namespace ks {
namespace {

constexpr char kNodeMenu[] = "node faults";
constexpr char kSaveDialog[] = "Save as scenario";
constexpr char kReplayReason[] =
    "Replay mode: a recorded trace cannot change. Run the scenario live to inject faults:\n"
    "  kafkasim-viewer SCENARIO.yaml [--seed N]";
// The faults a node's menu offers, in its order; what each is called and in which of the node's
// states it applies come from the fault kinds' table (sim/scenario/fault_kinds.h), as the world
// enforces them.
constexpr FaultKind kNodeFaults[] = {FaultKind::kCrash, FaultKind::kKill,   FaultKind::kRestart,
                                     FaultKind::kPause, FaultKind::kResume, FaultKind::kIsolate};

// The panel's own interaction state (one cluster panel per process).
struct Interaction {
  std::string menu_node;  // the node whose menu is open
  std::string drag_from;  // the node a drag started on, or empty
  bool dragged = false;   // the pointer moved far enough from it to be a drag, not a click
};
Interaction& State() {
  static Interaction state;
  return state;
}

const NodeSpot* SpotAt(const std::vector<NodeSpot>& spots, ImVec2 point) {
  for (const NodeSpot& spot : spots) {
    const float dx = point.x - spot.center.x, dy = point.y - spot.center.y;
    if (std::sqrt(dx * dx + dy * dy) <= spot.radius * 1.15f) return &spot;
  }
  return nullptr;
}

const NodeSpot* SpotNamed(const std::vector<NodeSpot>& spots, const std::string& name) {
  for (const NodeSpot& spot : spots) {
    if (spot.node->name == name) return &spot;
  }
  return nullptr;
}

// The node's state as the world names it, from the picture of it.
NodeStatus StatusOf(const NodeView& node) {
  if (node.crashed) return NodeStatus::kCrashed;
  if (node.paused) return NodeStatus::kPaused;
  if (node.up) return NodeStatus::kUp;
  return node.incarnation == 0 ? NodeStatus::kNotStarted : NodeStatus::kStopped;
}

bool ScrubbedBack(const View& view) { return view.live && view.time_us < view.live_time_us; }

// Sends the fault to the live run; the view moves to the instant it ran at.
void Inject(View& view, const Fault& fault) {
  const bool fork = ScrubbedBack(view);
  const TimeUs from = view.time_us;
  std::string error;
  const std::optional<TimeUs> when = view.session->Inject(fault, view.time_us, &error);
  if (!when) {
    view.live_message = "Not injected: " + error;
    return;
  }
  view.time_us = *when;
  view.SyncLive();
  view.live_message = (fork ? "Forked a new run at " + FormatTime(from) +
                                  " (the later future is "
                                  "discarded); "
                            : std::string()) +
                      "injected " + fault.Describe() + " at " + FormatTime(*when) + ".";
}

// A menu item that is enabled only in live mode (in replay its tooltip says why).
bool FaultItem(const View& view, const char* label, bool valid_now) {
  const bool chosen = ImGui::MenuItem(label, nullptr, false, view.live && valid_now);
  if (!view.live && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip("%s", kReplayReason);
  }
  return chosen;
}

void NodeMenu(View& view, const std::vector<NodeSpot>& spots) {
  if (!ImGui::BeginPopup(kNodeMenu)) return;
  const NodeSpot* spot = SpotNamed(spots, State().menu_node);
  if (spot == nullptr) {
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return;
  }
  const NodeView& node = *spot->node;
  const NodeStatus status = StatusOf(node);
  std::string state(NodeStatusName(status));  // "not_started" is shown "not started"
  std::replace(state.begin(), state.end(), '_', ' ');
  ImGui::Text("%s (%s): %s at %s", node.name.c_str(), node.role.c_str(), state.c_str(),
              FormatTime(view.time_us).c_str());
  if (!view.live) {
    ImGui::TextDisabled("%s", kReplayReason);
  } else if (ScrubbedBack(view)) {
    ImGui::TextColored(palette::ToVec4(palette::kVermillion),
                       "Before the run's tip (%s): a fault here forks a new run from this time\n"
                       "and discards what happened after it.",
                       FormatTime(view.live_time_us).c_str());
  } else if (view.live_finished) {
    ImGui::TextDisabled("The run is over: scrub back to inject earlier (that forks a new run).");
  }
  ImGui::Separator();
  std::optional<Fault> chosen;
  for (FaultKind kind : kNodeFaults) {
    const FaultKindInfo& info = FaultKindOf(kind);
    if (FaultItem(view, info.label, info.applies_in.Contains(status))) {
      chosen = Fault{kind, node.name};
    }
  }
  if (ImGui::BeginMenu("Cut the link to", view.live)) {
    for (const NodeSpot& other : spots) {
      if (other.node == &node) continue;
      if (ImGui::MenuItem(other.node->name.c_str())) {
        chosen = Fault::CutLink(node.name, other.node->name);
      }
    }
    ImGui::EndMenu();
  }
  ImGui::Separator();
  if (FaultItem(view, FaultKindOf(FaultKind::kHeal).label, view.model.network().partitioned)) {
    chosen = Fault{FaultKind::kHeal};
  }
  if (chosen) Inject(view, *chosen);
  ImGui::EndPopup();
}

}  // namespace

void FaultInteraction(View& view, const std::vector<NodeSpot>& spots) {
  Interaction& state = State();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (ImGui::IsItemActivated()) {
    const NodeSpot* spot = SpotAt(spots, mouse);
    state.drag_from = spot != nullptr ? spot->node->name : "";
    state.dragged = false;
  }
  const NodeSpot* from = state.drag_from.empty() ? nullptr : SpotNamed(spots, state.drag_from);
  // Once a drag, always a drag: on the frame of the release the mouse no longer drags.
  state.dragged |= from != nullptr && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 6.0f);
  const bool dragging = state.dragged;
  const NodeSpot* under = SpotAt(spots, mouse);
  if (ImGui::IsItemActive() && dragging) {
    // The link being cut: a dashed vermillion line from the node to the pointer.
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 a = from->center;
    const float dx = mouse.x - a.x, dy = mouse.y - a.y;
    const float length = std::sqrt(dx * dx + dy * dy);
    for (float s = 0; s + 1 < length; s += 20.0f) {
      const float e = std::min(s + 10.0f, length);
      draw->AddLine(ImVec2(a.x + dx * s / length, a.y + dy * s / length),
                    ImVec2(a.x + dx * e / length, a.y + dy * e / length), palette::kVermillion,
                    3.0f);
    }
    if (under != nullptr && under != from) {
      draw->AddCircle(under->center, under->radius + 6, palette::kVermillion, 0, 3.0f);
      const std::string link = from->node->name + " - " + under->node->name;
      ImGui::SetTooltip("%s", view.live ? ("Release to cut the link " + link).c_str()
                                        : (link + ": " + kReplayReason).c_str());
    }
  } else if (ImGui::IsItemHovered() && under != nullptr && !ImGui::IsPopupOpen(kNodeMenu)) {
    ImGui::SetTooltip("%s: %s", under->node->name.c_str(),
                      view.live ? "click for faults; drag to another node to cut that link"
                                : "click for faults (disabled in replay mode)");
  }
  if (ImGui::IsItemDeactivated() && from != nullptr) {
    if (!dragging) {
      state.menu_node = from->node->name;
      ImGui::OpenPopup(kNodeMenu);
    } else if (under != nullptr && under != from && view.live) {
      Inject(view, Fault::CutLink(from->node->name, under->node->name));
    }
    state.drag_from.clear();
    state.dragged = false;
  }
  NodeMenu(view, spots);
}

void LiveControls(View& view) {
  if (view.session == nullptr) return;
  const LiveSession& session = *view.session;
  ImGui::TextDisabled("Click a node for faults; drag from one node to another to cut that link.");
  ImGui::Text("Seed %llu, %zu fault%s injected, %d fork%s",
              static_cast<unsigned long long>(session.seed()), session.injected().size(),
              session.injected().size() == 1 ? "" : "s", session.forks(),
              session.forks() == 1 ? "" : "s");
  ImGui::SameLine();
  ImGui::BeginDisabled(!ScrubbedBack(view));
  if (ImGui::Button("Fork here")) {
    view.session->ForkAt(view.time_us);
    view.SyncLive();
    view.live_message = "Forked a new run at " + FormatTime(view.time_us) +
                        ": the faults injected later are dropped.";
  }
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip(
        "Start a new run (same scenario and seed) from the time shown, keeping the\n"
        "faults injected before it: its past is identical, its future is new.\n"
        "Scrub back first; injecting a fault back there forks as well.");
  }
  ImGui::SameLine();
  static char path[512] = "";
  if (ImGui::Button("Save as scenario...")) {
    std::snprintf(path, sizeof(path), "%s", view.save_path.c_str());
    ImGui::OpenPopup(kSaveDialog);
  }
  if (ImGui::BeginPopup(kSaveDialog)) {
    ImGui::TextUnformatted("The scenario plus the injected faults (as `injected:` steps):");
    ImGui::SetNextItemWidth(ImGui::CalcTextSize("M").x * 40);
    ImGui::InputText("file", path, sizeof(path));
    if (ImGui::Button("Save")) {
      std::string error;
      view.save_path = path;
      view.live_message = view.session->Save(view.save_path, &error)
                              ? "Saved " + view.save_path + "; reproduce: kafkasim run " +
                                    view.save_path + " --seed " + std::to_string(session.seed())
                              : error;
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  if (!view.live_message.empty()) ImGui::TextWrapped("%s", view.live_message.c_str());
}

}  // namespace ks
