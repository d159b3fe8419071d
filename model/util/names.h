// Names: the one edit distance used to suggest the closest valid name for a misspelt one
// ("did you mean 'retention.ms'?") — config names, scenario keys, actions, nodes.
#pragma once

#include <string_view>

namespace ks {

// Optimal string alignment distance: Levenshtein plus transposition of two adjacent letters,
// the commonest typo ("rnu" for "run" is one edit, not two). Case-insensitive.
int EditDistance(std::string_view a, std::string_view b);

}  // namespace ks
