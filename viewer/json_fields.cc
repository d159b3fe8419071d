#include "viewer/json_fields.h"

#include <charconv>

namespace ks {
namespace {

void SkipSpace(std::string_view text, size_t* pos) {
  while (*pos < text.size() &&
         (text[*pos] == ' ' || text[*pos] == '\n' || text[*pos] == '\t' || text[*pos] == '\r')) {
    ++*pos;
  }
}

// Advances *pos past the string literal starting at it (on the opening quote).
bool SkipString(std::string_view text, size_t* pos) {
  ++*pos;
  while (*pos < text.size()) {
    const char c = text[*pos];
    if (c == '\\') {
      *pos += 2;
    } else if (c == '"') {
      ++*pos;
      return true;
    } else {
      ++*pos;
    }
  }
  return false;
}

// Advances *pos past one JSON value of any kind.
bool SkipValue(std::string_view text, size_t* pos) {
  SkipSpace(text, pos);
  if (*pos >= text.size()) return false;
  const char c = text[*pos];
  if (c == '"') return SkipString(text, pos);
  if (c == '[' || c == '{') {
    int depth = 0;
    while (*pos < text.size()) {
      const char d = text[*pos];
      if (d == '"') {
        if (!SkipString(text, pos)) return false;
        continue;
      }
      if (d == '[' || d == '{') ++depth;
      if (d == ']' || d == '}') {
        --depth;
        if (depth == 0) {
          ++*pos;
          return true;
        }
      }
      ++*pos;
    }
    return false;
  }
  while (*pos < text.size() && text[*pos] != ',' && text[*pos] != '}' && text[*pos] != ']') {
    ++*pos;
  }
  return true;
}

void AppendUtf8(std::string* out, uint32_t code) {
  if (code < 0x80) {
    out->push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code >> 6)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (code >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

}  // namespace

JsonFields::JsonFields(std::string_view json) {
  size_t pos = 0;
  SkipSpace(json, &pos);
  if (pos >= json.size() || json[pos] != '{') return;
  ++pos;
  SkipSpace(json, &pos);
  if (pos < json.size() && json[pos] == '}') {
    ok_ = true;
    return;
  }
  while (pos < json.size()) {
    SkipSpace(json, &pos);
    if (pos >= json.size() || json[pos] != '"') return;
    const size_t key_start = pos + 1;
    if (!SkipString(json, &pos)) return;
    const std::string_view key = json.substr(key_start, pos - 1 - key_start);
    SkipSpace(json, &pos);
    if (pos >= json.size() || json[pos] != ':') return;
    ++pos;
    SkipSpace(json, &pos);
    const size_t value_start = pos;
    if (!SkipValue(json, &pos)) return;
    Add({key, json.substr(value_start, pos - value_start)});
    SkipSpace(json, &pos);
    if (pos >= json.size()) return;
    if (json[pos] == '}') {
      ok_ = true;
      return;
    }
    if (json[pos] != ',') return;
    ++pos;
  }
}

void JsonFields::Add(Entry entry) {
  if (inline_size_ < kInlineEntries) {
    inline_[inline_size_++] = entry;
  } else {
    overflow_.push_back(entry);
  }
}

const std::string_view* JsonFields::Find(std::string_view key) const {
  for (size_t i = 0; i < inline_size_; ++i) {
    if (inline_[i].key == key) return &inline_[i].value;
  }
  for (const Entry& entry : overflow_) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

int64_t JsonFields::Int(std::string_view key, int64_t fallback) const {
  const std::string_view* value = Find(key);
  return value == nullptr ? fallback : JsonInt(*value, fallback);
}

bool JsonFields::Bool(std::string_view key, bool fallback) const {
  const std::string_view* value = Find(key);
  if (value == nullptr) return fallback;
  if (*value == "true") return true;
  if (*value == "false") return false;
  return fallback;
}

std::string JsonFields::String(std::string_view key, std::string_view fallback) const {
  const std::string_view* value = Find(key);
  return value == nullptr ? std::string(fallback) : JsonString(*value, fallback);
}

std::string_view JsonFields::Raw(std::string_view key) const {
  const std::string_view* value = Find(key);
  return value == nullptr ? std::string_view() : *value;
}

std::vector<int32_t> JsonFields::IntArray(std::string_view key) const {
  std::vector<int32_t> result;
  const std::string_view* value = Find(key);
  if (value == nullptr || value->empty() || value->front() != '[') return result;
  const char* p = value->data() + 1;
  const char* end = value->data() + value->size();
  while (p < end) {
    while (p < end && (*p == ' ' || *p == ',')) ++p;
    int32_t number = 0;
    const auto [next, error] = std::from_chars(p, end, number);
    if (error != std::errc()) break;
    result.push_back(number);
    p = next;
  }
  return result;
}

int64_t JsonFields::ArrayLength(std::string_view key) const {
  const std::string_view* value = Find(key);
  if (value == nullptr || value->size() < 2 || value->front() != '[') return 0;
  size_t pos = 1;
  int64_t count = 0;
  while (pos < value->size()) {
    SkipSpace(*value, &pos);
    if (pos >= value->size() || (*value)[pos] == ']') break;
    if (!SkipValue(*value, &pos)) break;
    ++count;
    SkipSpace(*value, &pos);
    if (pos < value->size() && (*value)[pos] == ',') ++pos;
  }
  return count;
}

int64_t JsonInt(std::string_view raw, int64_t fallback) {
  int64_t result = 0;
  const auto [end, error] = std::from_chars(raw.data(), raw.data() + raw.size(), result);
  return error == std::errc() ? result : fallback;
}

std::string JsonString(std::string_view raw, std::string_view fallback) {
  if (raw.size() < 2 || raw.front() != '"') return std::string(fallback);
  const std::string_view body = raw.substr(1, raw.size() - 2);
  if (body.find('\\') == std::string_view::npos) return std::string(body);  // nearly always
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\\' || i + 2 >= raw.size()) {
      out.push_back(c);
      continue;
    }
    const char escaped = raw[++i];
    switch (escaped) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        uint32_t code = 0;
        if (i + 4 < raw.size()) {
          std::from_chars(raw.data() + i + 1, raw.data() + i + 5, code, 16);
          i += 4;
        }
        AppendUtf8(&out, code);
        break;
      }
      default:
        out.push_back(escaped);
        break;
    }
  }
  return out;
}

JsonArrayCursor::JsonArrayCursor(std::string_view array) : array_(array) {
  pos_ = array.size() >= 2 && array.front() == '[' ? 1 : array.size();
}

bool JsonArrayCursor::Next(std::string_view* element) {
  SkipSpace(array_, &pos_);
  if (pos_ >= array_.size() || array_[pos_] == ']') return false;
  const size_t start = pos_;
  if (!SkipValue(array_, &pos_)) {
    pos_ = array_.size();
    return false;
  }
  size_t end = pos_;
  while (end > start && (array_[end - 1] == ' ' || array_[end - 1] == '\n')) --end;
  *element = array_.substr(start, end - start);
  SkipSpace(array_, &pos_);
  if (pos_ < array_.size() && array_[pos_] == ',') ++pos_;
  return true;
}

size_t JsonArrayCursor::Take(std::string_view* out, size_t count) {
  size_t taken = 0;
  while (taken < count && Next(&out[taken])) ++taken;
  return taken;
}

}  // namespace ks
