// Log: one log's segments and index entries, from the storage trace events (log_view.h). A picker
// chooses the log (a partition on one broker, or a log_host's log; a click on a replica bar in
// the Partitions panel picks it too). Below a summary line (log start, HW, LEO, flushed-up-to),
// a strip draws the segments as files side by side: filled as far as they hold bytes, the active
// one green and labelled ACTIVE, the part not yet fsynced hatched, offsets below the log start
// greyed, a recent compaction outlined in purple. A table lists the segments (and the ones
// retention deleted) with their three files' sizes as `ls -l` shows them on a broker (the active
// segment's .index and .timeindex preallocated to segment.index.bytes, the others trimmed to
// their entries) and their index entries; another lists the latest offset-index entries. Every
// state has a word or a shape besides its colour, and every column header explains itself in a
// tooltip.
#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "viewer/panels/panels.h"

namespace ks {
namespace {

constexpr TimeUs kRecentUs = 3'000'000;  // how long a compaction or deletion stays highlighted
constexpr float kMinSegmentWidth = 96.0f;

// An index file's size as `ls -l` shows it ("?" if the trace did not say).
std::string FileBytes(int64_t bytes) { return bytes < 0 ? "?" : FormatCount(bytes); }

std::string LogLabel(const ClusterModel& model, const LogView& log) {
  std::string label = log.topic_partition + " on " + model.NodeName(log.node);
  auto partition = model.partitions().find(log.topic_partition);
  if (partition != model.partitions().end()) {
    auto replica = partition->second.replica_by_broker.find(log.node);
    if (partition->second.leader == log.node) {
      label += " (leader)";
    } else if (replica != partition->second.replica_by_broker.end()) {
      label += " (" + replica->second.role + ")";
    }
  }
  return label;
}

// The selected log, or the default: the first partition's leader, else the first log seen.
const LogView* SelectedLog(const View& view) {
  const ClusterModel& model = view.model;
  if (const LogView* log = model.Log(view.selected_log_partition, view.selected_log_node)) {
    return log;
  }
  if (!model.partitions().empty()) {
    const PartitionView& first = model.partitions().begin()->second;
    if (const LogView* log = model.Log(first.name, first.leader)) return log;
  }
  return model.logs().empty() ? nullptr : &model.logs().begin()->second;
}

void DrawPicker(View& view, const LogView& selected) {
  const ClusterModel& model = view.model;
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("orders-00 on b000 (follower)").x + 40);
  if (ImGui::BeginCombo("##log", LogLabel(model, selected).c_str())) {
    for (const auto& [key, log] : model.logs()) {
      const bool chosen = &log == &selected;
      if (ImGui::Selectable(LogLabel(model, log).c_str(), chosen)) {
        view.selected_log_partition = log.topic_partition;
        view.selected_log_node = log.node;
      }
      if (chosen) ImGui::SetItemDefaultFocus();
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(
        "Which log to show: a partition on one node.\n"
        "Clicking a replica's bar in the Partitions panel picks it too.");
  }
}

void DrawSummary(const View& view, const LogView& log) {
  const ClusterModel& model = view.model;
  std::string hw;  // brokers' replicas only: a log_host's log has no replication
  auto partition = model.partitions().find(log.topic_partition);
  if (partition != model.partitions().end()) {
    auto replica = partition->second.replica_by_broker.find(log.node);
    if (replica != partition->second.replica_by_broker.end()) {
      hw = "   HW " + std::to_string(replica->second.hw);
    }
  }
  ImGui::SameLine();
  ImGui::Text("log start %lld%s   LEO %lld   flushed to %lld   %s B in %zu segment%s",
              static_cast<long long>(log.log_start), hw.c_str(),
              static_cast<long long>(log.log_end), static_cast<long long>(log.recovery_point),
              FormatCount(log.SizeBytes()).c_str(), log.segments.size(),
              log.segments.size() == 1 ? "" : "s");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(
        "log start: the first offset a reader may ask for (retention moves it up)\n"
        "HW: high watermark, the end of what the ISR acknowledged (brokers only)\n"
        "LEO: log end offset, the offset the next record appended will get\n"
        "flushed to: the recovery point; offsets from here on are only in the page cache\n"
        "and a power loss may take them");
  }
  if (!log.offline_error.empty()) {
    ImGui::TextColored(palette::ToVec4(palette::kVermillion), "OFFLINE: %s",
                       log.offline_error.c_str());
  }
  if (!log.truncations.empty()) {
    const TruncationView& t = log.truncations.back();
    ImGui::TextColored(palette::ToVec4(palette::kReddishPurple),
                       "TRUNCATED at %s: %s%lld -> %lld, %s bytes removed (%lld truncation%s)",
                       FormatTime(t.time_us).c_str(), t.full ? "whole log, restart at " : "",
                       static_cast<long long>(t.from_offset), static_cast<long long>(t.to_offset),
                       FormatCount(t.bytes_removed).c_str(),
                       static_cast<long long>(log.truncations_total),
                       log.truncations_total == 1 ? "" : "s");
  }
  if (log.recovery.time_us >= 0) {
    ImGui::TextColored(palette::ToVec4(palette::kVermillion),
                       "RECOVERED at %s: %lld segment%s scanned, %s bytes dropped%s%s",
                       FormatTime(log.recovery.time_us).c_str(),
                       static_cast<long long>(log.recovery.segments_scanned),
                       log.recovery.segments_scanned == 1 ? "" : "s",
                       FormatCount(log.recovery.bytes_dropped).c_str(),
                       log.recovery.reason.empty() ? "" : ": ", log.recovery.reason.c_str());
  }
}

// Bytes only in the page cache: orange stripes over the segment's own colour.
void DrawUnflushed(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 fill) {
  draw->AddRectFilled(min, max, fill);
  draw->PushClipRect(min, max, true);
  const float height = max.y - min.y;
  for (float x = min.x - height; x < max.x; x += 10.0f) {
    draw->AddLine(ImVec2(x, max.y), ImVec2(x + height, min.y), palette::kOrange, 4.0f);
  }
  draw->PopClipRect();
}

void DrawLegend() {
  LegendSwatch(palette::kSkyBlue, "sealed");
  ImGui::SameLine(0, 20);
  LegendSwatch(palette::kBluishGreen, "ACTIVE");
  ImGui::SameLine(0, 20);
  {
    const float size = ImGui::GetTextLineHeight();
    const ImVec2 corner = ImGui::GetCursorScreenPos();
    const ImVec2 end(corner.x + size * 1.6f, corner.y + size);
    DrawUnflushed(ImGui::GetWindowDrawList(), corner, end, palette::kWhite);
    ImGui::GetWindowDrawList()->AddRect(corner, end, palette::kBlack);
    ImGui::Dummy(ImVec2(size * 1.6f, size));
    ImGui::SameLine();
    ImGui::TextUnformatted("not yet fsynced");
  }
  ImGui::SameLine(0, 20);
  LegendSwatch(palette::kGrey, "below log start");
  ImGui::SameLine(0, 20);
  LegendSwatch(palette::kReddishPurple, "just compacted (outline)");
}

// The fraction of a segment's offsets at or above `offset` (0 if none, 1 if all).
float FractionFrom(const SegmentView& segment, int64_t offset) {
  const int64_t span = segment.end_offset - segment.base_offset;
  if (span <= 0 || offset >= segment.end_offset) return 0.0f;
  if (offset <= segment.base_offset) return 1.0f;
  return static_cast<float>(segment.end_offset - offset) / static_cast<float>(span);
}

void DrawSegmentBox(const View& view, const LogView& log, const SegmentView& segment,
                    int64_t largest_bytes, ImVec2 corner, ImVec2 size) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const bool active = &segment == log.Active();
  const ImVec2 end(corner.x + size.x, corner.y + size.y);
  draw->AddRectFilled(corner, end, palette::kWhite);
  const float filled = size.x * static_cast<float>(segment.size_bytes) /
                       static_cast<float>(std::max<int64_t>(1, largest_bytes));
  const ImU32 fill = active ? palette::kBluishGreen : palette::kSkyBlue;
  draw->AddRectFilled(corner, ImVec2(corner.x + filled, end.y), fill);
  // The part not yet fsynced (by offsets), hatched at the end of the fill.
  const float unflushed = filled * FractionFrom(segment, log.recovery_point);
  if (unflushed > 0.5f) {
    DrawUnflushed(draw, ImVec2(corner.x + filled - unflushed, corner.y),
                  ImVec2(corner.x + filled, end.y), fill);
  }
  // Offsets below the log start are gone for readers (retention will delete the file).
  const float below_start = filled * (1.0f - FractionFrom(segment, log.log_start));
  if (below_start > 0.5f) {
    draw->AddRectFilled(corner, ImVec2(corner.x + below_start, end.y),
                        IM_COL32(150, 150, 150, 220));
  }
  const bool recently_cleaned =
      segment.cleaned_at_us >= 0 && view.time_us - segment.cleaned_at_us < kRecentUs;
  if (recently_cleaned) {
    draw->AddRect(corner, end, palette::kReddishPurple, 0, 0, 4.0f);
  } else {
    draw->AddRect(corner, end, active ? palette::kBlack : palette::kGrey, 0, 0,
                  active ? 2.0f : 1.0f);
  }
  const std::string top = std::to_string(segment.base_offset);
  const std::string bottom = FormatCount(segment.size_bytes) + " B";
  const float line = ImGui::GetTextLineHeight();
  draw->PushClipRect(corner, end, true);
  draw->AddText(ImVec2(corner.x + 4, corner.y + 2), palette::kBlack, top.c_str());
  draw->AddText(ImVec2(corner.x + 4, corner.y + 4 + line), palette::kBlack, bottom.c_str());
  draw->PopClipRect();
}

