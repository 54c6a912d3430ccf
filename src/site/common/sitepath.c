/*
 * sitepath.c: path checks and joins for the site programs (site.h).
 * Paths come from the command line, SMS.INI and the site's client records;
 * names joined onto them were validated by the core (copylist_file_name_ok,
 * ccr_id_ok), and these checks keep the folders themselves sane.
 */
#include "site.h"

#include <wchar.h>

#include "fileio.h"
#include "winstr.h"

const char *site_u8(const wchar_t *w, char *buf, size_t cap)
{
    if (!winstr_to_utf8(w, buf, cap) && cap > 1) {
        buf[0] = '?';
        buf[1] = 0;
    }
    return buf;
}

BOOL site_join_u8(wchar_t *out, size_t cap, const wchar_t *dir, const char *name)
{
    wchar_t wname[SITE_PATH_MAX];

    if (!winstr_from_utf8(name, wname, SITE_PATH_MAX) || !wname[0]) {
        if (cap)
            out[0] = 0;
        return FALSE;
    }
    return path_join(out, cap, dir, wname);
}

static bool is_sep(wchar_t c)
{
    return c == L'\\' || c == L'/';
}

bool site_path_ok(const wchar_t *path)
{
    size_t n = wcslen(path);
    const wchar_t *seg;

    /* Room for "\<64-char file name>.<pid>.new" on top. */
    if (n < 3 || n > SITE_PATH_MAX - 100)
        return false;
    if (!(((path[0] | 0x20) >= L'a' && (path[0] | 0x20) <= L'z' && path[1] == L':' &&
           is_sep(path[2])) ||
          (is_sep(path[0]) && is_sep(path[1]) && !is_sep(path[2]))))
        return false;
    for (size_t i = 0; i < n; i++) {
        wchar_t c = path[i];
        if (c < 0x20 || c == 0x7f || c == L'*' || c == L'?' || c == L'"' || c == L'<' ||
            c == L'>' || c == L'|' || (c == L':' && i != 1))
            return false;
    }
    /* No "." or ".." segment: a path must say where it goes. */
    seg = path;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || is_sep(path[i])) {
            size_t len = (size_t)(path + i - seg);
            if ((len == 1 && seg[0] == L'.') || (len == 2 && seg[0] == L'.' && seg[1] == L'.'))
                return false;
            seg = path + i + 1;
        }
    }
    return true;
}

BOOL site_full_path(const wchar_t *path, wchar_t *out, size_t cap)
{
    DWORD n;

    if (!path[0] || cap < 4 || cap > 0x7fffffff)
        return FALSE;
    n = GetFullPathNameW(path, (DWORD)cap, out, NULL);
    if (n == 0 || n >= cap) {
        out[0] = 0;
        return FALSE;
    }
    while (n > 3 && is_sep(out[n - 1]))
        out[--n] = 0;
    return site_path_ok(out);
}
