package javelin.cpu.x86.mmu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.SoftTlb;

/**
 * Linear-address accesses of one vCPU: the softmmu TLB fast path, and on a miss the page walk
 * (or the identity map with the A20 mask when paging is off) that refills it. Segmentation is
 * applied before this class is reached; everything here is a linear address.
 *
 * <p>Two TLBs, one per privilege view: {@code user} accesses (CPL 3 data and code accesses)
 * are checked against U/S, supervisor ones are not (and honour CR0.WP), so the permissions in
 * an entry depend on the view that filled it. Which slots hold global translations (CR4.PGE)
 * is kept beside them ({@link #flushNonGlobal}); like the TLBs it is a cache, never saved.
 *
 * <p>Owned by the vCPU thread (invariant [TLB-1] of {@link SoftTlb}).
 *
 * <p>[TSO-1] Guest memory order is x86-TSO (docs/engine.md, "x86-TSO on the JVM"): the JIT must not reorder a guest load
 * with a later load, nor a store with an earlier store. Every RAM load here is followed by
 * {@link VarHandle#acquireFence()} and every RAM store preceded by
 * {@link VarHandle#releaseFence()} ({@link PhysicalMemory} does the same on the slow path).
 * On an x86 host both only constrain the compiler; the hardware is TSO already.
 */
public final class Mmu {
    public static final int ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_EXEC = 2;
    private static final int PAGE_MASK = SoftTlb.PAGE_MASK;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;

    final CpuState cpu;
    final PhysicalMemory mem;
    private final MemorySegment ram;
    public final SoftTlb supervisorTlb = new SoftTlb();
    public final SoftTlb userTlb = new SoftTlb();
    /**
     * PGE bookkeeping for the two TLBs (supervisor slots, then user slots): page | 1 when the
     * slot was filled from a global translation, else 0 ({@link PageWalker} writes it).
     */
    final int[] globalPages = new int[2 * SoftTlb.SIZE];
    /**
     * Set by a store that went through a NOTDIRTY entry (a page holding translated code); the
     * block executor tests and clears it to end a block its own store invalidated ([SMC-1]).
     */
    public boolean codeStore;
    private FlushListener flushListener = FlushListener.NONE;

    /**
     * Told about every TLB flush, so that caches keyed by linear address (the engine's jump
     * cache) are flushed with it. Called on the thread that flushes.
     */
    public interface FlushListener {
        FlushListener NONE = new FlushListener() {
            @Override public void flushedAll() { }

            @Override public void flushedPage(int linear) { }
        };

        void flushedAll();

        void flushedPage(int linear);
    }

    /** The MMU of {@code cpu}, reaching guest physical memory {@code mem}; both TLBs empty. */
    public Mmu(CpuState cpu, PhysicalMemory mem) {
        this.cpu = cpu;
        this.mem = mem;
        this.ram = mem.backing();
    }

    /** The physical memory behind this MMU (atomic operations work on its backing directly). */
    public PhysicalMemory memory() {
        return mem;
    }

    public void setFlushListener(FlushListener listener) {
        this.flushListener = listener;
    }

    public void flushAll() {
        supervisorTlb.flushAll();
        userTlb.flushAll();
        flushListener.flushedAll();
    }

    public void flushPage(int linear) {
        supervisorTlb.flushPage(linear);
        userTlb.flushPage(linear);
        flushListener.flushedPage(linear);
    }

    /**
     * The TLB flush of a CR3 load (SDM vol. 3, 4.10.4.1): with CR4.PGE every entry except those
     * filled from global translations, without it everything.
     */
    public void flushNonGlobal() {
        if ((cpu.cr4 & CpuState.CR4_PGE) == 0) {
            flushAll();
            return;
        }
        keepGlobal(supervisorTlb, 0);
        keepGlobal(userTlb, SoftTlb.SIZE);
        flushListener.flushedAll();      // the listener's caches have no notion of global pages
    }

    private void keepGlobal(SoftTlb tlb, int base) {
        for (int i = 0; i < SoftTlb.SIZE; i++) {
            int tag = tlb.readTag[i];
            boolean keep = tag != SoftTlb.TLB_INVALID && globalPages[base + i] == ((tag & SoftTlb.PAGE_MASK) | 1);
            if (!keep) {
                tlb.readTag[i] = SoftTlb.TLB_INVALID;
                tlb.writeTag[i] = SoftTlb.TLB_INVALID;
                tlb.execTag[i] = SoftTlb.TLB_INVALID;
            }
        }
    }

    /**
     * Flushes everything and forgets which slots held global pages: after the CPU's state was
     * replaced wholesale (a snapshot restore), when nothing cached may survive.
     */
    public void reset() {
        flushAll();
        java.util.Arrays.fill(globalPages, 0);
    }

