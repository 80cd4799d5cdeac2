package javelin.softmmu.tb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.PhysicalMemory;

/**
 * A block of guest code from one start address up to a branch, a page end, a mode change or a
 * maximum length, with the code the front end made of it. It covers at most two physical pages.
 *
 * <p>Invariants (tests: {@code TbInvalidatorStressTest}, {@code TbChainingStressTest}):
 * [TB-1] {@code flags} holds the key's flags word; {@link #FLAG_INVALID} is set once, under
 *        {@link #lock}, and never cleared. No lookup asks for it, so once set no lookup matches.
 * [TB-2] {@code jumps[n]} (outgoing exit n) goes null -> successor only by compare-and-swap by
 *        a linker holding the <em>successor's</em> lock; successor -> null by compare-and-swap by
 *        the successor's invalidator; anything -> {@link #JUMPS_CLOSED} by this block's own
 *        invalidator (step 5), after which nothing links from it.
 * [TB-3] {@code incoming} (the exits chained into this block) is read and written only under
 *        {@link #lock}; after invalidation it is emptied and stays empty.
 * [TB-4] {@code code} may be swapped for an equivalent one (the bytecode tier) by
 *        {@link #replaceCode}, under {@link #lock} and only while the block is valid: a
 *        compile that finishes after its code was written is thrown away (DESIGN.md, "Tiers").
 *        Readers see either the old or the new code, both correct for the block's bytes.
 */
public final class TranslationBlock {
    /** The bit of the flags word that no CPU ever requests (DESIGN.md). */
    public static final long FLAG_INVALID = 1L << 63;
    /** {@link #physPage2} of a block inside one page. */
    public static final long NO_PAGE = -1;
    /** Outgoing exits a block may chain. */
    static final int JUMP_SLOTS = 2;
    /** Placed in the exit slots of an invalidated block so no linker can claim them ([TB-2]). */
    static final TranslationBlock JUMPS_CLOSED =
            new TranslationBlock(-1, -1, FLAG_INVALID, -1, NO_PAGE, 0, (cpu, tb) -> TbCode.EXIT_LEAVE);

    /** An exit of {@code from} chained into this block. */
    record IncomingJump(TranslationBlock from, int slot) { }

    final long pc;
    final long csBase;
    /** [TB-1] */
    private volatile long flags;
    final long physPc;
    final long physPage2;
    final int size;
    /** [TB-4] */
    private volatile TbCode<?> code;
    /** Guards the INVALID bit and {@link #incoming}; also held by linkers chaining into this block. */
    final ReentrantLock lock = new ReentrantLock();
    /** [TB-2] */
    final AtomicReferenceArray<TranslationBlock> jumps = new AtomicReferenceArray<>(JUMP_SLOTS);
    /** [TB-3] guarded by {@link #lock}. */
    private final List<IncomingJump> incoming = new ArrayList<>(2);

    TranslationBlock(long pc, long csBase, long flags, long physPc, long physPage2, int size, TbCode<?> code) {
        this.pc = pc;
        this.csBase = csBase;
        this.flags = flags;
        this.physPc = physPc;
        this.physPage2 = physPage2;
        this.size = size;
        this.code = code;
    }

    public long pc() {
        return pc;
    }

    public long csBase() {
        return csBase;
    }

    /** The full flags word, including {@link #FLAG_INVALID} once set. */
    public long flags() {
        return flags;
    }

    public long physPc() {
        return physPc;
    }

    /** Physical address of the second page, or {@link #NO_PAGE}. */
    public long physPage2() {
        return physPage2;
    }

    public int size() {
        return size;
    }

    public TbCode<?> code() {
        return code;
    }

    /** [TB-4] Installs {@code compiled} in place of the current code; false if the block is invalid. */
    public boolean replaceCode(TbCode<?> compiled) {
        lock.lock();
        try {
            if (isInvalid()) return false;
            code = compiled;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * [TB-2] The block exit {@code slot} is chained to now, or null: a snapshot that may be stale
     * by the time the caller looks at it, so a caller that follows it must check the successor's
     * INVALID bit at the moment it enters it, as the run loop does ([CH-3]). The bytecode tier
     * reads it to find the blocks a hot loop runs through.
     */
    public TranslationBlock jump(int slot) {
        TranslationBlock next = jumps.get(slot);
        return next == JUMPS_CLOSED ? null : next;
    }

    /** [TB-1] The volatile read that precise self-modifying code and chained entries rely on. */
    public boolean isInvalid() {
        return (flags & FLAG_INVALID) != 0;
    }

    /** [TB-1] A lookup hit: the full flags word must be equal, so an invalid block never matches. */
    boolean matches(long pc, long csBase, long flags) {
        return this.pc == pc && this.csBase == csBase && this.flags == flags;
    }

    TbKey key() {
        return new TbKey(physPc, pc, csBase, flags & ~FLAG_INVALID);
    }

    long physPage1() {
        return physPc & PhysicalMemory.PAGE_MASK;
    }

    /** Bytes of this block on physical page {@code page}, as {@code [from, to)} page offsets, or null. */
    int[] rangeOn(long page) {
        long end = physPc + size;
        long page1End = physPage1() + PhysicalMemory.PAGE_SIZE;
        if (page == physPage1()) return new int[] {(int) (physPc - page), (int) (Math.min(end, page1End) - page)};
        if (page == physPage2 && end > page1End) return new int[] {0, (int) (end - page1End)};
        return null;
    }

    /** [TB-1] Step 1 of invalidation; returns false if the bit was already set. */
    boolean setInvalidLocked() {
        assert lock.isHeldByCurrentThread();
        long f = flags;
        if ((f & FLAG_INVALID) != 0) return false;
        flags = f | FLAG_INVALID;
        return true;
    }

    /** [TB-3] Records that exit {@code slot} of {@code from} now jumps here. */
    void addIncomingLocked(TranslationBlock from, int slot) {
        assert lock.isHeldByCurrentThread();
        incoming.add(new IncomingJump(from, slot));
    }

    void removeIncomingLocked(TranslationBlock from, int slot) {
        assert lock.isHeldByCurrentThread();
        incoming.remove(new IncomingJump(from, slot));
    }

    /** [TB-3] Takes every incoming jump out of the list (step 5 of invalidation). */
    List<IncomingJump> drainIncomingLocked() {
        assert lock.isHeldByCurrentThread();
        List<IncomingJump> all = List.copyOf(incoming);
        incoming.clear();
        return all;
    }

    boolean hasIncomingLocked(TranslationBlock from, int slot) {
        assert lock.isHeldByCurrentThread();
        return incoming.contains(new IncomingJump(from, slot));
    }

    int incomingCountLocked() {
        assert lock.isHeldByCurrentThread();
        return incoming.size();
    }

    @Override
    public String toString() {
        return String.format("TB[pc=%#x cs=%#x flags=%#x phys=%#x size=%d%s]", pc, csBase, flags & ~FLAG_INVALID,
                physPc, size, isInvalid() ? " invalid" : "");
    }
}
