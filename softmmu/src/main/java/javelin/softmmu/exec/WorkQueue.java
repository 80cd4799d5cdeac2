package javelin.softmmu.exec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Work queued for one vCPU by other threads (QEMU's {@code run_on_cpu}): remote TLB flushes,
 * code-page protection, anything that must touch state only the owner may touch. The owner
 * runs the items at its next TB boundary, outside its exec region, in queue order.
 *
 * <p>Two kinds: <em>plain</em> items run on the owner thread while other vCPUs keep running;
 * <em>safe</em> items (QEMU's {@code async_safe_run_on_cpu}) run on the owner thread inside an
 * exclusive section, with every other vCPU stopped.
 *
 * <p>Invariants (test: {@code WorkQueueStressTest}):
 * [WQ-1] Every queued item runs exactly once, on the owner thread, in queue order per kind.
 * [WQ-2] Queueing raises the vCPU's exit request after the item is visible in the queue, so the
 *        owner, which clears the request before draining (see [VC-1]), never misses an item.
 */
public final class WorkQueue {
    /** An item and, for synchronous callers, the future they wait on. */
    record Item(Runnable work, boolean safe, CompletableFuture<Void> done) { }

    private final ConcurrentLinkedQueue<Item> items = new ConcurrentLinkedQueue<>();

    void add(Item item) {
        items.add(item);
    }

    Item poll() {
        return items.poll();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }
}
