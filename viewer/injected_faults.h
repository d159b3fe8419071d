// Injected faults: what a click in the viewer's live mode asks for (crash b1, cut b1-b2, heal),
// and how a list of them becomes scenario text. Faults are data (docs/architecture.md): a click
// is written as an `at:` step of the scenario's `injected:` section, loaded by the same loader and
// run by the same action code as any scenario step, so "Save as scenario" is just that text.
//
// The text is the original scenario, byte for byte, with the steps appended at its end: every
// line of the original keeps its number, so events that carry a line (`scenario.step`,
// `scenario.expect`) are the same with or without injected faults.
#pragma once

#include <string>
#include <vector>

#include "model/env/time.h"

namespace ks {

struct Fault {
  enum class Kind { kCrash, kKill, kRestart, kPause, kResume, kIsolate, kCutLink, kHeal };
  Kind kind = Kind::kCrash;
  std::string node;  // every kind but kHeal
  std::string peer;  // kCutLink: the other end of the link

  // The scenario action that carries it out: crash, kill, restart, pause, resume, isolate,
  // partition (a cut link is a partition between two one-node groups) or heal.
  const char* ActionName() const;
  // "crash b1 (power loss)", "cut the link b1 - b2"
  std::string Describe() const;
};

struct InjectedFault {
  TimeUs time_us = 0;
  Fault fault;
};

// `scenario_text` with `faults` (in time order) appended as `injected:` steps. The original text
// is returned unchanged when `faults` is empty. If the text already has an `injected:` section (a
// saved scenario opened again), the steps are added to it, which requires that section to be the
// file's last; otherwise returns false with *error saying why.
bool ScenarioWithInjected(const std::string& scenario_text,
                          const std::vector<InjectedFault>& faults, uint64_t seed, std::string* out,
                          std::string* error);

}  // namespace ks
