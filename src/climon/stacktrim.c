/*
 * stacktrim.c: gives back the stack pages a thread has stopped using.
 *
 * Under Wine a thread's start (ntdll's, before its first line of ours)
 * writes about 960 KB of its stack, whatever the reservation; the pages
 * stay resident as long as the thread lives, and after its exit until
 * the next thread exits (Wine frees a thread's stack one exit late).
 * That was most of what a session paid for a tray agent that waits
 * (issue 13.4, docs/performance.md "Per session"). Nothing below the
 * caller's frame is live, so MEM_RESET lets the system drop those pages
 * (Wine: madvise MADV_DONTNEED, zero pages when touched again); they
 * stay committed, so a deeper call later simply faults them back in.
 */
#include "climon.h"

/* Left alone below the caller's frame: VirtualAlloc's own calls and an
 * APC or exception frame the system may push meanwhile. */
#define STACKTRIM_KEEP_BYTES (32u * 1024u)
#define STACKTRIM_PAGE ((ULONG_PTR)4096u)

#ifdef __GNUC__
__attribute__((noinline))
#endif
void stacktrim_now(void)
{
    volatile char here = 0;
    const NT_TIB *tib = (const NT_TIB *)NtCurrentTeb();
    ULONG_PTR low = ((ULONG_PTR)tib->StackLimit + STACKTRIM_PAGE - 1) & ~(STACKTRIM_PAGE - 1);
    ULONG_PTR top = ((ULONG_PTR)&here - STACKTRIM_KEEP_BYTES) & ~(STACKTRIM_PAGE - 1);

    /* StackLimit is the lowest committed page: MEM_RESET needs committed
     * memory, and Windows commits a stack downwards from the top. */
    if ((ULONG_PTR)&here < STACKTRIM_KEEP_BYTES || top <= low)
        return;
    VirtualAlloc((void *)low, top - low, MEM_RESET, PAGE_READWRITE);
}
