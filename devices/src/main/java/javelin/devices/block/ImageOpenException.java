package javelin.devices.block;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A disk image that cannot be used: missing, unreadable, not writable when write access was
 * asked for, or malformed. The message names the file and the fault in words a user can act
 * on; the {@code app} boundary prints it without a stack trace.
 */
public final class ImageOpenException extends IOException {
    private final Path path;

    public ImageOpenException(Path path, String problem) {
        super("cannot use disk image '" + path + "': " + problem);
        this.path = path;
    }

    public ImageOpenException(Path path, String problem, Throwable cause) {
        super("cannot use disk image '" + path + "': " + problem, cause);
        this.path = path;
    }

    public Path path() { return path; }
}
