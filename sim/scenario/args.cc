#include "sim/scenario/args.h"

#include <charconv>
#include <cmath>

namespace ks {

SourcePosition PositionOf(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourcePosition{file, 0, 0};
  return SourcePosition{file, mark.line + 1, mark.column + 1};
}

namespace {

std::string Scalar(const std::string& file, const YAML::Node& node, const char* expected) {
  if (!node.IsScalar()) {
    throw ScenarioError(PositionOf(file, node), std::string("expected ") + expected + ", found a " +
                                                    (node.IsMap()        ? "mapping"
                                                     : node.IsSequence() ? "list"
                                                                         : "null value"));
  }
  return node.Scalar();
}

// Splits "250ms" into 250 and "ms". Accepts a decimal point ("1.5s").
bool SplitNumberUnit(const std::string& text, double* number, std::string* unit) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' ||
                             (i == 0 && text[i] == '-'))) {
    ++i;
  }
  if (i == 0) return false;
  const std::string digits = text.substr(0, i);
  char* end = nullptr;
  *number = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size()) return false;
  *unit = text.substr(i);
  while (!unit->empty() && unit->front() == ' ') unit->erase(0, 1);
  return true;
}

}  // namespace

std::string FormatDuration(DurationUs d) {
  if (d != 0 && d % (3600 * kSecond) == 0) return std::to_string(d / (3600 * kSecond)) + "h";
  if (d % kSecond == 0) return std::to_string(d / kSecond) + "s";
  if (d % kMillisecond == 0) return std::to_string(d / kMillisecond) + "ms";
  return std::to_string(d) + "us";
}

DurationUs ParseDuration(const std::string& file, const YAML::Node& node) {
  const std::string text = Scalar(file, node, "a duration like 250ms, 2s or 500us");
  double number = 0;
  std::string unit;
  const std::string expected =
      "expected a duration with a unit (us, ms, s, m, h) like 250ms or 2s, found '" + text + "'";
  if (!SplitNumberUnit(text, &number, &unit)) throw ScenarioError(PositionOf(file, node), expected);
  double scale = 0;
  if (unit == "us")
    scale = 1;
  else if (unit == "ms")
    scale = kMillisecond;
  else if (unit == "s")
    scale = kSecond;
  else if (unit == "m" || unit == "min")
    scale = 60.0 * kSecond;
  else if (unit == "h")
    scale = 3600.0 * kSecond;
  else if (unit.empty() && number == 0)
    scale = 1;  // a bare 0 needs no unit
  else
    throw ScenarioError(PositionOf(file, node), expected);
  if (number < 0) {
    throw ScenarioError(PositionOf(file, node), "a duration cannot be negative: '" + text + "'");
  }
  if (number * scale > static_cast<double>(kMaxDurationUs)) {
    throw ScenarioError(PositionOf(file, node),
                        "'" + text + "' is longer than the longest duration kafkasim holds, " +
                            FormatDuration(kMaxDurationUs) +
                            " (simulated time counts microseconds in 64 bits)");
  }
  return static_cast<DurationUs>(std::llround(number * scale));
}

int64_t ParseSize(const std::string& file, const YAML::Node& node) {
  const std::string text = Scalar(file, node, "a size like 4096, 64KiB or 1MiB");
  double number = 0;
  std::string unit;
  const std::string expected =
      "expected a size in bytes, optionally with a unit (B, KB, KiB, MB, MiB, GB, GiB), found '" +
      text + "'";
  if (!SplitNumberUnit(text, &number, &unit)) throw ScenarioError(PositionOf(file, node), expected);
  double scale = 0;
  if (unit.empty() || unit == "B")
    scale = 1;
  else if (unit == "KB")
    scale = 1e3;
  else if (unit == "KiB")
    scale = 1024;
  else if (unit == "MB")
    scale = 1e6;
  else if (unit == "MiB")
    scale = 1024.0 * 1024;
  else if (unit == "GB")
    scale = 1e9;
  else if (unit == "GiB")
    scale = 1024.0 * 1024 * 1024;
  else
    throw ScenarioError(PositionOf(file, node), expected);
  if (std::fabs(number * scale) > static_cast<double>(kMaxSizeBytes)) {
    throw ScenarioError(PositionOf(file, node), "'" + text + "' is larger than kafkasim holds: " +
                                                    "at most 8PiB (2^53 bytes)");
  }
  return static_cast<int64_t>(std::llround(number * scale));
}

