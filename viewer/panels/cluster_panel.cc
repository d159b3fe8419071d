// Cluster: the nodes and their links. Brokers are circles, the coordination service a rounded
// square, producers triangles, consumers diamonds. The controller wears a thick ring and a label;
// a crashed node is crossed out and labelled, a paused one shows pause bars; a link cut by a
// network partition is dashed and crossed. Every state has a shape or a word, not colour alone.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "viewer/panels/panels.h"

namespace ks {
namespace {

struct Placed {
  const NodeView* node;
  ImVec2 center;
};

void DrawDashedLine(ImDrawList* draw, ImVec2 a, ImVec2 b, ImU32 colour, float thickness) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float length = std::sqrt(dx * dx + dy * dy);
  if (length < 1.0f) return;
  const float dash = 10.0f;
  for (float s = 0; s < length; s += 2 * dash) {
    const float e = std::min(s + dash, length);
    draw->AddLine(ImVec2(a.x + dx * s / length, a.y + dy * s / length),
                  ImVec2(a.x + dx * e / length, a.y + dy * e / length), colour, thickness);
  }
}

void DrawLink(ImDrawList* draw, const ClusterModel& model, const Placed& a, const Placed& b) {
  const bool cut = model.LinkCut(a.node->name, b.node->name);
  const bool down = !a.node->up || !b.node->up;
  if (cut) {
    DrawDashedLine(draw, a.center, b.center, palette::kVermillion, 3.0f);
    const ImVec2 mid((a.center.x + b.center.x) / 2, (a.center.y + b.center.y) / 2);
    draw->AddLine(ImVec2(mid.x - 8, mid.y - 8), ImVec2(mid.x + 8, mid.y + 8), palette::kVermillion, 4);
    draw->AddLine(ImVec2(mid.x - 8, mid.y + 8), ImVec2(mid.x + 8, mid.y - 8), palette::kVermillion, 4);
  } else if (down) {
    DrawDashedLine(draw, a.center, b.center, palette::kGrey, 1.5f);
  } else {
    draw->AddLine(a.center, b.center, IM_COL32(90, 90, 90, 255), 2.0f);
  }
}

void DrawNode(ImDrawList* draw, const ClusterModel& model, const Placed& placed, float radius) {
  const NodeView& node = *placed.node;
  const ImVec2 c = placed.center;
  ImU32 fill = palette::kSkyBlue;
  if (node.role == "zookeeper") fill = palette::kBluishGreen;
  if (node.role == "producer" || node.role == "consumer") fill = palette::kReddishPurple;
  if (node.role == "admin") fill = palette::kLightGrey;
  if (node.paused) fill = palette::kYellow;
  if (!node.up) fill = node.crashed ? IM_COL32(110, 110, 110, 255) : palette::kLightGrey;
  const bool controller = node.role == "broker" && model.controller() == node.id;
  if (controller) draw->AddCircle(c, radius + 9, palette::kOrange, 0, 7.0f);
  if (node.role == "broker") {
    draw->AddCircleFilled(c, radius, fill);
    draw->AddCircle(c, radius, palette::kBlack, 0, 2.0f);
  } else if (node.role == "zookeeper") {
    draw->AddRectFilled(ImVec2(c.x - radius, c.y - radius * 0.8f), ImVec2(c.x + radius, c.y + radius * 0.8f),
                        fill, 10.0f);
    draw->AddRect(ImVec2(c.x - radius, c.y - radius * 0.8f), ImVec2(c.x + radius, c.y + radius * 0.8f),
                  palette::kBlack, 10.0f, 0, 2.0f);
  } else if (node.role == "producer") {
    const ImVec2 a(c.x, c.y - radius), b(c.x + radius, c.y + radius * 0.8f),
        d(c.x - radius, c.y + radius * 0.8f);
    draw->AddTriangleFilled(a, b, d, fill);
    draw->AddTriangle(a, b, d, palette::kBlack, 2.0f);
  } else if (node.role == "consumer") {
    const ImVec2 a(c.x, c.y - radius), b(c.x + radius, c.y), d(c.x, c.y + radius), e(c.x - radius, c.y);
    draw->AddQuadFilled(a, b, d, e, fill);
    draw->AddQuad(a, b, d, e, palette::kBlack, 2.0f);
  } else {
    draw->AddRectFilled(ImVec2(c.x - radius * 0.7f, c.y - radius * 0.7f),
                        ImVec2(c.x + radius * 0.7f, c.y + radius * 0.7f), fill);
    draw->AddRect(ImVec2(c.x - radius * 0.7f, c.y - radius * 0.7f),
                  ImVec2(c.x + radius * 0.7f, c.y + radius * 0.7f), palette::kBlack);
  }
  // The name inside, the state below.
  const ImVec2 name_size = ImGui::CalcTextSize(node.name.c_str());
  draw->AddText(ImVec2(c.x - name_size.x / 2, c.y - name_size.y / 2),
                node.up ? palette::kBlack : palette::kWhite, node.name.c_str());
  std::string state;
  ImU32 state_colour = palette::kBlack;
  if (node.crashed) {
    state = "CRASHED";
    state_colour = palette::kVermillion;
    const float r = radius * 0.9f;
    draw->AddLine(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), palette::kVermillion, 5.0f);
    draw->AddLine(ImVec2(c.x - r, c.y + r), ImVec2(c.x + r, c.y - r), palette::kVermillion, 5.0f);
  } else if (node.paused) {
    state = "PAUSED";
    const float h = radius * 0.5f;
    draw->AddRectFilled(ImVec2(c.x + radius * 0.45f, c.y - h), ImVec2(c.x + radius * 0.6f, c.y + h), palette::kBlack);
    draw->AddRectFilled(ImVec2(c.x + radius * 0.7f, c.y - h), ImVec2(c.x + radius * 0.85f, c.y + h), palette::kBlack);
  } else if (!node.up) {
    state = node.incarnation == 0 ? "not started" : "stopped";
    state_colour = palette::kGrey;
  }
  if (controller) state = state.empty() ? "CONTROLLER" : "CONTROLLER, " + state;
  if (!state.empty()) {
    const ImVec2 size = ImGui::CalcTextSize(state.c_str());
    draw->AddText(ImVec2(c.x - size.x / 2, c.y + radius + 10), state_colour, state.c_str());
  }
}

