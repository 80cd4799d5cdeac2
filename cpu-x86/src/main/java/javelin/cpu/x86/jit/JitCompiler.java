package javelin.cpu.x86.jit;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;
import java.util.List;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.HotForm;
import javelin.cpu.x86.interp.CompiledBlock;
import javelin.softmmu.tb.TranslationBlock;

/**
 * The bytecode tier's compiler: blocks that ran {@link #threshold} times are queued here by the
 * vCPU threads and compiled on one background thread ({@link BlockTranslator}), then installed
 * in their block. Cold blocks are never compiled.
 *
 * <p>Bounds: the queue holds {@link #QUEUE} requests (a request that does not fit is dropped;
 * its block asks again after another threshold of runs), and at most {@link #BUDGET} classes are
 * defined over the compiler's life between resets of the budget by a code-cache flush
 * ({@link #resetBudget}), so a guest that keeps rewriting hot code cannot make classes without
 * end. An installed block's class is unloaded with its block.
 *
 * <p>[JIT-1] A compile whose block was invalidated meanwhile (its page was written) is thrown
 * away: the translator read only the block's decoded instructions, which are immutable, and the
 * INVALID bit is checked after the class is made, before it is installed; an invalidation
 * after that leaves an unreachable block, whose compiled code no lookup or chain can enter.
 */
public final class JitCompiler implements AutoCloseable {
    /** Queued compile requests at most. */
    static final int QUEUE = 1024;
    /** Classes defined at most between two resets. */
    static final int BUDGET = 200_000;

    /** What a block must provide to be compiled and to receive its code. */
    public interface Target {
        /** How a block ends, which decides its chainable exits (the engine's numbering). */
        int ENDS_FALLTHROUGH = 0, ENDS_BRANCH = 1, ENDS_JUMP = 2, ENDS_OTHER = 3;

        DecodedInsn[] instructions();

        /** EIP of the first instruction. */
        int startEip();

        /** EIP after the last instruction. */
        int fallEip();

        /**
         * {@link #ENDS_FALLTHROUGH}: exit 0 continues at {@link #fallEip}; {@link #ENDS_BRANCH}:
         * a Jcc-like last instruction, exit 0 taken and exit 1 not taken; {@link #ENDS_JUMP}: a
         * direct JMP or CALL, exit 0; {@link #ENDS_OTHER}: no chainable exit.
         */
        int ends();

        /** Not a one-instruction block (TF, interrupt shadow), whose extra duties stay with the interpreter path. */
        boolean compilable();

        /**
         * [TB-4] Installs {@code code}, compiled for the region whose members are {@code members}
         * (this block first), as {@code tb}'s code; false if {@code tb} was invalidated ([JIT-1]).
         */
        boolean install(TranslationBlock tb, CompiledBlock code, List<Target> members);

        /** Chainable exits: slots 0 and 1 for a branch, slot 0 for a fall-through or a direct jump. */
        default int exits() {
            return switch (ends()) {
                case ENDS_FALLTHROUGH, ENDS_JUMP -> 1;
                case ENDS_BRANCH -> 2;
                default -> 0;
            };
        }

        /** The last instruction jumps (or branches, when taken) back to the first. */
        default boolean loopsToItself() {
            DecodedInsn[] insns = instructions();
            DecodedInsn last = insns[insns.length - 1];
            return (ends() == ENDS_BRANCH || ends() == ENDS_JUMP)
                    && (last.form == HotForm.JCC_REL || last.form == HotForm.JMP_REL)
                    && BlockTranslator.target(last, fallEip()) == startEip();
        }
    }

    private record Request(Target target, TranslationBlock tb) { }

    private final int threshold;
    private final BlockingQueue<Request> queue = new ArrayBlockingQueue<>(QUEUE);
    /** Null when {@link #synchronous}. */
    private final Thread thread;
    private final boolean synchronous;
    private final AtomicLong compiled = new AtomicLong(), discarded = new AtomicLong(), failed = new AtomicLong(),
            nanos = new AtomicLong(), regionBlocks = new AtomicLong();
    /** Blocks a compiled region may hold (1: each block alone). */
    private final int regionMembers;
    private volatile int budget = BUDGET;

    /**
     * Runs of a block before it is compiled, by default. The JVM's own compiler takes tens of
     * milliseconds to compile a block's class on its 2-core target, so only blocks run this
     * often repay it (docs/performance.md, "The bytecode tier").
     */
    public static final int DEFAULT_THRESHOLD = 20_000;

