package javelin.devices.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IsoImageTest {
    @TempDir Path dir;

    @Test
    void countsSectorsOf2048Bytes() throws IOException {
        Path p = Files.write(dir.resolve("cd.iso"), new byte[3 * 2048]);
        try (IsoImage iso = IsoImage.open(p)) {
            assertEquals(3, iso.sectors());
            assertTrue(iso.readOnly());
            assertThrows(IOException.class, () -> iso.write(0, new byte[1], 0, 1));
        }
    }

    @Test
    void truncatedImageIsRefusedWithItsName() throws IOException {
        Path p = Files.write(dir.resolve("cut.iso"), new byte[2048 + 100]);
        ImageOpenException e = assertThrows(ImageOpenException.class, () -> IsoImage.open(p));
        assertTrue(e.getMessage().contains("cut.iso") && e.getMessage().contains("2048"), e.getMessage());
    }

    @Test
    void emptyImageIsRefused() throws IOException {
        Path p = Files.write(dir.resolve("empty.iso"), new byte[0]);
        assertThrows(ImageOpenException.class, () -> IsoImage.open(p));
    }
}
