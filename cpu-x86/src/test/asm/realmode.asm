; Real-address mode (SDM vol. 3, 20.1): interrupts through the IVT (FLAGS, CS, IP pushed; IF,
; TF cleared), IRET, far CALL/RET, the 64 KiB segment limit (#GP(0) through the IVT, vol. 3
; 20.1.5 and 6.15), a trip to protected mode and back keeping a 4 GiB DS limit ("unreal"
; mode, as vol. 3 9.9.2 leaves the hidden limit in place).
%include "lib.inc"

; CHECK16 operand, value: compare; on mismatch report the check number and stop.
%macro CHECK16 2
%assign CHECK CHECK+1
    cmp %1, %2
    je %%ok
    mov cl, CHECK
    jmp fail16
%%ok:
%endmacro

[bits 16]
start16:
    cli
    cld
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7000
    PRINT16 "realmode: start", 10

    ; INT 0x40 through the IVT
    mov word [0x40 * 4], int40
    mov word [0x40 * 4 + 2], 0xF000
    sti
    mov word [0x600], 0
    int 0x40
after_int40:
    CHECK16 word [0x600], 1                 ; the handler ran
    CHECK16 word [0x602], 0                 ; IF was clear inside it
    CHECK16 word [0x604], after_int40       ; pushed IP = next instruction
    CHECK16 word [0x606], 0xF000            ; pushed CS
    CHECK16 word [0x608], 0x0200            ; pushed FLAGS had IF set
    pushf
    pop ax
    and ax, 0x0200
    CHECK16 ax, 0x0200                      ; IRET restored IF
    CHECK16 sp, 0x7000
    cli

    ; far CALL / RETF imm16
    push word 0x1111
    call 0xF000:far_proc
    CHECK16 sp, 0x7000                      ; RETF 2 released the argument
    CHECK16 word [0x60A], 0x1111
    CHECK16 word [0x60C], 0xF000            ; pushed CS

    ; a word access at offset 0xFFFF crosses the 64 KiB limit: #GP(0) via IVT vector 13
    mov word [13 * 4], gp_handler
    mov word [13 * 4 + 2], 0xF000
    mov word [0x610], 0
    mov word [0x612], resume_gp
    mov ax, [0xFFFF]
resume_gp:
    CHECK16 word [0x610], 1

    ; protected mode and back, keeping a 4 GiB DS limit
    mov ax, cs
    mov ds, ax
    mov si, gdt_template
    xor ax, ax
    mov es, ax
    mov di, GDT_BASE
    mov cx, gdt_end - gdt_template
    rep movsb
    xor ax, ax
    mov ds, ax
    lgdt [cs:gdt_ptr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp 0x08:in_pm16
in_pm16:
    mov ax, 0x10
    mov ds, ax
    mov eax, cr0
    and al, 0xFE
    mov cr0, eax
    jmp 0xF000:in_real
in_real:
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov ebx, 0x200000
    mov dword [ebx], 0x12345678             ; beyond 64 KiB: only with the kept 4 GiB limit
    mov eax, [ebx]
    CHECK16 eax, 0x12345678
    mov ax, 0x1000
    mov ds, ax
    CHECK16 word [0], 0                     ; base = 0x10000 after a real-mode load
    xor ax, ax
    mov ds, ax

    PRINT16 "realmode: all checks passed", 10
    mov al, 0
    out 0xF4, al
    hlt

int40:
    mov word [0x600], 1
    pushf
    pop ax
    and ax, 0x0200
    mov [0x602], ax
    mov bp, sp
    mov ax, [bp]
    mov [0x604], ax
    mov ax, [bp + 2]
    mov [0x606], ax
    mov ax, [bp + 4]
    and ax, 0x0200
    mov [0x608], ax
    iret

far_proc:
    mov bp, sp
    mov ax, [bp + 4]
    mov [0x60A], ax
    mov ax, [bp + 2]
    mov [0x60C], ax
    retf 2

gp_handler:
    mov word [0x610], 1
    mov bp, sp
    mov ax, [0x612]
    mov [bp], ax                            ; resume after the faulting instruction
    iret

fail16:
    PRINT16 "FAIL check "
    mov al, cl
    add al, '0'
    out 0xE9, al
    mov al, 10
    out 0xE9, al
    mov al, cl
    out 0xF4, al
    hlt

puts16:
    push ax
.next:
    mov al, [cs:si]
    test al, al
    jz .done
    out 0xE9, al
    inc si
    jmp .next
.done:
    pop ax
    ret

gdt_template:
    dq 0
    DESC ROM_BASE, 0xFFFF, ACC_CODE, 0                  ; 0x08 16-bit code at the ROM
    DESC 0, 0xFFFFF, ACC_DATA, 0xC                      ; 0x10 4 GiB data
gdt_end:
gdt_ptr:
    dw gdt_end - gdt_template - 1
    dd GDT_BASE

%include "reset.inc"
