# kafkasim_add_test(NAME SOURCES... LIBS... [PROPERTIES ...]): one GoogleTest binary, its tests
# discovered by ctest (PROPERTIES go to each discovered test, e.g. RESOURCE_LOCK xvfb).
find_package(GTest REQUIRED)   # libgtest-dev, libgmock-dev
include(GoogleTest)

function(kafkasim_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;PROPERTIES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    KAFKASIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    KAFKASIM_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} DISCOVERY_TIMEOUT 60
                       PROPERTIES ${ARG_PROPERTIES})
endfunction()

# kafkasim_add_bench(NAME SOURCES... LIBS...): a Google Benchmark program, built by the `bench`
# target (not part of ctest: speed targets live in benchmarks, never in timed unit tests).
find_package(benchmark REQUIRED)   # libbenchmark-dev
if(NOT TARGET bench)
  add_custom_target(bench)
endif()
function(kafkasim_add_bench name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} EXCLUDE_FROM_ALL ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} benchmark::benchmark benchmark::benchmark_main)
  add_dependencies(bench ${name})
endfunction()
