package javelin.softmmu.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The machine's vCPUs, with the operations that involve more than one of them: queueing work
 * for a vCPU (run-on-cpu), serving that work on the owner, and exclusive sections.
 *
 * <p>Invariants (tests: {@code WorkQueueStressTest}, {@code ExclusiveSectionStressTest}):
 * [WQ-1], [WQ-2] of {@link WorkQueue}; [EX-1..3] of {@link ExclusiveSection}.
 * [WQ-3] {@link #runOnCpuSync} from the target's own thread runs the work at once; from another
 *        vCPU's thread it may only be called outside that thread's exec region (otherwise two
 *        vCPUs waiting on each other would deadlock, and an exclusive section could never stop
 *        the waiter). Nor may it be called with the machine lock held: the target may be a
 *        translator waiting for a vCPU that is itself waiting for that lock ([PG-3]).
 */
public final class VcpuSet {
    private final List<Vcpu> vcpus;
    private final ExclusiveSection exclusive;

    public VcpuSet(int count) {
        if (count < 1) throw new IllegalArgumentException("need at least one vCPU: " + count);
        List<Vcpu> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) list.add(new Vcpu(i));
        this.vcpus = List.copyOf(list);
        this.exclusive = new ExclusiveSection(vcpus);
    }

    public int size() {
        return vcpus.size();
    }

    public Vcpu get(int index) {
        return vcpus.get(index);
    }

    public List<Vcpu> all() {
        return vcpus;
    }

    public ExclusiveSection exclusive() {
        return exclusive;
    }

    /** [WQ-2] Queues {@code work} for the owner of {@code target}, to run at its next TB boundary. */
    public void runOnCpu(Vcpu target, Runnable work) {
        target.work().add(new WorkQueue.Item(work, false, null));
        target.requestAttention();
    }

    /** Queues {@code work} to run on {@code target}'s thread with every other vCPU stopped. */
    public void runSafeOnCpu(Vcpu target, Runnable work) {
        target.work().add(new WorkQueue.Item(work, true, null));
        target.requestAttention();
    }

    /** [WQ-3] Runs {@code work} on {@code target}'s thread and waits for it to finish. */
    public void runOnCpuSync(Vcpu target, Runnable work) {
        if (target.isOwnerThread()) {
            work.run();
            return;
        }
        for (Vcpu v : vcpus) {
            assert !(v.isOwnerThread() && v.running) : "synchronous run-on-cpu from inside " + v + "'s exec region";
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        target.work().add(new WorkQueue.Item(work, false, done));
        target.requestAttention();
        done.join();
    }

    /**
     * Owner thread, outside its exec region: clears the exit request ([VC-1]) and runs every
     * queued item ([WQ-1]); safe items each run inside an exclusive section. The caller then
     * looks at whatever else the request may have meant (interrupts, pause).
     */
    public void processPendingWork(Vcpu self) {
        assert self.isOwnerThread() : "work runs on the owner thread";
        self.clearExitRequest();
        WorkQueue.Item item;
        while ((item = self.work().poll()) != null) {
            try {
                if (item.safe()) {
                    exclusive.start(self);
                    try {
                        item.work().run();
                    } finally {
                        exclusive.end();
                    }
                } else {
                    item.work().run();
                }
                if (item.done() != null) item.done().complete(null);
            } catch (RuntimeException | Error e) {
                if (item.done() == null) {
                    // The items behind this one must not wait for an unrelated request.
                    if (!self.work().isEmpty()) self.requestAttention();
                    throw e;
                }
                item.done().completeExceptionally(e);
            }
        }
    }

    /** Runs {@code work} with every other vCPU stopped; {@code self} is the caller's vCPU or null. */
    public void runExclusive(Vcpu self, Runnable work) {
        exclusive.start(self);
        try {
            work.run();
        } finally {
            exclusive.end();
        }
    }
}
