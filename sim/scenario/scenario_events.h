// The scenario runner's trace events (docs/trace-schema.md, "World and scenario"; node -1).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "model/env/trace_event.h"

namespace ks::ev {

struct ScenarioBegin {
  static constexpr std::string_view kName = "scenario.begin";
  std::string_view name;
  int64_t seed = 0;
  int64_t run_for_us = 0;
  std::string_view description;
  static void Fields(auto& e, auto& v) {
    v("name", e.name);
    v("seed", e.seed);
    v("run_for_us", e.run_for_us);
    v("description", e.description);
  }
};

// A step of the timeline (or of `injected:`, a fault clicked in the viewer's live mode) runs.
struct ScenarioStep {
  static constexpr std::string_view kName = "scenario.step";
  int64_t index = 0;        // in `timeline:`, or in `injected:` for an injected step
  int32_t line = 0;         // in the scenario file
  std::string_view action;  // empty for a wait or a caption
  std::optional<std::string_view> caption;
  std::optional<bool> injected;  // present (true) only for an injected step
  std::optional<bool> nemesis;   // present (true) only for a step the nemesis drew
  static void Fields(auto& e, auto& v) {
    v("index", e.index);
    v("line", e.line);
    v("action", e.action);
    v("caption", e.caption);
    v("injected", e.injected);
    v("nemesis", e.nemesis);
  }
};

// A step with `expect_error:` was refused with that error, as expected (not a failure).
struct ScenarioStepRefused {
  static constexpr std::string_view kName = "scenario.step_refused";
  int32_t line = 0;
  std::string_view error;
  static void Fields(auto& e, auto& v) {
    v("line", e.line);
    v("error", e.error);
  }
};

struct ScenarioStepSkipped {
  static constexpr std::string_view kName = "scenario.step_skipped";
  int32_t line = 0;
  std::string_view error;
  static void Fields(auto& e, auto& v) {
    v("line", e.line);
    v("error", e.error);
  }
};

struct ScenarioStepFailed {
  static constexpr std::string_view kName = "scenario.step_failed";
  int32_t line = 0;
  std::string_view error;
  static void Fields(auto& e, auto& v) {
    v("line", e.line);
    v("error", e.error);
  }
};

struct ScenarioStepTimeout {
  static constexpr std::string_view kName = "scenario.step_timeout";
  int32_t line = 0;
  std::string_view condition;
  std::string_view last_value;
  static void Fields(auto& e, auto& v) {
    v("line", e.line);
    v("condition", e.condition);
    v("last_value", e.last_value);
  }
};

struct ScenarioExpect {
  static constexpr std::string_view kName = "scenario.expect";
  int32_t line = 0;
  std::string_view condition;
  bool passed = false;
  std::string_view actual;
  static void Fields(auto& e, auto& v) {
    v("line", e.line);
    v("condition", e.condition);
    v("passed", e.passed);
    v("actual", e.actual);
  }
};

struct ScenarioEnd {
  static constexpr std::string_view kName = "scenario.end";
  bool interrupted = false;
  int64_t failures = 0;
  int64_t expectations_failed = 0;
  static void Fields(auto& e, auto& v) {
    v("interrupted", e.interrupted);
    v("failures", e.failures);
    v("expectations_failed", e.expectations_failed);
  }
};

}  // namespace ks::ev
