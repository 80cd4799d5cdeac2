; Interrupt, trap and call gates with and without a privilege change (SDM vol. 3, 5.8.5,
; 6.12; vol. 2 INT n, CALL, RET, IRET): stack switch from TSS0, frame layout, gate DPL,
; gate presence, IF handling, call-gate parameter copy and RETF imm16 to the outer level.
%include "lib.inc"
%include "boot.inc"

SEL_CALLGATE equ 0x48           ; call gate, DPL 3, 2 dword parameters, to cg_target
SEL_CG_LOW   equ 0x50           ; call gate, DPL 0

VAR_FRAME   equ 0x600           ; what the handlers saw: 6 dwords

[bits 32]
tests:
    PRINT "gates: start", 10
    SETGATE IDT_BASE + 0x80 * 8, SEL_CODE0, int80, ACC_INTGATE | ACC_DPL3, 0
    SETGATE IDT_BASE + 0x81 * 8, SEL_CODE0, int81, ACC_TRAPGATE | ACC_DPL3, 0
    SETGATE IDT_BASE + 0x82 * 8, SEL_CODE0, int80, ACC_INTGATE, 0                  ; DPL 0
    SETGATE IDT_BASE + 0x83 * 8, SEL_CODE0, int80, (ACC_INTGATE & 0x7F) | ACC_DPL3, 0  ; not present
    SETGATE IDT_BASE + 0x84 * 8, SEL_DATA0, int80, ACC_INTGATE | ACC_DPL3, 0      ; target is data
    SETGATE GDT_BASE + SEL_CALLGATE, SEL_CODE0, cg_target, ACC_CALLGATE | ACC_DPL3, 2
    SETGATE GDT_BASE + SEL_CG_LOW, SEL_CODE0, cg_target, ACC_CALLGATE, 0

    ; --- same privilege: INT at CPL 0 through an interrupt gate ---
    sti
    mov ebx, esp
    int 0x80
.ret0:
    CHECK_EQ dword [VAR_FRAME], .ret0                   ; EIP = next instruction
    CHECK_EQ dword [VAR_FRAME + 4], SEL_CODE0
    CHECK_EQ dword [VAR_FRAME + 12], 0                  ; IF cleared by an interrupt gate
    CHECK_EQ dword [VAR_FRAME + 16], ebx                ; no stack switch: ESP = before - 12
    mov eax, [VAR_FRAME + 8]
    and eax, FL_IF
    CHECK_EQ eax, FL_IF                                 ; pushed EFLAGS had IF
    int 0x81
    CHECK_EQ dword [VAR_FRAME + 12], FL_IF              ; a trap gate keeps IF
    cli

    ; --- from CPL 3: stack switch to TSS0.SS0:ESP0 ---
    RING3
    mov ebx, esp
    int 0x80
.ret3:
    CHECK_EQ dword [ss:VAR_FRAME], .ret3
    CHECK_EQ dword [ss:VAR_FRAME + 4], SEL_CODE3
    CHECK_EQ dword [ss:VAR_FRAME + 16], ebx             ; pushed ESP = the user ESP
    CHECK_EQ dword [ss:VAR_FRAME + 20], SEL_DATA3       ; pushed SS
    EXPECT_FAULT 13, 0x82 * 8 + 2, int 0x82             ; gate DPL 0 < CPL 3
    EXPECT_FAULT 11, 0x83 * 8 + 2, int 0x83             ; gate not present
    EXPECT_FAULT 13, SEL_DATA0, int 0x84                ; gate target is not code
    mov ecx, [ss:VAR_CS]
    CHECK_EQ ecx, SEL_CODE3                             ; the faults were raised at CPL 3

    ; --- call gate with two parameters from CPL 3 ---
    mov ebx, esp
    push dword 0x11111111
    push dword 0x22222222
    call SEL_CALLGATE | 3:0
    CHECK_EQ esp, ebx                                   ; RETF 8 released the parameters
    CHECK_EQ dword [ss:VAR_FRAME], 0x22222222           ; copied in order
    CHECK_EQ dword [ss:VAR_FRAME + 4], 0x11111111
    CHECK_EQ dword [ss:VAR_FRAME + 8], SEL_CODE3        ; return CS
    mov eax, ebx
    sub eax, 8
    CHECK_EQ dword [ss:VAR_FRAME + 12], eax             ; pushed ESP = user ESP after the pushes
    CHECK_EQ dword [ss:VAR_FRAME + 16], SEL_DATA3       ; pushed SS
    CHECK_EQ dword [ss:VAR_FRAME + 20], 0               ; CPL 0 inside
    EXPECT_FAULT 13, SEL_CG_LOW, call SEL_CG_LOW | 3:0  ; call gate DPL 0 < CPL 3
    RING0

    ; --- SYSENTER / SYSEXIT (SDM vol. 2): flat CS = MSR, SS = MSR + 8; back to MSR + 16/24 ---
    mov ecx, 0x174
    xor edx, edx
    mov eax, SEL_CODE0
    wrmsr
    mov ecx, 0x175
    mov eax, STACK0 - 0x100
    wrmsr
    mov ecx, 0x176
    mov eax, ROM_BASE + sysenter_target          ; a linear address: SYSENTER's CS has base 0
    wrmsr
    sti                                         ; ring 3 runs with IF = 1, so the IF check means something
    RING3
    mov ebx, esp
    mov ecx, esp
    mov edx, ROM_BASE + .after_sysexit
    sysenter
