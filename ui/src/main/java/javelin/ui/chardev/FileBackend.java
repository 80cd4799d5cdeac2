package javelin.ui.chardev;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javelin.devices.serial.SerialBackend;

/**
 * A serial back end that appends the guest's output to a file ({@code -serial file:PATH}); the
 * guest receives no input. Output is buffered and flushed at each line end and on close, so a
 * log is readable while the guest runs.
 */
public final class FileBackend implements SerialBackend {
    private static final System.Logger LOG = System.getLogger(FileBackend.class.getName());

    private final Path path;
    private final OutputStream out;
    private boolean loggedWriteError;

    /** Opens (creating or truncating) {@code path}; fails with a message naming the file. */
    public FileBackend(Path path) {
        this.path = path;
        try {
            this.out = new BufferedOutputStream(Files.newOutputStream(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open serial output file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override public void transmit(int b) {
        try {
            out.write(b);
            if (b == '\n') out.flush();
        } catch (IOException e) {
            if (!loggedWriteError) {
                loggedWriteError = true;
                LOG.log(System.Logger.Level.WARNING, "writing serial output to " + path + " failed", e);
            }
        }
    }

    @Override public void attach(HostInput input) {
        // A file gives the guest no input.
    }

    @Override public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing serial output file " + path, e);
        }
    }
}
