#include "sim/trace_recorder.h"

#include <sqlite3.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "model/env/check.h"

namespace ks {

namespace {

const char* kSchema = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE nodes (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL);
CREATE TABLE kinds (name TEXT PRIMARY KEY);
CREATE TABLE fields (
  kind     TEXT NOT NULL,
  position INTEGER NOT NULL,
  name     TEXT NOT NULL,
  type     TEXT NOT NULL,
  optional INTEGER NOT NULL,
  elements TEXT NOT NULL,
  PRIMARY KEY (kind, position)
);
CREATE TABLE events (
  seq     INTEGER PRIMARY KEY,
  time_us INTEGER NOT NULL,
  node    INTEGER NOT NULL,
  kind    TEXT NOT NULL,
  fields  TEXT NOT NULL,
  data    BLOB NOT NULL
);
)sql";

// Space kept in the file while recording (a meta row of zeros, deleted by the final transaction),
// so that the final metadata and nodes reuse its pages when the disk or the size limit is full.
const char* kReserve =
    "INSERT INTO meta(key, value) VALUES ('reserve', CAST(zeroblob(16384) AS TEXT))";

}  // namespace

bool TraceRecorder::IsTraceFile(const std::string& path, std::string* why) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) return true;
  if (status.type() == std::filesystem::file_type::directory) {
    *why = "is a directory";
    return false;
  }
  if (status.type() != std::filesystem::file_type::regular) {
    *why = ec ? "cannot be examined (" + ec.message() + ")"
              : "is not a regular file (a device, pipe or socket)";
    return false;
  }
  if (std::filesystem::file_size(path, ec) == 0 && !ec) return true;  // nothing to lose
  // SQLite's file header, then the meta table's format (any schema version: an older trace is
  // still a trace).
  char header[16] = {};
  std::ifstream file(path, std::ios::binary);
  if (!file.read(header, sizeof header) || std::memcmp(header, "SQLite format 3", 16) != 0) {
    *why = "is not a kafkasim trace (not an SQLite file)";
    return false;
  }
  sqlite3* db = nullptr;
  sqlite3_stmt* statement = nullptr;
  bool trace = false;
  bool readable = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK;
  std::string sqlite_error;
  if (readable) {
    const int rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'format'", -1,
                                      &statement, nullptr);
    // No meta table is an SQLite file of another program; any other failure is unreadable.
    if (rc != SQLITE_OK && std::string_view(sqlite3_errmsg(db)).find("no such table") ==
                               std::string_view::npos) {
      readable = false;
    }
  }
  if (!readable) sqlite_error = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  if (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
    const unsigned char* format = sqlite3_column_text(statement, 0);
    trace = format != nullptr &&
            reinterpret_cast<const char*>(format) == std::string_view(kTraceFormatName);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  if (!readable) {
    *why = "is an SQLite file kafkasim cannot read (" + sqlite_error + ")";
  } else if (!trace) {
    *why = "is an SQLite file but not a kafkasim trace (no meta format 'kafkasim-trace')";
  }
  return trace;
}

