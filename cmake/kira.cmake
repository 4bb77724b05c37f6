# kira_register_target(NAME): lists a library (or the kira binary) for the layering test.
function(kira_register_target name)
  set_property(GLOBAL APPEND PROPERTY KIRA_LAYER_TARGETS ${name})
endfunction()

# kira_write_layers(FILE): one line per registered target, "NAME<TAB>SOURCE_DIR<TAB>DEPS" with
# SOURCE_DIR relative to the checkout and DEPS the direct link dependencies (';'-separated).
# Called once at the end of the top-level CMakeLists.txt, after every target_link_libraries.
function(kira_write_layers file)
  get_property(targets GLOBAL PROPERTY KIRA_LAYER_TARGETS)
  set(out "")
  foreach(t ${targets})
    get_target_property(dir ${t} SOURCE_DIR)
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${dir})
    get_target_property(deps ${t} LINK_LIBRARIES)
    if(NOT deps)
      set(deps "")
    endif()
    string(APPEND out "${t}\t${rel}\t${deps}\n")
  endforeach()
  file(WRITE ${file} "${out}")
endfunction()

# kira_library(NAME SOURCES... DEPS ...): one static library per layer.
function(kira_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  kira_register_target(${name})
endfunction()

# kira_test(NAME SOURCES... DEPS ... LABELS ...): a GoogleTest binary registered with CTest.
# Label "unit" (default) must stay fast; "e2e", "load", "sip", "browser" are slower.
function(kira_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE KIRA_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                             KIRA_DEMO_DIR="${KIRA_DEMO_DIR}"
                                             KIRA_DEFAULTS_DIR="${KIRA_DEFAULTS_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
                                          WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
endfunction()

# kira_fuzzer(NAME SOURCES... DEPS ... CORPUS dir [DICT file] [ARGS ...]): a libFuzzer target.
# The sources define LLVMFuzzerTestOneInput (and optionally LLVMFuzzerInitialize); CORPUS is the
# committed seed directory (small files; a crash input found later is added there too, named
# crash-*, so it is replayed forever).
#  - KIRA_FUZZ=ON (clang): builds NAME with -fsanitize=fuzzer,address,undefined, adds it to the
#    `fuzzers` target and registers CTest NAME (label fuzz) running KIRA_FUZZ_SECONDS seconds
#    (fuzz/run_fuzzer.sh) over a scratch corpus in <build>/fuzz-runs/NAME/ plus the seeds; crashes
#    land in <build>/fuzz-runs/NAME/artifacts/. scripts/fuzz.sh runs the same tests for longer.
#  - otherwise: builds NAME_replay (the same sources with fuzz/replay_main.cpp) and registers it
#    as a unit test that feeds every seed once, so the seeds and past crashes stay regression
#    tests in the ordinary and sanitizer builds.
function(kira_fuzzer name)
  cmake_parse_arguments(ARG "" "CORPUS;DICT" "SOURCES;DEPS;ARGS" ${ARGN})
  if(NOT ARG_CORPUS)
    message(FATAL_ERROR "kira_fuzzer(${name}): CORPUS (a committed seed directory) is required")
  endif()
  if(KIRA_FUZZ)
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_compile_definitions(${name} PRIVATE KIRA_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                               KIRA_DEMO_DIR="${KIRA_DEMO_DIR}")
    add_dependencies(fuzzers ${name})
    set(work ${CMAKE_BINARY_DIR}/fuzz-runs/${name})
    set(extra ${ARG_ARGS})
    if(ARG_DICT)
      list(APPEND extra -dict=${ARG_DICT})
    endif()
    # The run is bounded by libFuzzer itself (-max_total_time, -timeout per input), so the CTest
    # timeout only catches a wedged process; scripts/fuzz.sh raises the time through
    # $KIRA_FUZZ_SECONDS.
    add_test(NAME ${name}
             COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/run_fuzzer.sh ${name} $<TARGET_FILE:${name}>
                     ${KIRA_FUZZ_SECONDS} ${work} ${ARG_CORPUS} ${extra})
    set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 86400
                                            WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  else()
    add_executable(${name}_replay ${ARG_SOURCES} ${CMAKE_SOURCE_DIR}/fuzz/replay_main.cpp)
    target_link_libraries(${name}_replay PRIVATE ${ARG_DEPS})
    target_compile_definitions(${name}_replay PRIVATE KIRA_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                                      KIRA_DEMO_DIR="${KIRA_DEMO_DIR}")
    add_test(NAME ${name}_replay COMMAND ${name}_replay ${ARG_CORPUS})
    set_tests_properties(${name}_replay PROPERTIES LABELS unit TIMEOUT 120
                                                   WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  endif()
endfunction()

# External dependencies. Each is found with REQUIRED semantics, and a missing one stops
# configure naming the Debian package that ships it (scripts/deps.sh installs them all;
# the deps_check test keeps that list complete).
#   kira_find_package(CLI11 PACKAGE libcli11-dev)                  → CMake config package
#   kira_pkg(LIBRE libre PACKAGE libre-dev)                        → PkgConfig::LIBRE
#   kira_lib(FASTTEXT HEADER fasttext/fasttext.h LIB fasttext PACKAGE libfasttext-dev)
#                                                                  → ${FASTTEXT_LIB}
macro(kira_find_package name)
  cmake_parse_arguments(KFP "" "PACKAGE" "" ${ARGN})
  find_package(${name} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "${name} not found: install the Debian package ${KFP_PACKAGE} "
                        "(bash scripts/deps.sh installs every dependency)")
  endif()
endmacro()

macro(kira_pkg var module)
  cmake_parse_arguments(KPK "" "PACKAGE" "" ${ARGN})
  pkg_check_modules(${var} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "pkg-config module ${module} not found: install the Debian package "
                        "${KPK_PACKAGE} (bash scripts/deps.sh installs every dependency)")
  endif()
endmacro()

function(kira_lib var)
  cmake_parse_arguments(ARG "" "HEADER;LIB;PACKAGE" "" ${ARGN})
  find_path(${var}_INCLUDE_DIR ${ARG_HEADER})
  find_library(${var}_LIB ${ARG_LIB})
  if(NOT ${var}_INCLUDE_DIR OR NOT ${var}_LIB)
    message(FATAL_ERROR "${ARG_HEADER} / lib${ARG_LIB} not found: install the Debian package "
                        "${ARG_PACKAGE} (bash scripts/deps.sh installs every dependency)")
  endif()
endfunction()
