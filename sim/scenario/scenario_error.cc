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

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int substitution = previous[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1])
                                                      ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

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
