// TraceRecorder: writes a run's trace to an SQLite file (schema: docs/trace-schema.md).
//
// Events are inserted with one prepared statement inside batched transactions (a commit every
// kBatchEvents events), with the journal in WAL mode while recording. Whatever happens, the file
// stays a valid SQLite database holding every committed batch: an interrupted run (Ctrl-C) is
// finished normally with status 'interrupted'; a full disk (SQLITE_FULL, also produced on purpose
// by max_bytes) stops recording, keeps what was committed, and marks status 'truncated' if it
// still can. Close() checkpoints the WAL back into the main file, so the trace is one file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/trace_stream.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ks {

constexpr int kTraceSchemaVersion = 1;
constexpr const char* kTraceFormatName = "kafkasim-trace";

struct TraceMetadata {
  std::string program_version;
  std::string scenario_path;
  std::string scenario_name;
  std::string scenario_text;
  uint64_t seed = 0;
  std::string config_json;   // the world's options, as JSON
  std::string reproduce;     // the command that reproduces the run
};

class TraceRecorder final : public TraceSink {
 public:
  static constexpr int kBatchEvents = 8192;

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

  // Recording stopped early (disk full, I/O error): error() says why.
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  int64_t recorded_events() const { return committed_events_; }
  const std::string& path() const { return path_; }

 private:
  explicit TraceRecorder(std::string path) : path_(std::move(path)) {}
  bool Exec(const char* sql);
  bool SetMeta(const std::string& key, const std::string& value);
  bool Commit();
  void Fail(const std::string& what);

  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  bool in_transaction_ = false;
  bool failed_ = false;
  std::string error_;
  int64_t pending_events_ = 0;
  int64_t committed_events_ = 0;
};

}  // namespace ks
