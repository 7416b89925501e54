# Included by the top-level CMakeLists.txt when DCS_STATIC_DEPS is ON (release
# builds, see release/release.sh).
#
# Debian's CMake package files for gRPC, abseil, re2 and c-ares describe the
# shared libraries only, but the -dev packages also ship the static archives
# next to them (dpkg -L libgrpc++-dev libgrpc-dev libabsl-dev libprotobuf-dev
# libre2-dev libc-ares-dev). For every imported target of those families whose
# location is a lib*.so* with a sibling lib*.a, the location is switched to
# the archive, so the provider carries its own copy of them and the machine it
# runs on needs none of them installed.
#
# What stays dynamic, and why:
#   glibc (libc, libm, libpthread, libdl, librt): static glibc cannot load NSS
#     modules (name resolution through /etc/nsswitch.conf) and is not
#     supported with dlopen; every Linux system has a glibc.
#   libcurl and what it links (OpenSSL, nghttp2, libidn2, libssh2, libpsl,
#     GSSAPI, LDAP, zstd, brotli, zlib): Debian ships libcurl.a but not static
#     archives of several of its dependencies, and OpenSSL must be one copy
#     shared by libcurl and gRPC, so OpenSSL and zlib stay dynamic too. On
#     Debian/Ubuntu this is the libcurl4 package (it pulls libssl3), plus
#     ca-certificates for TLS verification.
# libstdc++ and libgcc_s are linked statically (-static-libstdc++
# -static-libgcc): the binary then runs on systems whose libstdc++ is older
# than the compiler's, and no dynamic dependency above is C++.

get_directory_property(dcs_imported_targets IMPORTED_TARGETS)
set(dcs_static_swapped 0)
foreach(target IN LISTS dcs_imported_targets)
  if(NOT target MATCHES "^(gRPC|absl|protobuf|re2|c-ares)::")
    continue()
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    # gRPC's Findre2 module makes re2::re2 an interface target that links by
    # name ("re2" / "-lre2"): point such names at the archive when it exists.
    get_target_property(links ${target} INTERFACE_LINK_LIBRARIES)
    if(links)
      set(new_links "")
      foreach(link IN LISTS links)
        string(REGEX REPLACE "^-l" "" bare "${link}")
        find_file(dcs_archive_${bare} lib${bare}.a
                  PATHS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE} /usr/lib NO_DEFAULT_PATH)
        if(bare MATCHES "^[A-Za-z0-9_+-]+$" AND dcs_archive_${bare})
          list(APPEND new_links ${dcs_archive_${bare}})
          math(EXPR dcs_static_swapped "${dcs_static_swapped} + 1")
        else()
          list(APPEND new_links "${link}")
        endif()
      endforeach()
      set_target_properties(${target} PROPERTIES INTERFACE_LINK_LIBRARIES "${new_links}")
    endif()
    continue()
  endif()
  if(NOT type MATCHES "^(SHARED|UNKNOWN)_LIBRARY$")
    continue()
  endif()
  foreach(property IMPORTED_LOCATION IMPORTED_LOCATION_NONE IMPORTED_LOCATION_RELEASE
                   IMPORTED_LOCATION_RELWITHDEBINFO IMPORTED_LOCATION_NOCONFIG)
    get_target_property(location ${target} ${property})
    if(NOT location OR NOT location MATCHES "\\.so(\\.[0-9.]+)?$")
      continue()
    endif()
    get_filename_component(dir ${location} DIRECTORY)
    get_filename_component(name ${location} NAME)
    string(REGEX REPLACE "\\.so(\\.[0-9.]+)?$" ".a" archive_name ${name})
    if(EXISTS ${dir}/${archive_name})
      set_target_properties(${target} PROPERTIES ${property} ${dir}/${archive_name})
      # An archive has no soname; clear it so CMake links by path.
      set_property(TARGET ${target} PROPERTY IMPORTED_SONAME_NONE "")
      set_property(TARGET ${target} PROPERTY IMPORTED_NO_SONAME TRUE)
      math(EXPR dcs_static_swapped "${dcs_static_swapped} + 1")
    else()
      message(STATUS "DCS_STATIC_DEPS: no static archive for ${target} (${location}); it stays dynamic")
    endif()
  endforeach()
endforeach()
message(STATUS "DCS_STATIC_DEPS: ${dcs_static_swapped} imported libraries switched to static archives")

string(APPEND CMAKE_EXE_LINKER_FLAGS " -static-libstdc++ -static-libgcc")
