package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import java.util.concurrent.locks.ReentrantLock;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Engine;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;

/**
 * A 1 MiB machine around one vCPU on the translation-block engine for instruction tests: code at {@link #CODE}, data at
 * {@link #DATA}, stack below {@link #STACK_TOP}. Real mode has every IVT vector pointing at a
 * HLT at {@link #HANDLER}, so a fault ends the run there with the vector in
 * {@link Interpreter#lastFaultVector()}. {@link #flat32()} switches to a flat 32-bit protected
 * mode (segment caches set directly, as after a far jump into a 4 GiB code segment).
 */
final class TestMachine {
    static final int CODE = 0x1000, DATA = 0x2000, STACK_TOP = 0x9000, HANDLER = 0x500;
    static final int HLT = 0xF4;

    final PhysicalMemory mem;
    final CpuState cpu;
    final VcpuSet vcpus = new VcpuSet(1);
    final Vcpu vcpu = vcpus.get(0);
    final X86Engine engine;
    final X86Vcpu x86;
    /** The engine's interpreter of this CPU: {@link #runStepwise()} steps it directly. */
    final Interpreter interp;
    final int[] r;

    TestMachine() {
        ReentrantLock lock = new ReentrantLock();
        mem = new PhysicalMemory(1 << 20, 0, lock);
        mem.mapRam(0, 1 << 20, 0);
        cpu = new CpuState(mem, new IoPortBus(lock), 0);
        vcpu.bindToCurrentThread();
        engine = new X86Engine(mem, vcpus, 1024);
        x86 = engine.attach(vcpu, cpu);
        interp = cpu.interpreter;
        r = cpu.regs;
        for (int s = 0; s < 6; s++) {
            cpu.segSel[s] = 0;
            cpu.segBase[s] = 0;
        }
        cpu.updateModeCaches();
        for (int v = 0; v < 256; v++) mem.writeDword(v * 4L, HANDLER);
        mem.writeByte(HANDLER, HLT);
        r[ESP] = STACK_TOP;
    }

    /** Flat 4 GiB segments with D/B = 1, CPL 0, protected mode (paging off). */
    TestMachine flat32() {
        cpu.enterFlatProtectedMode();
        return this;
    }

    /** Places {@code bytes} at {@link #CODE} followed by HLT. */
    TestMachine code(int... bytes) {
        for (int i = 0; i < bytes.length; i++) mem.writeByte(CODE + i, bytes[i]);
        mem.writeByte(CODE + bytes.length, HLT);
        return this;
    }

    /** Runs from {@link #CODE} on the engine until a HLT executes; returns the instructions retired. */
    long run() {
        cpu.eip = CODE;
        cpu.halted = false;
        interp.clearLastFault();
        long before = x86.retired();
        for (int i = 0; i < 1000 && !cpu.halted; i++) {
            vcpus.processPendingWork(vcpu);
            x86.run();
        }
        if (!cpu.halted) throw new AssertionError("no HLT reached");
        return x86.retired() - before;
    }

    /** As {@link #run()}, one {@link Interpreter#step()} at a time. */
    void runStepwise() {
        cpu.eip = CODE;
        cpu.halted = false;
        interp.clearLastFault();
        for (int i = 0; i < 100_000 && !cpu.halted; i++) interp.step();
        if (!cpu.halted) throw new AssertionError("no HLT reached");
    }

    int flags() {
        return cpu.getEflags();
    }

    /** True if the run ended in the fault handler after raising {@code vector}. */
    boolean faulted(int vector) {
        return interp.lastFaultVector() == vector && cpu.eip == HANDLER + 1;
    }

    int byteAt(int addr) {
        return mem.readByte(addr);
    }

    int wordAt(int addr) {
        return mem.readWord(addr);
    }

    int dwordAt(int addr) {
        return mem.readDword(addr);
    }
}
