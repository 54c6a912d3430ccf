# Tests of the shared Win32 helpers in src/win32, under Wine.
climon_add_test(win32.fileio SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_fileio.c LIBS climon_win32 LABELS win32)
climon_add_test(win32.logfile SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_logfile.c LIBS climon_win32 LABELS win32)
climon_add_test(win32.argvquote SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_argvquote.c LIBS climon_win32 shell32 LABELS win32)
