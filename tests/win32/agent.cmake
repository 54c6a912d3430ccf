# Tests of climon.exe (src/climon), under Wine. Unit tests link the agent's
# library; end-to-end tests run the built climon.exe (CLIMON_EXE) against a
# lab client and share, with fake_cli_nt.exe standing in for Client Setup.
# Tests that touch the session-wide agent (its mutex, its window) or the
# Client Services key take a resource lock so ctest -j never overlaps them.
if(TARGET climon)
  add_executable(fake_cli_nt ${CMAKE_CURRENT_LIST_DIR}/fake_cli_nt.c ${CMAKE_CURRENT_LIST_DIR}/stub_record.c)
  climon_target(fake_cli_nt)
  target_link_options(fake_cli_nt PRIVATE -municode)
  target_link_libraries(fake_cli_nt PRIVATE climon_core)

  set(CLIMON_AGENT_TEST_ENV "CLIMON_EXE=$<TARGET_FILE:climon>" "CLIMON_FAKE_CLI=$<TARGET_FILE:fake_cli_nt>")

  function(climon_agent_test name)
    cmake_parse_arguments(A "" "" "LOCKS;EXTRA" ${ARGN})
    climon_add_test(agent.${name}
      SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_agent_${name}.c ${CMAKE_CURRENT_LIST_DIR}/agent_fixture.c ${A_EXTRA}
      LIBS climon_agent LABELS agent)
    target_include_directories(test_agent.${name} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
    add_dependencies(test_agent.${name} climon fake_cli_nt)
    set_property(TEST ${CLIMON_TEST_PREFIX}.agent.${name} APPEND PROPERTY ENVIRONMENT ${CLIMON_AGENT_TEST_ENV})
    if(A_LOCKS)
      set_property(TEST ${CLIMON_TEST_PREFIX}.agent.${name} PROPERTY RESOURCE_LOCK ${A_LOCKS})
    endif()
  endfunction()

  # The command line's errors come from the string table.
  climon_agent_test(config EXTRA $<TARGET_OBJECTS:climon_res>)
  climon_agent_test(forward)
  climon_agent_test(setupexec)
  climon_agent_test(backoff)
  # The share's errors Wine cannot make, through a fake of src/climon/fsio.c
  # linked in its place (the real one is in climon.exe, with no switch).
  climon_agent_test(faults EXTRA ${CMAKE_CURRENT_LIST_DIR}/fake_fsio.c
    LOCKS climon_session climon_client_services)
  climon_agent_test(report)
  climon_agent_test(check LOCKS climon_client_services)
  climon_agent_test(statusout LOCKS climon_client_services)
  # Issue 13.4: a thread's idle stack pages go back (QueryWorkingSetEx).
  climon_agent_test(stacktrim)
  target_link_libraries(test_agent.stacktrim PRIVATE psapi)
  climon_agent_test(tray LOCKS climon_session climon_client_services)
  climon_agent_test(prompt LOCKS climon_session climon_client_services)
  climon_agent_test(status LOCKS climon_session climon_client_services)
  # Quiet time (Wine reports none): src/climon/notifystate.c faked; the icons
  # are the string table's and the resources'.
  climon_agent_test(quiet EXTRA ${CMAKE_CURRENT_LIST_DIR}/fake_notifystate.c
    $<TARGET_OBJECTS:climon_res> LOCKS climon_session)
  climon_agent_test(autostart LOCKS climon_session climon_run_keys)
  # Issue 13.2: the prompt's words for other signed-in users (string table).
  climon_agent_test(others EXTRA $<TARGET_OBJECTS:climon_res>)
  # autostart_report's words come from the agent's string table.
  target_sources(test_agent.autostart PRIVATE $<TARGET_OBJECTS:climon_res>)

  # Issue 14.4: the user's language, from the string table linked in.
  # wine.agent.lang under the default locale must see English;
  # wine.agent.lang-de runs it again under LANG/LC_ALL=de_DE.UTF-8, which
  # Wine takes as a German display language and German formats, and must
  # see German (CLIMON_TEST_EXPECT_LANG says which).
  climon_agent_test(lang EXTRA $<TARGET_OBJECTS:climon_res> LOCKS climon_session climon_client_services)
  set_property(TEST ${CLIMON_TEST_PREFIX}.agent.lang APPEND PROPERTY ENVIRONMENT CLIMON_TEST_EXPECT_LANG=en)
  # In a prefix of its own: every Wine process started under another
  # locale rewrites the prefix's HKCU\Control Panel\International, so a
  # test of the main prefix running beside it turned its dates English.
  add_test(NAME ${CLIMON_TEST_PREFIX}.agent.lang-de COMMAND test_agent.lang)
  set_tests_properties(${CLIMON_TEST_PREFIX}.agent.lang-de PROPERTIES LABELS agent TIMEOUT 300
    RESOURCE_LOCK "climon_session;climon_client_services"
    ENVIRONMENT "${CLIMON_TEST_ENV};${CLIMON_AGENT_TEST_ENV};LANG=de_DE.UTF-8;LC_ALL=de_DE.UTF-8;CLIMON_TEST_EXPECT_LANG=de")
  if(CLIMON_WINEPREFIX)
    climon_wine_prefix(${CLIMON_TEST_PREFIX}.agent.lang-de.prefix lang_de_prefix
      ${CMAKE_BINARY_DIR}/wineprefix-de LABELS agent ENV LANG=de_DE.UTF-8 LC_ALL=de_DE.UTF-8)
    set_property(TEST ${CLIMON_TEST_PREFIX}.agent.lang-de APPEND PROPERTY ENVIRONMENT
      WINEPREFIX=${CMAKE_BINARY_DIR}/wineprefix-de)
    set_tests_properties(${CLIMON_TEST_PREFIX}.agent.lang-de PROPERTIES FIXTURES_REQUIRED lang_de_prefix)
  endif()

  # Issue 14.5: the keyboard, labels for screen readers, high contrast.
  climon_agent_test(access LOCKS climon_session climon_client_services)

  # The console path of a GUI program under Wine: a pipe, a file, a tty.
  add_test(NAME ${CLIMON_TEST_PREFIX}.agent.check-wine
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/agent-check-wine.sh $<TARGET_FILE:climon>)
  set_tests_properties(${CLIMON_TEST_PREFIX}.agent.check-wine PROPERTIES LABELS agent TIMEOUT 300
    ENVIRONMENT "${CLIMON_TEST_ENV};WINE=${CMAKE_CROSSCOMPILING_EMULATOR}"
    RESOURCE_LOCK climon_client_services)
  if(CLIMON_WINEPREFIX)
    set_tests_properties(${CLIMON_TEST_PREFIX}.agent.check-wine PROPERTIES FIXTURES_REQUIRED wineprefix)
  endif()

  # Issue 13, items 1 and 5: two sessions that share no kernel objects,
  # played as two Wine prefixes (two wineservers) of their own, made once
  # per run; 1,000 .RAW delivered once, no error, one Client Setup.
  if(CLIMON_WINEPREFIX AND TARGET clisetup)
    foreach(x a b)
      climon_wine_prefix(${CLIMON_TEST_PREFIX}.agent.two-prefixes.prefix-${x} two_prefixes_${x}
        ${CMAKE_BINARY_DIR}/wineprefix-2${x} LABELS agent)
    endforeach()
    add_test(NAME ${CLIMON_TEST_PREFIX}.agent.two-prefixes
      COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/agent-two-prefixes.sh $<TARGET_FILE:climon>
        $<TARGET_FILE:clisetup>)
    set_tests_properties(${CLIMON_TEST_PREFIX}.agent.two-prefixes PROPERTIES LABELS agent
      TIMEOUT 240 FIXTURES_REQUIRED "two_prefixes_a;two_prefixes_b"
      ENVIRONMENT "WINE=${CMAKE_CROSSCOMPILING_EMULATOR};WINEPREFIX_A=${CMAKE_BINARY_DIR}/wineprefix-2a;WINEPREFIX_B=${CMAKE_BINARY_DIR}/wineprefix-2b")
  endif()

  # Issue 17.1: a clock step (Debian's faketime) is not a restart.
  add_test(NAME ${CLIMON_TEST_PREFIX}.agent.clock-step
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/agent-clock-step.sh $<TARGET_FILE:climon>
      $<TARGET_FILE:climon_holdfile>)
  set_tests_properties(${CLIMON_TEST_PREFIX}.agent.clock-step PROPERTIES LABELS agent TIMEOUT 300
    ENVIRONMENT "${CLIMON_TEST_ENV};WINE=${CMAKE_CROSSCOMPILING_EMULATOR}" SKIP_RETURN_CODE 77
    RESOURCE_LOCK climon_client_services)
  if(CLIMON_WINEPREFIX)
    set_tests_properties(${CLIMON_TEST_PREFIX}.agent.clock-step PROPERTIES FIXTURES_REQUIRED wineprefix)
  endif()
endif()
