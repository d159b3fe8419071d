// Partitions: for each partition one bar per replica, from its log start to its LEO. Committed
// records (below the HW) are solid blue; records above the HW are hatched orange; the HW is a
// black line with its label. The leader is marked LEADER, ISR members carry an "ISR" badge and
// the others an "out of ISR" one; records lost in a truncation stay visible as a dashed purple
// ghost for a few simulated seconds.
#include <algorithm>
#include <string>

#include "viewer/panels/panels.h"

namespace ks {
namespace {

constexpr TimeUs kGhostDurationUs = 3'000'000;

void DrawBadge(const char* text, ImU32 fill, ImU32 text_colour, bool outline_only) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 size = ImGui::CalcTextSize(text);
  const ImVec2 corner = ImGui::GetCursorScreenPos();
  const ImVec2 end(corner.x + size.x + 10, corner.y + size.y + 2);
  if (outline_only) {
    draw->AddRect(corner, end, fill, 4.0f, 0, 2.0f);
  } else {
    draw->AddRectFilled(corner, end, fill, 4.0f);
  }
  draw->AddText(ImVec2(corner.x + 5, corner.y + 1), text_colour, text);
  ImGui::Dummy(ImVec2(end.x - corner.x, end.y - corner.y));
}

void DrawLegend() {
  LegendSwatch(palette::kBlue, "committed (below HW)");
  ImGui::SameLine(0, 24);
  LegendSwatch(palette::kOrange, "not yet committed (above HW)", true);
  ImGui::SameLine(0, 24);
  LegendSwatch(palette::kBlack, "| HW line");
  ImGui::SameLine(0, 24);
  LegendSwatch(palette::kReddishPurple, "lost in truncation (ghost)");
}

void DrawReplicaBar(const View& view, const PartitionView& partition, const ReplicaView& replica,
                    int64_t scale_start, int64_t scale_end, float width) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float height = ImGui::GetTextLineHeight() * 1.1f;
  const ImVec2 corner = ImGui::GetCursorScreenPos();
  const double span = static_cast<double>(std::max<int64_t>(1, scale_end - scale_start));
  auto x_of = [&](int64_t offset) {
    return corner.x + static_cast<float>((offset - scale_start) / span) * width;
  };
  const NodeView* node = view.model.Node(replica.broker);
  const bool down = node != nullptr && !node->up;
  const int alpha = down || !replica.in_isr ? 120 : 255;
  draw->AddRectFilled(corner, ImVec2(corner.x + width, corner.y + height),
                      IM_COL32(240, 240, 240, 255));
  const int64_t committed_end = std::min(replica.hw, replica.leo);
  if (committed_end > replica.log_start) {
    draw->AddRectFilled(ImVec2(x_of(replica.log_start), corner.y),
                        ImVec2(x_of(committed_end), corner.y + height),
                        (palette::kBlue & 0x00FFFFFF) | (alpha << 24));
  }
  if (replica.leo > committed_end) {
    const float start = x_of(std::max(committed_end, replica.log_start));
    DrawHatchedRect(draw, ImVec2(start, corner.y),
                    ImVec2(std::max(start + 2, x_of(replica.leo)), corner.y + height),
                    (palette::kOrange & 0x00FFFFFF) | (alpha << 24), IM_COL32(255, 255, 255, 170));
  }
  const bool ghost = replica.truncated_at_us >= 0 &&
                     replica.truncated_from > replica.truncated_to &&
                     view.time_us - replica.truncated_at_us < kGhostDurationUs;
  if (ghost) {
    const ImVec2 a(x_of(replica.truncated_to), corner.y + 2),
        b(x_of(replica.truncated_from), corner.y + height - 2);
    draw->AddRectFilled(a, ImVec2(std::max(a.x + 3, b.x), b.y), IM_COL32(204, 121, 167, 110));
    draw->AddRect(a, ImVec2(std::max(a.x + 3, b.x), b.y), palette::kReddishPurple, 0, 0, 2.0f);
  }
  const float hw_x = x_of(std::clamp(replica.hw, scale_start, scale_end));
  draw->AddLine(ImVec2(hw_x, corner.y - 3), ImVec2(hw_x, corner.y + height + 3), palette::kBlack,
                3.0f);
  draw->AddRect(corner, ImVec2(corner.x + width, corner.y + height), palette::kGrey);
  if (down) {
    const char* text = node->crashed ? "broker crashed: state as last seen" : "broker down";
    draw->AddText(ImVec2(corner.x + 6, corner.y), palette::kVermillion, text);
  }
  ImGui::Dummy(ImVec2(width, height));
}