.after_sysexit:
    jmp SEL_CODE3:.cs_reloaded                  ; back to the ROM-based ring 3 code segment
.cs_reloaded:
    CHECK_EQ dword [ss:VAR_FRAME + 24], 0       ; CPL 0 inside
    CHECK_EQ dword [ss:VAR_FRAME + 28], SEL_DATA0
    CHECK_EQ dword [ss:VAR_FRAME + 32], STACK0 - 0x100
    CHECK_EQ dword [ss:VAR_FRAME + 36], 0       ; IF cleared
    mov ax, ss
    CHECK_EQ ax, SEL_DATA3
    CHECK_EQ esp, ebx
    RING0
    cli

    PASS "gates: all checks passed", 10

; SYSENTER target, entered with a flat CS (base 0): reload the ROM-based CS first
sysenter_target:
    jmp SEL_CODE0:.reloaded
.reloaded:
    mov eax, cs
    and eax, 3
    mov [ss:VAR_FRAME + 24], eax
    xor eax, eax
    mov ax, ss
    mov [ss:VAR_FRAME + 28], eax
    mov [ss:VAR_FRAME + 32], esp
    pushfd
    pop eax
    and eax, FL_IF
    mov [ss:VAR_FRAME + 36], eax
    sysexit

; INT 0x80: records EIP, CS, EFLAGS, IF now, ESP before the interrupt, (SS)
int80:
    push eax
    mov eax, [esp + 4]
    mov [ss:VAR_FRAME], eax
    mov eax, [esp + 8]
    mov [ss:VAR_FRAME + 4], eax
    mov eax, [esp + 12]
    mov [ss:VAR_FRAME + 8], eax
    pushfd
    pop eax
    and eax, FL_IF
    mov [ss:VAR_FRAME + 12], eax
    test dword [esp + 8], 3
    jz .same
    mov eax, [esp + 16]
    mov [ss:VAR_FRAME + 16], eax
    mov eax, [esp + 20]
    mov [ss:VAR_FRAME + 20], eax
    pop eax
    iretd
.same:
    lea eax, [esp + 16]
    mov [ss:VAR_FRAME + 16], eax
    pop eax
    iretd

int81:
    push eax
    pushfd
    pop eax
    and eax, FL_IF
    mov [ss:VAR_FRAME + 12], eax
    pop eax
    iretd

; call gate target at CPL 0: [esp] EIP, CS, param 0x22.., param 0x11.., ESP, SS
cg_target:
    mov eax, [esp + 8]
    mov [ss:VAR_FRAME], eax
    mov eax, [esp + 12]
    mov [ss:VAR_FRAME + 4], eax
    mov eax, [esp + 4]
    mov [ss:VAR_FRAME + 8], eax
    mov eax, [esp + 16]
    mov [ss:VAR_FRAME + 12], eax
    mov eax, [esp + 20]
    mov [ss:VAR_FRAME + 16], eax
    mov eax, cs
    and eax, 3
    mov [ss:VAR_FRAME + 20], eax
    retf 8

%include "runtime.inc"
%include "reset.inc"
