package javelin.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Decoder;
import javelin.machine.MachineConfig.TraceItem;
import org.junit.jupiter.api.Test;

/**
 * The {@code -d} trace's lines. {@code in_asm}: CS:IP as the guest sees it (IP in 4 digits in
 * 16-bit code, 8 in 32-bit code), the linear address in brackets, then the instruction in
 * Intel syntax; with several vCPUs each line names its CPU.
 */
class InstructionTraceTest {
    private static DecodedInsn decode(boolean code32, int... bytes) {
        return new Decoder().decode(k -> bytes[k], code32);
    }

    private static List<String> trace(boolean multiCpu, CpuState cpu, DecodedInsn insn) throws Exception {
        StringWriter out = new StringWriter();
        try (InstructionTrace t = new InstructionTrace(out, false, Set.of(TraceItem.IN_ASM), multiCpu)) {
            t.instruction(cpu, insn);
        }
        return out.toString().lines().toList();
    }

    @Test
    void inAsmPrintsSegmentOffsetLinearAddressAndDisassembly() throws Exception {
        CpuState cpu = new CpuState(0);
        cpu.loadRealModeSegment(CpuState.CS, 0x1234);
        cpu.eip = 0x0010;
        assertEquals(List.of("1234:0010 [00012350] mov ax, 0x1234"), trace(false, cpu, decode(false, 0xB8, 0x34, 0x12)));
    }

    @Test
    void inAsmShowsAThirtyTwoBitOffsetInThirtyTwoBitCode() throws Exception {
        CpuState cpu = new CpuState(0);
        cpu.enterFlatProtectedMode();
        cpu.eip = 0x0010_0000;
        assertEquals(List.of("0008:00100000 [00100000] hlt"), trace(false, cpu, decode(true, 0xF4)));
    }

    @Test
    void withSeveralVcpusEachLineNamesItsCpu() throws Exception {
        CpuState ap = new CpuState(1);
        ap.startup(0x9A);
        assertEquals(List.of("CPU 1: 9a00:0000 [0009a000] nop"), trace(true, ap, decode(false, 0x90)));
    }
}
