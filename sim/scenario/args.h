// Args: reads one YAML mapping of a scenario (a step, a node, an expectation, a section) with
// positions, so that every mistake is reported as file:line:column with what was expected.
//
// Each Get* consumes a key; Finish() then rejects any key nobody asked for, suggesting the closest
// known one ("unknown key 'latncy' (did you mean 'latency'?)"). Values are checked as they are
// read: durations need a unit (250us, 20ms, 1.5s, 2m), sizes may have one (4096, 64KiB, 1MiB, 1GB).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/env/time.h"
#include "sim/scenario/scenario_error.h"

namespace ks {

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
  int64_t GetSize(std::string_view key, int64_t fallback);
  std::vector<std::string> GetStringList(std::string_view key);  // a scalar counts as one item
  // A nested mapping (fails if present but not a mapping); nullopt if absent.
  std::optional<Args> GetMap(std::string_view key);

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
