package javelin.devices.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * Copy-on-write overlay for {@code -snapshot}: guest writes go to a temporary overlay file and
 * the base image is never written, so the base can be opened read-only.
 *
 * <p>The overlay is a sparse file laid out like the disk (byte {@code n} of the disk at byte
 * {@code n} of the overlay) plus an in-memory bitmap of the {@value #CLUSTER_SIZE}-byte clusters
 * that hold guest data. A read takes each cluster from the overlay if written, else from the
 * base; a write that covers a cluster only partly first copies the rest of that cluster from
 * wherever it currently lives. The overlay file is deleted when closed (and, as a fallback, by
 * the host file system's delete-on-close when the JVM dies).
 */
public final class CowOverlay implements BlockBackend {
    /** Copy granularity: one page, the usual guest file-system block. */
    static final int CLUSTER_SIZE = 4096;

    private final BlockBackend base;
    private final Path overlayPath;
    private final FileChannel overlay;
    private final BitSet written = new BitSet();

    /** Creates the overlay in {@code tempDir} over {@code base}, which is only ever read. */
    public CowOverlay(BlockBackend base, Path tempDir) throws IOException {
        if (base.length() / CLUSTER_SIZE >= Integer.MAX_VALUE) {
            throw new IOException(base.name() + ": too large for a snapshot overlay");
        }
        this.base = base;
        this.overlayPath = Files.createTempFile(tempDir, "javelin-cow-", ".img");
        this.overlay = FileChannel.open(overlayPath, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
    }

    @Override public String name() { return base.name() + " (snapshot overlay)"; }

    @Override public long length() { return base.length(); }

    @Override public boolean readOnly() { return false; }

    /** The temporary file receiving the writes (for tests and diagnostics). */
    Path overlayPath() { return overlayPath; }

    @Override
    public void read(long offset, byte[] dst, int off, int len) throws IOException {
        BlockBackend.checkRange(name(), length(), offset, len);
        int done = 0;
        while (done < len) {
            long pos = offset + done;
            int cluster = (int) (pos / CLUSTER_SIZE);
            int chunk = (int) Math.min(len - done, CLUSTER_SIZE - pos % CLUSTER_SIZE);
            if (written.get(cluster)) readOverlay(pos, dst, off + done, chunk);
            else base.read(pos, dst, off + done, chunk);
            done += chunk;
        }
    }

    @Override
    public void write(long offset, byte[] src, int off, int len) throws IOException {
        BlockBackend.checkRange(name(), length(), offset, len);
        int done = 0;
        while (done < len) {
            long pos = offset + done;
            int cluster = (int) (pos / CLUSTER_SIZE);
            long clusterStart = (long) cluster * CLUSTER_SIZE;
            int chunk = (int) Math.min(len - done, CLUSTER_SIZE - (pos - clusterStart));
            if (!written.get(cluster) && chunk != CLUSTER_SIZE) {
                int clusterLen = (int) Math.min(CLUSTER_SIZE, length() - clusterStart);
                byte[] merged = new byte[clusterLen];
                base.read(clusterStart, merged, 0, clusterLen);
                System.arraycopy(src, off + done, merged, (int) (pos - clusterStart), chunk);
                writeOverlay(clusterStart, merged, 0, clusterLen);
            } else {
                writeOverlay(pos, src, off + done, chunk);
            }
            written.set(cluster);
            done += chunk;
        }
    }

    /** Nothing to make durable: the overlay is thrown away on close by design. */
    @Override public void flush() { }

    /** Deletes the overlay and closes the base. */
    @Override
    public void close() throws IOException {
        try {
            if (overlay.isOpen()) overlay.close();
            Files.deleteIfExists(overlayPath);
        } finally {
            base.close();
        }
    }

    private void readOverlay(long pos, byte[] dst, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
        while (buf.hasRemaining()) {
            int n = overlay.read(buf, pos + (buf.position() - off));
            if (n < 0) throw new IOException(overlayPath + ": overlay shorter than its bitmap says");
        }
    }

    private void writeOverlay(long pos, byte[] src, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(src, off, len);
        while (buf.hasRemaining()) overlay.write(buf, pos + (buf.position() - off));
    }
}
