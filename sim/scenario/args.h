// Args: reads one YAML mapping of a scenario (a step, a node, an expectation, a section) with
// positions, so that every mistake is reported as file:line:column with what was expected.
//
// Each Get* consumes a key; Finish() then rejects any key nobody asked for, suggesting the closest
// known one ("unknown key 'latncy' (did you mean 'latency'?)"), and a key written twice is refused
// at once. Values are checked as they are read: durations need a unit (250us, 20ms, 1.5s, 2m) and
// are at most kMaxDurationUs; sizes may have one (4096, 64KiB, 1MiB, 1GB) and are at most
// kMaxSizeBytes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/env/status.h"
#include "model/env/time.h"
#include "sim/scenario/scenario_error.h"

namespace ks {

// The longest duration a scenario may write: 100000h (about 11 years). Simulated time counts
// microseconds in 64 bits; a bound far inside it keeps every sum of instants from wrapping.
inline constexpr DurationUs kMaxDurationUs = 100000LL * 3600 * kSecond;
// The largest size or count a scenario may write: 2^53 (8 PiB), the largest integer a size with
// a fraction ("1.5GiB") converts to exactly.
inline constexpr int64_t kMaxSizeBytes = int64_t{1} << 53;

// Config names and their values as text (`config: {min.insync.replicas: 2}`), in file order.
using ConfigPairs = std::vector<std::pair<std::string, std::string>>;

// Where a YAML node is in its file.
SourcePosition PositionOf(const std::string& file, const YAML::Node& node);

// Parsers of single scalars, throwing ScenarioError at the node's position.
DurationUs ParseDuration(const std::string& file, const YAML::Node& node);
int64_t ParseSize(const std::string& file, const YAML::Node& node);
int64_t ParseInteger(const std::string& file, const YAML::Node& node);
double ParseNumber(const std::string& file, const YAML::Node& node);
bool ParseBool(const std::string& file, const YAML::Node& node);
std::string ParseString(const std::string& file, const YAML::Node& node);
// Text of a duration for messages: "250ms", "1.5s".
std::string FormatDuration(DurationUs duration);

class Args {
 public:
  // `what` names the mapping in messages ("step", "node 'b1'", "world.network").
  Args(std::string file, YAML::Node node, std::string what);

  const std::string& file() const { return file_; }
  const YAML::Node& node() const { return node_; }
  SourcePosition position() const { return PositionOf(file_, node_); }
  SourcePosition PositionOfKey(std::string_view key) const;
  [[noreturn]] void Fail(const std::string& message) const;
  [[noreturn]] void FailAt(std::string_view key, const std::string& message) const;

  bool Has(std::string_view key) const;
  // Marks a key as known without reading it (read by someone else).
  void Allow(std::string_view key) { known_.insert(std::string(key)); }
  YAML::Node Raw(std::string_view key);  // the value node (undefined node if missing)

  std::string GetString(std::string_view key);
  std::string GetString(std::string_view key, std::string fallback);
  std::string GetChoice(std::string_view key, const std::vector<std::string>& choices);
  std::string GetChoice(std::string_view key, const std::vector<std::string>& choices,
                        std::string fallback);
  int64_t GetInteger(std::string_view key);
  int64_t GetInteger(std::string_view key, int64_t fallback);
  double GetNumber(std::string_view key, double fallback);
  bool GetBool(std::string_view key, bool fallback);
  DurationUs GetDuration(std::string_view key);
  DurationUs GetDuration(std::string_view key, DurationUs fallback);
  // A size of something: at least 0.
  int64_t GetSize(std::string_view key, int64_t fallback);
  // An integer in [min, max]; out of range is an error at the value naming the range and `what`
  // the bound protects when it is kafkasim's own (not Kafka's).
  int64_t GetIntegerIn(std::string_view key, int64_t fallback, int64_t min, int64_t max,
                       std::string_view why = {});
  std::vector<std::string> GetStringList(std::string_view key);  // a scalar counts as one item
  // A nested mapping (fails if present but not a mapping); nullopt if absent.
  std::optional<Args> GetMap(std::string_view key);
  // A mapping of config names to scalar values, in file order (empty if absent or null).
  ConfigPairs GetConfigPairs(std::string_view key);
  // Fails at pair `index` of the config mapping under `key` with `status`'s message: at the name
  // when the name is unknown (a message starting "Unknown"), else at the value.
  [[noreturn]] void FailConfig(std::string_view key, size_t index, const Status& status) const;

  // Rejects keys that were neither read nor allowed.
  void Finish() const;

 private:
  YAML::Node Require(std::string_view key);
  std::string file_;
  YAML::Node node_;
  std::string what_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace ks
