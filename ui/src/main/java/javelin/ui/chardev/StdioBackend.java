package javelin.ui.chardev;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import javelin.devices.serial.SerialBackend;

/**
 * A serial back end on a pair of streams, normally the process's standard input and output
 * ({@code -serial stdio}). Output is flushed after every byte (a console echoes
 * keystrokes one at a time); input is read by a daemon thread and pushed to the UART, so a guest never waits on the
 * host's terminal. The terminal's line discipline is {@link RawTerminal}'s business.
 */
public final class StdioBackend implements SerialBackend {
    private static final System.Logger LOG = System.getLogger(StdioBackend.class.getName());

    private final InputStream in;
    private final OutputStream out;
    private Thread reader;
    private volatile boolean closed;
    private boolean loggedWriteError;

    public StdioBackend(InputStream in, OutputStream out) {
        this.in = Objects.requireNonNull(in);
        this.out = Objects.requireNonNull(out);
    }

    /** Standard input and output of this process. */
    public static StdioBackend ofProcessStreams() {
        return new StdioBackend(System.in, System.out);
    }

    @Override public void transmit(int b) {
        try {
            out.write(b);
            out.flush();
        } catch (IOException e) {
            if (!loggedWriteError) {
                loggedWriteError = true;
                LOG.log(System.Logger.Level.WARNING, "serial output failed; further errors not logged", e);
            }
        }
    }

    @Override public synchronized void attach(HostInput input) {
        if (reader != null) throw new IllegalStateException("already attached");
        reader = Thread.ofPlatform().daemon().name("serial-stdin").start(() -> pump(input));
    }

    private void pump(HostInput input) {
        byte[] buffer = new byte[256];
        try {
            int n;
            while (!closed && (n = in.read(buffer)) >= 0) {
                if (n > 0) input.receive(buffer, 0, n);
            }
        } catch (IOException e) {
            if (!closed) LOG.log(System.Logger.Level.WARNING, "serial input stopped", e);
        }
    }

    @Override public void close() {
        closed = true;
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("flushing serial output", e);
        }
    }
}
