package javelin.ui.chardev;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts the controlling terminal into raw mode for {@code -serial stdio} (so Ctrl-C and line
 * editing reach the guest, as with QEMU's stdio chardev) and restores the saved settings when the
 * JVM exits. Uses {@code stty} on {@code /dev/tty}: the JDK has no terminal-mode API. Does nothing
 * when standard input is not a terminal (pipes, CI).
 */
public final class RawTerminal {
    private static final System.Logger LOG = System.getLogger(RawTerminal.class.getName());
    private static final long STTY_TIMEOUT_SECONDS = 5;

    private RawTerminal() { }

    /** Enters raw mode if stdin is a terminal; returns whether it did. */
    public static boolean enter() {
        if (System.console() == null || !System.console().isTerminal()) return false;
        String saved = stty("-g");
        if (saved == null) return false;
        if (stty("raw", "-echo") == null) return false;
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> stty(saved.strip())));
        return true;
    }

    private static String stty(String... args) {
        StringBuilder cmd = new StringBuilder("stty");
        for (String a : args) cmd.append(' ').append(a);
        cmd.append(" < /dev/tty");
        try {
            Process p = new ProcessBuilder(List.of("sh", "-c", cmd.toString())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(STTY_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                LOG.log(System.Logger.Level.WARNING, "'" + cmd + "' failed: " + out.strip());
                return null;
            }
            return out;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot run stty: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
