#include "viewer/options.h"

#include <cstdlib>
#include <string_view>

namespace ks {
namespace {

bool ParseTime(std::string_view text, TimeUs* out) {
  double scale = 1e6;
  if (text.ends_with("ms")) {
    scale = 1e3;
    text.remove_suffix(2);
  } else if (text.ends_with("us")) {
    scale = 1;
    text.remove_suffix(2);
  } else if (text.ends_with("s")) {
    text.remove_suffix(1);
  }
  const std::string number(text);
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || value < 0) return false;
  *out = static_cast<TimeUs>(value * scale);
  return true;
}

bool ParseSize(const std::string& text, int* width, int* height) {
  const size_t x = text.find('x');
  if (x == std::string::npos) return false;
  *width = std::atoi(text.substr(0, x).c_str());
  *height = std::atoi(text.substr(x + 1).c_str());
  return *width >= 200 && *height >= 150 && *width <= 8192 && *height <= 8192;
}

}  // namespace

const char* ViewerUsage() {
  return "usage: kafkasim-viewer --trace FILE [--at TIME] [--screenshot OUT.png] [--size WxH]\n"
         "                       [--font-size PX]\n"
         "       kafkasim-viewer --trace FILE --measure   (open and seek times, no window)\n"
         "       kafkasim-viewer (--trace FILE | SCENARIO.yaml) --measure-frames N [--speed X]\n"
         "                       (N frames playing, N paused, vsync off, 1/60 s of wall time a\n"
         "                       frame; prints frame times, then exits)\n"
         "       kafkasim-viewer SCENARIO.yaml [--seed N] [--speed X]   (live mode)\n"
         "                       [--save-scenario FILE] [--trace FILE]\n"
         "Live mode: click a node for faults (crash, kill, restart, pause, resume, isolate,\n"
         "cut a link, heal); drag from one node to another to cut that link. Injecting after\n"
         "scrubbing back forks a new run from that time (same seed: the past is identical).\n"
         "At exit the scenario plus the injected faults is written to --save-scenario FILE\n"
         "(default out/scenarios/NAME-live-seedN.yaml, if any fault was injected) and the\n"
         "command that reproduces the run is printed; --trace FILE records the run as well.\n"
         "TIME: seconds (12.5) or with a unit (12500ms, 12s).\n";
}

bool ParseViewerOptions(int argc, char** argv, ViewerOptions* options, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        *error = arg + " needs a value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    std::string text;
    if (arg == "--trace") {
      if (!value(&options->trace_path)) return false;
    } else if (arg == "--save-scenario") {
      if (!value(&options->save_scenario_path)) return false;
    } else if (arg == "--measure") {
      options->measure = true;
    } else if (arg == "--measure-frames") {
      if (!value(&text)) return false;
      options->measure_frames = std::atoi(text.c_str());
      if (options->measure_frames < 1 || options->measure_frames > 1'000'000) {
        *error = "--measure-frames: expected 1 to 1000000 frames, got " + text;
        return false;
      }
    } else if (arg == "--screenshot") {
      if (!value(&options->screenshot_path)) return false;
    } else if (arg == "--at") {
      TimeUs at = 0;
      if (!value(&text)) return false;
      if (!ParseTime(text, &at)) {
        *error = "--at: not a time: " + text;
        return false;
      }
      options->at_us = at;
    } else if (arg == "--size") {
      if (!value(&text)) return false;
      if (!ParseSize(text, &options->width, &options->height)) {
        *error = "--size: expected WIDTHxHEIGHT (200x150 to 8192x8192), got " + text;
        return false;
      }
    } else if (arg == "--seed") {
      if (!value(&text)) return false;
      options->seed = std::strtoull(text.c_str(), nullptr, 10);
    } else if (arg == "--font-size") {
      if (!value(&text)) return false;
      options->font_size = static_cast<float>(std::atof(text.c_str()));
      if (options->font_size < 8 || options->font_size > 64) {
        *error = "--font-size: expected 8 to 64";
        return false;
      }
    } else if (arg == "--speed") {
      if (!value(&text)) return false;
      options->speed = static_cast<float>(std::atof(text.c_str()));
    } else if (!arg.empty() && arg[0] == '-') {
      *error = "unknown option " + arg;
      return false;
    } else if (options->scenario_path.empty()) {
      options->scenario_path = arg;
    } else {
      *error = "unexpected argument " + arg;
      return false;
    }
  }
  if (options->trace_path.empty() && options->scenario_path.empty()) {
    *error = "give either --trace FILE or a SCENARIO";
    return false;
  }
  const bool live = !options->scenario_path.empty();
  if ((!options->screenshot_path.empty() || options->measure) && live) {
    *error = "--screenshot and --measure need --trace FILE and no SCENARIO";
    return false;
  }
  if (options->measure_frames > 0 && (options->measure || !options->screenshot_path.empty())) {
    *error = "--measure-frames goes with neither --measure nor --screenshot";
    return false;
  }
  if (!options->save_scenario_path.empty() && !live) {
    *error = "--save-scenario needs a SCENARIO (live mode)";
    return false;
  }
  return true;
}

}  // namespace ks
