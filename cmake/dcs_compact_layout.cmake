# Included by the top-level CMakeLists.txt when DCS_COMPACT_LAYOUT is ON (the
# default of release builds, DCS_STATIC_DEPS=ON). It lays the provider binary
# out so that a run keeps fewer of its pages resident. The kernel maps file
# pages 64 KiB at a time around each fault, so the functions one plan executes,
# scattered over 10 MiB of text (most of it gRPC that never runs), used to keep
# most of that text resident.
#  - dcs's own code gets one section per function, so the linker can move
#    functions one by one. Debian's archives have their own sections only for
#    inline functions; their other code moves a whole object file at a time.
#  - release/hot-text.ld, generated from a profile by release/hot-text.sh, puts
#    the sections a typical cluster workload executes first in the text.
#  - Relative relocations are packed (DT_RELR; glibc 2.36, which the binary
#    already needs): the loader reads a few KiB instead of ~600 KiB of
#    .rela.dyn.
#  - A link map is written next to the binary; release/hot-text.sh reads it.
add_compile_options(-ffunction-sections)

function(dcs_compact_layout target)
  set(script ${PROJECT_SOURCE_DIR}/release/hot-text.ld)
  target_link_options(${target} PRIVATE "LINKER:-T,${script}" "LINKER:-z,pack-relative-relocs"
    "LINKER:-Map=$<TARGET_FILE:${target}>.map")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${script})
endfunction()
