package javelin.cpu.x86.mmu;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.SoftTlb;

/**
 * The page-table walk (SDM vol. 3, chapter 4): 32-bit paging with 4 KiB pages and, with
 * CR4.PSE, 4 MiB pages (4.3); PAE paging with its four PDPTEs (loaded by
 * {@link ControlRegisters}), 4 KiB and 2 MiB pages and, with EFER.NXE, execute-disable (4.4).
 * It checks the access against U/S and R/W (with CR0.WP) and NX, faults on reserved bits
 * (PFEC_RSVD), sets accessed and dirty bits, and fills the TLB entry, or raises #PF with CR2
 * and the error code of 4.7. The tables are read and written in physical memory, through the
 * MMU's {@link PhysicalMemory}.
 *
 * <p>Global pages (CR4.PGE, PTE.G): the walker records which TLB slots hold global
 * translations in the MMU's bookkeeping, and a CR3 load keeps those slots
 * ({@link Mmu#flushNonGlobal}). Every other flush (CR0/CR4 paging bits, PG toggles, INVLPG)
 * drops them, as the SDM requires for CR4.PGE changes (4.10.4.1).
 *
 * <p>Physical addresses are 36 bits wide under PAE (MAXPHYADDR, as CPUID reports no leaf
 * 0x80000008); this board has nothing above 4 GiB, so such pages read as unmapped.
 * Accessed bits are set only on walks that succeed. A page becomes writable in the TLB only
 * once its dirty bit is set, so the first write to a clean page walks again and sets it.
 */
public final class PageWalker {
    // Paging-structure entry bits (SDM vol. 3, tables 4-4..4-6, 4-8..4-11).
    static final int PTE_P = 1, PTE_RW = 1 << 1, PTE_US = 1 << 2, PTE_A = 1 << 5, PTE_D = 1 << 6, PTE_PS = 1 << 7,
            PTE_G = 1 << 8;
    static final long PTE_XD = 1L << 63;
    // #PF error code bits (SDM vol. 3, 4.7).
    static final int PFEC_P = 1, PFEC_W = 1 << 1, PFEC_U = 1 << 2, PFEC_RSVD = 1 << 3, PFEC_I = 1 << 4;

    /** Physical-address bits above MAXPHYADDR (36) in a PAE entry: bits 62:36. */
    static final long PAE_HIGH_RESERVED = 0x7FFF_FFF0_0000_0000L;
    /** PDPTE: bits 2:1 and 8:5 are reserved too (SDM vol. 3, table 4-8). */
    static final long PDPTE_RESERVED = PAE_HIGH_RESERVED | PTE_XD | 0x1E6L;
    /** A 2 MiB PAE PDE: bits 20:13 reserved. */
    static final long PDE2M_RESERVED = 0x1F_E000L;
    /** A 4 MiB PDE without PSE-36: bits 21:13 reserved (table 4-4, MAXPHYADDR 32 there). */
    static final int PDE4M_RESERVED = 0x3F_E000;

    private PageWalker() { }

    /** Walks the tables for {@code lin} and fills {@code tlb}; throws #PF if the access is not allowed. */
    static void walk(Mmu mmu, int lin, int access, boolean user, SoftTlb tlb) {
        if ((mmu.cpu.cr4 & CpuState.CR4_PAE) != 0) {
            walkPae(mmu, lin, access, user, tlb);
        } else {
            walkLegacy(mmu, lin, access, user, tlb);
        }
    }

    /**
     * The physical address that {@code lin} translates to, or -1 if no present translation
     * exists: a debugger's look at the tables (the monitor's {@code x}), with no side effects:
     * no accessed or dirty bit is written, no TLB entry filled, CR2 untouched, no #PF. Only the
     * P bits and the page-size bits decide (SDM vol. 3, 4.3 for 32-bit paging with CR4.PSE,
     * 4.4 for PAE with the PDPTEs held in {@link CpuState#pdpte}); access rights and reserved
     * bits are not checked, since the debugger is not a guest access. Without CR0.PG the
     * linear address is the physical one. A page above this board's 4 GiB is reported as
     * unmapped, as the walker maps it to nothing.
     */
    public static long probe(CpuState cpu, PhysicalMemory mem, int lin) {
        long pa;
        if ((cpu.cr0 & CpuState.CR0_PG) == 0) {
            pa = lin & 0xFFFF_FFFFL;
        } else if ((cpu.cr4 & CpuState.CR4_PAE) != 0) {
            pa = probePae(cpu, mem, lin);
        } else {
            pa = probeLegacy(cpu, mem, lin);
        }
        if (pa < 0 || pa >>> 32 != 0) return -1;
        return pa & cpu.a20Mask;
    }

