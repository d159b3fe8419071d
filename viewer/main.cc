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

#include "sim/cli/vocabulary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario_error.h"
#include "viewer/options.h"
#include "viewer/panels/panels.h"
#include "viewer/screenshot.h"
#include "viewer/trace_store.h"
#include "viewer/view.h"

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

  // 2. The data: a recorded trace, or a live run feeding an empty store.
  std::unique_ptr<ks::TraceStore> store;
  ks::ScenarioRegistry registry;
  std::unique_ptr<ks::Scenario> scenario;
  std::unique_ptr<ks::LiveTraceSink> live_sink;
  std::unique_ptr<ks::ScenarioRunner> runner;
  if (!options.trace_path.empty()) {
    const auto open_start = std::chrono::steady_clock::now();
    store = ks::TraceStore::Open(options.trace_path, &error);
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
    ks::RegisterAllVocabulary(registry);
    try {
      scenario = ks::LoadScenarioFile(options.scenario_path, registry);
    } catch (const ks::ScenarioError& e) {
      std::fprintf(stderr, "kafkasim-viewer: %s\n", e.what());
      return 1;
    }
    store = std::make_unique<ks::TraceStore>();
    live_sink = std::make_unique<ks::LiveTraceSink>(store.get());
    ks::RunOptions run_options;
    run_options.seed = options.seed;
    run_options.sinks.push_back(live_sink.get());
    runner = std::make_unique<ks::ScenarioRunner>(*scenario, registry, run_options);
    runner->Begin();
  }
  ks::View view;
  view.store = store.get();
  view.live = runner != nullptr;
  view.playing = view.live;  // a live run starts running
  view.speed = options.speed;
  view.font_size = options.font_size;
  view.title = view.live ? options.scenario_path : options.trace_path;
  if (options.at_us) view.SeekToTime(*options.at_us);

  // 3. The window: OpenGL 3.3 core; hidden when only a screenshot is wanted.
  glfwSetErrorCallback(PrintGlfwError);
  if (!glfwInit()) {
    std::fprintf(stderr, "kafkasim-viewer: cannot open a window (no display? run it under "
                         "xvfb-run -a -s '-screen 0 1600x1000x24')\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  if (screenshot) glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  const std::string title = "kafkasim-viewer: " + view.title;
  GLFWwindow* window = glfwCreateWindow(options.width, options.height, title.c_str(), nullptr, nullptr);
  if (window == nullptr) {
    std::fprintf(stderr, "kafkasim-viewer: cannot create an OpenGL 3.3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(screenshot ? 0 : 1);

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
  while (!glfwWindowShouldClose(window)) {
    glfwPollEvents();
    const double now = glfwGetTime();
    const double elapsed = screenshot ? 0.0 : now - last_time;
    last_time = now;
    if (view.live && view.playing) {
      const ks::TimeUs target =
          view.time_us + std::max<ks::TimeUs>(1, static_cast<ks::TimeUs>(elapsed * view.speed * 1e6));
      if (target > view.live_time_us && !view.live_finished) {
        view.live_finished = !runner->AdvanceTo(target);
        view.live_time_us = target;
      }
      view.SeekToTime(target);
    } else {
      view.Advance(elapsed);
    }

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    ks::DrawNarrationPanel(view);
    ks::DrawClusterPanel(view);
    ks::DrawPartitionsPanel(view);
    ks::DrawEventsPanel(view);
    ks::DrawClientsPanel(view);
    ks::DrawCheckersPanel(view);
    ks::DrawTimelinePanel(view);
    ImGui::Render();

    int width = 0, height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(0.93f, 0.93f, 0.93f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (screenshot && ++frame == kScreenshotFrames) {
      if (!ks::WriteBackBufferPng(options.screenshot_path, width, height, &error)) {
        std::fprintf(stderr, "kafkasim-viewer: %s\n", error.c_str());
        exit_code = 1;
      }
      break;
    }
    glfwSwapBuffers(window);
  }

  // 6. Teardown, in reverse.
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  if (runner != nullptr) runner->Finish();
  return exit_code;
}
