// TraceRecorder: writes a run's trace to an SQLite file (schema: docs/trace-schema.md).
//
// Events are inserted with one prepared statement inside batched transactions (a commit every
// kBatchEvents events), with the journal in WAL mode while recording. The inserting happens on a
// writer thread: the simulation only copies each event into the current batch and hands full
// batches over, so recording costs the run little (the simulation stays single-threaded and
// deterministic; the thread only writes what the run already produced, in order). At most
// kMaxQueuedBatches wait; past that the simulation waits for the writer. Whatever happens, the file
// stays a valid SQLite database holding every committed batch: an interrupted run (Ctrl-C) is
// finished normally with status 'interrupted'; a full disk (SQLITE_FULL, also produced on purpose
// by max_bytes) stops recording, keeps what was committed, and marks status 'truncated' if it
// still can. Close() checkpoints the WAL back into the main file, so the trace is one file.
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

  // Creates (replacing) the trace file. On failure returns null with *error a clear message.
  // max_bytes > 0 bounds the file's size (SQLite's max_page_count).
  static std::unique_ptr<TraceRecorder> Create(const std::string& path,
                                               const TraceMetadata& metadata, int64_t max_bytes,
                                               std::string* error);
  ~TraceRecorder() override;

  void OnEvent(const TraceEventView& event) override;
  void RecordNode(int32_t id, const std::string& name, const std::string& role);

  // Commits everything, writes the final metadata and closes the file. `status` is complete,
  // interrupted or failed. Returns false (with error()) if the file could not be finished.
  bool Close(const std::string& status, const Digest& digest, int64_t event_count,
             int64_t end_time_us, const std::vector<std::pair<std::string, std::string>>& extra);

  // The process is about to die (a broken invariant): commits every event recorded so far, marks
  // the trace `aborted` with `reason` and closes it, so the file shows what led to the failure.
  // Nothing is recorded after it.
  void Abort(const std::string& reason);

  // Recording stopped early (disk full, I/O error): error() says why. Meaningful after Close.
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  int64_t recorded_events() const { return committed_events_; }
  const std::string& path() const { return path_; }

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

  explicit TraceRecorder(std::string path) : path_(std::move(path)) {}
  bool Exec(const char* sql);
  bool SetMeta(const std::string& key, const std::string& value);
  void Fail(const std::string& what);
  void StartWriter();
  void WriterLoop();
  void WriteBatch(const Batch& batch);  // on the writer thread
  std::string json_;                    // the writer thread's JSON buffer
  void HandOver();                      // the current batch to the writer
  void StopWriter();
  bool WriteSchema(const EventCatalog* catalog);  // the kinds and fields tables
  void WriteNodes();                              // the nodes table (after the writer stopped)
  void CloseFile();                               // checkpoint the WAL into the file, close it

  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  bool failed_ = false;  // written by the writer thread, read after it is joined
  std::string error_;
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
