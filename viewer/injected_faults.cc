#include "viewer/injected_faults.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>

namespace ks {
namespace {

// A node name as a YAML scalar: plain when it is a simple word, double-quoted otherwise.
std::string YamlScalar(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  }) && std::isalpha(static_cast<unsigned char>(text[0]));
  if (plain) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

// One step of the `injected:` list, each line starting with `pad`.
std::string StepText(const InjectedFault& injected, const std::string& pad) {
  const Fault& fault = injected.fault;
  char at[96];
  std::snprintf(at, sizeof(at), "- at: %lldus  # %.6f s\n",
                static_cast<long long>(injected.time_us),
                static_cast<double>(injected.time_us) / 1e6);
  std::string text = pad + at;
  text += pad + "  do: " + fault.ActionName() + "\n";
  if (fault.kind == Fault::Kind::kCutLink) {
    text +=
        pad + "  between: [[" + YamlScalar(fault.node) + "], [" + YamlScalar(fault.peer) + "]]\n";
  } else if (fault.kind != Fault::Kind::kHeal) {
    text += pad + "  node: " + YamlScalar(fault.node) + "\n";
  }
  text += pad + "  caption: " + YamlScalar("Injected in the viewer: " + fault.Describe()) + "\n";
  return text;
}

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

const char* Fault::ActionName() const {
  switch (kind) {
    case Kind::kCrash:
      return "crash";
    case Kind::kKill:
      return "kill";
    case Kind::kRestart:
      return "restart";
    case Kind::kPause:
      return "pause";
    case Kind::kResume:
      return "resume";
    case Kind::kIsolate:
      return "isolate";
    case Kind::kCutLink:
      return "partition";
    case Kind::kHeal:
      return "heal";
  }
  return "?";
}

std::string Fault::Describe() const {
  switch (kind) {
    case Kind::kCrash:
      return "crash " + node + " (power loss)";
    case Kind::kKill:
      return "kill " + node + " (kill -9)";
    case Kind::kRestart:
      return "restart " + node;
    case Kind::kPause:
      return "pause " + node + " (a long GC)";
    case Kind::kResume:
      return "resume " + node;
    case Kind::kIsolate:
      return "isolate " + node + " (partition it away)";
    case Kind::kCutLink:
      return "cut the link " + node + " - " + peer;
    case Kind::kHeal:
      return "heal every partition";
  }
  return "?";
}

bool ScenarioWithInjected(const std::string& scenario_text,
                          const std::vector<InjectedFault>& faults, uint64_t seed, std::string* out,
                          std::string* error) {
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
    text += "\n# Faults injected by clicking in kafkasim-viewer's live mode (seed " + seed_text +
            "). Each runs\n# at its own time, apart from the timeline. Reproduce the run with:\n"
            "#   kafkasim run THIS_FILE --seed " +
            seed_text + "\ninjected:\n";
  }
  for (const InjectedFault& fault : faults) text += StepText(fault, pad);
  *out = std::move(text);
  return true;
}

}  // namespace ks