    /**
     * Loads the four PAE PDPTEs from the 32-byte aligned table at {@code cr3} into the CPU
     * (SDM vol. 3, 4.4.1), as a CR3 write and paging enable do under PAE: a present entry with
     * a reserved bit set is #GP(0) and loads nothing.
     */
    public void loadPdptes(int cr3) {
        long base = (cr3 & 0xFFFF_FFE0L) & cpu.a20Mask;
        long[] e = new long[4];
        for (int i = 0; i < 4; i++) {
            e[i] = mem.readQword(base + 8L * i);
            if ((e[i] & PageWalker.PTE_P) != 0 && (e[i] & PageWalker.PDPTE_RESERVED) != 0) {
                throw CpuFault.withCode(CpuFault.GP, 0);
            }
        }
        System.arraycopy(e, 0, cpu.pdpte, 0, 4);
    }

    private SoftTlb tlb(boolean user) {
        return user ? userTlb : supervisorTlb;
    }

    // ---- reads ---------------------------------------------------------------------------

    public int readByte(int lin, boolean user) {
        SoftTlb t = tlb(user);
        int i = SoftTlb.index(lin);
        if (t.readTag[i] == (lin & PAGE_MASK)) {
            int v = ram.get(ValueLayout.JAVA_BYTE, t.addend[i] + (lin & 0xFFFF_FFFFL)) & 0xFF;
            VarHandle.acquireFence();                                       // [TSO-1]
            return v;
        }
        return (int) readSlow(lin, 1, user);
    }

    public int readWord(int lin, boolean user) {
        SoftTlb t = tlb(user);
        int i = SoftTlb.index(lin);
        if (t.readTag[i] == (lin & PAGE_MASK) && (lin & 0xFFF) <= 0xFFE) {
            int v = ram.get(U16, t.addend[i] + (lin & 0xFFFF_FFFFL)) & 0xFFFF;
            VarHandle.acquireFence();                                       // [TSO-1]
            return v;
        }
        return (int) readSlow(lin, 2, user);
    }

    public int readDword(int lin, boolean user) {
        SoftTlb t = tlb(user);
        int i = SoftTlb.index(lin);
        if (t.readTag[i] == (lin & PAGE_MASK) && (lin & 0xFFF) <= 0xFFC) {
            int v = ram.get(U32, t.addend[i] + (lin & 0xFFFF_FFFFL));
            VarHandle.acquireFence();                                       // [TSO-1]
            return v;
        }
        return (int) readSlow(lin, 4, user);
    }

    public long readQword(int lin, boolean user) {
        return (readDword(lin, user) & 0xFFFF_FFFFL) | ((long) readDword(lin + 4, user) << 32);
    }

    /** Instruction fetch: needs execute permission (NX) and fills the TLB's execute tag. */
    public int fetchByte(int lin, boolean user) {
        SoftTlb t = tlb(user);
        int i = SoftTlb.index(lin);
        if (t.execTag[i] == (lin & PAGE_MASK)) return ram.get(ValueLayout.JAVA_BYTE, t.addend[i] + (lin & 0xFFFF_FFFFL)) & 0xFF;
        int tag = t.execTag[i];
        if (tag == SoftTlb.TLB_INVALID || (tag & PAGE_MASK) != (lin & PAGE_MASK)) {
            fill(lin, ACCESS_EXEC, user);
            tag = t.execTag[i];
            if (tag == (lin & PAGE_MASK)) return ram.get(ValueLayout.JAVA_BYTE, t.addend[i] + (lin & 0xFFFF_FFFFL)) & 0xFF;
        }
        return mem.readByte(t.physPage[i] | (lin & 0xFFF));
    }

    /** Translates a linear address for an access of the given kind, filling the TLB; faults as the access would. */
    public long translate(int lin, int access, boolean user) {
        SoftTlb t = tlb(user);
        int i = SoftTlb.index(lin);
        int[] tags = access == ACCESS_WRITE ? t.writeTag : access == ACCESS_EXEC ? t.execTag : t.readTag;
        int tag = tags[i];
        if (tag == SoftTlb.TLB_INVALID || (tag & PAGE_MASK) != (lin & PAGE_MASK)) {
            fill(lin, access, user);
        }
        return t.physPage[i] | (lin & 0xFFF);
    }

    /**
     * For an atomic read-modify-write (LOCK, XCHG): translates {@code lin} for writing, faulting
     * as the write would, and returns the backing offset of the operand if it lies in RAM that
     * holds no translated code; -1 otherwise (MMIO, ROM, a code page, or a page-crossing
     * operand), where the caller must use ordinary reads and writes.
     */
    public long atomicHostOffset(int lin, int size, boolean user) {
        long pa = translate(lin, ACCESS_WRITE, user);
        if ((lin & 0xFFF) + size > 0x1000) {
            translate(lin + size - 1, ACCESS_WRITE, user);
            return -1;
        }
        if (!mem.isRamPage(pa) || mem.isCodePage(pa)) return -1;
        return mem.hostPageOffset(pa) + (pa & 0xFFF);
    }

