package javelin.softmmu.exec;

import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Start/end exclusive: one thread runs while every vCPU is stopped at a safe point (outside its
 * exec region, i.e. between TBs). Used for a full code-cache flush and for atomics that cross a
 * cache line or page (DESIGN.md, "Memory and threads"). The protocol is QEMU's
 * ({@code cpus-common.c}: a pending counter, a per-vCPU running flag and has-waiter flag);
 * this class is our own rendering of it.
 *
 * <p>Invariants (test: {@code ExclusiveSectionStressTest}):
 * [EX-1] While a thread is between {@link #start} and {@link #end}, no other vCPU is inside its
 *        exec region. A vCPU counted at start leaves at its next TB entry (its exit request is
 *        raised) and decrements the counter in {@link #execEnd}; a vCPU not counted waits in
 *        {@link #execStart} until the section ends.
 * [EX-2] The starter writes {@code pending} then reads each {@code running}; a vCPU writes
 *        {@code running} then reads {@code pending}. Both are volatile, so (sequential
 *        consistency of volatiles) at least one side sees the other: either the starter counts
 *        the vCPU, or the vCPU sees the section pending and waits.
 * [EX-3] Exclusive sections do not nest and run one at a time: a second starter waits for the
 *        first to end. A vCPU thread may start one only outside its own exec region.
 *
 * <p>Lock: {@code lock} guards every write of {@code pending} and every {@code hasWaiter}. The
 * exclusive holder runs its work without the lock.
 */
public final class ExclusiveSection {
    private final List<Vcpu> vcpus;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the last counted vCPU has left its exec region. */
    private final Condition allStopped = lock.newCondition();
    /** Signalled when a section ends. */
    private final Condition resumed = lock.newCondition();
    /** 0: no section; n > 0: a section is starting or running and n - 1 vCPUs are still to stop. Written under lock. */
    private volatile int pending;
    /** The thread inside the section, for assertions; written under lock. */
    private volatile Thread holder;

    ExclusiveSection(List<Vcpu> vcpus) {
        this.vcpus = List.copyOf(vcpus);
    }

    /** Owner thread of {@code v}: entering the TB loop. Waits while a section is pending. */
    public void execStart(Vcpu v) {
        v.running = true;
        if (pending != 0) {                                  // [EX-2]
            lock.lock();
            try {
                if (!v.hasWaiter) {
                    // Not counted by the starter: stand aside until the section ends.
                    v.running = false;
                    while (pending != 0) resumed.awaitUninterruptibly();
                    v.running = true;
                }
                // Counted: run on; execEnd releases the starter at the next TB entry.
            } finally {
                lock.unlock();
            }
        }
    }

    /** Owner thread of {@code v}: leaving the TB loop (a safe point). */
    public void execEnd(Vcpu v) {
        v.running = false;
        if (pending != 0) {                                  // [EX-2]
            lock.lock();
            try {
                if (v.hasWaiter) {
                    v.hasWaiter = false;
                    pending--;
                    if (pending == 1) allStopped.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** [EX-1] Stops every vCPU other than {@code self} (null for a non-vCPU thread) at a safe point. */
    public void start(Vcpu self) {
        assert self == null || !self.running : "start exclusive from inside the exec region";
        lock.lock();
        try {
            while (pending != 0) resumed.awaitUninterruptibly();    // [EX-3]
            pending = 1;
            int counted = 0;
            for (Vcpu v : vcpus) {
                if (v != self && v.running) {
                    v.hasWaiter = true;
                    counted++;
                    v.requestAttention();
                }
            }
            pending = counted + 1;
            while (pending > 1) allStopped.awaitUninterruptibly();
            holder = Thread.currentThread();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the section started by the calling thread and lets every vCPU run again. */
    public void end() {
        lock.lock();
        try {
            assert holder == Thread.currentThread() : "end exclusive by a thread that did not start it";
            holder = null;
            pending = 0;
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** True if the calling thread is inside a section (for {@code ...Exclusive} method asserts). */
    public boolean heldByCurrentThread() {
        return holder == Thread.currentThread();
    }
}
