// TextArena: append-only storage for many short texts (a trace's kinds and fields), in large
// chunks, so that storing a million events costs a few hundred allocations instead of two per
// event. A stored text never moves: the views Store() returns stay valid as long as the arena.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace ks {

class TextArena {
 public:
  static constexpr size_t kChunkBytes = size_t{1} << 20;

  TextArena() = default;
  TextArena(const TextArena&) = delete;
  TextArena& operator=(const TextArena&) = delete;

  // Copies `text` into the arena. A large text gets a chunk of its own (the current chunk's
  // free space stays in use).
  std::string_view Store(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > kChunkBytes / 4) return Copy(NewChunk(text.size()), text);
    if (text.size() > free_bytes_) {
      next_ = NewChunk(kChunkBytes);
      free_bytes_ = kChunkBytes;
    }
    const std::string_view stored = Copy(next_, text);
    next_ += text.size();
    free_bytes_ -= text.size();
    return stored;
  }

  // Takes over `other`'s chunks: views into them stay valid, now as long as this arena.
  void Adopt(TextArena&& other) {
    for (auto& chunk : other.chunks_) chunks_.push_back(std::move(chunk));
    bytes_reserved_ += other.bytes_reserved_;
    other.chunks_.clear();
    other.next_ = nullptr;
    other.free_bytes_ = other.bytes_reserved_ = 0;
  }

  size_t bytes_reserved() const { return bytes_reserved_; }

 private:
  char* NewChunk(size_t size) {
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    bytes_reserved_ += size;
    return chunks_.back().get();
  }
  static std::string_view Copy(char* target, std::string_view text) {
    std::memcpy(target, text.data(), text.size());
    return std::string_view(target, text.size());
  }

  std::vector<std::unique_ptr<char[]>> chunks_;
  char* next_ = nullptr;
  size_t free_bytes_ = 0;
  size_t bytes_reserved_ = 0;
};

}  // namespace ks
