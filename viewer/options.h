// The viewer's command line:
//   kafkasim-viewer --trace FILE [--at TIME] [--screenshot OUT.png] [--size WxH] [--font-size PX]
//   kafkasim-viewer --trace FILE --measure      (open and seek times, no window)
//   kafkasim-viewer (--trace FILE | SCENARIO) --measure-frames N [--speed X]   (frame times)
//   kafkasim-viewer SCENARIO [--seed N] [--speed X] [--save-scenario FILE] [--trace FILE]
// TIME is in seconds ("12.5") or with a unit ("12500ms", "12s").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/env/time.h"

namespace ks {

struct ViewerOptions {
  std::string trace_path;          // replay mode; in live mode, where the run is recorded at exit
  std::string scenario_path;       // live mode
  std::string save_scenario_path;  // live mode: the scenario + injected faults, written at exit
  std::optional<uint64_t> seed;
  std::optional<TimeUs> at_us;
  std::string screenshot_path;
  int width = 1600;
  int height = 1000;
  float font_size = 20.0f;
  float speed = 1.0f;
  bool measure = false;    // print the trace's open time and seek times, then exit (no window)
  int measure_frames = 0;  // > 0: time that many frames playing, then as many paused; print; exit
};

// False with *error (a one-line message) if the arguments are not a valid command line.
bool ParseViewerOptions(int argc, char** argv, ViewerOptions* options, std::string* error);
const char* ViewerUsage();

}  // namespace ks
