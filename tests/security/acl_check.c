/*
 * acl_check.c: what Windows says about who may write the files and folders
 * the agent created. For each path it prints one line
 *
 *   <path> dacl=present|null aces=<n> world-write=<0|1> owner=<SID>
 *
 * dacl=null is a NULL DACL (everyone has full control); world-write=1 is
 * an allow ACE that gives Everyone, Anonymous, Authenticated Users or
 * BUILTIN\Users a right to change the object (write, append, delete,
 * change its ACL or owner). Exit 0 when every path could be queried, 1
 * otherwise. Under Wine the descriptor of a file on the Unix file system
 * is made from its mode bits (or the xattr Wine stored when the creator
 * gave one), so this sees what can be seen there: see docs/reliability.md.
 */
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>

#include <stdio.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv);

static BOOL broad_sid(PSID sid)
{
    static const WELL_KNOWN_SID_TYPE broad[] = {WinWorldSid, WinAnonymousSid,
                                                WinAuthenticatedUserSid, WinBuiltinUsersSid};
    for (size_t i = 0; i < sizeof broad / sizeof broad[0]; i++)
        if (IsWellKnownSid(sid, broad[i]))
            return TRUE;
    return FALSE;
}

int wmain(int argc, wchar_t **argv)
{
    const DWORD change = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA |
                         FILE_WRITE_ATTRIBUTES | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_WRITE |
                         GENERIC_ALL;
    int rc = 0;

    if (argc == 3 && !wcscmp(argv[1], L"--make-null-dacl")) {
        SECURITY_DESCRIPTOR sd;
        SECURITY_ATTRIBUTES sa = {sizeof sa, &sd, FALSE};
        HANDLE h;
        InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION);
        SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE); /* the NULL DACL */
        h = CreateFileW(argv[2], GENERIC_WRITE, 0, &sa, CREATE_ALWAYS, 0, NULL);
        if (h == INVALID_HANDLE_VALUE)
            return 1;
        CloseHandle(h);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        PSID owner = NULL;
        PACL dacl = NULL;
        PSECURITY_DESCRIPTOR sd = NULL;
        LPWSTR owner_s = NULL;
        int world_write = 0;
        DWORD err = GetNamedSecurityInfoW(argv[i], SE_FILE_OBJECT,
                                          DACL_SECURITY_INFORMATION | OWNER_SECURITY_INFORMATION,
                                          &owner, NULL, &dacl, NULL, &sd);
        if (err != ERROR_SUCCESS) {
            printf("%ls error=%lu\n", argv[i], (unsigned long)err);
            rc = 1;
            continue;
        }
        if (dacl) {
            for (DWORD k = 0; k < dacl->AceCount; k++) {
                ACE_HEADER *h;
                if (!GetAce(dacl, k, (void **)&h) || h->AceType != ACCESS_ALLOWED_ACE_TYPE)
                    continue;
                ACCESS_ALLOWED_ACE *a = (ACCESS_ALLOWED_ACE *)h;
                if ((a->Mask & change) && broad_sid((PSID)&a->SidStart))
                    world_write = 1;
            }
        }
        if (owner)
            ConvertSidToStringSidW(owner, &owner_s);
        printf("%ls dacl=%s aces=%lu world-write=%d owner=%ls\n", argv[i],
               dacl ? "present" : "null", dacl ? (unsigned long)dacl->AceCount : 0ul,
               dacl ? world_write : 1, owner_s ? owner_s : L"?");
        LocalFree(owner_s);
        LocalFree(sd);
    }
    return rc;
}
