package javelin.testimages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A raw ROM given with -bios runs from the reset vector, prints through the 0xE9 debug console,
 * logs POST codes and ends the emulator through isa-debug-exit, whose status is (V << 1) | 1.
 */
class BiosRomBootIT {
    @Test
    void romRunsFromResetVectorPrintsAndExitsThroughDebugExit(@TempDir Path dir) throws Exception {
        Path rom = JavelinProcess.assemble(JavelinProcess.root().resolve("test-images/guests/hello-rom.asm"), dir.resolve("hello.rom"));
        Path post = dir.resolve("post.txt");
        var result = JavelinProcess.run(dir, 60, "-bios", rom.toString(), "-display", "none", "-m", "32",
                "-debugcon", "stdio", "-postcode", "file:" + post, "-device", "isa-debug-exit,iobase=0xf4,iosize=4");
        assertEquals((0x2A << 1) | 1, result.status(), result.stderr());
        assertEquals("Hello from the ROM\n", result.stdout());
        assertEquals("POST 12\nPOST ab\n", Files.readString(post).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void instructionTraceNamesTheInstructionsExecuted(@TempDir Path dir) throws Exception {
        Path rom = JavelinProcess.assemble(JavelinProcess.root().resolve("test-images/guests/hello-rom.asm"), dir.resolve("hello.rom"));
        Path log = dir.resolve("trace.txt");
        var result = JavelinProcess.run(dir, 60, "-bios", rom.toString(), "-display", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-d", "in_asm", "-D", log.toString());
        assertEquals((0x2A << 1) | 1, result.status(), result.stderr());
        String trace = Files.readString(log).toLowerCase();
        // The first instruction is the far jump at the reset vector F000:FFF0.
        assertTrue(trace.lines().findFirst().orElse("").contains("f000:fff0"), trace.lines().findFirst().orElse(""));
        assertTrue(trace.contains("jmp"), "trace shows the far jump");
        assertTrue(trace.contains("lodsb"), "trace shows the string loop");
        assertTrue(trace.contains("out"), "trace shows the port writes");
    }

    @Test
    void tripleFaultWithNoRebootEndsTheEmulatorWithStatusZero(@TempDir Path dir) throws Exception {
        Path rom = JavelinProcess.assemble(JavelinProcess.root().resolve("test-images/guests/triple-fault-rom.asm"), dir.resolve("tf.rom"));
        var result = JavelinProcess.run(dir, 60, "-bios", rom.toString(), "-display", "none", "-no-reboot",
                "-debugcon", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=4");
        assertEquals(0, result.status(), result.stderr());
        assertEquals("boot\n", result.stdout(), "the guest ran once and was not rebooted");
    }
}
