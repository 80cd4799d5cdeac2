; Virtual-8086 mode (SDM vol. 3, chapter 20): entry by IRET, segment loads (base = sel * 16),
; the I/O permission bitmap (applies in v86 whatever IOPL), IOPL-sensitive instructions,
; INT n to a protected-mode handler (GS, FS, DS, ES pushed and nulled) and IRET back, and
; with CR4.VME: virtual IF (CLI/STI/PUSHF/POPF/IRET), and INT n redirected through the
; v86 program's own IVT by the TSS redirection bitmap (table 20-2, methods 2, 3, 5, 6, 1).
%include "lib.inc"
%include "boot.inc"

VAR_FRAME equ 0x600             ; the PM handler's view of a v86 interrupt: 10 dwords
VAR_V86   equ 0x680             ; v86 side scratch

; ENTER_V86 eflags, entry: run v86 code at F000:entry with SS:SP = 0:STACK3 and all data
; segments 0; it comes back through v86_exit. Then report its failed check, if any.
%macro ENTER_V86 2
    mov dword [VAR_R0CONT], %%back
    mov word [VAR_SCRATCH], 0
    mov [TSS0 + 4], esp
    push dword 0
    push dword 0
    push dword 0
    push dword 0
    push dword 0
    push dword STACK3
    push dword %1
    push dword 0xF000
    push dword %2
    iretd
%%back:
    movzx ecx, word [VAR_SCRATCH]
    test ecx, ecx
    jz %%ok
    int 0x70
%%ok:
%endmacro

; checks inside v86 code (16-bit); failures end the v86 run with the check number
%macro V_EXPECT 3+              ; vector, error code, instruction
%assign CHECK CHECK+1
    mov dword [ss:VAR_RESUME], %%after
    mov dword [ss:VAR_VEC], -1
    mov dword [ss:VAR_ERR], -2
    mov dword [ss:VAR_EIP], %%insn
%%insn:
    %3
%%after:
    mov dword [ss:VAR_RESUME], 0
    cmp dword [ss:VAR_VEC], %1
    jne %%bad
    cmp dword [ss:VAR_ERR], %2
    jne %%bad
    cmp dword [ss:VAR_EIP], %%insn                     ; the saved IP points at the instruction
    je %%ok
%%bad:
    mov word [ss:VAR_SCRATCH], CHECK
    jmp v86_exit
%%ok:
%endmacro

%macro V_OK 1+
    V_EXPECT -1, -2, %1
%endmacro

%macro V_CHECK 2
%assign CHECK CHECK+1
    cmp %1, %2
    je %%ok
    mov word [ss:VAR_SCRATCH], CHECK
    jmp v86_exit
%%ok:
%endmacro

[bits 32]
tests:
    PRINT "v86: start", 10
    mov byte [TSS0 + 0x68 + (0x81 >> 3)], 1 << (0x81 & 7)     ; deny port 0x81
    SETGATE IDT_BASE + 0x30 * 8, SEL_CODE0, pm_int30, ACC_INTGATE | ACC_DPL3, 0

    PRINT "v86: IOPL 0", 10
    ENTER_V86 FL_VM | 2, v86_iopl0
    CHECK_EQ dword [VAR_CS], 0xF000                     ; the faults came from v86
    mov eax, [VAR_FLAGS]
    and eax, FL_VM
    CHECK_EQ eax, FL_VM

    PRINT "v86: IOPL 3", 10
    ENTER_V86 FL_VM | IOPL3 | 2, v86_iopl3
    CHECK_EQ dword [VAR_FRAME + 4], 0xF000              ; CS
    CHECK_EQ dword [VAR_FRAME + 16], 0                  ; SS
    CHECK_EQ dword [VAR_FRAME + 20], 0x2222             ; ES
    CHECK_EQ dword [VAR_FRAME + 24], 0x1111             ; DS
    CHECK_EQ dword [VAR_FRAME + 28], 0x3333             ; FS
    CHECK_EQ dword [VAR_FRAME + 32], 0x4444             ; GS
    CHECK_EQ dword [VAR_FRAME + 36], 0                  ; DS inside the handler: null
    mov eax, [VAR_FRAME + 8]
    and eax, FL_VM
    CHECK_EQ eax, FL_VM                                 ; EFLAGS image has VM

    PRINT "v86: VME", 10
    ; I/O map base 0x88: the redirection bitmap is the 32 bytes at 0x68 (vol. 3, 20.3.3)
    mov edi, TSS0 + 0x68
    xor eax, eax
    mov ecx, 0x2000
    rep stosb
    mov word [TSS0 + 0x66], 0x88
    mov byte [TSS0 + 0x68 + (0x30 >> 3)], 1 << (0x30 & 7)   ; INT 0x30: not redirected
    mov word [0x10 * 4], v86_int10
    mov word [0x10 * 4 + 2], 0xF000
    mov eax, cr4
    or eax, 1                                           ; VME
    mov cr4, eax
    ENTER_V86 FL_VM | 2, v86_vme
    PASS "v86: all checks passed", 10

