package javelin.bench;

import static javelin.cpu.x86.CpuState.*;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Engine;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;

/**
 * SMP scaling of the translation-block engine: guest MIPS with 1, 2 and 4 vCPU threads, each
 * running its own integer loop on its own data and stack (nothing shared but the code, which
 * every vCPU runs from the same blocks), and the cross-modifying-code round-trip rate.
 *
 * <p>MIPS are all vCPUs' instructions over the wall-clock time from the common start to the
 * last halt; the speed-up is that figure over the 1-vCPU one. Per-vCPU MIPS over each
 * thread's own CPU time are printed beside it: if they fall as vCPUs are added, the threads
 * slow each other down (shared host data, false sharing); if only the wall figure stops
 * growing, the host has no more free cores.
 *
 * <p>The SMC rate: one writer rewrites the IMM32 of a store in the readers' loop, executes
 * CPUID, publishes the generation and waits until every reader has stored the new value (each
 * reader executes CPUID when it sees a new generation, SDM vol. 3A, 8.1.3). Rewrites per
 * second of wall-clock time, with 1, 2 and 3 readers: each is an invalidation, a
 * retranslation per reader and a round trip between threads.
 *
 * <p>Usage: {@code SmpBenchmark [runs] [outerIterations] [rewrites]}; prints every run and
 * the medians.
 */
public final class SmpBenchmark {
    static final int WORKER = 0x1000, WRITER = 0x2000, READER = 0x3000;
    static final int GEN = 0x1_0000, DONE = 0x1_0040, ACK = 0x1_0080, LINE = 0x40;
    static final int DATA = 0x2_0000, DATA_STRIDE = 0x1_0000, STACK_TOP = 0xF_0000, STACK_STRIDE = 0x1_0000;
    static final int RAM = 1 << 20, MAX_VCPUS = 4;
    static final int BASE = 0x5EED_0000;

    private SmpBenchmark() { }

    /**
     * Each vCPU: EDI outer iterations of 1000 inner ones (ALU, a store and a load through
     * [ESI+ECX*4], a shift, a call and return: 11 instructions); ESI is its own data page.
     */
    static final int[] WORKER_CODE = {
            0xB9, 0xE8, 0x03, 0x00, 0x00,           // 1000: mov ecx,0x3e8
            0x01, 0xC8,                             // 1005: add eax,ecx
            0x31, 0xC2,                             // 1007: xor edx,eax
            0x89, 0x14, 0x8E,                       // 1009: mov [esi+ecx*4],edx
            0x8B, 0x1C, 0x8E,                       // 100C: mov ebx,[esi+ecx*4]
            0xD1, 0xE3,                             // 100F: shl ebx,1
            0xE8, 0x07, 0x00, 0x00, 0x00,           // 1011: call 0x101d
            0x49,                                   // 1016: dec ecx
            0x75, 0xEC,                             // 1017: jnz 0x1005
            0x4F,                                   // 1019: dec edi
            0x75, 0xE4,                             // 101A: jnz 0x1000
            0xF4,                                   // 101C: hlt
            0x45,                                   // 101D: inc ebp
            0x01, 0xDD,                             // 101E: add ebp,ebx
            0xC3,                                   // 1020: ret
    };

    /** The writer: EDI rewrites; ESI = the end of the readers' ACK lines (one line per reader from 100C0h). */
    static final int[] WRITER_CODE = {
            0xBB, 0x01, 0x00, 0x00, 0x00,           // 2000: mov ebx,0x1
            0x8D, 0x83, 0x00, 0x00, 0xED, 0x5E,     // 2005: lea eax,[ebx+0x5eed0000]
            0xA3, 0x15, 0x30, 0x00, 0x00,           // 200B: mov [0x3015],eax
            0x53,                                   // 2010: push ebx
            0x31, 0xC0,                             // 2011: xor eax,eax
            0x0F, 0xA2,                             // 2013: cpuid
            0x5B,                                   // 2015: pop ebx
            0x89, 0x1D, 0x00, 0x00, 0x01, 0x00,     // 2016: mov [dword 0x10000],ebx
            0x8D, 0x83, 0x00, 0x00, 0xED, 0x5E,     // 201C: lea eax,[ebx+0x5eed0000]
            0xBA, 0xC0, 0x00, 0x01, 0x00,           // 2022: mov edx,0x100c0
            0x39, 0xF2,                             // 2027: cmp edx,esi
            0x73, 0x0D,                             // 2029: jnc 0x2038
            0x39, 0x02,                             // 202B: cmp [edx],eax
            0x74, 0x04,                             // 202D: jz 0x2033
            0xF3, 0x90,                             // 202F: pause
            0xEB, 0xF4,                             // 2031: jmp short 0x2027
            0x83, 0xC2, 0x40,                       // 2033: add edx,byte +0x40
            0xEB, 0xEF,                             // 2036: jmp short 0x2027
            0x43,                                   // 2038: inc ebx
            0x39, 0xFB,                             // 2039: cmp ebx,edi
            0x76, 0xC8,                             // 203B: jna 0x2005
            0xC7, 0x05, 0x40, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,// 203D: mov dword [dword 0x10040],0x1
            0xF4,                                   // 2047: hlt
    };

