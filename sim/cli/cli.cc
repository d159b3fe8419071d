#include "sim/cli/cli.h"

#include <charconv>
#include <csignal>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "sim/cli/version.h"
#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/trace_reader.h"
#include "sim/trace_recorder.h"


namespace ks {

namespace po = boost::program_options;

std::atomic<bool>& InterruptFlag() {
  static std::atomic<bool> flag{false};
  return flag;
}

namespace {

extern "C" void OnInterruptSignal(int signal) {
  InterruptFlag().store(true);
  // A second Ctrl-C kills at once.
  std::signal(signal, SIG_DFL);
}

const char* kUsage = R"(kafkasim - a deterministic simulation and teaching testbed of Apache Kafka

Usage:
  kafkasim run SCENARIO [--seed N] [--trace FILE | --no-trace] [--until TIME] [--quiet]
  kafkasim check-determinism SCENARIO [--seed N] [--until TIME]
  kafkasim verify-trace TRACE
  kafkasim vocabulary
  kafkasim --help | --version

Commands:
  run                 Runs a scenario, checks its expectations, writes its trace (SQLite) and
                      prints a summary whose last line is digest=<hex>, plus the command that
                      reproduces the run exactly.
  check-determinism   Runs a scenario twice and compares the event streams; exit 1 if they
                      differ, naming the first event where they part.
  verify-trace        Recomputes a trace file's digest from its events and compares it with the
                      digest recorded at the end of the run.
  vocabulary          Lists every action, probe, node kind and section scenarios may use.

Examples:
  kafkasim run scenarios/kernel/ping-pong.yaml
  kafkasim run scenarios/kernel/ping-pong.yaml --seed 7 --trace /tmp/run.sqlite
  kafkasim run scenarios/kernel/ping-pong.yaml --until 2s --quiet
  kafkasim check-determinism scenarios/kernel/crash-and-fsync.yaml --seed 3
  kafkasim verify-trace out/traces/ping-pong-seed1.sqlite

Exit codes: 0 ok; 1 an expectation, step or checker failed (or two runs differed);
            2 bad input (arguments, scenario file, trace file); 130 interrupted by Ctrl-C.
)";

struct CommonOptions {
  std::string scenario;
  std::optional<uint64_t> seed;
  std::optional<TimeUs> until_us;
  std::string trace_path;
  bool no_trace = false;
  bool quiet = false;
  int64_t trace_max_bytes = 0;
};

// "2s", "250ms" or plain microseconds.
bool ParseTimeArgument(const std::string& text, TimeUs* out, std::string* error) {
  try {
    YAML::Node node(text);
    *out = ParseDuration("--until", node);
    return true;
  } catch (const ScenarioError& e) {
    *error = "--until: " + e.message();
    return false;
  }
}

std::string ConfigJson(const Scenario& scenario, uint64_t seed) {
  const WorldOptions& w = scenario.world;
  TraceFields link, disk;
  link.Add("latency_min_us", w.link_defaults.latency_min_us)
      .Add("latency_max_us", w.link_defaults.latency_max_us)
      .Add("bandwidth_bytes_per_s", w.link_defaults.bandwidth_bytes_per_s)
      .Add("drop_ppm", w.link_defaults.drop_ppm);
  disk.Add("write_latency_us", w.disk_defaults.write_latency_us)
      .Add("read_latency_us", w.disk_defaults.read_latency_us)
      .Add("fsync_latency_us", w.disk_defaults.fsync_latency_us)
      .Add("throughput_bytes_per_s", w.disk_defaults.throughput_bytes_per_s)
      .Add("capacity_bytes", w.disk_defaults.capacity_bytes)
      .Add("torn_tail", static_cast<int64_t>(w.disk_defaults.torn_tail));
  TraceFields config;
  config.Add("seed", static_cast<int64_t>(seed))
      .Add("wall_clock_start_ms", w.wall_clock_start_ms)
      .Add("trace_messages", w.trace_messages)
      .Add("run_for_us", scenario.run_for_us)
      .Add("max_events", scenario.max_events)
      .AddRaw("network", link.View())
      .AddRaw("disk", disk.View());
  return std::move(config).Finish();
}

std::string ReproduceCommand(const std::string& program, const CommonOptions& options,
                             uint64_t seed) {
  std::string command = program + " run " + options.scenario + " --seed " + std::to_string(seed);
  if (options.until_us) command += " --until " + FormatDuration(*options.until_us);
  return command;
}

std::string DefaultTracePath(const std::string& scenario_path, uint64_t seed) {
  return "out/traces/" + std::filesystem::path(scenario_path).stem().string() + "-seed" +
         std::to_string(seed) + ".sqlite";
}

// Loads a scenario, printing the error (file:line:column) on failure.
std::unique_ptr<Scenario> Load(const std::string& path, const ScenarioRegistry& registry,
                               std::ostream& err) {
  try {
    return LoadScenarioFile(path, registry);
  } catch (const ScenarioError& e) {
    err << "kafkasim: " << e.what() << "\n";
    return nullptr;
  }
}

int CommandRun(const CommonOptions& options, const std::string& program, std::ostream& out,
               std::ostream& err) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  std::unique_ptr<Scenario> scenario = Load(options.scenario, registry, err);
  if (!scenario) return kExitBadInput;
  const uint64_t seed = options.seed.value_or(scenario->seed);
  const std::string reproduce = ReproduceCommand(program, options, seed);

