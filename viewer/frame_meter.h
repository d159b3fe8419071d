// FrameMeter: `kafkasim-viewer ... --measure-frames N` — how long frames take, for issue 5's
// "60 fps with 100 partitions x 3 replicas in live mode on software OpenGL" (docs/performance.md).
//
// The measured run has two phases of N frames each, with vsync off and a fixed step of simulated
// time per frame (speed / 60 simulated seconds, as if the frames came at 60 per second, so that
// the run does not depend on how fast this machine is):
//   1. "advance+draw": the transport plays (live mode: the simulation runs on; replay: the
//      picture is folded forward), then every panel is drawn and rendered;
//   2. "draw": paused where phase 1 ended; the same panels, drawn and rendered only.
// Each frame is split into `advance` (running the simulation and folding), `ui` (building the
// panels with ImGui) and `gl` (rendering them with OpenGL and swapping buffers: with Mesa's
// software OpenGL this is rasterisation on the CPU), measured with the wall clock. `gl` is split
// in turn into `render` (clear + ImGui's draw calls, up to a glFinish, so the rasterising is
// counted here) and `swap` (glfwSwapBuffers: handing the finished picture to the X server); the
// meter also reports ImGui's draw lists, draw calls and vertices per frame. `cpu` is the
// process's CPU time per frame (every thread: Mesa's llvmpipe rasterises on threads), which a
// busy machine disturbs less than wall time. The meter prints one line per phase.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "model/env/time.h"

namespace ks {

class FrameMeter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr double kFramesPerSecond = 60.0;

  explicit FrameMeter(int frames_per_phase) : frames_per_phase_(frames_per_phase) {}

  // True while frames are wanted; false once both phases are done.
  bool running() const { return frame_ < 2 * frames_per_phase_; }
  // Phase 1 plays, phase 2 is paused.
  bool playing() const { return frame_ < frames_per_phase_; }
  // The wall time one frame stands for (the transport's step).
  double frame_seconds() const { return 1.0 / kFramesPerSecond; }

  // Call at the start of a frame, between advancing and drawing, and at its end (after the
  // swap), with the view's time and the store's size then.
  void BeginFrame(TimeUs sim_time_us, size_t events);
  void EndAdvance() { advance_end_ = Clock::now(); }
  void EndUi() { ui_end_ = Clock::now(); }
  // After the frame is rendered and finished (glFinish), before the swap; with what ImGui drew.
  void EndRender(int draw_lists, int draw_calls, int vertices);
  void EndFrame(TimeUs sim_time_us, size_t events);

  // Prints both phases' lines ("phase=... frames=... mean_ms=... p99_ms=..."), to stdout.
  void Print(const std::string& mode) const;

 private:
  struct Phase {
    std::vector<double> frame_ms, advance_ms, ui_ms, gl_ms, render_ms, swap_ms, cpu_ms;
    double draw_lists = 0, draw_calls = 0, vertices = 0;  // summed over the frames
    TimeUs sim_start_us = -1, sim_end_us = 0;
    size_t events_start = 0, events_end = 0;
  };
  void PrintPhase(const char* name, const std::string& mode, const Phase& phase) const;

  int frames_per_phase_;
  int frame_ = 0;
  Clock::time_point frame_start_, advance_end_, ui_end_, render_end_;
  double cpu_start_ms_ = 0;
  Phase phases_[2];
};

}  // namespace ks
