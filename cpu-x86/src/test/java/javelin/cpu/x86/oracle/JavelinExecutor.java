package javelin.cpu.x86.oracle;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.interp.Interpreter;
import javelin.cpu.x86.testing.TestMachine;
import javelin.softmmu.PhysicalMemory;

/**
 * Runs an {@link OracleCase} on Javelin's {@link Interpreter} in a flat 32-bit protected mode at
 * CPL 0: code and data at the harness's addresses, an IDT whose every gate leads to a HLT (so a
 * fault ends the run with its vector). x87 cases first load the FPU from the case's FNSAVE
 * image and store it back afterwards, as the harness does with FRSTOR/FNSAVE.
 */
final class JavelinExecutor {
    private static final int RAM = 4 << 20, GDT = 0x1000, IDT = 0x2000, HANDLER = 0x3000, STACK_TOP = 0x38_0000;
    private static final int HLT = 0xF4;

    private final PhysicalMemory mem;
    private final CpuState cpu;
    private final Interpreter interp;

    JavelinExecutor() {
        TestMachine machine = TestMachine.builder().ram(RAM).interpreter().build();
        mem = machine.mem;
        cpu = machine.cpu();
        interp = machine.interpreter();
        // GDT: null, flat 4 GiB code (0x08), flat 4 GiB data (0x10) (SDM vol. 3, 3.4.5).
        mem.writeDword(GDT + 8, 0x0000_FFFF);
        mem.writeDword(GDT + 12, 0x00CF_9A00);
        mem.writeDword(GDT + 16, 0x0000_FFFF);
        mem.writeDword(GDT + 20, 0x00CF_9200);
        // IDT: 32-bit interrupt gates to HANDLER through selector 0x08 (SDM vol. 3, 6.11).
        for (int v = 0; v < 32; v++) {
            mem.writeDword(IDT + 8L * v, 0x0008_0000 | (HANDLER & 0xFFFF));
            mem.writeDword(IDT + 8L * v + 4, (HANDLER & 0xFFFF_0000) | 0x8E00);
        }
        mem.writeByte(HANDLER, HLT);
    }

    private void flat32() {
        cpu.reset();
        cpu.cr0 |= CR0_PE | CR0_NE;   // as Linux runs user code: x87 errors are #MF (SIGFPE)
        cpu.gdtrBase = GDT;
        cpu.gdtrLimit = 23;
        cpu.idtrBase = IDT;
        cpu.idtrLimit = 32 * 8 - 1;
        cpu.enterFlatProtectedMode();
    }

    OracleResult run(OracleCase c) {
        return c.kind() == OracleCase.Kind.INTEGER ? runInteger(c) : runX87(c);
    }

    private OracleResult runInteger(OracleCase c) {
        if (c.kind() == OracleCase.Kind.INTEGER) flat32();
        for (int i = 0; i < 8; i++) cpu.regs[i] = c.gpr().get(i);
        cpu.regs[ESP] = STACK_TOP;
        cpu.setEflags((c.eflags() & 0x0CD5) | 2);
        byte[] code = c.code();
        for (int i = 0; i < code.length; i++) mem.writeByte(OracleCase.CODE_ADDR + i, code[i] & 0xFF);
        mem.writeByte(OracleCase.CODE_ADDR + code.length, HLT);
        mem.writeBytes(OracleCase.DATA_ADDR, c.data(), 0, OracleCase.DATA_SIZE);
        cpu.eip = OracleCase.CODE_ADDR;
        cpu.halted = false;
        interp.clearLastFault();
        for (int i = 0; i < 5 && !cpu.halted && interp.lastFaultVector() < 0; i++) interp.step();
        int vector = interp.lastFaultVector();
        byte[] data = new byte[OracleCase.DATA_SIZE];
        mem.readBytes(OracleCase.DATA_ADDR, data, 0, data.length);
        if (vector >= 0) {
            return new OracleResult(new int[8], 0, new byte[OracleCase.FSAVE_SIZE], data, OracleResult.faultOfVector(vector));
        }
        int[] gpr = cpu.regs.clone();
        gpr[ESP] = 0;
        return new OracleResult(gpr, cpu.getEflags(), c.fsave(), data, OracleResult.NONE);
    }

    /** An x87 case on the interpreter: the FPU loaded from the case's FNSAVE image, saved back the same way. */
    private OracleResult runX87(OracleCase c) {
        flat32();
        cpu.fpu.restore(c.fsave(), true, false);
        OracleResult r = runInteger(c);
        if (!r.fault().equals(OracleResult.NONE)) return r;
        return new OracleResult(r.gpr(), r.eflags(), cpu.fpu.save(true, false), r.data(), r.fault());
    }
}
