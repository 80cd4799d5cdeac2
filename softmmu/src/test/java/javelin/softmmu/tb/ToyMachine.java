package javelin.softmmu.tb;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;

/** A board for {@link ToyIsa} tests: RAM, vCPUs, the engine, and threads that run them. */
final class ToyMachine implements AutoCloseable {
    static final int RAM = 1 << 20;

    final PhysicalMemory mem = new PhysicalMemory(RAM, 0, new ReentrantLock());
    final VcpuSet vcpus;
    final ToyIsa isa = new ToyIsa();
    /** Every block that ran, in first-run order (for structural checks after a run). */
    final Set<TranslationBlock> ran = ConcurrentHashMap.newKeySet();
    final TbCache<ToyCpu> cache;
    final TbExecutor<ToyCpu> executor;
    final List<ToyCpu> cpus = new ArrayList<>();

    ToyMachine(int vcpuCount, int capacity) {
        this(vcpuCount, capacity, null);
    }

    /** {@code translateHook}, if given, runs after each translation has read its bytes. */
    ToyMachine(int vcpuCount, int capacity, BiConsumer<ToyCpu, TbTranslation> translateHook) {
        mem.mapRam(0, RAM, 0);
        vcpus = new VcpuSet(vcpuCount);
        TbFrontEnd<ToyCpu> recording = new TbFrontEnd<>() {
            @Override public long pc(ToyCpu cpu) { return isa.pc(cpu); }
            @Override public long csBase(ToyCpu cpu) { return isa.csBase(cpu); }
            @Override public long flags(ToyCpu cpu) { return isa.flags(cpu); }
            @Override public long physPc(ToyCpu cpu, long pc) { return isa.physPc(cpu, pc); }
            @Override public void deliverFault(ToyCpu cpu, RuntimeException fault) { isa.deliverFault(cpu, fault); }
            @Override public TbCode<ToyCpu> translate(ToyCpu cpu, TbTranslation t) {
                TbCode<ToyCpu> code = isa.translate(cpu, t);
                if (translateHook != null) translateHook.accept(cpu, t);
                return (c, tb) -> {
                    ran.add(tb);
                    return code.execute(c, tb);
                };
            }
        };
        cache = new TbCache<>(mem, vcpus, recording, capacity);
        executor = new TbExecutor<>(cache);
        for (Vcpu v : vcpus.all()) {
            ToyCpu cpu = new ToyCpu(v, mem, 0);
            cache.registerTlbs(v, cpu.tlb);
            cpus.add(cpu);
        }
    }

    /** Runs {@code cpu} from {@code pc} on the calling thread until HALT, and returns it. */
    ToyCpu runFrom(ToyCpu cpu, int pc) {
        cpu.pc = pc;
        runToHalt(cpu);
        return cpu;
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
