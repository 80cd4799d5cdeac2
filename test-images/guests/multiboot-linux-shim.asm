; A Multiboot shim for checking LinuxBootLoader.directBoot under another emulator (QEMU), before
; Javelin's board can apply it: each module is one MemoryWrite of the direct boot, its string
; "FILE ADDRESS" with ADDRESS in lowercase hex; the shim copies every module to its address,
; loads the GDT the loader wrote at 0x500 and enters Linux's 32-bit boot protocol as
; ProtectedModeEntry describes it (CS 0x10, data 0x18, ESI = 0x10000, EIP = 0x100000).
; It is loaded at 96 MiB so that the modules (placed after it) never overlap their targets;
; give the guest 256 MiB. Usage (docs/firmware.md):
;   qemu-system-i386 -m 256 -kernel multiboot-linux-shim.bin \
;       -initrd "w500.bin 500,w10000.bin 10000,w20000.bin 20000,w100000.bin 100000,wINITRD.bin ADDR"
        bits 32
        org 0x6000000
MB_MAGIC equ 0x1BADB002
MB_FLAGS equ (1 << 16)
header: dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
        dd header, header, load_end, bss_end, start
start:  mov esp, stack_top
        mov ecx, [ebx + 20]
        mov ebp, [ebx + 24]
.mod:   test ecx, ecx
        jz .go
        push ecx
        mov esi, [ebp + 8]          ; string: find its end, then back up to the last space
        mov edi, esi
.end:   cmp byte [edi], 0
        je .back
        inc edi
        jmp .end
.back:  dec edi
        cmp byte [edi], ' '
        jne .back
        inc edi
        xor edx, edx                ; parse hex
.hex:   movzx eax, byte [edi]
        test al, al
        jz .parsed
        sub al, '0'
        cmp al, 9
        jbe .dig
        sub al, 'a' - '0' - 10
.dig:   shl edx, 4
        or edx, eax
        inc edi
        jmp .hex
.parsed:
        mov esi, [ebp]
        mov ecx, [ebp + 4]
        sub ecx, esi
        mov edi, edx
        cld
        rep movsb
        pop ecx
        add ebp, 16
        dec ecx
        jmp .mod
.go:    lgdt [gdtr]
        jmp 0x10:.flat
.flat:  mov ax, 0x18
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esi, 0x10000
        xor ebx, ebx
        xor ebp, ebp
        xor edi, edi
        jmp 0x100000
gdtr:   dw 31
        dd 0x500
load_end:
        section .bss
        resb 4096
stack_top:
bss_end:
