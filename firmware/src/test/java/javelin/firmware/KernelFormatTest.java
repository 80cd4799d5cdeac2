package javelin.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class KernelFormatTest {
    @Test
    void aSetupHeaderMeansLinux() {
        assertEquals(KernelFormat.LINUX_BZIMAGE, KernelFormat.of(LinuxBootLoaderTest.bzImage()));
    }

    @Test
    void linuxWinsOverAMultibootHeaderInTheSameImage() {
        byte[] image = LinuxBootLoaderTest.bzImage();
        int flags = 0;
        LittleEndian.put32(image, 0x1000, 0x1BADB002);
        LittleEndian.put32(image, 0x1004, flags);
        LittleEndian.put32(image, 0x1008, -0x1BADB002);
        assertEquals(KernelFormat.LINUX_BZIMAGE, KernelFormat.of(image));
    }

    @Test
    void aMultibootHeaderWithoutSetupHeaderMeansMultiboot() {
        byte[] image = new byte[4096];
        LittleEndian.put32(image, 0x40, 0x1BADB002);
        LittleEndian.put32(image, 0x48, -0x1BADB002);
        assertEquals(KernelFormat.MULTIBOOT, KernelFormat.of(image));
    }

    @Test
    void anythingElseIsRefused() {
        assertThrows(KernelImageException.class, () -> KernelFormat.of(new byte[4096]));
    }

    @Test
    void withFirstDevicePutsThePathFirstOnce() {
        var boot = new BootOptions("c", false, -1, -1, List.of("/a", "/rom@genroms/linuxboot.bin"))
                .withFirstDevice(LinuxBootLoader.BOOT_DEVICE_PATH);
        assertEquals(List.of("/rom@genroms/linuxboot.bin", "/a"), boot.devicePaths());
    }
}
