; Cross-modifying code (CrossModifyingCodeStressTest). vCPU 0 is the writer, the others are
; readers. Readers loop over BODY, whose first instruction stores an IMM32 that lives in the
; code; the writer rewrites that IMM32 with BASE + g for g = 1 .. P_ITER.
;   P_MODE 0 (SDM vol. 3A, 8.1.3, cross-modifying code): after each rewrite the writer
;     executes CPUID and then publishes g in GEN. A reader reads GEN before each pass; when it
;     changed, the reader executes CPUID (the protocol's serializing instruction on the
;     executing processor) before it runs BODY. Then the value BODY stores is never older
;     than the generation read: value - BASE >= g.
;   P_MODE 1: no handshake: the writer rewrites the code the readers are running, pausing
;     P_SPIN spins between rewrites, and never publishes; readers run BODY back to back.
; Readers count violations of value - BASE >= g in VIOLATIONS[i] (first one in FIRST_BAD[i]),
; passes in PASSES[i], and log every change of the stored value as (g, value) in their array
; (at most P_ARG entries; the count in LOGGED[i]).
%include "smp.inc"
BASE        equ 0x5EED0000
GEN         equ LINE(1)
DONE        equ LINE(2)
SEEN        equ LINE(3)         ; dword per vCPU: the last generation a reader serialized after
PASSES      equ LINE(4)
VIOLATIONS  equ LINE(5)
LOGGED      equ LINE(6)
FIRST_BAD   equ LINE(7)         ; qword per vCPU: (g, value) of the first violation
SLOTS       equ LINE(9)         ; dword per vCPU: where BODY stores

        org ENTRY
        test ebp, ebp
        jnz reader

writer:
        mov ebx, 1
.next:  lea eax, [ebx + BASE]
        mov [IMM], eax                  ; the cross-modifying store
        test dword [P_MODE], 1
        jnz .delay
        push ebx
        xor eax, eax
        cpuid                           ; serialize before publishing
        pop ebx
        mov [GEN], ebx                  ; publish generation g
        mov ecx, [P_SPIN]               ; pace: until every reader saw g, or P_SPIN spins
.wait:  mov edx, 1
.each:  cmp [SEEN + edx * 4], ebx
        jb .notyet
        inc edx
        cmp edx, edi
        jb .each
        jmp .paced
.notyet:
        pause
        dec ecx
        jnz .wait
        jmp .paced
.delay: mov ecx, [P_SPIN]
.spin:  pause
        dec ecx
        jnz .spin
.paced: inc ebx
        cmp ebx, [P_ITER]
        jbe .next
        mov dword [DONE], 1
        hlt

        times 0x1000 - ($ - $$) db 0xCC ; the readers' code on a page of its own

reader:
        mov esi, ebp
        imul esi, esi, ARRAY_STRIDE
        add esi, ARRAYS                 ; my change log
        xor ecx, ecx                    ; entries logged
        xor ebx, ebx                    ; the generation I serialized after
        xor edi, edi                    ; the value stored by the previous pass
        xor eax, eax                    ; the generation read before this pass
        test dword [P_MODE], 1
        jnz body
check:  mov eax, [GEN]
        cmp eax, ebx
        je body
        mov ebx, eax
        mov [SEEN + ebp * 4], eax
        push ebx
        push ecx
        xor eax, eax
        cpuid                           ; SDM 8.1.3: serialize before running the modified code
        pop ecx
        pop ebx
        mov eax, ebx
        jmp body
        align 4
        nop                             ; puts the IMM32 below on a 4-byte boundary
body:   mov dword [SLOTS + ebp * 4], BASE
IMM     equ $ - 4
        mov edx, [SLOTS + ebp * 4]
        inc dword [PASSES + ebp * 4]
        push edx
        sub edx, BASE
        cmp edx, eax
        pop edx
        jae .ok
        inc dword [VIOLATIONS + ebp * 4]
        cmp dword [VIOLATIONS + ebp * 4], 1
        jne .ok
        mov [FIRST_BAD + ebp * 8], eax
        mov [FIRST_BAD + ebp * 8 + 4], edx
.ok:    cmp edx, edi
        je .same
        mov edi, edx
        cmp ecx, [P_ARG]
        jae .same
        mov [esi + ecx * 8], eax
        mov [esi + ecx * 8 + 4], edx
        inc ecx
        mov [LOGGED + ebp * 4], ecx
.same:  cmp dword [DONE], 0
        jne .out
        test dword [P_MODE], 1
        jnz body
        jmp check
.out:   hlt
