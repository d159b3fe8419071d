#include "model/util/config_def.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "model/util/names.h"

namespace ks::config {

namespace {

// Java's Double.toString for the bounds kafkasim uses (0, 1): "0.0", "1.0".
std::string DoubleText(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value)) + ".0";
  }
  std::string text = std::to_string(value);
  while (text.size() > 1 && text.back() == '0') text.pop_back();
  return text;
}

Status OutOfRange(std::string_view name, std::string_view value, bool below,
                  const std::string& bound, std::string_view max_reason) {
  std::string message =
      below ? "Value must be at least " + bound : "Value must be no more than " + bound;
  if (!below && !max_reason.empty()) message += " (" + std::string(max_reason) + ")";
  return Invalid(name, value, message);
}

// Parses a decimal integer of [type_min, type_max] (Java's parseInt/parseShort/parseLong accept
// a leading '+' or '-'), then checks [min, max].
Status ParseInteger(std::string_view name, std::string_view value, std::string_view type_name,
                    int64_t type_min, int64_t type_max, int64_t min, int64_t max,
                    std::string_view max_reason, int64_t* out) {
  std::string_view text = Trim(value);
  if (!text.empty() && text.front() == '+' && text.size() > 1 && text[1] != '-') {
    text.remove_prefix(1);
  }
  int64_t parsed = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      parsed < type_min || parsed > type_max) {
    return Invalid(name, value, "Not a number of type " + std::string(type_name));
  }
  if (parsed < min) return OutOfRange(name, value, true, std::to_string(min), max_reason);
  if (parsed > max) return OutOfRange(name, value, false, std::to_string(max), max_reason);
  *out = parsed;
  return Status::Ok();
}

}  // namespace

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

Status Invalid(std::string_view name, std::string_view value, std::string_view message) {
  return Status::InvalidArgument("Invalid value " + std::string(value) + " for configuration " +
                                 std::string(name) + ": " + std::string(message));
}

Status ParseInt(std::string_view name, std::string_view value, int32_t min, int32_t max,
                int32_t* out, std::string_view max_reason) {
  int64_t parsed = 0;
  Status s = ParseInteger(name, value, "INT", INT32_MIN, INT32_MAX, min, max, max_reason, &parsed);
  if (s.ok()) *out = static_cast<int32_t>(parsed);
  return s;
}

Status ParseShort(std::string_view name, std::string_view value, int16_t min, int16_t max,
                  int16_t* out, std::string_view max_reason) {
  int64_t parsed = 0;
  Status s =
      ParseInteger(name, value, "SHORT", INT16_MIN, INT16_MAX, min, max, max_reason, &parsed);
  if (s.ok()) *out = static_cast<int16_t>(parsed);
  return s;
}

Status ParseLong(std::string_view name, std::string_view value, int64_t min, int64_t max,
                 int64_t* out, std::string_view max_reason) {
  return ParseInteger(name, value, "LONG", INT64_MIN, INT64_MAX, min, max, max_reason, out);
}

Status ParseDurationMs(std::string_view name, std::string_view value, int64_t min, int64_t* out,
                       int64_t unit_ms) {
  return ParseLong(name, value, min, kMaxDurationMs / unit_ms, out, kMaxDurationReason);
}

Status ParseDouble(std::string_view name, std::string_view value, double min, double max,
                   double* out) {
  const std::string text(Trim(value));
  char* end = nullptr;
  const double parsed = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || std::isnan(parsed)) {
    return Invalid(name, value, "Not a number of type DOUBLE");
  }
  if (parsed < min) return OutOfRange(name, value, true, DoubleText(min), {});
  if (parsed > max) return OutOfRange(name, value, false, DoubleText(max), {});
  *out = parsed;
  return Status::Ok();
}

Status ParseBoolean(std::string_view name, std::string_view value, bool* out) {
  const std::string_view text = Trim(value);
  auto equals_ignoring_case = [&](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
    }
    return true;
  };
  if (equals_ignoring_case("true")) {
    *out = true;
  } else if (equals_ignoring_case("false")) {
    *out = false;
  } else {
    return Invalid(name, value, "Expected value to be either true or false");
  }
  return Status::Ok();
}

Status ParseChoice(std::string_view name, std::string_view value,
                   const std::vector<std::string_view>& choices, size_t* index) {
  const std::string_view text = Trim(value);
  for (size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] == text) {
      *index = i;
      return Status::Ok();
    }
  }
  std::string list;
  for (std::string_view choice : choices) list += (list.empty() ? "" : ", ") + std::string(choice);
  return Invalid(name, value, "String must be one of: " + list);
}

Status Unknown(std::string_view what, std::string_view name,
               const std::vector<std::string_view>& names) {
  return Status::InvalidArgument("Unknown " + std::string(what) +
                                 " config name: " + std::string(name) + DidYouMean(name, names));
}

}  // namespace ks::config
