#include "viewer/frame_meter.h"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace ks {
namespace {

using Milliseconds = std::chrono::duration<double, std::milli>;

double Mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// The value below which `fraction` of the values lie (nearest rank).
double Percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

double ProcessCpuMs() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

}  // namespace

void FrameMeter::BeginFrame(TimeUs sim_time_us, size_t events) {
  Phase& phase = phases_[playing() ? 0 : 1];
  if (phase.sim_start_us < 0) {
    phase.sim_start_us = sim_time_us;
    phase.events_start = events;
  }
  cpu_start_ms_ = ProcessCpuMs();
  frame_start_ = Clock::now();
}

void FrameMeter::EndRender(int draw_lists, int draw_calls, int vertices) {
  render_end_ = Clock::now();
  Phase& phase = phases_[playing() ? 0 : 1];
  phase.draw_lists += draw_lists;
  phase.draw_calls += draw_calls;
  phase.vertices += vertices;
}

void FrameMeter::EndFrame(TimeUs sim_time_us, size_t events) {
  const Clock::time_point end = Clock::now();
  Phase& phase = phases_[playing() ? 0 : 1];
  phase.frame_ms.push_back(Milliseconds(end - frame_start_).count());
  phase.advance_ms.push_back(Milliseconds(advance_end_ - frame_start_).count());
  phase.ui_ms.push_back(Milliseconds(ui_end_ - advance_end_).count());
  phase.gl_ms.push_back(Milliseconds(end - ui_end_).count());
  phase.render_ms.push_back(Milliseconds(render_end_ - ui_end_).count());
  phase.swap_ms.push_back(Milliseconds(end - render_end_).count());
  phase.cpu_ms.push_back(ProcessCpuMs() - cpu_start_ms_);
  phase.sim_end_us = sim_time_us;
  phase.events_end = events;
  ++frame_;
}

void FrameMeter::PrintPhase(const char* name, const std::string& mode, const Phase& phase) const {
  const auto PerFrame = [&](double total) {
    return phase.frame_ms.empty() ? 0.0 : total / static_cast<double>(phase.frame_ms.size());
  };
  const double mean_ms = Mean(phase.frame_ms);
  const double max_ms = phase.frame_ms.empty()
                            ? 0.0
                            : *std::max_element(phase.frame_ms.begin(), phase.frame_ms.end());
  std::printf(
      "mode=%s phase=%s frames=%zu mean_ms=%.2f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f fps=%.1f "
      "advance_mean_ms=%.2f ui_mean_ms=%.2f ui_p99_ms=%.2f gl_mean_ms=%.2f render_mean_ms=%.2f "
      "swap_mean_ms=%.2f cpu_mean_ms=%.2f draw_lists=%.0f draw_calls=%.0f vertices=%.0f "
      "sim_from_s=%.3f sim_to_s=%.3f events=%zu\n",
      mode.c_str(), name, phase.frame_ms.size(), mean_ms, Percentile(phase.frame_ms, 0.5),
      Percentile(phase.frame_ms, 0.99), max_ms, mean_ms > 0 ? 1000.0 / mean_ms : 0.0,
      Mean(phase.advance_ms), Mean(phase.ui_ms), Percentile(phase.ui_ms, 0.99), Mean(phase.gl_ms),
      Mean(phase.render_ms), Mean(phase.swap_ms), Mean(phase.cpu_ms), PerFrame(phase.draw_lists),
      PerFrame(phase.draw_calls), PerFrame(phase.vertices),
      static_cast<double>(std::max<TimeUs>(0, phase.sim_start_us)) / 1e6,
      static_cast<double>(phase.sim_end_us) / 1e6, phase.events_end - phase.events_start);
}

void FrameMeter::Print(const std::string& mode) const {
  PrintPhase("advance+draw", mode, phases_[0]);
  PrintPhase("draw", mode, phases_[1]);
  std::fflush(stdout);
}

}  // namespace ks
