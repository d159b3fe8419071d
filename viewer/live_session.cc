#include "viewer/live_session.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/env/check.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/scenario_error.h"
#include "sim/trace_recorder.h"

namespace ks {
namespace {

// How the saved text says where its injected faults came from.
const InjectedOrigin kClickedInTheViewer{"by clicking in kafkasim-viewer's live mode",
                                         "Injected in the viewer: "};

// A fork must replay the old run exactly up to the fork time: the new run's events are checked
// against the old ones, all of them (the old run went at least as far).
void CheckForkPrefix(const TraceStore& old_store, const TraceStore& new_store) {
  KS_CHECK_MSG(new_store.size() <= old_store.size(),
               "a fork produced more events before the fork time than the run it replays");
  for (size_t i = 0; i < new_store.size(); ++i) {
    // Views into the stores' arenas: no copy per event (a fork replays up to ~100 k of them).
    const TraceEventView before = old_store.view(i);
    const TraceEventView after = new_store.view(i);
    const bool same = before.seq == after.seq && before.time_us == after.time_us &&
                      before.node == after.node && before.kind_info == after.kind_info &&
                      before.data == after.data;
    KS_CHECK_MSG(same, "a fork parted from the run it replays at event " + std::to_string(i) +
                           ": " + std::string(before.kind) + " " + before.Json() + " became " +
                           std::string(after.kind) + " " + after.Json());
  }
}

}  // namespace

std::unique_ptr<LiveSession> LiveSession::Open(const std::string& scenario_path,
                                               std::optional<uint64_t> seed,
                                               const ScenarioRegistry& registry,
                                               std::string* error) {
  std::ifstream in(scenario_path, std::ios::binary);
  if (!in) {
    *error = scenario_path + ": cannot read the scenario file";
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    LoadScenarioText(text.str(), scenario_path, registry);  // reports every mistake up front
  } catch (const ScenarioError& e) {
    *error = e.what();
    return nullptr;
  }
  std::unique_ptr<LiveSession> session(new LiveSession(scenario_path, text.str(), seed, registry));
  session->StartRun({});
  return session;
}

LiveSession::LiveSession(std::string scenario_path, std::string scenario_text,
                         std::optional<uint64_t> seed, const ScenarioRegistry& registry)
    : registry_(registry),
      scenario_path_(std::move(scenario_path)),
      scenario_text_(std::move(scenario_text)),
      seed_option_(seed) {}

LiveSession::~LiveSession() = default;

std::unique_ptr<Scenario> LiveSession::LoadWith(const std::vector<InjectedFault>& faults) const {
  std::string text, error;
  if (!ScenarioWithInjected(scenario_text_, faults, seed_, kClickedInTheViewer, &text, &error)) {
    throw ScenarioError(SourcePosition{scenario_path_, 0, 0}, error);
  }
  return LoadScenarioText(text, scenario_path_, registry_);
}

void LiveSession::StartRun(std::vector<InjectedFault> faults) {
  std::unique_ptr<Scenario> scenario = LoadWith(faults);
  store_ = std::make_unique<TraceStore>();
  sink_ = std::make_unique<LiveTraceSink>(store_.get());
  RunOptions options;
  options.seed = seed_option_;
  options.sinks.push_back(sink_.get());
  runner_ = std::make_unique<ScenarioRunner>(*scenario, registry_, options);
  scenarios_.push_back(std::move(scenario));
  runner_->Begin();
  seed_ = runner_->seed();
  injected_ = std::move(faults);
}

bool LiveSession::AdvanceTo(TimeUs time_us) {
  if (!runner_->finished() && time_us > runner_->world().Now()) runner_->AdvanceTo(time_us);
  return !runner_->finished();
}

std::optional<TimeUs> LiveSession::Inject(const Fault& fault, TimeUs at_us, std::string* error) {
  if (at_us < time_us()) ForkAt(at_us);
  const std::optional<TimeUs> when = runner_->AdvanceToQuietInstant();
  if (!when) {
    *error = "the run is over (its run_for is reached): scrub back to inject earlier";
    return std::nullopt;
  }
  std::vector<InjectedFault> faults = injected_;
  faults.push_back({*when, fault});
  std::unique_ptr<Scenario> scenario;
  try {
    scenario = LoadWith(faults);
  } catch (const ScenarioError& e) {
    *error = e.what();
    return std::nullopt;
  }
  const Step& step = scenario->injected.back();
  KS_CHECK(step.time_us == *when);
  runner_->Inject(step, scenario->injected.size() - 1);
  scenarios_.push_back(std::move(scenario));
  injected_ = std::move(faults);
  runner_->AdvanceTo(*when);
  return when;
}

void LiveSession::ForkAt(TimeUs at_us) {
  std::vector<InjectedFault> kept;
  for (const InjectedFault& fault : injected_) {
    if (fault.time_us <= at_us) kept.push_back(fault);
  }
  // The old run stays alive until its events are compared; the runner goes first (locals are
  // destroyed in reverse order), as it refers to the scenarios and the sink.
  std::unique_ptr<TraceStore> old_store = std::move(store_);
  std::vector<std::unique_ptr<Scenario>> old_scenarios = std::move(scenarios_);
  std::unique_ptr<LiveTraceSink> old_sink = std::move(sink_);
  std::unique_ptr<ScenarioRunner> old_runner = std::move(runner_);
  scenarios_.clear();
  StartRun(std::move(kept));
  runner_->AdvanceTo(at_us);
  CheckForkPrefix(*old_store, *store_);
  ++forks_;
}

std::string LiveSession::SavedText() const {
  std::string text, error;
  // Every prefix of injected_ loaded when it was injected, so the whole list does too.
  KS_CHECK_MSG(
      ScenarioWithInjected(scenario_text_, injected_, seed_, kClickedInTheViewer, &text, &error),
      error);
  return text;
}

bool LiveSession::Save(const std::string& path, std::string* error) const {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const std::string text = SavedText();
  out << text;
  out.close();
  if (!out) {
    *error = path + ": cannot write the scenario file";
    return false;
  }
  return true;
}

std::string LiveSession::DefaultSavePath() const {
  return "out/scenarios/" + std::filesystem::path(scenario_path_).stem().string() + "-live-seed" +
         std::to_string(seed_) + ".yaml";
}

RunResult LiveSession::Finish() { return runner_->Finish(); }

bool LiveSession::RecordTrace(const std::string& path, const RunResult& result,
                              const std::string& program_version, const std::string& reproduce,
                              std::string* error) const {
  const std::string config = "{\"seed\":" + std::to_string(seed_) + "}";
  TraceMetadata metadata{program_version,
                         scenario_path_,
                         scenarios_.front()->name,
                         SavedText(),
                         seed_,
                         config,
                         reproduce,
                         scenarios_.front()->world.wall_clock_start_ms,
                         &registry_.events()};
  std::unique_ptr<TraceRecorder> recorder = TraceRecorder::Create(path, metadata, 0, error);
  if (recorder == nullptr) return false;
  for (size_t i = 0; i < store_->size(); ++i) {
    recorder->OnEvent(store_->view(i));
  }
  const ClusterModel end = store_->StateAfter(store_->size());
  for (const auto& [id, node] : end.nodes()) {
    recorder->RecordNode(id, node.name, node.role);
  }
  const std::string status = result.end_time_us >= end_time_us() ? "complete" : "interrupted";
  if (!recorder->Close(status, result.digest, result.event_count, result.end_time_us,
                       {{"expectations_failed", std::to_string(result.ExpectationsFailed())},
                        {"failures", std::to_string(result.failures.size())}})) {
    *error = recorder->error();
    return false;
  }
  return true;
}

}  // namespace ks
