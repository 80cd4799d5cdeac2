package javelin.testimages;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javelin.machine.CharDevSpec;
import javelin.machine.DriveSpec;
import javelin.machine.MachineConfig;
import javelin.machine.PcMachine;

/** What the Linux boot tests share: the reference kernel's release, machine configurations, a conversation. */
final class LinuxGuest {
    /** Backstop for a boot to the marker; a boot takes a few minutes on the interpreter. */
    static final long BOOT_TIMEOUT_SECONDS = 1200;
    static final long STEP_TIMEOUT_SECONDS = 600;

    private LinuxGuest() { }

    /** The kernel release of the reference images, from the package they were built from. */
    static String kernelRelease() throws Exception {
        Matcher m = Pattern.compile("Package: linux-image-(\\S+-686) ").matcher(Files.readString(ReferenceImages.image("manifest.txt")));
        assertTrue(m.find(), "manifest names the 686 kernel package");
        return m.group(1);
    }

    /**
     * COM1's back end in the tests' configurations: a console the front end provides, which here
     * is the test itself (a {@link ConsolePipe} given to {@code PcMachine.create}).
     */
    static final CharDevSpec TEST_CONSOLE = new CharDevSpec.VirtualConsole();

    /** 256 MiB, COM1 to the test, -no-reboot; drives, kernel and -snapshot as given. */
    static MachineConfig config(List<DriveSpec> drives, boolean snapshot, Path kernel, String initrd, String append,
                                boolean noFirmware) {
        return new MachineConfig(256L << 20, 1, null, List.of(TEST_CONSOLE), null, null, null, Set.of(), null, true, true,
                drives, snapshot, kernel, initrd, append, null, noFirmware, false);
    }

    /** Boots, waits for the marker and the shell prompt, runs one command and checks its output line. */
    static void bootAndAsk(MachineConfig config, String release, String command, String answer) throws Exception {
        ConsolePipe com1 = new ConsolePipe();
        try (PcMachine machine = PcMachine.create(config, (device, spec) -> com1)) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(machine::run);
            int at = com1.await("JAVELIN-READY " + release, 0, BOOT_TIMEOUT_SECONDS);
            at = com1.await("javelin# ", at, STEP_TIMEOUT_SECONDS);
            ask(com1, command, answer, at);
            machine.quit();
            run.get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Types a command at the shell and waits for its answer line. BusyBox ash asks the terminal
     * for the cursor position (ESC [6n) when it prints a prompt; a command typed before it gives
     * up waiting for the reply can lose its Enter (seen once in CI: the command echoed, nothing
     * ran). So if no answer comes within a minute, press Enter once more, as a person would.
     */
    static int ask(ConsolePipe com1, String command, String answer, int from) throws InterruptedException {
        com1.type(command + "\n");
        try {
            return com1.await(answer + "\r\n", from, 60);
        } catch (AssertionError noAnswerYet) {
            com1.type("\n");
            return com1.await(answer + "\r\n", from, STEP_TIMEOUT_SECONDS);
        }
    }

    /** Polls the VGA text console until it shows {@code text} or the backstop deadline passes. */
    static String awaitScreen(PcMachine machine, String text, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String screen;
        do {
            screen = String.join("\n", machine.screenText());
            if (screen.contains(text)) break;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        } while (System.nanoTime() < deadline);
        return screen;
    }
}
