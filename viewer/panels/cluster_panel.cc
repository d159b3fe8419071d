// Cluster: the nodes and their links. Brokers are circles, the coordination service a rounded
// square, producers triangles, consumers diamonds. The controller wears a thick ring and a label;
// a crashed node is crossed out and labelled, a paused one shows pause bars; a link cut by a
// network partition is dashed and crossed. Every state has a shape or a word, not colour alone.
// Clicking a node opens its fault menu, dragging between two nodes cuts their link (fault_menu.h).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "viewer/panels/fault_menu.h"
#include "viewer/panels/panels.h"

namespace ks {
namespace {

struct Placed {
  const NodeView* node;
  ImVec2 center;
};

// Draws the polyline `points` solid, or in dashes of about 10 px.
void DrawPath(ImDrawList* draw, const std::vector<ImVec2>& points, ImU32 colour, float thickness,
              bool dashed) {
  if (!dashed) {
    draw->AddPolyline(points.data(), static_cast<int>(points.size()), colour, 0, thickness);
    return;
  }
  const float dash = 10.0f;
  float along = 0;  // length walked so far; even dash-lengths are drawn, odd ones skipped
  for (size_t i = 1; i < points.size(); ++i) {
    const ImVec2 a = points[i - 1], b = points[i];
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float length = std::sqrt(dx * dx + dy * dy);
    for (float s = 0; s < length;) {
      const float to_edge = dash - std::fmod(along + s, dash);
      const float e = std::min(s + to_edge, length);
      if (static_cast<int>((along + s) / dash) % 2 == 0) {
        draw->AddLine(ImVec2(a.x + dx * s / length, a.y + dy * s / length),
                      ImVec2(a.x + dx * e / length, a.y + dy * e / length), colour, thickness);
      }
      s = e + 1e-3f;
    }
    along += length;
  }
}

// A link from a to b: straight, or bent by `bend` pixels (a quadratic curve) so that it does not
// run through the nodes between them.
void DrawLink(ImDrawList* draw, const ClusterModel& model, const Placed& a, const Placed& b,
              float bend = 0) {
  const bool cut = model.LinkCut(a.node->name, b.node->name);
  const bool down = !a.node->up || !b.node->up;
  const ImVec2 control((a.center.x + b.center.x) / 2, (a.center.y + b.center.y) / 2 + bend);
  std::vector<ImVec2> points;
  const int segments = bend == 0 ? 1 : 32;
  for (int i = 0; i <= segments; ++i) {
    const float t = static_cast<float>(i) / segments, u = 1 - t;
    points.emplace_back(u * u * a.center.x + 2 * u * t * control.x + t * t * b.center.x,
                        u * u * a.center.y + 2 * u * t * control.y + t * t * b.center.y);
  }
  if (cut) {
    DrawPath(draw, points, palette::kVermillion, 3.0f, /*dashed=*/true);
    const ImVec2 mid(0.25f * a.center.x + 0.5f * control.x + 0.25f * b.center.x,
                     0.25f * a.center.y + 0.5f * control.y + 0.25f * b.center.y);
    draw->AddLine(ImVec2(mid.x - 8, mid.y - 8), ImVec2(mid.x + 8, mid.y + 8), palette::kVermillion,
                  4);
    draw->AddLine(ImVec2(mid.x - 8, mid.y + 8), ImVec2(mid.x + 8, mid.y - 8), palette::kVermillion,
                  4);
  } else if (down) {
    DrawPath(draw, points, palette::kGrey, 1.5f, /*dashed=*/true);
  } else {
    DrawPath(draw, points, IM_COL32(90, 90, 90, 255), 2.0f, /*dashed=*/false);
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
    draw->AddRectFilled(ImVec2(c.x - radius, c.y - radius * 0.8f),
                        ImVec2(c.x + radius, c.y + radius * 0.8f), fill, 10.0f);
    draw->AddRect(ImVec2(c.x - radius, c.y - radius * 0.8f),
                  ImVec2(c.x + radius, c.y + radius * 0.8f), palette::kBlack, 10.0f, 0, 2.0f);
  } else if (node.role == "producer") {
    const ImVec2 a(c.x, c.y - radius), b(c.x + radius, c.y + radius * 0.8f),
        d(c.x - radius, c.y + radius * 0.8f);
    draw->AddTriangleFilled(a, b, d, fill);
    draw->AddTriangle(a, b, d, palette::kBlack, 2.0f);
  } else if (node.role == "consumer") {
    const ImVec2 a(c.x, c.y - radius), b(c.x + radius, c.y), d(c.x, c.y + radius),
        e(c.x - radius, c.y);
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
    draw->AddRectFilled(ImVec2(c.x + radius * 0.45f, c.y - h), ImVec2(c.x + radius * 0.6f, c.y + h),
                        palette::kBlack);
    draw->AddRectFilled(ImVec2(c.x + radius * 0.7f, c.y - h), ImVec2(c.x + radius * 0.85f, c.y + h),
                        palette::kBlack);
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
  ImGui::TextWrapped(
      "O broker   [] ZooKeeper   /\\ producer   <> consumer   "
      "orange ring = controller   X = crashed   || = paused   "
      "dashed + X link = partitioned");
}

}  // namespace

void DrawClusterPanel(View& view) {
  PlacePanel(0.0f, 0.15f, 0.42f, 0.43f);
  ImGui::Begin("Cluster");
  LiveControls(view);
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
  const float radius =
      std::clamp(std::min(avail.x / (3.0f * std::max<size_t>(brokers.size(), 3)), height / 9.0f),
                 14.0f, 44.0f);
  auto spread = [&](std::vector<Placed>& row, float y_fraction) {
    for (size_t i = 0; i < row.size(); ++i) {
      row[i].center =
          ImVec2(origin.x + avail.x * (i + 0.5f) / row.size(), origin.y + height * y_fraction);
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
    for (size_t j = i + 1; j < brokers.size(); ++j) {
      // Brokers sit in a row: a link that skips some bends below them.
      DrawLink(draw, model, brokers[i], brokers[j], (j - i - 1) * radius * 3.0f);
    }
  }
  for (const auto* row : {&zookeepers, &brokers, &clients}) {
    for (const Placed& placed : *row) DrawNode(draw, model, placed, radius);
  }
  // The picture is a button, so that clicks and drags on it reach the fault menu (and do not
  // move the window).
  ImGui::InvisibleButton("cluster picture", ImVec2(avail.x, height));
  std::vector<NodeSpot> spots;
  for (const auto* row : {&zookeepers, &brokers, &clients}) {
    for (const Placed& placed : *row) spots.push_back({placed.node, placed.center, radius});
  }
  FaultInteraction(view, spots);
  if (model.network().partitioned) {
    ImGui::TextColored(palette::ToVec4(palette::kVermillion), "Network partition: %s",
                       model.network().sides.c_str());
  }
  DrawLegend();
  ImGui::End();
}

}  // namespace ks
