package javelin.cpu.x86.interp;

import java.io.PrintStream;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Disassembler;

/**
 * A {@link Interpreter.Tracer} printing one line per executed instruction, like QEMU's
 * {@code -d in_asm} but per execution: {@code CS:EIP  disassembly}. Install it with
 * {@code interpreter.setTracer(new InstructionTrace(out))}; it builds strings only while installed.
 */
public final class InstructionTrace implements Interpreter.Tracer {
    private final PrintStream out;

    public InstructionTrace(PrintStream out) {
        this.out = out;
    }

    @Override
    public void instruction(CpuState cpu, DecodedInsn insn) {
        int eip = insn.code32 ? cpu.eip : cpu.eip & 0xFFFF;
        out.printf("%04x:%08x  %s%n", cpu.segSel[CpuState.CS], eip, Disassembler.format(insn, eip));
    }
}
