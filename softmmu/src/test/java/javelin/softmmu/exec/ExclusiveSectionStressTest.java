package javelin.softmmu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExclusiveSectionStressTest {
    private static final int VCPUS = 3;
    private static final int ROUNDS = 10_000;
    private static final int BLOCKS_PER_ROUND = 200;
    private static final int OUTSIDE_SECTIONS = 300;

    @Test
    @DisplayName("[EX-1][EX-2][EX-3][VC-2][VC-3] no vCPU is in its exec region while a section runs")
    void noVcpuRunsDuringAnExclusiveSection() throws InterruptedException {
        VcpuSet set = new VcpuSet(VCPUS);
        ExclusiveSection ex = set.exclusive();
        AtomicInteger inExec = new AtomicInteger();
        AtomicInteger inSection = new AtomicInteger();
        AtomicLong violations = new AtomicLong();
        AtomicLong sections = new AtomicLong();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Runnable section = () -> {
            if (inSection.incrementAndGet() != 1) violations.incrementAndGet();      // [EX-3]
            if (inExec.get() != 0) violations.incrementAndGet();                     // [EX-1]
            sections.incrementAndGet();
            inSection.decrementAndGet();
        };
        List<Thread> threads = new ArrayList<>();
        for (Vcpu v : set.all()) {
            threads.add(Thread.ofPlatform().daemon(true).unstarted(() -> {
                try {
                    v.bindToCurrentThread();
                    for (int round = 0; round < ROUNDS; round++) {
                        set.processPendingWork(v);
                        if (round % 100 == v.index()) set.runExclusive(v, section);   // a vCPU's own section
                        ex.execStart(v);
                        inExec.incrementAndGet();
                        for (int b = 0; b < BLOCKS_PER_ROUND && !v.exitRequested(); b++) {  // [VC-2]
                            if (inSection.get() != 0) violations.incrementAndGet();
                        }
                        inExec.decrementAndGet();
                        ex.execEnd(v);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        Thread outsider = Thread.ofPlatform().daemon(true).unstarted(() -> {
            try {
                for (int k = 0; k < OUTSIDE_SECTIONS; k++) set.runExclusive(null, section);
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        threads.add(outsider);
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(60_000);                  // a backstop only
            assertFalse(t.isAlive(), t.getName() + " is stuck");
        }
        assertTrue(failures.isEmpty(), () -> "thread failed: " + failures);
        assertEquals(0, violations.get());
        assertEquals(OUTSIDE_SECTIONS + VCPUS * (ROUNDS / 100), sections.get());
    }
}
