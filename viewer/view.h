// View: what every panel sees and may change — the store, the picture at the current position,
// the transport (playing, speed) and the classroom look (fonts, palette). Panels read the model
// and ask for seeks through the methods here; they never fold events themselves.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>

#include "viewer/cluster_model.h"
#include "viewer/trace_store.h"

namespace ks {

class LiveSession;

// Okabe–Ito, the colour-blind-safe palette. Meaning never rests on colour alone: every state also
// has a shape or a label.
namespace palette {
inline constexpr ImU32 kBlack = IM_COL32(0, 0, 0, 255);
inline constexpr ImU32 kOrange = IM_COL32(230, 159, 0, 255);
inline constexpr ImU32 kSkyBlue = IM_COL32(86, 180, 233, 255);
inline constexpr ImU32 kBluishGreen = IM_COL32(0, 158, 115, 255);
inline constexpr ImU32 kYellow = IM_COL32(240, 228, 66, 255);
inline constexpr ImU32 kBlue = IM_COL32(0, 114, 178, 255);
inline constexpr ImU32 kVermillion = IM_COL32(213, 94, 0, 255);
inline constexpr ImU32 kReddishPurple = IM_COL32(204, 121, 167, 255);
inline constexpr ImU32 kGrey = IM_COL32(150, 150, 150, 255);
inline constexpr ImU32 kLightGrey = IM_COL32(225, 225, 225, 255);
inline constexpr ImU32 kWhite = IM_COL32(255, 255, 255, 255);
ImVec4 ToVec4(ImU32 colour);
}  // namespace palette

struct View {
  TraceStore* store = nullptr;
  ClusterModel model;   // the picture after `position` events
  size_t position = 0;  // events applied
  TimeUs time_us = 0;   // the timeline's time
  bool playing = false;
  float speed = 1.0f;  // simulated seconds per wall-clock second
  bool live = false;   // a run in this process feeds the store
  bool live_finished = false;
  TimeUs live_time_us = 0;         // live mode: how far the run has been advanced
  LiveSession* session = nullptr;  // live mode: the run, its injected faults and forks
  std::string save_path;           // live mode: where "Save as scenario" writes
  std::string live_message;        // live mode: the outcome of the last injection or save
  std::string title;               // the trace file or scenario
  // The log the Log panel shows (a click on a replica bar picks it); empty: the first
  // partition's leader, or the first log seen.
  std::string selected_log_partition;
  int32_t selected_log_node = -1;
  ImFont* large_font = nullptr;
  float font_size = 20.0f;

  // The end of the timeline: the trace's end, or in live mode how far the run has gone.
  TimeUs EndTime() const;
  // Moves to time `t`: every event whose clock is at or before it is applied.
  void SeekToTime(TimeUs t);
  // Moves to just after event `index` (so it is the last one applied).
  void SeekToEvent(size_t index);
  // Plays `wall_seconds` of wall time at the current speed.
  void Advance(double wall_seconds);
  // Live mode, after the session ran, injected or forked: takes its (maybe new) store and tip.
  void SyncLive();
};

// "12.345 s"
std::string FormatTime(TimeUs time_us);
// "98,384"
std::string FormatCount(int64_t count);

// A filled rectangle with diagonal stripes (uncommitted records: not colour alone).
void DrawHatchedRect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 fill, ImU32 stripe);
// Draws a small legend entry: a swatch (filled rectangle) followed by text, on the same line.
void LegendSwatch(ImU32 colour, const char* text, bool hatched = false);

}  // namespace ks
