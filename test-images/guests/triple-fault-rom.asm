; A 64 KiB raw firmware image that prints "boot" and then triple-faults in real mode: with an
; IDT limit of 0, INT3 cannot be delivered (#GP), nor can the #GP (#DF), nor the #DF (shutdown).
; With -no-reboot the emulator then exits with status 0 instead of resetting.
        bits 16
        org 0

start:  cli
        mov ax, cs
        mov ds, ax
        mov si, message
        mov dx, 0xE9
.next:  lodsb
        test al, al
        jz .done
        out dx, al
        jmp .next
.done:  lidt [empty_idt]
        int3
        mov al, 0x01                ; not reached: report failure through isa-debug-exit
        out 0xF4, al
.stop:  hlt
        jmp .stop

empty_idt: dw 0                     ; limit 0: no vector fits
        dd 0
message: db "boot", 10, 0

        times 0xFFF0 - ($ - $$) db 0xFF
reset:  jmp 0xF000:start
        times 0x10000 - ($ - $$) db 0xFF