  std::unique_ptr<TraceRecorder> recorder;
  std::string trace_path;
  if (!options.no_trace) {
    trace_path = options.trace_path.empty() ? DefaultTracePath(options.scenario, seed)
                                            : options.trace_path;
    if (options.trace_path.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(trace_path).parent_path(), ec);
    }
    TraceMetadata metadata{KAFKASIM_VERSION, options.scenario, scenario->name, scenario->text,
                           seed, ConfigJson(*scenario, seed), reproduce};
    std::string error;
    recorder = TraceRecorder::Create(trace_path, metadata, options.trace_max_bytes, &error);
    if (!recorder) {
      err << "kafkasim: " << error << "\n"
          << "kafkasim: choose a writable path with --trace FILE, or run with --no-trace\n";
      return kExitBadInput;
    }
  }

  RunOptions run_options;
  run_options.seed = seed;
  run_options.until_us = options.until_us;
  run_options.interrupt = &InterruptFlag();
  if (recorder) run_options.sinks.push_back(recorder.get());
  const auto wall_start = std::chrono::steady_clock::now();
  ScenarioRunner runner(*scenario, registry, run_options);
  runner.Begin();
  runner.AdvanceTo(kTimeNever);
  RunResult result = runner.Finish();
  const double wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  bool trace_ok = true;
  std::string trace_error;
  if (recorder) {
    for (NodeId id = 0; id < runner.world().node_count(); ++id) {
      recorder->RecordNode(id, runner.world().NodeName(id), runner.world().NodeRole(id));
    }
    const std::string status = result.interrupted ? "interrupted" : "complete";
    trace_ok = recorder->Close(status, result.digest, result.event_count, result.end_time_us,
                               {{"expectations_failed",
                                 std::to_string(result.ExpectationsFailed())},
                                {"failures", std::to_string(result.failures.size())}});
    trace_error = recorder->error();
  }

  if (!options.quiet) {
    out << "kafkasim run: " << scenario->name << " (" << options.scenario << ")\n";
    out << "  seed       " << seed << "\n";
    std::ostringstream timing;
    timing << std::fixed << std::setprecision(3) << wall_seconds;
    const double speedup = wall_seconds > 0 ? (result.end_time_us / 1e6) / wall_seconds : 0;
    out << "  simulated  " << FormatDuration(result.end_time_us) << " in " << timing.str()
        << " s of wall time (" << static_cast<int64_t>(speedup) << "x real time), "
        << result.event_count << " trace events, " << result.scheduler_events
        << " scheduler events\n";
    for (const std::string& line : result.summary_lines) out << "  " << line << "\n";
    for (const ExpectationResult& e : result.expectations) {
      out << "  " << (e.passed ? "PASS" : "FAIL") << "       " << e.position.ToString() << "  "
          << e.description << " (was " << e.actual << ")\n";
    }
    for (const std::string& failure : result.failures) out << "  FAIL       " << failure << "\n";
    if (result.interrupted) {
      out << "  INTERRUPTED at " << FormatDuration(result.end_time_us)
          << " of simulated time (Ctrl-C); the trace holds everything until then\n";
    }
    const int expectations_passed =
        static_cast<int>(result.expectations.size()) - result.ExpectationsFailed();
    out << "  result     " << (result.ok() && !result.interrupted ? "OK" : "FAILED") << ": "
        << expectations_passed << " of " << result.expectations.size()
        << " expectations held, " << result.failures.size() << " step failures\n";
    if (recorder) {
      out << "  trace      " << trace_path << " (" << recorder->recorded_events() << " of "
          << result.event_count << " events)\n";
    } else {
      out << "  trace      not written (--no-trace)\n";
    }
    out << "  reproduce  " << reproduce << "\n";
  }
  if (!trace_ok) err << "kafkasim: the trace is incomplete: " << trace_error << "\n";
  out << "seed=" << seed << " events=" << result.event_count
      << " digest=" << result.digest.Hex() << "\n";
  if (result.interrupted) return kExitInterrupted;
  if (!result.ok()) return kExitFailed;
  if (!trace_ok) return kExitBadInput;
  return kExitOk;
}

