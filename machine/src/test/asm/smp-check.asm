; SMP check: a 64 KiB -bios ROM. The bootstrap processor wakes the application processors with
; INIT-SIPI-SIPI through its local APIC, as the Intel MP specification's universal start-up
; algorithm does; each AP runs a real-mode trampoline copied to 0x8000, enters protected mode,
; counts itself with LOCK XADD and records its CPUID initial APIC ID with LOCK BTS; AP 1 sends a
; fixed IPI to the BSP. The BSP then checks its local APIC timer (periodic) and the I/O APIC
; routing the PIT (ISA IRQ 0 on pin 2), and that clearing IA32_APIC_BASE's enable bit hides the
; APIC page. Reports go to the 0xE9 debug console; check N failing
; exits through isa-debug-exit (port 0xF4) with value N; when every check passes the BSP resets
; the machine through port 0xCF9 (with -no-reboot: exit status 0).
; Expected values come from the SDM (APIC registers, CPUID leaf 1 EBX[31:24], IA32_APIC_BASE)
; and from the CPU count the test configured, which the ROM reads from CMOS 0x5F (count - 1).
        bits 16
        org 0
%include "smp-rom.inc"
%define ROM         0xF0000             ; where the last 64 KiB of the ROM appear below 1 MiB
%define AP_COUNT    0x500               ; dword: APs that ran the trampoline (LOCK XADD)
%define ID_MASK     0x504               ; dword: bit n set by the CPU whose initial APIC ID is n
%define IPI_COUNT   0x508               ; dword: fixed IPIs (vector 0x40) taken by the BSP
%define TIMER_COUNT 0x50C               ; dword: local APIC timer interrupts (vector 0x41)
%define PIT_COUNT   0x510               ; dword: PIT interrupts through the I/O APIC (vector 0x42)
%define BAD_AP      0x514               ; dword: an AP saw a duplicate ID, a wrong APIC ID register or the BSP flag
%define EXPECTED    0x518               ; dword: CPUs configured (CMOS 0x5F + 1)
%define ROM_MSG_DIGIT 0x520            ; byte: the CPU count as a digit, printed from RAM
%define IDT         0x1000
%define TRAMPOLINE  0x8000              ; SIPI vector 0x08
%define LAPIC       0xFEE00000
%define IOAPIC      0xFEC00000
%define APIC_ID     0x20
%define APIC_EOI    0xB0
%define APIC_SVR    0xF0
%define APIC_ICR_LO 0x300
%define APIC_ICR_HI 0x310
%define APIC_LVT_TIMER 0x320
%define APIC_LVT_LINT0 0x350
%define APIC_TIMER_INIT 0x380
%define APIC_TIMER_DIV 0x3E0

%macro  report 1
        mov esi, ROM + %1
        call print
%endmacro

%macro  fail_unless_equal 3             ; check number, value, expected (BL = check number on failure)
        cmp %2, %3
        mov bl, %1                      ; MOV leaves the flags alone
        jne fail
%endmacro

start:  enter_flat_pm bsp32

        bits 32