    private static long probeLegacy(CpuState cpu, PhysicalMemory mem, int lin) {
        long pdeAddr = ((cpu.cr3 & 0xFFFF_F000L) | ((lin >>> 22) << 2)) & cpu.a20Mask;
        int pde = mem.readDword(pdeAddr);
        if ((pde & PTE_P) == 0) return -1;
        if ((pde & PTE_PS) != 0 && (cpu.cr4 & CpuState.CR4_PSE) != 0) {
            return (pde & 0xFFC0_0000L) | (lin & 0x003F_FFFF);
        }
        long pteAddr = ((pde & 0xFFFF_F000L) | (((lin >>> 12) & 0x3FF) << 2)) & cpu.a20Mask;
        int pte = mem.readDword(pteAddr);
        if ((pte & PTE_P) == 0) return -1;
        return (pte & 0xFFFF_F000L) | (lin & 0xFFF);
    }

    private static long probePae(CpuState cpu, PhysicalMemory mem, int lin) {
        long pdpte = cpu.pdpte[lin >>> 30];
        if ((pdpte & PTE_P) == 0) return -1;
        long pdeAddr = ((pdpte & 0xF_FFFF_F000L) | (((lin >>> 21) & 0x1FF) << 3)) & cpu.a20Mask;
        long pde = mem.readQword(pdeAddr);
        if ((pde & PTE_P) == 0) return -1;
        if ((pde & PTE_PS) != 0) return (pde & 0xF_FFE0_0000L) | (lin & 0x1F_FFFF);
        long pteAddr = ((pde & 0xF_FFFF_F000L) | (((lin >>> 12) & 0x1FF) << 3)) & cpu.a20Mask;
        long pte = mem.readQword(pteAddr);
        if ((pte & PTE_P) == 0) return -1;
        return (pte & 0xF_FFFF_F000L) | (lin & 0xFFF);
    }

    private static void walkLegacy(Mmu mmu, int lin, int access, boolean user, SoftTlb tlb) {
        CpuState cpu = mmu.cpu;
        PhysicalMemory mem = mmu.mem;
        long pdeAddr = ((cpu.cr3 & 0xFFFF_F000L) | ((lin >>> 22) << 2)) & cpu.a20Mask;
        int pde = mem.readDword(pdeAddr);
        if ((pde & PTE_P) == 0) throw pageFault(cpu, lin, access, user, 0);
        if ((pde & PTE_PS) != 0 && (cpu.cr4 & CpuState.CR4_PSE) != 0) {
            if ((pde & PDE4M_RESERVED) != 0) throw pageFault(cpu, lin, access, user, PFEC_P | PFEC_RSVD);
            checkAccess(cpu, lin, access, user, pde, false);
            int newPde = pde | PTE_A | (access == Mmu.ACCESS_WRITE ? PTE_D : 0);
            if (newPde != pde) mem.writeDword(pdeAddr, newPde);
            long pa = (pde & 0xFFC0_0000L) | (lin & 0x003F_FFFF);
            fill(mmu, tlb, lin, pa, user, newPde, newPde, false);
            return;
        }
        long pteAddr = ((pde & 0xFFFF_F000L) | (((lin >>> 12) & 0x3FF) << 2)) & cpu.a20Mask;
        int pte = mem.readDword(pteAddr);
        if ((pte & PTE_P) == 0) throw pageFault(cpu, lin, access, user, 0);
        int rights = pde & pte;
        checkAccess(cpu, lin, access, user, rights, false);
        if ((pde & PTE_A) == 0) mem.writeDword(pdeAddr, pde | PTE_A);
        int newPte = pte | PTE_A | (access == Mmu.ACCESS_WRITE ? PTE_D : 0);
        if (newPte != pte) mem.writeDword(pteAddr, newPte);
        long pa = (pte & 0xFFFF_F000L) | (lin & 0xFFF);
        fill(mmu, tlb, lin, pa, user, rights, newPte, false);
    }

