package javelin.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the window's status bar reads without the machine lock: retired instructions and drive counters. */
class PcMachineStatisticsTest {
    @Test
    void countsRetiredInstructionsAndListsEveryDrive(@TempDir Path dir) throws Exception {
        Path rom = Nasm.assemble(Path.of("src/test/asm/board-check.asm"), dir.resolve("board.rom"));
        Path disk = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        MachineConfig config = new MachineConfig(32L << 20, 1, rom, List.of(new CharDevSpec.Null(), new CharDevSpec.Null()),
                null, new MachineConfig.DebugExitPorts(0xF4, 4), null, Set.of(), null, true, true,
                List.of(new DriveSpec(0, DriveSpec.Media.DISK, disk, false)), false, null, null, null, null, false, false);
        try (PcMachine machine = PcMachine.create(config, HostBackends.NONE)) {
            assertEquals(0, machine.instructionsRetired()[0]);
            assertEquals(List.of(new MachineControl.DriveActivity("ide0-hd0", "disk", 0, 0)), machine.driveActivity());
            CompletableFuture.supplyAsync(machine::run).get(60, TimeUnit.SECONDS);
            long[] retired = machine.instructionsRetired();
            assertEquals(1, retired.length, "one vCPU");
            assertTrue(retired[0] > 1000, "the board ROM ran: " + retired[0]);
        }
    }
}
