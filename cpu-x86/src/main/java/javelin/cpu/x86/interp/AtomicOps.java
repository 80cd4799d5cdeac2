package javelin.cpu.x86.interp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.LazyFlags;
import javelin.cpu.x86.mmu.Mmu;
import javelin.softmmu.PhysicalMemory;

/**
 * Atomic read-modify-writes of guest memory for LOCK-prefixed instructions and XCHG
 * (docs/engine.md, "Atomics"; SDM vol. 3, 8.1.2.2): the operation runs as a
 * compare-and-swap loop on the RAM backing, so a store by another vCPU between the read and
 * the write makes the instruction start over instead of being lost.
 *
 * <p>Invariants (AtomicOpsStressTest):
 * [LOCK-1] A locked operation on a naturally aligned operand (or one inside an aligned dword)
 *          in RAM is a single compare-and-swap: concurrent locked increments lose no update.
 * [LOCK-2] Each attempt starts from the flags and registers of the instruction's start; an
 *          attempt that loses the race leaves no trace.
 *
 * <p>[LOCK-3] Operands that cross a dword boundary (8 bytes for CMPXCHG8B), or lie in MMIO,
 * ROM or a page holding translated code, cannot be one compare-and-swap. With the engine
 * ({@link #exclusiveAvailable}) the instruction throws {@link ExclusiveStepRequest} before
 * any side effect; the engine leaves its run loop and runs it again inside an exclusive
 * section (every other vCPU stopped), where {@link #inExclusive} is set and the
 * operation is a plain read and write. A lone interpreter (tests, tools) locks the memory
 * object instead: such operations then exclude each other but not plain stores.
 */
final class AtomicOps {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** The operation applied to the old value; may record flags; returns the new value. */
    @FunctionalInterface
    interface Update {
        int apply(int old);
    }

    private final CpuState cpu;
    private final SegmentedMemory mem;
    private final Mmu mmu;
    /** Guest physical memory: the compare-and-swaps work on its RAM backing; the lock of [LOCK-3]. */
    private final PhysicalMemory physical;
    private final MemorySegment ram;
    /** An engine can run this instruction in an exclusive section ([LOCK-3]). */
    boolean exclusiveAvailable;
    /** Set while the instruction runs inside that exclusive section. */
    boolean inExclusive;

    AtomicOps(CpuState cpu, SegmentedMemory mem, Mmu mmu) {
        this.cpu = cpu;
        this.mem = mem;
        this.mmu = mmu;
        this.physical = mmu.memory();
        this.ram = physical.backing();
    }

    /** Atomically replaces {@code size} bytes at {@code seg:off} with {@code update(old)}; returns old. */
    int readModifyWrite(int seg, int off, int size, Update update) {
        int lin = mem.linear(seg, off, size, true);
        long host = mmu.atomicHostOffset(lin, size, cpu.cpl == 3);
        long aligned = host & ~3L;
        int shift = (int) (host & 3) * 8;
        if (host < 0 || (host & 3) + size > 4) {
            if (inExclusive) {
                int old = mem.read(seg, off, size);
                mem.write(seg, off, size, update.apply(old));
                return old;
            }
            if (exclusiveAvailable) throw ExclusiveStepRequest.INSTANCE;      // [LOCK-3]
            synchronized (physical) {
                int old = mem.read(seg, off, size);
                mem.write(seg, off, size, update.apply(old));
                return old;
            }
        }
        int valueMask = LazyFlags.mask(size);
        int wordMask = valueMask << shift;
        int ccOp = cpu.ccOp, ccDst = cpu.ccDst, ccSrc1 = cpu.ccSrc1, ccSrc2 = cpu.ccSrc2;
        while (true) {
            cpu.ccOp = ccOp;
            cpu.ccDst = ccDst;
            cpu.ccSrc1 = ccSrc1;
            cpu.ccSrc2 = ccSrc2;
            int word = (int) INT.getVolatile(ram, aligned);
            int old = (word >>> shift) & valueMask;
            int updated = update.apply(old) & valueMask;
            int newWord = (word & ~wordMask) | (updated << shift);
            if (INT.compareAndSet(ram, aligned, word, newWord)) return old;
        }
    }

    /**
     * CMPXCHG8B: if the qword equals {@code expected}, stores {@code replacement}; returns the old
     * qword either way (SDM vol. 2, CMPXCHG8B).
     */
    long compareExchange8(int seg, int off, long expected, long replacement) {
        int lin = mem.linear(seg, off, 8, true);
        long host = mmu.atomicHostOffset(lin, 8, cpu.cpl == 3);
        if (host < 0 || (host & 7) != 0) {
            if (inExclusive) {
                long old = mem.readQword(seg, off);
                mem.writeQword(seg, off, old == expected ? replacement : old);
                return old;
            }
            if (exclusiveAvailable) throw ExclusiveStepRequest.INSTANCE;      // [LOCK-3]
            synchronized (physical) {
                long old = mem.readQword(seg, off);
                mem.writeQword(seg, off, old == expected ? replacement : old);
                return old;
            }
        }
        long witness = (long) LONG.compareAndExchange(ram, host, expected, replacement);
        return witness;
    }
}
