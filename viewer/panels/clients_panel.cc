// Clients: producers (sent, acknowledged, failed, unknown, in flight, last error) and consumers
// (records read), from the Jepsen-style history (history.op events).
#include "viewer/panels/panels.h"

namespace ks {

void DrawClientsPanel(View& view) {
  PlacePanel(0.42f, 0.58f, 0.28f, 0.24f);
  ImGui::Begin("Clients");
  const auto& clients = view.model.clients();
  if (clients.empty()) {
    ImGui::TextDisabled("No client operation yet.");
    ImGui::End();
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY;
  if (ImGui::BeginTable("clients", 7, flags)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* header : {"client", "sent", "acked", "failed", "unknown", "in flight", "read"}) {
      ImGui::TableSetupColumn(header);
    }
    ImGui::TableHeadersRow();
    for (const auto& [name, client] : clients) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%s %s", client.producer ? "(P)" : "(C)", name.c_str());
      auto cell = [](int64_t value, bool producer) {
        ImGui::TableNextColumn();
        if (producer) {
          ImGui::TextUnformatted(FormatCount(value).c_str());
        } else {
          ImGui::TextDisabled("-");
        }
      };
      cell(client.sends_invoked, client.producer);
      cell(client.sends_acked, client.producer);
      ImGui::TableNextColumn();
      if (client.producer && client.sends_failed > 0) {
        ImGui::TextColored(palette::ToVec4(palette::kVermillion), "%s",
                           FormatCount(client.sends_failed).c_str());
      } else {
        ImGui::TextUnformatted(client.producer ? "0" : "-");
      }
      cell(client.sends_unknown, client.producer);
      cell(client.InFlight(), client.producer);
      cell(client.records_consumed, client.consumer);
    }
    ImGui::EndTable();
  }
  for (const auto& [name, client] : clients) {
    if (!client.last_error.empty()) {
      ImGui::TextWrapped("%s last error: %s", name.c_str(), client.last_error.c_str());
    }
  }
  ImGui::End();
}

}  // namespace ks