bsp32:  mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x7000
        xor eax, eax
        mov edi, AP_COUNT
        mov ecx, 8
        rep stosd

        mov al, 0x5F                    ; CMOS 0x5F: CPUs - 1 (as QEMU and SeaBIOS)
        out 0x70, al
        in al, 0x71
        movzx eax, al
        inc eax
        mov [EXPECTED], eax

        ; 1: the BSP's IA32_APIC_BASE: base FEE00000h, enabled, BSP flag.
        mov ecx, 0x1B
        rdmsr
        fail_unless_equal 1, eax, 0xFEE00900
        ; 2: its APIC ID register and CPUID initial APIC ID are 0.
        mov eax, [LAPIC + APIC_ID]
        shr eax, 24
        fail_unless_equal 2, eax, 0
        mov eax, 1
        cpuid
        shr ebx, 24
        mov eax, ebx
        fail_unless_equal 2, eax, 0
        lock bts dword [ID_MASK], 0

        ; The IDT: IPI, local APIC timer, PIT, spurious.
        mov edi, IDT
        mov ecx, 256 * 2
        xor eax, eax
        rep stosd
        mov eax, ROM + ipi_handler
        mov ebx, 0x40
        call set_gate
        mov eax, ROM + timer_handler
        mov ebx, 0x41
        call set_gate
        mov eax, ROM + pit_handler
        mov ebx, 0x42
        call set_gate
        mov eax, ROM + spurious_handler
        mov ebx, 0xFF
        call set_gate
        lidt [ROM + idt_desc]

        ; The 8259A stays out of the way: all inputs masked, and LINT0 masked.
        mov al, 0xFF
        out 0x21, al
        out 0xA1, al
        mov dword [LAPIC + APIC_SVR], 0x1FF         ; software enable, spurious vector 0xFF
        mov dword [LAPIC + APIC_LVT_LINT0], 0x10000

        ; The trampoline goes to 0x8000 (below 1 MiB, 4 KiB aligned: SIPI vector 8).
        mov esi, ROM + trampoline
        mov edi, TRAMPOLINE
        mov ecx, trampoline_end - trampoline
        rep movsb

        ; INIT to all but self, then two STARTUPs (the second must be ignored by started APs).
        mov dword [LAPIC + APIC_ICR_HI], 0
        mov dword [LAPIC + APIC_ICR_LO], 0x000C4500
        call delay
        mov dword [LAPIC + APIC_ICR_LO], 0x000C4608
        call delay
        mov dword [LAPIC + APIC_ICR_LO], 0x000C4608

        ; 3: every AP arrives (bounded wait), and no more than configured.
        mov ebx, [EXPECTED]
        dec ebx
        mov ecx, 400000000
.wait_aps:
        pause
        cmp [AP_COUNT], ebx
        je .aps_in
        dec ecx
        jnz .wait_aps
        mov bl, 3
        jmp fail
.aps_in:
        call delay                      ; a late or repeated AP would still count
        mov eax, [AP_COUNT]
        fail_unless_equal 3, eax, ebx
        mov eax, [EXPECTED]
        add al, '0'
        mov [ROM_MSG_DIGIT], al
        report msg_cpus
        mov esi, ROM_MSG_DIGIT
        call print_ram
        report msg_nl

        ; 4: the initial APIC IDs are 0..N-1, each once; each AP's APIC ID register agreed and had no BSP flag.
        mov ecx, [EXPECTED]
        mov eax, 1
        shl eax, cl
        dec eax
        mov edx, [ID_MASK]
        fail_unless_equal 4, edx, eax
        mov eax, [BAD_AP]
        fail_unless_equal 4, eax, 0
        report msg_ids

        ; 5: AP 1's fixed IPI (vector 0x40) reaches the BSP once interrupts are enabled.
        cmp dword [EXPECTED], 1
        je .no_ipi
.wait_ipi:                              ; STI; HLT: the interrupt cannot slip in between the test and the halt
        cli
        cmp dword [IPI_COUNT], 0
        jne .ipi_in
        sti
        hlt
        jmp .wait_ipi
.ipi_in:
        mov eax, [IPI_COUNT]
        fail_unless_equal 5, eax, 1
        report msg_ipi
.no_ipi:

        ; 6: the local APIC timer, periodic, 1 ms (divide by 1 of the 1 GHz bus: 1,000,000 ticks).
        mov dword [LAPIC + APIC_TIMER_DIV], 0x0B
        mov dword [LAPIC + APIC_LVT_TIMER], 0x20041
        mov dword [LAPIC + APIC_TIMER_INIT], 1000000
.wait_timer:
        cli
        cmp dword [TIMER_COUNT], 5
        jae .timer_done
        sti
        hlt
        jmp .wait_timer
.timer_done:
        mov dword [LAPIC + APIC_LVT_TIMER], 0x10041     ; masked
        report msg_timer

        ; 7: the PIT (ISA IRQ 0) through I/O APIC pin 2: fixed vector 0x42, edge, to APIC 0.
        mov dword [IOAPIC], 0x10 + 2 * 2 + 1
        mov dword [IOAPIC + 0x10], 0
        mov dword [IOAPIC], 0x10 + 2 * 2
        mov dword [IOAPIC + 0x10], 0x42
        mov al, 0x34                    ; counter 0, lobyte/hibyte, mode 2
        out 0x43, al
        mov ax, 1193                    ; ~1 ms
        out 0x40, al
        mov al, ah
        out 0x40, al
