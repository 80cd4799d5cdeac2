; SMP spin: a 64 KiB -bios ROM for pause, resume and reset tests. The BSP counts its boots in
; RAM (which a reset keeps), starts the APs with INIT-SIPI-SIPI and then every CPU increments
; its own dword at COUNTERS + 4 * APIC ID forever; each AP counts its starts. A test reads the counters through
; MachineControl.readPhysical: frozen while paused, moving while running.
        bits 16
        org 0
%include "smp-rom.inc"
%define ROM         0xF0000
%define BOOTS       0x700               ; dword: boots of the BSP (kept across resets)
%define AP_STARTS   0x704               ; dword: trampoline runs (kept across resets)
%define COUNTERS    0x600               ; dword per CPU
%define TRAMPOLINE  0x8000
%define LAPIC       0xFEE00000

start:  enter_flat_pm bsp32

        bits 32
bsp32:  mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        inc dword [BOOTS]
        xor eax, eax
        mov edi, COUNTERS
        mov ecx, 16
        rep stosd
        mov esi, ROM + trampoline
        mov edi, TRAMPOLINE
        mov ecx, trampoline_end - trampoline
        rep movsb
        mov dword [LAPIC + 0xF0], 0x1FF
        mov dword [LAPIC + 0x310], 0
        mov dword [LAPIC + 0x300], 0x000C4500       ; INIT to all but self
        mov ecx, 100000
.delay: dec ecx
        jnz .delay
        mov dword [LAPIC + 0x300], 0x000C4608       ; STARTUP, vector 8

count:  mov eax, 1                      ; every CPU: its counter, forever
        cpuid
        shr ebx, 24
        lea edi, [COUNTERS + ebx * 4]
.loop:  inc dword [edi]
        jmp .loop

        ap_trampoline ap32

        bits 32
ap32:   mov ax, 0x10
        mov ds, ax
        mov ss, ax
        lock inc dword [AP_STARTS]      ; a second run after a reset shows the AP waited for SIPI again
        jmp count

        flat_gdt

        reset_vector
