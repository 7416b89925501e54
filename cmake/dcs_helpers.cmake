# Layers and what each may include. A library's include root is a folder of
# symlinks to the top-level folders its layer may see, so an include across a
# layer boundary fails to compile (tests/layering checks that it does):
#   base       knows nothing of the others
#   sdk        sdk/ (the plugin SDK: Terraform, never Databricks) + base
#   clients    clients/ (APIs, never Terraform) + base
#   resources  the dcs provider: resources/ + sdk + clients + base
#   emulator   a separate program: emulator/ only
# Tests, fuzz targets and benchmarks see the whole tree.
set(DCS_LAYER_FOLDERS_base base)
set(DCS_LAYER_FOLDERS_sdk base sdk)
set(DCS_LAYER_FOLDERS_clients base clients)
set(DCS_LAYER_FOLDERS_resources base clients sdk resources)
set(DCS_LAYER_FOLDERS_emulator emulator)
set(DCS_LAYERS_DIR ${PROJECT_BINARY_DIR}/layers)
foreach(layer base sdk clients resources emulator)
  file(MAKE_DIRECTORY ${DCS_LAYERS_DIR}/${layer})
  foreach(folder IN LISTS DCS_LAYER_FOLDERS_${layer})
    if(NOT EXISTS ${DCS_LAYERS_DIR}/${layer}/${folder})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${DCS_LAYERS_DIR}/${layer}/${folder} SYMBOLIC)
    endif()
  endforeach()
endforeach()

# dcs_library(NAME DIR [DEPS ...]): a static library from every non-test .cc
# in DIR, in the layer named by the variable DCS_LAYER of the calling folder.
# Globbing keeps the build list in one place per folder: add a .cc, re-run cmake.
function(dcs_library name dir)
  if(NOT DCS_LAYER)
    message(FATAL_ERROR "dcs_library(${name}): set DCS_LAYER in ${CMAKE_CURRENT_LIST_FILE}")
  endif()
  set(root ${DCS_LAYERS_DIR}/${DCS_LAYER})
  file(GLOB srcs CONFIGURE_DEPENDS ${dir}/*.cc)
  list(FILTER srcs EXCLUDE REGEX "(_test|_main|/main)\\.cc$")
  if(srcs)
    add_library(${name} STATIC ${srcs})
    target_include_directories(${name} PUBLIC ${root})
    target_link_libraries(${name} PUBLIC ${ARGN})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${root})
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
