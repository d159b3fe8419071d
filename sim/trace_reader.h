// TraceReader: opens a trace written by TraceRecorder, checks that it is one (format name and a
// schema version this program understands) and reads its metadata and events. Used by
// `kafkasim verify-trace`, the tests' round trip, notebooks' documentation and the viewer.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/env/trace.h"
#include "sim/event_catalog.h"
#include "sim/trace_stream.h"

struct sqlite3;

namespace ks {

class TraceReader {
 public:
  // Null with *error if the file is missing, not SQLite, not a kafkasim trace, or of another
  // schema version. With a catalog (every kind the program knows), events are typed (their
  // kind_info set) and an event of an unknown kind stops the reading with an error; without one,
  // kind_info is null (only the kind's name and the encoded fields are read).
  static std::unique_ptr<TraceReader> Open(const std::string& path, std::string* error,
                                           const EventCatalog* catalog = nullptr);
  ~TraceReader();

  const std::map<std::string, std::string>& meta() const { return meta_; }
  std::string Meta(const std::string& key) const;
  struct NodeRow {
    int32_t id;
    std::string name;
    std::string role;
  };
  std::vector<NodeRow> Nodes() const;
  // Calls `visit` for every event in seq order; stops early if it returns false. False (with
  // *error) if the events cannot be read.
  bool ForEachEvent(const std::function<bool(const TraceEvent&)>& visit, std::string* error) const;
  // The same without copies: the views point into SQLite's row buffer and are valid only during
  // the call (the viewer copies them into its own arena).
  bool ForEachEventView(const std::function<bool(const TraceEventView&)>& visit,
                        std::string* error) const;
  std::vector<TraceEvent> ReadAllEvents(std::string* error) const;
  // For every event: its stored JSON text and the JSON its encoded fields render to (they must be
  // equal; verify-trace checks). Needs the catalog.
  bool ForEachStoredJson(const std::function<bool(int64_t seq, std::string_view json,
                                                  std::string_view rendered)>& visit,
                         std::string* error) const;

 private:
  TraceReader() = default;
  sqlite3* db_ = nullptr;
  const EventCatalog* catalog_ = nullptr;
  std::map<std::string, std::string> meta_;
};

}  // namespace ks
