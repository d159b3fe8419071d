// Events: the trace's events, filtered by text (kind, node or fields); the last applied event is
// highlighted and later ones are dimmed. Clicking an event seeks the timeline to it.
#include <algorithm>
#include <string>
#include <vector>

#include "viewer/panels/panels.h"

namespace ks {
namespace {

// The indices of the events passing the filter, recomputed when the filter or the store changes.
struct FilteredEvents {
  std::string filter_text;
  size_t scanned = 0;  // events of the store looked at so far
  std::vector<size_t> indices;
};

// The events whose fields are rendered to JSON for the filter in one frame: a trace of a
// million events is filtered over a few frames instead of freezing one.
constexpr size_t kFilteredPerFrame = 100000;

bool Passes(const ImGuiTextFilter& filter, const View& view, const TraceEventView& event) {
  if (!filter.IsActive()) return true;
  const char* kind = event.kind.data();
  if (filter.PassFilter(kind, kind + event.kind.size())) return true;
  const std::string fields = event.Json();
  if (filter.PassFilter(fields.data(), fields.data() + fields.size())) return true;
  const NodeView* node = view.model.Node(event.node);
  return node != nullptr && filter.PassFilter(node->name.c_str());
}

}  // namespace

void DrawEventsPanel(View& view) {
  PlacePanel(0.0f, 0.58f, 0.36f, 0.24f);
  ImGui::Begin("Events");
  static ImGuiTextFilter filter;
  static FilteredEvents filtered;
  static bool follow = true;
  static size_t followed_position = SIZE_MAX;  // the position the list was last scrolled to
  filter.Draw("filter (e.g. replica.isr, crash, -log.)", ImGui::GetContentRegionAvail().x * 0.55f);
  ImGui::SameLine();
  ImGui::Checkbox("follow", &follow);
  if (filtered.filter_text != filter.InputBuf || filtered.scanned > view.store->size()) {
    filtered = FilteredEvents{filter.InputBuf, 0, {}};
  }
  const size_t scan_end = filter.IsActive()
                              ? std::min(view.store->size(), filtered.scanned + kFilteredPerFrame)
                              : view.store->size();
  for (; filtered.scanned < scan_end; ++filtered.scanned) {
    if (Passes(filter, view, view.store->view(filtered.scanned))) {
      filtered.indices.push_back(filtered.scanned);
    }
  }
  ImGui::Text("%s of %s events%s", FormatCount(filtered.indices.size()).c_str(),
              FormatCount(view.store->size()).c_str(),
              filtered.scanned < view.store->size() ? " (filtering...)" : "");
  ImGui::BeginChild("event list", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  const float row_height = ImGui::GetTextLineHeightWithSpacing();
  // The row of the last applied event (or the first after it).
  const size_t current_row =
      std::lower_bound(filtered.indices.begin(), filtered.indices.end(), view.position) -
      filtered.indices.begin();
  if (follow && followed_position != view.position) {
    ImGui::SetScrollY(std::max(0.0f, (static_cast<float>(current_row) - 3.0f) * row_height));
    followed_position = view.position;
  }
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(filtered.indices.size()), row_height);
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const size_t index = filtered.indices[row];
      const TraceEventView event = view.store->view(index);
      const bool applied = index < view.position;
      const bool last = index + 1 == view.position;
      const std::string node = event.node < 0 ? "world" : view.model.NodeName(event.node);
      const std::string line = FormatTime(event.time_us) + "  " + node + "  " +
                               std::string(event.kind) + "  " + event.Json().substr(0, 160);
      if (!applied) ImGui::PushStyleColor(ImGuiCol_Text, palette::ToVec4(palette::kGrey));
      ImGui::PushID(row);
      if (ImGui::Selectable(line.c_str(), last)) view.SeekToEvent(index);
      ImGui::PopID();
      if (!applied) ImGui::PopStyleColor();
    }
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace ks
