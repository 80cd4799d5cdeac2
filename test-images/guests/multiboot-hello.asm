; A Multiboot (v1) test kernel for -kernel: an a.out-kludge image loaded at 1 MiB. It checks
; the loader's hand-over (EAX = 0x2BADB002, EBX = the information structure, flat 32-bit
; segments), prints through the 0xE9 debug console:
;     multiboot-hello: magic ok
;     cmdline: <the command line>
;     mem_upper: <KiB above 1 MiB, hex>
;     module: <string> <first bytes of the module, up to 16, as text>      (one line per module)
; and ends the emulator through isa-debug-exit (iobase 0xf4): value 0x2a (exit status 0x55)
; when every check passed, 0x01 (status 3) when one failed, after a line "multiboot-hello: FAIL ...".
;
; Assemble: nasm -f bin -o multiboot-hello.bin multiboot-hello.asm
        bits 32
        org 0x100000

MB_MAGIC        equ 0x1BADB002
MB_FLAGS        equ (1 << 1) | (1 << 16)    ; memory information; load by the a.out kludge
LOADER_MAGIC    equ 0x2BADB002
INFO_CMDLINE    equ 1 << 2
INFO_MODS       equ 1 << 3
INFO_MEMORY     equ 1 << 0
DEBUG_CONSOLE   equ 0xE9
DEBUG_EXIT      equ 0xF4
EXIT_PASS       equ 0x2A
EXIT_FAIL       equ 0x01
MODULE_PREVIEW  equ 16

header:
        dd MB_MAGIC
        dd MB_FLAGS
        dd -(MB_MAGIC + MB_FLAGS)
        dd header                   ; header_addr
        dd header                   ; load_addr: the file starts with the header
        dd load_end                 ; load_end_addr
        dd bss_end                  ; bss_end_addr
        dd start                    ; entry_addr

start:
        mov esp, stack_top
        cmp eax, LOADER_MAGIC
        jne fail_magic
        mov [info], ebx
        mov esi, msg_ok
        call print

        mov ebx, [info]
        test dword [ebx], INFO_CMDLINE
        jz fail_cmdline
        mov esi, msg_cmdline
        call print
        mov esi, [ebx + 16]
        call print
        call newline

        test dword [ebx], INFO_MEMORY
        jz fail_memory
        mov esi, msg_mem
        call print
        mov eax, [ebx + 8]
        call print_hex
        call newline

        test dword [ebx], INFO_MODS
        jz .done
        mov ecx, [ebx + 20]         ; mods_count
        mov edi, [ebx + 24]         ; mods_addr
.module:
        jecxz .done
        push ecx
        mov esi, msg_module
        call print
        mov esi, [edi + 8]          ; the module's string
        call print
        mov al, ' '
        out DEBUG_CONSOLE, al
        mov esi, [edi]              ; mod_start
        mov ecx, [edi + 4]
        sub ecx, esi                ; module length
        cmp ecx, MODULE_PREVIEW
        jbe .preview
        mov ecx, MODULE_PREVIEW
.preview:
        jecxz .previewed
.byte:  lodsb
        out DEBUG_CONSOLE, al
        loop .byte
.previewed:
        call newline
        add edi, 16
        pop ecx
        dec ecx
        jmp .module
.done:
        mov al, EXIT_PASS
        out DEBUG_EXIT, al
.halt:  hlt
        jmp .halt

fail_magic:
        mov esi, msg_fail_magic
        jmp fail
fail_cmdline:
        mov esi, msg_fail_cmdline
        jmp fail
fail_memory:
        mov esi, msg_fail_memory
fail:   call print
        mov al, EXIT_FAIL
        out DEBUG_EXIT, al
        jmp start.halt

; Prints the NUL-terminated string at ESI. Clobbers EAX, ESI.
print:  lodsb
        test al, al
        jz .end
        out DEBUG_CONSOLE, al
        jmp print
.end:   ret

newline:
        mov al, 10
        out DEBUG_CONSOLE, al
        ret

; Prints EAX as eight hex digits. Clobbers EAX, EDX, ECX.
print_hex:
        mov edx, eax
        mov ecx, 8
.digit: rol edx, 4
        mov al, dl
        and al, 0x0F
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'a' - '9' - 1
.out:   out DEBUG_CONSOLE, al
        loop .digit
        ret

msg_ok:           db "multiboot-hello: magic ok", 10, 0
msg_cmdline:      db "cmdline: ", 0
msg_mem:          db "mem_upper: ", 0
msg_module:       db "module: ", 0
msg_fail_magic:   db "multiboot-hello: FAIL bad EAX magic", 10, 0
msg_fail_cmdline: db "multiboot-hello: FAIL no command line", 10, 0
msg_fail_memory:  db "multiboot-hello: FAIL no memory information", 10, 0

load_end:

        section .bss                ; not in the file: the loader zeroes it up to bss_end_addr
        alignb 4
info:   resd 1
        resb 4096
stack_top:
bss_end:
