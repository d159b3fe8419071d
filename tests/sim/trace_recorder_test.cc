// Goal: the trace recorder never destroys a file that is not a kafkasim trace, and however
// recording stops (complete, a full disk, a size limit, an abort) the file at the path is one
// self-contained SQLite file holding a prefix of the events: no `-wal` beside it holds them, a
// small size limit keeps what fits, an abort keeps the events of the last partial batch.
// Method: events emitted through a TraceStream into a recorder; the file read back with the sqlite3
// API (after copying it alone, as a user copies a `.sqlite`). A full disk is an SQLite VFS that
// delegates to the default one and refuses to let the files of one directory grow past a capacity.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/trace_recorder.h"
#include "sim/trace_stream.h"
#include "sim/world_events.h"

namespace ks {
namespace {

std::string TestDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "trace_recorder_test_" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first column of a query's rows; empty if the file cannot be read.
std::vector<std::string> Column(const std::string& path, const std::string& sql) {
  std::vector<std::string> rows;
  sqlite3* db = nullptr;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK) {
    while (sqlite3_step(statement) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(statement, 0);
      rows.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

// The main file alone, copied elsewhere (what a user copying the `.sqlite` gets).
std::string CopyAlone(const std::string& path) {
  const std::string copy = path + ".copy";
  std::filesystem::remove(copy);
  std::filesystem::copy_file(path, copy);
  return copy;
}

std::unique_ptr<TraceRecorder> Create(const std::string& path, int64_t max_bytes = 0,
                                      std::string* error = nullptr) {
  TraceMetadata metadata;
  metadata.program_version = "test";
  metadata.scenario_text = "name: test\n";
  std::string ignored;
  return TraceRecorder::Create(path, metadata, max_bytes, error ? error : &ignored);
}

// Emits `count` events (one node.start each, at increasing times) into the recorder.
void Emit(TraceStream& stream, int count) {
  std::string data;
  for (int i = 0; i < count; ++i) {
    data.clear();
    EncodeEvent(ev::NodeStart{.incarnation = i}, &data);
    stream.Emit(i, 0, EventKindOf<ev::NodeStart>(), data);
  }
}

int64_t EventCount(const std::string& path) {
  const auto rows = Column(path, "SELECT count(*) FROM events");
  return rows.empty() ? -1 : std::stoll(rows[0]);
}

// Seqs must be 0..n-1: a prefix of the run.
bool IsPrefix(const std::string& path) {
  const auto rows = Column(path, "SELECT seq FROM events ORDER BY seq");
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] != std::to_string(i)) return false;
  }
  return true;
}

std::string Meta(const std::string& path, const std::string& key) {
  const auto rows = Column(path, "SELECT value FROM meta WHERE key = '" + key + "'");
  return rows.empty() ? "" : rows[0];
}

TEST(TraceRecorderTest, RefusesToReplaceWhatIsNotATraceAndLeavesItAlone) {
  const std::string dir = TestDir("refuse");
  const std::string scenario = dir + "/scenario.yaml";
  std::ofstream(scenario) << "name: precious\nrun_for: 1s\n";
  std::string error;
  EXPECT_EQ(Create(scenario, 0, &error), nullptr);
  EXPECT_NE(error.find("is not a kafkasim trace (not an SQLite file)"), std::string::npos) << error;
  EXPECT_TRUE(ReadFile(scenario) == "name: precious\nrun_for: 1s\n") << "the scenario is intact";

  const std::string database = dir + "/other.sqlite";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(database.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (42)", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(Create(database, 0, &error), nullptr);
  EXPECT_NE(error.find("not a kafkasim trace"), std::string::npos) << error;
  EXPECT_EQ(Column(database, "SELECT x FROM t"), std::vector<std::string>{"42"});

  EXPECT_EQ(Create(dir, 0, &error), nullptr);
  EXPECT_NE(error.find("is a directory"), std::string::npos) << error;

  // A device stays a device (the /dev/null of a run as root).
  const std::string fifo = dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(Create(fifo, 0, &error), nullptr);
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  // Nothing was left beside them.
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().string().find(".recording-"), std::string::npos) << entry.path();
  }
}

