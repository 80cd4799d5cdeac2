package javelin.cpu.x86.smp;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.testing.Nasm;
import javelin.cpu.x86.testing.TestMachine;
import javelin.softmmu.tb.TbStats;

/**
 * An SMP guest program of {@code src/test/resources/smp} on N vCPUs sharing one RAM, no
 * devices: the harness of the SMP guest tests. Each vCPU is put straight into 32-bit flat
 * protected mode (segment caches and CR0 set directly, paging off, IF clear) at
 * {@link #ENTRY}, with its index in EBP, the vCPU count in EDI and its own stack; the layout is
 * the one of {@code smp.inc}. GDTR and IDTR have limit 0, so any exception escalates to a
 * triple fault, which the run reports as a crash.
 *
 * <p>The vCPUs run on the translation-block engine under test; with the system property
 * {@code javelin.smp.interpreter} set they run on lone interpreters instead (no blocks), to
 * tell an engine bug from a guest-program bug. {@link #run} starts one platform thread per
 * vCPU; all wait on one latch, so they really race, and the run has a hard timeout.
 */
final class SmpProgram implements AutoCloseable {
    static final int RAM_SIZE = 32 << 20;
    static final int ENTRY = 0x1000, PARAMS = 0x8000, SHARED = 0x10000, ARRAYS = 0x10_0000,
            ARRAY_STRIDE = 0x40_0000, STACK_TOP = 0xF000, STACK_SIZE = 0x1000;
    static final int P_ITER = PARAMS, P_ADDR = PARAMS + 4, P_MODE = PARAMS + 8, P_SPIN = PARAMS + 12,
            P_ARG = PARAMS + 16;
    static final int MAX_VCPUS = 6;
    /** Blocks the engine keeps: large enough that no test fills it, since a flush would blur the invalidation counts. */
    static final int CAPACITY = 1 << 16;

    private static final Map<String, byte[]> ASSEMBLED = new ConcurrentHashMap<>();

    private final TestMachine machine;
    /** Set from any thread to end every vCPU's loop (a failure, the timeout). */
    private volatile boolean stopping;

    SmpProgram(String program, int vcpus) {
        if (vcpus < 1 || vcpus > MAX_VCPUS) throw new IllegalArgumentException("vcpus: " + vcpus);
        TestMachine.Builder b = TestMachine.builder().ram(RAM_SIZE).vcpus(vcpus);
        machine = (Boolean.getBoolean("javelin.smp.interpreter") ? b.interpreter() : b.engine(CAPACITY)).build();
        byte[] code = assembled(program);
        if (ENTRY + code.length > PARAMS) throw new IllegalArgumentException(program + " does not fit below PARAMS");
        for (int i = 0; i < code.length; i++) machine.mem.writeByte(ENTRY + i, code[i]);
        for (int i = 0; i < vcpus; i++) flatProtectedMode(machine.cpu(i), vcpus);
    }

    private static void flatProtectedMode(CpuState cpu, int vcpus) {
        cpu.enterFlatProtectedMode();
        cpu.gdtrLimit = 0;
        cpu.idtrLimit = 0;
        cpu.eip = ENTRY;
        java.util.Arrays.fill(cpu.regs, 0);
        cpu.regs[EBP] = cpu.cpuIndex;
        cpu.regs[EDI] = vcpus;
        cpu.regs[ESP] = STACK_TOP - STACK_SIZE * cpu.cpuIndex;
    }

    /** Writes one dword of guest RAM (parameters, initial data) before the run. */
    SmpProgram poke(int addr, int value) {
        machine.mem.writeDword(addr, value);
        return this;
    }

    int peek(long addr) {
        return machine.mem.readDword(addr);
    }

    /** The result array of vCPU {@code index} (ARRAYS in smp.inc). */
    static long array(int index) {
        return ARRAYS + (long) ARRAY_STRIDE * index;
    }

    /** The engine's counters, or null on lone interpreters. */
    TbStats stats() {
        return machine.engine == null ? null : machine.engine.stats();
    }

    /** Instructions retired by vCPU {@code index}. */
    long retired(int index) {
        return machine.retired(index);
    }

    /**
     * Runs every vCPU on its own thread until all have halted; fails the test if one does not
     * halt within {@code timeout}, throws, or shuts down (an exception in the guest).
     */
    void run(Duration timeout) throws InterruptedException {
        int n = machine.vcpuCount();
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            CpuState cpu = machine.cpu(i);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    // Nothing can wake a halted vCPU here: there are no interrupts.
                    while (!stopping && !cpu.halted && !cpu.shutdownRequested) machine.runSlice(index);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stopAll();
                }
            }, "smp-vcpu-" + i);
            t.setDaemon(true);   // a guest stuck on a lost lock must never keep the JVM alive
            threads.add(t);
            t.start();
        }
        start.countDown();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        boolean timedOut = threads.stream().anyMatch(Thread::isAlive);
        if (timedOut) {
            stopAll();
            for (Thread t : threads) t.join(10_000);
        }
        if (failure.get() != null) throw new AssertionError("a vCPU thread threw", failure.get());
        StringBuilder state = new StringBuilder();
        for (int i = 0; i < n; i++) {
            CpuState cpu = machine.cpu(i);
            state.append(String.format("%n  vCPU %d: EIP=%08X halted=%b shutdown=%b", cpu.cpuIndex, cpu.eip,
                    cpu.halted, cpu.shutdownRequested));
        }
        if (timedOut) fail("vCPUs still running after " + timeout + ":" + state);
        for (int i = 0; i < n; i++) {
            CpuState cpu = machine.cpu(i);
            if (cpu.shutdownRequested || !cpu.halted) fail("a vCPU crashed (triple fault) or stopped early:" + state);
        }
    }

    /** Ends every vCPU's loop soon: the flag, then a kick to end the slice each is in. */
    private void stopAll() {
        stopping = true;
        for (int i = 0; i < machine.vcpuCount(); i++) machine.kick(i);
    }

    @Override
    public void close() {
        machine.close();
    }

    /** {@code program} (a file of {@code src/test/resources/smp}) assembled with nasm, once per JVM. */
    static byte[] assembled(String program) {
        return ASSEMBLED.computeIfAbsent(program, p -> {
            try {
                return Nasm.assemble(Nasm.sourceDir("src", "test", "resources", "smp").resolve(p), "smp-asm");
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while assembling " + p, e);
            }
        });
    }
}
