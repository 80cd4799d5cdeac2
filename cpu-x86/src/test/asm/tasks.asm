; Hardware task switching (SDM vol. 3, 7.3-7.4; vol. 2 JMP, CALL, IRET): CALL to a TSS and
; IRET back (NT, back link, busy bits, CR0.TS, saved registers); a double fault handled by a
; task gate, as Linux's i386 double-fault handler is; JMP to a TSS and back; #GP for a busy
; TSS and #TS for a TSS below the minimum limit.
%include "lib.inc"
%include "boot.inc"

SEL_SMALLTSS equ 0x48
SEL_TASKGATE equ 0x50
VAR_T1 equ 0x600                ; what task 1 saw: 8 dwords

; (re)initialises TSS1 to start at %1 with a fresh stack
%macro INIT_TSS1 1
    mov edi, TSS1
    xor eax, eax
    mov ecx, 0x68 / 4
    rep stosd
    mov dword [TSS1 + 0x20], %1                 ; EIP
    mov dword [TSS1 + 0x24], 2                  ; EFLAGS
    mov dword [TSS1 + 0x38], STACK_T1           ; ESP
    mov dword [TSS1 + 0x4C], SEL_CODE0          ; CS
    mov dword [TSS1 + 0x48], SEL_DATA0          ; ES
    mov dword [TSS1 + 0x50], SEL_DATA0          ; SS
    mov dword [TSS1 + 0x54], SEL_DATA0          ; DS
    mov dword [TSS1 + 0x58], SEL_DATA0          ; FS
    mov dword [TSS1 + 0x5C], SEL_DATA0          ; GS
    mov eax, cr3
    mov [TSS1 + 0x1C], eax
    mov word [TSS1 + 0x66], 0x68
%endmacro

[bits 32]
tests:
    PRINT "tasks: start", 10
    SETDESC SEL_SMALLTSS, TSS1, 0x50, ACC_TSS32, 0
    SETGATE GDT_BASE + SEL_TASKGATE, SEL_TSS1, 0, ACC_TASKGATE, 0

    ; --- CALL to a TSS, IRET back ---
    INIT_TSS1 task1_nested
    mov ebx, 0x12345678
    clts
    call SEL_TSS1:0
    CHECK_EQ ebx, 0x12345678                            ; restored from TSS0
    str ax
    CHECK_EQ ax, SEL_TSS0
    CHECK_EQ dword [VAR_T1], SEL_TSS1                   ; task 1 ran with TR = TSS1
    CHECK_EQ dword [VAR_T1 + 4], FL_NT                  ; nested: NT set
    CHECK_EQ dword [VAR_T1 + 8], SEL_TSS0               ; back link
    CHECK_EQ dword [VAR_T1 + 12], ACC_TSS32 | 2         ; the caller's TSS stays busy
    CHECK_EQ byte [GDT_BASE + SEL_TSS1 + 5], ACC_TSS32  ; task 1 not busy after IRET
    CHECK_EQ byte [GDT_BASE + SEL_TSS0 + 5], ACC_TSS32 | 2
    mov eax, cr0
    and eax, 8
    CHECK_EQ eax, 8                                     ; CR0.TS set by the switch
    pushfd
    pop eax
    and eax, FL_NT
    CHECK_EQ eax, 0

    ; --- the same through a task gate in the GDT ---
    INIT_TSS1 task1_nested
    call SEL_TASKGATE:0
    CHECK_EQ dword [VAR_T1], SEL_TSS1

    ; --- double fault through a task gate ---
    INIT_TSS1 task1_double_fault
    SETGATE IDT_BASE + 8 * 8, SEL_TSS1, 0, ACC_TASKGATE, 0
    and byte [IDT_BASE + 13 * 8 + 5], 0x7F              ; #GP gate not present
    and byte [IDT_BASE + 11 * 8 + 5], 0x7F              ; #NP gate not present
    mov dword [VAR_T1 + 20], .df_resume
    mov ax, 0x100
.df_fault:
    mov ds, ax                                          ; #GP -> #NP -> #DF
.df_resume:
    mov ax, SEL_DATA0
    mov ds, ax
    CHECK_EQ dword [VAR_T1], SEL_TSS1
    CHECK_EQ dword [VAR_T1 + 4], 0                      ; #DF error code
    CHECK_EQ dword [VAR_T1 + 8], SEL_TSS0               ; back link
    CHECK_EQ dword [VAR_T1 + 12], .df_fault             ; old task's EIP = faulting instruction
    str ax
    CHECK_EQ ax, SEL_TSS0

    ; --- JMP to a TSS and JMP back: no nesting ---
    INIT_TSS1 task1_jump
    jmp SEL_TSS1:0
.jumped_back:
    CHECK_EQ dword [VAR_T1], SEL_TSS1
    CHECK_EQ dword [VAR_T1 + 4], 0                      ; NT clear
    CHECK_EQ dword [VAR_T1 + 12], ACC_TSS32             ; TSS0 was not busy while task 1 ran
    CHECK_EQ byte [GDT_BASE + SEL_TSS1 + 5], ACC_TSS32

    ; --- faults ---
    EXPECT_FAULT 13, SEL_TSS0, jmp SEL_TSS0:0           ; busy TSS
    EXPECT_FAULT 10, SEL_SMALLTSS, jmp SEL_SMALLTSS:0   ; limit below 0x67
    mov ax, SEL_TSS0
    EXPECT_FAULT 13, SEL_TSS0, ltr ax                   ; LTR of a busy TSS
    PASS "tasks: all checks passed", 10

; task 1, entered by CALL: record TR, NT, back link, TSS0's type; return with IRET
task1_nested:
    str ax
    movzx eax, ax
    mov [VAR_T1], eax
    pushfd
    pop eax
    and eax, FL_NT
    mov [VAR_T1 + 4], eax
    movzx eax, word [TSS1]
    mov [VAR_T1 + 8], eax
    movzx eax, byte [GDT_BASE + SEL_TSS0 + 5]
    mov [VAR_T1 + 12], eax
    mov ebx, 0xDEADBEEF
    iretd
    jmp task1_nested

; task 1 as the #DF handler: error code on its stack; resume task 0 after the fault
task1_double_fault:
    str ax
    movzx eax, ax
    mov [VAR_T1], eax
    pop eax
    mov [VAR_T1 + 4], eax
    movzx eax, word [TSS1]
    mov [VAR_T1 + 8], eax
    mov eax, [TSS0 + 0x20]
    mov [VAR_T1 + 12], eax
    or byte [IDT_BASE + 13 * 8 + 5], 0x80
    or byte [IDT_BASE + 11 * 8 + 5], 0x80
    mov eax, [VAR_T1 + 20]
    mov [TSS0 + 0x20], eax
    iretd

task1_jump:
    str ax
    movzx eax, ax
    mov [VAR_T1], eax
    pushfd
    pop eax
    and eax, FL_NT
    mov [VAR_T1 + 4], eax
    movzx eax, byte [GDT_BASE + SEL_TSS0 + 5]
    mov [VAR_T1 + 12], eax
    mov dword [TSS0 + 0x20], tests.jumped_back
    jmp SEL_TSS0:0

%include "runtime.inc"
%include "reset.inc"