// The segments as files side by side (the newest on the right; older ones scroll off the left).
void DrawSegmentStrip(const View& view, const LogView& log) {
  const float line = ImGui::GetTextLineHeight();
  const float width = ImGui::GetContentRegionAvail().x;
  const ImVec2 size_of_box(0, line * 2 + 8);
  const size_t fit = std::max<size_t>(1, static_cast<size_t>(width / kMinSegmentWidth));
  const size_t shown = std::min(fit, log.segments.size());
  const size_t first = log.segments.size() - shown;
  if (shown == 0) {
    ImGui::TextDisabled("No segment yet.");
    return;
  }
  int64_t largest_bytes = 1;
  for (const SegmentView& segment : log.segments)
    largest_bytes = std::max(largest_bytes, segment.size_bytes);
  const float box_width = std::min(width / static_cast<float>(shown), 260.0f);
  const ImVec2 corner = ImGui::GetCursorScreenPos();
  for (size_t i = 0; i < shown; ++i) {
    const SegmentView& segment = log.segments[first + i];
    const ImVec2 box_corner(corner.x + box_width * static_cast<float>(i), corner.y);
    DrawSegmentBox(view, log, segment, largest_bytes, box_corner,
                   ImVec2(box_width - 4, size_of_box.y));
    ImGui::SetCursorScreenPos(box_corner);
    ImGui::PushID(static_cast<int>(first + i));
    ImGui::InvisibleButton("segment", ImVec2(box_width - 4, size_of_box.y));
    ImGui::PopID();
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip(
          "segment %020lld.log\noffsets %lld..%lld, %s bytes%s\n"
          ".index %s bytes, .timeindex %s bytes%s\n"
          "the bar fills with the segment's bytes (relative to the largest one)",
          static_cast<long long>(segment.base_offset), static_cast<long long>(segment.base_offset),
          static_cast<long long>(segment.end_offset - 1), FormatCount(segment.size_bytes).c_str(),
          &segment == log.Active() ? "\nACTIVE: appends go here until it rolls" : "",
          FileBytes(log.IndexBytes(segment)).c_str(),
          FileBytes(log.TimeIndexBytes(segment)).c_str(),
          log.Preallocated(segment) ? " (preallocated)" : "");
    }
  }
  // Under the strip: the active segment named, and how many older ones did not fit.
  const float below = corner.y + size_of_box.y + 2;
  const float active_left = corner.x + box_width * static_cast<float>(shown - 1);
  const char* label = "^ ACTIVE: appends go here";
  float label_x = active_left;
  if (active_left + ImGui::CalcTextSize(label).x > corner.x + width) {
    label = "ACTIVE: appends go here ^";  // right-aligned under the box's right end
    label_x = active_left + box_width - 4 - ImGui::CalcTextSize(label).x;
  }
  ImGui::GetWindowDrawList()->AddText(ImVec2(label_x, below), palette::kBlack, label);
  ImGui::SetCursorScreenPos(ImVec2(corner.x, below));
  if (first > 0) {
    ImGui::TextDisabled("(%zu older not drawn)", first);
  } else {
    ImGui::NewLine();
  }
}

