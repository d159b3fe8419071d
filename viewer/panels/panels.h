// The viewer's panels, one file each, named after what they show (as Tracy's TracyView_*.cpp).
// Each draws one ImGui window from the View and asks for seeks through it.
#pragma once

#include <vector>

#include "viewer/view.h"

namespace ks {

void DrawNarrationPanel(View& view);
void DrawClusterPanel(View& view);
void DrawPartitionsPanel(View& view);
void DrawLogPanel(View& view);
void DrawEventsPanel(View& view);
void DrawClientsPanel(View& view);
void DrawCheckersPanel(View& view);
void DrawTimelinePanel(View& view);

// Places a panel at a fraction of the display (x, y, width, height in 0..1) the first time.
void PlacePanel(float x, float y, float width, float height);

// A table's header row whose cells explain their column in a tooltip (after BeginTable).
struct HeaderColumn {
  const char* name;
  const char* tooltip;
};
void TableHeaderRow(const std::vector<HeaderColumn>& columns);

}  // namespace ks
