# Test helpers. Every test carries one label:
#   unit    host GoogleTest, seconds
#   golden  host screenshot comparisons against tests/reference
#   system  Tessera booted in QEMU through the harness
#   bench   benchmarks; run by `./tessera bench`, never by `./tessera test`
find_package(GTest REQUIRED)
include(GoogleTest)

# tessera_unit_test(name SOURCES ... [LIBRARIES ...])
function(tessera_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES;INCLUDES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${TESSERA_WARNINGS})
  target_include_directories(${name} PRIVATE ${ARG_INCLUDES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} GTest::gtest_main)
  gtest_discover_tests(${name} PROPERTIES LABELS unit DISCOVERY_TIMEOUT 30)
endfunction()

# tessera_system_test(name SOURCES ... [LIBRARIES ...] [TIMEOUT seconds])
# A GoogleTest program that boots Tessera through the QEMU harness.
function(tessera_system_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${TESSERA_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} tessera_qemu GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    TESSERA_KERNEL_IMAGE="$<TARGET_FILE_DIR:tessera-kernel>/tessera-kernel.bin"
    TESSERA_BUILD_DIR="${CMAKE_BINARY_DIR}")
  add_dependencies(${name} tessera-kernel-image)
  gtest_discover_tests(${name} PROPERTIES LABELS system TIMEOUT ${ARG_TIMEOUT} DISCOVERY_TIMEOUT 30)
endfunction()

# tessera_benchmark(name COMMAND ... [TIMEOUT seconds])
# Registers a benchmark run by `./tessera bench` (label "bench"): a command
# that prints its figures, e.g. a Google Benchmark program or a script that
# boots Tessera and Linux and prints both with their ratio.
function(tessera_benchmark name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "COMMAND" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  add_test(NAME ${name} COMMAND ${ARG_COMMAND})
  set_tests_properties(${name} PROPERTIES LABELS bench TIMEOUT ${ARG_TIMEOUT} RUN_SERIAL TRUE)
endfunction()
