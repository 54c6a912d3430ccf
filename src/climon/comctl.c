/*
 * comctl.c: the common controls (v6), loaded the first time a window of
 * ours needs them: the prompt (TaskDialogIndirect), the status window and
 * the final countdown (themed buttons and edits). Not imported: every DLL
 * loaded at start is resident memory each session's agent holds while it
 * idles, and under Wine comctl32's start alone is 1.7 MB of RssAnon, more
 * than half of what the smallest tray program holds in all (issue 13.4,
 * docs/performance.md "Per session"). The manifest's dependency on common
 * controls 6.0 is the process's default activation context, so this load,
 * however late, gets v6 (the Task Dialog exists only in v6).
 */
#include "climon.h"

#include <commctrl.h>

typedef BOOL(WINAPI *init_fn)(const INITCOMMONCONTROLSEX *);
typedef HRESULT(WINAPI *task_dialog_fn)(const TASKDIALOGCONFIG *, int *, int *, BOOL *);

/* comctl32, loaded and initialised once (UI thread), from System32 only
 * (secure.c's rule, said again here for the explicit load). A DLL handle,
 * not agent state: it is the same for every window of the process. */
static HMODULE comctl_module(void)
{
    static HMODULE module;
    static BOOL tried;

    if (!tried) {
        INITCOMMONCONTROLSEX icc = {sizeof icc, ICC_STANDARD_CLASSES | ICC_LINK_CLASS};
        init_fn init;
        tried = TRUE;
        module = LoadLibraryExW(L"comctl32.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
        init =
            module ? (init_fn)(void (*)(void))GetProcAddress(module, "InitCommonControlsEx") : NULL;
        if (init)
            init(&icc);
    }
    return module;
}

BOOL comctl_load(void)
{
    return comctl_module() != NULL;
}

HRESULT comctl_task_dialog(const TASKDIALOGCONFIG *tdc, int *button, int *radio)
{
    HMODULE m = comctl_module();
    task_dialog_fn fn =
        m ? (task_dialog_fn)(void (*)(void))GetProcAddress(m, "TaskDialogIndirect") : NULL;

    return fn ? fn(tdc, button, radio, NULL) : HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND);
}
