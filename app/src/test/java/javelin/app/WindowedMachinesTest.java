package javelin.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javelin.machine.CharDevSpec;
import javelin.machine.MachineConfig;
import javelin.machine.MachineConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building the machines the window runs: which port is the console, and what is refused. */
class WindowedMachinesTest {
    @TempDir
    Path dir;

    /** A 64 KiB firmware image of HLT instructions: the machine is built, never run. */
    private Path haltingBios() throws IOException {
        byte[] rom = new byte[64 << 10];
        Arrays.fill(rom, (byte) 0xF4);
        return Files.write(dir.resolve("halt.rom"), rom);
    }

    private MachineConfig config(String... serial) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("-bios", haltingBios().toString(), "-m", "16", "-audio", "none"));
        for (String s : serial) args.addAll(List.of("-serial", s));
        return Main.configFromArguments(args);
    }

    @Test
    void theVcPortIsTheConsole() throws IOException {
        try (WindowedMachines.Session s = WindowedMachines.Session.build(config("null", "vc"), null, null)) {
            assertNotNull(s.console());
        }
    }

    @Test
    void withoutVcThereIsNoConsole() throws IOException {
        try (WindowedMachines.Session s = WindowedMachines.Session.build(config("null"), null, null)) {
            assertNull(s.console());
        }
    }

    @Test
    void aProfilesMachineGetsTheConsoleOnCom1() throws IOException {
        MachineConfig c = config();                                     // no -serial, in the window
        assertEquals(List.of(new CharDevSpec.VirtualConsole()), c.serial());
    }

    @Test
    void onlyOnePortCanBeTheConsole() {
        var e = assertThrows(MachineConfigException.class,
                () -> WindowedMachines.Session.build(config("vc", "vc"), null, null));
        assertEquals("-serial vc: only one port can be the window's console", e.getMessage());
    }

    @Test
    void aMissingImageIsAOneLineErrorAndNothingStaysOpen() throws IOException {
        List<String> args = List.of("-bios", haltingBios().toString(), "-m", "16", "-audio", "none",
                "-hda", dir.resolve("missing.img").toString());
        var e = assertThrows(MachineConfigException.class,
                () -> WindowedMachines.Session.build(Main.configFromArguments(args), null, null));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().contains("missing.img"), e.getMessage());
    }
}