    /**
     * The compiler the system properties ask for: {@code javelin.jit} ({@code on}, the default,
     * or {@code off}) and {@code javelin.jit.threshold} (runs before a block is compiled); null
     * for off.
     */
    public static JitCompiler fromSystemProperties() {
        if ("off".equals(System.getProperty("javelin.jit", "on"))) return null;
        return new JitCompiler(Integer.getInteger("javelin.jit.threshold", DEFAULT_THRESHOLD),
                Integer.getInteger("javelin.jit.region", Region.MAX_MEMBERS));
    }

    /**
     * @param threshold runs of a block on the interpreter before it is queued; 0 compiles every
     *                  block on the vCPU's own thread before its first run
     */
    public JitCompiler(int threshold) {
        this(threshold, Region.MAX_MEMBERS);
    }

    /** @param regionMembers blocks one compiled region may hold (1 compiles every block alone) */
    public JitCompiler(int threshold, int regionMembers) {
        this(threshold, regionMembers, false);
    }

    /**
     * @param synchronous compile on the vCPU's thread when a block reaches the threshold, instead
     *                    of on the compiler thread: which blocks run compiled from when is then
     *                    the same on every run, as the tests need
     */
    public JitCompiler(int threshold, int regionMembers, boolean synchronous) {
        if (threshold < 0) throw new IllegalArgumentException("JIT threshold " + threshold + " is negative");
        if (regionMembers < 1 || regionMembers > Region.MAX_MEMBERS) {
            throw new IllegalArgumentException("JIT region size " + regionMembers + " is not 1.." + Region.MAX_MEMBERS);
        }
        this.threshold = threshold;
        this.regionMembers = regionMembers;
        this.synchronous = synchronous || threshold == 0;
        this.thread = this.synchronous ? null : Thread.ofPlatform().daemon().name("jit-compiler").start(this::loop);
    }

    public int threshold() {
        return threshold;
    }

    /**
     * Queues {@code target} (or, synchronous, compiles it now); false if the queue is full or
     * the budget is spent. Any vCPU thread.
     */
    public boolean submit(Target target, TranslationBlock tb) {
        if (budget <= 0) return false;
        if (synchronous) {
            compile(new Request(target, tb));
            return true;
        }
        return queue.offer(new Request(target, tb));
    }

    /** A code-cache flush dropped every block, and with them every compiled class. */
    public void resetBudget() {
        budget = BUDGET;
    }

    private void loop() {
        try {
            while (true) compile(queue.take());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void compile(Request r) {
        if (r.tb().isInvalid()) {
            discarded.incrementAndGet();
            return;
        }
        long start = System.nanoTime();
        try {
            Target t = r.target();
            Region region = Region.discover(t, r.tb(), regionMembers);
            byte[] bytes = BlockTranslator.translate(region);
            List<Target> members = new ArrayList<>();
            for (Region.Member m : region.members()) members.add(m.block());
            CompiledBlock code = CompiledBlock.define(bytes, BlockTranslator.instructionsOf(region),
                    BlockTranslator.blocksOf(region));
            budget--;
            if (!t.install(r.tb(), code, members)) {        // [JIT-1]
                discarded.incrementAndGet();
                return;
            }
            compiled.incrementAndGet();
            regionBlocks.addAndGet(members.size());
        } catch (RuntimeException e) {
            // A translator bug must not take the guest down: the block stays on the interpreter.
            if (failed.getAndIncrement() == 0) {
                System.getLogger(JitCompiler.class.getName()).log(System.Logger.Level.WARNING,
                        "a block could not be compiled (logged once); it stays on the interpreter", e);
            }
        } finally {
            nanos.addAndGet(System.nanoTime() - start);
        }
    }

    /** Blocks compiled and installed, compiles thrown away ([JIT-1]), failures, and compile time. */
    public record Stats(long compiled, long regionBlocks, long discarded, long failed, long compileNanos, int queued) {
        /** The {@code -d stats} lines, with the share of {@code retired} instructions that ran compiled. */
        public String format(long retiredCompiled, long retired) {
            return String.format("JIT regions compiled %d (%d blocks; %d thrown away, %d failed, %d queued)%n"
                    + "JIT compile time     %.1f ms%n"
                    + "JIT retired share    %.1f%% (%d/%d)%n", compiled, regionBlocks, discarded, failed, queued,
                    compileNanos / 1e6, retired == 0 ? 0.0 : 100.0 * retiredCompiled / retired, retiredCompiled, retired);
        }
    }

    public Stats stats() {
        return new Stats(compiled.get(), regionBlocks.get(), discarded.get(), failed.get(), nanos.get(), queue.size());
    }

    @Override
    public void close() {
        if (thread != null) thread.interrupt();
    }
}
