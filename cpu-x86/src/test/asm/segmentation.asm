; Segment-register loads and far transfers in protected mode: every descriptor check of
; SDM vol. 2 (MOV, POP, JMP, CALL, RET, IRET) and vol. 3, 5.4-5.8, with the error codes
; the SDM gives (selector & 0xFFFC; 0 for a null selector), at CPL 0 and CPL 3.
%include "lib.inc"
%include "boot.inc"

SEL_XONLY   equ 0x48            ; execute-only code
SEL_RODATA  equ 0x50            ; read-only data
SEL_NP      equ 0x58            ; data, not present
SEL_CONF    equ 0x60            ; conforming readable code, DPL 0
SEL_FRESH   equ 0x68            ; data with the accessed bit clear
SEL_DOWN    equ 0x70            ; expand-down data, limit 0xFFF, B = 0
SEL_SMALL   equ 0x78            ; data, limit 0xFFF
SEL_NPCODE  equ 0x80            ; code, not present
SEL_SHORT   equ 0x88            ; code with limit 0xFFF
SEL_DATA3B  equ 0x90            ; ring 3 data, DPL 3, for CPL 3 checks
SEL_SMALLSS equ 0x98            ; stack segment with limit 0xFFF
SEL_LDT     equ 0xA0            ; an LDT at LDT_BASE with two entries
LDT_BASE    equ 0x6000

; every check that applies to DS, ES, FS and GS alike, on one of them
%macro DATA_SREG_CHECKS 1
    mov ax, 0x100
    EXPECT_FAULT 13, 0x100, mov %1, ax          ; beyond the GDT limit (0xFF)
    mov ax, 0x0C
    EXPECT_FAULT 13, 0x0C, mov %1, ax           ; TI = 1 with a null LDTR
    mov ax, SEL_TSS0
    EXPECT_FAULT 13, SEL_TSS0, mov %1, ax       ; system descriptor
    mov ax, SEL_XONLY
    EXPECT_FAULT 13, SEL_XONLY, mov %1, ax      ; execute-only code
    mov ax, SEL_NP
    EXPECT_FAULT 11, SEL_NP, mov %1, ax         ; not present: #NP
    mov ax, SEL_DATA0 | 3
    EXPECT_FAULT 13, SEL_DATA0, mov %1, ax      ; RPL 3 > DPL 0
    mov ax, SEL_CODE0
    EXPECT_OK mov %1, ax                        ; readable code
    mov ax, 3
    EXPECT_OK mov %1, ax                        ; null selector (any RPL)
    EXPECT_FAULT 13, 0, mov eax, [%1:0x1000]    ; using a null segment register
    mov ax, SEL_DATA0
    mov %1, ax
%endmacro

