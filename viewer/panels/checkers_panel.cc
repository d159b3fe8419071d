// Checkers: every checker violation of the trace, each with its explanation and a button that
// seeks to the moment it was found. Violations not reached yet are listed greyed.
#include <string>

#include "model/check/checker_events.h"
#include "viewer/panels/panels.h"

namespace ks {

void DrawCheckersPanel(View& view) {
  PlacePanel(0.74f, 0.58f, 0.26f, 0.24f);
  ImGui::Begin("Checkers");
  int total = 0;
  for (const Marker& marker : view.store->markers()) total += marker.kind == MarkerKind::kViolation;
  const size_t reached = view.model.violations().size();
  if (total == 0) {
    ImGui::TextColored(palette::ToVec4(palette::kBluishGreen), "OK  no violation in this %s",
                       view.live ? "run so far" : "trace");
  } else {
    ImGui::TextColored(palette::ToVec4(palette::kVermillion), "!! %zu of %d violations reached",
                       reached, total);
  }
  int shown = 0;
  for (const Marker& marker : view.store->markers()) {
    if (marker.kind != MarkerKind::kViolation) continue;
    if (++shown > 200) {
      ImGui::TextDisabled("... %d more", total - 200);
      break;
    }
    const TraceEventView event = view.store->view(marker.index);
    const std::optional<ev::CheckerViolation> violation = event.As<ev::CheckerViolation>();
    if (!violation) continue;
    ImGui::PushID(static_cast<int>(marker.index));
    if (ImGui::SmallButton("Go")) view.SeekToEvent(marker.index);
    ImGui::SameLine();
    const bool later = marker.index >= view.position;
    const std::string line = FormatTime(marker.clock_us) + "  " +
                             std::string(CheckerName(violation->checker)) + "  " +
                             violation->tp.Name() + ": " + std::string(violation->detail);
    if (later) {
      ImGui::TextDisabled("%s (later)", line.c_str());
    } else {
      ImGui::TextWrapped("%s", line.c_str());
    }
    ImGui::PopID();
  }
  ImGui::End();
}

}  // namespace ks
