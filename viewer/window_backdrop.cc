#include "viewer/window_backdrop.h"

#include <imgui_internal.h>

namespace ks {
namespace {

constexpr ImGuiWindowFlags kNotAPanel = ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Popup |
                                        ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_ChildMenu;

// True when two visible top-level windows (the panels) share any pixel.
bool PanelsOverlap() {
  const ImVector<ImGuiWindow*>& windows = ImGui::GetCurrentContext()->Windows;
  for (int i = 0; i < windows.Size; ++i) {
    const ImGuiWindow* a = windows[i];
    if (!a->WasActive || (a->Flags & kNotAPanel) != 0) continue;
    for (int j = i + 1; j < windows.Size; ++j) {
      const ImGuiWindow* b = windows[j];
      if (!b->WasActive || (b->Flags & kNotAPanel) != 0) continue;
      // Half-open rectangles: panels that only touch at an edge do not overlap.
      if (a->Pos.x < b->Pos.x + b->Size.x && b->Pos.x < a->Pos.x + a->Size.x &&
          a->Pos.y < b->Pos.y + b->Size.y && b->Pos.y < a->Pos.y + a->Size.y) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

ImVec4 ChooseWindowBackdrop() {
  static const ImVec4 opaque = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  ImVec4& window_bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  window_bg = opaque;
  if (!PanelsOverlap()) window_bg.w = 0.0f;  // the clear paints it
  return ImVec4(opaque.x, opaque.y, opaque.z, 1.0f);
}

}  // namespace ks