    private long readSlow(int lin, int size, boolean user) {
        if ((lin & 0xFFF) + size > 0x1000) {
            // Page-crossing: translate both pages before reading anything, as the CPU faults
            // on either page before the access happens.
            translate(lin, ACCESS_READ, user);
            translate(lin + size - 1, ACCESS_READ, user);
            long v = 0;
            for (int k = 0; k < size; k++) v |= (long) readByte(lin + k, user) << (8 * k);
            return v;
        }
        long pa = translate(lin, ACCESS_READ, user);
        SoftTlb t = tlb(user);
        int i = SoftTlb.index(lin);
        if (t.readTag[i] == (lin & PAGE_MASK)) {
            long host = t.addend[i] + (lin & 0xFFFF_FFFFL);
            long v = switch (size) {
                case 1 -> ram.get(ValueLayout.JAVA_BYTE, host) & 0xFFL;
                case 2 -> ram.get(U16, host) & 0xFFFFL;
                default -> ram.get(U32, host) & 0xFFFF_FFFFL;
            };
            VarHandle.acquireFence();                                       // [TSO-1]
            return v;
        }
        return mem.read(pa, size);
    }

    // ---- writes --------------------------------------------------------------------------

    public void writeByte(int lin, int value, boolean user) {
        SoftTlb t = tlb(user);
        int i = SoftTlb.index(lin);
        if (t.writeTag[i] == (lin & PAGE_MASK)) {
            VarHandle.releaseFence();                                       // [TSO-1]
            ram.set(ValueLayout.JAVA_BYTE, t.addend[i] + (lin & 0xFFFF_FFFFL), (byte) value);
            return;
        }
        writeSlow(lin, 1, value, user);
    }

    public void writeWord(int lin, int value, boolean user) {
        SoftTlb t = tlb(user);
        int i = SoftTlb.index(lin);
        if (t.writeTag[i] == (lin & PAGE_MASK) && (lin & 0xFFF) <= 0xFFE) {
            VarHandle.releaseFence();                                       // [TSO-1]
            ram.set(U16, t.addend[i] + (lin & 0xFFFF_FFFFL), (short) value);
            return;
        }
        writeSlow(lin, 2, value, user);
    }

    public void writeDword(int lin, int value, boolean user) {
        SoftTlb t = tlb(user);
        int i = SoftTlb.index(lin);
        if (t.writeTag[i] == (lin & PAGE_MASK) && (lin & 0xFFF) <= 0xFFC) {
            VarHandle.releaseFence();                                       // [TSO-1]
            ram.set(U32, t.addend[i] + (lin & 0xFFFF_FFFFL), value);
            return;
        }
        writeSlow(lin, 4, value, user);
    }

    public void writeQword(int lin, long value, boolean user) {
        // Both halves are checked before either is written.
        translate(lin, ACCESS_WRITE, user);
        translate(lin + 7, ACCESS_WRITE, user);
        writeDword(lin, (int) value, user);
        writeDword(lin + 4, (int) (value >>> 32), user);
    }

    private void writeSlow(int lin, int size, int value, boolean user) {
        if ((lin & 0xFFF) + size > 0x1000) {
            translate(lin, ACCESS_WRITE, user);
            translate(lin + size - 1, ACCESS_WRITE, user);
            for (int k = 0; k < size; k++) writeByte(lin + k, value >>> (8 * k), user);
            return;
        }
        long pa = translate(lin, ACCESS_WRITE, user);
        SoftTlb t = tlb(user);
        int i = SoftTlb.index(lin);
        int tag = t.writeTag[i];
        if ((tag & SoftTlb.TLB_ROM) != 0) return;     // ROM: the write is dropped
        if ((tag & SoftTlb.TLB_NOTDIRTY) != 0) codeStore = true;
        // NOTDIRTY and MMIO both go through physical memory, which notifies the code tracker.
        mem.write(pa, size, value & 0xFFFF_FFFFL);
    }

    // ---- refill ---------------------------------------------------------------------------

    /** Fills the TLB entry for {@code lin}, or throws the #PF the access causes. */
    private void fill(int lin, int access, boolean user) {
        if (cpu.pagingEnabled()) {
            PageWalker.walk(this, lin, access, user, tlb(user));
        } else {
            long pa = (lin & 0xFFFF_FFFFL) & cpu.a20Mask;
            tlb(user).fill(lin, pa, true, true, true, mem);
        }
    }
}
