#include "viewer/panels/panels.h"

namespace ks {

void TableHeaderRow(const std::vector<HeaderColumn>& columns) {
  for (const HeaderColumn& column : columns) ImGui::TableSetupColumn(column.name);
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (size_t i = 0; i < columns.size(); ++i) {
    ImGui::TableSetColumnIndex(static_cast<int>(i));
    ImGui::TableHeader(columns[i].name);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", columns[i].tooltip);
  }
}

}  // namespace ks
