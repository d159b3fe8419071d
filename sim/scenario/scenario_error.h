// ScenarioError: a mistake in a scenario file, located at file:line:column (1-based), saying what
// was found and what was expected. Loading stops at the first one; the CLI prints it and exits 2.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/util/names.h"  // EditDistance, ClosestName, DidYouMean

namespace YAML {
class Node;
}

namespace ks {

struct SourcePosition {
  std::string file;
  int line = 0;                  // 1-based; 0 when unknown
  int column = 0;                // 1-based
  std::string ToString() const;  // "file:line:column"
};

class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(SourcePosition position, std::string message);
  const SourcePosition& position() const { return position_; }
  const std::string& message() const { return message_; }

 private:
  SourcePosition position_;
  std::string message_;
};

}  // namespace ks
