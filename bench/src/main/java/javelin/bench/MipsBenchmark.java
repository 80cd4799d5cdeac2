package javelin.bench;

import static javelin.cpu.x86.CpuState.*;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
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
 * Guest MIPS of the translation-block engine (interpreter tier) on a fixed 32-bit program: an inner loop of ALU operations,
 * a store and a load through a scaled index, a shift and a near call/return, and per outer
 * iteration a 64-dword REP MOVSD (which counts as one instruction). Code, data and stack sit
 * on separate pages, flat protected mode, paging off, one vCPU.
 *
 * <p>Usage: {@code MipsBenchmark [runs] [outerIterations]}; prints each run and the median.
 * MIPS are instructions per second of the benchmark thread's CPU time, so a machine shared
 * with other work still gives a stable figure; wall-clock MIPS are printed beside them.
 */
public final class MipsBenchmark {
    static final int CODE = 0x1000, FUNC = 0x1800, DATA = 0x10000, COPY_SRC = 0x20000, COPY_DST = 0x30000,
            STACK_TOP = 0x80000;

    private MipsBenchmark() { }

    /** The program: EDI outer iterations of (REP MOVSD of 64 dwords, then 1000 inner iterations). */
    static final int[] PROGRAM = {
            0xFC,                                 // cld
            // outer:
            0xBE, 0x00, 0x00, 0x02, 0x00,         // mov esi, COPY_SRC
            0x57,                                 // push edi
            0xBF, 0x00, 0x00, 0x03, 0x00,         // mov edi, COPY_DST
            0xB9, 0x40, 0x00, 0x00, 0x00,         // mov ecx, 64
            0xF3, 0xA5,                           // rep movsd
            0x5F,                                 // pop edi
            0xBE, 0x00, 0x00, 0x01, 0x00,         // mov esi, DATA
            0xB9, 0xE8, 0x03, 0x00, 0x00,         // mov ecx, 1000
            // inner (offset 30):
            0x01, 0xC8,                           // add eax, ecx
            0x31, 0xC2,                           // xor edx, eax
            0x89, 0x14, 0x8E,                     // mov [esi+ecx*4], edx
            0x8B, 0x1C, 0x8E,                     // mov ebx, [esi+ecx*4]
            0xD1, 0xE3,                           // shl ebx, 1
            0xE8, 0, 0, 0, 0,                     // call FUNC (patched)
            0x49,                                 // dec ecx
            0x75, 0,                              // jnz inner (patched)
            0x4F,                                 // dec edi
            0x75, 0,                              // jnz outer (patched)
            0xF4                                  // hlt
    };
    private static final int[] FUNCTION = {0x45, 0x01, 0xDD, 0xC3};   // inc ebp; add ebp, ebx; ret

    /** Runs the program once; returns {instructions retired, CPU nanoseconds, wall nanoseconds}. */
    static long[] runOnce(int outer) {
        ReentrantLock lock = new ReentrantLock();
        PhysicalMemory mem = new PhysicalMemory(1 << 20, 0, lock);
        try {
            mem.mapRam(0, 1 << 20, 0);
            CpuState cpu = new CpuState(0);
            VcpuSet vcpus = new VcpuSet(1);
            Vcpu vcpu = vcpus.get(0);
            vcpu.bindToCurrentThread();
            X86Vcpu x86 = new X86Engine(mem, vcpus, 4096).attach(vcpu, cpu, new CpuSocket(mem, new IoPortBus(lock)));
            x86.setSlice(Long.MAX_VALUE);
            load(mem);
            cpu.enterFlatProtectedMode();
            cpu.eip = CODE;
            cpu.regs[ESP] = STACK_TOP;
            cpu.regs[EDI] = outer;
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            while (!cpu.halted) {
                vcpus.processPendingWork(vcpu);
                x86.run();
            }
            long t1 = System.nanoTime();
            long c1 = threads.getCurrentThreadCpuTime();
            return new long[] {x86.retired(), c1 - c0, t1 - t0};
        } finally {
            mem.close();
        }
    }

    private static void load(PhysicalMemory mem) {
        int[] p = PROGRAM.clone();
        int inner = 30;
        int callAt = indexOf(p, 0xE8, inner);
        int rel = FUNC - (CODE + callAt + 5);
        for (int k = 0; k < 4; k++) p[callAt + 1 + k] = (rel >>> (8 * k)) & 0xFF;
        int jnzInner = callAt + 6;
        p[jnzInner + 1] = (inner - (jnzInner + 2)) & 0xFF;
        int jnzOuter = jnzInner + 3;
        p[jnzOuter + 1] = (1 - (jnzOuter + 2)) & 0xFF;
        for (int i = 0; i < p.length; i++) mem.writeByte(CODE + i, p[i]);
        for (int i = 0; i < FUNCTION.length; i++) mem.writeByte(FUNC + i, FUNCTION[i]);
    }

    private static int indexOf(int[] a, int value, int from) {
        for (int i = from; i < a.length; i++) if (a[i] == value) return i;
        throw new IllegalStateException("opcode not found");
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int outer = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        PrintStream out = System.out;
        for (int w = 0; w < 2; w++) runOnce(outer);   // warm-up: lets the JIT finish compiling the interpreter
        double[] mips = new double[runs];
        for (int i = 0; i < runs; i++) {
            long[] r = runOnce(outer);
            mips[i] = r[0] * 1000.0 / r[1];
            out.printf("run %d: %,d instructions in %.3f s CPU = %.1f MIPS (wall %.3f s = %.1f MIPS)%n", i + 1, r[0],
                    r[1] / 1e9, mips[i], r[2] / 1e9, r[0] * 1000.0 / r[2]);
        }
        Arrays.sort(mips);
        out.printf("median: %.1f MIPS%n", mips[runs / 2]);
    }
}
