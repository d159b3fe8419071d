// Writes the frame being drawn (the GL back buffer, before the swap) to a PNG: rows flipped
// (OpenGL counts from the bottom), alpha forced to 255.
#pragma once

#include <string>

namespace ks {

// False with *error if the file cannot be written.
bool WriteBackBufferPng(const std::string& path, int width, int height, std::string* error);

}  // namespace ks
