package javelin.ui.fx.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineProfileTest {
    @TempDir
    Path dir;

    private Path file(String name) throws IOException {
        return Files.write(dir.resolve(name), new byte[] {1, 2, 3});
    }

    @Test
    void aCdMachineHasNoProblems() throws IOException {
        String iso = file("debian.iso").toString();
        assertEquals(List.of(), MachineProfile.of("Debian 12", iso, null, null, null, null, null, 512, 2).problems());
    }

    @Test
    void blankFieldsAreAbsent() {
        MachineProfile p = MachineProfile.of(" x ", " ", "", null, "  ", null, "", 64, 1);
        assertEquals("x", p.name());
        assertNull(p.cdrom());
        assertNull(p.hda());
        assertNull(p.kernel());
        assertNull(p.append());
    }

    @Test
    void reportsEveryProblemInOneLineEach() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("folder"));
        MachineProfile p = MachineProfile.of("", dir.resolve("missing.iso").toString(), null, null,
                folder.toString(), null, null, 0, 17);
        List<String> problems = p.problems();
        assertEquals(List.of(
                "Name: give the machine a name",
                "CD image " + dir.resolve("missing.iso") + ": no such file",
                "Kernel " + folder + ": not a file",
                "Memory: 1 to 3072 MiB, not 0",
                "CPUs: 1 to 16, not 17"), problems);
    }

    @Test
    void needsSomethingToBoot() {
        assertTrue(MachineProfile.of("empty", null, null, null, null, null, null, 128, 1).problems()
                .contains("Boot: choose a CD image, a disk image or a kernel"));
    }

    @Test
    void initrdAndAppendNeedAKernel() throws IOException {
        String disk = file("disk.img").toString();
        assertTrue(MachineProfile.of("m", null, disk, null, null, null, "console=ttyS0", 128, 1).problems()
                .contains("Initrd and kernel command line need a kernel"));
    }

    @Test
    void unreadableImageIsReported() throws IOException {
        Path iso = file("secret.iso");
        Assumptions.assumeTrue(iso.toFile().setReadable(false) && !Files.isReadable(iso),
                "this user reads files without read permission (root)");
        assertTrue(MachineProfile.of("m", iso.toString(), null, null, null, null, null, 128, 1).problems()
                .contains("CD image " + iso + ": cannot be read (permissions)"));
    }

    @Test
    void namesMustBeUsableAsFileNames() {
        for (String bad : List.of("../etc", "a/b", ".hidden", "x".repeat(65), "tab\there")) {
            assertTrue(MachineProfile.of(bad, null, null, null, null, null, null, 128, 1).problems().stream()
                    .anyMatch(s -> s.startsWith("Name: ")), bad);
        }
        assertTrue(MachineProfile.validName("Debian 12 x86-64_v1.2"));
    }

    @Test
    void refusesANewerFormat() {
        var e = assertThrows(MachineProfileException.class,
                () -> new MachineProfile(MachineProfile.VERSION + 1, "m", null, null, null, null, null, null, 128, 1));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void argumentsAreJavelinsOptions() {
        MachineProfile p = MachineProfile.of("k", "/i/cd.iso", "/i/a.img", "/i/b.img", "/i/bzImage", "/i/initrd",
                "console=ttyS0 quiet", 1024, 4);
        assertEquals(List.of("-m", "1024M", "-smp", "4", "-cdrom", "/i/cd.iso", "-hda", "/i/a.img", "-hdb", "/i/b.img",
                "-kernel", "/i/bzImage", "-initrd", "/i/initrd", "-append", "console=ttyS0 quiet"), p.toArguments());
    }
}
