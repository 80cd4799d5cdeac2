package javelin.firmware;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A raw PC firmware image given with {@code -bios}. Like QEMU's {@code pc} machine, the image
 * must be a non-empty multiple of 64 KiB (at most 16 MiB); it is mapped read-only so that it
 * ends at 0xFFFFFFFF, and its last 128 KiB (all of it, if smaller) also ends at 0xFFFFF, where
 * the CPU's first real-mode fetches (F000:FFF0) and the legacy BIOS area see it. A file that
 * cannot be such an image is refused with a {@link BiosImageException} naming it.
 */
public record BiosImage(Path path, byte[] bytes) {
    static final int SIZE_UNIT = 64 * 1024;
    static final int MAX_SIZE = 16 * 1024 * 1024;
    /** The part of the image that is also mapped below 1 MiB. */
    static final int LEGACY_WINDOW = 128 * 1024;

    public static BiosImage load(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new BiosImageException("BIOS image " + path + ": no such file", e);
        } catch (IOException e) {
            throw new BiosImageException("BIOS image " + path + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (bytes.length == 0 || bytes.length % SIZE_UNIT != 0 || bytes.length > MAX_SIZE) {
            throw new BiosImageException("BIOS image " + path + ": size " + bytes.length
                    + " bytes is not a non-zero multiple of 64 KiB up to 16 MiB");
        }
        return new BiosImage(path, bytes);
    }

    /** Physical address of the image's first byte in the high mapping (it ends at 4 GiB). */
    public long highBase() {
        return (1L << 32) - bytes.length;
    }

    /** Size of the part that the PAM ROM view shows ending at 1 MiB. */
    public int legacySize() {
        return Math.min(LEGACY_WINDOW, bytes.length);
    }
}
