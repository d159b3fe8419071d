// The checkers' trace event (docs/trace-schema.md, "Checkers"; node -1).
#pragma once

#include <cstdint>
#include <string_view>

#include "model/check/checkers.h"
#include "model/env/trace_event.h"
#include "model/kafka/topic_partition.h"

namespace ks::ev {

// A checker found a violation (model/check/checkers.h, sim/vocabulary/kafka_checks.h).
struct CheckerViolation {
  static constexpr std::string_view kName = "checker.violation";
  Checker checker = Checker::kLostWrites;
  TpRef tp;
  IntList<int64_t> offsets;
  IntList<int32_t> replicas;
  std::string_view detail;
  int64_t seed = 0;
  static void Fields(auto& e, auto& v) {
    v("checker", e.checker);
    v("tp", e.tp);
    v("offsets", e.offsets);
    v("replicas", e.replicas);
    v("detail", e.detail);
    v("seed", e.seed);
  }
};

// At the end of a run, acknowledged writes a partition does not serve because it has no leader,
// while some replica may still hold them (on a live replica's log, or on the disk of a replica
// whose broker is down): unavailable, not lost. The lost_writes checker does not count them.
struct CheckerUnavailable {
  static constexpr std::string_view kName = "checker.unavailable";
  TpRef tp;
  int64_t writes = 0;              // acknowledged writes not in any committed log
  int64_t on_live_replicas = 0;    // of them, found in a live replica's log (above its HW)
  IntList<int32_t> replicas_down;  // replicas whose broker is not running
  static void Fields(auto& e, auto& v) {
    v("tp", e.tp);
    v("writes", e.writes);
    v("on_live_replicas", e.on_live_replicas);
    v("replicas_down", e.replicas_down);
  }
};

}  // namespace ks::ev
