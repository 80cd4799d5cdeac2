package javelin.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javelin.machine.MachineConfig.VcpuThreading;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Several vCPUs as a guest sees them (src/test/asm/smp-check.asm): the BSP starts the APs with
 * INIT-SIPI-SIPI through its local APIC; every AP runs the real-mode trampoline, counts itself
 * with LOCK XADD and records its CPUID initial APIC ID, which must be distinct and match its
 * APIC ID register; AP 1 sends the BSP a fixed IPI; the BSP's local APIC timer fires
 * periodically; the I/O APIC routes the PIT; WRMSR to IA32_APIC_BASE reaches the APIC. The ROM learns the CPU count from CMOS 0x5F, so
 * the report's "cpus N" must be the N configured here. With both thread=multi and single.
 */
class SmpMachineTest {
    private static String expectedReport(int cpus) {
        return "cpus " + cpus + "\nids ok\n" + (cpus > 1 ? "ipi ok\n" : "") + "timer ok\nioapic ok\napicbase ok\nall ok\n";
    }

    @ParameterizedTest(name = "-smp {0}, thread={1}")
    @CsvSource({"4, MULTI", "4, SINGLE", "2, MULTI", "1, MULTI"})
    void everyCpuStartsWithItsOwnApicAndInterruptsArrive(int cpus, VcpuThreading threading, @TempDir Path dir)
            throws Exception {
        Path rom = Nasm.assemble(Path.of("src/test/asm/smp-check.asm"), dir.resolve("smp.rom"));
        GuestOutput debug = new GuestOutput();
        MachineConfig config = new MachineConfig(32L << 20, cpus, rom, List.of(),
                new CharDevSpec.VirtualConsole(), new MachineConfig.DebugExitPorts(0xF4, 4), null,
                Set.of(), null, true, true, List.of(), false, null, null, null, null, false, false, threading);
        int status;
        String state = "";
        try (PcMachine machine = PcMachine.create(config, (device, spec) -> debug)) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(machine::run);
            try {
                status = run.get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                StringBuilder cpuState = new StringBuilder();
                for (MachineControl.CpuInfo c : machine.cpus()) {
                    cpuState.append("CPU ").append(c.index()).append(' ').append(c.mode()).append('\n').append(c.registerDump());
                }
                state = cpuState.toString();
                machine.requestExit(99);
                status = run.get(30, TimeUnit.SECONDS);
            }
            assertEquals(cpus, machine.cpus().size(), "MachineControl lists every vCPU");
        }
        String report = debug.text();
        assertEquals(expectedReport(cpus), report, state);
        assertEquals(0, status, "guest report:\n" + report + "(exit status (N<<1)|1 names failed check N)");
        assertEquals(expectedReport(cpus), report);
    }

    /** {@code -d stats}: a line per vCPU, the total (their sum), then the engine's counters. */
    @org.junit.jupiter.api.Test
    void statsListEveryVcpuThenTheTotalAndTheEngineCounters(@TempDir Path dir) throws Exception {
        Path rom = Nasm.assemble(Path.of("src/test/asm/smp-check.asm"), dir.resolve("smp.rom"));
        Path stats = dir.resolve("stats.txt");
        MachineConfig config = new MachineConfig(32L << 20, 2, rom, List.of(), null,
                new MachineConfig.DebugExitPorts(0xF4, 4), null, Set.of(MachineConfig.TraceItem.STATS), stats, true,
                true, List.of(), false, null, null, null, null, false, false, VcpuThreading.MULTI);
        try (PcMachine machine = PcMachine.create(config, HostBackends.NONE)) {
            assertEquals(0, CompletableFuture.supplyAsync(machine::run).get(60, TimeUnit.SECONDS));
        }
        List<String> lines = Files.readAllLines(stats);
        java.util.regex.Matcher cpu0 = java.util.regex.Pattern.compile("stats: CPU 0: (\\d+) instructions: [\\d.]+ MIPS").matcher(lines.get(0));
        java.util.regex.Matcher cpu1 = java.util.regex.Pattern.compile("stats: CPU 1: (\\d+) instructions: [\\d.]+ MIPS").matcher(lines.get(1));
        java.util.regex.Matcher total = java.util.regex.Pattern.compile("stats: (\\d+) instructions in [\\d.]+ s: [\\d.]+ MIPS").matcher(lines.get(2));
        org.junit.jupiter.api.Assertions.assertTrue(cpu0.matches() && cpu1.matches() && total.matches(), String.join("\n", lines));
        long n0 = Long.parseLong(cpu0.group(1)), n1 = Long.parseLong(cpu1.group(1));
        org.junit.jupiter.api.Assertions.assertTrue(n1 > 0, "the AP ran its trampoline");
        assertEquals(n0 + n1, Long.parseLong(total.group(1)));
        org.junit.jupiter.api.Assertions.assertTrue(lines.get(3).startsWith("TB count"), String.join("\n", lines));
    }
}
