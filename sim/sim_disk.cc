#include "sim/sim_disk.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "model/env/check.h"

namespace ks {

// ---- storage ----

class SimDisk::ChunkPool {
 public:
  ChunkPool() = default;
  ChunkPool(const ChunkPool&) = delete;
  ChunkPool& operator=(const ChunkPool&) = delete;
  ~ChunkPool() {
    for (char* chunk : free_) std::free(chunk);
  }

  char* Take() {
    if (!free_.empty()) {
      char* chunk = free_.back();
      free_.pop_back();
      return chunk;
    }
    // Aligned to the chunk size so that, where the kernel allows transparent huge pages on
    // request, a chunk is one 2 MiB page: one fault instead of 512 when it is first written.
    auto* chunk = static_cast<char*>(
        std::aligned_alloc(static_cast<size_t>(kChunkBytes), static_cast<size_t>(kChunkBytes)));
    KS_CHECK_MSG(chunk != nullptr, "out of memory for a simulated disk chunk");
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(chunk, static_cast<size_t>(kChunkBytes), MADV_HUGEPAGE);  // a hint; failure is fine
#endif
    return chunk;
  }

  size_t pooled() const { return free_.size(); }

  void Give(char* chunk) {
    if (free_.size() < kMaxPooledChunks) {
      free_.push_back(chunk);
    } else {
      std::free(chunk);
    }
  }

 private:
  std::vector<char*> free_;
};

SimDisk::FileBytes::FileBytes(const FileBytes& other) : pool_(other.pool_) {
  Reserve(other.size_);
  other.ForEachPiece(0, other.size_, [this](const char* piece, int64_t length) {
    Append(std::string_view(piece, static_cast<size_t>(length)));
  });
}

SimDisk::FileBytes& SimDisk::FileBytes::operator=(const FileBytes& other) {
  if (this != &other) *this = FileBytes(other);
  return *this;
}

SimDisk::FileBytes::FileBytes(FileBytes&& other) noexcept
    : pool_(other.pool_),
      blocks_(std::move(other.blocks_)),
      first_capacity_(other.first_capacity_),
      size_(other.size_),
      scratch_(std::move(other.scratch_)) {
  other.blocks_.clear();
  other.first_capacity_ = 0;
  other.size_ = 0;
}

SimDisk::FileBytes& SimDisk::FileBytes::operator=(FileBytes&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    blocks_ = std::move(other.blocks_);
    first_capacity_ = other.first_capacity_;
    size_ = other.size_;
    scratch_ = std::move(other.scratch_);
    other.blocks_.clear();
    other.first_capacity_ = 0;
    other.size_ = 0;
  }
  return *this;
}

SimDisk::FileBytes::~FileBytes() { Release(); }

void SimDisk::FileBytes::Release() {
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (i == 0 && first_capacity_ < kChunkBytes) {
      delete[] blocks_[0];
    } else {
      pool_->Give(blocks_[i]);
    }
  }
  blocks_.clear();
  first_capacity_ = 0;
  size_ = 0;
  scratch_.clear();
}

void SimDisk::FileBytes::Reserve(int64_t end) {
  if (end <= 0) return;
  if (blocks_.empty() || first_capacity_ < kChunkBytes) {
    const int64_t wanted = std::min(end, kChunkBytes);
    if (wanted > first_capacity_) {
      // The first block doubles (at least 64 bytes) until it is a whole chunk.
      int64_t capacity = std::max<int64_t>({wanted, 2 * first_capacity_, 64});
      capacity = std::min(capacity, kChunkBytes);
      char* block =
          capacity == kChunkBytes ? pool_->Take() : new char[static_cast<size_t>(capacity)];
      if (!blocks_.empty()) {
        std::memcpy(block, blocks_[0], static_cast<size_t>(size_));
        delete[] blocks_[0];
        blocks_[0] = block;
      } else {
        blocks_.push_back(block);
      }
      first_capacity_ = capacity;
    }
  }
  const auto blocks_needed = static_cast<size_t>((end + kChunkBytes - 1) / kChunkBytes);
  while (blocks_.size() < blocks_needed) blocks_.push_back(pool_->Take());
}

