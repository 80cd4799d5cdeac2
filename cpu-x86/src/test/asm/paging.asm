; Paging (SDM vol. 3, chapter 4): #PF error codes and CR2 for not-present, U/S, R/W, CR0.WP,
; reserved bits (4 MiB PDE bit 13 without PSE-36), PAE with EFER.NXE (execute-disable,
; I/D bit), accessed and dirty bits, INVLPG.
%include "lib.inc"
%include "boot.inc"

PT0         equ 0x11000         ; page table for 0-4 MiB
PDPT        equ 0x12000
PAE_PD      equ 0x13000
PAE_PT      equ 0x14000
PAGE_SUPER  equ 0x200000        ; P RW, supervisor only
PAGE_RO     equ 0x201000        ; P US, read-only
PAGE_NP     equ 0x202000        ; not present
PAGE_DIRTY  equ 0x203000
PAGE_INVL   equ 0x204000
SEL_FLATCODE equ 0x48           ; ring 0 flat code, to run code at any linear address

PTE_P equ 1
PTE_RW equ 2
PTE_US equ 4
PTE_A equ 0x20
PTE_D equ 0x40
PTE_PS equ 0x80

[bits 32]
tests:
    PRINT "paging: start", 10
    SETDESC SEL_FLATCODE, 0, 0xFFFFF, ACC_CODE, 0xC
    ; identity map 0-4 MiB with user, writable 4 KiB pages
    mov edi, PAGE_DIR
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PAGE_DIR], PT0 | PTE_P | PTE_RW | PTE_US
    mov edi, PT0
    mov eax, PTE_P | PTE_RW | PTE_US
    mov ecx, 1024
