package javelin.softmmu.tb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.PhysicalMemory;

/**
 * Per physical page: the blocks whose code lies on it, whether the page is marked "holds code",
 * and a short log of the writes that hit it, so a translation that read the page while it was
 * being written can tell and start again.
 *
 * <p>Invariants (tests: {@code PageCodeMapTest}, {@code SelfModifyingCodeStressTest}):
 * [PG-1] A page's block list, mark, translation count and write log change only under that
 *        page's lock. A thread holding several page locks took them in ascending page order
 *        (the only place is {@link #link}; {@link #removeBlock} takes them the same way).
 * [PG-2] The first translation on a page marks it in {@link PhysicalMemory} before any code
 *        byte of it is read, and has every vCPU's TLB write entries for it marked NOTDIRTY
 *        (its own at once, the others' through run-on-cpu). The mark is cleared when the last
 *        block is gone and no translation of the page is in progress.
 * [PG-3] Before reading a newly marked page, the translator waits until every other vCPU has
 *        either marked its TLB or is outside its exec region (it then serves the marking before
 *        its next block). So no vCPU can store into the page through the fast path, unseen,
 *        after the translator's read: a store before the marking happens-before the read, a
 *        store after it takes the slow path and is logged ([PG-4]). While waiting, the
 *        translator serves marking requests addressed to itself, so two translators never
 *        wait for each other; a second translator of a page still being protected waits too.
 *        This relies on the front-end contract that a vCPU thread touches guest memory only
 *        inside its exec region ({@link TbFrontEnd}).
 * [PG-4] A translation records each page's write generation before reading it; at link time,
 *        under the page locks, a logged write since then that overlaps the bytes it read (or a
 *        log overrun) discards the translation. Otherwise the block is inserted in the
 *        physical table and the page lists in one critical section, so every later write to
 *        those bytes finds it.
 */
final class PageCodeMap {
    /** Writes remembered per page; a translation that missed more than this starts again. */
    static final int WRITE_LOG = 8;

    /** One physical page. Every field is guarded by {@link #lock}. */
    static final class Page {
        final long page;
        final ReentrantLock lock = new ReentrantLock();
        final List<TranslationBlock> blocks = new ArrayList<>();
        boolean marked;
        /** Every vCPU's TLB has been protected since the page was last marked ([PG-3]). */
        boolean protectedAll;
        int translating;
        long writeGen;
        final int[] logFrom = new int[WRITE_LOG];
        final int[] logTo = new int[WRITE_LOG];
        /** Set by a flush: this entry is gone from the map and must not be used. */
        boolean removed;

        Page(long page) {
            this.page = page;
        }
    }

    /** A page made ready for a translation to read it. */
    record Prepared(Page page, long gen, boolean newlyMarked) { }

    /** Marks a page in every vCPU's TLBs and waits for it ([PG-2], [PG-3]); called without page locks. */
    @FunctionalInterface
    interface Protector {
        void protect(long page);
    }

    private final PhysicalMemory mem;
    private final ConcurrentHashMap<Long, Page> pages = new ConcurrentHashMap<>();
    private Protector protector = page -> { };

    PageCodeMap(PhysicalMemory mem) {
        this.mem = mem;
    }

    void setProtector(Protector protector) {
        this.protector = protector;
    }

    /**
     * [PG-2], [PG-3], [PG-4] Registers a translation about to read {@code page}; returns when
     * the page is marked and protected in every vCPU's TLB.
     */
    Prepared prepare(long page) {
        while (true) {
            Page p = pages.computeIfAbsent(page, Page::new);
            boolean newlyMarked;
            boolean protect;
            long gen;
            p.lock.lock();
            try {
                if (p.removed) continue;
                p.translating++;
                newlyMarked = !p.marked;
                if (newlyMarked) {
                    p.marked = true;
                    p.protectedAll = false;
                    mem.setCodePage(page, true);
                }
                protect = !p.protectedAll;
                gen = p.writeGen;
            } finally {
                p.lock.unlock();
            }
            if (protect) {
                // Also when another translator marked the page and is still waiting for the
                // vCPUs: we may not read it before they are done either, so we ask and wait too.
                protector.protect(page);
                p.lock.lock();
                try {
                    p.protectedAll = true;      // still marked: our translation count keeps it so
                } finally {
                    p.lock.unlock();
                }
            }
            return new Prepared(p, gen, newlyMarked);
        }
    }

    /** A translation registered with {@link #prepare} ended without linking (a fault while decoding). */
    void abandon(Prepared prepared) {
        Page p = prepared.page();
        p.lock.lock();
        try {
            p.translating--;
            unmarkIfUnusedLocked(p);
        } finally {
            p.lock.unlock();
        }
    }