TEST(TraceRecorderTest, ReplacesAnEarlierTraceOnlyWhenRecordingStops) {
  const std::string dir = TestDir("replace");
  const std::string path = dir + "/run.sqlite";
  {
    TraceStream stream;
    auto first = Create(path);
    ASSERT_NE(first, nullptr);
    stream.AddSink(first.get());
    Emit(stream, 10);
    ASSERT_TRUE(first->Close("complete", stream.CurrentDigest(), 10, 10, {}));
  }
  EXPECT_EQ(EventCount(path), 10);
  TraceStream stream;
  auto second = Create(path);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(second->temporary_path(), path);
  stream.AddSink(second.get());
  Emit(stream, 20000);
  // While the second run records, the first trace is still whole at the path.
  EXPECT_EQ(EventCount(path), 10);
  EXPECT_EQ(Meta(path, "status"), "complete");
  ASSERT_TRUE(second->Close("complete", stream.CurrentDigest(), 20000, 20000, {}));
  EXPECT_EQ(EventCount(path), 20000);
  EXPECT_EQ(Meta(path, "status"), "complete");
  EXPECT_EQ(Meta(path, "reserve"), "") << "the space kept back is freed at the end";
  EXPECT_FALSE(std::filesystem::exists(second->temporary_path()));
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(path + "-journal"));
}

TEST(TraceRecorderTest, ASmallSizeLimitRecordsTheEventsThatFit) {
  // Far below one batch of 8192 events: before, the whole batch failed and nothing was recorded.
  const std::string dir = TestDir("small_limit");
  const std::string path = dir + "/small.sqlite";
  TraceStream stream;
  auto recorder = Create(path, 200 * 1024);
  ASSERT_NE(recorder, nullptr);
  stream.AddSink(recorder.get());
  Emit(stream, 20000);
  EXPECT_FALSE(recorder->Close("complete", stream.CurrentDigest(), 20000, 20000, {}));
  EXPECT_NE(recorder->error().find("the trace size limit, is full"), std::string::npos)
      << recorder->error();
  const int64_t recorded = EventCount(path);
  EXPECT_GT(recorded, 500) << "a 200 KiB trace holds hundreds of small events";
  EXPECT_LT(recorded, 20000);
  EXPECT_EQ(recorder->recorded_events(), recorded);
  EXPECT_TRUE(IsPrefix(path));
  EXPECT_EQ(Meta(path, "status"), "truncated");
  EXPECT_EQ(Meta(path, "recorded_events"), std::to_string(recorded));
  EXPECT_LE(std::filesystem::file_size(path), 200u * 1024);
}

TEST(TraceRecorderTest, ALimitTooSmallForTheHeaderIsAClearError) {
  const std::string dir = TestDir("tiny_limit");
  std::string error;
  EXPECT_EQ(Create(dir + "/tiny.sqlite", 4096, &error), nullptr);
  EXPECT_NE(error.find("too small for the trace's header"), std::string::npos) << error;
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "no temporary file is left";
}

TEST(TraceRecorderTest, AbortKeepsTheLastPartialBatch) {
  const std::string dir = TestDir("abort");
  const std::string path = dir + "/aborted.sqlite";
  TraceStream stream;
  auto recorder = Create(path);
  ASSERT_NE(recorder, nullptr);
  stream.AddSink(recorder.get());
  const int count = TraceRecorder::kBatchEvents + 123;  // one full batch and a partial one
  Emit(stream, count);
  recorder->Abort("broken on purpose");
  const std::string copy = CopyAlone(path);
  EXPECT_EQ(EventCount(copy), count);
  EXPECT_EQ(Meta(copy, "status"), "aborted");
  EXPECT_EQ(Meta(copy, "recorded_events"), std::to_string(count));
}

// --- A full disk ---------------------------------------------------------------------------

// An SQLite VFS whose files, all in one directory, may not together grow past a capacity: a write
// that would is refused as the OS refuses it on a full disk (SQLITE_FULL).
struct SmallDisk {
  static inline std::string directory;
  static inline int64_t capacity_bytes = 0;
  static inline sqlite3_vfs* real = nullptr;
  static inline sqlite3_vfs vfs;
  static inline sqlite3_io_methods methods;

  struct File {
    sqlite3_file base;
    sqlite3_file* real;  // the default VFS's file, allocated after this struct
  };

