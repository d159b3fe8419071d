// Goal: the kafkasim command line does what its --help says, with the documented exit codes
// (0 ok, 1 failed expectation or nondeterminism, 2 bad input), and bad input always gets a clear
// message instead of a crash.
// Method: drive RunCli with argument vectors and captured output.
#include "sim/cli/cli.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sim/cli/vocabulary.h"

namespace ks {
namespace {

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

CliResult Cli(std::vector<std::string> args) {
  args.insert(args.begin(), "kafkasim");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

const std::string kPingPong = std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/kernel/ping-pong.yaml";

TEST(CliTest, HelpAndVersion) {
  CliResult help = Cli({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("kafkasim run SCENARIO"), std::string::npos);
  EXPECT_NE(help.out.find("Exit codes"), std::string::npos);
  CliResult version = Cli({"--version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out.rfind("kafkasim ", 0), 0u);
}

TEST(CliTest, BadArgumentsExitTwoWithAMessage) {
  EXPECT_EQ(Cli({}).code, 2);
  CliResult unknown = Cli({"rnu", "x.yaml"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("did you mean 'run'"), std::string::npos) << unknown.err;
  CliResult option = Cli({"run", kPingPong, "--sed", "3"});
  EXPECT_EQ(option.code, 2);
  EXPECT_FALSE(option.err.empty());
  CliResult seed = Cli({"run", kPingPong, "--seed", "abc"});
  EXPECT_EQ(seed.code, 2);
  EXPECT_NE(seed.err.find("--seed needs a non-negative integer"), std::string::npos);
  CliResult until = Cli({"run", kPingPong, "--until", "5"});
  EXPECT_EQ(until.code, 2);
  EXPECT_NE(until.err.find("--until"), std::string::npos);
  EXPECT_EQ(Cli({"run"}).code, 2);
}

TEST(CliTest, RunPrintsSummaryDigestAndReproduceCommand) {
  const std::string trace = ::testing::TempDir() + "cli_run.sqlite";
  CliResult r = Cli({"run", kPingPong, "--seed", "5", "--trace", trace});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("reproduce  kafkasim run " + kPingPong + " --seed 5"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("trace      " + trace), std::string::npos) << r.out;
  // The last line carries the digest.
  const std::string last = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
  EXPECT_NE(last.find("digest="), std::string::npos) << last;
  // The same seed again: the same digest; quiet mode prints only that line.
  CliResult quiet = Cli({"run", kPingPong, "--seed", "5", "--no-trace", "--quiet"});
  EXPECT_EQ(quiet.out, last);
}

TEST(CliTest, ScenarioErrorsExitTwoWithPosition) {
  const std::string path = WriteTemp("bad.yaml", "name: x\nrun_for: soon\n");
  CliResult r = Cli({"run", path, "--no-trace"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(path + ":2:10: expected a duration"), std::string::npos) << r.err;
  CliResult missing = Cli({"run", "/nonexistent/x.yaml"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("cannot read the scenario file"), std::string::npos);
}

TEST(CliTest, FailedExpectationExitsOne) {
  const std::string path = WriteTemp("fails.yaml", R"(name: fails
description: an expectation that cannot hold
run_for: 100ms
nodes:
  - {name: echo, kind: echo}
expect:
  - {that: node_status, node: echo, equals: crashed}
)");
  CliResult r = Cli({"run", path, "--no-trace"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("FAIL"), std::string::npos);
  EXPECT_NE(r.out.find("(was up)"), std::string::npos) << r.out;
}

TEST(CliTest, UnwritableTracePathExitsTwoBeforeRunning) {
  CliResult r = Cli({"run", kPingPong, "--trace", "/nonexistent-dir/sub/t.sqlite"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot create the trace file"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("digest="), std::string::npos);
}

TEST(CliTest, CheckDeterminismPasses) {
  CliResult r = Cli({"check-determinism", kPingPong, "--seed", "11"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("deterministic:"), std::string::npos);
}

TEST(CliTest, VocabularyListsWorldActionsAndProbes) {
  CliResult r = Cli({"vocabulary"});
  EXPECT_EQ(r.code, 0);
  for (const char* word : {"crash", "partition", "heal", "node_status", "pinger"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
  }
}

}  // namespace
}  // namespace ks

namespace ks {
namespace {

// Goal: docs/scenario-format.md lists every word of the scenario language this build registers,
// so the documentation cannot fall behind the code.
TEST(DocsTest, ScenarioFormatDocumentsEveryRegisteredWord) {
  std::ifstream in(std::string(KAFKASIM_SOURCE_DIR) + "/docs/scenario-format.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  ASSERT_FALSE(doc.empty());
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  auto check = [&](const std::vector<std::string>& names, const char* group) {
    for (const std::string& name : names) {
      EXPECT_NE(doc.find("| `" + name + "` |"), std::string::npos)
          << group << " '" << name << "' is missing from docs/scenario-format.md";
    }
  };
  check(KeysOf(registry.actions()), "action");
  check(KeysOf(registry.probes()), "probe");
  check(KeysOf(registry.node_kinds()), "node kind");
  check(KeysOf(registry.sections()), "section");
  check(KeysOf(registry.selectors()), "selector");
}

// Goal: docs/trace-schema.md lists every event kind this build can emit, with every field in
// the order the kind declares it, so the trace's documentation cannot fall behind the code.
// Method: for each kind of the event catalog, the doc's table row that starts with the kind must
// name each field, in backquotes, in order.
TEST(DocsTest, TraceSchemaDocumentsEveryKindAndField) {
  std::ifstream in(std::string(KAFKASIM_SOURCE_DIR) + "/docs/trace-schema.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  ASSERT_FALSE(doc.empty());
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  ASSERT_GT(registry.events().kinds().size(), 90u);
  for (const EventKind* kind : registry.events().kinds()) {
    const std::string start = "\n| `" + std::string(kind->name) + "` |";
    const size_t at = doc.find(start);
    if (at == std::string::npos) {
      ADD_FAILURE() << "event kind " << kind->name << " has no row in docs/trace-schema.md";
      continue;
    }
    const std::string row = doc.substr(at + start.size(), doc.find('\n', at + 1) - at);
    size_t from = 0;
    for (const EventField& field : kind->fields) {
      const size_t found = row.find("`" + std::string(field.key) + "`", from);
      EXPECT_NE(found, std::string::npos)
          << kind->name << "'s field '" << field.key
          << "' is missing from its row in docs/trace-schema.md, or out of order";
      if (found != std::string::npos) from = found + field.key.size();
    }
  }
}

}  // namespace
}  // namespace ks