std::string SegmentState(const View& view, const LogView& log, const SegmentView& segment) {
  std::string state;
  if (&segment == log.Active()) {
    state = log.closed ? "ACTIVE, log closed: indexes trimmed" : "ACTIVE, indexes preallocated";
  } else {
    state = "sealed";
    if (!segment.roll_reason.empty()) state += ": " + segment.roll_reason;
  }
  if (segment.end_offset > log.recovery_point) state += ", not fsynced";
  if (segment.end_offset <= log.log_start && segment.end_offset > segment.base_offset) {
    state += ", below log start";
  }
  if (segment.times_cleaned > 0) {
    state += ", compacted";
    if (segment.times_cleaned > 1) state += " x" + std::to_string(segment.times_cleaned);
    if (view.time_us - segment.cleaned_at_us < kRecentUs) state += " JUST NOW";
  }
  return state;
}

// Why an index file has its size: preallocated while its segment is active, else its entries.
void IndexFileTooltip(const LogView& log, const SegmentView& segment, const char* file,
                      int64_t entries, int64_t entry_bytes, int64_t bytes) {
  if (!ImGui::IsItemHovered()) return;
  if (log.Preallocated(segment)) {
    ImGui::SetTooltip(
        "%020lld%s: %s bytes, preallocated to segment.index.bytes\n"
        "(rounded down to whole %lld-byte entries) while the segment is active;\n"
        "%lld entr%s written so far. It is trimmed to its entries when the\n"
        "segment rolls or the log closes, as Kafka does.",
        static_cast<long long>(segment.base_offset), file, FileBytes(bytes).c_str(),
        static_cast<long long>(entry_bytes), static_cast<long long>(entries),
        entries == 1 ? "y" : "ies");
  } else {
    ImGui::SetTooltip("%020lld%s: %lld entr%s x %lld bytes = %s bytes\n(trimmed to its entries%s)",
                      static_cast<long long>(segment.base_offset), file,
                      static_cast<long long>(entries), entries == 1 ? "y" : "ies",
                      static_cast<long long>(entry_bytes), FileBytes(bytes).c_str(),
                      &segment == log.Active()
                          ? " when the log closed"
                          : ": only the active segment's index files are preallocated");
  }
}