// Captures the event at `seq` of a run (to show where two runs part).
class EventAt final : public TraceSink {
 public:
  explicit EventAt(int64_t seq) : seq_(seq) {}
  void OnEvent(const TraceEventView& event) override {
    if (event.seq == seq_) captured = event.ToEvent();
  }
  std::optional<TraceEvent> captured;

 private:
  int64_t seq_;
};

std::string DescribeEvent(const std::optional<TraceEvent>& event) {
  if (!event) return "(no event: the run ended)";
  return "t=" + std::to_string(event->time_us) + "us node=" + std::to_string(event->node) + " " +
         event->kind + " " + event->fields_json;
}

int CommandCheckDeterminism(const CommonOptions& options, std::ostream& out, std::ostream& err) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  std::unique_ptr<Scenario> scenario = Load(options.scenario, registry, err);
  if (!scenario) return kExitBadInput;
  RunOptions run_options;
  run_options.seed = options.seed;
  run_options.until_us = options.until_us;
  run_options.keep_event_hashes = true;
  run_options.interrupt = &InterruptFlag();
  const RunResult first = RunScenario(*scenario, registry, run_options);
  const RunResult second = RunScenario(*scenario, registry, run_options);
  if (first.interrupted || second.interrupted) {
    err << "kafkasim: interrupted\n";
    return kExitInterrupted;
  }
  out << "run 1: " << first.event_count << " events, digest=" << first.digest.Hex() << "\n";
  out << "run 2: " << second.event_count << " events, digest=" << second.digest.Hex() << "\n";
  if (first.digest == second.digest && first.event_hashes == second.event_hashes) {
    out << "deterministic: " << options.scenario << " seed=" << first.seed
        << " digest=" << first.digest.Hex() << "\n";
    return kExitOk;
  }
  int64_t differ = 0;
  const size_t common = std::min(first.event_hashes.size(), second.event_hashes.size());
  while (static_cast<size_t>(differ) < common && first.event_hashes[differ] ==
                                                     second.event_hashes[differ]) {
    ++differ;
  }
  EventAt a(differ), b(differ);
  run_options.keep_event_hashes = false;
  run_options.sinks = {&a};
  RunScenario(*scenario, registry, run_options);
  run_options.sinks = {&b};
  RunScenario(*scenario, registry, run_options);
  out << "NOT deterministic: the runs part at event #" << differ << "\n"
      << "  run 1: " << DescribeEvent(a.captured) << "\n"
      << "  run 2: " << DescribeEvent(b.captured) << "\n";
  return kExitFailed;
}

int CommandVerifyTrace(const std::string& path, std::ostream& out, std::ostream& err) {
  std::string error;
  std::unique_ptr<TraceReader> reader = TraceReader::Open(path, &error);
  if (!reader) {
    err << "kafkasim: " << error << "\n";
    return kExitBadInput;
  }
  TraceStream stream;
  int64_t count = 0;
  const bool read_ok = reader->ForEachEvent(
      [&](const TraceEvent& e) {
        if (e.seq != count) {
          error = "event seq " + std::to_string(e.seq) + " where " + std::to_string(count) +
                  " was expected";
          return false;
        }
        stream.Emit(e.time_us, e.node, e.kind, e.fields_json);
        ++count;
        return true;
      },
      &error);
  if (!read_ok || !error.empty()) {
    err << "kafkasim: " << path << ": " << error << "\n";
    return kExitBadInput;
  }
  const std::string recorded = reader->Meta("digest");
  const std::string status = reader->Meta("status");
  out << path << ": " << count << " events, status " << status << ", scenario "
      << reader->Meta("scenario_path") << ", seed " << reader->Meta("seed") << "\n";
  out << "  recomputed digest=" << stream.CurrentDigest().Hex() << "\n";
  out << "  recorded   digest=" << (recorded.empty() ? "(none: the run did not finish)" : recorded)
      << "\n";
  if (status != "complete" && status != "interrupted") {
    out << "  the trace is incomplete (status " << status << "): nothing to compare against\n";
    return kExitFailed;
  }
  if (recorded != stream.CurrentDigest().Hex()) {
    out << "  MISMATCH: the events stored are not the events the run produced\n";
    return kExitFailed;
  }
  out << "  ok\n";
  return kExitOk;
}

}  // namespace

