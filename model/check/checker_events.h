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

}  // namespace ks::ev
