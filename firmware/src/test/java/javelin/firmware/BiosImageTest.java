package javelin.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -bios} images as QEMU's pc machine takes them: a non-empty multiple of 64 KiB up to
 * 16 MiB, mapped to end at 4 GiB, its last 128 KiB (or all of a smaller image) also ending at
 * 1 MiB, where the CPU's first fetch at F000:FFF0 finds the reset vector.
 */
class BiosImageTest {
    @TempDir Path dir;

    private Path file(int size) throws IOException {
        Path f = dir.resolve("bios-" + size + ".bin");
        Files.write(f, new byte[size]);
        return f;
    }

    @Test
    void aSeaBios256KImageEndsAt4GiBAndShows128KBelow1MiB() throws IOException {
        BiosImage bios = BiosImage.load(file(256 << 10));
        assertEquals(0xFFFC_0000L, bios.highBase());
        assertEquals(128 << 10, bios.legacySize());
    }

    @Test
    void a64KImageIsAllBelow1MiB() throws IOException {
        BiosImage bios = BiosImage.load(file(64 << 10));
        assertEquals(0xFFFF_0000L, bios.highBase());
        assertEquals(64 << 10, bios.legacySize());
    }

    @Test
    void aSizeThatIsNotWhole64KUnitsIsRefusedNamingTheFile() throws IOException {
        Path f = file(1000);
        BiosImageException e = assertThrows(BiosImageException.class, () -> BiosImage.load(f));
        assertTrue(e.getMessage().startsWith("BIOS image " + f + ": size 1000 bytes"), e.getMessage());
    }

    @Test
    void anEmptyOrOversizedImageIsRefused() throws IOException {
        Path empty = file(0);
        Path huge = file((16 << 20) + (64 << 10));
        assertThrows(BiosImageException.class, () -> BiosImage.load(empty));
        assertThrows(BiosImageException.class, () -> BiosImage.load(huge));
    }

    @Test
    void aMissingFileIsRefusedNamingIt() {
        Path missing = dir.resolve("none.bin");
        BiosImageException e = assertThrows(BiosImageException.class, () -> BiosImage.load(missing));
        assertEquals("BIOS image " + missing + ": no such file", e.getMessage());
    }
}
