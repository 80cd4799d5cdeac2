; Javelin's option ROM for -kernel through SeaBIOS: the same job as QEMU's linuxboot_dma.bin,
; written from the Linux x86 boot protocol (Documentation/arch/x86/boot.rst) and QEMU's
; docs/specs/fw_cfg.rst, not from QEMU's source.
;
; SeaBIOS finds this ROM as the fw_cfg file genroms/linuxboot.bin, runs its init entry (which
; does nothing) and lists its PnP Boot Entry Vector as a boot device ("/rom@genroms/linuxboot.bin"
; in the bootorder file puts it first). When booted, the BEV copies the real-mode setup, the
; protected-mode kernel, the initrd and the command line from fw_cfg to the addresses the host
; chose (fw_cfg DMA can write anywhere, so no protected mode is needed), then enters the
; kernel's real-mode setup at (setup segment + 0x20):0 with DS = ES = FS = GS = SS = the setup
; segment and SP at the top of the setup heap, as boot.rst "Running the kernel" asks.
;
; The build assembles this file (nasm -f bin); the loader fills in the checksum byte (the last
; byte) when it hands the ROM to the firmware, so that all bytes sum to zero.

        bits 16
        org 0

FW_CFG_SELECTOR     equ 0x510
FW_CFG_DATA         equ 0x511
FW_CFG_DMA_LOW      equ 0x518       ; low half of the big-endian DMA address register

KEY_KERNEL_ADDR     equ 0x07
KEY_KERNEL_SIZE     equ 0x08
KEY_INITRD_ADDR     equ 0x0A
KEY_INITRD_SIZE     equ 0x0B
KEY_KERNEL_DATA     equ 0x11
KEY_INITRD_DATA     equ 0x12
KEY_CMDLINE_ADDR    equ 0x13
KEY_CMDLINE_SIZE    equ 0x14
KEY_CMDLINE_DATA    equ 0x15
KEY_SETUP_ADDR      equ 0x16
KEY_SETUP_SIZE      equ 0x17
KEY_SETUP_DATA      equ 0x18

DMA_CTL_ERROR       equ 0x01
DMA_CTL_READ        equ 0x02
DMA_CTL_SELECT      equ 0x08

SETUP_ENTRY_OFFSET  equ 0x200       ; the setup code's entry: 0x200 bytes into the setup

ROM_BLOCKS          equ 2           ; 1 KiB

rom_header:
        db 0x55, 0xAA
        db ROM_BLOCKS
        retf                        ; init entry (offset 3): nothing to set up before boot
        times 0x1A - ($ - $$) db 0
        dw pnp_header               ; 0x1A: offset of the PnP expansion header

pnp_header:                         ; PnP BIOS spec 1.0A, "Expansion Header"
        db "$PnP"
        db 1                        ; structure revision
        db 2                        ; length in 16-byte units
        dw 0                        ; no next header
        db 0                        ; reserved
        db 0                        ; header checksum (SeaBIOS does not check it)
        dd 0                        ; device identifier
        dw manufacturer
        dw product
        db 0, 0, 0                  ; device type
        db 0                        ; indicators
        dw 0                        ; boot connection vector
        dw 0                        ; disconnect vector
        dw boot                     ; boot entry vector
        dw 0                        ; reserved
        dw 0                        ; static resource information vector

manufacturer: db "Javelin", 0
product:      db "Linux loader (fw_cfg)", 0

; Reads the 32-bit little-endian item BX into EAX through the selector and data ports.
; Clobbers CX and DX.
read_u32:
        mov dx, FW_CFG_SELECTOR
        mov ax, bx
        out dx, ax
        mov dx, FW_CFG_DATA
        mov cx, 4
.byte:  in al, dx
        ror eax, 8                  ; after four bytes the first one read is the lowest
        loop .byte
        ret

; DMA-reads ECX bytes of item BX to physical address EDI, through an FWCfgDmaAccess (four
; big-endian fields: control, length, 64-bit address) built on the stack. The transfer runs
; synchronously, but the loop waits for the control word to clear as the spec allows it not
; to. Returns CF set if the device reported an error. Clobbers EAX and EDX.
dma_read:
        push bp
        sub sp, 16
        mov bp, sp                  ; [bp] addresses the stack segment
        movzx eax, bx
        shl eax, 16
        or eax, DMA_CTL_SELECT | DMA_CTL_READ
        bswap eax
        mov [bp], eax
        mov eax, ecx
        bswap eax
        mov [bp + 4], eax
        mov dword [bp + 8], 0
        mov eax, edi
        bswap eax
        mov [bp + 12], eax
        xor eax, eax                ; physical address of the structure: SS * 16 + BP
        mov ax, ss
        shl eax, 4
        movzx edx, bp
        add eax, edx
        bswap eax
        mov dx, FW_CFG_DMA_LOW
        out dx, eax                 ; writing the low half starts the transfer
.wait:  mov eax, [bp]
        bswap eax
        test eax, ~DMA_CTL_ERROR
        jnz .wait
        lea sp, [bp + 16]           ; LEA and POP leave the flags alone
        pop bp
        shr eax, 1                  ; CF = the error bit
        ret

; Copies item %3 (%2 bytes, from item %2) to the address in item %1.
%macro load_item 3
        mov bx, %1
        call read_u32
        mov edi, eax
        mov bx, %2
        call read_u32
        mov ecx, eax
        jecxz %%done
        mov bx, %3
        call dma_read
        jc fail
%%done:
%endmacro

; The boot entry vector: SeaBIOS far-calls it when this ROM's turn in the boot order comes.
boot:
        cli
        cld
        load_item KEY_SETUP_ADDR, KEY_SETUP_SIZE, KEY_SETUP_DATA
        mov esi, edi                ; the setup's physical address
        load_item KEY_KERNEL_ADDR, KEY_KERNEL_SIZE, KEY_KERNEL_DATA
        load_item KEY_INITRD_ADDR, KEY_INITRD_SIZE, KEY_INITRD_DATA
        load_item KEY_CMDLINE_ADDR, KEY_CMDLINE_SIZE, KEY_CMDLINE_DATA
        mov eax, edi                ; the command line's physical address
        sub eax, esi                ; the setup heap ends where the command line starts
        mov ebx, eax
        shr esi, 4
        mov ax, si
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov sp, bx
        add ax, SETUP_ENTRY_OFFSET >> 4
        push ax
        push word 0
        retf                        ; into the kernel's real-mode setup at (seg + 0x20):0

fail:
        sti
        push cs
        pop ds
        mov si, failure
.next:  lodsb
        test al, al
        jz .done
        mov ah, 0x0E                ; INT 10h teletype output
        mov bx, 0x0007
        int 0x10
        jmp .next
.done:  int 0x18                    ; boot failure: the BIOS tries the next boot device

failure: db "Javelin linuxboot: fw_cfg DMA error while loading the kernel", 13, 10, 0

        times ROM_BLOCKS * 512 - 1 - ($ - $$) db 0
checksum:
        db 0                        ; set by the loader so that the ROM's bytes sum to zero
