#include "sim/cli/cli.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "model/env/check.h"
#include "model/log/checkpoint_file.h"
#include "sim/cli/version.h"
#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/trace_reader.h"
#include "sim/trace_recorder.h"
#include "sim/vocabulary/log_dump.h"

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
  kafkasim run SCENARIO [--seed N] [--trace FILE | --no-trace] [--trace-max-bytes SIZE]
               [--until TIME] [--quiet]
  kafkasim run SCENARIO [--seed N] (--print-schedule | --write-schedule FILE)
  kafkasim check-determinism SCENARIO [--seed N] [--until TIME]
  kafkasim verify-trace TRACE
  kafkasim dump-log SCENARIO --node NAME (--file PATH [--print-data-log] | --list)
                    [--seed N] [--until TIME]
  kafkasim vocabulary
  kafkasim --help | --version

Commands:
  run                 Runs a scenario, checks its expectations, writes its trace (SQLite) and
                      prints a summary whose last line is digest=<hex>, plus the command that
                      reproduces the run exactly. The trace is written beside FILE and renamed
                      to FILE when recording stops: it replaces only an earlier kafkasim trace
                      (anything else at FILE is refused, exit 2); --trace - or /dev/null: no file.
                      A scenario with a nemesis: --print-schedule prints the faults the seed
                      draws, --write-schedule FILE writes the scenario with them fixed (it
                      replays to the same digest); neither runs it.
  check-determinism   Runs a scenario twice and compares the event streams; exit 1 if they
                      differ, naming the first event where they part.
  verify-trace        Recomputes a trace file's digest from its events and compares it with the
                      digest recorded at the end of the run.
  dump-log            Runs a scenario (no trace) to its end or --until, then prints a file of
                      a node's simulated disk as kafka-dump-log.sh does: a segment's batches
                      (offsets, position, epoch, timestamps, size, codec, CRC and whether it is
                      valid; each record's key and payload with --print-data-log), a .index /
                      .timeindex file's entries, or a checkpoint file's (leader-epoch-checkpoint,
                      recovery-point-, replication-, log-start-, cleaner-offset-checkpoint). Bytes that are not valid batches are reported
                      with their position. --list lists the node's files (size, durable part).
  vocabulary          Lists every action, probe, node kind and section scenarios may use.

Examples:
  kafkasim run scenarios/kernel/ping-pong.yaml
  kafkasim run scenarios/kernel/ping-pong.yaml --seed 7 --trace /tmp/run.sqlite
  kafkasim run scenarios/kernel/ping-pong.yaml --until 2s --quiet
  kafkasim run scenarios/search/safe-cluster.yaml --seed 42 --write-schedule /tmp/seed42.yaml
  kafkasim check-determinism scenarios/kernel/crash-and-fsync.yaml --seed 3
  kafkasim verify-trace out/traces/ping-pong-seed1.sqlite
  kafkasim dump-log scenarios/curriculum/log-segments-and-index.yaml --node storage --list
  kafkasim dump-log scenarios/curriculum/log-segments-and-index.yaml --node storage \
      --file orders-0/00000000000000000000.log --print-data-log

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
  bool print_schedule = false;  // run: print the nemesis's schedule for the seed, do not run
  std::string write_schedule;   // run: write the scenario with that schedule fixed, do not run
  const CliExtensions* extensions = nullptr;
};

// The words scenarios may use: everything registered, plus a test's extensions.
void RegisterVocabulary(const CommonOptions& options, ScenarioRegistry& registry) {
  RegisterAllVocabulary(registry);
  if (options.extensions != nullptr && options.extensions->vocabulary) {
    options.extensions->vocabulary(registry);
  }
}

