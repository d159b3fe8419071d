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
// Storage: a file's bytes live in a first block that grows by doubling up to kChunkBytes, then in
// chunks of kChunkBytes, so a growing file never reallocates or copies what it already holds
// (a 1 GiB segment in one std::string spent most of its append time in reallocation and fresh
// page faults). Whole chunks freed by Delete/Truncate/Crash go to a per-disk pool and are reused
// by the next file that grows. ReadView stays zero-copy when the range lies in one block (every
// file below kChunkBytes, and nearly every bounded read); a range that spans blocks is copied
// into a scratch buffer of that file, kept until the file is next modified or deleted. At most
// kMaxScratchViewsPerFile such copies are kept per file (the oldest goes first): a caller may hold
// that many spanning views of one unmodified file at once.
//
// Faults are data (DiskOptions and the setters below): a full disk (capacity), a slow disk
// (latency multiplier), a corrupted byte range. Each call charges its latency to a cost sink,
// which the world turns into time the calling node stays busy.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
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
  Status SetLength(std::string_view path, int64_t size) override;
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
  // Puts up to `bytes` (at most kMaxPooledChunks chunks) of written-to chunks in the pool, so the
  // files that grow next do not pay the kernel's (and a VM's) first touch of fresh memory. For
  // benchmarks of the steady state; changes nothing a caller can observe.
  void PrefillChunkPool(int64_t bytes);

  // Storage granularity (see the file comment); 2 MiB so a chunk can be one huge page.
  static constexpr int64_t kChunkBytes = int64_t{2} << 20;
  static constexpr size_t kMaxScratchViewsPerFile = 16;
  // Free chunks kept for reuse per disk; beyond this they go back to the allocator.
  static constexpr size_t kMaxPooledChunks = 640;  // 1.25 GiB

 private:
  // Free kChunkBytes chunks, shared by the files of one disk (shared_ptr: files may outlive a
  // moved-from disk's members in any order).
  class ChunkPool;

  // The bytes of one file (see "Storage" above). Offsets are int64_t, already range-checked by
  // the caller.
  class FileBytes {
   public:
    explicit FileBytes(std::shared_ptr<ChunkPool> pool) : pool_(std::move(pool)) {}
    FileBytes(const FileBytes& other);
    FileBytes& operator=(const FileBytes& other);
    FileBytes(FileBytes&& other) noexcept;
    FileBytes& operator=(FileBytes&& other) noexcept;
    ~FileBytes();

    int64_t size() const { return size_; }
    void Append(std::string_view bytes);
    // REQUIRES offset <= size(); extends the file if the write goes past its end.
    void Write(int64_t offset, std::string_view bytes);
    // REQUIRES size <= size().
    void Truncate(int64_t size);
    // [offset, offset + length) inside the file: a view of the block, or of a scratch copy.
    std::string_view View(int64_t offset, int64_t length);
    // Appends [offset, offset + length) to *out.
    void CopyTo(int64_t offset, int64_t length, std::string* out) const;
    bool Equals(std::string_view bytes) const;
    void FlipBits(int64_t offset, int64_t length);

   private:
    void Release();
    // Makes room for size() + more bytes of blocks.
    void Reserve(int64_t end);
    // Calls fn(block pointer, length) for each piece of [offset, offset + length).
    template <typename Fn>
    void ForEachPiece(int64_t offset, int64_t length, Fn&& fn) const;

    std::shared_ptr<ChunkPool> pool_;
    std::vector<char*> blocks_;   // blocks_[i] holds [i * kChunkBytes, (i + 1) * kChunkBytes)
    int64_t first_capacity_ = 0;  // capacity of blocks_[0] (< kChunkBytes: a heap block)
    int64_t size_ = 0;
    std::deque<std::string> scratch_;  // copies made by View for ranges that span blocks
  };

  struct File {
    explicit File(std::shared_ptr<ChunkPool> pool) : data(std::move(pool)) {}
    FileBytes data;            // what reads see
    int64_t durable_size = 0;  // bytes of data that are durable when durable_is_prefix
    bool durable_is_prefix = true;
    std::string durable;  // the durable bytes, when they are not a prefix of data
    // The last unsynced write, [offset, offset + length) of data: the torn tail once a write went
    // below the durable size (while durable_is_prefix, the whole unsynced tail can tear).
    int64_t last_write_offset = 0;
    int64_t last_write_length = 0;
    // Zeros after data that take no space (SetLength past the end); the file's length is
    // data.size() + zero_tail.
    int64_t zero_tail = 0;
    std::string tail_view;  // ReadView's copy of a range reaching into the zero tail
    int64_t length() const { return data.size() + zero_tail; }
  };

  File* Find(std::string_view path);
  const File* Find(std::string_view path) const;
  File& FindOrCreate(std::string_view path);
  Status CheckSpace(std::string_view path, int64_t growth) const;
  void Charge(DurationUs latency) const;
  // Makes the durable copy explicit before a change below the durable size.
  static void DetachDurable(File& file);
  // Turns the zero tail up to `end` into written zero bytes (before a write at or past `end`).
  Status FillZeroTail(std::string_view path, File& file, int64_t end);

  DiskOptions options_;
  int64_t slow_factor_ = 1;
  bool full_ = false;
  int64_t used_bytes_ = 0;
  int64_t fsync_count_ = 0;
  std::shared_ptr<ChunkPool> pool_;
  std::map<std::string, File, std::less<>> files_;
  CostSink cost_sink_;
};

}  // namespace ks