  static int64_t UsedBytes() {
    int64_t used = 0;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
      if (entry.is_regular_file()) used += static_cast<int64_t>(entry.file_size());
    }
    return used;
  }
  static sqlite3_file* Real(sqlite3_file* file) { return reinterpret_cast<File*>(file)->real; }

  static int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    sqlite3_int64 size = 0;
    Real(file)->pMethods->xFileSize(Real(file), &size);
    const int64_t growth = std::max<int64_t>(0, offset + amount - size);
    if (growth > 0 && UsedBytes() + growth > capacity_bytes) return SQLITE_FULL;
    return Real(file)->pMethods->xWrite(Real(file), data, amount, offset);
  }
  static int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags,
                  int* out_flags) {
    File* wrapper = reinterpret_cast<File*>(file);
    wrapper->real = reinterpret_cast<sqlite3_file*>(wrapper + 1);
    const int rc = real->xOpen(real, name, wrapper->real, flags, out_flags);
    wrapper->base.pMethods = rc == SQLITE_OK && wrapper->real->pMethods ? &methods : nullptr;
    return rc;
  }

  static void Install(const std::string& dir, int64_t capacity) {
    directory = dir;
    capacity_bytes = capacity;
    real = sqlite3_vfs_find(nullptr);
    vfs = *real;
    vfs.zName = "small-disk";
    vfs.szOsFile = static_cast<int>(sizeof(File)) + real->szOsFile;
    vfs.xOpen = Open;
    // Every method delegates to the real file's, but xWrite.
    methods.iVersion = 3;
    methods.xClose = [](sqlite3_file* f) {
      const int rc = Real(f)->pMethods->xClose(Real(f));
      f->pMethods = nullptr;
      return rc;
    };
    methods.xRead = [](sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
      return Real(f)->pMethods->xRead(Real(f), data, amount, offset);
    };
    methods.xWrite = Write;
    methods.xTruncate = [](sqlite3_file* f, sqlite3_int64 size) {
      return Real(f)->pMethods->xTruncate(Real(f), size);
    };
    methods.xSync = [](sqlite3_file* f, int flags) {
      return Real(f)->pMethods->xSync(Real(f), flags);
    };
    methods.xFileSize = [](sqlite3_file* f, sqlite3_int64* size) {
      return Real(f)->pMethods->xFileSize(Real(f), size);
    };
    methods.xLock = [](sqlite3_file* f, int lock) {
      return Real(f)->pMethods->xLock(Real(f), lock);
    };
    methods.xUnlock = [](sqlite3_file* f, int lock) {
      return Real(f)->pMethods->xUnlock(Real(f), lock);
    };
    methods.xCheckReservedLock = [](sqlite3_file* f, int* out) {
      return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
    };
    methods.xFileControl = [](sqlite3_file* f, int op, void* arg) {
      return Real(f)->pMethods->xFileControl(Real(f), op, arg);
    };
    methods.xSectorSize = [](sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); };
    methods.xDeviceCharacteristics = [](sqlite3_file* f) {
      return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
    };
    methods.xShmMap = [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
      return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
    };
    methods.xShmLock = [](sqlite3_file* f, int offset, int n, int flags) {
      return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
    };
    methods.xShmBarrier = [](sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); };
    methods.xShmUnmap = [](sqlite3_file* f, int remove) {
      return Real(f)->pMethods->xShmUnmap(Real(f), remove);
    };
    methods.xFetch = [](sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
      return Real(f)->pMethods->xFetch(Real(f), offset, amount, out);
    };
    methods.xUnfetch = [](sqlite3_file* f, sqlite3_int64 offset, void* p) {
      return Real(f)->pMethods->xUnfetch(Real(f), offset, p);
    };
    sqlite3_vfs_register(&vfs, /*makeDflt=*/1);
  }
  static void Uninstall() {
    sqlite3_vfs_unregister(&vfs);
    sqlite3_vfs_register(real, /*makeDflt=*/1);
  }
};

TEST(TraceRecorderTest, AFullDiskLeavesOneSelfContainedFile) {
  // Before: the events were in the `-wal` file beside a main file of a few KB (the final
  // checkpoint had no room to grow it), so the `.sqlite` alone held no events.
  const std::string dir = TestDir("full_disk");
  const std::string path = dir + "/full.sqlite";
  SmallDisk::Install(dir, 2 << 20);
  TraceStream stream;
  auto recorder = Create(path);
  ASSERT_NE(recorder, nullptr);
  stream.AddSink(recorder.get());
  Emit(stream, 100000);
  EXPECT_FALSE(recorder->Close("complete", stream.CurrentDigest(), 100000, 100000, {}));
  SmallDisk::Uninstall();
  EXPECT_NE(recorder->error().find("is full"), std::string::npos) << recorder->error();
  const std::string copy = CopyAlone(path);
  const int64_t recorded = EventCount(copy);
  EXPECT_GT(recorded, 10000) << "2 MiB hold tens of thousands of small events";
  EXPECT_LT(recorded, 100000);
  EXPECT_TRUE(IsPrefix(copy));
  EXPECT_EQ(Meta(copy, "status"), "truncated") << "the final status fits in the space kept back";
  EXPECT_EQ(Meta(copy, "recorded_events"), std::to_string(recorded));
  EXPECT_EQ(recorder->recorded_events(), recorded);
}

}  // namespace
}  // namespace ks
