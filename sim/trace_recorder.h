// TraceRecorder: writes a run's trace to an SQLite file (schema: docs/trace-schema.md).
//
// Events are inserted with one prepared statement inside batched transactions (a commit every
// kBatchEvents events). The inserting happens on a writer thread: the simulation only copies each
// event into the current batch and hands full batches over, so recording costs the run little
// (the simulation stays single-threaded and deterministic; the thread only writes what the run
// already produced, in order). At most kMaxQueuedBatches wait; past that the simulation waits for
// the writer.
//
// The file is never anything but a trace, and never anyone else's file:
// - It is written under a temporary name beside the path (PATH.recording-PID) and renamed over the
//   path when recording stops (Close or Abort), so a run never deletes what was at the path before
//   its end, and a path that holds something other than a kafkasim trace (a scenario, a device) is
//   refused at Create.
// - The journal is SQLite's rollback journal (mode DELETE), not a WAL: after every commit the
//   events are in the one file, and a commit that fails (a full disk) is rolled back by rewriting
//   pages in place, which needs no new space. So however recording stops (complete, Ctrl-C, disk
//   full, a broken invariant) the file is self-contained: no `-wal` beside it holds its events.
// - A full disk or the max_bytes limit (SQLITE_FULL) stops recording after the longest prefix of
//   the failing batch that still fits (so a small limit records what fits, not nothing), and the
//   status becomes 'truncated'. 16 KiB of the file are kept back while recording (a `reserve` row
//   of meta) and freed by the final transaction, which reuses them: so the final status is written
//   even on a full disk.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sim/event_catalog.h"
#include "sim/trace_stream.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ks {

constexpr int kTraceSchemaVersion = 2;
constexpr const char* kTraceFormatName = "kafkasim-trace";

struct TraceMetadata {
  std::string program_version;
  std::string scenario_path;
  std::string scenario_name;
  std::string scenario_text;
  uint64_t seed = 0;
  std::string config_json;  // the world's options, as JSON
  std::string reproduce;    // the command that reproduces the run
  // The world's wall clock at time 0 (ms since the Unix epoch): record timestamps are on it.
  int64_t wall_clock_start_ms = 0;
  // Every event kind the program knows, written to the `kinds` and `fields` tables so that a
  // reader without the program (a notebook) knows each kind's fields and their types.
  const EventCatalog* events = nullptr;
};

class TraceRecorder final : public TraceSink {
 public:
  static constexpr int kBatchEvents = 8192;
  static constexpr size_t kMaxQueuedBatches = 32;
  static constexpr int64_t kPageBytes = 4096;

  // Starts a trace that will replace `path` when recording stops. Refuses (null, *error a clear
  // message) when `path` exists and is not a kafkasim trace (IsTraceFile), or cannot be written.
  // REQUIRES: max_bytes >= 0; max_bytes > 0 bounds the file's size (SQLite's max_page_count),
  // 0 leaves it unbounded.
  static std::unique_ptr<TraceRecorder> Create(const std::string& path,
                                               const TraceMetadata& metadata, int64_t max_bytes,
                                               std::string* error);
  // True if `path` holds a kafkasim trace: an SQLite file (its 16-byte header) whose meta table
  // says format 'kafkasim-trace' (any schema version), or an empty regular file (nothing to lose).
  // *why says what it is otherwise.
  static bool IsTraceFile(const std::string& path, std::string* why);
  ~TraceRecorder() override;

  void OnEvent(const TraceEventView& event) override;
  void RecordNode(int32_t id, const std::string& name, const std::string& role);

  // Commits everything, writes the final metadata, closes the file and renames it to path().
  // `status` is complete, interrupted or failed. Returns false (with error()) if the file could
  // not be finished or renamed (error() then says where the events are).
  bool Close(const std::string& status, const Digest& digest, int64_t event_count,
             int64_t end_time_us, const std::vector<std::pair<std::string, std::string>>& extra);

  // The process is about to die (a broken invariant): commits every event recorded so far, marks
  // the trace `aborted` with `reason`, closes it and renames it to path(), so the file shows what
  // led to the failure. Nothing is recorded after it.
  void Abort(const std::string& reason);

  // Recording stopped early (disk full, I/O error): error() says why. Meaningful after Close.
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  int64_t recorded_events() const { return committed_events_; }
  const std::string& path() const { return path_; }
  // Where the events are written until recording stops.
  const std::string& temporary_path() const { return temporary_path_; }

 private:
  // A batch of events: their encoded fields in one arena, offsets beside it (few allocations per
  // batch). The writer thread renders each event's JSON from its kind and fields: the simulation
  // only copies bytes.
  struct Batch {
    struct Row {
      int64_t seq;
      int64_t time_us;
      int32_t node;
      const EventKind* kind;  // a kind lives as long as the program
      uint32_t data_offset, data_size;
    };
    std::vector<Row> rows;
    std::string data;
  };

  TraceRecorder(std::string path, std::string temporary_path, int64_t max_bytes)
      : path_(std::move(path)), temporary_path_(std::move(temporary_path)), max_bytes_(max_bytes) {}
  bool Exec(const char* sql);
  bool SetMeta(const std::string& key, const std::string& value);
  void Fail(const std::string& what, int code);  // with last_error_
  void StartWriter();
  void WriterLoop();
  void WriteBatch(const Batch& batch);  // on the writer thread
  // Inserts rows [begin, end) in one transaction; on SQLITE_FULL, the longest prefix that fits.
  // Returns how many rows were committed (end - begin unless recording failed).
  size_t WriteRows(const Batch& batch, size_t begin, size_t end);
  int InsertRows(const Batch& batch, size_t begin, size_t end);  // one transaction: SQLite's code
  std::string json_;                    // the writer thread's JSON buffer
  void HandOver();                      // the current batch to the writer
  void StopWriter();
  bool WriteSchema(const EventCatalog* catalog);  // the kinds and fields tables
  bool WriteNodes();  // the nodes table (after the writer stopped), inside Finish's transaction
  // The final transaction (nodes, `meta`), then CloseFile. False if it could not be written.
  bool Finish(const std::vector<std::pair<std::string, std::string>>& meta);
  void CloseFile();  // close the file and rename it to path_

  std::string path_;
  std::string temporary_path_;
  int64_t max_bytes_ = 0;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  bool failed_ = false;  // written by the writer thread, read after it is joined
  std::string error_;
  std::string last_error_;  // SQLite's message for the last failed transaction
  int64_t committed_events_ = 0;
  std::vector<std::tuple<int32_t, std::string, std::string>> nodes_;

  Batch current_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace ks
