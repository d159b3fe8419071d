// kafkasim-viewer: watch a kafkasim run — replay a recorded trace, or run a scenario live — and
// take headless screenshots. As linear as ImGui's GLFW example: options, data, window, ImGui,
// loop, teardown in reverse. Loading and folding live in TraceStore; drawing in panels/.
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "sim/cli/cli.h"
#include "sim/cli/version.h"
#include "sim/cli/vocabulary.h"
#include "viewer/frame_meter.h"
#include "viewer/leak_check.h"
#include "viewer/live_session.h"
#include "viewer/options.h"
#include "viewer/panels/panels.h"
#include "viewer/screenshot.h"
#include "viewer/trace_store.h"
#include "viewer/view.h"
#include "viewer/window_backdrop.h"

namespace {

constexpr char kFontPath[] = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr int kScreenshotFrames = 4;  // windows and tables settle their sizes in the first frames

void PrintGlfwError(int code, const char* description) {
  std::fprintf(stderr, "kafkasim-viewer: GLFW error %d: %s\n", code, description);
}

void LoadFonts(ks::View& view) {
  ImGuiIO& io = ImGui::GetIO();
  if (std::filesystem::exists(kFontPath)) {
    io.Fonts->AddFontFromFileTTF(kFontPath, view.font_size);
    view.large_font = io.Fonts->AddFontFromFileTTF(kFontPath, view.font_size * 1.35f);
  } else {
    ImFontConfig config;
    config.SizePixels = view.font_size;
    io.Fonts->AddFontDefault(&config);
  }
}

// Prints how long the trace took to open and what seeks to 100 spread-out times cost.
void MeasureSeeks(const ks::TraceStore& store, std::chrono::steady_clock::duration open_time) {
  using Milliseconds = std::chrono::duration<double, std::milli>;
  double worst_ms = 0, total_ms = 0;
  const int seeks = 100;
  for (int i = 0; i < seeks; ++i) {
    // A stride coprime with 100 visits the times out of order, as a student scrubbing would.
    const ks::TimeUs t = store.end_time_us() * ((i * 37) % seeks) / seeks;
    const auto start = std::chrono::steady_clock::now();
    const ks::ClusterModel model = store.StateAt(t);
    const double ms = Milliseconds(std::chrono::steady_clock::now() - start).count();
    worst_ms = std::max(worst_ms, ms);
    total_ms += ms + 0 * model.events_applied();
  }
  std::printf("events=%zu open_ms=%.1f seek_mean_ms=%.2f seek_max_ms=%.2f snapshots_every=%zu\n",
              store.size(), Milliseconds(open_time).count(), total_ms / seeks, worst_ms,
              ks::TraceStore::kSnapshotInterval);
}

// Ends a live run: saves the scenario with its injected faults, records the trace if asked, and
// prints how to reproduce the run (as `kafkasim run` does). Returns the exit code.
int EndLiveRun(ks::LiveSession& session, const ks::ViewerOptions& options,
               const std::string& save_path) {
  const ks::RunResult result = session.Finish();
  std::string scenario = options.scenario_path;
  std::string error;
  int exit_code = 0;
  if (!session.injected().empty() || !options.save_scenario_path.empty()) {
    if (session.Save(save_path, &error)) {
      scenario = save_path;
    } else {
      std::fprintf(stderr, "kafkasim-viewer: %s\n", error.c_str());
      exit_code = 2;
    }
  }
  const std::string reproduce =
      "kafkasim run " + scenario + " --seed " + std::to_string(session.seed());
  std::printf(
      "kafkasim-viewer: live run of %s, seed %llu: stopped at %s, %lld events, %zu "
      "fault%s injected, %d fork%s\n",
      options.scenario_path.c_str(), static_cast<unsigned long long>(session.seed()),
      ks::FormatTime(result.end_time_us).c_str(), static_cast<long long>(result.event_count),
      session.injected().size(), session.injected().size() == 1 ? "" : "s", session.forks(),
      session.forks() == 1 ? "" : "s");
  if (scenario != options.scenario_path) {
    std::printf("  saved      %s (the scenario plus the injected faults)\n", scenario.c_str());
  }
  if (!options.trace_path.empty()) {
    if (session.RecordTrace(options.trace_path, result, KAFKASIM_VERSION, reproduce, &error)) {
      std::printf("  trace      %s\n", options.trace_path.c_str());
    } else {
      std::fprintf(stderr, "kafkasim-viewer: %s\n", error.c_str());
      exit_code = 2;
    }
  }
  std::printf("  reproduce  %s\n", reproduce.c_str());
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // 1. The command line.
  ks::ViewerOptions options;
  std::string error;
  if (!ks::ParseViewerOptions(argc, argv, &options, &error)) {
    std::fprintf(stderr, "kafkasim-viewer: %s\n%s", error.c_str(), ks::ViewerUsage());
    return 2;
  }
  const bool screenshot = !options.screenshot_path.empty();

  // 2. The data: a recorded trace, or a live run feeding its own store.
  std::unique_ptr<ks::TraceStore> store;
  ks::ScenarioRegistry registry;
  std::unique_ptr<ks::LiveSession> session;
  ks::RegisterAllVocabulary(registry);
  if (options.scenario_path.empty()) {
    const auto open_start = std::chrono::steady_clock::now();
    store = ks::TraceStore::Open(options.trace_path, registry.events(), &error);
    if (store == nullptr) {
      std::fprintf(stderr, "kafkasim-viewer: cannot open trace %s: %s\n",
                   options.trace_path.c_str(), error.c_str());
      return 1;
    }
    if (options.measure) {
      MeasureSeeks(*store, std::chrono::steady_clock::now() - open_start);
      return 0;
    }
  } else {
    session = ks::LiveSession::Open(options.scenario_path, options.seed, registry, &error);
    if (session == nullptr) {
      std::fprintf(stderr, "kafkasim-viewer: %s\n", error.c_str());
      return 2;
    }
  }
  ks::View view;
  view.store = session != nullptr ? &session->store() : store.get();
  view.session = session.get();
  view.live = session != nullptr;
  if (session != nullptr) {
    view.save_path = options.save_scenario_path.empty() ? session->DefaultSavePath()
                                                        : options.save_scenario_path;
  }
  view.playing = view.live;  // a live run starts running
  view.speed = options.speed;
  view.font_size = options.font_size;
  view.title = view.live ? options.scenario_path : options.trace_path;
  if (options.at_us) view.SeekToTime(*options.at_us);

  // 3. The window: OpenGL 3.3 core; hidden when only a screenshot is wanted.
  glfwSetErrorCallback(PrintGlfwError);
  if (!glfwInit()) {
    std::fprintf(stderr,
                 "kafkasim-viewer: cannot open a window (no display? run it under "
                 "xvfb-run -a -s '-screen 0 1600x1000x24')\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_DEPTH_BITS, 0);    // ImGui draws without depth or stencil tests; llvmpipe
  glfwWindowHint(GLFW_STENCIL_BITS, 0);  // then has no depth buffer to carry (-3 % instructions)
  if (screenshot) glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  const std::string title = "kafkasim-viewer: " + view.title;
  GLFWwindow* window =
      glfwCreateWindow(options.width, options.height, title.c_str(), nullptr, nullptr);
  if (window == nullptr) {
    std::fprintf(stderr, "kafkasim-viewer: cannot create an OpenGL 3.3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  ks::KeepGraphicsDriversLoadedForLeakCheck();  // sanitizer builds only (leak_check.h)
  std::unique_ptr<ks::FrameMeter> meter;        // --measure-frames: vsync off, a fixed step a frame
  if (options.measure_frames > 0) meter = std::make_unique<ks::FrameMeter>(options.measure_frames);
  glfwSwapInterval(screenshot || meter != nullptr ? 0 : 1);

  // 4. Dear ImGui: light style (projectors), large DejaVu Sans, no ini file (same layout always).
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsLight();
  ImGui::GetStyle().ScaleAllSizes(view.font_size / 16.0f);
  LoadFonts(view);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  // 5. The loop: advance the transport (and the live run), draw the panels, render.
  int frame = 0;
  int exit_code = 0;
  double last_time = glfwGetTime();
  if (view.live) ks::InstallInterruptHandlers();  // Ctrl-C ends a live run as closing does
  while (!glfwWindowShouldClose(window) && !ks::InterruptFlag().load()) {
    glfwPollEvents();
    const double now = glfwGetTime();
    double elapsed = screenshot ? 0.0 : now - last_time;
    last_time = now;
    if (meter != nullptr) {
      elapsed = meter->frame_seconds();
      view.playing = meter->playing();
      meter->BeginFrame(view.time_us, view.store->size());
    }
    if (view.live && view.playing) {
      // Scrubbed back, this replays the store; at the tip it runs the simulation on.
      view.time_us += std::max<ks::TimeUs>(1, static_cast<ks::TimeUs>(elapsed * view.speed * 1e6));
      session->AdvanceTo(view.time_us);
      view.SyncLive();
    } else {
      view.Advance(elapsed);
    }
    if (meter != nullptr) meter->EndAdvance();

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    const ImVec4 backdrop = ks::ChooseWindowBackdrop();  // the clear paints the panels' background
    ks::DrawNarrationPanel(view);
    ks::DrawClusterPanel(view);
    ks::DrawPartitionsPanel(view);
    ks::DrawLogPanel(view);
    ks::DrawEventsPanel(view);
    ks::DrawClientsPanel(view);
    ks::DrawCheckersPanel(view);
    ks::DrawTimelinePanel(view);
    ImGui::Render();
    if (meter != nullptr) meter->EndUi();

    int width = 0, height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(backdrop.x, backdrop.y, backdrop.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (meter != nullptr) {
      glFinish();  // the rasterising is counted as render, not as the swap that would wait for it
      const ImDrawData* draw_data = ImGui::GetDrawData();
      int draw_calls = 0;
      for (int i = 0; i < draw_data->CmdListsCount; ++i) {
        draw_calls += draw_data->CmdLists[i]->CmdBuffer.Size;
      }
      meter->EndRender(draw_data->CmdListsCount, draw_calls, draw_data->TotalVtxCount);
    }
    if (screenshot && ++frame == kScreenshotFrames) {
      if (!ks::WriteBackBufferPng(options.screenshot_path, width, height, &error)) {
        std::fprintf(stderr, "kafkasim-viewer: %s\n", error.c_str());
        exit_code = 1;
      }
      break;
    }
    glfwSwapBuffers(window);
    if (meter != nullptr) {
      meter->EndFrame(view.time_us, view.store->size());
      if (!meter->running()) break;
    }
  }
  if (meter != nullptr) meter->Print(view.live ? "live" : "replay");

  // 6. Teardown, in reverse.
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  if (session != nullptr) exit_code = EndLiveRun(*session, options, view.save_path);
  return exit_code;
}