; protected-mode handler of INT 0x30 from v86 (IOPL 3): EIP CS EFLAGS ESP SS ES DS FS GS
pm_int30:
    push ebp
    mov ebp, esp
    push eax
    push ecx
    xor ecx, ecx
.copy:
    mov eax, [ss:ebp + 4 + ecx * 4]
    mov [ss:VAR_FRAME + ecx * 4], eax
    inc ecx
    cmp ecx, 9
    jb .copy
    mov eax, ds
    mov [ss:VAR_FRAME + 36], eax
    pop ecx
    pop eax
    pop ebp
    iretd

[bits 16]
v86_exit:
    mov dword [ss:VAR_RESUME], 1
    hlt                                                 ; #GP(0) in v86: ends the run

v86_iopl0:
    mov ax, 0x1234
    V_OK mov ds, ax
    mov ax, ds
    V_CHECK ax, 0x1234
    xor ax, ax
    mov ds, ax
    V_OK out 0x80, al                                   ; allowed by the bitmap
    V_EXPECT 13, 0, out 0x81, al                        ; denied by the bitmap
    V_EXPECT 13, 0, in al, 0x81
    V_EXPECT 13, 0, out 0x80, ax                        ; 0x80 and 0x81: one denied
    V_EXPECT 13, 0, cli                                 ; IOPL 0 < 3
    V_EXPECT 13, 0, sti
    V_EXPECT 13, 0, pushf
    V_EXPECT 13, 0, popf
    V_EXPECT 13, 0, int 0x30                            ; method 2: #GP
    V_EXPECT 13, 0, iret
    V_EXPECT 13, 0, mov eax, cr0                        ; privileged
    jmp v86_exit

v86_iopl3:
    V_OK cli
    V_OK sti
    pushf
    pop ax
    and ax, FL_IF
    V_CHECK ax, FL_IF
    V_EXPECT 13, 0, out 0x81, al                        ; the bitmap still applies
    mov ax, 0x1111
    mov ds, ax
    mov ax, 0x2222
    mov es, ax
    mov ax, 0x3333
    mov fs, ax
    mov ax, 0x4444
    mov gs, ax
    V_OK int 0x30                                       ; method 1: to the PM handler, back by IRET
    mov ax, ds
    V_CHECK ax, 0x1111                                  ; restored by IRET
    mov ax, gs
    V_CHECK ax, 0x4444
    xor ax, ax
    mov ds, ax
    mov es, ax
    cli
    jmp v86_exit

v86_vme:
    V_OK cli                                            ; clears VIF
    pushf
    pop ax
    and ax, FL_IF | IOPL3
    V_CHECK ax, IOPL3                                   ; image: IF = VIF = 0, IOPL = 3
    V_OK sti
    pushf
    pop ax
    and ax, FL_IF
    V_CHECK ax, FL_IF                                   ; IF = VIF = 1
    mov word [ss:VAR_V86], 0
    V_OK int 0x10                                       ; method 6: through the v86 IVT
    V_CHECK word [ss:VAR_V86], 1
    V_CHECK word [ss:VAR_V86 + 2], FL_IF | IOPL3        ; pushed image: IF = VIF, IOPL 3
    V_CHECK word [ss:VAR_V86 + 4], 0                    ; VIF cleared inside the handler
    pushf
    pop ax
    and ax, FL_IF
    V_CHECK ax, FL_IF                                   ; IRET restored VIF from the image
    V_EXPECT 13, 0, int 0x30                            ; method 3: bitmap bit set, IOPL < 3
    mov ax, FL_TF | 2
    push ax
    V_EXPECT 13, 0, popf                                ; setting TF under VME faults
    pop ax
    V_EXPECT 13, 0, o32 pushf                           ; 32-bit PUSHFD is not virtualised
    jmp v86_exit

v86_int10:
    mov word [ss:VAR_V86], 1
    push bp
    mov bp, sp
    mov ax, [bp + 6]
    and ax, FL_IF | IOPL3
    mov [ss:VAR_V86 + 2], ax
    pushf
    pop ax
    and ax, FL_IF
    mov [ss:VAR_V86 + 4], ax
    pop bp
    iret

[bits 32]
%include "runtime.inc"
%include "reset.inc"
