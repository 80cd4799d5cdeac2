package javelin.machine;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Disassembler;
import javelin.cpu.x86.interp.Interpreter;
import javelin.machine.MachineConfig.TraceItem;

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
    private final boolean multiCpu;

    InstructionTrace(Writer out, boolean ownsStream, Set<TraceItem> items, boolean multiCpu) {
        this.multiCpu = multiCpu;
        this.out = out;
        this.ownsStream = ownsStream;
        this.insns = items.contains(TraceItem.IN_ASM);
        this.regs = items.contains(TraceItem.CPU);
        this.resets = items.contains(TraceItem.RESET);
        this.stats = items.contains(TraceItem.STATS);
    }

    /** The trace the configuration asks for, or null; the machine installs it on each vCPU. */
    static InstructionTrace open(MachineConfig config) {
        if (config.trace().isEmpty()) return null;
        Writer w;
        try {
            w = config.traceFile() == null
                    ? new BufferedWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8))
                    : Files.newBufferedWriter(config.traceFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MachineConfigException("-D: cannot open " + config.traceFile() + ": " + e.getMessage(), e);
        }
        return new InstructionTrace(w, config.traceFile() != null, config.trace(), config.smp() > 1);
    }

    /** Whether the vCPUs must report each instruction ({@code in_asm} or {@code cpu}). */
    boolean tracesInstructions() {
        return insns || regs;
    }

    /** Synchronized: with several vCPUs, each instruction's lines stay together, prefixed by the CPU index. */
    @Override public synchronized void instruction(CpuState cpu, DecodedInsn insn) {
        try {
            if (multiCpu) out.write("CPU " + cpu.cpuIndex + ": ");
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
    synchronized void reset(String what, CpuState cpu) {
        if (!resets) return;
        try {
            out.write(String.format("reset: %s at %04x:%08x%n", what, cpu.segSel[CpuState.CS], cpu.eip));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("trace write failed", e);
        }
    }

    /**
     * Records the run's totals ({@code -d stats}): a line per vCPU (instructions and MIPS over the
     * machine's run time), the total, then the engine's counters (TbStats).
     */
    synchronized void stats(List<VirtualCpu> cpus, long hostNanos, String engineStats) {
        if (!stats) return;
        try {
            double seconds = hostNanos / 1e9;
            long total = 0;
            for (VirtualCpu v : cpus) {
                long n = v.x86.retired();
                total += n;
                if (cpus.size() > 1) {
                    out.write(String.format("stats: CPU %d: %d instructions: %.1f MIPS%n", v.index, n, mips(n, seconds)));
                }
            }
            out.write(String.format("stats: %d instructions in %.3f s: %.1f MIPS%n", total, seconds, mips(total, seconds)));
            if (!engineStats.isEmpty()) out.write(engineStats.endsWith("\n") ? engineStats : engineStats + System.lineSeparator());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("trace write failed", e);
        }
    }

    private static double mips(long instructions, double seconds) {
        return seconds > 0 ? instructions / seconds / 1e6 : 0.0;
    }

    @Override public synchronized void close() throws IOException {
        out.flush();
        if (ownsStream) out.close();      // never close standard error
    }
}