// dump-log's own options.
struct DumpLogOptions {
  std::string node;
  std::string file;
  bool print_data_log = false;
  bool list = false;
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

// A JSON object from members whose values are already JSON text: {"a":1,"b":{"c":2}}. The keys
// are plain names that need no escaping.
std::string JsonObject(std::initializer_list<std::pair<std::string_view, std::string>> members) {
  std::string json = "{";
  for (const auto& [key, value] : members) {
    if (json.size() > 1) json.push_back(',');
    json.push_back('"');
    json.append(key);
    json.append("\":");
    json.append(value);
  }
  json.push_back('}');
  return json;
}

std::string ConfigJson(const Scenario& scenario, uint64_t seed) {
  const WorldOptions& w = scenario.world;
  const auto number = [](int64_t value) { return std::to_string(value); };
  const std::string link = JsonObject({
      {"latency_min_us", number(w.link_defaults.latency_min_us)},
      {"latency_max_us", number(w.link_defaults.latency_max_us)},
      {"bandwidth_bytes_per_s", number(w.link_defaults.bandwidth_bytes_per_s)},
      {"drop_ppm", number(w.link_defaults.drop_ppm)},
  });
  const std::string disk = JsonObject({
      {"write_latency_us", number(w.disk_defaults.write_latency_us)},
      {"read_latency_us", number(w.disk_defaults.read_latency_us)},
      {"fsync_latency_us", number(w.disk_defaults.fsync_latency_us)},
      {"throughput_bytes_per_s", number(w.disk_defaults.throughput_bytes_per_s)},
      {"capacity_bytes", number(w.disk_defaults.capacity_bytes)},
      {"torn_tail", number(static_cast<int64_t>(w.disk_defaults.torn_tail))},
  });
  return JsonObject({
      {"seed", number(static_cast<int64_t>(seed))},
      {"wall_clock_start_ms", number(w.wall_clock_start_ms)},
      {"trace_messages", w.trace_messages ? "true" : "false"},
      {"run_for_us", number(scenario.run_for_us)},
      {"max_events", number(scenario.max_events)},
      {"network", link},
      {"disk", disk},
  });
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

// --print-schedule / --write-schedule: the nemesis's concrete schedule for `seed`, as the steps
// of a `nemesis_schedule:` section; written after the scenario's own text (every line keeps its
// number), it runs instead of a new draw and the run has the same digest.
int WriteNemesisSchedule(const Scenario& scenario, uint64_t seed, const CommonOptions& options,
                         std::ostream& out, std::ostream& err) {
  if (!scenario.nemesis) {
    err << "kafkasim: " << options.scenario
        << " has no 'nemesis:' section: there is no schedule to draw\n";
    return kExitBadInput;
  }
  if (scenario.nemesis_schedule) {
    err << "kafkasim: " << options.scenario
        << " already has a 'nemesis_schedule:' (it runs instead of a draw)\n";
    return kExitBadInput;
  }
  const std::vector<ScheduledFault> schedule =
      DrawNemesis(seed, *scenario.nemesis, scenario.run_for_us);
  std::string steps;
  for (const ScheduledFault& step : schedule) {
    steps += FaultStepText(step.fault, step.at_us, NemesisCaption(step), "  ");
  }
  std::string kinds;
  for (NemesisKind kind : SwarmKinds(seed, *scenario.nemesis)) {
    kinds += (kinds.empty() ? "" : ", ") + NemesisKindNames()[static_cast<size_t>(kind)];
  }
  const std::string section =
      "# The schedule the nemesis drew for seed " + std::to_string(seed) + " (" +
      std::to_string(schedule.size()) + " steps; kinds kept: " + kinds +
      "), written by kafkasim run --write-schedule.\n# It runs instead of a new draw, whatever "
      "the seed.\nnemesis_schedule:\n" +
      steps;
  if (options.print_schedule) out << section;
  if (!options.write_schedule.empty()) {
    std::string text = scenario.text;
    if (!text.empty() && text.back() != '\n') text += '\n';
    std::ofstream file(options.write_schedule, std::ios::binary | std::ios::trunc);
    file << text << section;
    if (!file.flush()) {
      err << "kafkasim: cannot write " << options.write_schedule << "\n";
      return kExitBadInput;
    }
    if (!options.quiet) {
      out << "wrote " << options.write_schedule << ": " << schedule.size()
          << " steps; kafkasim run " << options.write_schedule << " --seed " << seed
          << " replays this run\n";
    }
  }
  return kExitOk;
}

int CommandRun(const CommonOptions& options, const std::string& program, std::ostream& out,
               std::ostream& err) {
  ScenarioRegistry registry;
  RegisterVocabulary(options, registry);
  std::unique_ptr<Scenario> scenario = Load(options.scenario, registry, err);
  if (!scenario) return kExitBadInput;
  const uint64_t seed = options.seed.value_or(scenario->seed);
  if (options.print_schedule || !options.write_schedule.empty()) {
    return WriteNemesisSchedule(*scenario, seed, options, out, err);
  }
  const std::string reproduce = ReproduceCommand(program, options, seed);

  std::unique_ptr<TraceRecorder> recorder;
  std::string trace_path;
  // `--trace -` and `--trace /dev/null` ask for no file: a trace is a database, not a stream.
  const bool no_file = options.trace_path == "-" || options.trace_path == "/dev/null";
  if (!options.no_trace && !no_file) {
    trace_path =
        options.trace_path.empty() ? DefaultTracePath(options.scenario, seed) : options.trace_path;
    if (options.trace_path.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(trace_path).parent_path(), ec);
    }
    TraceMetadata metadata{KAFKASIM_VERSION,
                           options.scenario,
                           scenario->name,
                           scenario->text,
                           seed,
                           ConfigJson(*scenario, seed),
                           reproduce,
                           scenario->world.wall_clock_start_ms,
                           &registry.events()};
    std::string error;
    recorder = TraceRecorder::Create(trace_path, metadata, options.trace_max_bytes, &error);
    if (!recorder) {
      err << "kafkasim: " << error << "\n"
          << "kafkasim: choose another path with --trace FILE, or run with --no-trace\n";
      return kExitBadInput;
    }
  }

  RunOptions run_options;
  run_options.seed = seed;
  run_options.until_us = options.until_us;
  run_options.interrupt = &InterruptFlag();
  run_options.reproduce = reproduce;
  if (recorder) run_options.sinks.push_back(recorder.get());
  const auto wall_start = std::chrono::steady_clock::now();
  ScenarioRunner runner(*scenario, registry, run_options);
  // A broken invariant aborts the process: first the trace keeps every event that led to it.
  const ScopedCheckFailureHook save_trace([&] {
    if (!recorder) return;
    if (runner.has_world()) {
      for (NodeId id = 0; id < runner.world().node_count(); ++id) {
        recorder->RecordNode(id, runner.world().NodeName(id), runner.world().NodeRole(id));
      }
    }
    recorder->Abort("an invariant broke; reproduce: " + reproduce);
    std::fprintf(stderr, "kafkasim: the trace of the events until then: %s\n", trace_path.c_str());
  });
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
    trace_ok =
        recorder->Close(status, result.digest, result.event_count, result.end_time_us,
                        {{"expectations_failed", std::to_string(result.ExpectationsFailed())},
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
        << expectations_passed << " of " << result.expectations.size() << " expectations held, "
        << result.failures.size() << " step failures\n";
    if (recorder) {
      out << "  trace      " << trace_path << " (" << recorder->recorded_events() << " of "
          << result.event_count << " events)\n";
    } else if (no_file) {
      out << "  trace      not written (--trace " << options.trace_path << " means no file)\n";
    } else {
      out << "  trace      not written (--no-trace)\n";
    }
    out << "  reproduce  " << reproduce << "\n";
  }
  if (!trace_ok) err << "kafkasim: the trace is incomplete: " << trace_error << "\n";
  if (options.quiet && !result.ok() && !result.interrupted) {
    // The summary (with its reproduce line) was not printed: a failure still names its seed.
    for (const ExpectationResult& e : result.expectations) {
      if (!e.passed)
        err << "kafkasim: FAIL " << e.position.ToString() << "  " << e.description << " (was "
            << e.actual << ")\n";
    }
    for (const std::string& failure : result.failures) err << "kafkasim: FAIL " << failure << "\n";
    err << "kafkasim: seed " << seed << " failed; reproduce: " << reproduce << "\n";
  }
  out << "seed=" << seed << " events=" << result.event_count << " digest=" << result.digest.Hex()
      << "\n";
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
         event->kind + " " + event->Json();
}

int CommandCheckDeterminism(const CommonOptions& options, std::ostream& out, std::ostream& err) {
  ScenarioRegistry registry;
  RegisterVocabulary(options, registry);
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
  while (static_cast<size_t>(differ) < common &&
         first.event_hashes[differ] == second.event_hashes[differ]) {
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
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  std::string error;
  std::unique_ptr<TraceReader> reader = TraceReader::Open(path, &error, &registry.events());
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
        std::string json;
        if (!e.kind_info->render_json(e.data, &json)) {
          error = "event " + std::to_string(e.seq) + " (" + e.kind +
                  ") holds fields that are not a valid encoding of its kind";
          return false;
        }
        stream.Emit(e.time_us, e.node, *e.kind_info, e.data);
        ++count;
        return true;
      },
      &error);
  if (!read_ok || !error.empty()) {
    err << "kafkasim: " << path << ": " << error << "\n";
    return kExitBadInput;
  }
  // The JSON column says what the encoded fields say (people and SQL read it, not the digest).
  std::string json_mismatch;
  reader->ForEachStoredJson(
      [&](int64_t seq, std::string_view json, std::string_view rendered) {
        if (json == rendered) return true;
        json_mismatch = "event " + std::to_string(seq) +
                        "'s JSON is not what its fields say: " + std::string(json) +
                        " instead of " + std::string(rendered);
        return false;
      },
      &error);
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
  if (!json_mismatch.empty()) {
    out << "  " << json_mismatch << "\n";
    return kExitFailed;
  }
  out << "  ok\n";
  return kExitOk;
}

// Lists a node's files: size as processes see it, and the part a power loss would keep.
void ListNodeFiles(SimDisk& disk, const std::string& node, std::ostream& out) {
  const std::vector<std::string> files = disk.List("");
  out << "Files of node " << node << " (" << files.size() << "; size = page cache view, "
      << "durable = what a power loss now would keep):\n";
  for (const std::string& file : files) {
    const int64_t size = disk.Size(file);
    const int64_t durable = disk.DurableSize(file);
    out << "  " << std::left << std::setw(56) << file << std::right << std::setw(12) << size
        << " bytes  durable " << std::setw(12) << durable;
    if (durable < size) out << "  (" << size - durable << " only in the page cache)";
    out << "\n";
  }
}

// A checkpoint file: its entries as Kafka's text format holds them (docs/storage-format.md).
int DumpCheckpoint(SimDisk& disk, const std::string& file, LogFileKind kind, std::ostream& out,
                   std::ostream& err) {
  out << "Dumping " << file << " (" << disk.Size(file) << " bytes, " << disk.DurableSize(file)
      << " durable)\n";
  Status status;
  if (kind == LogFileKind::kEpochCheckpoint) {
    std::vector<EpochEntry> entries;
    status = ReadEpochCheckpoint(disk, file, &entries);
    if (status.ok()) {
      out << "Leader epoch checkpoint: " << entries.size() << " entries\n";
      for (const EpochEntry& e : entries) {
        out << "epoch: " << e.epoch << " startOffset: " << e.start_offset << "\n";
      }
    }
  } else {
    std::vector<OffsetCheckpointEntry> entries;
    status = ReadOffsetCheckpoint(disk, file, &entries);
    if (status.ok()) {
      out << "Offset checkpoint: " << entries.size() << " entries\n";
      for (const OffsetCheckpointEntry& e : entries) {
        out << "topic: " << e.topic << " partition: " << e.partition << " offset: " << e.offset
            << "\n";
      }
    }
  }
  if (!status.ok()) {
    err << "kafkasim: " << file << " is not a valid checkpoint: " << status.ToString() << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

int CommandDumpLog(const CommonOptions& options, const DumpLogOptions& dump, std::ostream& out,
                   std::ostream& err) {
  ScenarioRegistry registry;
  RegisterVocabulary(options, registry);
  std::unique_ptr<Scenario> scenario = Load(options.scenario, registry, err);
  if (!scenario) return kExitBadInput;
  RunOptions run_options;
  run_options.seed = options.seed;
  run_options.until_us = options.until_us;
  run_options.interrupt = &InterruptFlag();
  ScenarioRunner runner(*scenario, registry, run_options);
  runner.Begin();
  runner.AdvanceTo(kTimeNever);
  const RunResult result = runner.Finish();
  if (result.interrupted) {
    err << "kafkasim: interrupted\n";
    return kExitInterrupted;
  }
  World& world = runner.world();
  // Nodes are checked after the run: sections may declare nodes of their own.
  const NodeId node = world.FindNode(dump.node);
  if (node == kNoNode) {
    std::vector<std::string> names;
    std::string list;
    for (NodeId id = 0; id < world.node_count(); ++id) {
      names.push_back(world.NodeName(id));
      list += (id == 0 ? "" : ", ") + world.NodeName(id);
    }
    err << "kafkasim: no node named '" << dump.node << "'" << DidYouMean(dump.node, names) << " in "
        << options.scenario << "; the nodes are: " << list << "\n";
    return kExitBadInput;
  }
  SimDisk& disk = world.disk(node);
  out << "# " << scenario->name << " seed " << result.seed << " at "
      << FormatDuration(result.end_time_us) << ", node " << dump.node << " ("
      << NodeStatusName(world.status(node)) << ")\n";
  if (dump.list) {
    ListNodeFiles(disk, dump.node, out);
    return kExitOk;
  }
  if (!disk.Exists(dump.file)) {
    err << "kafkasim: node " << dump.node << " has no file '" << dump.file << "'"
        << DidYouMean(dump.file, disk.List("")) << "; see --list\n";
    return kExitBadInput;
  }
  const LogFileKind kind = LogFileKindOf(dump.file);
  if (kind == LogFileKind::kOther) {
    err << "kafkasim: '" << dump.file
        << "' is not a segment (.log), offset index (.index), time index (.timeindex) or "
           "checkpoint file (leader-epoch-checkpoint, recovery-point-offset-checkpoint, "
           "replication-offset-checkpoint, log-start-offset-checkpoint, "
           "cleaner-offset-checkpoint)\n";
    return kExitBadInput;
  }
  // The observer's read: zero latency, so nothing about the (finished) run changes.
  DiskOptions free_reads = disk.options();
  free_reads.read_latency_us = 0;
  disk.SetOptions(free_reads);
  if (kind == LogFileKind::kEpochCheckpoint || kind == LogFileKind::kOffsetCheckpoint) {
    return DumpCheckpoint(disk, dump.file, kind, out, err);
  }
  std::string bytes;
  if (Status s = disk.Read(dump.file, 0, disk.Size(dump.file), &bytes); !s.ok()) {
    err << "kafkasim: cannot read " << dump.file << ": " << s.ToString() << "\n";
    return kExitBadInput;
  }
  const int64_t base_offset = BaseOffsetOfFileName(dump.file);
  out << "Dumping " << dump.file << " (" << bytes.size() << " bytes, "
      << disk.DurableSize(dump.file) << " durable)\n";
  LogDumpSummary summary;
  if (kind == LogFileKind::kSegment) {
    out << "Log starting offset: " << base_offset << "\n";
    DumpSegment(bytes, LogDumpOptions{dump.print_data_log}, out, &summary);
    out << "Summary: " << summary.batches << " batches, " << summary.records << " records, "
        << summary.invalid_batches << " invalid batches, " << summary.invalid_bytes
        << " invalid bytes\n";
  } else {
    if (kind == LogFileKind::kOffsetIndex) {
      DumpOffsetIndex(base_offset, bytes, out, &summary);
    } else {
      DumpTimeIndex(base_offset, bytes, out, &summary);
    }
    out << "Summary: " << summary.entries << " entries, " << summary.invalid_bytes
        << " invalid bytes\n";
  }
  return kExitOk;
}

}  // namespace

void InstallInterruptHandlers() {
  std::signal(SIGINT, OnInterruptSignal);
  std::signal(SIGTERM, OnInterruptSignal);
}

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           const CliExtensions& extensions) {
  CommonOptions options;
  options.extensions = &extensions;
  std::string command;
  std::vector<std::string> positional;
  std::string seed_text, until_text, max_bytes_text;
  DumpLogOptions dump;
  po::options_description visible("Options");
  visible.add_options()("help,h", "show this help")("version", "show the version")(
      "seed", po::value<std::string>(&seed_text), "root seed (overrides the scenario's)")(
      "trace", po::value<std::string>(&options.trace_path),
      "trace file to write (default out/traces/<scenario>-seed<N>.sqlite); it replaces only a "
      "kafkasim trace, when the run ends; - or /dev/null: no file")(
      "no-trace", po::bool_switch(&options.no_trace), "do not write a trace")(
      "until", po::value<std::string>(&until_text),
      "stop at this simulated time, e.g. 2s (overrides run_for)")(
      "quiet,q", po::bool_switch(&options.quiet), "print only the digest line")(
      "trace-max-bytes", po::value<std::string>(&max_bytes_text),
      "bound the trace file's size (a positive size, e.g. 64KiB); recording keeps the events that "
      "fit and stops cleanly")("node", po::value<std::string>(&dump.node),
                               "dump-log: the node whose disk to read")(
      "file", po::value<std::string>(&dump.file),
      "dump-log: the file to dump, e.g. orders-0/00000000000000000000.log")(
      "print-data-log", po::bool_switch(&dump.print_data_log),
      "dump-log: print each record's offset, key and payload")(
      "list", po::bool_switch(&dump.list), "dump-log: list the node's files instead")(
      "print-schedule", po::bool_switch(&options.print_schedule),
      "run: print the fault schedule the scenario's nemesis draws for the seed, and stop")(
      "write-schedule", po::value<std::string>(&options.write_schedule),
      "run: write the scenario with that schedule fixed (a nemesis_schedule: section that runs "
      "instead of a draw) to this file, and stop");
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
    err << "kafkasim: " << e.what() << "\n"
        << "Try 'kafkasim --help'.\n";
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
    err << "kafkasim: no command given\n"
        << "Try 'kafkasim --help'.\n";
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
      if (options.trace_max_bytes <= 0) {
        err << "kafkasim: --trace-max-bytes must be a positive size, found '" << max_bytes_text
            << "' (leave it out for no limit)\n";
        return kExitBadInput;
      }
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
  if (command == "dump-log") {
    if (!need_one_argument("scenario file")) return kExitBadInput;
    if (dump.node.empty()) {
      err << "kafkasim: dump-log needs --node NAME\n"
          << "Try 'kafkasim --help'.\n";
      return kExitBadInput;
    }
    if (dump.list == !dump.file.empty()) {
      err << "kafkasim: dump-log needs exactly one of --file PATH and --list\n"
          << "Try 'kafkasim --help'.\n";
      return kExitBadInput;
    }
    options.scenario = positional[1];
    return CommandDumpLog(options, dump, out, err);
  }
  if (command == "vocabulary") {
    ScenarioRegistry registry;
    RegisterAllVocabulary(registry);
    out << registry.DescribeVocabulary();
    return kExitOk;
  }
  const std::vector<std::string> commands = {"run", "check-determinism", "verify-trace", "dump-log",
                                             "vocabulary"};
  err << "kafkasim: unknown command '" << command << "'" << DidYouMean(command, commands) << "\n"
      << "Try 'kafkasim --help'.\n";
  return kExitBadInput;
}

}  // namespace ks
