# Tests of the site side (src/site): clisetup.exe and ccm.exe through their
# libraries with real files and a sandbox registry key under Wine, and
# script tests of the real executables and the lab (tests/site/*.sh).
set(SITE_FX ${CMAKE_CURRENT_LIST_DIR}/site_fixture.c)
climon_add_test(clisetup.args SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_clisetup_args.c
  LIBS clisetup_lib LABELS site)
climon_add_test(clisetup.run SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_clisetup_run.c ${SITE_FX}
  LIBS clisetup_lib LABELS site)
climon_add_test(ccm.rules SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_ccm_retry.c
  LIBS ccm_lib LABELS site)
climon_add_test(ccm.pass SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_ccm_pass.c ${SITE_FX}
  LIBS ccm_lib LABELS site)
climon_add_test(ccm.bulk SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_ccm_bulk.c ${SITE_FX}
  LIBS ccm_lib LABELS site)

# The real executables, and the lab (scripts/lab) in a Wine prefix of its own.
find_program(BASH bash REQUIRED)
add_test(NAME wine.clisetup.cli COMMAND ${BASH} ${PROJECT_SOURCE_DIR}/tests/site/clisetup-cli.sh
  $<TARGET_FILE:clisetup>)
add_test(NAME wine.ccm.cli COMMAND ${BASH} ${PROJECT_SOURCE_DIR}/tests/site/ccm-cli.sh
  $<TARGET_FILE:ccm>)
# The compliance page (ccm --report): its counts, escaping and CSV, then
# the page as Debian's headless Chromium renders it (screenshot and text).
add_test(NAME wine.ccm.report COMMAND ${BASH} ${PROJECT_SOURCE_DIR}/tests/site/report-cli.sh
  $<TARGET_FILE:ccm>)
add_test(NAME wine.ccm.report.chromium COMMAND ${BASH}
  ${PROJECT_SOURCE_DIR}/tests/site/report-chromium.sh $<TARGET_FILE:ccm>)
set_tests_properties(wine.ccm.report wine.ccm.report.chromium PROPERTIES LABELS site TIMEOUT 300
  FIXTURES_REQUIRED wineprefix ENVIRONMENT "${CLIMON_TEST_ENV}")
set_tests_properties(wine.clisetup.cli wine.ccm.cli PROPERTIES LABELS site TIMEOUT 300
  FIXTURES_REQUIRED wineprefix ENVIRONMENT "${CLIMON_TEST_ENV}")
add_test(NAME wine.lab.flow COMMAND ${BASH} ${PROJECT_SOURCE_DIR}/tests/site/lab.sh
  ${CMAKE_CURRENT_BINARY_DIR}/lab-flow)
set_tests_properties(wine.lab.flow PROPERTIES LABELS site TIMEOUT 600
  DEPENDS "wine.clisetup.cli;wine.ccm.cli"
  ENVIRONMENT "CLIMON_BUILD=${CMAKE_BINARY_DIR};WINEDEBUG=-all")
