# Every dependency is a Debian 12 package, found here; nothing is vendored or downloaded.
# scripts/setup.sh installs the packages this file needs (keep the two lists in step).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)   # libboost-program-options-dev
find_package(SQLite3 REQUIRED)                                  # libsqlite3-dev
find_package(yaml-cpp REQUIRED)                                 # libyaml-cpp-dev
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)    # libxxhash-dev
find_package(ZLIB REQUIRED)                                     # zlib1g-dev (gzip batches)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)        # libzstd-dev (zstd batches)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)          # liblz4-dev (lz4 batches)

# The viewer: Dear ImGui 1.86 (its libimgui.a holds the GLFW and OpenGL3 backends), GLFW, OpenGL.
if(KAFKASIM_BUILD_VIEWER)
  pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)       # libimgui-dev (+ libstb-dev)
  pkg_check_modules(GLFW3 REQUIRED IMPORTED_TARGET glfw3)       # libglfw3-dev
  set(OpenGL_GL_PREFERENCE GLVND)
  find_package(OpenGL REQUIRED COMPONENTS OpenGL)               # libgl-dev (pulled in by libglfw3-dev)
endif()
