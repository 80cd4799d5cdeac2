package javelin.softmmu.tb;

import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import javelin.softmmu.PhysicalMemory;

/**
 * Invalidation of blocks whose code was modified: a guest store through the slow path or a DMA
 * write. Installed as the
 * {@link PhysicalMemory.CodeWriteListener}, so it runs on the writing thread before the write
 * returns.
 *
 * <p>Invariants (test: {@code TbInvalidatorStressTest}):
 * [INV-1] The five steps run in the brief's order: (1) INVALID bit under the block's lock;
 *         (2) removal from the physical table, the single winner point ([PT-2]): a loser stops;
 *         (3) removal from the page lists, then a full fence; (4) compare-and-swap of every
 *         vCPU's jump-cache slot from this block to null ([JC-2]); (5) exit slots closed and
 *         unlinked, then every jump into the block unlinked.
 * [INV-2] A write returns only after every block overlapping it has its INVALID bit set (by
 *         this thread or by the winner that beat it at step 2, which set it at step 1 first),
 *         so no lookup and no chained entry ([CH-3]) can run the old code afterwards.
 * [INV-3] Each invalidated block is counted once, by its winner.
 * Lock order: one block lock at a time; page locks only inside {@link PageCodeMap}.
 */
final class TbInvalidator implements PhysicalMemory.CodeWriteListener {
    private final PageCodeMap pages;
    private final TbPhysTable phys;
    private final List<TbJmpCache> jmpCaches;
    final LongAdder invalidated = new LongAdder();
    final LongAdder codeWrites = new LongAdder();

    TbInvalidator(PageCodeMap pages, TbPhysTable phys, List<TbJmpCache> jmpCaches) {
        this.pages = pages;
        this.phys = phys;
        this.jmpCaches = List.copyOf(jmpCaches);
    }

    /** [INV-2] Called by {@link PhysicalMemory} after a write to a page marked as holding code. */
    @Override
    public void codeWritten(long physAddr, int length) {
        codeWrites.increment();
        long end = physAddr + length;
        for (long page = physAddr & PhysicalMemory.PAGE_MASK; page < end; page += PhysicalMemory.PAGE_SIZE) {
            int from = (int) (Math.max(physAddr, page) - page);
            int to = (int) (Math.min(end, page + PhysicalMemory.PAGE_SIZE) - page);
            for (TranslationBlock tb : pages.recordWrite(page, from, to)) invalidate(tb);
        }
    }

    /** [INV-1] Returns true if this thread was the winner that completed the invalidation. */
    boolean invalidate(TranslationBlock tb) {
        tb.lock.lock();                                         // step 1
        try {
            tb.setInvalidLocked();
        } finally {
            tb.lock.unlock();
        }
        if (!phys.remove(tb)) return false;                     // step 2: a loser stops here
        pages.removeBlock(tb);                                  // step 3
        VarHandle.fullFence();
        for (TbJmpCache jc : jmpCaches) jc.clearIfHolds(tb);    // step 4
        unlinkJumps(tb);                                        // step 5
        invalidated.increment();
        return true;
    }

    /** Step 5: no new links from {@code tb}, its own links undone, then links into it undone. */
    static void unlinkJumps(TranslationBlock tb) {
        for (int slot = 0; slot < TranslationBlock.JUMP_SLOTS; slot++) {
            TranslationBlock to = tb.jumps.getAndSet(slot, TranslationBlock.JUMPS_CLOSED);
            if (to != null && to != TranslationBlock.JUMPS_CLOSED) {
                to.lock.lock();
                try {
                    to.removeIncomingLocked(tb, slot);
                } finally {
                    to.lock.unlock();
                }
            }
        }
        List<TranslationBlock.IncomingJump> incoming;
        tb.lock.lock();
        try {
            incoming = tb.drainIncomingLocked();
        } finally {
            tb.lock.unlock();
        }
        // A source being invalidated meanwhile has closed its slot; the CAS then fails, harmlessly.
        for (TranslationBlock.IncomingJump in : incoming) in.from().jumps.compareAndSet(in.slot(), tb, null);
    }
}
