package javelin.testimages;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The emulator as a child process whose COM1 is our pipe ({@code -serial stdio}): a test waits
 * for text on the guest's serial console and types at it, as a person at a terminal would.
 * Output is collected by a reader thread; waits are bounded by deadlines, never sleeps.
 */
final class InteractiveProcess implements AutoCloseable {
    private final Process process;
    private final OutputStream stdin;
    private final StringBuilder output = new StringBuilder();   // guarded by itself

    InteractiveProcess(Path workDir, String... args) throws IOException {
        Path appTarget = JavelinProcess.root().resolve("app/target");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djavelin.root=" + JavelinProcess.root(),
                "-cp", JavelinProcess.appJar(appTarget) + java.io.File.pathSeparator + appTarget.resolve("lib") + "/*",
                "javelin.app.Main"));
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectError(workDir.resolve("stderr.txt").toFile()).start();
        stdin = process.getOutputStream();
        Thread reader = new Thread(() -> pump(process.getInputStream()), "guest-serial-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (output) {
                    output.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process ended: nothing more to read.
        }
    }

    /** Waits until {@code text} appears after {@code from}; returns the index just past it. */
    int await(String text, int from, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        synchronized (output) {
            while (true) {
                int at = output.indexOf(text, from);
                if (at >= 0) return at + text.length();
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && output.indexOf(text, from) < 0) {
                    throw new AssertionError("no '" + text + "' on the guest console within " + timeoutSeconds
                            + " s; console so far:\n" + output.substring(Math.max(0, output.length() - 3000)));
                }
                TimeUnit.NANOSECONDS.timedWait(output, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
        }
    }

    void type(String line) throws IOException {
        stdin.write(line.getBytes(StandardCharsets.ISO_8859_1));
        stdin.flush();
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Waits for the process to end by itself; returns its exit status. */
    int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) throw new AssertionError("emulator still running after " + timeoutSeconds + " s");
        return process.exitValue();
    }

    @Override public void close() {
        process.destroyForcibly();
    }
}
