# dcs_library(NAME DIR [DEPS ...]): a static library from every non-test .cc in DIR.
# Globbing keeps the build list in one place per folder: add a .cc, re-run cmake.
function(dcs_library name dir)
  file(GLOB srcs CONFIGURE_DEPENDS ${dir}/*.cc)
  list(FILTER srcs EXCLUDE REGEX "(_test|_main|/main)\\.cc$")
  if(srcs)
    add_library(${name} STATIC ${srcs})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${ARGN})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${ARGN})
  endif()
endfunction()

# dcs_unit_tests(NAME DIR [DEPS ...]): one GoogleTest binary from DIR/*_test.cc,
# registered with ctest test by test.
function(dcs_unit_tests name dir)
  file(GLOB srcs CONFIGURE_DEPENDS ${dir}/*_test.cc)
  if(NOT srcs)
    return()
  endif()
  add_executable(${name} ${srcs})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARGN} GTest::gmock GTest::gtest GTest::gtest_main)
  if(TARGET dcs_http_testing)
    target_link_libraries(${name} PRIVATE dcs_http_testing)
  endif()
  target_compile_definitions(${name} PRIVATE
    DCS_SOURCE_DIR="${PROJECT_SOURCE_DIR}" DCS_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
