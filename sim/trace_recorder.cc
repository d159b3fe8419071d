#include "sim/trace_recorder.h"

#include <sqlite3.h>

#include <cstdio>

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

}  // namespace

std::unique_ptr<TraceRecorder> TraceRecorder::Create(const std::string& path,
                                                     const TraceMetadata& metadata,
                                                     int64_t max_bytes, std::string* error) {
  // A fresh trace replaces any previous one, including its WAL and shared-memory files.
  for (const std::string& file : {path, path + "-wal", path + "-shm", path + "-journal"}) {
    std::remove(file.c_str());
  }
  std::unique_ptr<TraceRecorder> recorder(new TraceRecorder(path));
  // No per-call mutex: the connection is used by one thread at a time (this one until the writer
  // starts, the writer until it is joined, then this one again).
  const int rc = sqlite3_open_v2(path.c_str(), &recorder->db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    *error = "cannot create the trace file '" + path +
             "': " + (recorder->db_ ? sqlite3_errmsg(recorder->db_) : sqlite3_errstr(rc));
    return nullptr;
  }
  sqlite3_extended_result_codes(recorder->db_, 1);
  // WAL while recording; no fsync per commit (synchronous=OFF): a process that dies keeps every
  // committed batch (SQLite's WAL is consistent without fsync unless the OS itself crashes), and
  // recording stays cheap. The WAL is checkpointed rarely and once at Close.
  if (!recorder->Exec("PRAGMA journal_mode=WAL") || !recorder->Exec("PRAGMA synchronous=OFF") ||
      !recorder->Exec("PRAGMA wal_autocheckpoint=16384") ||
      !recorder->Exec("PRAGMA cache_size=-32768") || !recorder->Exec(kSchema)) {
    *error = "cannot write the trace file '" + path + "': " + recorder->error_;
    return nullptr;
  }
  if (max_bytes > 0) {
    const std::string pragma =
        "PRAGMA max_page_count=" + std::to_string(std::max<int64_t>(8, max_bytes / 4096));
    recorder->Exec("PRAGMA page_size=4096");
    recorder->Exec(pragma.c_str());
  }
  const bool meta_ok =
      recorder->Exec("BEGIN") && recorder->SetMeta("format", kTraceFormatName) &&
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
      recorder->Exec("COMMIT");
  if (!meta_ok) {
    *error = "cannot write the trace file '" + path + "': " + recorder->error_;
    return nullptr;
  }
  if (sqlite3_prepare_v2(recorder->db_,
                         "INSERT INTO events(seq, time_us, node, kind, fields, data) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         -1, &recorder->insert_, nullptr) != SQLITE_OK) {
    *error = "cannot prepare the trace insert: " + std::string(sqlite3_errmsg(recorder->db_));
    return nullptr;
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

void TraceRecorder::WriteBatch(const Batch& batch) {
  if (!Exec("BEGIN")) {
    Fail("recording stopped after " + std::to_string(committed_events_) + " events");
    return;
  }
  for (const Batch::Row& row : batch.rows) {
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
    const int rc = sqlite3_step(insert_);
    sqlite3_reset(insert_);
    if (rc != SQLITE_DONE) {
      Fail("recording stopped after " + std::to_string(committed_events_) + " events");
      return;
    }
  }
  if (!Exec("COMMIT")) {
    Fail("recording stopped after " + std::to_string(committed_events_) + " events");
    return;
  }
  committed_events_ += static_cast<int64_t>(batch.rows.size());
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

void TraceRecorder::Fail(const std::string& what) {
  failed_ = true;
  const int code = sqlite3_errcode(db_);
  const bool full = (code & 0xff) == SQLITE_FULL;
  error_ = what + ": " + sqlite3_errmsg(db_) +
           (full ? " (the disk, or the trace size limit, is full)" : "");
  // The failed batch is rolled back; every earlier batch stays committed and readable.
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
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
  HandOver();
  StopWriter();
  WriteNodes();
  const bool ok = Exec("BEGIN") && SetMeta("status", failed_ ? "truncated" : "aborted") &&
                  SetMeta("abort_reason", reason) &&
                  SetMeta("recorded_events", std::to_string(committed_events_)) && Exec("COMMIT");
  if (!ok) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  CloseFile();
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

void TraceRecorder::WriteNodes() {
  for (const auto& [id, name, role] : nodes_) {
    if (failed_) break;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO nodes(id, name, role) VALUES (?, ?, ?)", -1,
                           &statement, nullptr) != SQLITE_OK) {
      break;
    }
    sqlite3_bind_int(statement, 1, id);
    sqlite3_bind_text(statement, 2, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(statement, 3, role.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(statement) != SQLITE_DONE) Fail("cannot record node " + name);
    sqlite3_finalize(statement);
  }
}

void TraceRecorder::CloseFile() {
  // Back to a single self-contained file.
  sqlite3_exec(db_, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  sqlite3_exec(db_, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  sqlite3_finalize(insert_);
  insert_ = nullptr;
  const int rc = sqlite3_close(db_);
  db_ = nullptr;
  if (rc != SQLITE_OK && !failed_) {
    failed_ = true;
    error_ = "closing the trace failed";
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
  WriteNodes();
  // Final metadata: attempted even after a failure, so a truncated trace says so if it can.
  const std::string final_status = failed_ ? "truncated" : status;
  bool ok = Exec("BEGIN") && SetMeta("status", final_status) && SetMeta("digest", digest.Hex()) &&
            SetMeta("event_count", std::to_string(event_count)) &&
            SetMeta("recorded_events", std::to_string(committed_events_)) &&
            SetMeta("end_time_us", std::to_string(end_time_us));
  for (const auto& [key, value] : extra) ok = ok && SetMeta(key, value);
  ok = ok && Exec("COMMIT");
  if (!ok) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  CloseFile();
  return !was_failed && !failed_ && ok;
}

}  // namespace ks
