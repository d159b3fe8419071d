// Scenario: a loaded, validated scenario file — the world to build, the timeline of actions and
// faults, and the expectations to check at the end. Produced by LoadScenario (loader.h), run by
// ScenarioRunner (runner.h). The file format is documented in docs/scenario-format.md.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/nemesis.h"
#include "sim/scenario/registry.h"
#include "sim/world.h"

namespace ks {

// probe <op> operand, e.g. "node_status(b1) equals up".
struct Condition {
  enum class Op { kEquals, kNotEquals, kAtLeast, kAtMost, kAbove, kBelow };
  SourcePosition position;
  std::unique_ptr<Probe> probe;
  Op op = Op::kEquals;
  ProbeValue operand;
  // The operand as another probe ({that: PROBE, ...}), read at the same instant: compares two
  // values of the run, e.g. records consumed at most a replica's LEO. Null: `operand`.
  std::unique_ptr<Probe> other;
  std::string description;  // the author's words, if given

  // Reads the probe; true if the comparison holds. *actual gets the value read.
  bool Holds(ScenarioRun& run, ProbeValue* actual) const;
  std::string Describe() const;  // "node_status(b1) equals up"
};
std::string_view ConditionOpName(Condition::Op op);

struct Step {
  enum class Timing { kAt, kAfter, kWhen };
  SourcePosition position;
  Timing timing = Timing::kAt;
  DurationUs time_us = 0;           // kAt: absolute; kAfter: since the previous step ran
  std::unique_ptr<Condition> when;  // kWhen
  DurationUs timeout_us = 0;        // kWhen
  std::string action_name;          // empty: the step only waits and/or narrates
  std::unique_ptr<Action> action;
  std::string caption;  // narration shown by the viewer when the step runs
  // `expect_error: CODE`: the action must fail with this error (a Kafka error name such as
  // OFFSET_OUT_OF_RANGE, or a world status such as NO_SPACE): its failure message starts with it.
  // Failing so is not a failure of the run; succeeding, or failing otherwise, is.
  std::string expect_error;
};

struct NodeSpec {
  SourcePosition position;
  std::string name;
  std::string kind;
  std::string role;
  ProcessFactory factory;
  DiskOptions disk;
  bool start = true;
};

struct Scenario {
  std::string path;
  std::string text;  // the file's full text, stored in the trace
  std::string name;
  std::string description;
  uint64_t seed = 1;
  WorldOptions world;
  std::vector<std::pair<std::pair<std::string, std::string>, LinkOptions>> link_overrides;
  std::vector<NodeSpec> nodes;
  std::vector<std::unique_ptr<Section>> sections;
  std::vector<Step> steps;
  // `injected:` — faults clicked in the viewer's live mode and saved with the scenario. Each is an
  // `at:` step scheduled when the run begins, apart from `steps` (whose steps wait for one
  // another), so it runs at its own time whatever the timeline is doing.
  std::vector<Step> injected;
  // `nemesis:` (sim/scenario/nemesis.h): the fault space the run's seed draws a schedule from;
  // nullopt without one. Every nemesis step carries the position of the `nemesis:` key.
  std::optional<NemesisSpec> nemesis;
  SourcePosition nemesis_position;
  // `nemesis_schedule:` — a schedule drawn before and written out (kafkasim run
  // --write-schedule): when present it runs instead of a new draw.
  std::optional<std::vector<Step>> nemesis_schedule;
  // Makes the step of a drawn fault with the loader's words (set with `nemesis`).
  std::function<Step(const ScheduledFault&)> nemesis_step;
  std::vector<Condition> expectations;
  DurationUs run_for_us = 60 * kSecond;
  int64_t max_events = 200'000'000;  // a bound on every run
};

}  // namespace ks
