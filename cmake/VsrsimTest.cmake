# vsrsim_add_test(NAME <name>
#                 SOURCES <src>...
#                 [LIBS <lib>...]
#                 [LABELS <label>...])
#
# Builds a GoogleTest executable <name> from SOURCES, links it with
# GTest::gtest_main, LIBS and vsrsim_warnings, and registers every TEST() in it
# with CTest via gtest_discover_tests(). Discovered tests are named
# "<name>.<Suite>.<Test>" and carry the given LABELS (e.g. unit, property, sim),
# so `ctest -L unit` / `ctest -LE slow` work.
#
# Example:
#   vsrsim_add_test(NAME core_log_test
#                   SOURCES log_test.cc
#                   LIBS vsrsim_core rapidcheck_gtest
#                   LABELS unit property)

include_guard(GLOBAL)
include(GoogleTest)

function(vsrsim_add_test)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "NAME" "SOURCES;LIBS;LABELS")

  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "vsrsim_add_test: unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_NAME)
    message(FATAL_ERROR "vsrsim_add_test: NAME is required")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "vsrsim_add_test(${ARG_NAME}): SOURCES is required")
  endif()

  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE GTest::gtest_main ${ARG_LIBS} vsrsim_warnings)

  gtest_discover_tests(${ARG_NAME}
    TEST_PREFIX "${ARG_NAME}."
    TEST_LIST ${ARG_NAME}_TESTS
    DISCOVERY_TIMEOUT 60)

  # LABELS: CMake 3.25's gtest_discover_tests(... PROPERTIES LABELS "a;b") flattens
  # the list into "LABELS a b", so only the first label survives, and no amount of
  # escaping gets a ';' through its layers (checked on this machine). So the labels are applied by a small
  # CTest include file that runs after the discovered tests have been added, using
  # the documented TEST_LIST variable. This works for one or many labels.
  if(ARG_LABELS)
    set(_labels_file "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_labels.cmake")
    file(GENERATE OUTPUT "${_labels_file}" CONTENT
"if(${ARG_NAME}_TESTS)
  set_tests_properties(\${${ARG_NAME}_TESTS} PROPERTIES LABELS \"${ARG_LABELS}\")
endif()
")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${_labels_file}")
  endif()
endfunction()
