package javelin.softmmu.tb;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one global table of live blocks, keyed by (physical PC, virtual PC, csBase, flags)
 * (QEMU's {@code tb_phys_hash}).
 *
 * <p>Invariants (test: {@code TbPhysTableStressTest}):
 * [PT-1] The first insert of a key wins; {@link #insertOrGetWinner} returns the block already
 *        present and the loser must use it and drop its own (it was never on a page list).
 * [PT-2] {@link #remove} is the single winner point of invalidation: of all threads removing
 *        one block, exactly one gets {@code true} and only that one runs steps 3 to 5.
 */
final class TbPhysTable {
    private final ConcurrentHashMap<TbKey, TranslationBlock> table = new ConcurrentHashMap<>();

    TranslationBlock get(long physPc, long pc, long csBase, long flags) {
        return table.get(new TbKey(physPc, pc, csBase, flags));
    }

    /** [PT-1] Null if {@code tb} went in, else the block that was there first. */
    TranslationBlock insertOrGetWinner(TranslationBlock tb) {
        return table.putIfAbsent(tb.key(), tb);
    }

    /** [PT-2] */
    boolean remove(TranslationBlock tb) {
        return table.remove(tb.key(), tb);
    }

    int size() {
        return table.size();
    }

    Collection<TranslationBlock> blocks() {
        return table.values();
    }

    /** Exclusive only (the flush). */
    void clear() {
        table.clear();
    }
}
