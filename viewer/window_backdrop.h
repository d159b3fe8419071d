// Window backgrounds painted by the frame's clear instead of by ImGui, because on software OpenGL
// (Mesa's llvmpipe) filling the screen with ImGui's textured, blended triangles costs ~80
// instructions a pixel — at 1600×1000, about 125 M a frame, ~44 % of the frame's rendering
// (docs/performance.md "Viewer") — while glClear is a memset.
//
// The panels tile the window, so when no two of them overlap, a transparent WindowBg over a clear
// of the WindowBg colour is the same picture, pixel for pixel. Once the user drags or resizes a
// panel onto another, the backgrounds are drawn by ImGui again (opaque), so an overlapped panel
// never shows through. Popups, menus and tooltips have their own (PopupBg) background.
#pragma once

#include <imgui.h>

namespace ks {

// Call after ImGui::NewFrame, before the panels: decides from the panels' places in the previous
// frame whether ImGui draws the window backgrounds this frame. Returns the colour to clear with.
ImVec4 ChooseWindowBackdrop();

}  // namespace ks
