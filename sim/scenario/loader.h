// LoadScenario: reads and validates a scenario file (YAML) against a registry. Throws
// ScenarioError (file:line:column, what was found, what was expected) at the first mistake; a
// scenario that loads has every name, value and reference checked, so a run never fails on a
// typo halfway through.
#pragma once

#include <memory>
#include <string>

#include "sim/scenario/registry.h"
#include "sim/scenario/scenario.h"

namespace ks {

// From a file on disk. A missing or unreadable file is a ScenarioError too.
std::unique_ptr<Scenario> LoadScenarioFile(const std::string& path,
                                           const ScenarioRegistry& registry);
// From text (tests); `path` is used in messages only.
std::unique_ptr<Scenario> LoadScenarioText(const std::string& text, const std::string& path,
                                           const ScenarioRegistry& registry);

}  // namespace ks