int64_t ParseInteger(const std::string& file, const YAML::Node& node) {
  const std::string text = Scalar(file, node, "an integer");
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw ScenarioError(PositionOf(file, node), "expected an integer, found '" + text + "'");
  }
  return value;
}

double ParseNumber(const std::string& file, const YAML::Node& node) {
  const std::string text = Scalar(file, node, "a number");
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    throw ScenarioError(PositionOf(file, node), "expected a number, found '" + text + "'");
  }
  return value;
}

bool ParseBool(const std::string& file, const YAML::Node& node) {
  const std::string text = Scalar(file, node, "true or false");
  if (text == "true" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "no" || text == "off") return false;
  throw ScenarioError(PositionOf(file, node), "expected true or false, found '" + text + "'");
}

std::string ParseString(const std::string& file, const YAML::Node& node) {
  return Scalar(file, node, "a string");
}

Args::Args(std::string file, YAML::Node node, std::string what)
    : file_(std::move(file)), node_(std::move(node)), what_(std::move(what)) {
  if (!node_.IsMap()) {
    throw ScenarioError(PositionOf(file_, node_),
                        "expected a mapping (key: value lines) for " + what_);
  }
  // YAML keeps both of two equal keys; which one a reader sees would be an accident.
  std::vector<YAML::Node> keys;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar()) {
      throw ScenarioError(PositionOf(file_, it->first),
                          "a key of " + what_ + " must be a plain name");
    }
    for (const YAML::Node& earlier : keys) {
      if (earlier.Scalar() == it->first.Scalar()) {
        throw ScenarioError(PositionOf(file_, it->first),
                            "'" + it->first.Scalar() + "' is written twice in " + what_ +
                                " (first at line " +
                                std::to_string(PositionOf(file_, earlier).line) + ")");
      }
    }
    keys.push_back(it->first);
  }
}

SourcePosition Args::PositionOfKey(std::string_view key) const {
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.Scalar() == key) return PositionOf(file_, it->first);
  }
  return position();
}

void Args::Fail(const std::string& message) const { throw ScenarioError(position(), message); }

void Args::FailAt(std::string_view key, const std::string& message) const {
  throw ScenarioError(PositionOfKey(key), message);
}

bool Args::Has(std::string_view key) const {
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.Scalar() == key) return true;
  }
  return false;
}

YAML::Node Args::Raw(std::string_view key) {
  known_.insert(std::string(key));
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.Scalar() == key) return it->second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node Args::Require(std::string_view key) {
  YAML::Node value = Raw(key);
  if (!value.IsDefined()) {
    Fail(what_ + " needs '" + std::string(key) + "'");
  }
  if (value.IsNull()) FailAt(key, "'" + std::string(key) + "' has no value");
  return value;
}

std::string Args::GetString(std::string_view key) { return ParseString(file_, Require(key)); }

std::string Args::GetString(std::string_view key, std::string fallback) {
  return Has(key) ? GetString(key) : (Allow(key), std::move(fallback));
}

std::string Args::GetChoice(std::string_view key, const std::vector<std::string>& choices) {
  const YAML::Node value = Require(key);
  const std::string text = ParseString(file_, value);
  for (const std::string& choice : choices) {
    if (choice == text) return text;
  }
  std::string list;
  for (const std::string& choice : choices) list += (list.empty() ? "" : ", ") + choice;
  throw ScenarioError(PositionOf(file_, value), "'" + std::string(key) + "' must be one of " +
                                                    list + "; found '" + text + "'" +
                                                    DidYouMean(text, choices));
}

std::string Args::GetChoice(std::string_view key, const std::vector<std::string>& choices,
                            std::string fallback) {
  return Has(key) ? GetChoice(key, choices) : (Allow(key), std::move(fallback));
}

