package javelin.devices.ide;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import javelin.devices.block.BlockBackend;

/**
 * A test back end of any size: unwritten bytes follow {@link #pattern}, written bytes are kept
 * in a map, so a 200 GiB disk costs nothing.
 */
final class SparseDisk implements BlockBackend {
    private final long length;
    private final boolean readOnly;
    private final Map<Long, Byte> written = new HashMap<>();
    int flushes;

    SparseDisk(long length, boolean readOnly) {
        this.length = length;
        this.readOnly = readOnly;
    }

    /** The byte at {@code offset} of an unwritten image: mixes the 512-byte sector number and the offset in it. */
    static byte pattern(long offset) {
        long sector = offset / 512;
        return (byte) (sector * 31 + (sector >>> 8) * 7 + (sector >>> 24) * 3 + (sector >>> 32) * 5 + offset % 512);
    }

    byte at(long offset) {
        Byte b = written.get(offset);
        return b != null ? b : pattern(offset);
    }

    @Override public String name() { return "sparse-test-disk"; }

    @Override public long length() { return length; }

    @Override public boolean readOnly() { return readOnly; }

    @Override
    public void read(long offset, byte[] dst, int off, int len) throws IOException {
        BlockBackend.checkRange(name(), length, offset, len);
        for (int i = 0; i < len; i++) dst[off + i] = at(offset + i);
    }

    @Override
    public void write(long offset, byte[] src, int off, int len) throws IOException {
        if (readOnly) throw new IOException("read-only");
        BlockBackend.checkRange(name(), length, offset, len);
        for (int i = 0; i < len; i++) written.put(offset + i, src[off + i]);
    }

    @Override public void flush() { flushes++; }

    @Override public void close() { }
}
