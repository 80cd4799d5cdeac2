; The whole chain of operating modes (SDM vol. 3, 9.9 and 20.2): real mode -> protected
; mode -> paging -> virtual-8086 mode under paging -> protected mode -> paging off ->
; real mode again (through a 16-bit code segment, 9.9.2), with an interrupt in each mode.
%include "lib.inc"
%include "boot.inc"

PT0 equ 0x11000

[bits 32]
tests:
    PRINT "modes: protected mode", 10
    mov edi, PAGE_DIR
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PAGE_DIR], PT0 | 7
    mov edi, PT0
    mov eax, 7                                  ; present, writable, user
    mov ecx, 1024
.fill:
    stosd
    add eax, 0x1000
    loop .fill
    mov eax, PAGE_DIR
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    PRINT "modes: paging", 10
    mov dword [0x700], 0
    mov dword [0x704], 0
    SETGATE IDT_BASE + 0x20 * 8, SEL_CODE0, pm_int20, ACC_INTGATE | ACC_DPL3, 0

    ; virtual-8086 mode with IOPL 3, entered by IRET, left through #GP on HLT
    mov dword [VAR_R0CONT], .back_from_v86
    mov [TSS0 + 4], esp
    push dword 0
    push dword 0
    push dword 0
    push dword 0
    push dword 0
    push dword STACK3
    push dword FL_VM | IOPL3 | 2
    push dword 0xF000
    push dword v86_code
    iretd
.back_from_v86:
    PRINT "modes: back from v86", 10
    CHECK_EQ dword [0x700], 0x86                ; written by the v86 code through DS = 0x70
    CHECK_EQ dword [0x704], 0x4321              ; and by the PM handler of its INT 0x20

    ; paging off, protected mode off
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    jmp SEL_CODE16:pm16

pm_int20:
    mov dword [ss:0x704], 0x4321
    iretd

[bits 16]
v86_code:
    mov ax, 0x70
    mov ds, ax
    mov word [0], 0x86                          ; linear 0x700
    xor ax, ax
    mov ds, ax
    int 0x20                                    ; IOPL 3: to the protected-mode handler
    mov dword [ss:VAR_RESUME], 1
    hlt

pm16:
    mov ax, SEL_DATA16
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr0
    and al, 0xFE
    mov cr0, eax
    jmp 0xF000:real_again
real_again:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    lidt [cs:real_ivt]
    mov word [0x40 * 4], real_int40
    mov word [0x40 * 4 + 2], 0xF000
    mov word [0x708], 0
    int 0x40
    cmp word [0x708], 0x40
    jne .fail
    PRINT16 "modes: real mode again, all checks passed", 10
    mov al, 0
    out 0xF4, al
    hlt
.fail:
    PRINT16 "FAIL real-mode interrupt", 10
    mov al, 0xF0
    out 0xF4, al
    hlt

real_int40:
    mov word [0x708], 0x40
    iret

real_ivt:
    dw 0x3FF
    dd 0

[bits 32]
%include "runtime.inc"
%include "reset.inc"
