package javelin.machine;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Set;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Disassembler;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.cpu.x86.interp.Interpreter;
import javelin.machine.MachineConfig.TraceItem;
import javelin.softmmu.tb.TbStats;

/**
 * The {@code -d} trace. {@code in_asm}: one line per executed instruction ({@code CS:IP} as the
 * guest sees it, the linear address and the disassembly), optionally preceded by the register
 * file ({@code cpu}); {@code reset}: a line per guest reset or shutdown. Written to the {@code -D} file or standard error. Debugging aid, so it is allowed to be
 * slow; it costs nothing when off because the interpreter's tracer hook stays null. {@code stats}
 * adds the translation-block engine's counters.
 */
final class InstructionTrace implements Interpreter.Tracer, AutoCloseable {
    private final Writer out;
    private final boolean insns;
    private final boolean regs;
    private final boolean resets;
    private final boolean stats;
    private final boolean ownsStream;

    private InstructionTrace(Writer out, boolean ownsStream, Set<TraceItem> items) {
        this.out = out;
        this.ownsStream = ownsStream;
        this.insns = items.contains(TraceItem.IN_ASM);
        this.regs = items.contains(TraceItem.CPU);
        this.resets = items.contains(TraceItem.RESET);
        this.stats = items.contains(TraceItem.STATS);
    }

    /** Installs a trace on {@code vcpu} if the configuration asks for one; else null. */
    static InstructionTrace open(MachineConfig config, X86Vcpu vcpu) {
        if (config.trace().isEmpty()) return null;
        Writer w;
        try {
            w = config.traceFile() == null
                    ? new BufferedWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8))
                    : Files.newBufferedWriter(config.traceFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MachineConfigException("-D: cannot open " + config.traceFile() + ": " + e.getMessage(), e);
        }
        InstructionTrace t = new InstructionTrace(w, config.traceFile() != null, config.trace());
        if (t.insns || t.regs) vcpu.setTracer(t);
        return t;
    }

    @Override public void instruction(CpuState cpu, DecodedInsn insn) {
        try {
            if (regs) {
                out.write(String.format("EAX=%08x EBX=%08x ECX=%08x EDX=%08x ESI=%08x EDI=%08x EBP=%08x ESP=%08x%n",
                        cpu.regs[CpuState.EAX], cpu.regs[CpuState.EBX], cpu.regs[CpuState.ECX], cpu.regs[CpuState.EDX],
                        cpu.regs[CpuState.ESI], cpu.regs[CpuState.EDI], cpu.regs[CpuState.EBP], cpu.regs[CpuState.ESP]));
                out.write(String.format("EIP=%08x EFL=%08x CPL=%d CR0=%08x ES=%04x CS=%04x SS=%04x DS=%04x FS=%04x GS=%04x%n",
                        cpu.eip, cpu.getEflags(), cpu.cpl, cpu.cr0, cpu.segSel[CpuState.ES], cpu.segSel[CpuState.CS],
                        cpu.segSel[CpuState.SS], cpu.segSel[CpuState.DS], cpu.segSel[CpuState.FS], cpu.segSel[CpuState.GS]));
            }
            if (insns) {
                long linear = (cpu.segBase[CpuState.CS] + cpu.eip) & 0xFFFF_FFFFL;
                String ip = cpu.code32 ? String.format("%08x", cpu.eip) : String.format("%04x", cpu.eip & 0xFFFF);
                out.write(String.format("%04x:%s [%08x] %s%n", cpu.segSel[CpuState.CS], ip, linear,
                        Disassembler.format(insn, cpu.eip)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("instruction trace write failed", e);
        }
    }

    /** Records a guest reset or shutdown ({@code -d reset}). */
    void reset(String what, CpuState cpu) {
        if (!resets) return;
        try {
            out.write(String.format("reset: %s at %04x:%08x%n", what, cpu.segSel[CpuState.CS], cpu.eip));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("trace write failed", e);
        }
    }

    /** Records the run's totals and the code cache's counters ({@code -d stats}). */
    void stats(long instructions, long hostNanos, TbStats tb) {
        if (!stats) return;
        try {
            double seconds = hostNanos / 1e9;
            out.write(String.format("stats: %d instructions in %.3f s: %.1f MIPS%n", instructions, seconds,
                    seconds > 0 ? instructions / seconds / 1e6 : 0.0));
            out.write(tb.format());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("trace write failed", e);
        }
    }

    @Override public void close() throws IOException {
        out.flush();
        if (ownsStream) out.close();      // never close standard error
    }
}