template <typename Fn>
void SimDisk::FileBytes::ForEachPiece(int64_t offset, int64_t length, Fn&& fn) const {
  while (length > 0) {
    const auto block = static_cast<size_t>(offset / kChunkBytes);
    const int64_t within = offset % kChunkBytes;
    const int64_t piece = std::min(length, kChunkBytes - within);
    fn(blocks_[block] + within, piece);
    offset += piece;
    length -= piece;
  }
}

void SimDisk::FileBytes::Write(int64_t offset, std::string_view bytes) {
  scratch_.clear();
  const int64_t end = offset + static_cast<int64_t>(bytes.size());
  Reserve(end);
  const char* from = bytes.data();
  ForEachPiece(offset, static_cast<int64_t>(bytes.size()),
               [&from](const char* piece, int64_t length) {
                 std::memcpy(const_cast<char*>(piece), from, static_cast<size_t>(length));
                 from += length;
               });
  size_ = std::max(size_, end);
}

void SimDisk::FileBytes::Append(std::string_view bytes) { Write(size_, bytes); }

void SimDisk::FileBytes::Truncate(int64_t size) {
  scratch_.clear();
  size_ = size;
  if (size == 0) {
    Release();
    return;
  }
  // Whole chunks past the new end go back to the pool; the first block stays.
  const auto blocks_kept =
      std::max<size_t>(1, static_cast<size_t>((size + kChunkBytes - 1) / kChunkBytes));
  while (blocks_.size() > blocks_kept) {
    pool_->Give(blocks_.back());
    blocks_.pop_back();
  }
}

std::string_view SimDisk::FileBytes::View(int64_t offset, int64_t length) {
  if (length <= 0) return {};
  const int64_t within = offset % kChunkBytes;
  if (within + length <= kChunkBytes) {
    return std::string_view(blocks_[static_cast<size_t>(offset / kChunkBytes)] + within,
                            static_cast<size_t>(length));
  }
  if (scratch_.size() >= kMaxScratchViewsPerFile) scratch_.pop_front();
  scratch_.emplace_back();
  std::string& copy = scratch_.back();
  copy.reserve(static_cast<size_t>(length));
  CopyTo(offset, length, &copy);
  return copy;
}

void SimDisk::FileBytes::CopyTo(int64_t offset, int64_t length, std::string* out) const {
  ForEachPiece(offset, length,
               [out](const char* piece, int64_t n) { out->append(piece, static_cast<size_t>(n)); });
}

bool SimDisk::FileBytes::Equals(std::string_view bytes) const {
  if (static_cast<int64_t>(bytes.size()) != size_) return false;
  bool equal = true;
  const char* other = bytes.data();
  ForEachPiece(0, size_, [&](const char* piece, int64_t n) {
    equal = equal && std::memcmp(piece, other, static_cast<size_t>(n)) == 0;
    other += n;
  });
  return equal;
}

void SimDisk::FileBytes::FlipBits(int64_t offset, int64_t length) {
  scratch_.clear();
  ForEachPiece(offset, length, [](const char* piece, int64_t n) {
    char* bytes = const_cast<char*>(piece);
    for (int64_t i = 0; i < n; ++i) bytes[i] ^= static_cast<char>(0xff);
  });
}

// ---- the disk ----

SimDisk::SimDisk(DiskOptions options) : options_(options), pool_(std::make_shared<ChunkPool>()) {}

void SimDisk::PrefillChunkPool(int64_t bytes) {
  const auto wanted = std::min<size_t>(
      kMaxPooledChunks, static_cast<size_t>(std::max<int64_t>(bytes, 0) / kChunkBytes));
  if (pool_->pooled() >= wanted) return;
  std::vector<char*> chunks;  // the pooled ones first, then fresh ones
  while (chunks.size() < wanted) {
    char* chunk = pool_->Take();
    std::memset(chunk, 0, static_cast<size_t>(kChunkBytes));
    chunks.push_back(chunk);
  }
  for (char* chunk : chunks) pool_->Give(chunk);
}

void SimDisk::Charge(DurationUs latency) const {
  if (cost_sink_ && latency > 0) cost_sink_(latency * slow_factor_);
}

