// Goal: a trace file holds exactly the events of the run, with its scenario, seed and version;
// it stays a valid SQLite file of everything recorded when recording is cut short (full disk,
// Ctrl-C); and a file that is not a kafkasim trace, or is newer or corrupt, gets a clear message.
// Method: record runs through the CLI and the recorder, read them back with TraceReader and the
// sqlite3 API.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/cli/cli.h"
#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/trace_reader.h"
#include "sim/trace_recorder.h"

namespace ks {
namespace {

const std::string kPingPong = std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/kernel/ping-pong.yaml";

int Cli(std::vector<std::string> args, std::string* out = nullptr, std::string* err = nullptr) {
  args.insert(args.begin(), "kafkasim");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream o, e;
  const int code = RunCli(static_cast<int>(argv.size()), argv.data(), o, e);
  if (out) *out = o.str();
  if (err) *err = e.str();
  return code;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
      << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

// The rows of a query, each row's columns joined by '|'.
std::vector<std::string> Rows(const std::string& path, const std::string& sql) {
  std::vector<std::string> rows;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK);
  while (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(statement); ++i) {
      if (i > 0) row += "|";
      const unsigned char* text = sqlite3_column_text(statement, i);
      row += text ? reinterpret_cast<const char*>(text) : "NULL";
    }
    rows.push_back(row);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

TEST(TraceFileTest, RoundTripEventsEqualTheRunsEvents) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  auto scenario = LoadScenarioFile(kPingPong, registry);
  const std::string path = ::testing::TempDir() + "roundtrip.sqlite";
  std::string error;
  TraceMetadata metadata{"test-version", kPingPong,        scenario->name, scenario->text,    1,
                         "{}",           "kafkasim run x", 1704067200000,  &registry.events()};
  auto recorder = TraceRecorder::Create(path, metadata, 0, &error);
  ASSERT_NE(recorder, nullptr) << error;
  TraceCollector collector;
  RunOptions options;
  options.sinks = {recorder.get(), &collector};
  const RunResult result = RunScenario(*scenario, registry, options);
  ASSERT_TRUE(
      recorder->Close("complete", result.digest, result.event_count, result.end_time_us, {}));
  auto reader = TraceReader::Open(path, &error, &registry.events());
  ASSERT_NE(reader, nullptr) << error;
  EXPECT_EQ(reader->ReadAllEvents(&error), collector.events);
  EXPECT_EQ(static_cast<int64_t>(collector.events.size()), result.event_count);
  EXPECT_EQ(reader->Meta("scenario_text"), scenario->text);
  EXPECT_EQ(reader->Meta("program_version"), "test-version");
  EXPECT_EQ(reader->Meta("digest"), result.digest.Hex());
  EXPECT_EQ(reader->Meta("status"), "complete");
  // The schema of every kind the program knows, for readers without the program.
  EXPECT_EQ(
      Rows(path,
           "SELECT position, name, type, optional FROM fields "
           "WHERE kind = 'scenario.step' ORDER BY position"),
      (std::vector<std::string>{"0|index|int64|0", "1|line|int32|0", "2|action|string|0",
                                "3|caption|string|1", "4|injected|bool|1", "5|nemesis|bool|1"}));
  EXPECT_EQ(Rows(path, "SELECT count(*) FROM kinds")[0],
            std::to_string(registry.events().kinds().size()));
  EXPECT_EQ(Rows(path, "SELECT count(*) FROM kinds WHERE name = 'node.stop'")[0], "1");
  EXPECT_EQ(Rows(path,
                 "SELECT type, elements FROM fields "
                 "WHERE kind = 'history.op' AND name = 'records'"),
            (std::vector<std::string>{"list|tp:partition,offset:int64,value:string?"}));
}

TEST(TraceFileTest, VerifyTraceRecomputesTheDigestAndCatchesTampering) {
  const std::string path = ::testing::TempDir() + "verify.sqlite";
  ASSERT_EQ(Cli({"run", kPingPong, "--trace", path, "--quiet"}), 0);
  std::string out;
  EXPECT_EQ(Cli({"verify-trace", path}, &out), 0) << out;
  EXPECT_NE(out.find("ok"), std::string::npos);
  // The digest covers the encoded fields: changing them is a mismatch.
  Sql(path, "UPDATE events SET data = data || x'00' WHERE seq = 10");
  std::string err;
  EXPECT_EQ(Cli({"verify-trace", path}, &out, &err), 2) << out;
  EXPECT_NE(err.find("not a valid encoding"), std::string::npos) << err;
  ASSERT_EQ(Cli({"run", kPingPong, "--trace", path, "--quiet"}), 0);
  Sql(path, "UPDATE events SET time_us = time_us + 1 WHERE seq = 10");
  EXPECT_EQ(Cli({"verify-trace", path}, &out), 1);
  EXPECT_NE(out.find("MISMATCH"), std::string::npos) << out;
  // The JSON column is for people: it must say what the encoded fields say.
  ASSERT_EQ(Cli({"run", kPingPong, "--trace", path, "--quiet"}), 0);
  Sql(path, "UPDATE events SET fields = '{}' WHERE seq = 10");
  EXPECT_EQ(Cli({"verify-trace", path}, &out), 1);
  EXPECT_NE(out.find("event 10's JSON is not what its fields say"), std::string::npos) << out;
}

TEST(TraceFileTest, FullTraceStopsRecordingCleanlyAndStaysValid) {
  // A run long enough to commit a few batches of events, then overflow a 2 MiB trace.
  const std::string path = ::testing::TempDir() + "full.sqlite";
  std::string out, err;
  const int code =
      Cli({"run", kPingPong, "--trace", path, "--trace-max-bytes", "2MiB", "--until", "1000s"},
          &out, &err);
  EXPECT_EQ(code, 2) << out << err;  // the ping-pong's expectations hold: 2 is the trace
  EXPECT_NE(err.find("the trace is incomplete"), std::string::npos) << err;
  EXPECT_NE(err.find("full"), std::string::npos) << err;
  // The run itself went to the end: its digest line is printed.
  EXPECT_NE(out.find("digest="), std::string::npos);
  std::string error;
  auto reader = TraceReader::Open(path, &error);
  ASSERT_NE(reader, nullptr) << error;
  const auto events = reader->ReadAllEvents(&error);
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_GE(events.size(), static_cast<size_t>(TraceRecorder::kBatchEvents));
  EXPECT_EQ(reader->Meta("status"), "truncated");
  // Events are a prefix of the run: numbered from 0 without gaps.
  for (size_t i = 0; i < events.size(); ++i) ASSERT_EQ(events[i].seq, static_cast<int64_t>(i));
}

TEST(TraceFileTest, InterruptedRunLeavesAValidTraceOfWhatRan) {
  const std::string path = ::testing::TempDir() + "interrupted.sqlite";
  InterruptFlag().store(true);
  std::string out;
  const int code = Cli({"run", kPingPong, "--trace", path}, &out);
  InterruptFlag().store(false);
  EXPECT_EQ(code, 130);
  EXPECT_NE(out.find("INTERRUPTED"), std::string::npos) << out;
  std::string error;
  auto reader = TraceReader::Open(path, &error);
  ASSERT_NE(reader, nullptr) << error;
  EXPECT_EQ(reader->Meta("status"), "interrupted");
  EXPECT_FALSE(reader->ReadAllEvents(&error).empty());
  EXPECT_EQ(Cli({"verify-trace", path}), 0);
}

TEST(TraceFileTest, NotATraceGivesAClearMessage) {
  std::string error;
  const std::string garbage = ::testing::TempDir() + "garbage.sqlite";
  std::ofstream(garbage) << "this is not a database at all, just some text in a file";
  EXPECT_EQ(TraceReader::Open(garbage, &error), nullptr);
  EXPECT_NE(error.find(garbage), std::string::npos) << error;

  const std::string other = ::testing::TempDir() + "other.sqlite";
  std::remove(other.c_str());
  Sql(other, "CREATE TABLE t(x)");
  EXPECT_EQ(TraceReader::Open(other, &error), nullptr);
  EXPECT_NE(error.find("is not a kafkasim trace"), std::string::npos) << error;

  const std::string newer = ::testing::TempDir() + "newer.sqlite";
  // (Its expectations fail so early in the run: only the file matters here.)
  ASSERT_NE(Cli({"run", kPingPong, "--trace", newer, "--quiet", "--until", "100ms"}), 2);
  Sql(newer, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  EXPECT_EQ(TraceReader::Open(newer, &error), nullptr);
  EXPECT_NE(error.find("schema version 99"), std::string::npos) << error;
  EXPECT_NE(error.find("a newer kafkasim"), std::string::npos) << error;
  Sql(newer, "UPDATE meta SET value = '1' WHERE key = 'schema_version'");
  EXPECT_EQ(TraceReader::Open(newer, &error), nullptr);
  EXPECT_NE(error.find("an older kafkasim"), std::string::npos) << error;

  EXPECT_EQ(TraceReader::Open("/nonexistent/t.sqlite", &error), nullptr);
  std::string err;
  EXPECT_EQ(Cli({"verify-trace", garbage}, nullptr, &err), 2);
  EXPECT_FALSE(err.empty());
}

TEST(TraceFileTest, ATraceNeverReplacesAFileThatIsNotATrace) {
  // Before, `--trace S.yaml` deleted the scenario first (and `--trace /dev/null` as root replaced
  // the device with a file).
  const std::string scenario = ::testing::TempDir() + "precious.yaml";
  std::filesystem::copy_file(kPingPong, scenario,
                             std::filesystem::copy_options::overwrite_existing);
  const std::string text = ReadText(scenario);
  std::string out, err;
  EXPECT_EQ(Cli({"run", kPingPong, "--trace", scenario}, &out, &err), 2) << out << err;
  EXPECT_NE(err.find("is not a kafkasim trace (not an SQLite file)"), std::string::npos) << err;
  EXPECT_NE(err.find("leaves this file alone"), std::string::npos) << err;
  EXPECT_TRUE(ReadText(scenario) == text) << "the scenario is intact";
  EXPECT_EQ(out.find("digest="), std::string::npos) << "refused before running";
}

TEST(TraceFileTest, DashAndDevNullMeanNoFile) {
  std::string out;
  EXPECT_EQ(Cli({"run", kPingPong, "--trace", "/dev/null"}, &out), 0) << out;
  EXPECT_NE(out.find("not written (--trace /dev/null means no file)"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));
  std::filesystem::remove("-");
  EXPECT_EQ(Cli({"run", kPingPong, "--trace", "-"}, &out), 0) << out;
  EXPECT_NE(out.find("not written (--trace - means no file)"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists("-"));
}

TEST(TraceFileTest, TraceMaxBytesIsAPositiveSizeAndASmallOneKeepsWhatFits) {
  std::string out, err;
  for (const char* bad : {"0", "-1", "-4KiB"}) {
    EXPECT_EQ(Cli({"run", kPingPong, "--trace-max-bytes", bad}, &out, &err), 2) << bad;
    EXPECT_NE(err.find("--trace-max-bytes"), std::string::npos) << err;
    EXPECT_EQ(out.find("digest="), std::string::npos) << "refused before running";
  }
  // Far below one batch: before, nothing was recorded.
  const std::string path = ::testing::TempDir() + "small.sqlite";
  EXPECT_EQ(
      Cli({"run", kPingPong, "--trace", path, "--trace-max-bytes", "256KiB", "--until", "1000s"},
          &out, &err),
      2);
  EXPECT_NE(err.find("the trace is incomplete"), std::string::npos) << err;
  std::string error;
  auto reader = TraceReader::Open(path, &error);
  ASSERT_NE(reader, nullptr) << error;
  const auto events = reader->ReadAllEvents(&error);
  EXPECT_GT(events.size(), 500u);
  EXPECT_EQ(reader->Meta("status"), "truncated");
  EXPECT_EQ(reader->Meta("recorded_events"), std::to_string(events.size()));
  EXPECT_NE(out.find("(" + std::to_string(events.size()) + " of "), std::string::npos) << out;
}

}  // namespace
}  // namespace ks
