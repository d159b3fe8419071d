// The `kafkasim` command line, as a function so tests can drive it: parses arguments
// (Boost.Program_options), runs the subcommand and returns the process exit code:
//   0 ok, 1 an expectation, step or checker failed (or runs differed), 2 bad input (arguments,
//   scenario, an unwritable or full trace file), 130 interrupted (Ctrl-C; the trace is kept).
#pragma once

#include <atomic>
#include <functional>
#include <iosfwd>

namespace ks {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;

// Set by the SIGINT/SIGTERM handler; runs stop between events when it is set.
std::atomic<bool>& InterruptFlag();
void InstallInterruptHandlers();

class ScenarioRegistry;

// What a test may add to the command line: words for its own scenarios (an action that breaks an
// invariant on purpose, say), registered after the standard vocabulary.
struct CliExtensions {
  std::function<void(ScenarioRegistry&)> vocabulary;
};

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           const CliExtensions& extensions = {});

}  // namespace ks