.wait_pit:
        cli
        cmp dword [PIT_COUNT], 3
        jae .pit_done
        sti
        hlt
        jmp .wait_pit
.pit_done:
        report msg_ioapic

        ; 8: clearing IA32_APIC_BASE bit 11 disables the local APIC: its page reads all ones.
        mov eax, [LAPIC + 0x30]         ; version register while enabled: 0x14 in bits 7:0
        and eax, 0xFF
        fail_unless_equal 8, eax, 0x14
        mov ecx, 0x1B
        rdmsr
        and eax, ~0x800
        wrmsr
        mov eax, [LAPIC + 0x30]
        fail_unless_equal 8, eax, 0xFFFFFFFF
        report msg_apicbase

        report msg_done
        mov al, 0x06                    ; hard reset through the PIIX3 reset control register
        mov dx, 0xCF9
        out dx, al
.halt:  hlt
        jmp .halt

fail:   mov al, bl
        out 0xF4, al
        jmp bsp32.halt

; EAX = handler, EBX = vector: a 32-bit interrupt gate in the IDT.
set_gate:
        lea edi, [IDT + ebx * 8]
        mov [edi], ax
        mov word [edi + 2], 0x08
        mov word [edi + 4], 0x8E00
        shr eax, 16
        mov [edi + 6], ax
        ret

delay:  mov ecx, 200000
.loop:  pause
        dec ecx
        jnz .loop
        ret

print:  mov dx, 0xE9
.next:  lodsb
        test al, al
        jz .done
        out dx, al
        jmp .next
.done:  ret

print_ram:                              ; one byte at ESI
        mov dx, 0xE9
        lodsb
        out dx, al
        ret

ipi_handler:
        lock inc dword [IPI_COUNT]
        mov dword [LAPIC + APIC_EOI], 0
        iretd

timer_handler:
        inc dword [TIMER_COUNT]
        mov dword [LAPIC + APIC_EOI], 0
        iretd

pit_handler:
        inc dword [PIT_COUNT]
        mov dword [LAPIC + APIC_EOI], 0
        iretd

spurious_handler:                       ; no EOI for the spurious vector (SDM)
        iretd

; ---- AP side, 32-bit, running from the ROM ----
ap32:   mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov eax, 1
        cpuid
        shr ebx, 24                     ; EBX = initial APIC ID
        mov eax, [LAPIC + APIC_ID]
        shr eax, 24
        cmp eax, ebx
        je .id_ok
        lock or dword [BAD_AP], 1
.id_ok: lock bts dword [ID_MASK], ebx
        jnc .unique
        lock or dword [BAD_AP], 2
.unique:
        mov ecx, 0x1B
        rdmsr
        test eax, 0x100                 ; an AP has no BSP flag
        jz .not_bsp
        lock or dword [BAD_AP], 4
.not_bsp:
        mov eax, 1
        lock xadd [AP_COUNT], eax
        cmp ebx, 1
        jne .park
        ; AP 1 changes the memory map (i440FX PAM1: 0xC0000-0xC7FFF to RAM and back), so the
        ; translated code is flushed from an AP's thread (with thread=single, one thread owns all).
        mov dx, 0xCF8
        mov eax, 0x80000058
        out dx, eax
        mov dx, 0xCFE                   ; data port byte 2: config byte 0x5A, PAM1
        mov al, 0x33
        out dx, al
        mov al, 0x00
        out dx, al
        mov dword [LAPIC + APIC_SVR], 0x1FF
        mov dword [LAPIC + APIC_ICR_HI], 0          ; to APIC ID 0, physical
        mov dword [LAPIC + APIC_ICR_LO], 0x00004040 ; fixed, assert, vector 0x40
.park:  cli
        hlt
        jmp .park

; ---- AP trampoline, copied to 0x8000; runs in real mode at CS = 0x0800 ----
        ap_trampoline ap32

        flat_gdt
idt_desc:
        dw 256 * 8 - 1
        dd IDT

msg_cpus:   db "cpus ", 0
msg_nl:     db 10, 0
msg_ids:    db "ids ok", 10, 0
msg_ipi:    db "ipi ok", 10, 0
msg_timer:  db "timer ok", 10, 0
msg_ioapic: db "ioapic ok", 10, 0
msg_apicbase: db "apicbase ok", 10, 0
msg_done:   db "all ok", 10, 0

        reset_vector
