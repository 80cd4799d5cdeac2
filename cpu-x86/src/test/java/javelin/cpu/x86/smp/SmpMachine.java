package javelin.cpu.x86.smp;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import javelin.cpu.x86.CpuState;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.tb.TbStats;

/**
 * N vCPUs on one RAM, no devices: the harness of the SMP guest tests. Each vCPU is put
 * straight into 32-bit flat protected mode (segment caches and CR0 set directly, paging off,
 * IF clear) at {@link #ENTRY}, with its index in EBP, the vCPU count in EDI and its own stack;
 * the layout is the one of {@code src/test/resources/smp/smp.inc}. GDTR and IDTR have limit 0,
 * so any exception escalates to a triple fault, which the run reports as a crash.
 *
 * <p>{@link #run} starts one platform thread per vCPU; all wait on one latch, so they really
 * race, and the run has a hard timeout.
 */
final class SmpMachine implements AutoCloseable {
    static final int RAM_SIZE = 32 << 20;
    static final int ENTRY = 0x1000, PARAMS = 0x8000, SHARED = 0x10000, ARRAYS = 0x10_0000,
            ARRAY_STRIDE = 0x40_0000, STACK_TOP = 0xF000, STACK_SIZE = 0x1000;
    static final int P_ITER = PARAMS, P_ADDR = PARAMS + 4, P_MODE = PARAMS + 8, P_SPIN = PARAMS + 12,
            P_ARG = PARAMS + 16;
    static final int MAX_VCPUS = 6;

    private static final Map<String, byte[]> ASSEMBLED = new ConcurrentHashMap<>();

    final PhysicalMemory mem;
    final CpuState[] cpus;
    private final VcpuDriver driver;
    private final VcpuDriver.Loop[] loops;

    SmpMachine(String program, int vcpus) {
        if (vcpus < 1 || vcpus > MAX_VCPUS) throw new IllegalArgumentException("vcpus: " + vcpus);
        ReentrantLock lock = new ReentrantLock();
        mem = new PhysicalMemory(RAM_SIZE, 0, lock);
        mem.mapRam(0, RAM_SIZE, 0);
        byte[] code = assembled(program);
        if (ENTRY + code.length > PARAMS) throw new IllegalArgumentException(program + " does not fit below PARAMS");
        for (int i = 0; i < code.length; i++) mem.writeByte(ENTRY + i, code[i]);
        IoPortBus io = new IoPortBus(lock);
        cpus = new CpuState[vcpus];
        for (int i = 0; i < vcpus; i++) cpus[i] = flatProtectedMode(new CpuState(mem, io, i), vcpus);
        driver = VcpuDriver.create(mem, vcpus);
        loops = new VcpuDriver.Loop[vcpus];
        for (int i = 0; i < vcpus; i++) loops[i] = driver.attach(cpus[i]);
    }

    private static CpuState flatProtectedMode(CpuState cpu, int vcpus) {
        cpu.enterFlatProtectedMode();
        cpu.gdtrLimit = 0;
        cpu.idtrLimit = 0;
        cpu.eip = ENTRY;
        java.util.Arrays.fill(cpu.regs, 0);
        cpu.regs[EBP] = cpu.cpuIndex;
        cpu.regs[EDI] = vcpus;
        cpu.regs[ESP] = STACK_TOP - STACK_SIZE * cpu.cpuIndex;
        return cpu;
    }

    /** Writes one dword of guest RAM (parameters, initial data) before the run. */
    SmpMachine poke(int addr, int value) {
        mem.writeDword(addr, value);
        return this;
    }

    int peek(long addr) {
        return mem.readDword(addr);
    }

    /** The result array of vCPU {@code index} (ARRAYS in smp.inc). */
    static long array(int index) {
        return ARRAYS + (long) ARRAY_STRIDE * index;
    }

    /** The engine's counters, or null when the driver keeps none. */
    TbStats stats() {
        return driver.stats();
    }

    /** Instructions retired by vCPU {@code index}. */
    long retired(int index) {
        return loops[index].retired();
    }

    /**
     * Runs every vCPU on its own thread until all have halted; fails the test if one does not
     * halt within {@code timeout}, throws, or shuts down (an exception in the guest).
     */
    void run(Duration timeout) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < cpus.length; i++) {
            VcpuDriver.Loop loop = loops[i];
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    loop.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    for (VcpuDriver.Loop l : loops) l.stop();
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
            for (VcpuDriver.Loop l : loops) l.stop();
            for (Thread t : threads) t.join(10_000);
        }
        if (failure.get() != null) throw new AssertionError("a vCPU thread threw", failure.get());
        StringBuilder state = new StringBuilder();
        for (CpuState cpu : cpus) {
            state.append(String.format("%n  vCPU %d: EIP=%08X halted=%b shutdown=%b", cpu.cpuIndex, cpu.eip,
                    cpu.halted, cpu.shutdownRequested));
        }
        if (timedOut) fail("vCPUs still running after " + timeout + ":" + state);
        for (CpuState cpu : cpus) {
            if (cpu.shutdownRequested || !cpu.halted) fail("a vCPU crashed (triple fault) or stopped early:" + state);
        }
    }

    @Override
    public void close() {
        mem.close();
    }

    /** {@code program} (a file of {@code src/test/resources/smp}) assembled with nasm, once per JVM. */
    static byte[] assembled(String program) {
        return ASSEMBLED.computeIfAbsent(program, p -> {
            try {
                return assemble(sourceDir().resolve(p));
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while assembling " + p, e);
            }
        });
    }

    private static byte[] assemble(Path source) throws IOException, InterruptedException {
        Path out = Path.of("target", "smp-asm", source.getFileName().toString().replace(".asm", ".bin"));
        Files.createDirectories(out.getParent());
        Path dir = source.toAbsolutePath().getParent();
        Process p = new ProcessBuilder("nasm", "-f", "bin", "-I", dir + "/", "-o", out.toString(), source.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("nasm failed on " + source + ":\n" + log);
        }
        return Files.readAllBytes(out);
    }

    private static Path sourceDir() {
        Path local = Path.of("src", "test", "resources", "smp");
        if (Files.isDirectory(local)) return local;
        return Path.of(System.getProperty("javelin.root", "."), "cpu-x86", "src", "test", "resources", "smp");
    }
}
