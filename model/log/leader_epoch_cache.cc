#include "model/log/leader_epoch_cache.h"

#include <algorithm>

#include "model/env/check.h"

namespace ks {

Status LeaderEpochCache::Load() {
  std::vector<EpochEntry> loaded;
  Status s = ReadEpochCheckpoint(disk_, path_, &loaded);
  if (s.IsNotFound()) {
    entries_.clear();
    return Status::Ok();
  }
  if (!s.ok()) return s;
  for (size_t i = 1; i < loaded.size(); ++i) {
    if (loaded[i].epoch <= loaded[i - 1].epoch ||
        loaded[i].start_offset < loaded[i - 1].start_offset) {
      return Status::Corruption(path_ + ": epochs or start offsets are not increasing");
    }
  }
  entries_ = std::move(loaded);
  return Status::Ok();
}

Status LeaderEpochCache::Assign(int32_t epoch, int64_t start_offset) {
  KS_CHECK(epoch >= 0 && start_offset >= 0);
  if (!entries_.empty() && entries_.back().epoch == epoch) return Status::Ok();
  // Anything that contradicts the new entry is from a history that was truncated away.
  std::erase_if(entries_, [&](const EpochEntry& entry) {
    return entry.epoch >= epoch || entry.start_offset > start_offset;
  });
  entries_.push_back({epoch, start_offset});
  CheckInvariant();
  return Persist();
}

std::pair<int32_t, int64_t> LeaderEpochCache::EndOffsetFor(int32_t requested_epoch,
                                                           int64_t log_end_offset) const {
  if (requested_epoch == kUndefinedEpoch || entries_.empty()) {
    return {kUndefinedEpoch, kUndefinedEpochOffset};
  }
  if (requested_epoch == entries_.back().epoch) return {requested_epoch, log_end_offset};
  auto higher =
      std::upper_bound(entries_.begin(), entries_.end(), requested_epoch,
                       [](int32_t epoch, const EpochEntry& entry) { return epoch < entry.epoch; });
  if (higher == entries_.end()) return {kUndefinedEpoch, kUndefinedEpochOffset};
  if (higher == entries_.begin()) return {requested_epoch, higher->start_offset};
  return {std::prev(higher)->epoch, higher->start_offset};
}

Status LeaderEpochCache::TruncateFromEnd(int64_t end_offset) {
  const size_t before = entries_.size();
  std::erase_if(entries_,
                [&](const EpochEntry& entry) { return entry.start_offset >= end_offset; });
  return entries_.size() == before ? Status::Ok() : Persist();
}

Status LeaderEpochCache::TruncateFromStart(int64_t start_offset) {
  // The last entry starting at or below start_offset survives, moved up to start_offset.
  auto first_above = std::upper_bound(
      entries_.begin(), entries_.end(), start_offset,
      [](int64_t offset, const EpochEntry& entry) { return offset < entry.start_offset; });
  if (first_above == entries_.begin()) return Status::Ok();
  auto keep = std::prev(first_above);
  if (keep == entries_.begin() && keep->start_offset == start_offset) return Status::Ok();
  keep->start_offset = start_offset;
  entries_.erase(entries_.begin(), keep);
  CheckInvariant();
  return Persist();
}

Status LeaderEpochCache::Clear() {
  entries_.clear();
  return Persist();
}

std::optional<EpochEntry> LeaderEpochCache::Latest() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back();
}

Status LeaderEpochCache::Persist() { return WriteEpochCheckpoint(disk_, path_, entries_); }

void LeaderEpochCache::CheckInvariant() const {
  for (size_t i = 1; i < entries_.size(); ++i) {
    KS_CHECK(entries_[i].epoch > entries_[i - 1].epoch);
    KS_CHECK(entries_[i].start_offset >= entries_[i - 1].start_offset);
  }
}

}  // namespace ks