    /** A reader: ESI its data, EDI its ACK line; the IMM32 at 3015h is what the writer rewrites. */
    static final int[] READER_CODE = {
            0x31, 0xDB,                             // 3000: xor ebx,ebx
            0xA1, 0x00, 0x00, 0x01, 0x00,           // 3002: mov eax,[0x10000]
            0x39, 0xD8,                             // 3007: cmp eax,ebx
            0x74, 0x08,                             // 3009: jz 0x3013
            0x89, 0xC3,                             // 300B: mov ebx,eax
            0x53,                                   // 300D: push ebx
            0x31, 0xC0,                             // 300E: xor eax,eax
            0x0F, 0xA2,                             // 3010: cpuid
            0x5B,                                   // 3012: pop ebx
            0xC7, 0x06, 0x00, 0x00, 0xED, 0x5E,     // 3013: mov dword [esi],0x5eed0000
            0x8B, 0x06,                             // 3019: mov eax,[esi]
            0x89, 0x07,                             // 301B: mov [edi],eax
            0x83, 0x3D, 0x40, 0x00, 0x01, 0x00, 0x00,// 301D: cmp dword [dword 0x10040],byte +0x0
            0x74, 0xDC,                             // 3024: jz 0x3002
            0xF4,                                   // 3026: hlt
    };

    /** One measured run. */
    record Run(long instructions, long wallNanos, long[] cpuNanos, long[] retired) {
        double mips() {
            return instructions * 1000.0 / wallNanos;
        }

        /** Mean over vCPUs of each one's instructions per second of its own thread's CPU time. */
        double mipsPerVcpuCpu() {
            double sum = 0;
            for (int i = 0; i < cpuNanos.length; i++) sum += retired[i] * 1000.0 / cpuNanos[i];
            return sum / cpuNanos.length;
        }
    }

    /** {@code n} vCPUs on one engine; vCPU i starts at {@code eip[i]} with ESI, EDI from the arrays. */
    static Run run(int n, int[] eip, int[] esi, int[] edi) throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        PhysicalMemory mem = new PhysicalMemory(RAM, 0, lock);
        try {
            mem.mapRam(0, RAM, 0);
            load(mem, WORKER, WORKER_CODE);
            load(mem, WRITER, WRITER_CODE);
            load(mem, READER, READER_CODE);
            VcpuSet vcpus = new VcpuSet(n);
            X86Engine engine = new X86Engine(mem, vcpus, 4096);
            IoPortBus io = new IoPortBus(lock);
            X86Vcpu[] x86 = new X86Vcpu[n];
            for (int i = 0; i < n; i++) {
                CpuState cpu = new CpuState(i);
                cpu.enterFlatProtectedMode();
                cpu.eip = eip[i];
                cpu.regs[ESI] = esi[i];
                cpu.regs[EDI] = edi[i];
                cpu.regs[ESP] = STACK_TOP - STACK_STRIDE * i;
                x86[i] = engine.attach(vcpus.get(i), cpu, new CpuSocket(mem, io));
                x86[i].setSlice(Long.MAX_VALUE);
            }
            long[] cpuNanos = new long[n];
            CountDownLatch ready = new CountDownLatch(n), start = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] threads = new Thread[n];
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            for (int i = 0; i < n; i++) {
                int index = i;
                threads[i] = new Thread(() -> {
                    Vcpu vcpu = vcpus.get(index);
                    CpuState cpu = x86[index].cpu();
                    try {
                        vcpu.bindToCurrentThread();
                        ready.countDown();
                        start.await();
                        long c0 = mx.getCurrentThreadCpuTime();
                        while (true) {
                            vcpus.processPendingWork(vcpu);
                            if (cpu.halted || cpu.shutdownRequested) break;
                            x86[index].run();
                        }
                        cpuNanos[index] = mx.getCurrentThreadCpuTime() - c0;
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "bench-vcpu-" + i);
                threads[i].setDaemon(true);
                threads[i].start();
            }
            ready.await();
            long t0 = System.nanoTime();
            start.countDown();
            for (Thread t : threads) t.join();
            long wall = System.nanoTime() - t0;
            if (failure.get() != null) throw new IllegalStateException("a vCPU thread failed", failure.get());
            long[] retired = new long[n];
            long total = 0;
            for (int i = 0; i < n; i++) {
                if (x86[i].cpu().shutdownRequested) throw new IllegalStateException("vCPU " + i + " crashed");
                retired[i] = x86[i].retired();
                total += retired[i];
            }
            return new Run(total, wall, cpuNanos, retired);
        } finally {
            mem.close();
        }
    }

