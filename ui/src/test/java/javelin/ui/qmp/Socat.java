package javelin.ui.qmp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code socat} (Debian package, installed by {@code scripts/test}) as a line-oriented
 * client: {@code socat STDIO <address>}. Reads have a timeout as a backstop, never a sleep.
 */
public final class Socat implements AutoCloseable {
    /** Long enough for a loaded 2-core CI machine; a healthy reply takes milliseconds. */
    public static final long TIMEOUT_SECONDS = 20;

    private final Process process;
    private final OutputStream in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    public Socat(String address) throws IOException {
        process = new ProcessBuilder(List.of("socat", "-t", "1", "STDIO", address))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        in = process.getOutputStream();
        Thread.ofPlatform().daemon().name("socat-reader").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) lines.add(line);
            } catch (IOException e) {
                lines.add("<io error " + e + ">");
            }
        });
    }

    public void send(String text) throws IOException {
        in.write(text.getBytes(StandardCharsets.ISO_8859_1));
        in.flush();
    }

    /** The next line, or an AssertionError after the timeout. */
    public String line() throws InterruptedException {
        String l = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (l == null) throw new AssertionError("socat received no line within " + TIMEOUT_SECONDS + " s");
        return l;
    }

    /** Reads lines until one contains {@code fragment}. */
    public String lineContaining(String fragment) throws InterruptedException {
        while (true) {
            String l = line();
            if (l.contains(fragment)) return l;
        }
    }

    @Override public void close() throws IOException {
        in.close();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
