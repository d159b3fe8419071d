#include "sim/trace_reader.h"

#include <sqlite3.h>

#include <charconv>

#include "sim/trace_recorder.h"

namespace ks {

std::unique_ptr<TraceReader> TraceReader::Open(const std::string& path, std::string* error,
                                               const EventCatalog* catalog) {
  std::unique_ptr<TraceReader> reader(new TraceReader());
  reader->catalog_ = catalog;
  // One thread uses a reader, so SQLite's per-call mutex is only overhead (a third of the time
  // spent reading a trace's events).
  if (sqlite3_open_v2(path.c_str(), &reader->db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    *error = "cannot open '" + path +
             "': " + (reader->db_ ? sqlite3_errmsg(reader->db_) : "out of memory");
    return nullptr;
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(reader->db_, "SELECT key, value FROM meta", -1, &statement, nullptr) !=
      SQLITE_OK) {
    *error = "'" + path + "' is not a kafkasim trace (" + sqlite3_errmsg(reader->db_) + ")";
    return nullptr;
  }
  int rc;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    const char* key = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    const char* value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 1));
    reader->meta_[key ? key : ""] = value ? value : "";
  }
  sqlite3_finalize(statement);
  if (rc != SQLITE_DONE) {
    *error = "'" + path + "' is corrupt: " + sqlite3_errmsg(reader->db_);
    return nullptr;
  }
  if (reader->Meta("format") != kTraceFormatName) {
    *error = "'" + path + "' is not a kafkasim trace (its meta table has no format '" +
             kTraceFormatName + "')";
    return nullptr;
  }
  const std::string version = reader->Meta("schema_version");
  int number = -1;
  std::from_chars(version.data(), version.data() + version.size(), number);
  if (number != kTraceSchemaVersion) {
    const bool older = number >= 1 && number < kTraceSchemaVersion;
    *error = "'" + path + "' has trace schema version " + version + "; this kafkasim reads " +
             std::to_string(kTraceSchemaVersion) +
             (older ? " (an older kafkasim wrote it: run its scenario again to record it anew)"
                    : " (a newer kafkasim wrote it)");
    return nullptr;
  }
  return reader;
}

TraceReader::~TraceReader() {
  if (db_ != nullptr) sqlite3_close(db_);
}

std::string TraceReader::Meta(const std::string& key) const {
  auto it = meta_.find(key);
  return it == meta_.end() ? std::string() : it->second;
}

std::vector<TraceReader::NodeRow> TraceReader::Nodes() const {
  std::vector<NodeRow> rows;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT id, name, role FROM nodes ORDER BY id", -1, &statement,
                         nullptr) != SQLITE_OK) {
    return rows;
  }
  while (sqlite3_step(statement) == SQLITE_ROW) {
    rows.push_back(NodeRow{sqlite3_column_int(statement, 0),
                           reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)),
                           reinterpret_cast<const char*>(sqlite3_column_text(statement, 2))});
  }
  sqlite3_finalize(statement);
  return rows;
}

bool TraceReader::ForEachEvent(const std::function<bool(const TraceEvent&)>& visit,
                               std::string* error) const {
  TraceEvent event;
  return ForEachEventView(
      [&](const TraceEventView& view) {
        event.seq = view.seq;
        event.time_us = view.time_us;
        event.node = view.node;
        event.kind.assign(view.kind);
        event.kind_info = view.kind_info;
        event.data.assign(view.data);
        return visit(event);
      },
      error);
}

bool TraceReader::ForEachEventView(const std::function<bool(const TraceEventView&)>& visit,
                                   std::string* error) const {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT seq, time_us, node, kind, data FROM events ORDER BY seq", -1,
                         &statement, nullptr) != SQLITE_OK) {
    *error = std::string("cannot read events: ") + sqlite3_errmsg(db_);
    return false;
  }
  // Text first, then its length: sqlite3_column_bytes after sqlite3_column_text is the length of
  // that UTF-8 text, without a conversion.
  auto text = [statement](int column) {
    const char* data = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
    const int size = sqlite3_column_bytes(statement, column);
    return data == nullptr ? std::string_view() : std::string_view(data, static_cast<size_t>(size));
  };
  int rc;
  bool known = true;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    const std::string_view kind = text(3);
    const char* blob = static_cast<const char*>(sqlite3_column_blob(statement, 4));
    const std::string_view data =
        blob == nullptr
            ? std::string_view()
            : std::string_view(blob, static_cast<size_t>(sqlite3_column_bytes(statement, 4)));
    const EventKind* kind_info = catalog_ != nullptr ? catalog_->Find(kind) : nullptr;
    if (catalog_ != nullptr && kind_info == nullptr) {
      *error = "event " + std::to_string(sqlite3_column_int64(statement, 0)) +
               " is of a kind this kafkasim does not know ('" + std::string(kind) +
               "'): another version of kafkasim wrote the trace";
      known = false;
      break;
    }
    const TraceEventView event{sqlite3_column_int64(statement, 0),
                               sqlite3_column_int64(statement, 1),
                               sqlite3_column_int(statement, 2),
                               kind,
                               kind_info,
                               data};
    if (!visit(event)) break;
  }
  const bool ok = known && (rc == SQLITE_ROW || rc == SQLITE_DONE);
  if (known && !ok) *error = std::string("cannot read events: ") + sqlite3_errmsg(db_);
  sqlite3_finalize(statement);
  return ok;
}

bool TraceReader::ForEachStoredJson(
    const std::function<bool(int64_t seq, std::string_view json, std::string_view rendered)>& visit,
    std::string* error) const {
  sqlite3_stmt* statement = nullptr;
  if (catalog_ == nullptr ||
      sqlite3_prepare_v2(db_, "SELECT seq, kind, fields, data FROM events ORDER BY seq", -1,
                         &statement, nullptr) != SQLITE_OK) {
    *error = catalog_ == nullptr ? "no event catalog"
                                 : std::string("cannot read events: ") + sqlite3_errmsg(db_);
    return false;
  }
  std::string rendered;
  int rc;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    auto column = [statement](int i) {
      const char* data = static_cast<const char*>(sqlite3_column_blob(statement, i));
      return data == nullptr
                 ? std::string_view()
                 : std::string_view(data, static_cast<size_t>(sqlite3_column_bytes(statement, i)));
    };
    const EventKind* kind = catalog_->Find(column(1));
    rendered = RenderEventJson(kind, column(3));
    if (!visit(sqlite3_column_int64(statement, 0), column(2), rendered)) break;
  }
  const bool ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
  if (!ok) *error = std::string("cannot read events: ") + sqlite3_errmsg(db_);
  sqlite3_finalize(statement);
  return ok;
}

std::vector<TraceEvent> TraceReader::ReadAllEvents(std::string* error) const {
  std::vector<TraceEvent> events;
  ForEachEvent(
      [&](const TraceEvent& e) {
        events.push_back(e);
        return true;
      },
      error);
  return events;
}

}  // namespace ks