void DrawLegend() {
  ImGui::TextDisabled("Legend:");
  ImGui::SameLine();
  ImGui::TextWrapped("O broker   [] ZooKeeper   /\\ producer   <> consumer   "
                         "orange ring = controller   X = crashed   || = paused   "
                         "dashed + X link = partitioned");
}

}  // namespace

void DrawClusterPanel(View& view) {
  PlacePanel(0.0f, 0.15f, 0.42f, 0.43f);
  ImGui::Begin("Cluster");
  const ClusterModel& model = view.model;
  std::vector<Placed> zookeepers, brokers, clients;
  for (const auto& [id, node] : model.nodes()) {
    if (node.role == "zookeeper") {
      zookeepers.push_back({&node, {}});
    } else if (node.role == "broker") {
      brokers.push_back({&node, {}});
    } else {
      clients.push_back({&node, {}});
    }
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float legend_height = ImGui::GetTextLineHeightWithSpacing() * 2.2f;
  const float height = std::max(120.0f, avail.y - legend_height);
  const float radius = std::clamp(std::min(avail.x / (3.0f * std::max<size_t>(brokers.size(), 3)),
                                           height / 9.0f), 14.0f, 44.0f);
  auto spread = [&](std::vector<Placed>& row, float y_fraction) {
    for (size_t i = 0; i < row.size(); ++i) {
      row[i].center = ImVec2(origin.x + avail.x * (i + 0.5f) / row.size(),
                             origin.y + height * y_fraction);
    }
  };
  spread(zookeepers, 0.15f);
  spread(brokers, 0.50f);
  spread(clients, 0.85f);

  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (const Placed& zk : zookeepers) {
    for (const Placed& broker : brokers) DrawLink(draw, model, zk, broker);
  }
  for (size_t i = 0; i < brokers.size(); ++i) {
    for (size_t j = i + 1; j < brokers.size(); ++j) DrawLink(draw, model, brokers[i], brokers[j]);
  }
  for (const auto* row : {&zookeepers, &brokers, &clients}) {
    for (const Placed& placed : *row) DrawNode(draw, model, placed, radius);
  }
  ImGui::Dummy(ImVec2(avail.x, height));
  if (model.network().partitioned) {
    ImGui::TextColored(palette::ToVec4(palette::kVermillion), "Network partition: %s",
                       model.network().sides.c_str());
  }
  DrawLegend();
  ImGui::End();
}

}  // namespace ks
