// SimDisk: one node's simulated disk, with a page cache that a crash empties.
//
// Each file keeps the bytes processes see (the page cache view) and, apart, what is durable.
// Fsync makes the file's current bytes durable. Crash() throws away everything not fsynced and,
// if configured, leaves a torn tail: a prefix of the unsynced bytes (a write cut short), or
// garbage of that length (sectors that were never written properly). Metadata operations
// (create, rename, delete, truncate-to-size) are durable at once; see model/env/disk.h.
//
// Cheap durability tracking: while all unsynced changes of a file lie at or after its durable
// size (the append-only pattern of Kafka's segments), the durable content is a prefix of the
// current bytes and no second copy exists. The first write below the durable size makes a copy.
//
// Faults are data (DiskOptions and the setters below): a full disk (capacity), a slow disk
// (latency multiplier), a corrupted byte range. Each call charges its latency to a cost sink,
// which the world turns into time the calling node stays busy.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/disk.h"
#include "model/env/rng.h"
#include "model/env/time.h"

namespace ks {

enum class TornTail {
  kNone,     // a crash keeps exactly the fsynced bytes
  kPrefix,   // ... plus a random prefix of the unsynced tail
  kGarbage,  // ... plus random bytes where part of the unsynced tail was
};

struct DiskOptions {
  int64_t capacity_bytes = 0;          // 0: unlimited
  DurationUs write_latency_us = 20;    // per write call (page cache copy)
  DurationUs read_latency_us = 5;      // per read call served from the page cache
  DurationUs fsync_latency_us = 2000;  // per fsync (a flush to stable storage)
  int64_t throughput_bytes_per_s = 0;  // 0: unlimited; else adds size/throughput to fsync
  TornTail torn_tail = TornTail::kNone;
};

// What a crash did to one file; reported as a trace event by the world.
struct CrashLoss {
  std::string path;
  int64_t size_before = 0;
  int64_t size_after = 0;
  int64_t torn_bytes_kept = 0;
};

class SimDisk final : public Disk {
 public:
  using CostSink = std::function<void(DurationUs)>;

  explicit SimDisk(DiskOptions options = {});

  // Disk:
  Status Create(std::string_view path) override;
  Status Append(std::string_view path, std::string_view bytes) override;
  Status WriteAt(std::string_view path, int64_t offset, std::string_view bytes) override;
  Status Read(std::string_view path, int64_t offset, int64_t length, std::string* out) override;
  Status ReadView(std::string_view path, int64_t offset, int64_t length,
                  std::string_view* out) override;
  Status Fsync(std::string_view path) override;
  Status Truncate(std::string_view path, int64_t size) override;
  Status Rename(std::string_view from, std::string_view to) override;
  Status Delete(std::string_view path) override;
  bool Exists(std::string_view path) const override;
  int64_t Size(std::string_view path) const override;
  std::vector<std::string> List(std::string_view prefix) const override;

  // The world's side.
  void SetCostSink(CostSink sink) { cost_sink_ = std::move(sink); }
  const DiskOptions& options() const { return options_; }
  void SetOptions(const DiskOptions& options) { options_ = options; }
  // Latencies are multiplied by this factor (1 = normal): the "slow disk" fault.
  void SetSlowFactor(int64_t factor) { slow_factor_ = factor < 1 ? 1 : factor; }
  int64_t slow_factor() const { return slow_factor_; }
  // The "disk full" fault: every call that would grow the disk fails with NoSpace.
  void SetFull(bool full) { full_ = full; }
  bool full() const { return full_; }
  // Flips the bits of [offset, offset + length) in both the cached and the durable bytes, as a
  // bad sector would. NotFound / InvalidArgument if the range is not in the file.
  Status Corrupt(std::string_view path, int64_t offset, int64_t length);
  // Applies a crash: unsynced bytes are lost (or torn, per options.torn_tail, drawing from rng).
  std::vector<CrashLoss> Crash(Rng& rng);

  int64_t UsedBytes() const { return used_bytes_; }
  // Durable size of a file (what a crash now would keep, torn tails aside); -1 if missing.
  int64_t DurableSize(std::string_view path) const;
  int64_t fsync_count() const { return fsync_count_; }

 private:
  struct File {
    std::string data;           // what reads see
    int64_t durable_size = 0;   // bytes of data that are durable when durable_is_prefix
    bool durable_is_prefix = true;
    std::string durable;        // the durable bytes, when they are not a prefix of data
    // The last unsynced write, [offset, offset + length) of data: the torn tail once a write went
    // below the durable size (while durable_is_prefix, the whole unsynced tail can tear).
    int64_t last_write_offset = 0;
    int64_t last_write_length = 0;
  };

  File* Find(std::string_view path);
  const File* Find(std::string_view path) const;
  File& FindOrCreate(std::string_view path);
  Status CheckSpace(std::string_view path, int64_t growth) const;
  void Charge(DurationUs latency) const;
  // Makes the durable copy explicit before a change below the durable size.
  static void DetachDurable(File& file);

  DiskOptions options_;
  int64_t slow_factor_ = 1;
  bool full_ = false;
  int64_t used_bytes_ = 0;
  int64_t fsync_count_ = 0;
  std::map<std::string, File, std::less<>> files_;
  CostSink cost_sink_;
};

}  // namespace ks
