// Names: the one edit distance used to suggest the closest valid name for a misspelt one
// ("did you mean 'retention.ms'?") — config names, scenario keys, actions, nodes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ks {

// Optimal string alignment distance: Levenshtein plus transposition of two adjacent letters,
// the commonest typo ("rnu" for "run" is one edit, not two). Case-insensitive.
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name`, or "" if none is close enough to be a plausible misspelling
// (a few edits, and fewer than half the letters).
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);
std::string ClosestName(std::string_view name, const std::vector<std::string_view>& candidates);
// " (did you mean 'x'?)" or "" — ready to append to a message.
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);
std::string DidYouMean(std::string_view name, const std::vector<std::string_view>& candidates);

}  // namespace ks
