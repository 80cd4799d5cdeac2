package javelin.softmmu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WorkQueueStressTest {
    private static final int PRODUCERS = 3;
    private static final int ITEMS = 20_000;
    private static final int SYNC_ITEMS = 500;

    @Test
    @DisplayName("[WQ-1][WQ-2][WQ-3][VC-1] queued work runs once, in order, on the owner")
    void everyItemRunsOnceInOrderOnTheOwner() throws InterruptedException {
        VcpuSet set = new VcpuSet(2);
        Vcpu target = set.get(0);
        int[][] seen = new int[PRODUCERS][];
        int[] next = new int[PRODUCERS];        // written by the owner thread only
        AtomicInteger wrongThread = new AtomicInteger();
        AtomicInteger outOfOrder = new AtomicInteger();
        AtomicInteger executed = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) seen[p] = new int[ITEMS];

        Thread owner = Thread.ofPlatform().daemon(true).unstarted(() -> {
            try {
                target.bindToCurrentThread();
                while (!stop.get()) {
                    // A halted vCPU: sleeps until an exit request wakes it (no lost wake-up: [VC-1]).
                    if (!target.exitRequested()) LockSupport.park();
                    set.processPendingWork(target);
                }
                set.processPendingWork(target);
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        target.setWakeUp(() -> LockSupport.unpark(owner));
        owner.start();

        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers.add(Thread.ofPlatform().daemon(true).start(() -> {
                for (int k = 0; k < ITEMS; k++) {
                    int seq = k;
                    set.runOnCpu(target, () -> {
                        if (!target.isOwnerThread()) wrongThread.incrementAndGet();
                        if (next[producer] != seq) outOfOrder.incrementAndGet();
                        next[producer] = seq + 1;
                        seen[producer][seq]++;
                        executed.incrementAndGet();
                    });
                }
            }));
        }
        Thread syncCaller = Thread.ofPlatform().daemon(true).start(() -> {
            for (int k = 0; k < SYNC_ITEMS; k++) {
                AtomicBoolean ran = new AtomicBoolean();
                set.runOnCpuSync(target, () -> ran.set(target.isOwnerThread()));
                if (!ran.get()) wrongThread.incrementAndGet();     // sync returns only after the work
            }
        });
        for (Thread t : producers) t.join();
        syncCaller.join();
        CompletionException thrown = assertThrows(CompletionException.class,
                () -> set.runOnCpuSync(target, () -> { throw new IllegalStateException("work failed"); }));
        assertEquals("work failed", thrown.getCause().getMessage());
        stop.set(true);
        target.requestAttention();
        owner.join(60_000);
        assertFalse(owner.isAlive());
        assertTrue(failures.isEmpty(), () -> "owner failed: " + failures);
        assertEquals(0, wrongThread.get());
        assertEquals(0, outOfOrder.get());
        assertEquals(PRODUCERS * ITEMS, executed.get());
        for (int p = 0; p < PRODUCERS; p++) {
            for (int k = 0; k < ITEMS; k++) assertEquals(1, seen[p][k], "item " + p + "/" + k);
        }
    }

    @Test
    @DisplayName("[WQ-1] safe work runs on the owner with the other vCPUs stopped")
    void safeWorkRunsExclusivelyOnTheOwner() {
        VcpuSet set = new VcpuSet(2);
        Vcpu v = set.get(0);
        v.bindToCurrentThread();
        AtomicBoolean exclusive = new AtomicBoolean();
        set.runSafeOnCpu(v, () -> exclusive.set(set.exclusive().heldByCurrentThread()));
        assertTrue(v.exitRequested(), "[WQ-2] queueing raises the exit request");
        set.processPendingWork(v);
        assertTrue(exclusive.get());
        assertFalse(v.exitRequested(), "[VC-1] the owner cleared the request");
        assertTrue(v.work().isEmpty());
    }
}
