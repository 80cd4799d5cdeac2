; A ticket spin lock (TicketLockStressTest): take a ticket with LOCK XADD on NEXT, spin with
; PAUSE until SERVING equals it, then increment COUNTER with a plain load, add and store,
; and release by storing SERVING + 1. P_ITER critical sections per vCPU.
%include "smp.inc"
NEXT        equ LINE(1)
SERVING     equ LINE(2)
COUNTER     equ LINE(3)
        org ENTRY
        mov esi, [P_ITER]
again:  mov eax, 1
        lock xadd [NEXT], eax           ; EAX = my ticket
.spin:  cmp [SERVING], eax
        je .mine
        pause
        jmp .spin
.mine:  mov edx, [COUNTER]              ; the critical section: not atomic on purpose
        add edx, 1
        mov [COUNTER], edx
        inc eax
        mov [SERVING], eax              ; release (a plain store, as Linux's ticket unlock)
        dec esi
        jnz again
        hlt
