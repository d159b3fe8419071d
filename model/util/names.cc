#include "model/util/names.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace ks {

int EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  auto same = [&](size_t i, size_t j) {
    return std::tolower(static_cast<unsigned char>(a[i])) ==
           std::tolower(static_cast<unsigned char>(b[j]));
  };
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same(i - 1, j - 1) ? 0 : 1)});
      if (i > 1 && j > 1 && same(i - 1, j - 2) && same(i - 2, j - 1)) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

namespace {

template <typename Name>
std::string Closest(std::string_view name, const std::vector<Name>& candidates) {
  std::string_view best;
  int best_distance = 1 << 30;
  for (const Name& candidate : candidates) {
    const int d = EditDistance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  // Plausible misspelling: a few edits, and fewer than half the letters.
  const int limit = std::max<int>(1, std::min<int>(3, static_cast<int>(name.size()) / 2));
  return best_distance <= limit ? std::string(best) : std::string();
}

std::string Suggestion(const std::string& closest) {
  return closest.empty() ? std::string() : " (did you mean '" + closest + "'?)";
}

}  // namespace

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  return Closest(name, candidates);
}

std::string ClosestName(std::string_view name, const std::vector<std::string_view>& candidates) {
  return Closest(name, candidates);
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  return Suggestion(ClosestName(name, candidates));
}

std::string DidYouMean(std::string_view name, const std::vector<std::string_view>& candidates) {
  return Suggestion(ClosestName(name, candidates));
}

}  // namespace ks
