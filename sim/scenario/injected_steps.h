// The scenario's `injected:` section as text: faults asked for while a run goes (a click in the
// viewer's live mode) written as `at:` steps (FaultStepText, sim/scenario/fault_kinds.h) after the
// scenario's own text, so that loading the result runs them with the same loader and action code
// as any scenario step, and `kafkasim run` of it reproduces the run.
//
// The text is the original scenario, byte for byte, with the steps appended at its end: every
// line of the original keeps its number, so events that carry a line (`scenario.step`,
// `scenario.expect`) are the same with or without injected faults.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/env/time.h"
#include "sim/scenario/fault_kinds.h"

namespace ks {

struct InjectedFault {
  TimeUs time_us = 0;
  Fault fault;
};

// Who injected the faults, in the words of the text written.
struct InjectedOrigin {
  std::string by;              // the section's comment: "Faults injected <by> (seed N)."
  std::string caption_prefix;  // each step's caption: <caption_prefix><Fault::Describe()>
};

// `scenario_text` with `faults` (in time order) appended as `injected:` steps. The original text
// is returned unchanged when `faults` is empty. If the text already has an `injected:` section (a
// saved scenario opened again), the steps are added to it, which requires that section to be the
// file's last; otherwise returns false with *error saying why.
bool ScenarioWithInjected(const std::string& scenario_text,
                          const std::vector<InjectedFault>& faults, uint64_t seed,
                          const InjectedOrigin& origin, std::string* out, std::string* error);

}  // namespace ks
