package javelin.cpu.x86.system;

import static javelin.cpu.x86.CpuState.CS;
import static javelin.cpu.x86.CpuState.SS;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;

/**
 * Segment register loads (MOV Sreg, POP Sreg, LDS/LES/LFS/LGS/LSS) in real, v86 and protected
 * mode with every descriptor check of SDM vol. 3, 5.4-5.6 and the MOV/POP pseudo-code of
 * vol. 2: null selectors, table limit, S bit and type, privilege, presence, and the accessed
 * bit written back to the table.
 *
 * <p>CS is never loaded here: far transfers go through {@link ControlTransfer}, which uses
 * {@link #loadCode}.
 */
public final class Segmentation {
    /** Attributes of every segment in v86 mode: present, DPL 3, read/write data, accessed (SDM vol. 3, 20.1.1). */
    static final int V86_ATTR = CpuState.ATTR_P | CpuState.ATTR_S | (3 << CpuState.ATTR_DPL_SHIFT) | 0x3;
    /** The data segment registers, in the order the SDM's RET/IRET pseudo-code visits them. */
    static final int[] DATA_SEGMENTS = {CpuState.ES, CpuState.FS, CpuState.GS, CpuState.DS};

    private Segmentation() { }

    /** Loads segment register {@code seg} (not CS) with {@code selector}; throws #GP/#SS/#NP. */
    public static void loadSegment(CpuState cpu, Mmu mmu, int seg, int selector) {
        selector &= 0xFFFF;
        if (!cpu.protectedMode()) {
            cpu.loadRealModeSegment(seg, selector);
        } else if (cpu.v86Mode()) {
            loadV86(cpu, seg, selector);
        } else if (seg == SS) {
            loadStack(cpu, mmu, selector, cpu.cpl, CpuFault.GP, CpuFault.SS, 0);
        } else {
            loadData(cpu, mmu, seg, selector);
        }
        if (seg == SS || seg == CS) cpu.updateModeCaches();
    }

    static void loadV86(CpuState cpu, int seg, int selector) {
        cpu.segSel[seg] = selector & 0xFFFF;
        cpu.segBase[seg] = (selector & 0xFFFF) << 4;
        cpu.segLimit[seg] = 0xFFFF;
        cpu.segAttr[seg] = V86_ATTR;
    }

    /** DS, ES, FS, GS in protected mode (SDM vol. 2, MOV: "IF DS, ES, FS, or GS is loaded"). */
    private static void loadData(CpuState cpu, Mmu mmu, int seg, int selector) {
        if (Descriptor.isNull(selector)) {
            loadNull(cpu, seg, selector);
            return;
        }
        long d = Descriptor.fetch(cpu, mmu, selector, CpuFault.GP, 0);
        int code = selector & 0xFFFC;
        if (!Descriptor.isReadable(d)) throw CpuFault.withCode(CpuFault.GP, code);
        if (!Descriptor.isConformingCode(d)) {
            int dpl = Descriptor.dpl(d);
            if ((selector & 3) > dpl || cpu.cpl > dpl) throw CpuFault.withCode(CpuFault.GP, code);
        }
        if (!Descriptor.present(d)) throw CpuFault.withCode(CpuFault.NP, code);
        Descriptor.markAccessed(cpu, mmu, selector, d);
        loadCache(cpu, seg, selector, d | ((long) Descriptor.TYPE_ACCESSED << 40));
    }

    /**
     * Loads SS for privilege level {@code cpl}: RPL = DPL = CPL and a writable data segment.
     * Checks fail with {@code gpVector} (#GP for MOV/POP/LSS and returns, #TS for stacks from a
     * TSS) and {@code npVector} (#SS) for a not-present segment.
     */
    static void loadStack(CpuState cpu, Mmu mmu, int selector, int cpl, int gpVector, int npVector, int ext) {
        long d = checkStack(cpu, mmu, selector, cpl, gpVector, npVector, ext);
        Descriptor.markAccessed(cpu, mmu, selector, d);
        loadCache(cpu, SS, selector, d | ((long) Descriptor.TYPE_ACCESSED << 40));
    }