void InstallInterruptHandlers() {
  std::signal(SIGINT, OnInterruptSignal);
  std::signal(SIGTERM, OnInterruptSignal);
}

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CommonOptions options;
  std::string command;
  std::vector<std::string> positional;
  std::string seed_text, until_text, max_bytes_text;
  po::options_description visible("Options");
  visible.add_options()
      ("help,h", "show this help")
      ("version", "show the version")
      ("seed", po::value<std::string>(&seed_text), "root seed (overrides the scenario's)")
      ("trace", po::value<std::string>(&options.trace_path),
       "trace file to write (default out/traces/<scenario>-seed<N>.sqlite)")
      ("no-trace", po::bool_switch(&options.no_trace), "do not write a trace")
      ("until", po::value<std::string>(&until_text),
       "stop at this simulated time, e.g. 2s (overrides run_for)")
      ("quiet,q", po::bool_switch(&options.quiet), "print only the digest line")
      ("trace-max-bytes", po::value<std::string>(&max_bytes_text),
       "bound the trace file's size; recording stops cleanly when it is reached");
  po::options_description hidden;
  hidden.add_options()("args", po::value<std::vector<std::string>>(&positional));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional_spec;
  positional_spec.add("args", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional_spec).run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    err << "kafkasim: " << e.what() << "\n" << "Try 'kafkasim --help'.\n";
    return kExitBadInput;
  }
  if (vm.count("help")) {
    out << kUsage << "\n" << visible << "\n";
    return kExitOk;
  }
  if (vm.count("version")) {
    out << "kafkasim " << KAFKASIM_VERSION << "\n";
    return kExitOk;
  }
  if (positional.empty()) {
    err << "kafkasim: no command given\n" << "Try 'kafkasim --help'.\n";
    return kExitBadInput;
  }
  command = positional[0];
  if (!seed_text.empty()) {
    uint64_t seed = 0;
    auto [end, ec] = std::from_chars(seed_text.data(), seed_text.data() + seed_text.size(), seed);
    if (ec != std::errc() || end != seed_text.data() + seed_text.size()) {
      err << "kafkasim: --seed needs a non-negative integer, found '" << seed_text << "'\n";
      return kExitBadInput;
    }
    options.seed = seed;
  }
  if (!until_text.empty()) {
    TimeUs until = 0;
    std::string error;
    if (!ParseTimeArgument(until_text, &until, &error)) {
      err << "kafkasim: " << error << "\n";
      return kExitBadInput;
    }
    options.until_us = until;
  }
  if (!max_bytes_text.empty()) {
    try {
      options.trace_max_bytes = ParseSize("--trace-max-bytes", YAML::Node(max_bytes_text));
    } catch (const ScenarioError& e) {
      err << "kafkasim: --trace-max-bytes: " << e.message() << "\n";
      return kExitBadInput;
    }
  }
  auto need_one_argument = [&](const char* what) {
    if (positional.size() != 2) {
      err << "kafkasim: '" << command << "' needs exactly one " << what << "\n"
          << "Try 'kafkasim --help'.\n";
      return false;
    }
    return true;
  };
  if (command == "run") {
    if (!need_one_argument("scenario file")) return kExitBadInput;
    if (options.no_trace && !options.trace_path.empty()) {
      err << "kafkasim: --trace and --no-trace contradict each other\n";
      return kExitBadInput;
    }
    options.scenario = positional[1];
    return CommandRun(options, argv[0], out, err);
  }
  if (command == "check-determinism") {
    if (!need_one_argument("scenario file")) return kExitBadInput;
    options.scenario = positional[1];
    return CommandCheckDeterminism(options, out, err);
  }
  if (command == "verify-trace") {
    if (!need_one_argument("trace file")) return kExitBadInput;
    return CommandVerifyTrace(positional[1], out, err);
  }
  if (command == "vocabulary") {
    ScenarioRegistry registry;
    RegisterAllVocabulary(registry);
    out << registry.DescribeVocabulary();
    return kExitOk;
  }
  const std::vector<std::string> commands = {"run", "check-determinism", "verify-trace",
                                             "vocabulary"};
  err << "kafkasim: unknown command '" << command << "'" << DidYouMean(command, commands) << "\n"
      << "Try 'kafkasim --help'.\n";
  return kExitBadInput;
}

}  // namespace ks
