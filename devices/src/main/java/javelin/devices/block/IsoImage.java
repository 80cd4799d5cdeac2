package javelin.devices.block;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An ISO 9660 CD image: a read-only raw file of 2048-byte sectors (ECMA-119 logical sectors;
 * "cooked" mode 1 data, not raw 2352-byte frames). An empty file or one whose length is not a
 * whole number of sectors is refused, as a truncated download usually is.
 */
public final class IsoImage implements BlockBackend {
    /** Bytes per CD-ROM data sector (mode 1, ECMA-130). */
    public static final int SECTOR_SIZE = 2048;

    private final RawImage file;

    private IsoImage(RawImage file) {
        this.file = file;
    }

    public static IsoImage open(Path path) throws ImageOpenException {
        RawImage file = RawImage.open(path, true);
        long length = file.length();
        if (length == 0 || length % SECTOR_SIZE != 0) {
            try {
                file.close();
            } catch (IOException ignored) {
                // read-only and unused: nothing to lose
            }
            throw new ImageOpenException(path, length == 0 ? "the file is empty"
                    : "length " + length + " is not a multiple of the 2048-byte CD sector (truncated?)");
        }
        return new IsoImage(file);
    }

    /** Number of 2048-byte sectors. */
    public long sectors() { return file.length() / SECTOR_SIZE; }

    @Override public String name() { return file.name(); }

    @Override public long length() { return file.length(); }

    @Override public boolean readOnly() { return true; }

    @Override
    public void read(long offset, byte[] dst, int off, int len) throws IOException {
        file.read(offset, dst, off, len);
    }

    @Override
    public void write(long offset, byte[] src, int off, int len) throws IOException {
        throw new IOException(name() + ": a CD image is read-only");
    }

    @Override public void flush() { }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
