// Goal: the viewer's live mode without a window (viewer/live_session.h). A clicked fault becomes a
// `scenario.step` marked injected, followed by the action's own events, and a fault mark on the
// timeline; injecting after scrubbing back forks a new run whose past is the old run's, event for
// event, and whose old future is gone; and the saved scenario, run by the `kafkasim run` code
// path, reproduces the live run's event stream and digest.
// Method: the flagship scenario (three brokers, a producer and a consumer) and a ping-pong
// scenario, driven through LiveSession as the cluster panel drives it.
#include "viewer/live_session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/cli/cli.h"
#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario_events.h"

namespace ks {
namespace {

constexpr TimeUs kMs = 1000;

std::string Flagship() {
  return std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/curriculum/replication-flagship.yaml";
}

std::vector<TraceEvent> Events(const TraceStore& store) {
  std::vector<TraceEvent> events;
  for (size_t i = 0; i < store.size(); ++i) events.push_back(store.event(i));
  return events;
}

// Indexes of the injected `scenario.step` events.
std::vector<size_t> InjectedSteps(const TraceStore& store) {
  std::vector<size_t> indexes;
  for (size_t i = 0; i < store.size(); ++i) {
    const TraceEvent& e = store.event(i);
    std::optional<ev::ScenarioStep> step = e.As<ev::ScenarioStep>();
    if (step && step->injected.value_or(false)) {
      indexes.push_back(i);
    }
  }
  return indexes;
}

const NodeView* NodeNamed(const ClusterModel& model, const std::string& name) {
  for (const auto& [id, node] : model.nodes()) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

class LiveSessionTest : public ::testing::Test {
 protected:
  LiveSessionTest() {
    RegisterAllVocabulary(registry_);
    dir_ = std::filesystem::temp_directory_path() /
           ("kafkasim-live-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  ~LiveSessionTest() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<LiveSession> Open(const std::string& path, std::optional<uint64_t> seed = {}) {
    std::string error;
    auto session = LiveSession::Open(path, seed, registry_, &error);
    EXPECT_NE(session, nullptr) << error;
    return session;
  }
  TimeUs Inject(LiveSession& session, Fault fault, TimeUs at_us) {
    std::string error;
    const std::optional<TimeUs> when = session.Inject(fault, at_us, &error);
    EXPECT_TRUE(when.has_value()) << error;
    return when.value_or(-1);
  }

  ScenarioRegistry registry_;
  std::filesystem::path dir_;
};

TEST_F(LiveSessionTest, CrashInjectedAtTheTipIsAFaultStepInTheTrace) {
  auto session = Open(Flagship());
  session->AdvanceTo(5000 * kMs);
  const TimeUs when = Inject(*session, {FaultKind::kCrash, "b2"}, 5000 * kMs);
  EXPECT_GT(when, 5000 * kMs);
  EXPECT_LT(when, 5001 * kMs);
  const TraceStore& store = session->store();
  const std::vector<size_t> steps = InjectedSteps(store);
  ASSERT_EQ(steps.size(), 1u);
  const TraceEvent& step = store.event(steps[0]);
  EXPECT_EQ(step.time_us, when);
  const std::optional<ev::ScenarioStep> fields = step.As<ev::ScenarioStep>();
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(fields->action, "crash");
  EXPECT_EQ(fields->index, 0);  // the first step of `injected:`
  EXPECT_NE(fields->caption.value_or("").find("crash b2"), std::string::npos);
  // The action's own event follows at once, and the timeline marks the step as a fault.
  ASSERT_LT(steps[0] + 1, store.size());
  EXPECT_EQ(store.event(steps[0] + 1).kind, "node.crash");
  bool marked = false;
  for (const Marker& marker : store.markers()) {
    marked |= marker.index == steps[0] && marker.kind == MarkerKind::kFault;
  }
  EXPECT_TRUE(marked);
  const ClusterModel model = store.StateAfter(store.size());
  ASSERT_NE(NodeNamed(model, "b2"), nullptr);
  EXPECT_TRUE(NodeNamed(model, "b2")->crashed);
  EXPECT_FALSE(NodeNamed(model, "b1")->crashed);
}

TEST_F(LiveSessionTest, InjectingAfterScrubbingBackForksWithTheSamePastAndDropsTheFuture) {
  auto session = Open(Flagship());
  session->AdvanceTo(3000 * kMs);
  const TimeUs pause_at = Inject(*session, {FaultKind::kPause, "b3"}, 3000 * kMs);
  session->AdvanceTo(12000 * kMs);
  Inject(*session, {FaultKind::kIsolate, "b2"}, 12000 * kMs);
  session->AdvanceTo(14000 * kMs);
  const std::vector<TraceEvent> old_events = Events(session->store());

  // Back at 8 s (after the pause, before the isolation), the user kills b3.
  const TimeUs fork_at = 8000 * kMs;
  const TimeUs kill_at = Inject(*session, {FaultKind::kKill, "b3"}, fork_at);
  EXPECT_EQ(session->forks(), 1);
  EXPECT_GT(kill_at, fork_at);
  ASSERT_EQ(session->injected().size(), 2u);  // the pause kept, the isolation dropped
  EXPECT_EQ(session->injected()[0].time_us, pause_at);
  EXPECT_EQ(session->injected()[1].fault.kind, FaultKind::kKill);

  // The past: every event before the new step is the old run's, field for field.
  const TraceStore& store = session->store();
  const std::vector<size_t> steps = InjectedSteps(store);
  ASSERT_EQ(steps.size(), 2u);
  ASSERT_LE(steps[1], old_events.size());
  for (size_t i = 0; i < steps[1]; ++i) ASSERT_EQ(store.event(i), old_events[i]) << "event " << i;
  EXPECT_GE(store.PositionAt(fork_at), 1000u);  // a real past, not an empty one
  // The old future is gone: no isolation, and the run is just past the new step.
  for (size_t i = 0; i < store.size(); ++i) EXPECT_NE(store.event(i).kind, "net.partition");
  EXPECT_LT(session->time_us(), 8001 * kMs);
  EXPECT_EQ(store.event(steps[1] + 1).kind, "node.crash");  // kill: power_loss false

  // "Fork here" without a fault drops the faults after the fork time.
  session->AdvanceTo(9000 * kMs);
  session->ForkAt(5000 * kMs);
  EXPECT_EQ(session->forks(), 2);
  ASSERT_EQ(session->injected().size(), 1u);
  EXPECT_EQ(InjectedSteps(session->store()).size(), 1u);
}

// Runs the saved scenario as `kafkasim run FILE --seed N --no-trace` does; returns the digest.
std::string CliDigest(const std::string& path, uint64_t seed) {
  const std::string seed_text = std::to_string(seed);
  const char* argv[] = {"kafkasim", "run", path.c_str(), "--seed", seed_text.c_str(), "--no-trace"};
  std::ostringstream out, err;
  RunCli(6, argv, out, err);
  const std::string text = out.str();
  const size_t at = text.find("digest=");
  EXPECT_NE(at, std::string::npos) << text << err.str();
  return at == std::string::npos ? "" : text.substr(at + 7, 32);
}

TEST_F(LiveSessionTest, SavedScenarioReproducesTheLiveRunFromTheCommandLine) {
  // The live run is of a copy of the flagship, saved over that copy and saved elsewhere: where
  // the file lies is not part of the run, so both give the live run's digest.
  const std::string path = (dir_ / "flagship.yaml").string();
  std::filesystem::copy_file(Flagship(), path);
  auto session = Open(path, 5);
  session->AdvanceTo(2000 * kMs);
  Inject(*session, Fault::CutLink("b2", "b3"), 2000 * kMs);
  session->AdvanceTo(6000 * kMs);
  Inject(*session, Fault{FaultKind::kHeal}, 6000 * kMs);
  session->AdvanceTo(15000 * kMs);
  Inject(*session, {FaultKind::kPause, "b3"}, 12000 * kMs);  // a fork
  session->AdvanceTo(20000 * kMs);
  Inject(*session, {FaultKind::kResume, "b3"}, 20000 * kMs);
  session->AdvanceTo(kTimeNever);
  const RunResult live = session->Finish();
  EXPECT_EQ(session->forks(), 1);
  ASSERT_EQ(session->injected().size(), 4u);
  std::string error;
  ASSERT_TRUE(session->Save(path, &error)) << error;
  EXPECT_EQ(CliDigest(path, 5), live.digest.Hex());

  const std::string elsewhere = (dir_ / "elsewhere.yaml").string();
  ASSERT_TRUE(session->Save(elsewhere, &error)) << error;
  EXPECT_EQ(CliDigest(elsewhere, 5), live.digest.Hex());
}

TEST_F(LiveSessionTest, AFaultAtABusyInstantWaitsForTheNextQuietOne) {
  // Fixed 1 ms latency and a 10 ms ping interval: events fall on whole milliseconds, so the
  // instant right after the tip is often busy. The saved run must still match.
  const std::string path = (dir_ / "pings.yaml").string();
  std::ofstream(path) << R"(name: pings
seed: 3
run_for: 1s
world:
  network:
    latency: {min: 1ms, max: 1ms}
nodes:
  - name: echo
    kind: echo
  - name: pinger
    kind: pinger
    target: echo
    interval: 10ms
timeline:
  - at: 200ms
    do: pause
    node: echo
  - at: 300ms
    do: resume
    node: echo
)";
  auto session = Open(path);
  // 1 us before a ping is due (the pinger's timer fires at whole multiples of 10 ms).
  session->AdvanceTo(100 * kMs - 1);
  const TimeUs when = Inject(*session, {FaultKind::kIsolate, "pinger"}, 100 * kMs - 1);
  EXPECT_GT(when, 100 * kMs);  // 100 ms itself was busy
  session->AdvanceTo(250 * kMs - 1);
  Inject(*session, Fault{FaultKind::kHeal}, 250 * kMs - 1);
  session->AdvanceTo(kTimeNever);
  const RunResult live = session->Finish();
  std::string error;
  ASSERT_TRUE(session->Save(path, &error)) << error;
  EXPECT_EQ(CliDigest(path, 3), live.digest.Hex());
}

}  // namespace
}  // namespace ks
