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

// Optimal string alignment distance: Levenshtein plus transposition of adjacent letters, the
// commonest typo ("rnu" for "run" is one edit, not two).
int EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  auto same = [&](size_t i, size_t j) { return std::tolower(a[i]) == std::tolower(b[j]); };
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (same(i - 1, j - 1) ? 0 : 1)});
      if (i > 1 && j > 1 && same(i - 1, j - 2) && same(i - 2, j - 1)) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
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
