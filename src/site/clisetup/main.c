/*
 * main.c: clisetup.exe's entry point. Harden the process, read the command
 * line, run (setup.c), exit with a SETUP_EXIT_* code.
 */
#include "clisetup.h"

#include <stdio.h>

#include "climon/protocol.h"
#include "secure.h"

/* The wide entry point (-municode); mingw declares no prototype for it. */
int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
{
    clisetup_opts opts;
    char why[300];

    /* Paths are made absolute before hardening moves the working folder. */
    if (!clisetup_parse_args(argc, argv, &opts, why, sizeof why)) {
        fprintf(stderr, "clisetup: %s\n", why);
        clisetup_usage(stderr);
        return SETUP_EXIT_USAGE;
    }
    if (opts.help) {
        clisetup_usage(stdout);
        return SETUP_EXIT_OK;
    }
    if (!secure_process_init())
        fputs("clisetup: warning: could not restrict the DLL search path\n", stderr);
    return clisetup_run(&opts);
}