SimDisk::File* SimDisk::Find(std::string_view path) {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

const SimDisk::File* SimDisk::Find(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

SimDisk::File& SimDisk::FindOrCreate(std::string_view path) {
  auto it = files_.find(path);
  if (it == files_.end()) it = files_.emplace(std::string(path), File(pool_)).first;
  return it->second;
}

Status SimDisk::CheckSpace(std::string_view path, int64_t growth) const {
  if (growth <= 0) return Status::Ok();
  if (full_ || (options_.capacity_bytes > 0 && used_bytes_ + growth > options_.capacity_bytes)) {
    return Status::NoSpace("no space left on device writing " + std::string(path));
  }
  return Status::Ok();
}

void SimDisk::DetachDurable(File& file) {
  if (!file.durable_is_prefix) return;
  file.durable.clear();
  file.data.CopyTo(0, file.durable_size, &file.durable);
  file.durable_is_prefix = false;
}

Status SimDisk::Create(std::string_view path) {
  Charge(options_.write_latency_us);
  if (Find(path) != nullptr) return Status::AlreadyExists(std::string(path));
  FindOrCreate(path);
  return Status::Ok();
}

Status SimDisk::FillZeroTail(std::string_view path, File& file, int64_t end) {
  const int64_t fill = std::min(end, file.length()) - file.data.size();
  if (fill <= 0) return Status::Ok();
  if (Status s = CheckSpace(path, fill); !s.ok()) return s;
  file.data.Append(std::string(static_cast<size_t>(fill), '\0'));
  file.zero_tail -= fill;
  used_bytes_ += fill;
  return Status::Ok();
}

Status SimDisk::Append(std::string_view path, std::string_view bytes) {
  Charge(options_.write_latency_us);
  if (Status s = CheckSpace(path, static_cast<int64_t>(bytes.size())); !s.ok()) return s;
  File& file = FindOrCreate(path);
  if (Status s = FillZeroTail(path, file, file.length()); !s.ok()) return s;
  const int64_t offset = file.data.size();
  file.data.Append(bytes);
  used_bytes_ += static_cast<int64_t>(bytes.size());
  file.last_write_offset = offset;
  file.last_write_length = static_cast<int64_t>(bytes.size());
  return Status::Ok();
}

Status SimDisk::WriteAt(std::string_view path, int64_t offset, std::string_view bytes) {
  Charge(options_.write_latency_us);
  File* file = Find(path);
  if (file == nullptr) return Status::NotFound(std::string(path));
  if (offset < 0 || offset > file->length()) {
    return Status::InvalidArgument("write at " + std::to_string(offset) + " past the end of " +
                                   std::string(path));
  }
  if (Status s = FillZeroTail(path, *file, offset); !s.ok()) return s;
  const int64_t size = file->data.size();
  const int64_t end = offset + static_cast<int64_t>(bytes.size());
  // What the write covers of the zero tail is no longer tail.
  file->zero_tail = std::max<int64_t>(0, file->zero_tail - std::max<int64_t>(0, end - size));
  const int64_t growth = std::max<int64_t>(0, end - size);
  if (Status s = CheckSpace(path, growth); !s.ok()) return s;
  if (offset < file->durable_size) DetachDurable(*file);
  file->data.Write(offset, bytes);
  used_bytes_ += growth;
  file->last_write_offset = offset;
  file->last_write_length = static_cast<int64_t>(bytes.size());
  return Status::Ok();
}

Status SimDisk::Read(std::string_view path, int64_t offset, int64_t length, std::string* out) {
  // As ReadView, but copies straight from the blocks (no scratch copy for spanning ranges).
  Charge(options_.read_latency_us);
  const File* file = Find(path);
  if (file == nullptr) return Status::NotFound(std::string(path));
  if (offset < 0 || length < 0) return Status::InvalidArgument("negative offset or length");
  out->clear();
  const int64_t size = file->data.size();
  if (offset < size) file->data.CopyTo(offset, std::min(length, size - offset), out);
  const int64_t end = length > file->length() - offset ? file->length() : offset + length;
  const int64_t zeros = end - std::max(offset, size);
  if (zeros > 0) out->append(static_cast<size_t>(zeros), '\0');
  return Status::Ok();
}

Status SimDisk::ReadView(std::string_view path, int64_t offset, int64_t length,
                         std::string_view* out) {
  Charge(options_.read_latency_us);
  File* file = Find(path);
  if (file == nullptr) return Status::NotFound(std::string(path));
  if (offset < 0 || length < 0) return Status::InvalidArgument("negative offset or length");
  const int64_t size = file->data.size();
  // The end of the range, clamped to the file (written so that no sum overflows).
  const int64_t end = length > file->length() - offset ? file->length() : offset + length;
  if (end > size && file->zero_tail > 0) {
    // The range reaches into the zero tail: a copy with the zeros.
    file->tail_view.clear();
    if (offset < size) file->data.CopyTo(offset, size - offset, &file->tail_view);
    if (end > std::max(offset, size)) {
      file->tail_view.append(static_cast<size_t>(end - std::max(offset, size)), '\0');
    }
    *out = file->tail_view;
    return Status::Ok();
  }
  if (offset >= size) {
    *out = std::string_view();
    return Status::Ok();
  }
  *out = file->data.View(offset, std::min(length, size - offset));
  return Status::Ok();
}

Status SimDisk::Fsync(std::string_view path) {
  File* file = Find(path);
  if (file == nullptr) {
    Charge(options_.fsync_latency_us);
    return Status::NotFound(std::string(path));
  }
  int64_t dirty_bytes = file->data.size() - file->durable_size;
  if (!file->durable_is_prefix) dirty_bytes = file->data.size();
  DurationUs latency = options_.fsync_latency_us;
  if (options_.throughput_bytes_per_s > 0 && dirty_bytes > 0) {
    latency += dirty_bytes * kSecond / options_.throughput_bytes_per_s;
  }
  Charge(latency);
  file->durable_is_prefix = true;
  file->durable.clear();
  file->durable.shrink_to_fit();
  file->durable_size = file->data.size();
  file->last_write_length = 0;
  ++fsync_count_;
  return Status::Ok();
}

Status SimDisk::Truncate(std::string_view path, int64_t size) {
  Charge(options_.write_latency_us);
  File* file = Find(path);
  if (file == nullptr) return Status::NotFound(std::string(path));
  if (size < 0 || size > file->length()) {
    return Status::InvalidArgument("truncate " + std::string(path) + " to " + std::to_string(size) +
                                   ", size is " + std::to_string(file->length()));
  }
  const int64_t current = file->data.size();
  if (size >= current) {
    file->zero_tail = size - current;  // only the tail is cut
    return Status::Ok();
  }
  file->zero_tail = 0;
  // Truncation is a metadata change, durable at once: the bytes cut off are gone for good.
  file->data.Truncate(size);
  used_bytes_ -= current - size;
  if (file->durable_is_prefix) {
    file->durable_size = std::min(file->durable_size, size);
  } else if (static_cast<int64_t>(file->durable.size()) > size) {
    file->durable.resize(static_cast<size_t>(size));
  }
  file->last_write_length = 0;
  return Status::Ok();
}

Status SimDisk::SetLength(std::string_view path, int64_t size) {
  File* file = Find(path);
  if (file == nullptr) {
    Charge(options_.write_latency_us);
    return Status::NotFound(std::string(path));
  }
  if (size < 0) return Status::InvalidArgument("negative length for " + std::string(path));
  if (size <= file->length()) return Truncate(path, size);
  Charge(options_.write_latency_us);
  file->zero_tail += size - file->length();
  return Status::Ok();
}

Status SimDisk::Rename(std::string_view from, std::string_view to) {
  Charge(options_.write_latency_us);
  auto it = files_.find(from);
  if (it == files_.end()) return Status::NotFound(std::string(from));
  if (from == to) return Status::Ok();
  File moved = std::move(it->second);
  files_.erase(it);
  if (File* existing = Find(to)) {
    used_bytes_ -= existing->data.size();
    files_.erase(files_.find(to));
  }
  files_.emplace(std::string(to), std::move(moved));
  return Status::Ok();
}

Status SimDisk::Delete(std::string_view path) {
  Charge(options_.write_latency_us);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound(std::string(path));
  used_bytes_ -= it->second.data.size();
  files_.erase(it);
  return Status::Ok();
}

bool SimDisk::Exists(std::string_view path) const { return Find(path) != nullptr; }

int64_t SimDisk::Size(std::string_view path) const {
  const File* file = Find(path);
  return file == nullptr ? -1 : file->length();
}

int64_t SimDisk::DurableSize(std::string_view path) const {
  const File* file = Find(path);
  if (file == nullptr) return -1;
  const int64_t durable =
      file->durable_is_prefix ? file->durable_size : static_cast<int64_t>(file->durable.size());
  // A zero tail's length is metadata, durable at once (a crash keeps the file's length).
  return file->zero_tail > 0 ? file->length() : durable;
}

std::vector<std::string> SimDisk::List(std::string_view prefix) const {
  std::vector<std::string> names;
  for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    names.push_back(it->first);
  }
  return names;
}

Status SimDisk::Corrupt(std::string_view path, int64_t offset, int64_t length) {
  File* file = Find(path);
  if (file == nullptr) return Status::NotFound(std::string(path));
  const int64_t size = file->data.size();
  // Written so that no sum can overflow, whatever the offset and length.
  if (offset < 0 || length <= 0 || offset > size || length > size - offset) {
    return Status::InvalidArgument("range of " + std::to_string(length) + " bytes at " +
                                   std::to_string(offset) + " is not inside " + std::string(path) +
                                   " (" + std::to_string(size) + " bytes)");
  }
  DetachDurable(*file);
  const auto durable_size = static_cast<int64_t>(file->durable.size());
  file->data.FlipBits(offset, length);
  for (int64_t i = offset; i < std::min(offset + length, durable_size); ++i) {
    file->durable[static_cast<size_t>(i)] ^= static_cast<char>(0xff);
  }
  return Status::Ok();
}

std::vector<CrashLoss> SimDisk::Crash(Rng& rng) {
  std::vector<CrashLoss> losses;
  for (auto& [path, file] : files_) {
    const int64_t before = file.data.size();
    // A torn tail: part of the unsynced bytes that continued the durable ones reached the platter
    // before power went. For the append-only pattern that is every write since the last fsync,
    // in order (not only the last write: with several unsynced appends, tearing only the last
    // one, which does not start at the durable end, meant no tail was ever torn). Once a write
    // went below the durable size, only the last write, if it continued the durable bytes.
    const int64_t survived_size =
        file.durable_is_prefix ? file.durable_size : static_cast<int64_t>(file.durable.size());
    int64_t tail_length = 0;
    if (file.durable_is_prefix) {
      tail_length = before - file.durable_size;
    } else if (file.last_write_length > 0 && file.last_write_offset == survived_size) {
      tail_length = std::min<int64_t>(file.last_write_length, before - file.last_write_offset);
    }
    int64_t torn = 0;
    if (options_.torn_tail != TornTail::kNone && tail_length > 0) {
      torn = rng.Between(0, tail_length - 1);
    }
    int64_t after = 0;
    if (file.durable_is_prefix) {
      // The survivors are a prefix of the current bytes (plus garbage): cut in place, no copy.
      if (options_.torn_tail == TornTail::kPrefix) {
        file.data.Truncate(file.durable_size + torn);
      } else {
        file.data.Truncate(file.durable_size);
        std::string garbage;
        for (int64_t i = 0; i < torn; ++i) garbage.push_back(static_cast<char>(rng.Next()));
        file.data.Append(garbage);
      }
      after = file.data.size();
      if (after != before) losses.push_back(CrashLoss{path, before, after, torn});
    } else {
      std::string survived = std::move(file.durable);
      if (torn > 0 && options_.torn_tail == TornTail::kPrefix) {
        file.data.CopyTo(static_cast<int64_t>(survived.size()), torn, &survived);
      } else {
        for (int64_t i = 0; i < torn; ++i) survived.push_back(static_cast<char>(rng.Next()));
      }
      after = static_cast<int64_t>(survived.size());
      if (!file.data.Equals(survived)) losses.push_back(CrashLoss{path, before, after, torn});
      file.data.Truncate(0);
      file.data.Append(survived);
    }
    used_bytes_ += after - before;
    // A file with a zero tail (preallocated) keeps its length: what was lost reads as zeros.
    if (file.zero_tail > 0) file.zero_tail += before - after;
    file.durable.clear();
    file.durable_is_prefix = true;
    file.durable_size = after;
    file.last_write_length = 0;
  }
  return losses;
}

}  // namespace ks
