package javelin.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javelin.machine.MachineConfig.VcpuThreading;
import javelin.machine.MachineControl.Event;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pause, resume and reset with two vCPUs (src/test/asm/smp-spin.asm: every CPU increments its
 * own counter forever). Paused, no counter moves ([VT-1], [VT-2] of VcpuThreads: STOP is
 * reported only once every vCPU is stopped); resumed, both move again; after a reset the BSP has
 * booted twice and the AP ran its trampoline twice, which it only does if the reset put it back
 * into wait-for-SIPI.
 */
class PcMachinePauseTest {
    private static final long COUNTERS = 0x600, BOOTS = 0x700, AP_STARTS = 0x704;

    @ParameterizedTest
    @EnumSource(VcpuThreading.class)
    void pauseStopsEveryCpuResumeAndResetStartThemAgain(VcpuThreading threading, @TempDir Path dir) throws Exception {
        Path rom = Nasm.assemble(Path.of("src/test/asm/smp-spin.asm"), dir.resolve("spin.rom"));
        MachineConfig config = new MachineConfig(32L << 20, 2, rom, List.of(), null, null, null, Set.of(), null,
                false, true, List.of(), false, null, null, null, null, false, false, threading);
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        try (PcMachine machine = PcMachine.create(config, HostBackends.NONE)) {
            machine.addEventListener(events::add);
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(machine::run);
            awaitTrue(() -> dword(machine, COUNTERS) > 0 && dword(machine, COUNTERS + 4) > 0, "both CPUs count");

            machine.pause();
            assertEquals(Event.STOP, events.poll(20, TimeUnit.SECONDS));
            assertEquals(MachineControl.RunState.PAUSED, machine.runState());
            long bsp = dword(machine, COUNTERS), ap = dword(machine, COUNTERS + 4);
            Thread.sleep(300);
            assertEquals(bsp, dword(machine, COUNTERS), "the BSP is stopped");
            assertEquals(ap, dword(machine, COUNTERS + 4), "the AP is stopped");
            List<MachineControl.CpuInfo> cpus = machine.cpus();
            assertEquals(2, cpus.size());
            assertEquals("protected32", cpus.get(1).mode());

            machine.resume();
            assertEquals(Event.RESUME, events.poll(20, TimeUnit.SECONDS));
            awaitTrue(() -> dword(machine, COUNTERS) > bsp && dword(machine, COUNTERS + 4) > ap, "both CPUs count again");

            machine.reset();
            assertEquals(Event.RESET, events.poll(20, TimeUnit.SECONDS));
            awaitTrue(() -> dword(machine, BOOTS) == 2 && dword(machine, AP_STARTS) == 2, "a second boot and AP start");
            long apAfter = dword(machine, COUNTERS + 4);
            awaitTrue(() -> dword(machine, COUNTERS + 4) > apAfter, "the AP counts after the reset");

            machine.quit();
            assertNotNull(run.get(30, TimeUnit.SECONDS));
        }
    }

    private static long dword(PcMachine machine, long address) {
        return ByteBuffer.wrap(machine.readPhysical(address, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            Thread.sleep(10);
        }
    }
}
