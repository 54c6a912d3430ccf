/*
 * tray_control.c: the smallest tray program, figure 4's floor for the
 * agent's idle memory (docs/performance.md): one hidden window, one
 * notification icon, a message loop; nothing else. Started in the bench's
 * Wine desktop as the agent is; bench/fig4-footprint reads its RssAnon
 * and compares. Ends on WM_CLOSE (taskkill) or after --seconds.
 */
#include <windows.h>
#include <shellapi.h>

#include <stdlib.h>

int wmain(int argc, wchar_t **argv);

int wmain(int argc, wchar_t **argv)
{
    WNDCLASSW wc;
    NOTIFYICONDATAW nid;
    HWND hwnd;
    MSG m;
    UINT seconds = argc > 1 ? (UINT)wcstoul(argv[1], NULL, 10) : 600;

    ZeroMemory(&wc, sizeof wc);
    wc.lpfnWndProc = DefWindowProcW;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = L"ClimonBenchTrayControl";
    RegisterClassW(&wc);
    hwnd = CreateWindowExW(0, wc.lpszClassName, L"", 0, 0, 0, 0, 0, NULL, NULL, wc.hInstance, NULL);
    ZeroMemory(&nid, sizeof nid);
    nid.cbSize = sizeof nid;
    nid.hWnd = hwnd;
    nid.uID = 1;
    nid.uFlags = NIF_ICON | NIF_TIP;
    nid.hIcon = LoadIconW(NULL, (LPCWSTR)IDI_APPLICATION);
    lstrcpyW(nid.szTip, L"tray control");
    Shell_NotifyIconW(NIM_ADD, &nid);
    SetTimer(hwnd, 1, seconds * 1000u, NULL);
    while (GetMessageW(&m, NULL, 0, 0) > 0) {
        if (m.message == WM_TIMER)
            break;
        DispatchMessageW(&m);
    }
    Shell_NotifyIconW(NIM_DELETE, &nid);
    return 0;
}
