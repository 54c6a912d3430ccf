/*
 * secure.h: process hardening every Climon program does first in main.
 *
 * DLLs load from System32 only (never the current or the share folder, so
 * a planted DLL on the logon server share cannot be loaded), heap
 * corruption terminates the process, and the working directory moves to
 * System32 so that relative paths never resolve under the share.
 */
#ifndef CLIMON_WIN32_SECURE_H
#define CLIMON_WIN32_SECURE_H

#include <windows.h>

/* Returns FALSE only when the DLL search path could not be locked down;
 * the caller logs it and goes on (older systems lack the API). */
BOOL secure_process_init(void);

#endif
