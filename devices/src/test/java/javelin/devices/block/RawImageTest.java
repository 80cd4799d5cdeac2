package javelin.devices.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawImageTest {
    @TempDir Path dir;

    private Path image(int sectors) throws IOException {
        byte[] data = new byte[sectors * 512];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i / 512);
        return Files.write(dir.resolve("disk.img"), data);
    }

    @Nested
    class Opening {
        @Test
        void missingFileNamesTheFile() {
            Path missing = dir.resolve("nope.img");
            ImageOpenException e = assertThrows(ImageOpenException.class, () -> RawImage.open(missing, false));
            assertTrue(e.getMessage().contains("nope.img"), e.getMessage());
            assertTrue(e.getMessage().contains("no such file"), e.getMessage());
            assertEquals(missing, e.path());
        }

        @Test
        void directoryIsRefused() {
            ImageOpenException e = assertThrows(ImageOpenException.class, () -> RawImage.open(dir, true));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        }

        @Test
        void lengthIsTheFileSize() throws IOException {
            try (RawImage img = RawImage.open(image(4), true)) {
                assertEquals(2048, img.length());
                assertTrue(img.readOnly());
            }
        }
    }

    @Nested
    class Access {
        @Test
        void readsBytesAtTheirOffset() throws IOException {
            try (RawImage img = RawImage.open(image(4), true)) {
                byte[] buf = new byte[512];
                img.read(1024, buf, 0, 512);
                for (byte b : buf) assertEquals(2, b);
            }
        }

        @Test
        void writeReachesTheFileAfterClose() throws IOException {
            Path p = image(4);
            try (RawImage img = RawImage.open(p, false)) {
                img.write(512, new byte[] {9, 8, 7}, 0, 3);
                img.flush();
            }
            byte[] after = Files.readAllBytes(p);
            assertArrayEquals(new byte[] {9, 8, 7, 1}, Arrays.copyOfRange(after, 512, 516));
        }

        @Test
        void readOnlyImageRefusesWrites() throws IOException {
            try (RawImage img = RawImage.open(image(1), true)) {
                assertThrows(IOException.class, () -> img.write(0, new byte[1], 0, 1));
            }
        }

        @Test
        void accessBeyondTheEndIsAnError() throws IOException {
            try (RawImage img = RawImage.open(image(1), true)) {
                assertThrows(IOException.class, () -> img.read(511, new byte[2], 0, 2));
            }
        }
    }
}
