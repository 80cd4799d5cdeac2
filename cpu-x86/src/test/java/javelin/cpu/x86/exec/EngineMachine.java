package javelin.cpu.x86.exec;

import static javelin.cpu.x86.CpuState.*;

import java.util.concurrent.locks.ReentrantLock;
import javelin.cpu.x86.CpuState;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;
import javelin.softmmu.tb.TranslationBlock;

/**
 * 1 MiB of RAM and {@code n} x86 vCPUs on one {@link X86Engine}, each in flat 32-bit protected
 * mode (paging off) with its own stack, for engine tests. Programs are written with
 * {@link PhysicalMemory#writeBytes}, the DMA path.
 */
final class EngineMachine implements AutoCloseable {
    static final int CODE = 0x1000, DATA = 0x8000, STACK_TOP = 0x80000;

    final PhysicalMemory mem;
    final VcpuSet vcpus;
    final X86Engine engine;
    final CpuState[] cpus;
    final X86Vcpu[] x86;

    EngineMachine(int n, int capacity) {
        ReentrantLock lock = new ReentrantLock();
        mem = new PhysicalMemory(1 << 20, 0, lock);
        mem.mapRam(0, 1 << 20, 0);
        vcpus = new VcpuSet(n);
        engine = new X86Engine(mem, vcpus, capacity);
        cpus = new CpuState[n];
        x86 = new X86Vcpu[n];
        for (int i = 0; i < n; i++) {
            CpuState cpu = new CpuState(mem, new IoPortBus(lock), i);
            cpu.enterFlatProtectedMode();
            cpu.eip = CODE;
            cpu.regs[ESP] = STACK_TOP - 0x1000 * i;
            cpus[i] = cpu;
            x86[i] = engine.attach(vcpus.get(i), cpu);
        }
    }

    EngineMachine() {
        this(1, 4096);
    }

    CpuState cpu() {
        return cpus[0];
    }

    EngineMachine load(int at, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        mem.writeBytes(at, b, 0, b.length);
        return this;
    }

    /** Runs vCPU {@code i} on the calling thread from {@code eip} until it halts. */
    void runUntilHalt(int i, int eip) {
        Vcpu v = vcpus.get(i);
        v.bindToCurrentThread();
        CpuState cpu = cpus[i];
        cpu.eip = eip;
        cpu.halted = false;
        for (int k = 0; k < 1_000_000 && !cpu.halted; k++) {
            vcpus.processPendingWork(v);
            x86[i].run();
        }
        if (!cpu.halted) throw new AssertionError("vCPU " + i + " did not reach HLT");
    }

    void runUntilHalt() {
        runUntilHalt(0, CODE);
    }

    /** The block vCPU 0 would run now (translating it if needed); the calling thread becomes vCPU 0's. */
    TranslationBlock blockAt(int eip) {
        vcpus.get(0).bindToCurrentThread();
        cpu().eip = eip;
        return engine.cache().lookup(vcpus.get(0), cpu());
    }

    @Override
    public void close() {
        mem.close();
    }
}
