; A 64 KiB raw firmware image for -bios: the CPU starts at F000:FFF0 in real mode, jumps to
; start, prints a line through the 0xE9 debug console, logs two POST codes and ends the
; emulator through isa-debug-exit (iobase 0xf4) with value 0x2a, i.e. exit status 0x55.
        bits 16
        org 0                       ; the image's last 64 KiB is segment F000 (0xF0000)

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
.done:  mov al, 0x12
        out 0x80, al
        mov dx, 0x190
        mov al, 0xAB
        out dx, al
        mov al, 0x2A
        out 0xF4, al
.stop:  hlt
        jmp .stop

message: db "Hello from the ROM", 10, 0

        times 0xFFF0 - ($ - $$) db 0xFF
reset:  jmp 0xF000:start            ; the reset vector, F000:FFF0
        times 0x10000 - ($ - $$) db 0xFF
