#include "sim/scenario/injected_steps.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace ks {
namespace {

// Where the steps go when the text has an `injected:` section already: *pad gets the indentation
// of its items. False with *error if the steps cannot be appended at the end of the text.
bool FindExistingSection(const std::string& text, bool* found, std::string* pad,
                         std::string* error) {
  *found = false;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    *error = "the scenario is not valid YAML: " + e.msg;
    return false;
  }
  if (!root.IsMap()) return true;
  int last_key_line = -1, injected_line = -1;
  YAML::Node section;
  for (auto it = root.begin(); it != root.end(); ++it) {
    last_key_line = std::max(last_key_line, it->first.Mark().line);
    if (it->first.Scalar() == "injected") {
      injected_line = it->first.Mark().line;
      section = it->second;
    }
  }
  if (injected_line < 0) return true;
  *found = true;
  if (injected_line != last_key_line) {
    *error =
        "the scenario's 'injected:' section is not its last one, so new faults cannot be "
        "added to it (move it to the end of the file)";
    return false;
  }
  if (section.IsNull()) return true;
  if (!section.IsSequence() || section.Style() == YAML::EmitterStyle::Flow) {
    *error =
        "the scenario's 'injected:' section is not a block list ('- at: ...' lines), so new "
        "faults cannot be added to it";
    return false;
  }
  // A block list's mark is its first '-'.
  *pad = std::string(static_cast<size_t>(std::max(0, section.Mark().column)), ' ');
  return true;
}

}  // namespace

bool ScenarioWithInjected(const std::string& scenario_text,
                          const std::vector<InjectedFault>& faults, uint64_t seed,
                          const InjectedOrigin& origin, std::string* out, std::string* error) {
  if (faults.empty()) {
    *out = scenario_text;
    return true;
  }
  bool found = false;
  std::string pad = "  ";
  if (!FindExistingSection(scenario_text, &found, &pad, error)) return false;
  std::string text = scenario_text;
  if (!text.empty() && text.back() != '\n') text.push_back('\n');
  if (!found) {
    const std::string seed_text = std::to_string(seed);
    text += "\n# Faults injected " + origin.by + " (seed " + seed_text +
            "). Each runs\n# at its own time, apart from the timeline. Reproduce the run with:\n"
            "#   kafkasim run THIS_FILE --seed " +
            seed_text + "\ninjected:\n";
  }
  for (const InjectedFault& injected : faults) {
    text += FaultStepText(injected.fault, injected.time_us,
                          origin.caption_prefix + injected.fault.Describe(), pad);
  }
  *out = std::move(text);
  return true;
}

}  // namespace ks
