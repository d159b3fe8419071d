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

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  int best_distance = 1 << 30;
  for (const std::string& candidate : candidates) {
    const int d = EditDistance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  // Plausible misspelling: a few edits, and fewer than half the letters.
  const int limit = std::max<int>(1, std::min<int>(3, static_cast<int>(name.size()) / 2));
  return best_distance <= limit ? best : std::string();
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string closest = ClosestName(name, candidates);
  return closest.empty() ? std::string() : " (did you mean '" + closest + "'?)";
}

}  // namespace ks
