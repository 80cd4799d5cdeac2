package javelin.devices.block;

import java.io.Closeable;
import java.io.IOException;

/**
 * Storage behind a disk or CD-ROM: a byte-addressed image of fixed length. Devices read and
 * write whole sectors, but the interface takes byte offsets so that 512-byte ATA sectors and
 * 2048-byte CD sectors share it.
 *
 * <p>Threading: called with the machine lock held; implementations need no locking of their own.
 */
public interface BlockBackend extends Closeable {
    /** The image name used in error messages (usually the file path). */
    String name();

    /** Length in bytes; fixed for the life of the back end. */
    long length();

    /** True if {@link #write} is refused. */
    boolean readOnly();

    /**
     * Reads {@code len} bytes at {@code offset} into {@code dst[off..]}. The range must lie
     * within {@link #length()}.
     */
    void read(long offset, byte[] dst, int off, int len) throws IOException;

    /** Writes {@code len} bytes from {@code src[off..]} at {@code offset}, within {@link #length()}. */
    void write(long offset, byte[] src, int off, int len) throws IOException;

    /** Makes every completed write durable (ATA FLUSH CACHE). */
    void flush() throws IOException;

    /** Flushes and releases the image. */
    @Override
    void close() throws IOException;

    /** Throws unless {@code [offset, offset + len)} lies within an image of {@code length} bytes. */
    static void checkRange(String name, long length, long offset, int len) throws IOException {
        if (offset < 0 || len < 0 || offset + len > length) {
            throw new IOException(String.format("%s: access at %d+%d beyond the image end (%d bytes)",
                    name, offset, len, length));
        }
    }
}
