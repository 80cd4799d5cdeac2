package javelin.testimages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our own Multiboot (v1) kernel boots through -kernel, as QEMU boots one: the loader hands it
 * the Multiboot magic, the command line (kernel name first), the memory size and the modules
 * given with -initrd; the kernel checks them and reports through 0xE9 and isa-debug-exit.
 */
class MultibootBootIT {
    private static Path kernel(Path dir) throws Exception {
        return JavelinProcess.assemble(JavelinProcess.root().resolve("test-images/guests/multiboot-hello.asm"), dir.resolve("mbhello"));
    }

    @Test
    void bootsThroughSeabiosWithCommandLineMemoryAndModule(@TempDir Path dir) throws Exception {
        Path module = Files.writeString(dir.resolve("module.txt"), "module one text\n");
        var result = JavelinProcess.run(dir, 120, "-kernel", kernel(dir).toString(), "-append", "hello=world",
                "-initrd", module + " arg1", "-m", "64", "-display", "none", "-debugcon", "stdio",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4");
        assertEquals((0x2A << 1) | 1, result.status(), result.stdout() + result.stderr());
        // mem_upper: KiB of RAM above 1 MiB (Multiboot spec 3.3): (64 - 1) * 1024 = 0xFC00.
        assertEquals("multiboot-hello: magic ok\ncmdline: mbhello hello=world\nmem_upper: 0000fc00\n"
                + "module: " + module + " arg1 module one text\n\n", result.stdout());
    }

    @Test
    void bootsWithNoBiosAtAll(@TempDir Path dir) throws Exception {
        var result = JavelinProcess.run(dir, 60, "-bios", "none", "-kernel", kernel(dir).toString(), "-m", "32",
                "-display", "none", "-debugcon", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=4");
        assertEquals((0x2A << 1) | 1, result.status(), result.stdout() + result.stderr());
        assertEquals("multiboot-hello: magic ok\ncmdline: mbhello\nmem_upper: 00007c00\n", result.stdout());
    }
}