std::unique_ptr<TraceRecorder> TraceRecorder::Create(const std::string& path,
                                                     const TraceMetadata& metadata,
                                                     int64_t max_bytes, std::string* error) {
  KS_CHECK_MSG(max_bytes >= 0, "the trace size limit is validated by the caller");
  std::string why;
  if (!IsTraceFile(path, &why)) {
    *error = "'" + path + "' " + why +
             ": kafkasim replaces only a kafkasim trace, and leaves this file alone";
    return nullptr;
  }
  // Written beside the path (the same file system, so the final rename is atomic) under a name of
  // this process; a leftover of the same name is a trace of an earlier process with this id.
  const std::string temporary = path + ".recording-" + std::to_string(::getpid());
  if (!IsTraceFile(temporary, &why)) {
    *error = "'" + temporary + "' " + why + ": kafkasim needs that name for the trace it writes";
    return nullptr;
  }
  for (const std::string& file : {temporary, temporary + "-journal"}) std::remove(file.c_str());
  std::unique_ptr<TraceRecorder> recorder(new TraceRecorder(path, temporary, max_bytes));
  // Whatever fails below leaves no temporary file behind.
  const auto give_up = [&](const std::string& message) {
    *error = message;
    recorder.reset();
    for (const std::string& file : {temporary, temporary + "-journal"}) std::remove(file.c_str());
    return nullptr;
  };
  // No per-call mutex: the connection is used by one thread at a time (this one until the writer
  // starts, the writer until it is joined, then this one again).
  const int rc = sqlite3_open_v2(temporary.c_str(), &recorder->db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    return give_up("cannot create the trace file '" + temporary + "' (for '" + path + "'): " +
                   (recorder->db_ ? sqlite3_errmsg(recorder->db_) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(recorder->db_, 1);
  // A rollback journal, not a WAL: each commit leaves every event in the one file, and a commit
  // that fails for space is undone in place (see the header). No fsync per commit
  // (synchronous=OFF): a process that dies keeps every committed batch (only an OS crash could
  // lose one), and recording stays cheap.
  if (!recorder->Exec("PRAGMA page_size=4096") || !recorder->Exec("PRAGMA journal_mode=DELETE") ||
      !recorder->Exec("PRAGMA synchronous=OFF") || !recorder->Exec("PRAGMA cache_size=-32768")) {
    return give_up("cannot write the trace file '" + temporary + "': " + recorder->error_);
  }
  if (max_bytes > 0) {
    const std::string pragma =
        "PRAGMA max_page_count=" + std::to_string(std::max<int64_t>(1, max_bytes / kPageBytes));
    recorder->Exec(pragma.c_str());
  }
  const bool meta_ok =
      recorder->Exec(kSchema) && recorder->Exec("BEGIN") &&
      recorder->SetMeta("format", kTraceFormatName) &&
      recorder->SetMeta("schema_version", std::to_string(kTraceSchemaVersion)) &&
      recorder->SetMeta("program_version", metadata.program_version) &&
      recorder->SetMeta("scenario_path", metadata.scenario_path) &&
      recorder->SetMeta("scenario_name", metadata.scenario_name) &&
      recorder->SetMeta("scenario_text", metadata.scenario_text) &&
      recorder->SetMeta("seed", std::to_string(metadata.seed)) &&
      recorder->SetMeta("config", metadata.config_json) &&
      recorder->SetMeta("reproduce", metadata.reproduce) &&
      recorder->SetMeta("wall_clock_start_ms", std::to_string(metadata.wall_clock_start_ms)) &&
      recorder->SetMeta("status", "running") && recorder->WriteSchema(metadata.events) &&
      recorder->Exec(kReserve) && recorder->Exec("COMMIT");
  if (!meta_ok) {
    const bool full = (sqlite3_extended_errcode(recorder->db_) & 0xff) == SQLITE_FULL;
    if (full && max_bytes > 0) {
      return give_up("the trace size limit (" + std::to_string(max_bytes) +
                     " bytes) is too small for the trace's header (its schema and scenario, " +
                     "and the space kept for the final metadata): raise --trace-max-bytes");
    }
    return give_up("cannot write the trace file '" + temporary + "': " + recorder->error_);
  }
  if (sqlite3_prepare_v2(recorder->db_,
                         "INSERT INTO events(seq, time_us, node, kind, fields, data) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         -1, &recorder->insert_, nullptr) != SQLITE_OK) {
    return give_up("cannot prepare the trace insert: " +
                   std::string(sqlite3_errmsg(recorder->db_)));
  }
  recorder->failed_ = false;
  recorder->error_.clear();
  recorder->StartWriter();
  return recorder;
}

TraceRecorder::~TraceRecorder() {
  StopWriter();
  if (insert_ != nullptr) sqlite3_finalize(insert_);
  if (db_ != nullptr) sqlite3_close(db_);
}

void TraceRecorder::StartWriter() {
  current_.rows.reserve(kBatchEvents);
  writer_ = std::thread([this] { WriterLoop(); });
}

void TraceRecorder::StopWriter() {
  if (!writer_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  writer_.join();
}

void TraceRecorder::WriterLoop() {
  while (true) {
    Batch batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    changed_.notify_all();  // room in the queue
    if (!failed_) WriteBatch(batch);
  }
}

void TraceRecorder::HandOver() {
  if (current_.rows.empty()) return;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return queue_.size() < kMaxQueuedBatches; });
    queue_.push_back(std::move(current_));
  }
  changed_.notify_all();
  current_ = Batch();
  current_.rows.reserve(kBatchEvents);
}

void TraceRecorder::WriteBatch(const Batch& batch) { WriteRows(batch, 0, batch.rows.size()); }

size_t TraceRecorder::WriteRows(const Batch& batch, size_t begin, size_t end) {
  const int rc = InsertRows(batch, begin, end);
  if (rc == SQLITE_OK) {
    committed_events_ += static_cast<int64_t>(end - begin);
    return end - begin;
  }
  if ((rc & 0xff) != SQLITE_FULL || end - begin == 1) {
    Fail("recording stopped after " + std::to_string(committed_events_) + " events", rc);
    return 0;
  }
  // Full: the first half may still fit, then perhaps part of the second (the longest prefix).
  const size_t middle = begin + (end - begin) / 2;
  const size_t first = WriteRows(batch, begin, middle);
  if (failed_) return first;
  return first + WriteRows(batch, middle, end);
}

int TraceRecorder::InsertRows(const Batch& batch, size_t begin, size_t end) {
  int rc = sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr);
  for (size_t i = begin; rc == SQLITE_OK && i < end; ++i) {
    const Batch::Row& row = batch.rows[i];
    sqlite3_bind_int64(insert_, 1, row.seq);
    sqlite3_bind_int64(insert_, 2, row.time_us);
    sqlite3_bind_int(insert_, 3, row.node);
    const std::string_view data(batch.data.data() + row.data_offset, row.data_size);
    json_.clear();
    if (!row.kind->render_json(data, &json_)) json_ = "{}";
    sqlite3_bind_text(insert_, 4, row.kind->name.data(), static_cast<int>(row.kind->name.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(insert_, 5, json_.data(), static_cast<int>(json_.size()), SQLITE_STATIC);
    sqlite3_bind_blob(insert_, 6, data.data(), static_cast<int>(data.size()), SQLITE_STATIC);
    rc = sqlite3_step(insert_);
    sqlite3_reset(insert_);
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
  }
  if (rc == SQLITE_OK) rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    // The failed transaction is rolled back; every earlier one stays committed and readable.
    last_error_ = sqlite3_errmsg(db_);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return rc;
}

bool TraceRecorder::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    error_ = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return false;
  }
  return true;
}

bool TraceRecorder::SetMeta(const std::string& key, const std::string& value) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", -1,
                         &statement, nullptr) != SQLITE_OK) {
    error_ = sqlite3_errmsg(db_);
    return false;
  }
  sqlite3_bind_text(statement, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(statement, 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  const bool ok = sqlite3_step(statement) == SQLITE_DONE;
  if (!ok) error_ = sqlite3_errmsg(db_);
  sqlite3_finalize(statement);
  return ok;
}

void TraceRecorder::Fail(const std::string& what, int code) {
  failed_ = true;
  const bool full = (code & 0xff) == SQLITE_FULL;
  error_ = what + ": " + last_error_ +
           (full ? " (the disk, or the trace size limit, is full)" : "");
}

void TraceRecorder::OnEvent(const TraceEventView& event) {
  Batch::Row row;
  row.seq = event.seq;
  row.time_us = event.time_us;
  row.node = event.node;
  row.kind = event.kind_info;
  row.data_offset = static_cast<uint32_t>(current_.data.size());
  row.data_size = static_cast<uint32_t>(event.data.size());
  current_.data.append(event.data);
  current_.rows.push_back(row);
  if (current_.rows.size() >= static_cast<size_t>(kBatchEvents)) HandOver();
}

void TraceRecorder::Abort(const std::string& reason) {
  if (db_ == nullptr) return;
  HandOver();  // the partial batch too: the events just before the failure matter most
  StopWriter();
  Finish({{"status", failed_ ? "truncated" : "aborted"},
          {"abort_reason", reason},
          {"recorded_events", std::to_string(committed_events_)}});
}

bool TraceRecorder::WriteSchema(const EventCatalog* catalog) {
  if (catalog == nullptr) return true;
  sqlite3_stmt* kind_row = nullptr;
  sqlite3_stmt* field_row = nullptr;
  bool ok = sqlite3_prepare_v2(db_, "INSERT INTO kinds(name) VALUES (?)", -1, &kind_row, nullptr) ==
                SQLITE_OK &&
            sqlite3_prepare_v2(db_,
                               "INSERT INTO fields(kind, position, name, type, optional, "
                               "elements) VALUES (?, ?, ?, ?, ?, ?)",
                               -1, &field_row, nullptr) == SQLITE_OK;
  for (const EventKind* kind : catalog->kinds()) {
    if (!ok) break;
    sqlite3_bind_text(kind_row, 1, kind->name.data(), static_cast<int>(kind->name.size()),
                      SQLITE_STATIC);
    ok = sqlite3_step(kind_row) == SQLITE_DONE;
    sqlite3_reset(kind_row);
    for (size_t i = 0; ok && i < kind->fields.size(); ++i) {
      const EventField& field = kind->fields[i];
      sqlite3_bind_text(field_row, 1, kind->name.data(), static_cast<int>(kind->name.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int(field_row, 2, static_cast<int>(i));
      sqlite3_bind_text(field_row, 3, field.key.data(), static_cast<int>(field.key.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(field_row, 4, field.type.data(), static_cast<int>(field.type.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int(field_row, 5, field.optional ? 1 : 0);
      // A list's elements as "name:type,name:type" (positions in each element's JSON array).
      std::string elements;
      for (const EventField& element : field.elements) {
        elements += (elements.empty() ? "" : ",") + std::string(element.key) + ":" +
                    std::string(element.type) + (element.optional ? "?" : "");
      }
      sqlite3_bind_text(field_row, 6, elements.data(), static_cast<int>(elements.size()),
                        SQLITE_TRANSIENT);
      ok = sqlite3_step(field_row) == SQLITE_DONE;
      sqlite3_reset(field_row);
    }
  }
  if (!ok) error_ = sqlite3_errmsg(db_);
  sqlite3_finalize(kind_row);
  sqlite3_finalize(field_row);
  return ok;
}

bool TraceRecorder::Finish(const std::vector<std::pair<std::string, std::string>>& meta) {
  // One transaction whose journal is in memory, freeing the reserve first: on a full disk (or at
  // the size limit) it reuses the reserve's pages in place and needs no new space.
  Exec("PRAGMA journal_mode=MEMORY");
  bool ok = Exec("BEGIN") && Exec("DELETE FROM meta WHERE key = 'reserve'") && WriteNodes();
  for (const auto& [key, value] : meta) ok = ok && SetMeta(key, value);
  ok = ok && Exec("COMMIT");
  if (!ok) {
    last_error_ = sqlite3_errmsg(db_);
    const int code = sqlite3_extended_errcode(db_);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    if (!failed_) Fail("cannot write the trace's final metadata", code);
  }
  CloseFile();
  return ok;
}

bool TraceRecorder::WriteNodes() {
  sqlite3_stmt* statement = nullptr;
  bool ok = sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO nodes(id, name, role) VALUES (?, ?, ?)",
                               -1, &statement, nullptr) == SQLITE_OK;
  for (const auto& [id, name, role] : nodes_) {
    if (!ok) break;
    sqlite3_bind_int(statement, 1, id);
    sqlite3_bind_text(statement, 2, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(statement, 3, role.c_str(), -1, SQLITE_TRANSIENT);
    ok = sqlite3_step(statement) == SQLITE_DONE;
    sqlite3_reset(statement);
  }
  sqlite3_finalize(statement);
  return ok;
}

void TraceRecorder::CloseFile() {
  sqlite3_finalize(insert_);
  insert_ = nullptr;
  const int rc = sqlite3_close(db_);
  db_ = nullptr;
  if (rc != SQLITE_OK && !failed_) {
    failed_ = true;
    error_ = "closing the trace failed";
  }
  // The file replaces what is at the path, if that is still a trace (something else may have
  // appeared there during the run), with its journal files: a stale one would be applied to it.
  std::string why;
  if (!IsTraceFile(path_, &why)) {
    failed_ = true;
    error_ = "'" + path_ + "' " + why + " (it appeared during the run); the trace is in '" +
             temporary_path_ + "'";
    return;
  }
  for (const char* suffix : {"-journal", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  if (std::rename(temporary_path_.c_str(), path_.c_str()) != 0) {
    failed_ = true;
    error_ = "cannot rename '" + temporary_path_ + "' to '" + path_ +
             "': " + std::strerror(errno) + "; the trace is in '" + temporary_path_ + "'";
  }
}

void TraceRecorder::RecordNode(int32_t id, const std::string& name, const std::string& role) {
  nodes_.emplace_back(id, name, role);  // written by Close, once the writer is done
}

bool TraceRecorder::Close(const std::string& status, const Digest& digest, int64_t event_count,
                          int64_t end_time_us,
                          const std::vector<std::pair<std::string, std::string>>& extra) {
  if (db_ == nullptr) return !failed_;
  HandOver();
  StopWriter();
  const bool was_failed = failed_;
  // Attempted even after a failure, so a truncated trace says so.
  std::vector<std::pair<std::string, std::string>> meta = {
      {"status", failed_ ? "truncated" : status},
      {"digest", digest.Hex()},
      {"event_count", std::to_string(event_count)},
      {"recorded_events", std::to_string(committed_events_)},
      {"end_time_us", std::to_string(end_time_us)}};
  meta.insert(meta.end(), extra.begin(), extra.end());
  const bool ok = Finish(meta);
  return !was_failed && !failed_ && ok;
}

}  // namespace ks
