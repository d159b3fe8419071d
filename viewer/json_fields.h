// JsonFields: the fields of one trace event (a flat JSON object, docs/trace-schema.md) parsed into
// a small lookup table. Values are kept as their JSON text; accessors convert on demand. Nested
// arrays and objects stay raw text (`IntArray` reads `[1,2,3]`, `ArrayLength` counts elements,
// `Raw` and `JsonArrayCursor` walk nested ones).
//
// The viewer parses each event once per fold, so this is written for speed over generality:
// no allocation beyond the key/value views, which point into the caller's string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ks {

class JsonFields {
 public:
  // Parses `json` (must outlive this object). Malformed input leaves the fields read so far.
  explicit JsonFields(std::string_view json);

  bool ok() const { return ok_; }
  bool Has(std::string_view key) const { return Find(key) != nullptr; }
  int64_t Int(std::string_view key, int64_t fallback = 0) const;
  bool Bool(std::string_view key, bool fallback = false) const;
  // The unescaped string value, or `fallback` if absent or not a string.
  std::string String(std::string_view key, std::string_view fallback = {}) const;
  std::vector<int32_t> IntArray(std::string_view key) const;
  // Number of top-level elements of an array value (0 if absent or not an array).
  int64_t ArrayLength(std::string_view key) const;
  // The raw JSON text of a value (empty if absent), for nested arrays: see JsonArrayCursor.
  std::string_view Raw(std::string_view key) const;

 private:
  struct Entry {
    std::string_view key;    // without quotes, escapes untouched (keys never need them)
    std::string_view value;  // the raw JSON text of the value
  };
  const std::string_view* Find(std::string_view key) const;
  void Add(Entry entry);

  // Trace events have a dozen fields at most: those live inline (no allocation per parse, which
  // was a tenth of a trace's opening), the rest, if any, in overflow_.
  static constexpr size_t kInlineEntries = 16;
  Entry inline_[kInlineEntries];
  size_t inline_size_ = 0;
  std::vector<Entry> overflow_;
  bool ok_ = false;
};

// Walks the top-level elements of a JSON array without allocating: `[[0,5,"v"],[1,6,null]]`
// gives `[0,5,"v"]`, then `[1,6,null]`. Not an array: no element.
class JsonArrayCursor {
 public:
  explicit JsonArrayCursor(std::string_view array);
  // The raw text of the next element, false at the end.
  bool Next(std::string_view* element);
  // Reads up to `count` next elements into `out`; returns how many there were.
  size_t Take(std::string_view* out, size_t count);

 private:
  std::string_view array_;
  size_t pos_ = 0;
};
// A raw JSON number as an integer, or `fallback`.
int64_t JsonInt(std::string_view raw, int64_t fallback = 0);
// A raw JSON string literal unescaped, or `fallback` if it is not a string.
std::string JsonString(std::string_view raw, std::string_view fallback = {});

}  // namespace ks
