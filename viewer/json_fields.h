// JsonFields: the fields of one trace event (a flat JSON object, docs/trace-schema.md) parsed into
// a small lookup table. Values are kept as their JSON text; accessors convert on demand. Nested
// arrays and objects stay raw text (`IntArray` reads `[1,2,3]`, `ArrayLength` counts elements).
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

 private:
  struct Entry {
    std::string_view key;   // without quotes, escapes untouched (keys never need them)
    std::string_view value; // the raw JSON text of the value
  };
  const std::string_view* Find(std::string_view key) const;

  std::vector<Entry> entries_;
  bool ok_ = false;
};

}  // namespace ks