void DrawSegmentTable(const View& view, const LogView& log) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_ScrollX;
  if (!ImGui::BeginTable("segments", 7, flags)) return;
  ImGui::TableSetupScrollFreeze(1, 1);
  TableHeaderRow({{"base",
                   "The segment's base offset: its first offset, and its file name\n"
                   "(00000000000000000030.log holds offsets from 30 on)"},
                  {"offsets", "The offsets written to it, first..last"},
                  {".log B", "Size of its .log file in bytes (record batches back to back)"},
                  {".index B",
                   "Size of its .index file in bytes, as ls -l shows it on a broker.\n"
                   "The active segment's is preallocated to segment.index.bytes\n"
                   "(10485760 by default) and trimmed to its entries (8 bytes each)\n"
                   "when the segment rolls or the log closes, as Kafka does."},
                  {".timeindex B",
                   "Size of its .timeindex file in bytes, as ls -l shows it on a broker.\n"
                   "The active segment's is preallocated to segment.index.bytes rounded\n"
                   "down to whole 12-byte entries (10485756 by default) and trimmed to\n"
                   "its entries when the segment rolls or the log closes, as Kafka does."},
                  {"entries",
                   "Index entries: offset index / time index. The offset index takes one\n"
                   "per index.interval.bytes appended; the time index one at the same\n"
                   "moment if the segment's largest timestamp went up, and a last one\n"
                   "(that largest timestamp) when the segment rolls"},
                  {"state",
                   "ACTIVE: where appends go; its index files are preallocated.\n"
                   "sealed: rolled, and why (size = segment.bytes reached, time = segment.ms\n"
                   "passed, index_full, retention, ...). not fsynced: part of it is only\n"
                   "in the page cache. compacted: the cleaner rewrote it. deleted: retention\n"
                   "removed the file (time = retention.ms, size = retention.bytes)."}});
  auto cell = [](const std::string& text, bool dim) {
    ImGui::TableNextColumn();
    if (dim) {
      ImGui::TextDisabled("%s", text.c_str());
    } else {
      ImGui::TextUnformatted(text.c_str());
    }
  };
  // Newest first (the active segment on top, as in the index table: what just happened is at
  // the top), then the ones retention deleted.
  for (auto it = log.segments.rbegin(); it != log.segments.rend(); ++it) {
    const SegmentView& segment = *it;
    const std::string offsets =
        segment.end_offset > segment.base_offset
            ? std::to_string(segment.base_offset) + ".." + std::to_string(segment.end_offset - 1)
            : "(empty)";
    ImGui::TableNextRow();
    cell(std::to_string(segment.base_offset), false);
    cell(offsets, false);
    cell(FormatCount(segment.size_bytes), false);
    const int64_t index_bytes = log.IndexBytes(segment);
    cell(FileBytes(index_bytes), false);
    IndexFileTooltip(log, segment, ".index", segment.index_entries, LogView::kIndexEntryBytes,
                     index_bytes);
    const int64_t time_index_bytes = log.TimeIndexBytes(segment);
    cell(FileBytes(time_index_bytes), false);
    IndexFileTooltip(log, segment, ".timeindex", segment.time_index_entries,
                     LogView::kTimeIndexEntryBytes, time_index_bytes);
    cell(std::to_string(segment.index_entries) + " / " +
             std::to_string(segment.time_index_entries),
         false);
    cell(SegmentState(view, log, segment), false);
  }
  for (auto it = log.deleted.rbegin(); it != log.deleted.rend(); ++it) {
    const DeletedSegmentView& deleted = *it;
    ImGui::TableNextRow();
    cell(std::to_string(deleted.base_offset), true);
    cell(std::to_string(deleted.base_offset) + ".." + std::to_string(deleted.end_offset - 1), true);
    cell(FormatCount(deleted.size_bytes), true);
    cell("-", true);
    cell("-", true);
    cell("-", true);
    cell("DELETED at " + FormatTime(deleted.time_us) + " (retention: " + deleted.reason + ")", true);
  }
  ImGui::EndTable();
}

