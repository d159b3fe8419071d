#include "viewer/screenshot.h"

#include <GLFW/glfw3.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ks {

bool WriteBackBufferPng(const std::string& path, int width, int height, std::string* error) {
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  std::vector<uint8_t> flipped(pixels.size());
  const size_t row = static_cast<size_t>(width) * 4;
  for (int y = 0; y < height; ++y) {
    std::copy_n(pixels.data() + (height - 1 - y) * row, row, flipped.data() + y * row);
  }
  for (size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;
  if (stbi_write_png(path.c_str(), width, height, 4, flipped.data(), static_cast<int>(row)) == 0) {
    *error = "cannot write " + path;
    return false;
  }
  return true;
}

}  // namespace ks
