// Disk: a node's local storage, as the model sees it. The only way model code touches bytes that
// outlive a crash.
//
// Contract (the simulated implementation, sim/sim_disk.h, follows it exactly):
// - Files are named by paths like "orders-0/00000000000000000000.log". Directories are implicit:
//   List("orders-0/") returns the files under that prefix, sorted by name.
// - Writes (Append, WriteAt, Truncate) change what reads see at once (the page cache), but are
//   durable only after Fsync of that file. A crash keeps only fsynced bytes — possibly plus a torn
//   piece of the last unsynced write, if the world is configured so.
// - Create, Rename and Delete are durable at once (as on a journaling file system that orders
//   metadata; a dirent fsync is not modelled).
// - Every call may fail with NoSpace (the disk is full: nothing was written) or IoError; callers
//   must handle it. Reads past the end return fewer bytes, not an error.
// - Calls take simulated time (latency): the calling node is busy until the call completes, so
//   whatever it does next (send a response, say) happens later.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/status.h"

namespace ks {

class Disk {
 public:
  virtual ~Disk() = default;

  // Creates an empty file. AlreadyExists if it exists.
  virtual Status Create(std::string_view path) = 0;
  // Appends bytes at the end of the file (creating it if missing).
  virtual Status Append(std::string_view path, std::string_view bytes) = 0;
  // Writes bytes at `offset` (<= current size), extending the file if needed.
  virtual Status WriteAt(std::string_view path, int64_t offset, std::string_view bytes) = 0;
  // Reads up to `length` bytes from `offset` into *out (replacing its contents).
  virtual Status Read(std::string_view path, int64_t offset, int64_t length, std::string* out) = 0;
  // Like Read, but returns a view into the page cache instead of copying (zero-copy, as Kafka's
  // sendfile). The view is valid until the next call that modifies this file or any file's set.
  virtual Status ReadView(std::string_view path, int64_t offset, int64_t length,
                          std::string_view* out) = 0;
  // Makes every byte written to the file so far durable.
  virtual Status Fsync(std::string_view path) = 0;
  // Sets the file's size to `size` (<= current size).
  virtual Status Truncate(std::string_view path, int64_t size) = 0;
  // Sets the file's length, cutting it or extending it with zeros that take no space (a sparse
  // tail, as RandomAccessFile.setLength makes: Kafka's index preallocation). Durable at once, as a
  // metadata change; a write into the tail fills it, and a crash that loses unsynced bytes of a
  // file with a tail keeps its length (the lost bytes read as zeros).
  virtual Status SetLength(std::string_view path, int64_t size) = 0;
  // Renames a file, replacing `to` if it exists.
  virtual Status Rename(std::string_view from, std::string_view to) = 0;
  virtual Status Delete(std::string_view path) = 0;

  virtual bool Exists(std::string_view path) const = 0;
  // Current size (page cache view); -1 if the file does not exist.
  virtual int64_t Size(std::string_view path) const = 0;
  // Names of the files whose path starts with `prefix`, in byte order.
  virtual std::vector<std::string> List(std::string_view prefix) const = 0;
};

// SetLength unless the file already has that length (no disk call, no latency).
inline Status SetFileLength(Disk& disk, std::string_view path, int64_t length) {
  if (disk.Size(path) == length) return Status::Ok();
  return disk.SetLength(path, length);
}

}  // namespace ks
