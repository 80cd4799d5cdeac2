package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Engine;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.cpu.x86.mmu.Mmu;
import javelin.cpu.x86.testing.TestMachine;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;

/**
 * An instruction test's program in a 1 MiB {@link TestMachine} with one vCPU on the engine:
 * code at {@link #CODE} followed by a HLT, data at {@link #DATA}, stack below
 * {@link #STACK_TOP}. Real mode has every IVT vector pointing at a HLT at {@link #HANDLER},
 * so a fault ends the run there with the vector in {@link Interpreter#lastFaultVector()}.
 * {@link #flat32()} switches to a flat 32-bit protected mode (segment caches set directly, as
 * after a far jump into a 4 GiB code segment).
 */
final class TestProgram {
    static final int CODE = 0x1000, DATA = 0x2000, STACK_TOP = 0x9000, HANDLER = 0x500;
    static final int HLT = 0xF4;

    final TestMachine machine = TestMachine.builder().ram(1 << 20).engine(1024).build();
    final PhysicalMemory mem = machine.mem;
    final CpuState cpu = machine.cpu();
    final VcpuSet vcpus = machine.vcpus;
    final Vcpu vcpu = machine.vcpu(0);
    final X86Engine engine = machine.engine;
    final X86Vcpu x86 = machine.x86(0);
    /** The engine's interpreter of this CPU: {@link #runStepwise()} steps it directly. */
    final Interpreter interp = machine.interpreter();
    final Mmu mmu = machine.mmu();
    /** What the CPU is plugged into: tests wire INTR, ports and the PAUSE hint here. */
    final CpuSocket socket = machine.socket();
    final int[] r = cpu.regs;

    TestProgram() {
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
    TestProgram flat32() {
        cpu.enterFlatProtectedMode();
        return this;
    }

    /** Places {@code bytes} at {@link #CODE} followed by HLT. */
    TestProgram code(int... bytes) {
        for (int i = 0; i < bytes.length; i++) mem.writeByte(CODE + i, bytes[i]);
        mem.writeByte(CODE + bytes.length, HLT);
        return this;
    }

    /** Runs from {@link #CODE} on the engine until a HLT executes; returns the instructions retired. */
    long run() {
        interp.clearLastFault();
        return machine.runUntilHalt(0, CODE, 1000);
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
