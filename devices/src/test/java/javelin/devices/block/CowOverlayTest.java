package javelin.devices.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CowOverlayTest {
    @TempDir Path dir;

    private Path base() throws IOException {
        byte[] data = new byte[3 * CowOverlay.CLUSTER_SIZE];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
        return Files.write(dir.resolve("base.img"), data);
    }

    @Test
    void writesLeaveTheBaseFileUntouched() throws IOException {
        Path basePath = base();
        byte[] before = Files.readAllBytes(basePath);
        try (CowOverlay cow = new CowOverlay(RawImage.open(basePath, true), dir)) {
            cow.write(100, new byte[] {1, 2, 3}, 0, 3);
            cow.write(CowOverlay.CLUSTER_SIZE, new byte[CowOverlay.CLUSTER_SIZE], 0, CowOverlay.CLUSTER_SIZE);
        }
        assertArrayEquals(before, Files.readAllBytes(basePath));
    }

    @Test
    void readsSeeTheirOwnWritesAndTheBaseElsewhere() throws IOException {
        Path basePath = base();
        byte[] expected = Files.readAllBytes(basePath);
        try (CowOverlay cow = new CowOverlay(RawImage.open(basePath, true), dir)) {
            byte[] patch = {-1, -2, -3, -4, -5};
            long at = CowOverlay.CLUSTER_SIZE - 2;  // straddles two clusters, both partly
            cow.write(at, patch, 0, patch.length);
            System.arraycopy(patch, 0, expected, (int) at, patch.length);
            byte[] all = new byte[expected.length];
            cow.read(0, all, 0, all.length);
            assertArrayEquals(expected, all);
        }
    }

    @Test
    void overlayFileIsDeletedOnClose() throws IOException {
        CowOverlay cow = new CowOverlay(RawImage.open(base(), true), dir);
        Path overlay = cow.overlayPath();
        cow.write(0, new byte[1], 0, 1);
        cow.close();
        assertFalse(Files.exists(overlay));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void lengthIsTheBaseLength() throws IOException {
        try (CowOverlay cow = new CowOverlay(RawImage.open(base(), true), dir)) {
            assertEquals(3L * CowOverlay.CLUSTER_SIZE, cow.length());
            assertFalse(cow.readOnly());
            byte[] one = new byte[1];
            cow.read(5, one, 0, 1);
            assertEquals(Arrays.copyOfRange(Files.readAllBytes(dir.resolve("base.img")), 5, 6)[0], one[0]);
        }
    }
}
