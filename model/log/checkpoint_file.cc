#include "model/log/checkpoint_file.h"

#include <charconv>

namespace ks {
namespace {

constexpr int kCheckpointVersion = 0;
constexpr int64_t kMaxCheckpointBytes = 64 << 20;  // far above any real checkpoint

bool ParseInt64(std::string_view text, int64_t* out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

// Splits `content` into lines (the last may lack its newline).
std::vector<std::string_view> Lines(std::string_view content) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    lines.push_back(content.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (start <= line.size()) {
    size_t end = line.find(' ', start);
    if (end == std::string_view::npos) end = line.size();
    fields.push_back(line.substr(start, end - start));
    start = end + 1;
  }
  return fields;
}

// Reads the file and checks the version and count lines; *body gets the entry lines.
Status ReadCheckpointBody(Disk& disk, std::string_view path, std::vector<std::string_view>* body,
                          std::string* storage) {
  if (!disk.Exists(path)) return Status::NotFound(std::string(path));
  if (Status s = disk.Read(path, 0, kMaxCheckpointBytes, storage); !s.ok()) return s;
  std::vector<std::string_view> lines = Lines(*storage);
  int64_t version = 0;
  int64_t count = 0;
  if (lines.size() < 2 || !ParseInt64(lines[0], &version) || version != kCheckpointVersion ||
      !ParseInt64(lines[1], &count) || count < 0 ||
      count != static_cast<int64_t>(lines.size()) - 2) {
    return Status::Corruption("malformed checkpoint file " + std::string(path) +
                              ": bad version or entry count");
  }
  body->assign(lines.begin() + 2, lines.end());
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomically(Disk& disk, std::string_view path, std::string_view content) {
  const std::string temporary = std::string(path) + ".tmp";
  if (disk.Exists(temporary)) {
    if (Status s = disk.Delete(temporary); !s.ok()) return s;
  }
  if (Status s = disk.Append(temporary, content); !s.ok()) return s;
  if (Status s = disk.Fsync(temporary); !s.ok()) return s;
  return disk.Rename(temporary, path);
}

Status WriteOffsetCheckpoint(Disk& disk, std::string_view path,
                             const std::vector<OffsetCheckpointEntry>& entries) {
  std::string content =
      std::to_string(kCheckpointVersion) + "\n" + std::to_string(entries.size()) + "\n";
  for (const OffsetCheckpointEntry& entry : entries) {
    content += entry.topic + " " + std::to_string(entry.partition) + " " +
               std::to_string(entry.offset) + "\n";
  }
  return WriteFileAtomically(disk, path, content);
}

Status ReadOffsetCheckpoint(Disk& disk, std::string_view path,
                            std::vector<OffsetCheckpointEntry>* entries) {
  std::string storage;
  std::vector<std::string_view> body;
  if (Status s = ReadCheckpointBody(disk, path, &body, &storage); !s.ok()) return s;
  entries->clear();
  for (std::string_view line : body) {
    std::vector<std::string_view> fields = Fields(line);
    int64_t partition = 0;
    int64_t offset = 0;
    if (fields.size() != 3 || fields[0].empty() || !ParseInt64(fields[1], &partition) ||
        partition < 0 || partition > INT32_MAX || !ParseInt64(fields[2], &offset)) {
      return Status::Corruption("malformed line '" + std::string(line) + "' in " +
                                std::string(path));
    }
    entries->push_back({std::string(fields[0]), static_cast<int32_t>(partition), offset});
  }
  return Status::Ok();
}

Status WriteEpochCheckpoint(Disk& disk, std::string_view path,
                            const std::vector<EpochEntry>& entries) {
  std::string content =
      std::to_string(kCheckpointVersion) + "\n" + std::to_string(entries.size()) + "\n";
  for (const EpochEntry& entry : entries) {
    content += std::to_string(entry.epoch) + " " + std::to_string(entry.start_offset) + "\n";
  }
  return WriteFileAtomically(disk, path, content);
}

Status ReadEpochCheckpoint(Disk& disk, std::string_view path, std::vector<EpochEntry>* entries) {
  std::string storage;
  std::vector<std::string_view> body;
  if (Status s = ReadCheckpointBody(disk, path, &body, &storage); !s.ok()) return s;
  entries->clear();
  for (std::string_view line : body) {
    std::vector<std::string_view> fields = Fields(line);
    int64_t epoch = 0;
    int64_t offset = 0;
    if (fields.size() != 2 || !ParseInt64(fields[0], &epoch) || epoch < 0 || epoch > INT32_MAX ||
        !ParseInt64(fields[1], &offset) || offset < 0) {
      return Status::Corruption("malformed line '" + std::string(line) + "' in " +
                                std::string(path));
    }
    entries->push_back({static_cast<int32_t>(epoch), offset});
  }
  return Status::Ok();
}

}  // namespace ks
