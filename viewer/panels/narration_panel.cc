// Narration: the scenario's description and the caption of the last step reached — how a teacher
// tells the story as the timeline moves.
#include "viewer/panels/panels.h"

namespace ks {

void DrawNarrationPanel(View& view) {
  PlacePanel(0.0f, 0.0f, 1.0f, 0.15f);
  ImGui::Begin("Narration");
  const ClusterModel& model = view.model;
  const std::string name = model.scenario_name().empty() ? view.title : model.scenario_name();
  ImGui::TextColored(palette::ToVec4(palette::kBlue), "%s", name.c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("t = %s", FormatTime(view.time_us).c_str());
  if (view.large_font != nullptr) ImGui::PushFont(view.large_font);
  if (model.caption().empty()) {
    ImGui::TextDisabled("(no caption yet)");
  } else {
    ImGui::TextWrapped("%s", model.caption().c_str());
  }
  if (view.large_font != nullptr) ImGui::PopFont();
  if (!model.description().empty() && ImGui::CollapsingHeader("Scenario description")) {
    ImGui::TextWrapped("%s", model.description().c_str());
  }
  ImGui::End();
}

}  // namespace ks
