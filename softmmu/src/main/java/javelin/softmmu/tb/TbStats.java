package javelin.softmmu.tb;

/**
 * A snapshot of the engine's counters, for the machine's {@code -d stats} output.
 *
 * @param liveBlocks     blocks in the physical table now
 * @param translated     translations that produced a block (including those that lost a race)
 * @param raceLost       translations dropped because another thread linked the same key first
 * @param retranslated   translations discarded because a write overlapped the bytes they read
 * @param invalidated    blocks invalidated because their code was written
 * @param flushes        full code-cache flushes
 * @param flushedBlocks  blocks dropped by those flushes
 * @param codeWrites     writes that reached the invalidator (pages marked as holding code)
 * @param chained        exits patched to jump straight into their successor
 * @param jmpCacheHits   jump-cache lookups that hit, all vCPUs
 * @param jmpCacheMisses jump-cache lookups that missed, all vCPUs
 */
public record TbStats(long liveBlocks, long translated, long raceLost, long retranslated, long invalidated,
                      long flushes, long flushedBlocks, long codeWrites, long chained,
                      long jmpCacheHits, long jmpCacheMisses) {

    /** Hits over lookups, 0 before the first lookup. */
    public double jmpCacheHitRate() {
        long lookups = jmpCacheHits + jmpCacheMisses;
        return lookups == 0 ? 0 : (double) jmpCacheHits / lookups;
    }

    /** Lines in the style of QEMU's {@code info jit}, one counter per line. */
    public String format() {
        return String.format("""
                TB count             %d
                TBs translated       %d
                TB races lost        %d
                TB retranslations    %d
                TB invalidations     %d
                TB flushes           %d (%d TBs)
                code page writes     %d
                TB chains patched    %d
                jmp cache hit rate   %.1f%% (%d/%d)
                """, liveBlocks, translated, raceLost, retranslated, invalidated, flushes, flushedBlocks,
                codeWrites, chained, 100 * jmpCacheHitRate(), jmpCacheHits, jmpCacheHits + jmpCacheMisses);
    }
}