    /** The checks of {@link #loadStack} without the load; returns the descriptor. */
    static long checkStack(CpuState cpu, Mmu mmu, int selector, int cpl, int gpVector, int npVector, int ext) {
        if (Descriptor.isNull(selector)) throw CpuFault.withCode(gpVector, ext);
        long d = Descriptor.fetch(cpu, mmu, selector, gpVector, ext);
        int code = (selector & 0xFFFC) | ext;
        if ((selector & 3) != cpl || !Descriptor.isWritableData(d) || Descriptor.dpl(d) != cpl) {
            throw CpuFault.withCode(gpVector, code);
        }
        if (!Descriptor.present(d)) throw CpuFault.withCode(npVector, code);
        return d;
    }

    /** A null selector in DS/ES/FS/GS: allowed, but marks the register unusable. */
    static void loadNull(CpuState cpu, int seg, int selector) {
        cpu.segSel[seg] = selector;
        cpu.segBase[seg] = 0;
        cpu.segLimit[seg] = 0;
        cpu.segAttr[seg] = 0;
    }

    /** Fills the hidden part of {@code seg} from a descriptor that has passed its checks. */
    static void loadCache(CpuState cpu, int seg, int selector, long d) {
        cpu.segSel[seg] = selector & 0xFFFF;
        cpu.segBase[seg] = Descriptor.base(d);
        cpu.segLimit[seg] = Descriptor.limit(d);
        cpu.segAttr[seg] = Descriptor.attr(d);
    }

    /** Loads CS from a checked code descriptor, with RPL forced to the new CPL. */
    static void loadCode(CpuState cpu, Mmu mmu, int selector, long d, int cpl) {
        Descriptor.markAccessed(cpu, mmu, selector, d);
        loadCache(cpu, CS, (selector & 0xFFFC) | cpl, d | ((long) Descriptor.TYPE_ACCESSED << 40));
        cpu.updateModeCaches();
    }

    /**
     * After a return to an outer privilege level, data segment registers the new CPL may not
     * use are nulled (SDM vol. 2, RET and IRET: "FOR each of segment register ES, FS, GS, DS").
     */
    static void invalidateForOuterLevel(CpuState cpu) {
        for (int seg : DATA_SEGMENTS) {
            int attr = cpu.segAttr[seg];
            boolean isCode = (attr & CpuState.ATTR_S) != 0 && (attr & Descriptor.TYPE_CODE) != 0;
            boolean conforming = isCode && (attr & Descriptor.CODE_CONFORMING) != 0;
            int dpl = (attr >>> CpuState.ATTR_DPL_SHIFT) & 3;
            boolean usable = (attr & CpuState.ATTR_P) != 0;
            if (!usable || (!conforming && dpl < cpu.cpl)) loadNull(cpu, seg, 0);
        }
    }

    /**
     * True if {@code offset .. offset+size-1} lies within the segment's limit, for both normal
     * and expand-down data segments (SDM vol. 3, 5.3).
     */
    static boolean withinLimit(int limit, int attr, int offset, int size) {
        long first = offset & 0xFFFF_FFFFL;
        long last = first + size - 1;
        boolean expandDown = (attr & CpuState.ATTR_S) != 0 && (attr & Descriptor.TYPE_CODE) == 0
                && (attr & Descriptor.DATA_EXPAND_DOWN) != 0;
        if (expandDown) {
            long upper = (attr & CpuState.ATTR_DB) != 0 ? 0xFFFF_FFFFL : 0xFFFFL;
            return first > (limit & 0xFFFF_FFFFL) && last <= upper;
        }
        return last <= (limit & 0xFFFF_FFFFL);
    }
}
