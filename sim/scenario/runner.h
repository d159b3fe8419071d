// ScenarioRunner: builds the world a Scenario describes and runs it — all at once (the CLI) or a
// slice of simulated time at a time (the viewer's live mode). Timeline steps are events on the
// world's scheduler, so they interleave with node events deterministically; `when` steps are
// checked after every event until they hold or time out.
//
// ScenarioRun is what actions, probes and sections see while the run goes: the world, the
// scenario, and a typed store where a subsystem keeps its run state (a cluster, a history).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "sim/scenario/scenario.h"
#include "sim/trace_stream.h"
#include "sim/world.h"

namespace ks {

class ScenarioRun {
 public:
  ScenarioRun(const Scenario& scenario, World& world) : scenario_(scenario), world_(world) {}

  World& world() { return world_; }
  const Scenario& scenario() const { return scenario_; }

  // The run's instance of T (created on first use): where a subsystem keeps its state.
  template <typename T>
  T& State() {
    auto it = states_.find(std::type_index(typeid(T)));
    if (it == states_.end()) {
      it = states_.emplace(std::type_index(typeid(T)), std::make_shared<T>()).first;
    }
    return *static_cast<T*>(it->second.get());
  }

  // Counts of actions run, by name ("crash" -> 2), for the summary.
  std::map<std::string, int64_t>& action_counts() { return action_counts_; }

 private:
  const Scenario& scenario_;
  World& world_;
  std::unordered_map<std::type_index, std::shared_ptr<void>> states_;
  std::map<std::string, int64_t> action_counts_;
};

struct RunOptions {
  std::optional<uint64_t> seed;                  // overrides the scenario's
  std::optional<TimeUs> until_us;                // overrides run_for
  std::vector<TraceSink*> sinks;                 // recorder, collector, viewer
  bool keep_event_hashes = false;                // for check-determinism
  const std::atomic<bool>* interrupt = nullptr;  // Ctrl-C: stop between events
  bool tracing = true;
  // The command that reproduces this run, printed with the seed if an invariant breaks while
  // the run executes (ScopedCheckFailureContext). Empty: the scenario's name stands in.
  std::string reproduce;
};

struct ExpectationResult {
  SourcePosition position;
  std::string description;
  bool passed = false;
  std::string actual;
};

struct RunResult {
  uint64_t seed = 0;
  Digest digest;
  int64_t event_count = 0;
  uint64_t scheduler_events = 0;
  TimeUs end_time_us = 0;
  bool interrupted = false;
  bool event_limit_reached = false;
  std::vector<ExpectationResult> expectations;
  std::vector<std::string> failures;  // step timeouts and action errors, with positions
  std::vector<std::string> summary_lines;
  std::vector<uint64_t> event_hashes;

  int ExpectationsFailed() const;
  // True when every step ran and every expectation held.
  bool ok() const { return failures.empty() && ExpectationsFailed() == 0 && !event_limit_reached; }
};

class ScenarioRunner {
 public:
  ScenarioRunner(const Scenario& scenario, const ScenarioRegistry& registry, RunOptions options);
  ~ScenarioRunner();

  // Builds the world and starts the nodes and the timeline. Call once, first.
  void Begin();
  // Runs every event up to and including `limit` (capped at the end of the run). Returns false
  // once the run is over (end time reached, interrupted, or the event limit hit).
  bool AdvanceTo(TimeUs limit);
  // Runs one event. False once the run is over.
  bool StepOne();
  bool finished() const { return finished_; }

  // Live injection (the viewer's live mode). A clicked fault must run exactly as it will when the
  // scenario is saved with it under `injected:` and run again, where its step is scheduled when
  // the run begins: first among the events of its instant. So it is scheduled at a *quiet*
  // instant: after every event already run, with nothing queued at it yet; then whatever else
  // happens at that instant is caused by events of that instant, and comes after the step on
  // both paths.
  //
  // Runs the events of busy instants until an instant after Now() has nothing queued, and
  // returns it; nullopt if that instant lies beyond the run's end (or the run is over).
  std::optional<TimeUs> AdvanceToQuietInstant();
  // Schedules `step` (an `at:` step, of index `index` in the scenario's `injected:` list) at its
  // time. REQUIRES: step.time_us is a quiet instant (AdvanceToQuietInstant). `step` must outlive
  // the run.
  void Inject(const Step& step, size_t index);
  TimeUs end_time_us() const { return end_time_us_; }
  // Checks expectations, records the end and returns the result. Call once, last.
  RunResult Finish();

  World& world() { return *world_; }
  bool has_world() const { return world_ != nullptr; }
  ScenarioRun& run() { return *run_; }
  uint64_t seed() const { return seed_; }

 private:
  void StartStep(size_t index);
  void ExecuteStep(size_t index);
  // Traces `scenario.step` and runs the step's action: the one path of timeline and injected steps.
  // Where a step comes from: the timeline (steps wait for one another), `injected:` or the
  // nemesis (each at its own time; a nemesis step that cannot run in its node's state is skipped,
  // not a failure of the run).
  enum class StepOrigin { kTimeline, kInjected, kNemesis };
  void RunStep(const Step& step, size_t index, StepOrigin origin);
  // A step with expect_error: refused with that error is fine, anything else is a failure.
  void CheckExpectedError(const Step& step, const Status& status);
  void ScheduleInjected(const Step& step, size_t index, StepOrigin origin = StepOrigin::kInjected);
  void CheckWaitingStep();
  bool Stopped();
  // What a failed invariant prints while this run executes.
  std::string FailureContext() const;

  const Scenario& scenario_;
  const ScenarioRegistry& registry_;
  RunOptions options_;
  uint64_t seed_ = 0;
  std::vector<Step> nemesis_steps_;  // the schedule the seed drew (without nemesis_schedule)
  TimeUs end_time_us_ = 0;
  std::unique_ptr<World> world_;
  std::unique_ptr<ScenarioRun> run_;
  size_t waiting_step_ = SIZE_MAX;  // a `when` step being waited on
  TimeUs waiting_deadline_ = 0;
  EventId waiting_tick_ = kNoEvent;
  bool finished_ = false;
  bool interrupted_ = false;
  bool event_limit_reached_ = false;
  std::vector<std::string> failures_;
};

// Runs a whole scenario: Begin, AdvanceTo(end), Finish.
RunResult RunScenario(const Scenario& scenario, const ScenarioRegistry& registry,
                      RunOptions options);

}  // namespace ks
