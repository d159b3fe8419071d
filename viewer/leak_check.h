// What the viewer does so that LeakSanitizer judges it correctly (asan preset; a no-op in other
// builds).
//
// glfwTerminate unloads Mesa's OpenGL driver (dri/swrast_dri.so under Xvfb), whose globals still
// point at blocks it allocated. LeakSanitizer scans the globals of loaded libraries only, so at
// exit it reported those blocks as leaked (two of 56 bytes with Debian 12's Mesa; a GLFW + Dear
// ImGui program without any kafkasim code shows the same), and every test that runs the viewer
// failed. Keeping the driver loaded until the process ends lets LeakSanitizer see them referenced,
// and every leak of the viewer's own still counts.
#pragma once

namespace ks {

// Marks the graphics drivers loaded so far (a `/dri/` path) never to be unloaded. Call once an
// OpenGL context exists.
void KeepGraphicsDriversLoadedForLeakCheck();

}  // namespace ks
