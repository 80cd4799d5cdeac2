package javelin.softmmu.tb;

import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;

/**
 * The inner run loop of one vCPU: look up (or follow a chained exit to) the next block, check
 * the exit request at its entry, run it. A fault thrown by a lookup, a translation or a block
 * is handed to {@link TbFrontEnd#deliverFault} inside the exec region, and the loop goes on
 * from the handler; anything it rethrows leaves the loop. The exec region is left on every way
 * out.
 *
 * <p>Invariants (tests: {@code TbChainingStressTest}, {@code ExclusiveSectionStressTest}):
 * [CH-3] Every block entry, chained or looked up, first tests the vCPU's exit request ([VC-2]);
 *        a chained successor is entered only if its INVALID bit is clear (a volatile read), so
 *        a chain that the winning invalidator has not unlinked yet still cannot run old code.
 * [EX-4] Between {@code execStart} and {@code execEnd} the loop is "running" for the exclusive
 *        protocol; it serves no work itself: the caller does, through
 *        {@link VcpuSet#processPendingWork}, when {@link #run} returns {@link Exit#EXIT_REQUEST}.
 */
public final class TbExecutor<C> {
    /** Why {@link #run} returned. */
    public enum Exit {
        /** The exit request was raised: serve work, interrupts, pause, then call run again. */
        EXIT_REQUEST,
        /** A block returned {@link TbCode#EXIT_LEAVE}. */
        LEAVE
    }

    private final TbCache<C> cache;
    private final TbFrontEnd<C> frontEnd;
    private final VcpuSet vcpus;

    public TbExecutor(TbCache<C> cache) {
        this.cache = cache;
        this.frontEnd = cache.frontEnd();
        this.vcpus = cache.vcpus();
    }

    /** Runs blocks on the calling thread, which must own {@code v}, until an exit. */
    public Exit run(Vcpu v, C cpu) {
        assert v.isOwnerThread() : "a vCPU runs only on its own thread";
        vcpus.exclusive().execStart(v);
        try {
            if (!frontEnd.enterRun(cpu)) return Exit.LEAVE;
            TranslationBlock last = null;
            int lastExit = TbCode.EXIT_NO_CHAIN;
            while (true) {
                if (v.exitRequested()) return Exit.EXIT_REQUEST;           // [CH-3]
                try {
                    TranslationBlock tb = null;
                    if (last != null && lastExit >= 0) {
                        TranslationBlock next = last.jumps.get(lastExit);
                        if (next != null && next != TranslationBlock.JUMPS_CLOSED && !next.isInvalid()) tb = next;
                    }
                    if (tb == null) {
                        tb = cache.lookup(v, cpu);
                        if (last != null && lastExit >= 0 && !last.isInvalid()) cache.tryChain(last, lastExit, tb);
                    }
                    lastExit = execute(tb, cpu);
                    if (lastExit == TbCode.EXIT_LEAVE) return Exit.LEAVE;
                    last = tb;
                } catch (RuntimeException fault) {
                    frontEnd.deliverFault(cpu, fault);       // [PG-3]: inside the exec region
                    last = null;
                    lastExit = TbCode.EXIT_NO_CHAIN;
                }
            }
        } finally {
            vcpus.exclusive().execEnd(v);
        }
    }

    /** Every block in the cache was made by the cache's own front end, so its code takes a {@code C}. */
    @SuppressWarnings("unchecked")
    private int execute(TranslationBlock tb, C cpu) {
        return ((TbCode<C>) tb.code()).execute(cpu, tb);
    }
}
