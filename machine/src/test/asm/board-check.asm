; Board check: a 64 KiB -bios ROM that probes the chips of the pc board at their PC addresses
; and reports through the 0xE9 debug console. Check N failing exits through isa-debug-exit
; (port 0xF4) with value N; when every check passes it resets the machine through port 0xCF9,
; which with -no-reboot ends the emulator with status 0. Expected values are the chips' IDs
; and behaviour from their datasheets and the PC/AT conventions, not from our code.
        bits 16
        org 0
%define TICKS   0x0500                  ; word, incremented by the IRQ 0 handler
%define PROBE   0x0600                  ; byte used for the A20 wrap check

%macro  report 1                        ; print a zero-terminated string at label %1
        mov si, %1
        call print
%endmacro

%macro  pci_read 1                      ; EAX = config dword at address %1
        mov eax, %1
        mov dx, 0xCF8
        out dx, eax
        mov dx, 0xCFC
        in eax, dx
%endmacro

start:  cli
        xor ax, ax
        mov ss, ax
        mov sp, 0x7000
        mov ds, ax
        mov es, ax

        ; 1-4: PCI functions at QEMU's pc slots: 00.0 i440FX, 01.0 PIIX3, 01.1 PIIX3 IDE, 02.0 std VGA.
        mov bl, 1
        pci_read 0x80000000
        cmp eax, 0x12378086
        jne fail
        mov bl, 2
        pci_read 0x80000800
        cmp eax, 0x70008086
        jne fail
        mov bl, 3
        pci_read 0x80000900
        cmp eax, 0x70108086
        jne fail
        mov bl, 4
        pci_read 0x80001000
        cmp eax, 0x11111234
        jne fail
        report msg_pci

        ; 5: CMOS 0x30/0x31 = KiB of extended memory: 31 MiB for -m 32.
        mov bl, 5
        mov al, 0x30
        out 0x70, al
        in al, 0x71
        mov cl, al
        mov al, 0x31
        out 0x70, al
        in al, 0x71
        mov ch, al
        cmp cx, 31 * 1024
        jne fail
        report msg_cmos

        ; 6: PIT counter 0 at 100 Hz through the 8259A pair: IRQ 0 at vector 8 arrives.
        mov word [8 * 4], irq0
        mov word [8 * 4 + 2], 0xF000
        mov word [TICKS], 0
        mov al, 0x11                    ; ICW1: edge, cascade, ICW4 needed
        out 0x20, al
        out 0xA0, al
        mov al, 0x08                    ; ICW2: master vectors 08h-0Fh
        out 0x21, al
        mov al, 0x70                    ; slave vectors 70h-77h
        out 0xA1, al
        mov al, 0x04                    ; ICW3: slave on IR2
        out 0x21, al
        mov al, 0x02
        out 0xA1, al
        mov al, 0x01                    ; ICW4: 8086 mode
        out 0x21, al
        out 0xA1, al
        mov al, 0xFE                    ; unmask IRQ 0 only
        out 0x21, al
        mov al, 0xFF
        out 0xA1, al
        mov al, 0x34                    ; counter 0, LSB then MSB, mode 2, binary
        out 0x43, al
        mov ax, 11932                   ; 1193182 Hz / 100
        out 0x40, al
        mov al, ah
        out 0x40, al
        sti
