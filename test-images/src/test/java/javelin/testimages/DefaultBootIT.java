package javelin.testimages;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code javelin} with no arguments boots the reference CD, with COM1 on the terminal, to a shell. */
class DefaultBootIT {
    @Test
    void noArgumentsBootsTheReferenceCdToAShellOnTheTerminal(@TempDir Path dir) throws Exception {
        String release = LinuxGuest.kernelRelease();
        ReferenceImages.image("javelin.iso");
        ProcessBuilder pb = new ProcessBuilder(JavelinProcess.command());
        pb.environment().put("ALSOFT_DRIVERS", "null");
        JavelinProcess.headless(pb);
        Path out = dir.resolve("terminal.txt");
        Process p = pb.directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LinuxGuest.BOOT_TIMEOUT_SECONDS);
            String terminal = "";
            while (System.nanoTime() < deadline && p.isAlive()) {
                terminal = Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (terminal.contains("javelin# ")) break;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));   // poll the terminal file
            }
            assertTrue(terminal.contains("ISOLINUX"), "booted from the CD:\n" + tail(terminal));
            assertTrue(terminal.contains("JAVELIN-READY " + release), "the marker on the terminal:\n" + tail(terminal));
            assertTrue(terminal.contains("javelin# "), "a shell prompt on the terminal:\n" + tail(terminal));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String tail(String s) {
        return s.substring(Math.max(0, s.length() - 2000));
    }
}
