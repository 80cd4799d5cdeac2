package javelin.firmware;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import javelin.devices.fwcfg.FwCfg;
import javelin.softmmu.PhysicalMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Expected values: QEMU's pc machine (hw/i386/pc.c pc_cmos_init and the fw_cfg items it adds)
 * and the 20-byte e820 entry of QEMU's etc/e820 as SeaBIOS's qemu_cfg_e820 parses it.
 */
class FwCfgContentsTest {
    static final long MIB = 1 << 20;
    final PhysicalMemory memory = new PhysicalMemory(1 << 16, 0, new ReentrantLock());
    final FwCfg fwCfg = new FwCfg(memory, FwCfg.PC_DMA_BASE);

    @AfterEach
    void free() {
        memory.close();
    }

    byte[] read(int key, int n) {
        fwCfg.ioWrite(FwCfg.PC_BASE, 2, key);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) fwCfg.ioRead(FwCfg.PC_BASE + 1, 1);
        return b;
    }

    byte[] file(String name, int n) {
        int key = fwCfg.fileKey(name);
        assertEquals(true, key >= FwCfg.KEY_FILE_FIRST, name + " is in the directory");
        return read(key, n);
    }

    @Nested
    class FwCfgItems {
        @Test
        void e820HasOneRamEntryFor128MiB() {
            FwCfgContents.install(fwCfg, new FwCfgContents.Machine(128 * MIB, 0, 1, 1), BootOptions.DEFAULT);
            assertArrayEquals(new byte[] {
                    0, 0, 0, 0, 0, 0, 0, 0,          // address 0
                    0, 0, 0, 8, 0, 0, 0, 0,          // length 0x0800_0000
                    1, 0, 0, 0,                      // E820_RAM
                    0}, file("etc/e820", 21), "one entry, then the end of the item");
        }

        @Test
        void ramAbove4GiBIsASecondEntryAt4GiB() {
            FwCfgContents.install(fwCfg, new FwCfgContents.Machine(3 * 1024 * MIB, 1024 * MIB, 1, 1), BootOptions.DEFAULT);
            byte[] e820 = file("etc/e820", 40);
            assertEquals(1L << 32, LittleEndian.get64(e820, 20));
            assertEquals(1L << 30, LittleEndian.get64(e820, 28));
            assertEquals(1, LittleEndian.get32(e820, 36));
        }

        @Test
        void numericItemsCarryRamSizeAndCpuCounts() {
            FwCfgContents.install(fwCfg, new FwCfgContents.Machine(256 * MIB, 0, 2, 4), BootOptions.DEFAULT);
            assertArrayEquals(new byte[] {0, 0, 0, 0x10, 0, 0, 0, 0}, read(FwCfg.KEY_RAM_SIZE, 8));
            assertArrayEquals(new byte[] {2, 0}, read(FwCfg.KEY_NB_CPUS, 2));
            assertArrayEquals(new byte[] {4, 0}, read(FwCfg.KEY_MAX_CPUS, 2));
            assertArrayEquals(new byte[] {2, 0}, file("etc/boot-cpus", 2));
            assertArrayEquals(new byte[] {1, 0, 0, 0}, read(FwCfg.KEY_IRQ0_OVERRIDE, 4));
        }

        @Test
        void bootMenuAndItsWait() {
            FwCfgContents.install(fwCfg, new FwCfgContents.Machine(32 * MIB, 0, 1, 1),
                    new BootOptions("d", true, 5000, 1000, List.of()));
            assertArrayEquals(new byte[] {1, 0}, read(FwCfg.KEY_BOOT_MENU, 2));
            assertArrayEquals(new byte[] {(byte) 0x88, 0x13}, file("etc/boot-menu-wait", 2));
            assertArrayEquals(new byte[] {(byte) 0xE8, 0x03, 0, 0}, file("etc/boot-fail-wait", 4));
        }

        @Test
        void noMenuMeansFlagZeroAndNoWaitFiles() {
            FwCfgContents.install(fwCfg, new FwCfgContents.Machine(32 * MIB, 0, 1, 1), BootOptions.DEFAULT);
            assertArrayEquals(new byte[] {0, 0}, read(FwCfg.KEY_BOOT_MENU, 2));
            assertEquals(-1, fwCfg.fileKey("etc/boot-menu-wait"));
            assertEquals(-1, fwCfg.fileKey("bootorder"));
        }

        @Test
        void bootorderIsNewlineSeparatedAndNulTerminated() {
            var boot = new BootOptions("c", false, -1, -1,
                    List.of("/pci@i0cf8/ide@1,1/drive@1/disk@0", "/pci@i0cf8/ide@1,1/drive@0/disk@0"));
            FwCfgContents.install(fwCfg, new FwCfgContents.Machine(32 * MIB, 0, 1, 1), boot);
            String expected = "/pci@i0cf8/ide@1,1/drive@1/disk@0\n/pci@i0cf8/ide@1,1/drive@0/disk@0\0";
            assertEquals(expected, new String(file("bootorder", expected.length()), StandardCharsets.US_ASCII));
        }
    }

    @Nested
    class Cmos {
        @Test
        void memoryBytesFor128MiB() {
            Map<Integer, Integer> cmos = FwCfgContents.cmosBytes(new FwCfgContents.Machine(128 * MIB, 0, 1, 1), BootOptions.DEFAULT);
            assertEquals(0x80, cmos.get(0x15)); // 640 KiB = 0x0280
            assertEquals(0x02, cmos.get(0x16));
            assertEquals(0xFF, cmos.get(0x30)); // 127 MiB in KiB exceeds 65535: capped
            assertEquals(0xFF, cmos.get(0x31));
            assertEquals(0x00, cmos.get(0x34)); // (128 - 16) MiB / 64 KiB = 1792 = 0x0700
            assertEquals(0x07, cmos.get(0x35));
            assertEquals(0, cmos.get(0x5B));
        }

        @Test
        void memoryBytesFor32MiB() {
            Map<Integer, Integer> cmos = FwCfgContents.cmosBytes(new FwCfgContents.Machine(32 * MIB, 0, 1, 1), BootOptions.DEFAULT);
            assertEquals(0x00, cmos.get(0x17)); // 31 MiB = 31744 KiB = 0x7C00
            assertEquals(0x7C, cmos.get(0x18));
            assertEquals(0x00, cmos.get(0x30));
            assertEquals(0x7C, cmos.get(0x31));
            assertEquals(0x00, cmos.get(0x34)); // 16 MiB / 64 KiB = 256 = 0x0100
            assertEquals(0x01, cmos.get(0x35));
        }

        @Test
        void memoryAbove4GiBIn64KiBBlocks() {
            Map<Integer, Integer> cmos = FwCfgContents.cmosBytes(new FwCfgContents.Machine(3072 * MIB, 2048 * MIB, 1, 1), BootOptions.DEFAULT);
            // 2 GiB / 64 KiB = 32768 = 0x008000
            assertEquals(0x00, cmos.get(0x5B));
            assertEquals(0x80, cmos.get(0x5C));
            assertEquals(0x00, cmos.get(0x5D));
        }

        @Test
        void cpuCountLessOne() {
            assertEquals(3, FwCfgContents.cmosBytes(new FwCfgContents.Machine(32 * MIB, 0, 4, 4), BootOptions.DEFAULT).get(0x5F));
        }

        @Test
        void bootOrderNibbles() {
            var m = new FwCfgContents.Machine(32 * MIB, 0, 1, 1);
            Map<Integer, Integer> cdn = FwCfgContents.cmosBytes(m, BootOptions.DEFAULT);
            assertEquals(0x32, cdn.get(0x3D)); // c = 2 first, d = 3 second
            assertEquals(0x40, cdn.get(0x38)); // n = 4 third; floppy check kept
            Map<Integer, Integer> d = FwCfgContents.cmosBytes(m, new BootOptions("d", false, -1, -1, List.of()));
            assertEquals(0x03, d.get(0x3D));
            assertEquals(0x00, d.get(0x38));
        }

        @Test
        void unknownBootLettersAreRefused() {
            assertThrows(IllegalArgumentException.class, () -> new BootOptions("cx", false, -1, -1, List.of()));
            assertThrows(IllegalArgumentException.class, () -> new BootOptions("cdna", false, -1, -1, List.of()));
        }
    }

    @Nested
    class OperatingSystemMap {
        @Test
        void reservesTheEbdaTheBiosAndTheHighFirmware() {
            var map = E820Map.forOperatingSystem(64 * MIB, 0);
            assertEquals(List.of(
                    new E820Map.Entry(0, 0x9FC00, E820Map.TYPE_RAM),
                    new E820Map.Entry(0x9FC00, 0x400, E820Map.TYPE_RESERVED),
                    new E820Map.Entry(0xF0000, 0x10000, E820Map.TYPE_RESERVED),
                    new E820Map.Entry(0x100000, 63 * MIB, E820Map.TYPE_RAM),
                    new E820Map.Entry(0xFFFC0000L, 0x40000, E820Map.TYPE_RESERVED)), map.entries());
        }
    }
}
