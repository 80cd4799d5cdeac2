; Litmus shapes of the x86 memory model (TsoLitmusTest; SDM vol. 3, 8.2.3). P_ITER iterations;
; iteration n (1, 2, ...) uses fresh, zeroed locations x = XS + 4n and y = YS + 4n, so no
; reset is needed between iterations and no outcome depends on how closely the vCPUs run
; together. A soft barrier per iteration makes them race, and a stagger varying with n sweeps
; their relative timing (the barrier alone leaves a skew of its exit path). vCPU i records its registers of
; iteration n in the dword ARRAYS + i * ARRAY_STRIDE + 4n (r1 in bits 7:0, r2 in bits 15:8).
;   P_MODE 0 MP       T0: x=1; y=1              T1: r1=y; r2=x
;          1 LB       T0: r1=x; y=1             T1: r1=y; x=1
;          2 2+2W     T0: x=1; y=2              T1: y=1; x=2        (the test reads final x, y)
;          3 SB       T0: x=1; r1=y             T1: y=1; r1=x
;          4 SB+fence T0: x=1; LOCK OR [esp],0; r1=y    T1: y=1; LOCK OR [esp],0; r1=x
;          5 IRIW     T0: x=1   T1: y=1   T2: r1=x; r2=y   T3: r1=y; r2=x
;          6 SB+xchg  T0: XCHG x,1; r1=y        T1: XCHG y,1; r1=x
;          7 SB+mfence T0: x=1; MFENCE; r1=y    T1: y=1; MFENCE; r1=x
%include "smp.inc"
XS          equ 0x1200000
YS          equ 0x1600000
        org ENTRY
        mov esi, ebp
        imul esi, esi, ARRAY_STRIDE
        add esi, ARRAYS                 ; my result array
        mov eax, [P_MODE]
        mov eax, [shapes + eax * 4]
        mov eax, [eax + ebp * 4]
        mov [esp - 4], eax              ; my body, below the stack top
        sub esp, 4
        mov ebx, 1
next:   soft_barrier ebx
        lea ecx, [ebp * 2 + 1]          ; stagger: vCPU i waits n * (2i + 1) mod 32 loop turns,
        imul ecx, ebx                   ; so the relative start of the bodies sweeps a window
        and ecx, 31                     ; of a few hundred ns across iterations
        inc ecx
.stagger:
        dec ecx
        jnz .stagger
        call [esp]
        inc ebx
        cmp ebx, [P_ITER]
        jbe next
        hlt

shapes: dd mp, lb, w22, sb, sbf, iriw, sbx, sbm
mp:     dd mp_0, mp_1
lb:     dd lb_0, lb_1
w22:    dd w22_0, w22_1
sb:     dd sb_0, sb_1
sbf:    dd sbf_0, sbf_1
iriw:   dd iriw_0, iriw_1, iriw_2, iriw_3
sbx:    dd sbx_0, sbx_1
sbm:    dd sbm_0, sbm_1

%define X(n) [XS + n * 4]
%define Y(n) [YS + n * 4]
%define RECORD mov [esi + ebx * 4], eax

mp_0:   mov dword X(ebx), 1
        mov dword Y(ebx), 1
        ret
mp_1:   mov eax, Y(ebx)
        mov edx, X(ebx)
        shl edx, 8
        or eax, edx
        RECORD
        ret

lb_0:   mov eax, X(ebx)
        mov dword Y(ebx), 1
        RECORD
        ret
lb_1:   mov eax, Y(ebx)
        mov dword X(ebx), 1
        RECORD
        ret

w22_0:  mov dword X(ebx), 1
        mov dword Y(ebx), 2
        ret
w22_1:  mov dword Y(ebx), 1
        mov dword X(ebx), 2
        ret

sb_0:   mov dword X(ebx), 1
        mov eax, Y(ebx)
        RECORD
        ret
sb_1:   mov dword Y(ebx), 1
        mov eax, X(ebx)
        RECORD
        ret

sbf_0:  mov dword X(ebx), 1
        lock or dword [esp], 0          ; a full fence on an i686 without SSE2 (as Linux's mb())
        mov eax, Y(ebx)
        RECORD
        ret
sbf_1:  mov dword Y(ebx), 1
        lock or dword [esp], 0
        mov eax, X(ebx)
        RECORD
        ret

iriw_0: mov dword X(ebx), 1
        ret
iriw_1: mov dword Y(ebx), 1
        ret
iriw_2: mov eax, X(ebx)
        mov edx, Y(ebx)
        shl edx, 8
        or eax, edx
        RECORD
        ret
iriw_3: mov eax, Y(ebx)
        mov edx, X(ebx)
        shl edx, 8
        or eax, edx
        RECORD
        ret

sbx_0:  mov eax, 1
        xchg X(ebx), eax
        mov eax, Y(ebx)
        RECORD
        ret
sbx_1:  mov eax, 1
        xchg Y(ebx), eax
        mov eax, X(ebx)
        RECORD
        ret

sbm_0:  mov dword X(ebx), 1
        mfence
        mov eax, Y(ebx)
        RECORD
        ret
sbm_1:  mov dword Y(ebx), 1
        mfence
        mov eax, X(ebx)
        RECORD
        ret
