package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;

/**
 * Data accesses through a segment (SDM vol. 3, 5.3 limit checking and 5.4.1 type checking):
 * offset against the cached limit (expand-up, or expand-down with the B bit choosing a 64 KiB
 * or 4 GiB upper bound), in protected mode also the segment type (a write needs a writable data
 * segment, a read a data or readable code segment, a null selector faults). A violation raises
 * #SS(0) for SS-relative accesses and #GP(0) otherwise. Real and v86 mode check only the limit:
 * the cached attributes then describe the segment as loaded by the last protected-mode load
 * ("unreal mode"), and real-mode code writes through CS.
 *
 * <p>The linear address then goes to {@link Mmu} with the user view when CPL is 3.
 */
final class SegmentedMemory {
    private final CpuState cpu;
    private final Mmu mmu;

    SegmentedMemory(CpuState cpu, Mmu mmu) {
        this.cpu = cpu;
        this.mmu = mmu;
    }

    /** Present, S = 1, writable expand-up data: readable and writable in every mode, limit check only. */
    private static final int PLAIN_DATA_MASK = ATTR_P | ATTR_S | 0xE, PLAIN_DATA = ATTR_P | ATTR_S | 0x2;

    /** The linear address of {@code size} bytes at {@code seg:off}, after limit and type checks. */
    int linear(int seg, int off, int size, boolean write) {
        // Fast path, kept small so the JIT inlines it: the common read/write data segment.
        if ((cpu.segAttr[seg] & PLAIN_DATA_MASK) == PLAIN_DATA
                && (off & 0xFFFF_FFFFL) + size - 1 <= (cpu.segLimit[seg] & 0xFFFF_FFFFL)) {
            return cpu.segBase[seg] + off;
        }
        return linearChecked(seg, off, size, write);
    }

    private int linearChecked(int seg, int off, int size, boolean write) {
        int attr = cpu.segAttr[seg];
        long start = off & 0xFFFF_FFFFL;
        long end = start + size - 1;
        long limit = cpu.segLimit[seg] & 0xFFFF_FFFFL;
        if ((attr & (ATTR_S | 0xC)) == (ATTR_S | 0x4)) {
            // Expand-down data segment: valid offsets are limit+1 up to 0xFFFF or 0xFFFFFFFF.
            long upper = (attr & ATTR_DB) != 0 ? 0xFFFF_FFFFL : 0xFFFFL;
            if (start <= limit || end > upper) throw fault(seg);
        } else if (end > limit) {
            throw fault(seg);
        }
        if ((cpu.cr0 & CR0_PE) != 0 && (cpu.eflagsRest & VM) == 0) checkType(seg, attr, write);
        return cpu.segBase[seg] + off;
    }

    private void checkType(int seg, int attr, boolean write) {
        if ((attr & ATTR_P) == 0 || (attr & ATTR_S) == 0) throw fault(seg);
        boolean code = (attr & 0x8) != 0;
        if (write) {
            if (code || (attr & 0x2) == 0) throw fault(seg);
        } else if (code && (attr & 0x2) == 0) {
            throw fault(seg);
        }
    }

    private static CpuFault fault(int seg) {
        return CpuFault.withCode(seg == SS ? CpuFault.SS : CpuFault.GP, 0);
    }

    private boolean user() {
        return cpu.cpl == 3;
    }

    int read(int seg, int off, int size) {
        int lin = linear(seg, off, size, false);
        boolean user = cpu.cpl == 3;
        if (size == 4) return mmu.readDword(lin, user);
        return size == 1 ? mmu.readByte(lin, user) : mmu.readWord(lin, user);
    }

    void write(int seg, int off, int size, int value) {
        int lin = linear(seg, off, size, true);
        boolean user = cpu.cpl == 3;
        if (size == 4) mmu.writeDword(lin, value, user);
        else if (size == 1) mmu.writeByte(lin, value, user);
        else mmu.writeWord(lin, value, user);
    }

    /** Checks that {@code size} bytes at {@code seg:off} may be written, without writing (read-modify-write). */
    void checkWritable(int seg, int off, int size) {
        mmu.translate(linear(seg, off, size, true), Mmu.ACCESS_WRITE, user());
    }

    long readQword(int seg, int off) {
        int lin = linear(seg, off, 8, false);
        return mmu.readQword(lin, user());
    }

    void writeQword(int seg, int off, long value) {
        int lin = linear(seg, off, 8, true);
        mmu.writeQword(lin, value, user());
    }

    /** System-table reads (IVT, descriptor tables) at a linear address, with supervisor rights. */
    int readLinear(int lin, int size) {
        return switch (size) {
            case 1 -> mmu.readByte(lin, false);
            case 2 -> mmu.readWord(lin, false);
            default -> mmu.readDword(lin, false);
        };
    }
}
