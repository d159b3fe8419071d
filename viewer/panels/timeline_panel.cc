// Timeline: the transport (play/pause, step to the next event, step to the next event of a chosen
// kind, speed) and a scrubbable time bar with the trace's markers: faults (down triangles),
// elections (diamonds), ISR changes (circles), checker violations (crosses) and captions (ticks).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "viewer/panels/panels.h"

namespace ks {
namespace {

ImU32 MarkerColour(MarkerKind kind) {
  switch (kind) {
    case MarkerKind::kFault:
      return palette::kVermillion;
    case MarkerKind::kElection:
      return palette::kBlue;
    case MarkerKind::kIsrChange:
      return palette::kOrange;
    case MarkerKind::kViolation:
      return palette::kReddishPurple;
    case MarkerKind::kCaption:
      return palette::kBlack;
  }
  return palette::kBlack;
}

void DrawMarkerShape(ImDrawList* draw, MarkerKind kind, ImVec2 c, float r) {
  const ImU32 colour = MarkerColour(kind);
  switch (kind) {
    case MarkerKind::kFault:
      draw->AddTriangleFilled(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y - r),
                              ImVec2(c.x, c.y + r), colour);
      break;
    case MarkerKind::kElection:
      draw->AddQuadFilled(ImVec2(c.x, c.y - r), ImVec2(c.x + r, c.y), ImVec2(c.x, c.y + r),
                          ImVec2(c.x - r, c.y), colour);
      break;
    case MarkerKind::kIsrChange:
      draw->AddCircleFilled(c, r * 0.8f, colour);
      break;
    case MarkerKind::kViolation:
      draw->AddLine(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), colour, 3.0f);
      draw->AddLine(ImVec2(c.x - r, c.y + r), ImVec2(c.x + r, c.y - r), colour, 3.0f);
      break;
    case MarkerKind::kCaption:
      draw->AddLine(ImVec2(c.x, c.y - r), ImVec2(c.x, c.y + r), colour, 2.0f);
      break;
  }
}

void MarkerLegend(MarkerKind kind) {
  const float r = ImGui::GetTextLineHeight() * 0.4f;
  const ImVec2 corner = ImGui::GetCursorScreenPos();
  DrawMarkerShape(ImGui::GetWindowDrawList(), kind,
                  ImVec2(corner.x + r, corner.y + ImGui::GetTextLineHeight() / 2), r);
  ImGui::Dummy(ImVec2(2 * r + 4, ImGui::GetTextLineHeight()));
  ImGui::SameLine();
  ImGui::TextUnformatted(MarkerKindName(kind));
}

constexpr MarkerKind kMarkerKinds[] = {MarkerKind::kFault, MarkerKind::kElection,
                                       MarkerKind::kIsrChange, MarkerKind::kViolation,
                                       MarkerKind::kCaption};

// "Next of kind" choices: the marker kinds first, then every event kind of the trace.
void NextOfKindControls(View& view) {
  static int choice = 0;
  const auto& kinds = view.store->kinds();
  const int marker_count = static_cast<int>(std::size(kMarkerKinds));
  auto label = [&](int i) -> std::string {
    return i < marker_count ? MarkerKindName(kMarkerKinds[i]) : kinds[i - marker_count];
  };
  choice = std::min(choice, marker_count + static_cast<int>(kinds.size()) - 1);
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("controller.partition_state  ").x);
  if (ImGui::BeginCombo("##next kind", label(choice).c_str())) {
    for (int i = 0; i < marker_count + static_cast<int>(kinds.size()); ++i) {
      if (ImGui::Selectable(label(i).c_str(), i == choice)) choice = i;
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button("Next of kind >>")) {
    std::optional<size_t> next = choice < marker_count
                                     ? view.store->NextMarker(view.position, kMarkerKinds[choice])
                                     : view.store->NextOfKind(view.position, label(choice));
    if (next) {
      view.playing = false;
      view.SeekToEvent(*next);
    }
  }
}

