package javelin.softmmu.tb;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javelin.softmmu.exec.Vcpu;

/**
 * One vCPU's jump cache: a direct-mapped array from a hash of the virtual PC to a block, read
 * with no lock on every TB lookup.
 *
 * <p>The index is {@code window(page) << WINDOW_BITS | slot(offset)}: every PC of one virtual
 * page falls in one window of {@value #WINDOW} slots, so flushing a page (INVLPG) clears one
 * window instead of the whole array.
 *
 * <p>Invariants (tests: {@code TbJmpCacheTest}, {@code TbJmpCacheStressTest}):
 * [JC-1] Only the owning vCPU thread stores a non-null entry ({@link #install}), and only
 *        the owner clears windows or the whole cache outside an exclusive section.
 * [JC-2] Other threads clear with {@code compareAndSet(i, tb, null)}, never a plain store and
 *        never read-then-store: between their read and their store the owner may install a
 *        different block in that slot, which a plain store would erase. (QEMU reads then
 *        stores and treats a lost entry as a miss; our brief wants the entry kept.)
 * [JC-3] A hit needs pc, csBase and the full flags word equal, read after the entry; no lookup
 *        asks for {@link TranslationBlock#FLAG_INVALID}, so a stale entry is harmless.
 */
final class TbJmpCache {
    static final int WINDOW_BITS = 6;
    static final int WINDOW = 1 << WINDOW_BITS;
    static final int PAGE_BITS = 6;
    static final int SIZE = WINDOW << PAGE_BITS;
    private static final int GUEST_PAGE_SHIFT = 12;

    private final Vcpu owner;
    /** [JC-1], [JC-2]. Package-private so the interleaving test can replay the forbidden plain store. */
    final AtomicReferenceArray<TranslationBlock> slots = new AtomicReferenceArray<>(SIZE);
    /** Counters written by the owner only (opaque, so readers see whole values). */
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    TbJmpCache(Vcpu owner) {
        this.owner = owner;
    }

    static int index(long pc) {
        long page = pc >>> GUEST_PAGE_SHIFT;
        int window = (int) ((page ^ (page >>> PAGE_BITS)) & ((1 << PAGE_BITS) - 1));
        int offset = (int) (pc & ((1 << GUEST_PAGE_SHIFT) - 1));
        int slot = (offset ^ (offset >>> WINDOW_BITS)) & (WINDOW - 1);
        return window << WINDOW_BITS | slot;
    }

    /** [JC-3] The block for this key, or null; counts hits and misses. */
    TranslationBlock lookup(long pc, long csBase, long flags) {
        TranslationBlock tb = slots.get(index(pc));
        if (tb != null && tb.matches(pc, csBase, flags)) {
            hits.setOpaque(hits.getPlain() + 1);
            return tb;
        }
        misses.setOpaque(misses.getPlain() + 1);
        return null;
    }

    /** [JC-1] Owner only. */
    void install(TranslationBlock tb) {
        assert owner.isOwnerThread() : "jump cache of " + owner + " installed from another thread";
        slots.set(index(tb.pc), tb);
    }

    /** [JC-2] Any thread: removes {@code tb} if, and only if, its slot still holds it. */
    boolean clearIfHolds(TranslationBlock tb) {
        return slots.compareAndSet(index(tb.pc), tb, null);
    }

    /** [JC-1] Owner only (or exclusive): clears the window of the virtual page holding {@code vaddr}. */
    void flushPage(long vaddr) {
        int base = index(vaddr & ~((1L << GUEST_PAGE_SHIFT) - 1)) & ~(WINDOW - 1);
        for (int i = base; i < base + WINDOW; i++) slots.set(i, null);
    }

    /** [JC-1] Owner only, or any thread inside an exclusive section. */
    void flushAll() {
        for (int i = 0; i < SIZE; i++) slots.set(i, null);
    }

    long hits() {
        return hits.getOpaque();
    }

    long misses() {
        return misses.getOpaque();
    }
}
