#include "model/env/trace.h"

#include <charconv>

namespace ks {

void AppendJsonString(std::string* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  // Fast path: copy the longest prefix that needs no escaping in one append.
  size_t clean = 0;
  while (clean < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[clean]);
    if (c < 0x20 || c == '"' || c == '\\') break;
    ++clean;
  }
  out->append(text.data(), clean);
  text.remove_prefix(clean);
  for (unsigned char c : text) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      case '\r': out->append("\\r"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void TraceFields::Key(std::string_view key) {
  if (json_.size() > 1) json_.push_back(',');
  AppendJsonString(&json_, key);
  json_.push_back(':');
}

TraceFields& TraceFields::Add(std::string_view key, int64_t value) {
  Key(key);
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  json_.append(buffer, end);
  return *this;
}

TraceFields& TraceFields::Add(std::string_view key, bool value) {
  Key(key);
  json_.append(value ? "true" : "false");
  return *this;
}

TraceFields& TraceFields::Add(std::string_view key, std::string_view value) {
  Key(key);
  AppendJsonString(&json_, value);
  return *this;
}

TraceFields& TraceFields::AddRaw(std::string_view key, std::string_view json) {
  Key(key);
  json_.append(json);
  return *this;
}

std::string_view TraceFields::View() {
  if (!closed_) {
    json_.push_back('}');
    closed_ = true;
  }
  return json_;
}

std::string TraceFields::Finish() && {
  View();
  return std::move(json_);
}

}  // namespace ks