    /** {@code n} vCPUs each running the worker loop {@code outer} times on their own data. */
    static Run parallel(int n, int outer) throws InterruptedException {
        int[] eip = new int[n], esi = new int[n], edi = new int[n];
        for (int i = 0; i < n; i++) {
            eip[i] = WORKER;
            esi[i] = DATA + DATA_STRIDE * i;
            edi[i] = outer;
        }
        return run(n, eip, esi, edi);
    }

    /** One writer (vCPU 0) and {@code readers} readers; returns the run (rewrites / wall = the rate). */
    static Run crossModifying(int readers, int rewrites) throws InterruptedException {
        int n = readers + 1;
        int[] eip = new int[n], esi = new int[n], edi = new int[n];
        eip[0] = WRITER;
        edi[0] = rewrites;
        esi[0] = ACK + LINE * n;
        for (int i = 1; i < n; i++) {
            eip[i] = READER;
            esi[i] = DATA + DATA_STRIDE * i;
            edi[i] = ACK + LINE * i;
        }
        return run(n, eip, esi, edi);
    }

    private static void load(PhysicalMemory mem, int at, int[] code) {
        for (int i = 0; i < code.length; i++) mem.writeByte(at + i, code[i]);
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    public static void main(String[] args) throws InterruptedException {
        int runs, outer, rewrites;
        try {
            runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
            outer = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
            rewrites = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        } catch (NumberFormatException e) {
            System.err.println("smp-mips: arguments are [runs] [outer-iterations] [rewrites], all numbers");
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        out.printf("host: %d processors, load average %.2f%n", Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        int[] counts = {1, 2, MAX_VCPUS};
        for (int w = 0; w < 2; w++) for (int n : counts) parallel(n, outer);   // warm-up: let the JIT settle
        double[] medians = new double[counts.length];
        for (int c = 0; c < counts.length; c++) {
            int n = counts[c];
            double[] mips = new double[runs], perCpu = new double[runs];
            for (int r = 0; r < runs; r++) {
                Run run = parallel(n, outer);
                mips[r] = run.mips();
                perCpu[r] = run.mipsPerVcpuCpu();
                out.printf("%d vCPU run %d: %,d instructions in %.3f s wall = %.1f MIPS (per vCPU over its CPU time %.1f)%n",
                        n, r + 1, run.instructions(), run.wallNanos() / 1e9, mips[r], perCpu[r]);
            }
            medians[c] = median(mips);
            out.printf("%d vCPU median: %.1f MIPS (per vCPU over its CPU time %.1f)%n", n, medians[c], median(perCpu));
        }
        out.printf("speed-up 1->2: %.2fx, 1->4: %.2fx%n", medians[1] / medians[0], medians[2] / medians[0]);
        for (int w = 0; w < 2; w++) crossModifying(1, rewrites);
        for (int readers = 1; readers <= 3; readers++) {
            double[] rate = new double[runs], busy = new double[runs];
            for (int r = 0; r < runs; r++) {
                Run run = crossModifying(readers, rewrites);
                rate[r] = rewrites * 1e9 / run.wallNanos();
                busy[r] = Arrays.stream(run.cpuNanos()).sum() / (double) run.wallNanos();
            }
            // busy: the vCPU threads' CPU time over wall time, in host cores; the waits spin, so
            // a figure near the free cores means the round trips wait for a thread to be scheduled.
            out.printf("SMC round trips, 1 writer + %d reader%s: median %,.0f rewrites/s (runs: %s), vCPU threads busy %.2f cores%n",
                    readers, readers == 1 ? "" : "s", median(rate),
                    Arrays.toString(Arrays.stream(rate).mapToLong(Math::round).toArray()), median(busy));
        }
    }
}
