; Shared-counter increments by every vCPU (AtomicCounterStressTest). P_ITER increments each;
; the counter is at P_ADDR (aligned, or misaligned across a cache line or a page).
;   P_MODE 0: LOCK XADD [counter], 1
;   P_MODE 1: read, LOCK CMPXCHG the value + 1, retry on failure
;   P_MODE 2: XCHG spin lock (LOCKWORD) around a plain load/add/store of the counter
%include "smp.inc"
LOCKWORD    equ LINE(1)
        org ENTRY
        mov ebx, [P_ADDR]
        mov esi, [P_ITER]
        mov eax, [P_MODE]
        jmp [modes + eax * 4]
modes:  dd xadd_loop, cmpxchg_loop, xchg_lock_loop

xadd_loop:
        mov eax, 1
        lock xadd [ebx], eax
        dec esi
        jnz xadd_loop
        hlt

cmpxchg_loop:
        mov eax, [ebx]
.retry: lea edx, [eax + 1]
        lock cmpxchg [ebx], edx         ; on failure EAX = the value now there
        jnz .retry
        dec esi
        jnz cmpxchg_loop
        hlt

xchg_lock_loop:
.acquire:
        mov eax, 1
        xchg [LOCKWORD], eax            ; XCHG with memory is locked without a prefix
        test eax, eax
        jz .held
.spin:  pause
        cmp dword [LOCKWORD], 0         ; wait on a plain load, then try again
        jne .spin
        jmp .acquire
.held:  mov eax, [ebx]
        add eax, 1
        mov [ebx], eax
        mov dword [LOCKWORD], 0         ; release: a plain store (TSO keeps it after the counter store)
        dec esi
        jnz xchg_lock_loop
        hlt