.wait:  hlt                             ; wakes on each timer interrupt
        cmp word [TICKS], 5
        jb .wait
        cli
        report msg_pit

        ; 7: the 8042 delivers the key the host pressed. The power-on command byte has XLAT off
        ; (interrupts on, as QEMU's), and it stays off here, so A arrives as its set 2 code 1Ch.
        mov bl, 7
        call kbd_wait_write
        mov al, 0x60                    ; write command byte
        out 0x64, al
        call kbd_wait_write
        mov al, 0x04                    ; SYS only: no translation, interrupts off: poll
        out 0x60, al
        mov di, 64                      ; bytes to look through (BAT result, ACKs...)
.key:   call kbd_wait_read
        jc fail
        in al, 0x60
        cmp al, 0x1C
        je .keyok
        dec di
        jnz .key
        jmp fail
.keyok: report msg_kbd

        ; 8: with A20 off (8042 output port and port 92h), FFFF:0610 wraps to 0000:0600.
        mov bl, 8
        call kbd_wait_write
        mov al, 0xD1                    ; write output port
        out 0x64, al
        call kbd_wait_write
        mov al, 0x01                    ; reset line inactive, A20 off
        out 0x60, al
        in al, 0x92
        and al, 0xFD
        out 0x92, al
        mov byte [PROBE], 0x11
        mov ax, 0xFFFF
        mov fs, ax
        mov byte [fs:PROBE + 0x10], 0xAA
        cmp byte [PROBE], 0xAA
        jne fail
        ; 9: A20 on through port 92h alone: the same address is now above 1 MiB.
        mov bl, 9
        in al, 0x92
        or al, 0x02
        out 0x92, al
        mov byte [fs:PROBE + 0x10], 0x55
        cmp byte [PROBE], 0xAA
        jne fail
        cmp byte [fs:PROBE + 0x10], 0x55
        jne fail
        report msg_a20

        ; 10: COM1 (16550A at 0x3F8): scratch register holds a value; then a line goes out.
        mov bl, 10
        mov dx, 0x3FF
        mov al, 0x5A
        out dx, al
        in al, dx
        cmp al, 0x5A
        jne fail
        mov si, msg_serial
.tx:    cs lodsb
        test al, al
        jz .txdone
        mov ah, al
        mov dx, 0x3FD                   ; LSR: wait for THRE
.thre:  in al, dx
        test al, 0x20
        jz .thre
        mov dx, 0x3F8
        mov al, ah
        out dx, al
        jmp .tx
.txdone:
        ; 11: COM2 (0x2F8) is there too when a second -serial is given.
        mov bl, 11
        mov dx, 0x2FF
        mov al, 0xA5
        out dx, al
        in al, dx
        cmp al, 0xA5
        jne fail
        report msg_uart

        ; All passed: hard reset through the PIIX3 reset control register.
        report msg_done
        mov dx, 0xCF9
        mov al, 0x02
        out dx, al
        mov al, 0x06
        out dx, al
        mov bl, 12                      ; not reached if the reset happened
fail:   mov al, bl
        out 0xF4, al
.halt:  hlt
        jmp .halt

irq0:   inc word [cs:0]                 ; harmless ROM write (dropped), then count in RAM
        push ds
        push ax
        xor ax, ax
        mov ds, ax
        inc word [TICKS]
        mov al, 0x20                    ; non-specific EOI
        out 0x20, al
        pop ax
        pop ds
        iret

kbd_wait_write:                         ; wait until the 8042 input buffer is empty
        in al, 0x64
        test al, 0x02
        jnz kbd_wait_write
        ret

kbd_wait_read:                          ; CF=0 when a byte is ready, CF=1 after a long wait
        mov ecx, 2000000
.poll:  in al, 0x64
        test al, 0x01
        jnz .ready
        dec ecx
        jnz .poll
        stc
        ret
.ready: clc
        ret

print:  mov dx, 0xE9
.next:  cs lodsb
        test al, al
        jz .done
        out dx, al
        jmp .next
.done:  ret

msg_pci:    db "pci ok", 10, 0
msg_cmos:   db "cmos ok", 10, 0
msg_pit:    db "pit ok", 10, 0
msg_kbd:    db "kbd ok", 10, 0
msg_a20:    db "a20 ok", 10, 0
msg_uart:   db "uart ok", 10, 0
msg_done:   db "all ok", 10, 0
msg_serial: db "hello on com1", 13, 10, 0

        times 0xFFF0 - ($ - $$) db 0xFF
reset:  jmp 0xF000:start
        times 0x10000 - ($ - $$) db 0xFF