void DrawPartition(View& view, const PartitionView& partition) {
  const ClusterModel& model = view.model;
  std::string isr;
  for (int32_t broker : partition.isr) isr += (isr.empty() ? "" : ",") + model.NodeName(broker);
  ImGui::TextColored(palette::ToVec4(palette::kBlue), "%s", partition.name.c_str());
  ImGui::SameLine();
  ImGui::Text("leader %s   epoch %d   ISR [%s]%s",
              partition.leader < 0 ? "none" : model.NodeName(partition.leader).c_str(),
              partition.leader_epoch, isr.c_str(),
              partition.last_election_unclean ? "   UNCLEAN election" : "");
  int64_t scale_start = INT64_MAX, scale_end = 1;
  for (const auto& [broker, replica] : partition.replica_by_broker) {
    scale_start = std::min(scale_start, replica.log_start);
    scale_end = std::max({scale_end, replica.leo, replica.hw, replica.truncated_from});
  }
  if (scale_start == INT64_MAX) scale_start = 0;
  const float label_width = ImGui::CalcTextSize("b000 FOLLOWER out of ISR ").x;
  const float numbers_width = ImGui::CalcTextSize("LEO 000000 HW 000000 lag 000000 ").x;
  const float bar_width =
      std::max(80.0f, ImGui::GetContentRegionAvail().x - label_width - numbers_width - 20);
  std::vector<int32_t> order = partition.replicas;
  for (const auto& [broker, replica] : partition.replica_by_broker) {
    if (std::find(order.begin(), order.end(), broker) == order.end()) order.push_back(broker);
  }
  for (int32_t broker : order) {
    auto it = partition.replica_by_broker.find(broker);
    if (it == partition.replica_by_broker.end()) continue;
    const ReplicaView& replica = it->second;
    const float row_x = ImGui::GetCursorPosX();
    ImGui::TextUnformatted(model.NodeName(broker).c_str());
    ImGui::SameLine(row_x + ImGui::CalcTextSize("b000 ").x);
    if (broker == partition.leader) {
      DrawBadge("LEADER", palette::kOrange, palette::kBlack, false);
    } else {
      ImGui::TextDisabled("%s", replica.role == "follower" ? "follower" : replica.role.c_str());
    }
    ImGui::SameLine(row_x + ImGui::CalcTextSize("b000 FOLLOWER ").x);
    if (replica.in_isr) {
      DrawBadge("ISR", palette::kBluishGreen, palette::kWhite, false);
    } else {
      DrawBadge("out of ISR", palette::kVermillion, palette::kVermillion, true);
    }
    ImGui::SameLine(row_x + label_width);
    DrawReplicaBar(view, partition, replica, scale_start, scale_end, bar_width);
    if (ImGui::IsItemClicked()) {  // the Log panel shows this replica's log
      view.selected_log_partition = partition.name;
      view.selected_log_node = broker;
    }
    ImGui::SameLine();
    const int64_t lag = partition.Lag(broker);
    ImGui::Text("LEO %lld  HW %lld  lag %s  e%d", static_cast<long long>(replica.leo),
                static_cast<long long>(replica.hw), lag < 0 ? "?" : std::to_string(lag).c_str(),
                replica.leader_epoch);
  }
  ImGui::Spacing();
}

}  // namespace

void DrawPartitionsPanel(View& view) {
  PlacePanel(0.42f, 0.15f, 0.58f, 0.18f);
  ImGui::Begin("Partitions");
  DrawLegend();
  ImGui::Separator();
  const auto& partitions = view.model.partitions();
  if (partitions.empty()) ImGui::TextDisabled("No partition yet.");
  ImGui::BeginChild("partition list");
  // Partitions are drawn in name order; a clipper keeps 100s of them cheap.
  std::vector<const PartitionView*> list;
  list.reserve(partitions.size());
  for (const auto& [name, partition] : partitions) list.push_back(&partition);
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(list.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) DrawPartition(view, *list[i]);
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace ks
