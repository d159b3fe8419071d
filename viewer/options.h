// The viewer's command line:
//   kafkasim-viewer --trace FILE [--at TIME] [--screenshot OUT.png] [--size WxH] [--font-size PX]
//   kafkasim-viewer --trace FILE --measure      (open and seek times, no window)
//   kafkasim-viewer SCENARIO [--seed N] [--speed X]
// TIME is in seconds ("12.5") or with a unit ("12500ms", "12s").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/env/time.h"

namespace ks {

struct ViewerOptions {
  std::string trace_path;     // replay mode
  std::string scenario_path;  // live mode
  std::optional<uint64_t> seed;
  std::optional<TimeUs> at_us;
  std::string screenshot_path;
  int width = 1600;
  int height = 1000;
  float font_size = 20.0f;
  float speed = 1.0f;
  bool measure = false;  // print the trace's open time and seek times, then exit (no window)
};

// False with *error (a one-line message) if the arguments are not a valid command line.
bool ParseViewerOptions(int argc, char** argv, ViewerOptions* options, std::string* error);
const char* ViewerUsage();

}  // namespace ks
