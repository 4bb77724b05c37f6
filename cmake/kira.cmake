# kira_library(NAME SOURCES... DEPS ...): one static library per layer.
function(kira_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
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
                                             KIRA_DEMO_DIR="${KIRA_DEMO_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
                                          WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
endfunction()
