/*
 * secure.c: process hardening (secure.h).
 */
#include "secure.h"

BOOL secure_process_init(void)
{
    wchar_t sys[MAX_PATH];
    BOOL ok = TRUE;

    HeapSetInformation(NULL, HeapEnableTerminationOnCorruption, NULL, 0);
    /* Removes the current directory from the DLL search order. */
    if (!SetDllDirectoryW(L""))
        ok = FALSE;
    /* System32 only for every later LoadLibrary, implicit ones included. */
    if (!SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32))
        ok = FALSE;
    if (GetSystemDirectoryW(sys, MAX_PATH))
        SetCurrentDirectoryW(sys);
    return ok;
}
