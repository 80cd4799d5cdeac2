package javelin.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javelin.devices.input.KeyCode;
import javelin.devices.serial.SerialBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The board as a guest sees it: a ROM probes the chips at the PC's addresses (PCI IDs of the
 * i440FX, PIIX3, PIIX3 IDE and std VGA; CMOS memory size; PIT IRQ 0 through the 8259A pair;
 * the 8042 delivering a key the host pressed; A20 wrap through the 8042 and port 92h; COM1 and
 * COM2) and
 * finally resets the machine through port CF9h, which -no-reboot turns into exit status 0.
 */
class PcMachineBoardTest {
    @Test
    void guestFindsEveryChipAtItsPcAddress(@TempDir Path dir) throws Exception {
        Path rom = Nasm.assemble(Path.of("src/test/asm/board-check.asm"), dir.resolve("board.rom"));
        GuestOutput debug = new GuestOutput();
        GuestOutput com1 = new GuestOutput();
        MachineConfig config = new MachineConfig(32L << 20, 1, rom, List.of(new CharDevSpec.VirtualConsole(), new CharDevSpec.Null()),
                new CharDevSpec.VirtualConsole(), new MachineConfig.DebugExitPorts(0xF4, 4), null,
                Set.of(), null, true, true, List.of(), false, null, null, null, null, false, false);
        HostBackends host = (device, spec) -> switch (device) {
            case COM1 -> com1;
            case DEBUGCON -> debug;
            default -> SerialBackend.NONE;
        };
        int status;
        try (PcMachine machine = PcMachine.create(config, host)) {
            machine.keyEvent(KeyCode.A, true);     // posted: applied by the vCPU thread at its first slice end
            machine.keyEvent(KeyCode.A, false);
            status = CompletableFuture.supplyAsync(machine::run).get(60, TimeUnit.SECONDS);
        }
        String report = debug.text();
        assertEquals(0, status, "guest report:\n" + report + "(exit status (N<<1)|1 names failed check N)");
        assertEquals("pci ok\ncmos ok\npit ok\nkbd ok\na20 ok\nuart ok\nall ok\n", report);
        assertTrue(com1.text().startsWith("hello on com1\r\n"), "COM1 carried the line");
    }
}
