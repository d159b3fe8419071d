#include "sim/sim_disk.h"

#include <algorithm>

#include "model/env/check.h"

namespace ks {

SimDisk::SimDisk(DiskOptions options) : options_(options) {}

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
  if (it == files_.end()) it = files_.emplace(std::string(path), File{}).first;
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
  file.durable.assign(file.data, 0, static_cast<size_t>(file.durable_size));
  file.durable_is_prefix = false;
}

Status SimDisk::Create(std::string_view path) {
  Charge(options_.write_latency_us);
  if (Find(path) != nullptr) return Status::AlreadyExists(std::string(path));
  FindOrCreate(path);
  return Status::Ok();
}

Status SimDisk::Append(std::string_view path, std::string_view bytes) {
  Charge(options_.write_latency_us);
  if (Status s = CheckSpace(path, static_cast<int64_t>(bytes.size())); !s.ok()) return s;
  File& file = FindOrCreate(path);
  const int64_t offset = static_cast<int64_t>(file.data.size());
  file.data.append(bytes);
  used_bytes_ += static_cast<int64_t>(bytes.size());
  file.last_write_offset = offset;
  file.last_write_length = static_cast<int64_t>(bytes.size());
  return Status::Ok();
}

Status SimDisk::WriteAt(std::string_view path, int64_t offset, std::string_view bytes) {
  Charge(options_.write_latency_us);
  File* file = Find(path);
  if (file == nullptr) return Status::NotFound(std::string(path));
  const int64_t size = static_cast<int64_t>(file->data.size());
  if (offset < 0 || offset > size) {
    return Status::InvalidArgument("write at " + std::to_string(offset) + " past the end of " +
                                   std::string(path));
  }
  const int64_t end = offset + static_cast<int64_t>(bytes.size());
  const int64_t growth = std::max<int64_t>(0, end - size);
  if (Status s = CheckSpace(path, growth); !s.ok()) return s;
  if (offset < file->durable_size) DetachDurable(*file);
  if (end > size) file->data.resize(static_cast<size_t>(end));
  std::copy(bytes.begin(), bytes.end(), file->data.begin() + offset);
  used_bytes_ += growth;
  file->last_write_offset = offset;
  file->last_write_length = static_cast<int64_t>(bytes.size());
  return Status::Ok();
}

Status SimDisk::Read(std::string_view path, int64_t offset, int64_t length, std::string* out) {
  std::string_view view;
  Status s = ReadView(path, offset, length, &view);
  if (s.ok()) out->assign(view);
  return s;
}

Status SimDisk::ReadView(std::string_view path, int64_t offset, int64_t length,
                         std::string_view* out) {
  Charge(options_.read_latency_us);
  const File* file = Find(path);
  if (file == nullptr) return Status::NotFound(std::string(path));
  if (offset < 0 || length < 0) return Status::InvalidArgument("negative offset or length");
  const int64_t size = static_cast<int64_t>(file->data.size());
  if (offset >= size) {
    *out = std::string_view();
    return Status::Ok();
  }
  const int64_t n = std::min(length, size - offset);
  *out = std::string_view(file->data).substr(static_cast<size_t>(offset), static_cast<size_t>(n));
  return Status::Ok();
}

Status SimDisk::Fsync(std::string_view path) {
  File* file = Find(path);
  if (file == nullptr) {
    Charge(options_.fsync_latency_us);
    return Status::NotFound(std::string(path));
  }
  int64_t dirty_bytes = static_cast<int64_t>(file->data.size()) - file->durable_size;
  if (!file->durable_is_prefix) dirty_bytes = static_cast<int64_t>(file->data.size());
  DurationUs latency = options_.fsync_latency_us;
  if (options_.throughput_bytes_per_s > 0 && dirty_bytes > 0) {
    latency += dirty_bytes * kSecond / options_.throughput_bytes_per_s;
  }
  Charge(latency);
  file->durable_is_prefix = true;
  file->durable.clear();
  file->durable.shrink_to_fit();
  file->durable_size = static_cast<int64_t>(file->data.size());
  file->last_write_length = 0;
  ++fsync_count_;
  return Status::Ok();
}

