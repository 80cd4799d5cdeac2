package javelin.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javelin.machine.CharDevSpec;
import javelin.machine.DriveSpec;
import javelin.machine.MachineConfig;
import javelin.machine.MachineConfigException;
import javelin.ui.fx.config.MachineProfile;
import javelin.ui.fx.config.MachineProfileStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Machine profiles on javelin's command line: their arguments parse to the machine they describe. */
class ProfileOptionTest {
    @TempDir
    Path dir;

    private Path image(String name) throws IOException {
        return Files.write(dir.resolve(name), new byte[512]);
    }

    @Test
    void aProfilesArgumentsGiveItsMachine() throws IOException {
        Path iso = image("cd.iso"), disk = image("disk.img"), kernel = image("bzImage"), initrd = image("initrd");
        MachineProfile p = MachineProfile.of("all", iso.toString(), disk.toString(), null, kernel.toString(),
                initrd.toString(), "console=ttyS0 root=/dev/sda", 768, 3);
        MachineConfig config = Main.configFromArguments(p.toArguments());
        assertEquals(768L << 20, config.ramBytes());
        assertEquals(3, config.smp());
        assertEquals(kernel, config.kernel());
        assertEquals(initrd.toString(), config.initrd());
        assertEquals("console=ttyS0 root=/dev/sda", config.append());
        assertEquals(List.of(new DriveSpec(0, DriveSpec.Media.DISK, disk, false),
                new DriveSpec(2, DriveSpec.Media.CDROM, iso, true)), config.drives());
        assertEquals(List.of(new CharDevSpec.VirtualConsole()), config.serial());              // COM1 is the window's console
    }

    @Test
    void aBadProfileIsAOneLineError() {
        MachineProfile p = MachineProfile.of("big", "/x.iso", null, null, null, null, null, 4096, 1);
        var e = assertThrows(MachineConfigException.class, () -> Main.configFromArguments(p.toArguments()));
        assertTrue(e.getMessage().startsWith("-m: RAM size must be between 1 MiB and 3 GiB"), e.getMessage());
    }

    @Test
    void machineProfileOptionIsReplacedByTheProfile() throws IOException {
        MachineProfileStore store = new MachineProfileStore(dir.resolve("config"));
        Path iso = image("boot.iso");
        store.save(MachineProfile.of("deb", iso.toString(), null, null, null, null, null, 256, 2));
        String[] args = ProfileOption.expand(new String[] {"-display", "javafx", "-machine-profile", "deb", "-no-reboot"}, store);
        assertArrayEquals(new String[] {"-display", "javafx", "-m", "256M", "-smp", "2", "-cdrom", iso.toString(), "-no-reboot"}, args);
        assertEquals(List.of("deb"), store.recent());
    }

    @Test
    void unknownOrBrokenProfilesAreOneLineErrors() throws IOException {
        MachineProfileStore store = new MachineProfileStore(dir.resolve("config"));
        var unknown = assertThrows(MachineConfigException.class,
                () -> ProfileOption.expand(new String[] {"-machine-profile", "nope"}, store));
        assertEquals("-machine-profile: no saved machine 'nope' (" + dir.resolve("config/machines/nope.json") + ")",
                unknown.getMessage());
        store.save(MachineProfile.of("moved", dir.resolve("gone.iso").toString(), null, null, null, null, null, 256, 1));
        var moved = assertThrows(MachineConfigException.class,
                () -> ProfileOption.expand(new String[] {"-machine-profile", "moved"}, store));
        assertEquals("-machine-profile moved: CD image " + dir.resolve("gone.iso") + ": no such file", moved.getMessage());
        var missing = assertThrows(MachineConfigException.class,
                () -> ProfileOption.expand(new String[] {"-machine-profile"}, store));
        assertEquals("-machine-profile: needs a machine name (saved ones: moved)", missing.getMessage());
    }

    @Test
    void serialConsoleNeedsTheWindow() {
        StringWriter err = new StringWriter();
        int status = Main.execute(new String[] {"-serial", "vc", "-display", "none"}, new java.io.PrintWriter(err, true));
        assertEquals(Main.EXIT_FAILURE, status);
        assertEquals("javelin: -serial vc: the console is shown in the window; add -display javafx", err.toString().strip());
    }
}
