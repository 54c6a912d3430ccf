/*
 * dll_probe.c: the control for the DLL planting check. It loads each DLL
 * named on its command line by name, with Windows' default search order
 * and no hardening, and prints "<name> <path it got>" or "<name> failed".
 * Run from a folder holding planted DLLs, it shows whether this Windows
 * (or Wine, with the overrides the test sets) would load a planted DLL at
 * all: if the control does not load it, the agent not loading it proves
 * nothing, and the test says so instead of passing.
 *   dll_probe [--harden] NAME.dll ...
 * --harden applies what climon.exe does first (SetDllDirectoryW(L""),
 * SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32)).
 */
#include <windows.h>

#include <stdio.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv);

int wmain(int argc, wchar_t **argv)
{
    int i = 1;

    if (argc > 1 && !wcscmp(argv[1], L"--harden")) {
        SetDllDirectoryW(L"");
        SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32);
        i = 2;
    }
    for (; i < argc; i++) {
        HMODULE m = LoadLibraryW(argv[i]);
        wchar_t path[MAX_PATH];
        if (m && GetModuleFileNameW(m, path, MAX_PATH))
            printf("%ls %ls\n", argv[i], path);
        else
            printf("%ls failed\n", argv[i]);
    }
    return 0;
}
