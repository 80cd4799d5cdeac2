package javelin.cpu.x86.system;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.Cpuid;
import javelin.cpu.x86.mmu.Mmu;

/**
 * Writes of CR0, CR3 and CR4 (SDM vol. 3, 2.5 and 4.10.4): the validity checks (#GP(0)),
 * the PAE PDPTE loads that CR3 writes and paging enable perform, and the TLB flushes the
 * architecture requires.
 */
final class ControlRegisters {
    /** CR0 bits a MOV can change; ET is hard-wired to 1 from the i486 on (SDM vol. 3, 2.5). */
    static final int CR0_WRITABLE = CpuState.CR0_PE | CpuState.CR0_MP | CpuState.CR0_EM | CpuState.CR0_TS
            | CpuState.CR0_NE | CpuState.CR0_WP | CpuState.CR0_AM | CpuState.CR0_NW | CpuState.CR0_CD
            | CpuState.CR0_PG;
    /**
     * CR4 bits a write may set: those of the features CPUID advertises (SDM vol. 3, 2.5: setting
     * a bit of an unsupported feature is #GP(0)). OSFXSR exists with FXSR, OSXMMEXCPT with SSE.
     */
    static final int CR4_SUPPORTED = CpuState.CR4_VME | CpuState.CR4_PVI | CpuState.CR4_TSD | CpuState.CR4_DE
            | CpuState.CR4_PSE | CpuState.CR4_PAE | CpuState.CR4_PGE | CpuState.CR4_PCE
            | ((Cpuid.FEATURES_EDX & Cpuid.FEAT_FXSR) != 0 ? CpuState.CR4_OSFXSR : 0)
            | ((Cpuid.FEATURES_EDX & Cpuid.FEAT_SSE) != 0 ? CpuState.CR4_OSXMMEXCPT : 0);
    /** Changing any of these invalidates every translation (SDM vol. 3, 4.10.4.1). */
    private static final int CR0_PAGING_BITS = CpuState.CR0_PG | CpuState.CR0_WP | CpuState.CR0_PE;
    private static final int CR4_PAGING_BITS = CpuState.CR4_PSE | CpuState.CR4_PAE | CpuState.CR4_PGE;

    private ControlRegisters() { }

    static void writeCr0(CpuState cpu, Mmu mmu, int value) {
        int v = (value & CR0_WRITABLE) | CpuState.CR0_ET;
        if ((v & CpuState.CR0_PG) != 0 && (v & CpuState.CR0_PE) == 0) throw CpuFault.withCode(CpuFault.GP, 0);
        if ((v & CpuState.CR0_NW) != 0 && (v & CpuState.CR0_CD) == 0) throw CpuFault.withCode(CpuFault.GP, 0);
        boolean enablingPaging = (v & CpuState.CR0_PG) != 0 && !cpu.pagingEnabled();
        if (enablingPaging && (cpu.cr4 & CpuState.CR4_PAE) != 0) mmu.loadPdptes(cpu.cr3);
        int changed = cpu.cr0 ^ v;
        cpu.cr0 = v;
        if ((changed & CR0_PAGING_BITS) != 0) mmu.flushAll();
        cpu.updateModeCaches();
    }

    static void writeCr3(CpuState cpu, Mmu mmu, int value) {
        loadCr3(cpu, mmu, value);
    }

    /** CR3 load, also from a task switch: PDPTEs under PAE paging, then the TLB flush. */
    static void loadCr3(CpuState cpu, Mmu mmu, int value) {
        if (cpu.pagingEnabled() && (cpu.cr4 & CpuState.CR4_PAE) != 0) mmu.loadPdptes(value);
        cpu.cr3 = value;
        mmu.flushNonGlobal();
    }

    static void writeCr4(CpuState cpu, Mmu mmu, int value) {
        if ((value & ~CR4_SUPPORTED) != 0) throw CpuFault.withCode(CpuFault.GP, 0);
        boolean enablingPae = (value & CpuState.CR4_PAE) != 0 && (cpu.cr4 & CpuState.CR4_PAE) == 0;
        if (enablingPae && cpu.pagingEnabled()) mmu.loadPdptes(cpu.cr3);
        int changed = cpu.cr4 ^ value;
        cpu.cr4 = value;
        if ((changed & CR4_PAGING_BITS) != 0) mmu.flushAll();
    }
}
