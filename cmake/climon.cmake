# Shared build settings and helpers for Climon targets.

set(CLIMON_WARNINGS
  -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wformat=2 -Wundef -Wvla -Wwrite-strings -Wcast-align -Wnull-dereference
  -Wimplicit-fallthrough)
if(CLIMON_WERROR)
  list(APPEND CLIMON_WARNINGS -Werror)
endif()

set(CLIMON_VERSION_STRING "${PROJECT_VERSION}")

# climon_target(tgt): warnings, include path, platform defines.
function(climon_target tgt)
  target_compile_options(${tgt} PRIVATE ${CLIMON_WARNINGS})
  target_include_directories(${tgt} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_compile_definitions(${tgt} PRIVATE CLIMON_VERSION="${CLIMON_VERSION_STRING}")
  if(WIN32)
    # __USE_MINGW_ANSI_STDIO=0: printf and snprintf are msvcrt's own, not
    # mingw's C99 copy (__mingw_pformat and gdtoa: 24 KB of climon.exe).
    # Said explicitly: -std=c11 turns mingw's on by default. msvcrt.dll
    # (Windows 10) reads every format used (%lld and %llu included; no
    # %zu, no floating point: -Wformat checks them against msvcrt's).
    target_compile_definitions(${tgt} PRIVATE UNICODE _UNICODE WIN32_LEAN_AND_MEAN
      _WIN32_WINNT=0x0A00 WINVER=0x0A00 __USE_MINGW_ANSI_STDIO=0)
    # Static runtime pieces: the programs import system DLLs only.
    target_link_options(${tgt} PRIVATE -static -static-libgcc $<$<CONFIG:Release>:-s>)
    # Release is built for size (climon.exe under 200 KB, docs/performance.md
    # "Size"): -Oz (GCC 12; 2 KB under -Os) and link-time optimisation; --gc-sections drops what
    # nothing uses, above all the 40 KB of GUIDs libuuid's one object (each
    # GUID a COMDAT section of its own) brings along for FOLDERID_LocalAppData;
    # -fno-ident drops a "GCC: (GNU) ..." string an object. Not
    # -fdata-sections: mingw's GCC then puts zero-initialised data in .data$
    # sections, and g_app's 34 KB would be stored in the file.
    # -ffunction-sections changes nothing once LTO is on.
    target_compile_options(${tgt} PRIVATE $<$<CONFIG:Release>:-Oz -fno-ident>)
    target_link_options(${tgt} PRIVATE $<$<CONFIG:Release>:-Wl,--gc-sections>)
    set_property(TARGET ${tgt} PROPERTY INTERPROCEDURAL_OPTIMIZATION_RELEASE ON)
  endif()
  if(CLIMON_SANITIZE)
    target_compile_options(${tgt} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=all)
    target_link_options(${tgt} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# cmocka: Debian's libcmocka-dev natively; for mingw the static library
# scripts/setup built from Debian's source package.
if(WIN32)
  find_path(CMOCKA_INCLUDE_DIR cmocka.h PATHS ${CLIMON_DEPS}/mingw/include NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  find_library(CMOCKA_LIBRARY NAMES cmocka-static PATHS ${CLIMON_DEPS}/mingw/lib NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
else()
  find_path(CMOCKA_INCLUDE_DIR cmocka.h)
  find_library(CMOCKA_LIBRARY NAMES cmocka)
endif()
if(NOT CMOCKA_INCLUDE_DIR OR NOT CMOCKA_LIBRARY)
  message(FATAL_ERROR "cmocka not found: run scripts/setup")
endif()

# Test names say where they run: "native.ini" or "wine.ini".
if(WIN32)
  set(CLIMON_TEST_PREFIX "wine")
else()
  set(CLIMON_TEST_PREFIX "native")
endif()

# One Wine prefix per build tree, made once by a fixture test so the
# first-start cost is paid once per run and not inside a timed test.
if(WIN32 AND CMAKE_CROSSCOMPILING_EMULATOR)
  set(CLIMON_WINEPREFIX "${CMAKE_BINARY_DIR}/wineprefix")
  set(CLIMON_TEST_ENV "WINEPREFIX=${CLIMON_WINEPREFIX};WINEDEBUG=-all;WINEDLLOVERRIDES=mscoree,mshtml=")
endif()

# climon_add_test(name SOURCES a.c b.c [LIBS x y] [LABELS l]): one cmocka
# executable per module, run natively or under Wine.
function(climon_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  set(tgt test_${name})
  add_executable(${tgt} ${T_SOURCES})
  climon_target(${tgt})
  target_include_directories(${tgt} PRIVATE ${CMOCKA_INCLUDE_DIR} ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${tgt} PRIVATE ${T_LIBS} climon_core ${CMOCKA_LIBRARY})
  add_test(NAME ${CLIMON_TEST_PREFIX}.${name} COMMAND ${tgt})
  set_tests_properties(${CLIMON_TEST_PREFIX}.${name} PROPERTIES
    LABELS "${T_LABELS}" TIMEOUT 300
    ENVIRONMENT "CLIMON_TEST_DATA=${PROJECT_SOURCE_DIR}/tests/data;${CLIMON_TEST_ENV}")
  if(CLIMON_WINEPREFIX)
    set_tests_properties(${CLIMON_TEST_PREFIX}.${name} PROPERTIES FIXTURES_REQUIRED wineprefix)
  endif()
endfunction()

# climon_wine_prefix(test fixture prefix [LABELS l] [ENV var=value...]): the
# tests that make a Wine prefix once per run (test) and stop its wineserver
# after the last test that needs it (test.stop), as the ctest fixture
# `fixture`. The
# wineserver is made persistent for the run: left to itself it exits 3 s
# after its last client, and a Wine run that starts at that moment is lost
# ("wine client error: recvmsg: Connection reset by peer", or an exit 1
# with nothing printed: both seen in full runs). The folder comes first:
# wineserver needs it to exist, wineboot fills it. ENV: the environment of
# the prefix's first boot (a locale, which Wine writes into its registry).
function(climon_wine_prefix test fixture prefix)
  cmake_parse_arguments(P "" "" "LABELS;ENV" ${ARGN})
  add_test(NAME ${test} COMMAND ${CMAKE_COMMAND} -E env WINEPREFIX=${prefix} ${P_ENV}
    WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml= sh -c
    "mkdir -p ${prefix} && { timeout 30 wineserver -w; wineserver -p </dev/null >/dev/null 2>&1 && ${CMAKE_CROSSCOMPILING_EMULATOR} wineboot -i </dev/null >/dev/null 2>&1; }")
  set_tests_properties(${test} PROPERTIES FIXTURES_SETUP ${fixture} TIMEOUT 300)
  add_test(NAME ${test}.stop COMMAND ${CMAKE_COMMAND} -E env WINEPREFIX=${prefix} wineserver -k)
  set_tests_properties(${test}.stop PROPERTIES FIXTURES_CLEANUP ${fixture} TIMEOUT 60)
  if(P_LABELS)
    set_tests_properties(${test} ${test}.stop PROPERTIES LABELS "${P_LABELS}")
  endif()
endfunction()