// The run's wall clock at time 0 (timestamps are wall-clock ms), from the trace's meta; -1 if
// unknown (a live run).
int64_t WallClockStartMs(const View& view) {
  auto it = view.store->meta().find("wall_clock_start_ms");
  if (it == view.store->meta().end()) return -1;
  int64_t ms = -1;
  std::from_chars(it->second.data(), it->second.data() + it->second.size(), ms);
  return ms;
}

void DrawIndexTable(const View& view, const LogView& log) {
  const int64_t start_ms = WallClockStartMs(view);
  ImGui::Text("offset index: last %zu of %s entries", log.index_entries().size(),
              FormatCount(log.index_entries_total).c_str());
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(
        "The viewer keeps the latest %zu entries of each log (older ones: kafkasim\n"
        "dump-log SCENARIO --node NAME --file TP/BASE.index).",
        LogView::kMaxIndexEntries);
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY;
  if (!ImGui::BeginTable("index", 4, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  TableHeaderRow({{"segment", "The segment whose .index holds the entry"},
                  {"offset", "The last offset of the batch the entry points at"},
                  {"position",
                   "Byte position of that batch in the segment's .log: a read\n"
                   "looks up the largest entry at or below its offset, then scans\n"
                   "batch headers forward from this position"},
                  {"timestamp",
                   "The segment's largest record timestamp when the entry was written\n"
                   "(shown as run time when the trace says when the run's clock began).\n"
                   "+ time: the time index (.timeindex) took an entry too,\n"
                   "because the timestamp went up"}});
  // Newest first: what just happened is at the top.
  for (auto it = log.index_entries().rbegin(); it != log.index_entries().rend(); ++it) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(it->segment));
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(it->offset));
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(it->position));
    ImGui::TableNextColumn();
    if (start_ms >= 0 && it->timestamp_ms >= start_ms) {
      ImGui::Text("%s%s", FormatTime((it->timestamp_ms - start_ms) * 1000).c_str(),
                  it->time_entry ? " + time" : "");
    } else {
      ImGui::Text("%lld%s", static_cast<long long>(it->timestamp_ms),
                  it->time_entry ? " + time" : "");
    }
  }
  ImGui::EndTable();
}

}  // namespace

// True when the trace has brokers (their partitions get the space above the Log panel); false
// for the log curriculum's log_host nodes, whose Log panel takes the Partitions panel's place.
bool TraceHasBrokers(const View& view) {
  for (const std::string& kind : view.store->kinds()) {
    if (kind.starts_with("broker.") || kind.starts_with("replica.")) return true;
  }
  return false;
}

void DrawLogPanel(View& view) {
  if (TraceHasBrokers(view)) {
    PlacePanel(0.42f, 0.33f, 0.58f, 0.25f);
  } else {
    PlacePanel(0.42f, 0.15f, 0.58f, 0.43f);
  }
  ImGui::Begin("Log");
  const LogView* log = SelectedLog(view);
  if (log == nullptr) {
    ImGui::TextDisabled("No log written yet.");
    ImGui::End();
    return;
  }
  DrawPicker(view, *log);
  DrawSummary(view, *log);
  DrawLegend();
  DrawSegmentStrip(view, *log);
  const float height = ImGui::GetContentRegionAvail().y;
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::BeginChild("segment table", ImVec2(width * 0.64f, height));
  DrawSegmentTable(view, *log);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("index table", ImVec2(0, height));
  DrawIndexTable(view, *log);
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace ks
