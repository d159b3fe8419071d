// Goal: `kafkasim dump-log` prints a segment's batches as kafka-dump-log.sh does (offsets,
// positions, CRC validity; keys and payloads with --print-data-log), dumps index files, lists a
// node's files, reports corrupt bytes instead of crashing, and exits 2 on bad input. Also: a bad
// log config in a log_host is a scenario error at its position, naming the allowed values.
// Method: scenarios written by the test (a log_host appending known records, one with the
// world's corrupt_file action), driven through RunCli with captured output.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sim/cli/cli.h"
#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/vocabulary/log_dump.h"

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

int CountOf(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Three batches of two records each (offsets 0..5), keys k0/k1, values "hello", all in segment 0
// (the default segment.bytes is 1 GiB).
const char* kSmallLog = R"(name: dump-small
description: three small batches on one log
run_for: 1s
nodes:
  - name: store
    kind: log_host
    logs: [{topic: orders, partition: 0, config: {index.interval.bytes: 1}}]
timeline:
  - at: 100ms
    do: append
    node: store
    topic: orders
    count: 3
    records_per_batch: 2
    key_count: 2
    value: hello
)";

const std::string kSegment = "orders-0/00000000000000000000.log";

TEST(DumpLogTest, PrintsBatchesAndRecords) {
  const std::string path = WriteTemp("dump_small.yaml", kSmallLog);
  CliResult r = Cli({"dump-log", path, "--node", "store", "--file", kSegment});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(CountOf(r.out, "baseOffset: "), 3) << r.out;
  EXPECT_NE(r.out.find("baseOffset: 0 lastOffset: 1 count: 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("baseOffset: 2 lastOffset: 3 count: 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("baseOffset: 4 lastOffset: 5 count: 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("position: 0 "), std::string::npos);
  EXPECT_EQ(CountOf(r.out, "isvalid: true"), 3);
  EXPECT_NE(r.out.find("compresscodec: none"), std::string::npos);
  EXPECT_NE(r.out.find("Summary: 3 batches, 6 records, 0 invalid batches, 0 invalid bytes"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("| offset:"), std::string::npos) << "records only with --print-data-log";

  CliResult data =
      Cli({"dump-log", path, "--node", "store", "--file", kSegment, "--print-data-log"});
  ASSERT_EQ(data.code, 0) << data.err;
  EXPECT_EQ(CountOf(data.out, "| offset: "), 6);
  EXPECT_NE(data.out.find("| offset: 3 CreateTime: "), std::string::npos) << data.out;
  EXPECT_NE(data.out.find("key: k1 payload: hello"), std::string::npos) << data.out;
}

TEST(DumpLogTest, DumpsIndexesAndListsFiles) {
  const std::string path = WriteTemp("dump_small.yaml", kSmallLog);
  // index.interval.bytes 1: every batch after the first gets an entry, by its last offset.
  CliResult index =
      Cli({"dump-log", path, "--node", "store", "--file", "orders-0/00000000000000000000.index"});
  ASSERT_EQ(index.code, 0) << index.err;
  EXPECT_NE(index.out.find("offset: 3 position: "), std::string::npos) << index.out;
  EXPECT_NE(index.out.find("offset: 5 position: "), std::string::npos) << index.out;
  CliResult time_index = Cli(
      {"dump-log", path, "--node", "store", "--file", "orders-0/00000000000000000000.timeindex"});
  ASSERT_EQ(time_index.code, 0) << time_index.err;
  // The append ran at 100 ms (wall clock 1704067200000 at t=0), plus the disk time it took.
  EXPECT_NE(time_index.out.find("timestamp: 17040672001"), std::string::npos) << time_index.out;

  CliResult list = Cli({"dump-log", path, "--node", "store", "--list"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find(kSegment), std::string::npos) << list.out;
  // Nothing was flushed (Kafka's default flush policy): the segment lives in the page cache.
  EXPECT_NE(list.out.find("only in the page cache"), std::string::npos) << list.out;
}

TEST(DumpLogTest, DumpsCheckpointFiles) {
  // The flagship: b1 crashed as leader of orders-0 and came back as a follower under epoch 1.
  const std::string flagship =
      std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/curriculum/replication-flagship.yaml";
  CliResult epochs =
      Cli({"dump-log", flagship, "--node", "b1", "--file", "orders-0/leader-epoch-checkpoint"});
  ASSERT_EQ(epochs.code, 0) << epochs.err;
  EXPECT_NE(epochs.out.find("Leader epoch checkpoint: 2 entries\nepoch: 0 startOffset: 0\n"
                            "epoch: 1 startOffset: 900\n"),
            std::string::npos)
      << epochs.out;
  CliResult hw = Cli(
      {"dump-log", flagship, "--node", "b1", "--file", "replication-offset-checkpoint"});
  ASSERT_EQ(hw.code, 0) << hw.err;
  EXPECT_NE(hw.out.find("Offset checkpoint: 1 entries\ntopic: orders partition: 0 offset: "),
            std::string::npos)
      << hw.out;
  CliResult recovery = Cli({"dump-log", flagship, "--node", "b1", "--file",
                            "recovery-point-offset-checkpoint"});
  ASSERT_EQ(recovery.code, 0) << recovery.err;
  EXPECT_NE(recovery.out.find("topic: orders partition: 0 offset: "), std::string::npos)
      << recovery.out;
}

TEST(DumpLogTest, ReportsACorruptBatchAndATruncatedTail) {
  // Flip a byte inside the second batch's records (its CRC no longer matches), then cut the
  // file in the middle of the third batch: both must be reported, neither may crash the dump.
  std::string text = kSmallLog;
  text.replace(text.find("config: {index.interval.bytes: 1}"),
               std::string("config: {index.interval.bytes: 1}").size(), "config: {}");
  text += R"(  - at: 200ms
    do: corrupt_file
    node: store
    file: orders-0/00000000000000000000.log
    offset: 160
    length: 1
)";
  const std::string path = WriteTemp("dump_corrupt.yaml", text);
  CliResult r = Cli({"dump-log", path, "--node", "store", "--file", kSegment});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(CountOf(r.out, "isvalid: false"), 1) << r.out;
  EXPECT_NE(r.out.find("CRC mismatch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 invalid batches"), std::string::npos) << r.out;

  // The dumper on its own, on a batch frame cut short.
  LogDumpSummary summary;
  std::ostringstream out;
  std::string truncated(14, '\0');
  truncated[11] = 0x47;  // batchLength 71: the batch needs 83 bytes
  truncated.append(60, 'x');
  DumpSegment(truncated, LogDumpOptions{}, out, &summary);
  EXPECT_EQ(summary.invalid_bytes, 74);
  EXPECT_NE(out.str().find("Found 74 invalid bytes at position 0: truncated batch"),
            std::string::npos)
      << out.str();
}

TEST(DumpLogTest, GarbageNeverCrashes) {
  // Every prefix of a byte pattern that looks like headers with absurd lengths.
  std::string garbage;
  for (int i = 0; i < 300; ++i) garbage += static_cast<char>((i * 37) ^ 0x5a);
  for (size_t n = 0; n <= garbage.size(); ++n) {
    LogDumpSummary summary;
    std::ostringstream out;
    DumpSegment(std::string_view(garbage).substr(0, n), LogDumpOptions{true}, out, &summary);
    DumpOffsetIndex(0, std::string_view(garbage).substr(0, n), out, &summary);
    DumpTimeIndex(0, std::string_view(garbage).substr(0, n), out, &summary);
  }
}

TEST(DumpLogTest, BadArgumentsExitTwo) {
  const std::string path = WriteTemp("dump_small.yaml", kSmallLog);
  CliResult unknown_node = Cli({"dump-log", path, "--node", "stroe", "--file", kSegment});
  EXPECT_EQ(unknown_node.code, 2);
  EXPECT_NE(unknown_node.err.find("no node named 'stroe' (did you mean 'store'?)"),
            std::string::npos)
      << unknown_node.err;
  CliResult missing = Cli({"dump-log", path, "--node", "store", "--file", "orders-0/nope.log"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("has no file 'orders-0/nope.log'"), std::string::npos) << missing.err;
  CliResult no_node = Cli({"dump-log", path, "--file", kSegment});
  EXPECT_EQ(no_node.code, 2);
  EXPECT_NE(no_node.err.find("--node"), std::string::npos);
  CliResult both = Cli({"dump-log", path, "--node", "store", "--file", kSegment, "--list"});
  EXPECT_EQ(both.code, 2);
  // A checkpoint file is dumped too (it was refused before). The recovery point is checkpointed
  // by a periodic task whose first run is 30 s after the start (log.flush.offset.checkpoint.*).
  std::string later(kSmallLog);
  later.replace(later.find("run_for: 1s"), 11, "run_for: 31s");
  const std::string later_path = WriteTemp("dump_small_31s.yaml", later);
  CliResult checkpoint = Cli({"dump-log", later_path, "--node", "store", "--file",
                              "recovery-point-offset-checkpoint"});
  EXPECT_EQ(checkpoint.code, 0) << checkpoint.err;
  EXPECT_NE(checkpoint.out.find("Offset checkpoint: "), std::string::npos) << checkpoint.out;
  CliResult bad_scenario = Cli({"dump-log", "/nonexistent.yaml", "--node", "x", "--list"});
  EXPECT_EQ(bad_scenario.code, 2);
}

TEST(DumpLogTest, FileNameHelpers) {
  EXPECT_EQ(BaseOffsetOfFileName("orders-0/00000000000000000042.log"), 42);
  EXPECT_EQ(BaseOffsetOfFileName("x.log"), 0);
  EXPECT_EQ(LogFileKindOf("a/00000000000000000000.log.cleaned"), LogFileKind::kSegment);
  EXPECT_EQ(LogFileKindOf("a/00000000000000000000.timeindex"), LogFileKind::kTimeIndex);
  EXPECT_EQ(LogFileKindOf("a/00000000000000000000.index.swap"), LogFileKind::kOffsetIndex);
  EXPECT_EQ(LogFileKindOf("a/leader-epoch-checkpoint"), LogFileKind::kEpochCheckpoint);
  EXPECT_EQ(LogFileKindOf("log-start-offset-checkpoint"), LogFileKind::kOffsetCheckpoint);
  EXPECT_EQ(LogFileKindOf("a/partition.metadata"), LogFileKind::kOther);
  EXPECT_EQ(PrintableOrHex("a b\n"), "a b\\n");
  EXPECT_EQ(PrintableOrHex(std::string("\x01\xff", 2)), "0x01ff");
}

// Goal: a bad Kafka config in a log_host's spec stops loading with the position of the mistake,
// the config's name and the values it accepts.
TEST(LogHostLoaderTest, BadConfigIsAnErrorAtItsPosition) {
  ScenarioRegistry registry;
  RegisterAllVocabulary(registry);
  const std::string base = R"(name: bad
description: a bad config
nodes:
  - name: store
    kind: log_host
    logs:
      - topic: orders
        config: {segment.bytes: 4096, cleanup.policy: compcat}
)";
  try {
    LoadScenarioText(base, "bad.yaml", registry);
    FAIL() << "a bad cleanup.policy must not load";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.position().line, 8);
    EXPECT_EQ(e.position().column, 55);
    EXPECT_NE(e.message().find("cleanup.policy"), std::string::npos) << e.message();
    EXPECT_NE(
        e.message().find("Invalid value compcat for configuration cleanup.policy: String must "
                         "be one of: compact, delete"),
        std::string::npos)
        << e.message();
  }
  std::string unknown = base;
  unknown.replace(unknown.find("cleanup.policy: compcat"),
                  std::string("cleanup.policy: compcat").size(), "retention.msx: 10");
  try {
    LoadScenarioText(unknown, "bad.yaml", registry);
    FAIL() << "an unknown config must not load";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.position().line, 8);
    EXPECT_EQ(e.position().column, 39);
    EXPECT_NE(e.message().find("did you mean 'retention.ms'"), std::string::npos) << e.message();
  }
  std::string negative = base;
  negative.replace(negative.find("segment.bytes: 4096"), std::string("segment.bytes: 4096").size(),
                   "segment.bytes: 10");  // Kafka's minimum is 14
  try {
    LoadScenarioText(negative, "bad.yaml", registry);
    FAIL() << "a segment smaller than a batch header must not load";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.position().line, 8);
    EXPECT_NE(e.message().find("segment.bytes"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("Value must be at least 14"), std::string::npos) << e.message();
  }
  std::string no_logs = "name: x\ndescription: y\nnodes:\n  - {name: s, kind: log_host}\n";
  EXPECT_THROW(LoadScenarioText(no_logs, "bad.yaml", registry), ScenarioError);
}

}  // namespace
}  // namespace ks