void TimeBar(View& view) {
  const float width = ImGui::GetContentRegionAvail().x;
  const float height = ImGui::GetTextLineHeight() * 2.4f;
  const ImVec2 corner = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("time bar", ImVec2(width, height));
  const TimeUs end = std::max<TimeUs>(1, view.EndTime());
  if (ImGui::IsItemActive()) {
    const float fraction = std::clamp((ImGui::GetIO().MousePos.x - corner.x) / width, 0.0f, 1.0f);
    view.SeekToTime(static_cast<TimeUs>(fraction * end));
  }
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float mid = corner.y + height * 0.55f;
  draw->AddRectFilled(ImVec2(corner.x, mid - 4), ImVec2(corner.x + width, mid + 4),
                      palette::kLightGrey, 4);
  const float now_x = corner.x + width * static_cast<float>(view.time_us) / end;
  draw->AddRectFilled(ImVec2(corner.x, mid - 4), ImVec2(now_x, mid + 4), palette::kSkyBlue, 4);
  // Markers; many at one pixel are drawn once.
  float last_x[std::size(kMarkerKinds)] = {-100, -100, -100, -100, -100};
  const float r = height * 0.16f;
  for (const Marker& marker : view.store->markers()) {
    const float x = corner.x + width * static_cast<float>(marker.clock_us) / end;
    const int k = static_cast<int>(marker.kind);
    if (x - last_x[k] < 1.0f) continue;
    last_x[k] = x;
    const float y = marker.kind == MarkerKind::kCaption ? corner.y + r : mid;
    DrawMarkerShape(draw, marker.kind, ImVec2(x, y), r);
  }
  draw->AddLine(ImVec2(now_x, corner.y), ImVec2(now_x, corner.y + height), palette::kBlack, 3.0f);
  // Whole seconds every so often.
  const double seconds = end / 1e6;
  const double tick = seconds > 120 ? 30 : seconds > 30 ? 10 : seconds > 6 ? 1 : 0.5;
  for (double s = 0; s <= seconds; s += tick) {
    const float x = corner.x + width * static_cast<float>(s / seconds);
    draw->AddLine(ImVec2(x, mid + 4), ImVec2(x, mid + 10), palette::kGrey);
    char text[16];
    std::snprintf(text, sizeof(text), "%gs", s);
    draw->AddText(ImGui::GetFont(), ImGui::GetFontSize() * 0.7f, ImVec2(x + 2, mid + 6),
                  palette::kGrey, text);
  }
}

}  // namespace

void DrawTimelinePanel(View& view) {
  PlacePanel(0.0f, 0.82f, 1.0f, 0.18f);
  ImGui::Begin("Timeline");
  if (ImGui::Button("|<")) view.SeekToTime(0);
  ImGui::SameLine();
  if (ImGui::Button(view.playing ? "Pause" : "Play ") ||
      (!ImGui::GetIO().WantTextInput && ImGui::IsKeyPressed(ImGuiKey_Space))) {
    view.playing = !view.playing;
  }
  ImGui::SameLine();
  if (ImGui::Button("Step >") && view.position < view.store->size()) {
    view.playing = false;
    view.SeekToEvent(view.position);
  }
  ImGui::SameLine();
  NextOfKindControls(view);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("speed 0000.00x sim s per s").x);
  ImGui::SliderFloat("speed", &view.speed, 0.01f, 1000.0f, "%.2fx", ImGuiSliderFlags_Logarithmic);
  ImGui::SameLine();
  ImGui::Text("t = %s / %s   event %s / %s%s", FormatTime(view.time_us).c_str(),
              FormatTime(view.EndTime()).c_str(), FormatCount(view.position).c_str(),
              FormatCount(view.store->size()).c_str(),
              view.live ? (view.live_finished ? "   LIVE (run over)" : "   LIVE") : "");
  TimeBar(view);
  for (MarkerKind kind : kMarkerKinds) {
    MarkerLegend(kind);
    ImGui::SameLine(0, 28);
  }
  ImGui::NewLine();
  ImGui::End();
}

}  // namespace ks