Status SimDisk::Truncate(std::string_view path, int64_t size) {
  Charge(options_.write_latency_us);
  File* file = Find(path);
  if (file == nullptr) return Status::NotFound(std::string(path));
  const int64_t current = static_cast<int64_t>(file->data.size());
  if (size < 0 || size > current) {
    return Status::InvalidArgument("truncate " + std::string(path) + " to " +
                                   std::to_string(size) + ", size is " + std::to_string(current));
  }
  // Truncation is a metadata change, durable at once: the bytes cut off are gone for good.
  file->data.resize(static_cast<size_t>(size));
  used_bytes_ -= current - size;
  if (file->durable_is_prefix) {
    file->durable_size = std::min(file->durable_size, size);
  } else if (static_cast<int64_t>(file->durable.size()) > size) {
    file->durable.resize(static_cast<size_t>(size));
  }
  file->last_write_length = 0;
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
    used_bytes_ -= static_cast<int64_t>(existing->data.size());
    files_.erase(files_.find(to));
  }
  files_.emplace(std::string(to), std::move(moved));
  return Status::Ok();
}

Status SimDisk::Delete(std::string_view path) {
  Charge(options_.write_latency_us);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound(std::string(path));
  used_bytes_ -= static_cast<int64_t>(it->second.data.size());
  files_.erase(it);
  return Status::Ok();
}

bool SimDisk::Exists(std::string_view path) const { return Find(path) != nullptr; }

int64_t SimDisk::Size(std::string_view path) const {
  const File* file = Find(path);
  return file == nullptr ? -1 : static_cast<int64_t>(file->data.size());
}

int64_t SimDisk::DurableSize(std::string_view path) const {
  const File* file = Find(path);
  if (file == nullptr) return -1;
  return file->durable_is_prefix ? file->durable_size : static_cast<int64_t>(file->durable.size());
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
  const int64_t size = static_cast<int64_t>(file->data.size());
  if (offset < 0 || length <= 0 || offset + length > size) {
    return Status::InvalidArgument("range [" + std::to_string(offset) + ", " +
                                   std::to_string(offset + length) + ") is not inside " +
                                   std::string(path) + " (" + std::to_string(size) + " bytes)");
  }
  const int64_t durable_size = DurableSize(path);
  DetachDurable(*file);
  for (int64_t i = offset; i < offset + length; ++i) {
    file->data[static_cast<size_t>(i)] ^= static_cast<char>(0xff);
    if (i < durable_size) file->durable[static_cast<size_t>(i)] ^= static_cast<char>(0xff);
  }
  return Status::Ok();
}

std::vector<CrashLoss> SimDisk::Crash(Rng& rng) {
  std::vector<CrashLoss> losses;
  for (auto& [path, file] : files_) {
    const int64_t before = static_cast<int64_t>(file.data.size());
    std::string survived;
    if (file.durable_is_prefix) {
      survived.assign(file.data, 0, static_cast<size_t>(file.durable_size));
    } else {
      survived = std::move(file.durable);
    }
    // A torn tail: part of the unsynced bytes that continued the durable ones reached the platter
    // before power went. For the append-only pattern that is every write since the last fsync,
    // in order (not only the last write: with several unsynced appends, tearing only the last
    // one, which does not start at the durable end, meant no tail was ever torn). Once a write
    // went below the durable size, only the last write, if it continued the durable bytes.
    int64_t tail_length = 0;
    if (file.durable_is_prefix) {
      tail_length = static_cast<int64_t>(file.data.size()) - file.durable_size;
    } else if (file.last_write_length > 0 &&
               file.last_write_offset == static_cast<int64_t>(survived.size())) {
      tail_length = std::min<int64_t>(
          file.last_write_length, static_cast<int64_t>(file.data.size()) - file.last_write_offset);
    }
    int64_t torn = 0;
    if (options_.torn_tail != TornTail::kNone && tail_length > 0) {
      torn = rng.Between(0, tail_length - 1);
      if (options_.torn_tail == TornTail::kPrefix) {
        survived.append(file.data, survived.size(), static_cast<size_t>(torn));
      } else {
        for (int64_t i = 0; i < torn; ++i) survived.push_back(static_cast<char>(rng.Next()));
      }
    }
    if (survived != file.data) {
      losses.push_back(CrashLoss{path, before, static_cast<int64_t>(survived.size()), torn});
    }
    used_bytes_ += static_cast<int64_t>(survived.size()) - before;
    file.data = std::move(survived);
    file.durable.clear();
    file.durable_is_prefix = true;
    file.durable_size = static_cast<int64_t>(file.data.size());
    file.last_write_length = 0;
  }
  return losses;
}

}  // namespace ks
