// LiveSession: the viewer's live mode without the window — a scenario running in this process,
// the TraceStore its events feed, the faults the user injected by clicking, and forks.
//
// Injecting. A click becomes an `at:` step of the scenario's `injected:` section (see
// sim/scenario/injected_steps.h): the session appends it to the scenario text, loads that text with
// the ordinary loader and hands the new step to the running ScenarioRunner, which traces it as a
// `scenario.step` with `"injected": true` and runs the same action code as a timeline step. The
// step is scheduled at a quiet instant (ScenarioRunner::AdvanceToQuietInstant), so that
// `kafkasim run` of the saved text (SavedText) replays the very same event stream.
//
// Forking. The run only goes forward. Injecting at a time t before the run's tip (the user
// scrubbed back) starts a new run of the same scenario and seed with the faults injected at or
// before t, advances it to t, and injects there; the old future (its events and its later
// faults) is discarded. The new run's events up to t are checked to be the old ones, event for
// event (a KS_CHECK: a difference is a determinism bug).
//
// The store is replaced on a fork: callers re-read store() after Inject and ForkAt.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/fault_kinds.h"
#include "sim/scenario/injected_steps.h"
#include "sim/scenario/registry.h"
#include "sim/scenario/runner.h"
#include "viewer/trace_store.h"

namespace ks {

class LiveSession {
 public:
  // Loads the scenario at `scenario_path` and begins its run (nothing runs yet). Null with
  // *error (file:line:column: ...) if the file does not load. `registry` must outlive the
  // session.
  static std::unique_ptr<LiveSession> Open(const std::string& scenario_path,
                                           std::optional<uint64_t> seed,
                                           const ScenarioRegistry& registry, std::string* error);
  ~LiveSession();

  TraceStore& store() { return *store_; }
  const std::string& scenario_path() const { return scenario_path_; }
  uint64_t seed() const { return seed_; }
  // How far the run has been advanced (every event at or before it has run).
  TimeUs time_us() const { return runner_->world().Now(); }
  TimeUs end_time_us() const { return runner_->end_time_us(); }
  bool finished() const { return runner_->finished(); }
  const std::vector<InjectedFault>& injected() const { return injected_; }
  int forks() const { return forks_; }

  // Runs the events up to `time_us` (nothing if the run is there already). False once the run
  // is over.
  bool AdvanceTo(TimeUs time_us);
  // Injects `fault` at the view's time `at_us`: at the run's tip if `at_us` is there, else by
  // forking at `at_us` first. The step runs at the first quiet instant after that, and the run is
  // advanced past it. Returns that instant, or nullopt with *error (the run is over, or the
  // scenario text cannot take the step).
  std::optional<TimeUs> Inject(const Fault& fault, TimeUs at_us, std::string* error);
  // A new run up to `at_us` with the faults injected at or before it; later ones are dropped.
  void ForkAt(TimeUs at_us);

  // The original scenario plus every injected fault: `kafkasim run` of it with --seed seed()
  // reproduces this run's events (all of them but `scenario.begin`'s `path`, the file's name).
  std::string SavedText() const;
  bool Save(const std::string& path, std::string* error) const;
  // "out/scenarios/<stem>-live-seed<N>.yaml": where Save writes unless told otherwise.
  std::string DefaultSavePath() const;

  // Ends the run as the CLI does (expectations, scenario.end). Call once.
  RunResult Finish();
  // After Finish: writes the run's events (the current run's, forks included) to a trace file at
  // `path` with the saved scenario's text as its scenario. False with *error if it cannot.
  bool RecordTrace(const std::string& path, const RunResult& result,
                   const std::string& program_version, const std::string& reproduce,
                   std::string* error) const;

 private:
  LiveSession(std::string scenario_path, std::string scenario_text, std::optional<uint64_t> seed,
              const ScenarioRegistry& registry);
  // Starts a run of the scenario with `faults` (already-injected ones, scheduled at Begin).
  void StartRun(std::vector<InjectedFault> faults);
  // Loads the scenario text with `faults`; throws ScenarioError if it does not load.
  std::unique_ptr<Scenario> LoadWith(const std::vector<InjectedFault>& faults) const;

  const ScenarioRegistry& registry_;
  const std::string scenario_path_;
  const std::string scenario_text_;
  const std::optional<uint64_t> seed_option_;
  uint64_t seed_ = 0;
  std::vector<InjectedFault> injected_;
  int forks_ = 0;
  // Declared before the runner, which refers to them: the scenarios whose steps it runs (the one
  // it began with, then one per fault injected since) and the store its events feed.
  std::vector<std::unique_ptr<Scenario>> scenarios_;
  std::unique_ptr<TraceStore> store_;
  std::unique_ptr<LiveTraceSink> sink_;
  std::unique_ptr<ScenarioRunner> runner_;
};

}  // namespace ks
