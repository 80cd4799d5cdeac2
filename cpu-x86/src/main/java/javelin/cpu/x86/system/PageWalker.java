package javelin.cpu.x86.system;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.Mmu;
import javelin.softmmu.SoftTlb;

/**
 * The page-table walk (SDM vol. 3, chapter 4): translates a linear address, checks the
 * access against U/S, R/W (with CR0.WP) and, with PAE and EFER.NXE, NX; sets accessed and
 * dirty bits; and fills the TLB entry, or raises #PF with CR2 and the error code.
 */
public final class PageWalker {
    // Page-table entry bits.
    static final int PTE_P = 1, PTE_RW = 1 << 1, PTE_US = 1 << 2, PTE_A = 1 << 5, PTE_D = 1 << 6, PTE_PS = 1 << 7,
            PTE_G = 1 << 8;
    // #PF error code bits (SDM vol. 3, 4.7).
    static final int PFEC_P = 1, PFEC_W = 1 << 1, PFEC_U = 1 << 2, PFEC_RSVD = 1 << 3, PFEC_I = 1 << 4;

    private PageWalker() { }

    /** Walks the tables for {@code lin} and fills {@code tlb}; throws #PF if the access is not allowed. */
    public static void walk(CpuState cpu, int lin, int access, boolean user, SoftTlb tlb) {
        if ((cpu.cr4 & CpuState.CR4_PAE) != 0) {
            throw new UnsupportedOperationException("PAE paging is not implemented yet");
        }
        long pdeAddr = ((cpu.cr3 & 0xFFFF_F000L) | ((lin >>> 22) << 2)) & cpu.a20Mask;
        int pde = cpu.mem.readDword(pdeAddr);
        if ((pde & PTE_P) == 0) throw pageFault(cpu, lin, access, user, 0);
        boolean large = (pde & PTE_PS) != 0 && (cpu.cr4 & CpuState.CR4_PSE) != 0;
        long pa;
        int rights;
        if (large) {
            rights = pde;
            checkAccess(cpu, lin, access, user, rights);
            int newPde = pde | PTE_A | (access == Mmu.ACCESS_WRITE ? PTE_D : 0);
            if (newPde != pde) cpu.mem.writeDword(pdeAddr, newPde);
            pa = (pde & 0xFFC0_0000L) | (lin & 0x003F_FFFF);
            pde = newPde;
        } else {
            long pteAddr = ((pde & 0xFFFF_F000L) | (((lin >>> 12) & 0x3FF) << 2)) & cpu.a20Mask;
            int pte = cpu.mem.readDword(pteAddr);
            if ((pte & PTE_P) == 0) throw pageFault(cpu, lin, access, user, 0);
            rights = pde & pte;
            checkAccess(cpu, lin, access, user, rights);
            if ((pde & PTE_A) == 0) cpu.mem.writeDword(pdeAddr, pde | PTE_A);
            int newPte = pte | PTE_A | (access == Mmu.ACCESS_WRITE ? PTE_D : 0);
            if (newPte != pte) cpu.mem.writeDword(pteAddr, newPte);
            pa = (pte & 0xFFFF_F000L) | (lin & 0xFFF);
            pte = newPte;
            // Writable in the TLB only once the dirty bit is set, so the first write walks again.
            rights = (rights & ~PTE_RW) | (((pte & PTE_D) != 0 ? rights : 0) & PTE_RW);
        }
        if (large && (pde & PTE_D) == 0) rights &= ~PTE_RW;
        boolean writable = canWrite(cpu, user, rights);
        tlb.fill(lin, pa & cpu.a20Mask, true, writable, true, cpu.mem);
    }

    private static boolean canWrite(CpuState cpu, boolean user, int rights) {
        if (user) return (rights & PTE_US) != 0 && (rights & PTE_RW) != 0;
        return (rights & PTE_RW) != 0 || (cpu.cr0 & CpuState.CR0_WP) == 0;
    }

    private static void checkAccess(CpuState cpu, int lin, int access, boolean user, int rights) {
        if (user && (rights & PTE_US) == 0) throw pageFault(cpu, lin, access, user, PFEC_P);
        if (access == Mmu.ACCESS_WRITE) {
            boolean ok = user ? (rights & PTE_RW) != 0 : ((rights & PTE_RW) != 0 || (cpu.cr0 & CpuState.CR0_WP) == 0);
            if (!ok) throw pageFault(cpu, lin, access, user, PFEC_P);
        }
    }

    private static CpuFault pageFault(CpuState cpu, int lin, int access, boolean user, int present) {
        cpu.cr2 = lin;
        int code = present | (access == Mmu.ACCESS_WRITE ? PFEC_W : 0) | (user ? PFEC_U : 0);
        return CpuFault.withCode(CpuFault.PF, code);
    }
}
