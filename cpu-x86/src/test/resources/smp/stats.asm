; One vCPU, P_ITER passes (CodeStatisticsTest).
;   P_MODE 0: data only: each pass stores to DATA, a page that holds no code.
;   P_MODE 1: each pass stores the pass number into the IMM32 of the next instruction but
;     one, which then loads it; SUM adds what was loaded. Precise self-modifying code makes
;     SUM = 1 + 2 + ... + P_ITER.
%include "smp.inc"
DATA        equ LINE(1)
SUM         equ LINE(2)
        org ENTRY
        mov ecx, [P_ITER]
        test dword [P_MODE], 1
        jnz code
data:   mov [DATA], ecx
        add [SUM], ecx
        dec ecx
        jnz data
        hlt
code:   mov [patch + 1], ecx
patch:  mov eax, 0                      ; B8 imm32: the stored pass number replaces the 0
        add [SUM], eax
        dec ecx
        jnz code
        hlt