[bits 32]
tests:
    PRINT {"segmentation: protected mode", 10}
    SETDESC SEL_XONLY, ROM_BASE, 0xFFFF, 0x98, 0x4
    SETDESC SEL_RODATA, 0, 0xFFFFF, 0x90, 0xC
    SETDESC SEL_NP, 0, 0xFFFFF, 0x12, 0xC
    SETDESC SEL_CONF, ROM_BASE, 0xFFFF, 0x9E, 0x4
    SETDESC SEL_FRESH, 0, 0xFFFFF, 0x92, 0xC
    SETDESC SEL_DOWN, 0, 0x0FFF, 0x96, 0x0
    SETDESC SEL_SMALL, 0, 0x0FFF, 0x92, 0x0
    SETDESC SEL_NPCODE, ROM_BASE, 0xFFFF, 0x1A, 0x4
    SETDESC SEL_SHORT, ROM_BASE, 0x0FFF, 0x9A, 0x4
    SETDESC SEL_DATA3B, 0, 0xFFFFF, 0xF2, 0xC

    ; --- data segment registers, CPL 0 ---
    DATA_SREG_CHECKS ds
    DATA_SREG_CHECKS es
    DATA_SREG_CHECKS fs
    DATA_SREG_CHECKS gs
    ; the far-pointer loads apply the same checks
    mov dword [VAR_SCRATCH], 0
    mov word [VAR_SCRATCH + 4], SEL_NP
    EXPECT_FAULT 11, SEL_NP, lfs eax, [VAR_SCRATCH]
    mov word [VAR_SCRATCH + 4], SEL_XONLY
    EXPECT_FAULT 13, SEL_XONLY, les eax, [VAR_SCRATCH]
    mov word [VAR_SCRATCH + 4], SEL_NP
    EXPECT_FAULT 12, SEL_NP, lss eax, [VAR_SCRATCH]
    mov ax, SEL_FRESH
    mov fs, ax
    CHECK_EQ byte [ss:GDT_BASE + SEL_FRESH + 5], 0x93   ; the load set the accessed bit

    ; --- SS ---
    xor ax, ax
    EXPECT_FAULT 13, 0, mov ss, ax              ; null SS
    mov ax, SEL_CODE0
    EXPECT_FAULT 13, SEL_CODE0, mov ss, ax      ; code segment
    mov ax, SEL_RODATA
    EXPECT_FAULT 13, SEL_RODATA, mov ss, ax     ; not writable
    mov ax, SEL_DATA0 | 3
    EXPECT_FAULT 13, SEL_DATA0, mov ss, ax      ; RPL != CPL
    mov ax, SEL_DATA3
    EXPECT_FAULT 13, SEL_DATA3 & 0xFFFC, mov ss, ax  ; DPL 3 != CPL 0 (RPL 3 == DPL but != CPL)
    mov ax, SEL_DATA3 & 0xFFFC
    EXPECT_FAULT 13, SEL_DATA3 & 0xFFFC, mov ss, ax  ; RPL 0 but DPL 3
    mov ax, SEL_NP
    EXPECT_FAULT 12, SEL_NP, mov ss, ax         ; not present: #SS
    push dword 0x100
    EXPECT_FAULT 13, 0x100, pop ds              ; POP Sreg applies the same checks
    add esp, 4

    ; --- LDT: LLDT checks and loads through TI = 1 ---
    mov dword [LDT_BASE], 0
    mov dword [LDT_BASE + 4], 0
    mov dword [LDT_BASE + 8], DESC_LO(0x12000, 0xFFFF)
    mov dword [LDT_BASE + 12], DESC_HI(0x12000, 0xFFFF, ACC_DATA, 0)
    SETDESC SEL_LDT, LDT_BASE, 0xF, 0x82, 0
    mov ax, SEL_DATA0
    EXPECT_FAULT 13, SEL_DATA0, lldt ax         ; not an LDT descriptor
    mov ax, 0x0C
    EXPECT_FAULT 13, 0x0C, lldt ax              ; TI = 1
    mov ax, SEL_LDT
    lldt ax
    mov ax, 0x0C
    mov es, ax
    mov dword [es:0], 0x5EED
    CHECK_EQ dword [0x12000], 0x5EED            ; base from the LDT entry
    mov ax, 0x14
    EXPECT_FAULT 13, 0x14, mov es, ax           ; index 2 beyond the LDT limit (0xF)
    sldt ax
    CHECK_EQ ax, SEL_LDT
    mov ax, SEL_DATA0
    mov es, ax
    xor ax, ax
    lldt ax

    ; --- LAR, LSL, VERR, VERW (ZF and results) ---
    mov ax, SEL_CODE0
    lar eax, ax
    and eax, 0x00F0FF00
    CHECK_EQ eax, 0x00409B00                    ; D, P, DPL 0, code, readable, accessed
    mov ax, SEL_SMALL
    lsl ebx, ax
    CHECK_EQ ebx, 0xFFF
    mov ax, 0x100
    mov ebx, 0x1234
    lsl ebx, ax                                 ; beyond the GDT: ZF = 0, EBX unchanged
    setz cl
    CHECK_EQ cl, 0
    CHECK_EQ ebx, 0x1234
    mov ax, SEL_CODE0
    verr ax
    setz cl
    CHECK_EQ cl, 1
    verw ax
    setz cl
    CHECK_EQ cl, 0                              ; code is never writable
    mov ax, SEL_DATA0
    verw ax
    setz cl
    CHECK_EQ cl, 1

    ; --- stack segment limit: #SS(0) ---
    SETDESC SEL_SMALLSS, 0, 0x0FFF, ACC_DATA, 0x4
    mov [VAR_SCRATCH + 8], esp
    mov ax, SEL_SMALLSS
    mov ss, ax
    mov esp, 0xF00
    EXPECT_FAULT 12, 0, mov eax, [ss:0x1000]
    mov ebp, 0xFFE
    EXPECT_FAULT 12, 0, mov eax, [ebp]          ; EBP addresses SS
    EXPECT_OK mov ax, [ebp]
    mov ax, SEL_DATA0
    mov ss, ax
    mov esp, [VAR_SCRATCH + 8]

    ; --- segment limits ---
    mov ax, SEL_SMALL
    mov es, ax
    EXPECT_OK mov eax, [es:0xFFC]
    EXPECT_FAULT 13, 0, mov eax, [es:0xFFD]     ; crosses the limit
    mov ax, SEL_DOWN
    mov es, ax
    EXPECT_FAULT 13, 0, mov al, [es:0xFFF]      ; expand-down: offsets <= limit are invalid
    EXPECT_OK mov al, [es:0x1000]
    EXPECT_OK mov ax, [es:0xFFFE]
    EXPECT_FAULT 13, 0, mov ax, [es:0xFFFF]     ; B = 0: upper bound 0xFFFF
    mov ax, SEL_DATA0
    mov es, ax

    ; --- far JMP / CALL to code segments ---
    EXPECT_FAULT 13, 0, jmp 0:0                                 ; null CS
    EXPECT_FAULT 13, SEL_DATA0, jmp SEL_DATA0:0                 ; data segment
    EXPECT_FAULT 13, 0x100, jmp 0x100:0                         ; beyond GDT limit
    EXPECT_FAULT 11, SEL_NPCODE, jmp SEL_NPCODE:0               ; not present
    EXPECT_FAULT 13, SEL_CODE3 & 0xFFFC, jmp SEL_CODE3:0        ; non-conforming DPL 3 from CPL 0
    EXPECT_FAULT 13, SEL_CODE0, jmp (SEL_CODE0 | 3):0           ; RPL 3 > CPL 0
    EXPECT_FAULT 13, 0, jmp SEL_SHORT:0x2000                    ; offset beyond the CS limit
    mov ebx, esp
    EXPECT_FAULT 11, SEL_NPCODE, call SEL_NPCODE:0
    CHECK_EQ esp, ebx                                           ; nothing pushed: the fault came first
    EXPECT_OK jmp SEL_CONF:.in_conforming
