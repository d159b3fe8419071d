#include "viewer/view.h"

#include <algorithm>
#include <cstdio>

#include "viewer/live_session.h"

namespace ks {

ImVec4 palette::ToVec4(ImU32 colour) { return ImGui::ColorConvertU32ToFloat4(colour); }

TimeUs View::EndTime() const {
  if (live) return std::max(live_time_us, store->size() == 0 ? 0 : store->clock(store->size() - 1));
  return store->end_time_us();
}

void View::SeekToTime(TimeUs t) {
  time_us = std::clamp<TimeUs>(t, 0, EndTime());
  store->Seek(store->PositionAt(time_us), &model, &position);
}

void View::SeekToEvent(size_t index) {
  if (index >= store->size()) return;
  time_us = store->clock(index);
  store->Seek(index + 1, &model, &position);
}

void View::Advance(double wall_seconds) {
  if (!playing) return;
  const TimeUs step = static_cast<TimeUs>(wall_seconds * speed * 1e6);
  const TimeUs end = EndTime();
  if (!live && time_us + step >= end) playing = false;
  SeekToTime(time_us + std::max<TimeUs>(step, 1));
}

void View::SyncLive() {
  if (session == nullptr) return;
  if (store != &session->store()) {
    // A fork: a new store, so the picture is folded again from its start.
    store = &session->store();
    model = ClusterModel{};
    position = 0;
  }
  live_time_us = session->time_us();
  live_finished = session->finished();
  SeekToTime(time_us);
}

std::string FormatTime(TimeUs time_us) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f s", static_cast<double>(time_us) / 1e6);
  return text;
}

std::string FormatCount(int64_t count) {
  std::string digits = std::to_string(count < 0 ? -count : count);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return count < 0 ? "-" + out : out;
}

void DrawHatchedRect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 fill, ImU32 stripe) {
  draw->AddRectFilled(min, max, fill);
  draw->PushClipRect(min, max, true);
  const float height = max.y - min.y;
  for (float x = min.x - height; x < max.x; x += 8.0f) {
    draw->AddLine(ImVec2(x, max.y), ImVec2(x + height, min.y), stripe, 2.0f);
  }
  draw->PopClipRect();
}

void LegendSwatch(ImU32 colour, const char* text, bool hatched) {
  const float size = ImGui::GetTextLineHeight();
  const ImVec2 corner = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 end(corner.x + size * 1.6f, corner.y + size);
  if (hatched) {
    DrawHatchedRect(draw, corner, end, colour, IM_COL32(255, 255, 255, 170));
  } else {
    draw->AddRectFilled(corner, end, colour);
  }
  draw->AddRect(corner, end, palette::kBlack);
  ImGui::Dummy(ImVec2(size * 1.6f, size));
  ImGui::SameLine();
  ImGui::TextUnformatted(text);
}

}  // namespace ks

#include "viewer/panels/panels.h"

namespace ks {

void PlacePanel(float x, float y, float width, float height) {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(display.x * x, display.y * y), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(display.x * width, display.y * height), ImGuiCond_FirstUseEver);
}

}  // namespace ks
