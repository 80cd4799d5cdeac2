package javelin.firmware;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the Multiboot specification 0.6.96 (header 3.1, machine state 3.2, information
 * structure 3.3) and the ELF32 layout, with our test kernel test-images/guests/multiboot-hello.asm
 * assembled by nasm for the a.out-kludge path and a hand-made ELF for the other.
 */
class MultibootLoaderTest {
    static final long MIB = 1 << 20;
    static final long RAM = 64 * MIB;
    static final E820Map MAP = E820Map.forOperatingSystem(RAM, 0);

    static byte[] hello;

    @BeforeAll
    static void assembleTheTestKernel(@TempDir Path dir) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("javelin.root", ".."));
        Path source = root.resolve("test-images/guests/multiboot-hello.asm");
        Path out = dir.resolve("multiboot-hello.bin");
        Process p = new ProcessBuilder("nasm", "-f", "bin", "-o", out.toString(), source.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "nasm: " + log);
        hello = Files.readAllBytes(out);
    }

    static MemoryWrite at(MultibootLoader.Boot boot, long address) {
        return boot.writes().stream().filter(w -> w.address() == address).findFirst().orElseThrow();
    }

    /** Reads guest memory as the writes leave it. */
    static int read32(MultibootLoader.Boot boot, long address) {
        for (MemoryWrite w : boot.writes()) {
            if (address >= w.address() && address + 4 <= w.end()) return LittleEndian.get32(w.data(), (int) (address - w.address()));
        }
        throw new AssertionError(String.format("nothing written at %#x", address));
    }

    static String readString(MultibootLoader.Boot boot, long address) {
        for (MemoryWrite w : boot.writes()) {
            if (address >= w.address() && address < w.end()) {
                byte[] d = w.data();
                int from = (int) (address - w.address());
                int end = from;
                while (d[end] != 0) end++;
                return new String(d, from, end - from, StandardCharsets.ISO_8859_1);
            }
        }
        throw new AssertionError(String.format("nothing written at %#x", address));
    }

    @Nested
    class HeaderSearch {
        @Test
        void findsTheTestKernelsHeaderWithTheAoutKludge() {
            var h = MultibootLoader.findHeader(hello);
            assertNotNull(h);
            assertEquals(0, h.offset());
            assertTrue(h.aoutKludge());
            assertEquals(0x100000, h.loadAddr());
            assertEquals(0x100000, h.headerAddr());
            assertEquals(0x100000 + hello.length, h.loadEndAddr(), "the file is exactly the loaded part");
            assertTrue(h.bssEndAddr() > h.loadEndAddr());
        }

        @Test
        void aWrongChecksumIsNoHeader() {
            byte[] image = hello.clone();
            image[8]++;
            assertNull(MultibootLoader.findHeader(image));
        }

        @Test
        void theHeaderMustBeDwordAligned() {
            byte[] image = new byte[64];
            System.arraycopy(hello, 0, image, 2, 12);
            assertNull(MultibootLoader.findHeader(image));
        }

        @Test
        void aHeaderBeyondTheFirst8KiBIsNotFound() {
            byte[] image = new byte[8192 + 64];
            System.arraycopy(hello, 0, image, 8192, 32);
            assertNull(MultibootLoader.findHeader(image));
        }

        @Test
        void unknownRequiredFeaturesAreRefused() {
            byte[] image = hello.clone();
            int flags = LittleEndian.get32(image, 4) | 1 << 3;
            LittleEndian.put32(image, 4, flags);
            LittleEndian.put32(image, 8, -(0x1BADB002 + flags));
            var e = assertThrows(KernelImageException.class,
                    () -> MultibootLoader.load(image, "k", "", List.of(), MAP, RAM));
            assertTrue(e.getMessage().contains("0x8"), e.getMessage());
        }

        @Test
        void noHeaderIsAClearError() {
            var e = assertThrows(KernelImageException.class,
                    () -> MultibootLoader.load(new byte[4096], "k", "", List.of(), MAP, RAM));
            assertTrue(e.getMessage().contains("0x1BADB002"), e.getMessage());
        }
    }

    @Nested
    class TestKernel {
        final MultibootLoader.Boot boot = MultibootLoader.load(hello, "/boot/hello", "verbose=1",
                List.of(new MultibootLoader.Module("/mods/a.txt first", "alpha".getBytes(StandardCharsets.US_ASCII)),
                        new MultibootLoader.Module("/mods/b.bin", new byte[5000])),
                MAP, RAM);
        final int info = (int) boot.entry().ebx();

        @Test
        void entersAtEntryAddrWithTheMagicAndTheInfoStructure() {
            var h = MultibootLoader.findHeader(hello);
            assertEquals(h.entryAddr(), boot.entry().eip());
            assertEquals(0x2BADB002L, boot.entry().eax());
            assertEquals(0x9000, info);
            assertEquals(0x10, boot.entry().codeSelector());
            assertEquals(0x18, boot.entry().dataSelector());
        }

        @Test
        void theFileIsLoadedAtLoadAddrAndTheBssZeroed() {
            assertArrayEquals(hello, at(boot, 0x100000).data());
            var h = MultibootLoader.findHeader(hello);
            MemoryWrite bss = at(boot, h.loadEndAddr());
            assertEquals(h.bssEndAddr() - h.loadEndAddr(), bss.length());
            assertTrue(Arrays.equals(new byte[bss.length()], bss.data()));
        }

        @Test
        void infoFlagsAndMemorySizes() {
            int flags = read32(boot, info);
            assertEquals(0b10_0100_1111, flags, "mem, boot_device, cmdline, mods, mmap, boot_loader_name");
            assertEquals(640, read32(boot, info + 4));
            assertEquals(63 * 1024, read32(boot, info + 8), "mem_upper: KiB from 1 MiB");
            assertEquals(0x8000FFFF, read32(boot, info + 12));
        }

        @Test
        void commandLineIsTheKernelNameAndAppend() {
            assertEquals("/boot/hello verbose=1", readString(boot, read32(boot, info + 16) & 0xFFFFFFFFL));
            assertEquals("javelin", readString(boot, read32(boot, info + 64) & 0xFFFFFFFFL));
        }

        @Test
        void modulesArePageAlignedAfterTheKernelWithTheirStrings() {
            assertEquals(2, read32(boot, info + 20));
            int mods = read32(boot, info + 24);
            var h = MultibootLoader.findHeader(hello);
            long first = (h.bssEndAddr() + 4095) & -4096L;
            assertEquals(first, read32(boot, mods));
            assertEquals(first + 5, read32(boot, mods + 4), "mod_end is one past the last byte");
            assertEquals("/mods/a.txt first", readString(boot, read32(boot, mods + 8)));
            assertEquals("alpha", new String(at(boot, first).data(), StandardCharsets.US_ASCII));
            assertEquals(first + 4096, read32(boot, mods + 16));
            assertEquals(first + 4096 + 5000, read32(boot, mods + 20));
            assertEquals("/mods/b.bin", readString(boot, read32(boot, mods + 24)));
        }

        @Test
        void memoryMapEntriesCarryTheirSize() {
            int length = read32(boot, info + 44);
            int mmap = read32(boot, info + 48);
            assertEquals(5 * 24, length);
            assertEquals(20, read32(boot, mmap), "size, not counting itself");
            assertEquals(0, read32(boot, mmap + 4));
            assertEquals(0x9FC00, read32(boot, mmap + 12));
            assertEquals(1, read32(boot, mmap + 20), "type RAM");
            assertEquals(0x100000, read32(boot, mmap + 3 * 24 + 4));
        }
    }

    @Nested
    class Elf {
        /** A minimal ELF32 executable: one PT_LOAD at paddr 2 MiB (vaddr 0xC0200000), 16 bytes in the file, 64 in memory. */
        static byte[] elf(int machine) {
            byte[] b = new byte[0x100];
            b[0] = 0x7F;
            b[1] = 'E';
            b[2] = 'L';
            b[3] = 'F';
            b[4] = 1;                                   // ELFCLASS32
            b[5] = 1;                                   // little-endian
            b[6] = 1;                                   // EV_CURRENT
            LittleEndian.put16(b, 16, 2);               // ET_EXEC
            LittleEndian.put16(b, 18, machine);
            LittleEndian.put32(b, 20, 1);
            LittleEndian.put32(b, 24, 0xC020_0004);     // e_entry, virtual
            LittleEndian.put32(b, 28, 52);              // e_phoff
            LittleEndian.put16(b, 40, 52);              // e_ehsize
            LittleEndian.put16(b, 42, 32);              // e_phentsize
            LittleEndian.put16(b, 44, 1);               // e_phnum
            LittleEndian.put32(b, 52, 1);               // PT_LOAD
            LittleEndian.put32(b, 52 + 4, 0xC0);        // p_offset
            LittleEndian.put32(b, 52 + 8, 0xC020_0000); // p_vaddr
            LittleEndian.put32(b, 52 + 12, 0x200000);   // p_paddr
            LittleEndian.put32(b, 52 + 16, 16);         // p_filesz
            LittleEndian.put32(b, 52 + 20, 64);         // p_memsz
            int flags = 1 << 1;                         // memory information; no a.out kludge
            LittleEndian.put32(b, 0x80, 0x1BADB002);
            LittleEndian.put32(b, 0x84, flags);
            LittleEndian.put32(b, 0x88, -(0x1BADB002 + flags));
            for (int i = 0; i < 16; i++) b[0xC0 + i] = (byte) (0xA0 + i);
            return b;
        }

        @Test
        void segmentsGoToTheirPhysicalAddressWithBssZeroed() {
            var boot = MultibootLoader.load(elf(3), "k", "", List.of(), MAP, RAM);
            byte[] seg = at(boot, 0x200000).data();
            assertEquals(64, seg.length);
            assertEquals((byte) 0xA0, seg[0]);
            assertEquals((byte) 0xAF, seg[15]);
            assertEquals(0, seg[16]);
        }

        @Test
        void aVirtualEntryIsMovedToItsPhysicalAddress() {
            assertEquals(0x200004, MultibootLoader.load(elf(3), "k", "", List.of(), MAP, RAM).entry().eip());
        }

        @Test
        void aNonIntelElfIsRefused() {
            assertThrows(KernelImageException.class, () -> MultibootLoader.load(elf(62), "k", "", List.of(), MAP, RAM));
        }
    }

    @Nested
    class InitrdOption {
        @Test
        void splitsOnCommasWithDoubledCommasLiteral() {
            assertEquals(List.of("/a.bin arg=1", "/b,c.bin", "/d"), MultibootLoader.splitModules("/a.bin arg=1,/b,,c.bin,/d"));
        }

        @Test
        void thePathIsTheFirstWord() {
            assertEquals("/a.bin", MultibootLoader.modulePath("/a.bin arg=1 x"));
            assertEquals("/d", MultibootLoader.modulePath("/d"));
        }
    }
}
