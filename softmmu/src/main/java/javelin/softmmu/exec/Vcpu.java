package javelin.softmmu.exec;

import javelin.softmmu.CpuAttention;

/**
 * One virtual CPU as the engine sees it: an index, the thread that owns it, its exit request and
 * its work queue. The architectural state lives in the CPU front end, which holds a reference to
 * this object.
 *
 * <p>Invariants (tests: {@code WorkQueueStressTest}, {@code ExclusiveSectionStressTest}):
 * [VC-1] The exit request is a volatile flag. Anyone may raise it ({@link #requestAttention});
 *        only the owner clears it, and clears it <em>before</em> looking at what was asked, so
 *        a request raised while the owner serves an earlier one is never lost.
 * [VC-2] The owner tests the flag at every TB entry (chained or not), so a request is served
 *        within one TB.
 * [VC-3] {@code running} and {@code hasWaiter} belong to the exclusive-section protocol and are
 *        only touched through {@link ExclusiveSection}.
 */
public final class Vcpu implements CpuAttention {
    private final int index;
    private final WorkQueue work = new WorkQueue();
    /** [VC-1]: raised by anyone, cleared by the owner. */
    private volatile boolean exitRequest;
    /** The owning thread; set once when the thread starts running this vCPU. */
    private volatile Thread owner;
    /** Called after the flag is raised, e.g. to wake the owner from a halted wait. */
    private volatile Runnable wakeUp = () -> { };
    /** [VC-3] Between exec start and exec end; written by the owner, read by an exclusive starter. */
    volatile boolean running;
    /** [VC-3] Counted in the pending exclusive's counter; guarded by the section's lock. */
    boolean hasWaiter;

    public Vcpu(int index) {
        this.index = index;
    }

    public int index() {
        return index;
    }

    public WorkQueue work() {
        return work;
    }

    /** Makes the calling thread this vCPU's owner (done once, when its thread starts). */
    public void bindToCurrentThread() {
        owner = Thread.currentThread();
    }

    public boolean isOwnerThread() {
        return owner == Thread.currentThread();
    }

    /** A hook run after every exit request, so a halted owner can wake (front end supplies it). */
    public void setWakeUp(Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    /** [VC-1] Raises the exit request: the owner leaves its TB loop at the next TB entry. */
    @Override
    public void requestAttention() {
        exitRequest = true;
        wakeUp.run();
    }

    /**
     * True while the owner is inside its exec region (between TB entries it may be running guest
     * code). A volatile read: once it returns false, everything the owner did inside the region
     * is visible to the caller.
     */
    public boolean isRunning() {
        return running;
    }

    /** [VC-2] The check done at every TB entry. */
    public boolean exitRequested() {
        return exitRequest;
    }

    /** [VC-1] Owner only: clears the request before serving what it asked for. */
    public void clearExitRequest() {
        assert isOwnerThread() : "only the owning vCPU thread clears its exit request";
        exitRequest = false;
    }

    @Override
    public String toString() {
        return "vCPU " + index;
    }
}