    /**
     * [PG-1], [PG-4], [PT-1] Links {@code tb}, translated from the prepared pages: returns
     * {@code tb}, or the block another thread linked first under the same key, or null if a
     * write raced with the translation (the caller translates again).
     */
    TranslationBlock link(TranslationBlock tb, Prepared first, Prepared second, TbPhysTable phys) {
        Prepared low = first;
        Prepared high = second;
        if (second != null && second.page().page < first.page().page) {
            low = second;
            high = first;
        }
        low.page().lock.lock();
        if (high != null) high.page().lock.lock();
        try {
            boolean raced = writtenSinceLocked(first, tb) || (second != null && writtenSinceLocked(second, tb));
            first.page().translating--;
            if (second != null) second.page().translating--;
            if (raced) return null;
            TranslationBlock winner;
            while ((winner = phys.insertOrGetWinner(tb)) != null && winner.isInvalid()) {
                // The winner's invalidator is between steps 1 and 2 and holds no lock: it is about
                // to remove it.
                Thread.onSpinWait();
            }
            if (winner != null) return winner;
            first.page().blocks.add(tb);
            if (second != null) second.page().blocks.add(tb);
            return tb;
        } finally {
            unmarkIfUnusedLocked(first.page());
            if (second != null) unmarkIfUnusedLocked(second.page());
            if (high != null) high.page().lock.unlock();
            low.page().lock.unlock();
        }
    }

    private static boolean writtenSinceLocked(Prepared prepared, TranslationBlock tb) {
        Page p = prepared.page();
        assert p.lock.isHeldByCurrentThread();
        if (p.removed) return true;
        long missed = p.writeGen - prepared.gen();
        if (missed == 0) return false;
        if (missed > WRITE_LOG) return true;
        int[] range = tb.rangeOn(p.page);
        if (range == null) return false;
        for (long g = prepared.gen() + 1; g <= p.writeGen; g++) {
            int k = (int) (g % WRITE_LOG);
            if (p.logFrom[k] < range[1] && range[0] < p.logTo[k]) return true;
        }
        return false;
    }

    /**
     * Logs a write of page offsets {@code [from, to)} and returns the blocks it overlaps (the
     * caller invalidates them). Empty if the page holds no code.
     */
    List<TranslationBlock> recordWrite(long page, int from, int to) {
        Page p = pages.get(page);
        if (p == null) return List.of();
        List<TranslationBlock> hit = new ArrayList<>();
        p.lock.lock();
        try {
            long gen = ++p.writeGen;
            int k = (int) (gen % WRITE_LOG);
            p.logFrom[k] = from;
            p.logTo[k] = to;
            for (TranslationBlock tb : p.blocks) {
                int[] range = tb.rangeOn(page);
                if (range != null && range[0] < to && from < range[1]) hit.add(tb);
            }
        } finally {
            p.lock.unlock();
        }
        return hit;
    }

    /** Step 3 of invalidation: takes {@code tb} off its pages' lists, locking them in ascending order. */
    void removeBlock(TranslationBlock tb) {
        long a = tb.physPage1();
        long b = tb.physPage2;
        if (b == TranslationBlock.NO_PAGE) {
            removeFrom(a, tb);
        } else {
            removeFrom(Math.min(a, b), tb);
            removeFrom(Math.max(a, b), tb);
        }
    }

    private void removeFrom(long page, TranslationBlock tb) {
        Page p = pages.get(page);
        if (p == null) return;
        p.lock.lock();
        try {
            p.blocks.remove(tb);
            unmarkIfUnusedLocked(p);
        } finally {
            p.lock.unlock();
        }
    }

    private void unmarkIfUnusedLocked(Page p) {
        if (p.marked && p.blocks.isEmpty() && p.translating == 0) {
            p.marked = false;
            p.protectedAll = false;
            mem.setCodePage(p.page, false);
        }
    }

    /** Exclusive only: forgets every page and unmarks it. Returns the number of pages dropped. */
    int clearExclusive() {
        int n = 0;
        for (Page p : pages.values()) {
            p.lock.lock();
            try {
                assert p.translating == 0 : "translation in progress during an exclusive flush";
                p.removed = true;
                p.blocks.clear();
                if (p.marked) mem.setCodePage(p.page, false);
                p.marked = false;
                n++;
            } finally {
                p.lock.unlock();
            }
        }
        pages.clear();
        return n;
    }

    /** Distinct blocks on all page lists (a two-page block counted once), for accounting checks. */
    int blockCount() {
        int n = 0;
        for (Page p : pages.values()) {
            p.lock.lock();
            try {
                for (TranslationBlock tb : p.blocks) if (tb.physPage1() == p.page) n++;
            } finally {
                p.lock.unlock();
            }
        }
        return n;
    }

    boolean isMarked(long page) {
        Page p = pages.get(page);
        if (p == null) return false;
        p.lock.lock();
        try {
            return p.marked;
        } finally {
            p.lock.unlock();
        }
    }
}