.in_conforming:
    mov ax, cs
    CHECK_EQ ax, SEL_CONF                                       ; RPL = CPL 0
    jmp SEL_CODE0:.back_home
.back_home:
    mov ebx, esp
    call SEL_CODE0:.near_call
    jmp .after_call
.near_call:
    CHECK_EQ dword [esp + 4], SEL_CODE0
    retf
.after_call:
    CHECK_EQ esp, ebx

    ; --- far RET / IRET checks ---
    push dword 0
    push dword .nowhere
    EXPECT_FAULT 13, 0, retf                                    ; null CS
    add esp, 8
    push dword SEL_NPCODE
    push dword .nowhere
    EXPECT_FAULT 11, SEL_NPCODE, retf
    add esp, 8
    pushfd
    push dword SEL_DATA0
    push dword .nowhere
    EXPECT_FAULT 13, SEL_DATA0, iretd                           ; CS is data
    add esp, 12
    pushfd
    push dword SEL_NPCODE
    push dword .nowhere
    EXPECT_FAULT 11, SEL_NPCODE, iretd
    add esp, 12
    push dword SEL_DATA3 & 0xFFFC                               ; outer SS with RPL 0 != CS.RPL 3
    push dword STACK3
    push dword SEL_CODE3
    push dword .nowhere
    EXPECT_FAULT 13, SEL_DATA3 & 0xFFFC, retf
    add esp, 16

    mov byte [TSS0 + 0x68 + (0x81 >> 3)], 1 << (0x81 & 7)  ; deny port 0x81 below

    ; --- return to CPL 3 with RETF: DS with DPL 0 is nulled, ES with DPL 3 kept ---
    mov ax, SEL_DATA0
    mov ds, ax
    mov ax, SEL_DATA3
    mov es, ax
    mov [TSS0 + 4], esp
    push dword SEL_DATA3
    push dword STACK3
    push dword SEL_CODE3
    push dword .ring3
    retf
.ring3:
    mov ax, cs
    CHECK_EQ ax, SEL_CODE3
    mov ax, ds
    CHECK_EQ ax, 0
    mov ax, es
    CHECK_EQ ax, SEL_DATA3
    mov ax, SEL_DATA3
    mov ds, ax

    ; --- CPL 3 checks ---
    mov ax, SEL_DATA0 | 3
    EXPECT_FAULT 13, SEL_DATA0, mov ds, ax          ; DPL 0 < CPL 3
    mov ax, SEL_CONF | 3
    EXPECT_OK mov fs, ax                            ; conforming readable code: no privilege check
    mov ax, SEL_DATA0
    EXPECT_FAULT 13, SEL_DATA0, mov ss, ax          ; RPL 0 != CPL 3
    mov ax, SEL_DATA3B | 3
    EXPECT_OK mov ss, ax                            ; RPL = DPL = CPL = 3
    mov ax, SEL_DATA3
    mov ss, ax
    push dword SEL_CODE0
    push dword .nowhere
    EXPECT_FAULT 13, SEL_CODE0, retf                ; return to a more privileged level
    add esp, 8
    EXPECT_FAULT 13, SEL_CODE0, jmp SEL_CODE0:0     ; CPL 3 to DPL 0 non-conforming
    EXPECT_OK jmp (SEL_CONF | 3):.conf3             ; conforming DPL 0 from CPL 3: CPL stays 3
.conf3:
    mov ax, cs
    CHECK_EQ ax, SEL_CONF | 3
    jmp SEL_CODE3:.home3
.home3:
    EXPECT_FAULT 13, 0, cli                         ; IOPL 0 < CPL 3
    EXPECT_FAULT 13, 0, hlt
    EXPECT_FAULT 13, 0, mov eax, cr0
    EXPECT_OK out 0x80, al                          ; CPL > IOPL, but the TSS I/O bitmap allows it
    EXPECT_FAULT 13, 0, out 0x81, al                ; its bit is set
    EXPECT_FAULT 13, 0, in ax, 0x80                 ; a word access needs both bits clear
    EXPECT_OK in al, 0x80
    RING0
    PASS {"segmentation: all checks passed", 10}

.nowhere:
    mov ecx, 0xFE
    int 0x70

%include "runtime.inc"
%include "reset.inc"
