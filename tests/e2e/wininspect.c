/*
 * wininspect.c: what the user sees, for the end-to-end tests. xdotool
 * finds windows by title and clicks; it cannot read a dialog's text or
 * tell a Win32 window class. This helper, run in the same Wine prefix and
 * desktop, lists the visible top-level windows whose title contains TEXT
 * (or all of them with an empty TEXT), one line each, then their child
 * controls, one indented line each:
 *
 *   window class=<class> title=<title> rect=<l>,<t>,<r>,<b> pid=<n> visible=<0|1>
 *     child class=<class> text=<text> rect=<l>,<t>,<r>,<b> visible=<0|1>
 *
 * Rectangles are screen coordinates, which in a Wine virtual desktop at
 * the X screen's origin are the X coordinates xdotool clicks at.
 * Exit 0 when a window matched, 1 when none did.
 *   wininspect [--class CLASS] [--hidden] TEXT
 *   wininspect --remove-icons | --taskbar-created
 *   wininspect --foreground
 * The two halves of what an Explorer restart does to the notification
 * area, for a Wine virtual desktop whose shell cannot be restarted while
 * windows live in it: --remove-icons deletes every icon of the agent's
 * window (class Climon.Agent, ids 0 to 15), as a new shell starts with
 * none; --taskbar-created broadcasts "TaskbarCreated", as the new shell
 * does. Exit 0 when an agent window was found.
 * --foreground prints the window that has the keyboard focus now
 * (GetForegroundWindow) as a "window" line; exit 1 when there is none.
 * --hidden lists hidden top-level windows too (the agent's own window is
 * one: the tests count agents by it).
 */
#include <windows.h>
#include <shellapi.h>

#include <stdio.h>
#include <string.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv);

static const wchar_t *g_text = L"";
static const wchar_t *g_class = NULL;
static int g_found;
static int g_hidden;

/* Text a user would see, on one line. */
static void print_clean(const wchar_t *s)
{
    char u[2048];
    WideCharToMultiByte(CP_UTF8, 0, s, -1, u, sizeof u, NULL, NULL);
    for (char *p = u; *p; p++)
        if (*p == '\r' || *p == '\n' || *p == '\t')
            *p = ' ';
    fputs(u, stdout);
}

static BOOL CALLBACK on_child(HWND h, LPARAM lp)
{
    wchar_t cls[128], text[1024];
    RECT r;
    (void)lp;
    GetClassNameW(h, cls, 128);
    text[0] = 0;
    SendMessageTimeoutW(h, WM_GETTEXT, 1024, (LPARAM)text, SMTO_ABORTIFHUNG, 2000, NULL);
    GetWindowRect(h, &r);
    printf("  child class=");
    print_clean(cls);
    printf(" text=");
    print_clean(text);
    printf(" rect=%ld,%ld,%ld,%ld visible=%d\n", r.left, r.top, r.right, r.bottom,
           IsWindowVisible(h) ? 1 : 0);
    return TRUE;
}

static BOOL CALLBACK on_top(HWND h, LPARAM lp)
{
    wchar_t cls[128], title[512];
    RECT r;
    DWORD pid = 0;
    (void)lp;
    if (!g_hidden && !IsWindowVisible(h))
        return TRUE;
    GetClassNameW(h, cls, 128);
    GetWindowTextW(h, title, 512);
    if (g_class && wcscmp(cls, g_class) != 0)
        return TRUE;
    if (*g_text && !wcsstr(title, g_text))
        return TRUE;
    g_found = 1;
    GetWindowRect(h, &r);
    GetWindowThreadProcessId(h, &pid);
    printf("window class=");
    print_clean(cls);
    printf(" title=");
    print_clean(title);
    printf(" rect=%ld,%ld,%ld,%ld pid=%lu visible=%d\n", r.left, r.top, r.right, r.bottom,
           (unsigned long)pid, IsWindowVisible(h) ? 1 : 0);
    EnumChildWindows(h, on_child, 0);
    return TRUE;
}

static int shell_restart(int remove)
{
    HWND agent = FindWindowW(L"Climon.Agent", NULL);
    if (!agent)
        return 1;
    if (!remove) {
        SendNotifyMessageW(HWND_BROADCAST, RegisterWindowMessageW(L"TaskbarCreated"), 0, 0);
        return 0;
    }
    for (UINT id = 0; id < 16; id++) {
        NOTIFYICONDATAW nid;
        memset(&nid, 0, sizeof nid);
        nid.cbSize = sizeof nid;
        nid.hWnd = agent;
        nid.uID = id;
        Shell_NotifyIconW(NIM_DELETE, &nid);
    }
    return 0;
}

int wmain(int argc, wchar_t **argv)
{
    if (argc == 2 && !wcscmp(argv[1], L"--remove-icons"))
        return shell_restart(1);
    if (argc == 2 && !wcscmp(argv[1], L"--taskbar-created"))
        return shell_restart(0);
    if (argc == 2 && !wcscmp(argv[1], L"--foreground")) {
        HWND fg = GetForegroundWindow();
        g_hidden = 1;
        if (fg)
            on_top(fg, 0);
        fflush(stdout);
        return g_found ? 0 : 1;
    }
    for (int i = 1; i < argc; i++) {
        if (!wcscmp(argv[i], L"--class") && i + 1 < argc)
            g_class = argv[++i];
        else if (!wcscmp(argv[i], L"--hidden"))
            g_hidden = 1;
        else
            g_text = argv[i];
    }
    EnumWindows(on_top, 0);
    fflush(stdout);
    return g_found ? 0 : 1;
}
