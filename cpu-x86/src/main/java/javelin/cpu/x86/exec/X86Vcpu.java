package javelin.cpu.x86.exec;

import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.interp.ExclusiveStepRequest;
import javelin.cpu.x86.interp.Interpreter;
import javelin.cpu.x86.mmu.Mmu;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;
import javelin.softmmu.tb.TbCache;
import javelin.softmmu.tb.TbExecutor;

/**
 * One x86 vCPU on the engine, the owner of everything one processor is made of: its
 * architectural state ({@link CpuState}), what it is plugged into ({@link CpuSocket}), its MMU
 * and TLBs ({@link Mmu}), the {@link Interpreter} that runs its blocks, and its run loop. The
 * state refers to none of the others; operations that touch the state and a cache together
 * (reset, INIT, restore) are here.
 *
 * <p>Invariants:
 * [XV-1] Every TLB flush of this CPU flushes its jump cache too (the whole cache, or the
 *        window of the flushed page), on the owner thread; a flush seen on another thread (a
 *        TLB must not be touched from there, [TLB-1]) is queued to the owner.
 * [XV-2] A LOCKed operation that cannot be one compare-and-swap leaves the run loop and runs
 *        alone inside {@link VcpuSet#runExclusive} ([LOCK-3]).
 * [XV-3] {@link #run} returns after about {@link #DEFAULT_SLICE} instructions (checked at
 *        block ends, so within one block of it), so a single-threaded machine can run its
 *        timers between slices; a multi-threaded one may pass {@link Long#MAX_VALUE}.
 */
public final class X86Vcpu {
    /** Instructions per {@link #run} by default: ~0.1 ms of guest time at 100 MIPS. */
    public static final long DEFAULT_SLICE = 10_000;

    private final Vcpu vcpu;
    // Read by the front end and the blocks (this package) at every block entry and exit.
    final CpuState cpu;
    final Mmu mmu;
    final Interpreter interp;
    private final CpuSocket socket;
    private final VcpuSet vcpus;
    private final TbCache<X86Vcpu> cache;
    private final TbExecutor<X86Vcpu> executor;
    private volatile long slice = DEFAULT_SLICE;
    /** The thread that last called {@link #run}; read by other threads to see if this vCPU still runs. */
    private volatile Thread runner;

    X86Vcpu(X86Engine engine, Vcpu vcpu, CpuState cpu, CpuSocket socket) {
        this.vcpu = vcpu;
        this.cpu = cpu;
        this.socket = socket;
        this.vcpus = engine.vcpus();
        this.cache = engine.cache();
        this.executor = engine.executor();
        this.mmu = new Mmu(cpu, socket.mem);
        this.interp = new Interpreter(cpu, mmu, socket, vcpu);
        interp.setExclusiveAtomics(true);
        cache.registerTlbs(vcpu, mmu.supervisorTlb, mmu.userTlb);
        mmu.setFlushListener(new Mmu.FlushListener() {      // [XV-1]
            @Override public void flushedAll() {
                onOwner(() -> cache.flushJmpCache(vcpu));
            }

            @Override public void flushedPage(int linear) {
                long page = linear & 0xFFFF_F000L;
                onOwner(() -> cache.flushJmpCachePage(vcpu, page));
            }
        });
    }

    public Vcpu vcpu() {
        return vcpu;
    }

    public CpuState cpu() {
        return cpu;
    }

    public CpuSocket socket() {
        return socket;
    }

    public Mmu mmu() {
        return mmu;
    }

    public Interpreter interpreter() {
        return interp;
    }

    /**
     * RESET: the state to its power-on values ({@link CpuState#reset}) and every TLB entry
     * gone. On the owner thread, or on another while the owner is stopped (a flush seen there
     * is queued to the owner, [XV-1]).
     */
    public void reset() {
        cpu.reset();
        mmu.flushAll();
    }

    /** The INIT signal ({@link CpuState#init}) and the TLB flush it implies; threads as {@link #reset}. */
    public void init() {
        cpu.init();
        mmu.flushAll();
    }

    /**
     * Replaces the state with a snapshot's: nothing cached for the old state survives (both
     * TLBs and the global-page marks, and through [XV-1] the jump cache). The engine's blocks
     * are keyed by physical page and mode, not by vCPU; a whole-machine restore flushes them
     * with {@link X86Engine#flushAll}. Threads as {@link #reset}.
     */
    public void restoreState(CpuState.State state) {
        cpu.restoreState(state);
        mmu.reset();
    }

    /**
     * Owner thread only. Runs blocks until the vCPU's exit request is raised, the CPU halts with
     * nothing to wake it, shuts down ({@code cpu.shutdownRequested}), or the slice is used up
     * ([XV-3]). NMI and INTR are delivered at the run loop's entry, exceptions where they are
     * raised. Returns the instructions retired by this call.
     */
    public long run() {
        assert vcpu.isOwnerThread() : "a vCPU runs on its own thread";
        runner = Thread.currentThread();
        long start = interp.retired();
        interp.startSlice(slice);
        while (!cpu.shutdownRequested) {
            if (cpu.halted && !interp.wakeable()) break;
            TbExecutor.Exit exit;
            try {
                exit = executor.run(vcpu, this);
            } catch (ExclusiveStepRequest e) {
                vcpus.runExclusive(vcpu, interp::stepInstructionExclusive);     // [XV-2]
                continue;
            } catch (LeaveRun e) {
                continue;
            }
            if (exit == TbExecutor.Exit.EXIT_REQUEST || interp.sliceUsedUp()) break;
        }
        return interp.retired() - start;
    }

    /** Instructions retired in compiled blocks; readable from any thread. */
    public long retiredCompiled() {
        return interp.retiredCompiled();
    }

    /** Total instructions retired; readable from any thread. */
    public long retired() {
        return interp.retired();
    }

    /** Traces every instruction ({@code -d in_asm}), or stops tracing with null. */
    public void setTracer(Interpreter.Tracer tracer) {
        interp.setTracer(tracer);
    }

    /** [XV-3] Instructions per {@link #run}; {@link Long#MAX_VALUE} runs until another exit. */
    public void setSlice(long instructions) {
        if (instructions < 1) throw new IllegalArgumentException("slice " + instructions);
        this.slice = instructions;
    }

    /**
     * Flushes this CPU's TLBs (and so its jump cache) from any thread: at once on the owner,
     * else as work queued for the owner ([TLB-1]); for A20 changes from an I/O thread.
     */
    public void flushTlbFromAnyThread() {
        runOnOwner(mmu::flushAll);
    }

    /**
     * Runs {@code work} on the owner thread: at once when called there or before the vCPU's
     * thread started, else queued (run-on-cpu) for its next block boundary.
     */
    public void runOnOwner(Runnable work) {
        if (vcpu.isOwnerThread() || runner == null) work.run();
        else vcpus.runOnCpu(vcpu, work);
    }

    boolean threadAlive() {
        Thread t = runner;
        return t != null && t.isAlive();
    }

    /** [XV-1] Jump-cache flushes happen on the owner only (the engine's [JC-1]). */
    private void onOwner(Runnable flush) {
        if (vcpu.isOwnerThread()) flush.run();
        else vcpus.runOnCpu(vcpu, flush);
    }
}
