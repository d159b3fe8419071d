#include "viewer/log_view.h"

#include <algorithm>
#include <charconv>

namespace ks {
namespace {

template <typename T>
void PushCapped(std::vector<T>* list, T item, size_t cap) {
  if (list->size() >= cap) list->erase(list->begin());
  list->push_back(std::move(item));
}

bool ParseDigits(std::string_view text, int64_t* value) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

int64_t LogView::SizeBytes() const {
  int64_t total = 0;
  for (const SegmentView& segment : segments) total += segment.size_bytes;
  return total;
}

int64_t LogView::IndexBytes(const SegmentView& segment) const {
  return Preallocated(segment) ? preallocated_index_bytes
                               : segment.index_entries * kIndexEntryBytes;
}

int64_t LogView::TimeIndexBytes(const SegmentView& segment) const {
  return Preallocated(segment) ? preallocated_time_index_bytes
                               : segment.time_index_entries * kTimeIndexEntryBytes;
}

SegmentView& LogView::SegmentAt(int64_t base_offset) {
  auto it = std::lower_bound(
      segments.begin(), segments.end(), base_offset,
      [](const SegmentView& segment, int64_t base) { return segment.base_offset < base; });
  if (it != segments.end() && it->base_offset == base_offset) return *it;
  SegmentView segment;
  segment.base_offset = base_offset;
  segment.end_offset = base_offset;
  return *segments.insert(it, segment);
}

template <typename Predicate>
size_t LogView::EraseIndexEntries(Predicate drop) {
  const std::vector<IndexEntryView>& entries = index_entries();
  if (std::none_of(entries.begin(), entries.end(), drop)) return 0;  // keep sharing
  return std::erase_if(index_entries_shared.Mutable(), drop);
}

void LogView::DropIndexEntriesOf(int64_t segment) {
  EraseIndexEntries([segment](const IndexEntryView& e) { return e.segment == segment; });
}

void LogView::OnOpen(int64_t log_start_offset, int64_t log_end_offset,
                     int64_t recovery_point_offset, const IndexFiles& files,
                     const std::vector<SegmentView>& opened) {
  std::vector<SegmentView> loaded;
  for (SegmentView segment : opened) {
    // What the fold knew of a segment that is still there (why it rolled, its compactions).
    auto known = std::find_if(segments.begin(), segments.end(), [&](const SegmentView& s) {
      return s.base_offset == segment.base_offset;
    });
    if (known != segments.end()) {
      segment.roll_reason = known->roll_reason;
      segment.times_cleaned = known->times_cleaned;
      segment.cleaned_at_us = known->cleaned_at_us;
      segment.last_index_timestamp_ms = known->last_index_timestamp_ms;
    }
    loaded.push_back(segment);
  }
  // Listed index entries of segments that are gone, or beyond what survived of theirs, go.
  EraseIndexEntries([&](const IndexEntryView& e) {
    auto it = std::find_if(loaded.begin(), loaded.end(),
                           [&](const SegmentView& s) { return s.base_offset == e.segment; });
    return it == loaded.end() || e.offset >= it->end_offset;
  });
  segments = std::move(loaded);
  log_start = log_start_offset;
  log_end = log_end_offset;
  recovery_point = recovery_point_offset;
  preallocated_index_bytes = files.index_bytes;
  preallocated_time_index_bytes = files.time_index_bytes;
  closed = false;
  offline_error.clear();
}

void LogView::OnAppend(int64_t segment, int64_t last_offset, int64_t bytes) {
  SegmentView& target = SegmentAt(segment);
  target.end_offset = std::max(target.end_offset, last_offset + 1);
  target.size_bytes += bytes;
  log_end = last_offset + 1;
}

void LogView::OnIndexEntry(IndexEntryView entry, bool count) {
  SegmentView& segment = SegmentAt(entry.segment);
  // The time index takes an entry at the same moment, if the segment's largest timestamp grew.
  entry.time_entry =
      entry.timestamp_ms >= 0 && entry.timestamp_ms > segment.last_index_timestamp_ms;
  if (entry.time_entry) segment.last_index_timestamp_ms = entry.timestamp_ms;
  if (count) {
    ++segment.index_entries;
    if (entry.time_entry) ++segment.time_index_entries;
  }
  ++index_entries_total;
  PushCapped(&index_entries_shared.Mutable(), entry, kMaxIndexEntries);
}

void LogView::OnRoll(int64_t segment, const std::string& reason, int64_t previous_segment,
                     int64_t previous_bytes, const IndexFiles& files) {
  auto previous = std::find_if(segments.begin(), segments.end(), [&](const SegmentView& s) {
    return s.base_offset == previous_segment;
  });
  if (previous != segments.end()) {
    if (previous_bytes == 0) {
      // An empty active segment is not kept: the new one replaces it.
      DropIndexEntriesOf(previous_segment);
      segments.erase(previous);
    } else {
      // Sealed: its index files were trimmed to these entries (the time index's closing entry
      // included).
      previous->size_bytes = previous_bytes;
      previous->roll_reason = reason;
      previous->index_entries = files.previous_index_entries;
      previous->time_index_entries = files.previous_time_index_entries;
    }
  }
  SegmentAt(segment);
  preallocated_index_bytes = files.index_bytes;
  preallocated_time_index_bytes = files.time_index_bytes;
  closed = false;
  // Rolling fsyncs the old segment: everything below the new one is durable.
  recovery_point = std::max(recovery_point, std::min(segment, log_end));
}

void LogView::OnRetentionDelete(TimeUs now_us, int64_t segment, const std::string& reason,
                                int64_t bytes) {
  DeletedSegmentView deleted_segment{now_us, segment, segment, bytes, reason};
  auto it = std::find_if(segments.begin(), segments.end(),
                         [&](const SegmentView& s) { return s.base_offset == segment; });
  if (it != segments.end()) {
    deleted_segment.end_offset = it->end_offset;
    segments.erase(it);
  }
  DropIndexEntriesOf(segment);
  ++segments_deleted_total;
  PushCapped(&deleted, deleted_segment, kMaxHistory);
}

void LogView::OnTruncate(TimeUs now_us, int64_t to_offset, int64_t bytes_removed,
                         int64_t log_end_offset, bool full) {
  ++truncations_total;
  PushCapped(&truncations, TruncationView{now_us, log_end, to_offset, bytes_removed, full},
             kMaxHistory);
  if (full) {
    segments.clear();
    EraseIndexEntries([](const IndexEntryView&) { return true; });
    SegmentAt(to_offset);
    log_start = to_offset;
    recovery_point = to_offset;
    log_end = log_end_offset;
    return;
  }
  // Whole segments above the truncation point go; the last one left loses its tail.
  int64_t whole_segment_bytes = 0;
  while (segments.size() > 1 && segments.back().base_offset > to_offset) {
    whole_segment_bytes += segments.back().size_bytes;
    DropIndexEntriesOf(segments.back().base_offset);
    segments.pop_back();
  }
  if (!segments.empty()) {
    SegmentView& last = segments.back();
    last.size_bytes = std::max<int64_t>(0, last.size_bytes - (bytes_removed - whole_segment_bytes));
    last.end_offset = std::max(last.base_offset, log_end_offset);
    const int64_t base = last.base_offset;
    // An entry names its batch's last offset: the batch holding to_offset goes with its entry.
    const auto cut = [&](const IndexEntryView& e) {
      return e.segment == base && e.offset >= to_offset;
    };
    const auto time_entries_cut = std::count_if(
        index_entries().begin(), index_entries().end(),
        [&](const IndexEntryView& e) { return cut(e) && e.time_entry; });
    const size_t erased = EraseIndexEntries(cut);
    last.index_entries = std::max<int64_t>(0, last.index_entries - static_cast<int64_t>(erased));
    last.time_index_entries = std::max<int64_t>(0, last.time_index_entries - time_entries_cut);
    last.last_index_timestamp_ms = -1;
    for (const IndexEntryView& entry : index_entries()) {
      if (entry.segment == base && entry.time_entry)
        last.last_index_timestamp_ms = entry.timestamp_ms;
    }
  }
  log_end = log_end_offset;
  recovery_point = std::min(recovery_point, log_end);
}

void LogView::OnRecovery(TimeUs now_us, int64_t segments_scanned, int64_t bytes_dropped,
                         int64_t segments_deleted, int64_t log_end_offset,
                         const std::string& reason) {
  recovery = RecoveryView{now_us, segments_scanned, bytes_dropped, segments_deleted, reason};
  // Recovery deletes every segment after the first corrupt batch, and cuts that one there.
  for (int64_t i = 0; i < segments_deleted && !segments.empty(); ++i) {
    DropIndexEntriesOf(segments.back().base_offset);
    segments.pop_back();
  }
  int64_t corrupt_segment = 0, valid_bytes = 0;
  if (ParseCorruptionReason(reason, &corrupt_segment, &valid_bytes)) {
    for (SegmentView& segment : segments) {
      if (segment.base_offset == corrupt_segment) segment.size_bytes = valid_bytes;
    }
  }
  if (segments.empty()) SegmentAt(log_end_offset);
  SegmentView& last = segments.back();
  last.end_offset = std::max(last.base_offset, log_end_offset);
  EraseIndexEntries([&](const IndexEntryView& e) { return e.offset >= log_end_offset; });
  log_end = log_end_offset;
  recovery_point = std::min(recovery_point, log_end);
}

void LogView::OnClean(TimeUs now_us, int64_t end_offset, int64_t records_removed,
                      const std::vector<SegmentView>& cleaned) {
  ++clean_passes;
  records_cleaned_away += records_removed;
  if (cleaned.empty()) {
    // A trace without the new segment list: mark what the pass covered.
    for (SegmentView& segment : segments) {
      if (segment.end_offset <= end_offset) {
        ++segment.times_cleaned;
        segment.cleaned_at_us = now_us;
      }
    }
    return;
  }
  const int64_t first = cleaned.front().base_offset;
  std::vector<SegmentView> kept;
  int32_t times_cleaned = 0;
  std::string roll_reason;
  for (const SegmentView& segment : segments) {
    if (segment.base_offset >= first && segment.base_offset < end_offset) {
      times_cleaned = std::max(times_cleaned, segment.times_cleaned);
      if (roll_reason.empty()) roll_reason = segment.roll_reason;
      DropIndexEntriesOf(segment.base_offset);
    } else {
      kept.push_back(segment);
    }
  }
  for (SegmentView segment : cleaned) {
    segment.times_cleaned = times_cleaned + 1;
    segment.cleaned_at_us = now_us;
    segment.last_index_timestamp_ms = -1;
    if (segment.roll_reason.empty()) segment.roll_reason = roll_reason;
    kept.push_back(segment);
  }
  std::sort(kept.begin(), kept.end(), [](const SegmentView& a, const SegmentView& b) {
    return a.base_offset < b.base_offset;
  });
  segments = std::move(kept);
}

void LogView::OnClose(int64_t segment, int64_t index_entries_left, int64_t time_index_entries,
                      int64_t log_end_offset) {
  for (SegmentView& s : segments) {
    if (s.base_offset == segment) {
      s.index_entries = index_entries_left;
      s.time_index_entries = time_index_entries;
    }
  }
  log_end = log_end_offset;
  recovery_point = log_end_offset;  // Close flushes everything
  closed = true;
}

void LogView::OnCrashLoss(int64_t segment, int64_t size_bytes) {
  for (SegmentView& s : segments) {
    if (s.base_offset == segment) s.size_bytes = size_bytes;
  }
}

bool ParseSegmentFile(const std::string& path, std::string* topic_partition, int64_t* segment) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return false;
  const std::string_view file = std::string_view(path).substr(slash + 1);
  constexpr std::string_view kExtension = ".log";
  if (file.size() <= kExtension.size() || !file.ends_with(kExtension)) return false;
  if (!ParseDigits(file.substr(0, file.size() - kExtension.size()), segment)) return false;
  *topic_partition = path.substr(0, slash);
  return true;
}

bool ParseCorruptionReason(const std::string& reason, int64_t* segment, int64_t* position) {
  const size_t dot = reason.find(".log ");
  if (dot == std::string::npos || !ParseDigits(std::string_view(reason).substr(0, dot), segment)) {
    return false;
  }
  constexpr std::string_view kAt = " at position ";
  const size_t at = reason.find(kAt, dot);
  if (at == std::string::npos) return false;
  const size_t start = at + kAt.size();
  size_t end = start;
  while (end < reason.size() && reason[end] >= '0' && reason[end] <= '9') ++end;
  return ParseDigits(std::string_view(reason).substr(start, end - start), position);
}

}  // namespace ks