    private static void walkPae(Mmu mmu, int lin, int access, boolean user, SoftTlb tlb) {
        CpuState cpu = mmu.cpu;
        PhysicalMemory mem = mmu.mem;
        boolean nxe = (cpu.efer & CpuState.EFER_NXE) != 0;
        long reserved = PAE_HIGH_RESERVED | (nxe ? 0 : PTE_XD);
        long pdpte = cpu.pdpte[lin >>> 30];
        if ((pdpte & PTE_P) == 0) throw pageFault(cpu, lin, access, user, 0);
        long pdeAddr = ((pdpte & 0xF_FFFF_F000L) | (((lin >>> 21) & 0x1FF) << 3)) & cpu.a20Mask;
        long pde = mem.readQword(pdeAddr);
        if ((pde & PTE_P) == 0) throw pageFault(cpu, lin, access, user, 0);
        if ((pde & reserved) != 0) throw pageFault(cpu, lin, access, user, PFEC_P | PFEC_RSVD);
        if ((pde & PTE_PS) != 0) {
            if ((pde & PDE2M_RESERVED) != 0) throw pageFault(cpu, lin, access, user, PFEC_P | PFEC_RSVD);
            boolean xd = nxe && (pde & PTE_XD) != 0;
            checkAccess(cpu, lin, access, user, (int) pde, xd);
            long newPde = pde | PTE_A | (access == Mmu.ACCESS_WRITE ? PTE_D : 0);
            if (newPde != pde) mem.writeQword(pdeAddr, newPde);
            long pa = (pde & 0xF_FFE0_0000L) | (lin & 0x1F_FFFF);
            fill(mmu, tlb, lin, pa, user, (int) newPde, (int) newPde, xd);
            return;
        }
        long pteAddr = ((pde & 0xF_FFFF_F000L) | (((lin >>> 12) & 0x1FF) << 3)) & cpu.a20Mask;
        long pte = mem.readQword(pteAddr);
        if ((pte & PTE_P) == 0) throw pageFault(cpu, lin, access, user, 0);
        if ((pte & reserved) != 0) throw pageFault(cpu, lin, access, user, PFEC_P | PFEC_RSVD);
        int rights = (int) pde & (int) pte;
        boolean xd = nxe && ((pde | pte) & PTE_XD) != 0;
        checkAccess(cpu, lin, access, user, rights, xd);
        if ((pde & PTE_A) == 0) mem.writeQword(pdeAddr, pde | PTE_A);
        long newPte = pte | PTE_A | (access == Mmu.ACCESS_WRITE ? PTE_D : 0);
        if (newPte != pte) mem.writeQword(pteAddr, newPte);
        long pa = (pte & 0xF_FFFF_F000L) | (lin & 0xFFF);
        fill(mmu, tlb, lin, pa, user, rights, (int) newPte, xd);
    }

    /**
     * Installs the translation. {@code rights} are the combined U/S and R/W of all levels;
     * {@code leaf} is the final entry (for its dirty bit).
     */
    private static void fill(Mmu mmu, SoftTlb tlb, int lin, long pa, boolean user, int rights, int leaf,
            boolean xd) {
        CpuState cpu = mmu.cpu;
        boolean writable = canWrite(cpu, user, rights) && (leaf & PTE_D) != 0;
        if (pa >>> 32 != 0) pa = 0xFFFF_F000L | (pa & 0xFFF);   // beyond this board's 4 GiB: an unmapped page
        tlb.fill(lin, pa & cpu.a20Mask, true, writable, !xd, mmu.mem);
        boolean global = (cpu.cr4 & CpuState.CR4_PGE) != 0 && (leaf & PTE_G) != 0;
        mmu.globalPages[slot(user, lin)] = global ? (lin & SoftTlb.PAGE_MASK) | 1 : 0;
    }

    private static int slot(boolean user, int lin) {
        return (user ? SoftTlb.SIZE : 0) + SoftTlb.index(lin);
    }

    private static boolean canWrite(CpuState cpu, boolean user, int rights) {
        if (user) return (rights & PTE_US) != 0 && (rights & PTE_RW) != 0;
        return (rights & PTE_RW) != 0 || (cpu.cr0 & CpuState.CR0_WP) == 0;
    }

    /** Access rights of a present translation (SDM vol. 3, 4.6). */
    private static void checkAccess(CpuState cpu, int lin, int access, boolean user, int rights, boolean xd) {
        if (user && (rights & PTE_US) == 0) throw pageFault(cpu, lin, access, user, PFEC_P);
        if (access == Mmu.ACCESS_WRITE && !canWrite(cpu, user, rights)) throw pageFault(cpu, lin, access, user, PFEC_P);
        if (access == Mmu.ACCESS_EXEC && xd) throw pageFault(cpu, lin, access, user, PFEC_P);
    }

    private static CpuFault pageFault(CpuState cpu, int lin, int access, boolean user, int bits) {
        cpu.cr2 = lin;
        int code = bits | (access == Mmu.ACCESS_WRITE ? PFEC_W : 0) | (user ? PFEC_U : 0);
        // I/D is reported only where execute-disable exists: PAE paging with EFER.NXE (4.7).
        boolean nx = (cpu.cr4 & CpuState.CR4_PAE) != 0 && (cpu.efer & CpuState.EFER_NXE) != 0;
        if (access == Mmu.ACCESS_EXEC && nx) code |= PFEC_I;
        return CpuFault.withCode(CpuFault.PF, code);
    }
}
