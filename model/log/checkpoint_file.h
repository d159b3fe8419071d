// Kafka's small text checkpoint files, written atomically (write "<path>.tmp", fsync it, rename
// over the old file: a crash leaves either the old or the new content, never half of each).
//
// Offset checkpoints (recovery-point-offset-checkpoint, replication-offset-checkpoint,
// log-start-offset-checkpoint, cleaner-offset-checkpoint):
//   0                       <- version
//   2                       <- number of entries
//   orders 0 1234           <- topic partition offset
//   orders 1 99
// Leader-epoch checkpoint (leader-epoch-checkpoint):
//   0                       <- version
//   2                       <- number of entries
//   0 0                     <- epoch startOffset
//   3 1500
// Readers validate every line and return Corruption on anything else; a missing file is
// NotFound (the caller picks the default).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/disk.h"
#include "model/env/status.h"

namespace ks {

struct OffsetCheckpointEntry {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  bool operator==(const OffsetCheckpointEntry&) const = default;
};

struct EpochEntry {
  int32_t epoch = 0;
  int64_t start_offset = 0;
  bool operator==(const EpochEntry&) const = default;
};

Status WriteOffsetCheckpoint(Disk& disk, std::string_view path,
                             const std::vector<OffsetCheckpointEntry>& entries);
Status ReadOffsetCheckpoint(Disk& disk, std::string_view path,
                            std::vector<OffsetCheckpointEntry>* entries);

Status WriteEpochCheckpoint(Disk& disk, std::string_view path,
                            const std::vector<EpochEntry>& entries);
Status ReadEpochCheckpoint(Disk& disk, std::string_view path, std::vector<EpochEntry>* entries);

// Writes `content` to path atomically (tmp + fsync + rename).
Status WriteFileAtomically(Disk& disk, std::string_view path, std::string_view content);

}  // namespace ks
