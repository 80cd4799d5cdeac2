package javelin.devices.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw (flat) image file: byte {@code n} of the disk is byte {@code n} of the file. Opened
 * read-write or read-only through a {@link FileChannel}; {@link #flush()} forces the file to
 * the host disk (ATA FLUSH CACHE), and {@link #close()} flushes first.
 */
public final class RawImage implements BlockBackend {
    private final Path path;
    private final FileChannel channel;
    private final long length;
    private final boolean readOnly;

    private RawImage(Path path, FileChannel channel, long length, boolean readOnly) {
        this.path = path;
        this.channel = channel;
        this.length = length;
        this.readOnly = readOnly;
    }

    /**
     * Opens {@code path}; throws {@link ImageOpenException} naming the file if it is missing,
     * not a regular file, or cannot be opened with the access asked for.
     */
    public static RawImage open(Path path, boolean readOnly) throws ImageOpenException {
        if (!Files.exists(path)) throw new ImageOpenException(path, "no such file");
        if (!Files.isRegularFile(path)) throw new ImageOpenException(path, "not a regular file");
        FileChannel channel;
        try {
            channel = readOnly
                    ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new ImageOpenException(path, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new ImageOpenException(path, readOnly ? "permission denied" : "permission denied (try read-only)", e);
        } catch (IOException e) {
            throw new ImageOpenException(path, e.getMessage(), e);
        }
        try {
            return new RawImage(path, channel, channel.size(), readOnly);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ImageOpenException(path, "cannot read its size: " + e.getMessage(), e);
        }
    }

    @Override public String name() { return path.toString(); }

    @Override public long length() { return length; }

    @Override public boolean readOnly() { return readOnly; }

    @Override
    public void read(long offset, byte[] dst, int off, int len) throws IOException {
        BlockBackend.checkRange(name(), length, offset, len);
        ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, offset + (buf.position() - off));
            if (n < 0) throw new IOException(name() + ": file shrank while in use (short read at " + offset + ")");
        }
    }

    @Override
    public void write(long offset, byte[] src, int off, int len) throws IOException {
        if (readOnly) throw new IOException(name() + ": image is read-only");
        BlockBackend.checkRange(name(), length, offset, len);
        ByteBuffer buf = ByteBuffer.wrap(src, off, len);
        while (buf.hasRemaining()) {
            channel.write(buf, offset + (buf.position() - off));
        }
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly) channel.force(false);
    }

    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) return;
        try {
            flush();
        } finally {
            channel.close();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the open already failed; the first error is the one reported
        }
    }
}
