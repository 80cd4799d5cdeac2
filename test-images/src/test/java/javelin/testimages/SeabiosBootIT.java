package javelin.testimages;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import javelin.machine.DriveSpec;
import javelin.machine.HostBackends;
import javelin.machine.MachineConfig;
import javelin.machine.PcMachine;
import org.junit.jupiter.api.Test;

/**
 * The default firmware — Debian's SeaBIOS with SeaVGABIOS — runs on the board and prints to the
 * VGA text console, which the test reads through the display's text API.
 */
class SeabiosBootIT {
    private static MachineConfig config(List<DriveSpec> drives) {
        return config(drives, null);
    }

    private static MachineConfig config(List<DriveSpec> drives, String boot) {
        return new MachineConfig(64L << 20, 1, null, List.of(), null, null, null, Set.of(), null, false, true,
                drives, false, null, null, null, boot, false, false);
    }

    /** Runs the machine until the screen satisfies {@code done} (or the backstop timeout), then stops it. */
    private static String runUntilScreen(MachineConfig config, Predicate<String> done) throws Exception {
        try (PcMachine machine = PcMachine.create(config, HostBackends.NONE)) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(machine::run);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String screen = "";
            while (System.nanoTime() < deadline && !run.isDone()) {
                screen = String.join("\n", machine.screenText());
                if (done.test(screen)) break;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));   // poll the screen, not a timing assumption
            }
            machine.quit();
            run.get(30, TimeUnit.SECONDS);
            return screen;
        }
    }

    @Test
    void seabiosBannerAndNoBootableDeviceOnAnEmptyMachine() throws Exception {
        String screen = runUntilScreen(config(List.of()), s -> s.contains("No bootable device"));
        assertTrue(screen.contains("SeaBIOS (version"), screen);
        assertTrue(screen.contains("No bootable device"), screen);
    }

    @Test
    void bootMenuOnMakesSeabiosOfferIt() throws Exception {
        String screen = runUntilScreen(config(List.of(), "menu=on"), s -> s.contains("Press ESC for boot menu"));
        assertTrue(screen.contains("Press ESC for boot menu"), screen);
    }

    @Test
    void seabiosBootsIsolinuxFromTheReferenceCdWhichLoadsKernelAndInitrd() throws Exception {
        Path iso = ReferenceImages.image("javelin.iso");
        String screen = runUntilScreen(config(List.of(new DriveSpec(2, DriveSpec.Media.CDROM, iso, true))),
                s -> s.contains("Loading /boot/initrd.img...ok"));
        assertTrue(screen.contains("Booting from DVD/CD"), screen);
        assertTrue(screen.contains("ISOLINUX"), screen);
        assertTrue(screen.contains("Loading /boot/vmlinuz-686... ok"), screen);
        assertTrue(screen.contains("Loading /boot/initrd.img...ok"), screen);
    }
}
