package javelin.cpu.x86.system;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;

/**
 * Segment and gate descriptors (SDM vol. 3, 3.4.5 and 6.11): decoding of the two dwords, and
 * the GDT/LDT lookup of a selector. A descriptor travels as a {@code long}: low dword in bits
 * 0-31, high dword in bits 32-63. Descriptor tables are read with supervisor (implicit)
 * accesses, through paging when it is on.
 */
final class Descriptor {
    // Type field, code/data segments (S = 1), SDM vol. 3, table 3-1.
    static final int TYPE_ACCESSED = 1, DATA_WRITABLE = 2, DATA_EXPAND_DOWN = 4, CODE_READABLE = 2,
            CODE_CONFORMING = 4, TYPE_CODE = 8;
    // Type field, system descriptors (S = 0), SDM vol. 3, table 3-2.
    static final int SYS_TSS16_AVAILABLE = 1, SYS_LDT = 2, SYS_TSS16_BUSY = 3, SYS_CALL_GATE16 = 4,
            SYS_TASK_GATE = 5, SYS_INTERRUPT_GATE16 = 6, SYS_TRAP_GATE16 = 7, SYS_TSS32_AVAILABLE = 9,
            SYS_TSS32_BUSY = 11, SYS_CALL_GATE32 = 12, SYS_INTERRUPT_GATE32 = 14, SYS_TRAP_GATE32 = 15;
    /** The TSS busy bit inside the type field. */
    static final int TSS_BUSY = 2;

    // Selector fields (SDM vol. 3, 3.4.2).
    static final int SEL_RPL = 3, SEL_TI = 4, SEL_INDEX = 0xFFF8;

    private Descriptor() { }

    static int lo(long d) {
        return (int) d;
    }

    static int hi(long d) {
        return (int) (d >>> 32);
    }

    static int base(long d) {
        return (lo(d) >>> 16) | ((hi(d) & 0xFF) << 16) | (hi(d) & 0xFF00_0000);
    }

    /** The byte-granular limit: a page-granular limit is scaled and filled with ones. */
    static int limit(long d) {
        int raw = (lo(d) & 0xFFFF) | (hi(d) & 0xF_0000);
        return (hi(d) & (1 << 23)) != 0 ? (raw << 12) | 0xFFF : raw;
    }

    /** The attribute word in the layout of {@link CpuState#segAttr}. */
    static int attr(long d) {
        return (hi(d) >>> 8) & 0xF0FF;
    }

    static int type(long d) {
        return (hi(d) >>> 8) & 0xF;
    }

    /** S bit: code or data rather than a system descriptor. */
    static boolean isCodeOrData(long d) {
        return (hi(d) & (1 << 12)) != 0;
    }

    static boolean isCode(long d) {
        return isCodeOrData(d) && (type(d) & TYPE_CODE) != 0;
    }

    static boolean isData(long d) {
        return isCodeOrData(d) && (type(d) & TYPE_CODE) == 0;
    }

    static boolean isConformingCode(long d) {
        return isCode(d) && (type(d) & CODE_CONFORMING) != 0;
    }

    static boolean isReadable(long d) {
        return isData(d) || (isCode(d) && (type(d) & CODE_READABLE) != 0);
    }

    static boolean isWritableData(long d) {
        return isData(d) && (type(d) & DATA_WRITABLE) != 0;
    }

    static int dpl(long d) {
        return (hi(d) >>> 13) & 3;
    }

    static boolean present(long d) {
        return (hi(d) & (1 << 15)) != 0;
    }

    static boolean is32BitSystem(long d) {
        return (type(d) & 8) != 0;
    }

    // ---- gates (SDM vol. 3, figures 5-8 and 6-2) ----

    static int gateSelector(long d) {
        return lo(d) >>> 16;
    }

    static int gateOffset(long d) {
        int off = (lo(d) & 0xFFFF) | (hi(d) & 0xFFFF_0000);
        return is32BitSystem(d) ? off : off & 0xFFFF;
    }

    static int gateParamCount(long d) {
        return hi(d) & 0x1F;
    }

    static boolean isNull(int selector) {
        return (selector & ~SEL_RPL & 0xFFFF) == 0;
    }

    /**
     * Linear address of the descriptor {@code selector} names, or -1 if the index lies beyond
     * the GDT or LDT limit (or TI = 1 and the LDTR holds no LDT).
     */
    static long address(CpuState cpu, int selector) {
        int base;
        int limit;
        if ((selector & SEL_TI) != 0) {
            if (isNull(cpu.ldtrSel) || (cpu.ldtrAttr & CpuState.ATTR_P) == 0) return -1;
            base = cpu.ldtrBase;
            limit = cpu.ldtrLimit;
        } else {
            base = cpu.gdtrBase;
            limit = cpu.gdtrLimit;
        }
        long last = (selector & SEL_INDEX) + 7L;
        if (last > (limit & 0xFFFF_FFFFL)) return -1;
        return (base + (selector & SEL_INDEX)) & 0xFFFF_FFFFL;
    }

    /** Reads the descriptor of {@code selector}, or throws {@code vector(selector & 0xFFFC | ext)}. */
    static long fetch(CpuState cpu, Mmu mmu, int selector, int vector, int ext) {
        long at = address(cpu, selector);
        if (at < 0) throw CpuFault.withCode(vector, (selector & 0xFFFC) | ext);
        return read(cpu, mmu, (int) at);
    }

    static long read(CpuState cpu, Mmu mmu, int linear) {
        int lo = mmu.readDword(linear, false);
        int hi = mmu.readDword(linear + 4, false);
        return (lo & 0xFFFF_FFFFL) | ((long) hi << 32);
    }

    /** Sets the accessed bit in the table, as the CPU does on every segment load (SDM vol. 3, 3.4.5.1). */
    static void markAccessed(CpuState cpu, Mmu mmu, int selector, long d) {
        if ((type(d) & TYPE_ACCESSED) != 0) return;
        long at = address(cpu, selector);
        if (at < 0) return;
        int typeByte = (hi(d) >>> 8) & 0xFF;
        mmu.writeByte((int) at + 5, typeByte | TYPE_ACCESSED, false);
    }

    /** Rewrites the type field of a system descriptor (TSS busy bit). */
    static void writeType(CpuState cpu, Mmu mmu, int selector, long d, int type) {
        long at = address(cpu, selector);
        if (at < 0) return;
        int typeByte = ((hi(d) >>> 8) & 0xF0) | type;
        mmu.writeByte((int) at + 5, typeByte, false);
    }
}
