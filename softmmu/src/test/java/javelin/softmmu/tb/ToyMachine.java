package javelin.softmmu.tb;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;

/** A board for {@link ToyIsa} tests: RAM, vCPUs, the engine, and threads that run them. */
final class ToyMachine implements AutoCloseable {
    static final int RAM = 1 << 20;

    final PhysicalMemory mem = new PhysicalMemory(RAM, 0, new ReentrantLock());
    final VcpuSet vcpus;
    final ToyIsa isa = new ToyIsa();
    final TbCache<ToyCpu> cache;
    final TbExecutor<ToyCpu> executor;
    final List<ToyCpu> cpus = new ArrayList<>();

    ToyMachine(int vcpuCount, int capacity) {
        mem.mapRam(0, RAM, 0);
        vcpus = new VcpuSet(vcpuCount);
        cache = new TbCache<>(mem, vcpus, isa, capacity);
        executor = new TbExecutor<>(cache);
        for (Vcpu v : vcpus.all()) {
            ToyCpu cpu = new ToyCpu(v, mem, 0);
            cache.registerTlbs(v, cpu.tlb);
            cpus.add(cpu);
        }
    }

    ToyCpu cpu(int i) {
        return cpus.get(i);
    }

    /** Runs {@code cpu} on the calling thread until it executes HALT. */
    void runToHalt(ToyCpu cpu) {
        Vcpu v = cpu.vcpu;
        v.bindToCurrentThread();
        do {
            vcpus.processPendingWork(v);
        } while (executor.run(v, cpu) != TbExecutor.Exit.LEAVE);
    }

    /** Runs the given vCPUs, one thread each, until all halt; rethrows the first failure. */
    void runAllToHalt(List<ToyCpu> which) throws InterruptedException {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (ToyCpu cpu : which) {
            Thread t = Thread.ofPlatform().daemon(true).name("toy-" + cpu.vcpu.index()).unstarted(() -> {
                try {
                    runToHalt(cpu);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
        }
        threads.forEach(Thread::start);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);    // a backstop, never a sleep
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            assertFalse(t.isAlive(), t.getName() + " did not halt");
        }
        if (!failures.isEmpty()) throw new AssertionError("a vCPU thread failed", failures.getFirst());
    }

    @Override
    public void close() {
        mem.close();
    }
}
