// LeaderEpochCache: for one partition, the first offset each leader epoch wrote, kept in memory
// and persisted to the partition's leader-epoch-checkpoint on every change. Replication uses it
// to answer OffsetsForLeaderEpoch (where did epoch E end?) so a follower truncates exactly the
// records a deposed leader wrote that the new leader never had.
//
// Invariant (KS_CHECKed): entries are sorted with strictly increasing epochs and non-decreasing
// start offsets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/env/disk.h"
#include "model/env/status.h"
#include "model/log/checkpoint_file.h"

namespace ks {

constexpr int32_t kUndefinedEpoch = -1;
constexpr int64_t kUndefinedEpochOffset = -1;

class LeaderEpochCache {
 public:
  // `path`: the checkpoint file, e.g. "orders-0/leader-epoch-checkpoint".
  LeaderEpochCache(Disk& disk, std::string path) : disk_(disk), path_(std::move(path)) {}

  // Loads the checkpoint; a missing file means an empty cache.
  Status Load();

  // Records that `epoch` starts at `start_offset`. A repeat of the latest epoch is ignored; an
  // epoch not above the latest, or an offset below the latest entry's, replaces the entries it
  // conflicts with (as after a truncation).
  Status Assign(int32_t epoch, int64_t start_offset);

  // OffsetsForLeaderEpoch: the (epoch, end offset) for `requested_epoch`, where the end offset
  // is the start offset of the first later epoch, or `log_end_offset` for the latest epoch.
  // (kUndefinedEpoch, kUndefinedEpochOffset) if the requested epoch is newer than every entry.
  std::pair<int32_t, int64_t> EndOffsetFor(int32_t requested_epoch, int64_t log_end_offset) const;

  // Drops entries starting at or after `end_offset` (the log was truncated to it).
  Status TruncateFromEnd(int64_t end_offset);
  // Drops entries wholly below `start_offset` and moves the first kept one to start there (the
  // log start offset advanced).
  Status TruncateFromStart(int64_t start_offset);
  Status Clear();

  std::optional<EpochEntry> Latest() const;
  const std::vector<EpochEntry>& entries() const { return entries_; }

 private:
  Status Persist();
  void CheckInvariant() const;

  Disk& disk_;
  std::string path_;
  std::vector<EpochEntry> entries_;
};

}  // namespace ks
