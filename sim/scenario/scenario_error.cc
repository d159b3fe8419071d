#include "sim/scenario/scenario_error.h"

#include <algorithm>
#include <cctype>

namespace ks {

std::string SourcePosition::ToString() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

ScenarioError::ScenarioError(SourcePosition position, std::string message)
    : std::runtime_error(position.ToString() + ": " + message),
      position_(std::move(position)),
      message_(std::move(message)) {}

}  // namespace ks