.fill:
    stosd
    add eax, 0x1000
    loop .fill
    mov dword [PT0 + (PAGE_SUPER >> 12) * 4], PAGE_SUPER | PTE_P | PTE_RW
    mov dword [PT0 + (PAGE_RO >> 12) * 4], PAGE_RO | PTE_P | PTE_US
    mov dword [PT0 + (PAGE_NP >> 12) * 4], 0
    mov eax, PAGE_DIR
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    ; --- not present ---
    EXPECT_FAULT 14, 0, mov eax, [0x400000]             ; PDE not present, read, CPL 0
    CHECK_EQ dword [VAR_CR2], 0x400000
    EXPECT_FAULT 14, 2, mov byte [PAGE_NP + 0x10], 1     ; PTE not present, write
    CHECK_EQ dword [VAR_CR2], PAGE_NP + 0x10
    ; --- supervisor page and read-only page from CPL 3 ---
    RING3
    EXPECT_FAULT 14, 5, mov eax, [PAGE_SUPER + 4]       ; P | U
    CHECK_EQ dword [ss:VAR_CR2], PAGE_SUPER + 4
    EXPECT_FAULT 14, 7, mov dword [PAGE_RO], 1          ; P | W | U
    EXPECT_OK mov eax, [PAGE_RO]
    EXPECT_FAULT 14, 4, mov eax, [PAGE_NP]              ; not present, read, U
    RING0
    ; --- CR0.WP ---
    EXPECT_OK mov dword [PAGE_RO + 8], 0x5A5A           ; supervisor writes ignore R/W without WP
    mov eax, cr0
    or eax, 1 << 16
    mov cr0, eax
    EXPECT_FAULT 14, 3, mov dword [PAGE_RO + 8], 0      ; P | W with WP
    mov eax, cr0
    and eax, ~(1 << 16)
    mov cr0, eax
    ; --- accessed and dirty ---
    and dword [PT0 + (PAGE_DIRTY >> 12) * 4], ~(PTE_A | PTE_D)
    invlpg [PAGE_DIRTY]
    mov eax, [PAGE_DIRTY]
    mov eax, [PT0 + (PAGE_DIRTY >> 12) * 4]
    and eax, PTE_A | PTE_D
    CHECK_EQ eax, PTE_A                                 ; a read sets A only
    mov dword [PAGE_DIRTY], 1
    mov eax, [PT0 + (PAGE_DIRTY >> 12) * 4]
    and eax, PTE_A | PTE_D
    CHECK_EQ eax, PTE_A | PTE_D                         ; a write sets D
    ; --- INVLPG ---
    mov eax, [PAGE_INVL]
    mov dword [PT0 + (PAGE_INVL >> 12) * 4], 0
    invlpg [PAGE_INVL]
    EXPECT_FAULT 14, 0, mov eax, [PAGE_INVL]
    mov dword [PT0 + (PAGE_INVL >> 12) * 4], PAGE_INVL | PTE_P | PTE_RW | PTE_US
    ; --- reserved bit in a 4 MiB PDE ---
    mov eax, cr4
    or eax, 1 << 4                                      ; PSE
    mov cr4, eax
    mov dword [PAGE_DIR + 4 * 2], 0x800000 | PTE_P | PTE_RW | PTE_PS | (1 << 13)
    EXPECT_FAULT 14, 9, mov eax, [0x800000]             ; P | RSVD
    mov dword [PAGE_DIR + 4 * 2], 0x800000 | PTE_P | PTE_RW | PTE_PS
    mov dword [PAGE_DIR + 4 * 3], 0 | PTE_P | PTE_RW | PTE_PS   ; linear 12 MiB -> physical 0
    mov eax, PAGE_DIR
    mov cr3, eax
    mov dword [0x7F0], 0xABCD
    CHECK_EQ dword [0xC007F0], 0xABCD                   ; 4 MiB page translation

    ; --- PAE with NX: 0-2 MiB in 4 KiB pages, 2-4 MiB one 2 MiB page with XD ---
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    mov edi, PDPT
    xor eax, eax
    mov ecx, (PAE_PT + 0x1000 - PDPT) / 4
    rep stosd
    mov dword [PDPT], PAE_PD | PTE_P
    mov dword [PAE_PD], PAE_PT | PTE_P | PTE_RW | PTE_US
    mov dword [PAE_PD + 8], 0x200000 | PTE_P | PTE_RW | PTE_US | PTE_PS
    mov dword [PAE_PD + 12], 0x80000000                 ; XD
    mov edi, PAE_PT
    mov eax, PTE_P | PTE_RW | PTE_US
    mov ecx, 512
.fill_pae:
    mov [edi], eax
    add edi, 8
    add eax, 0x1000
    loop .fill_pae
    mov ecx, 0xC0000080                                 ; IA32_EFER
    rdmsr
    or eax, 1 << 11                                     ; NXE
    wrmsr
    mov eax, cr4
    or eax, 1 << 5                                      ; PAE
    mov cr4, eax
    mov eax, PDPT
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    mov byte [0x200000], 0xC3                           ; RET at the start of the XD page
    EXPECT_OK mov eax, [0x200000]                       ; data reads are allowed
    EXPECT_FAULT_FROM 0x200000, 14, 0x11, call SEL_FLATCODE:0x200000   ; P | I/D, at the target
    CHECK_EQ dword [VAR_CR2], 0x200000
    mov esp, STACK0
    mov dword [PAE_PD + 8 * 3], 1 << 20                 ; not present; bit 20 would be reserved
    EXPECT_FAULT 14, 0, mov eax, [0x600000]
    mov dword [PAE_PD + 8 * 3], 0x600000 | PTE_P | PTE_RW | PTE_PS | (1 << 13)
    EXPECT_FAULT 14, 9, mov eax, [0x600000]             ; 2 MiB PDE bit 13 reserved
    mov ecx, 0xC0000080
    rdmsr
    and eax, ~(1 << 11)
    wrmsr
    EXPECT_FAULT 14, 9, mov eax, [0x200000]             ; XD is reserved without NXE

    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    PASS "paging: all checks passed", 10

%include "runtime.inc"
%include "reset.inc"