int64_t Args::GetInteger(std::string_view key) { return ParseInteger(file_, Require(key)); }
int64_t Args::GetInteger(std::string_view key, int64_t fallback) {
  return Has(key) ? GetInteger(key) : (Allow(key), fallback);
}
double Args::GetNumber(std::string_view key, double fallback) {
  return Has(key) ? ParseNumber(file_, Require(key)) : (Allow(key), fallback);
}
bool Args::GetBool(std::string_view key, bool fallback) {
  return Has(key) ? ParseBool(file_, Require(key)) : (Allow(key), fallback);
}
DurationUs Args::GetDuration(std::string_view key) { return ParseDuration(file_, Require(key)); }
DurationUs Args::GetDuration(std::string_view key, DurationUs fallback) {
  return Has(key) ? GetDuration(key) : (Allow(key), fallback);
}
int64_t Args::GetSize(std::string_view key, int64_t fallback) {
  if (!Has(key)) return Allow(key), fallback;
  const YAML::Node value = Require(key);
  const int64_t size = ParseSize(file_, value);
  if (size < 0) {
    throw ScenarioError(PositionOf(file_, value),
                        "'" + std::string(key) + "' is a size: it cannot be negative");
  }
  return size;
}

int64_t Args::GetIntegerIn(std::string_view key, int64_t fallback, int64_t min, int64_t max,
                           std::string_view why) {
  const int64_t value = GetInteger(key, fallback);
  if (value < min || value > max) {
    std::string message = "'" + std::string(key) + "' is an integer from " + std::to_string(min) +
                          " to " + std::to_string(max) + ", found " + std::to_string(value);
    if (!why.empty()) message += " (" + std::string(why) + ")";
    throw ScenarioError(PositionOf(file_, Raw(key)), message);
  }
  return value;
}

std::vector<std::string> Args::GetStringList(std::string_view key) {
  const YAML::Node value = Require(key);
  std::vector<std::string> items;
  if (value.IsScalar()) {
    items.push_back(value.Scalar());
    return items;
  }
  if (!value.IsSequence()) {
    throw ScenarioError(PositionOf(file_, value), "expected a list for '" + std::string(key) + "'");
  }
  for (const YAML::Node& item : value) items.push_back(ParseString(file_, item));
  return items;
}

std::optional<Args> Args::GetMap(std::string_view key) {
  const YAML::Node value = Raw(key);
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  return Args(file_, value, what_ + "." + std::string(key));
}

ConfigPairs Args::GetConfigPairs(std::string_view key) {
  ConfigPairs pairs;
  const YAML::Node node = Raw(key);
  if (!node.IsDefined() || node.IsNull()) return pairs;
  if (!node.IsMap()) {
    FailAt(key, "'" + std::string(key) + "' is a mapping of config names to values, like " +
                    "{min.insync.replicas: 2}");
  }
  Args names(file_, node, "'" + std::string(key) + "'");  // refuses a name written twice
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->second.IsScalar()) {
      throw ScenarioError(PositionOf(file_, it->second),
                          "config " + it->first.Scalar() + " needs a single value");
    }
    pairs.emplace_back(it->first.Scalar(), it->second.Scalar());
  }
  return pairs;
}

void Args::FailConfig(std::string_view key, size_t index, const Status& status) const {
  YAML::Node node(YAML::NodeType::Undefined);
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.Scalar() == key) node = it->second;
  }
  size_t i = 0;
  for (auto it = node.begin(); node.IsMap() && it != node.end(); ++it, ++i) {
    if (i != index) continue;
    // An unknown name is the name's mistake; a bad value, the value's.
    const bool unknown_name = status.message().rfind("Unknown", 0) == 0;
    throw ScenarioError(PositionOf(file_, unknown_name ? it->first : it->second), status.message());
  }
  FailAt(key, status.message());
}

void Args::Finish() const {
  std::vector<std::string> known(known_.begin(), known_.end());
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (known_.count(key) == 0) {
      std::string message = "unknown key '" + key + "' in " + what_ + DidYouMean(key, known);
      if (ClosestName(key, known).empty() && !known.empty()) {
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        message += "; expected one of: " + list;
      }
      throw ScenarioError(PositionOf(file_, it->first), message);
    }
  }
}

}  // namespace ks
