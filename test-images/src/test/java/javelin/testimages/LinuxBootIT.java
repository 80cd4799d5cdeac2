package javelin.testimages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javelin.machine.DriveSpec;
import javelin.machine.PcMachine;
import org.junit.jupiter.api.Test;

/**
 * Debian's i386 Linux boots from the reference CD through SeaBIOS and ISOLINUX to our /init,
 * which prints its marker on the serial and VGA consoles and starts a shell on each. The test
 * types at the serial shell as a person would. One boot covers the whole conversation.
 */
class LinuxBootIT {
    @Test
    void referenceCdBootsToAShellThatAnswersAndRebootEndsTheRun() throws Exception {
        Path iso = ReferenceImages.image("javelin.iso");
        String release = LinuxGuest.kernelRelease();
        ConsolePipe com1 = new ConsolePipe();
        var config = LinuxGuest.config(List.of(new DriveSpec(2, DriveSpec.Media.CDROM, iso, true)), false, null, null, null, false);
        try (PcMachine machine = PcMachine.create(config, (device, spec) -> com1)) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(machine::run);
            int at = com1.await("JAVELIN-READY " + release, 0, LinuxGuest.BOOT_TIMEOUT_SECONDS);

            // /init writes the marker to ttyS0, then to tty1: wait for the VGA text console too,
            // which also carries the kernel's messages (console=tty1).
            String screen = LinuxGuest.awaitScreen(machine, "JAVELIN-READY " + release, 120);
            assertTrue(screen.contains("JAVELIN-READY " + release), "VGA text console shows the marker:\n" + screen);
            assertTrue(screen.contains("Run /init as init process"), "VGA text console shows kernel messages:\n" + screen);

            at = com1.await("javelin# ", at, LinuxGuest.STEP_TIMEOUT_SECONDS);
            at = LinuxGuest.ask(com1, "echo $((6*7))", "42", at);
            at = LinuxGuest.ask(com1, "uname -r", release, at);
            com1.type("reboot -f\n");
            // -no-reboot: the guest's reset ends the run with status 0.
            assertEquals(0, run.get(LinuxGuest.STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }
}
