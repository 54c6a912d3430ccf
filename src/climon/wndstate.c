/*
 * wndstate.c: every window procedure of the agent (window.c, statuswnd.c,
 * countdown.c) gets its state from its window's creation, never from a
 * global (climon.h, window_app). Its own room, so the windows need not
 * call into each other for it.
 */
#include "climon.h"

climon_app *window_app(HWND hwnd, UINT msg, LPARAM lp)
{
    /* The window's state comes with its creation, never from a global. */
    if (msg == WM_NCCREATE) {
        climon_app *a = (climon_app *)((CREATESTRUCTW *)lp)->lpCreateParams;
        SetWindowLongPtrW(hwnd, GWLP_USERDATA, (LONG_PTR)a);
        return a;
    }
    return (climon_app *)GetWindowLongPtrW(hwnd, GWLP_USERDATA);
}
