package javelin.firmware;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import javelin.devices.fwcfg.FwCfg;
import javelin.softmmu.PhysicalMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Against Documentation/arch/x86/boot.rst (setup header offsets, 32-bit boot protocol) and
 * zero-page.rst (boot_params offsets). The kernel image is synthetic: a setup header as the
 * document describes it, then a recognisable protected-mode part.
 */
class LinuxBootLoaderTest {
    static final long MIB = 1 << 20;
    static final int SETUP_SECTS = 4;
    static final int SETUP_SIZE = (SETUP_SECTS + 1) * 512;
    static final int PM_SIZE = 8192;

    /** A protocol 2.15 bzImage: setup_sects 4, LOADED_HIGH, code32_start 1 MiB, header to 0x268. */
    static byte[] bzImage(int protocol, int loadflags) {
        byte[] b = new byte[SETUP_SIZE + PM_SIZE];
        b[0x1F1] = SETUP_SECTS;
        b[0x1FE] = 0x55;
        b[0x1FF] = (byte) 0xAA;
        b[0x200] = (byte) 0xEB;                      // jmp short over the header
        b[0x201] = 0x66;                              // header ends at 0x202 + 0x66 = 0x268
        System.arraycopy("HdrS".getBytes(StandardCharsets.US_ASCII), 0, b, 0x202, 4);
        LittleEndian.put16(b, 0x206, protocol);
        b[0x211] = (byte) loadflags;
        LittleEndian.put32(b, 0x214, 0x100000);       // code32_start
        LittleEndian.put32(b, 0x22C, 0x7FFF_FFFF);    // initrd_addr_max
        LittleEndian.put32(b, 0x230, 0x0100_0000);    // kernel_alignment 16 MiB
        b[0x234] = 1;                                 // relocatable_kernel
        LittleEndian.put16(b, 0x236, 0);              // xloadflags
        LittleEndian.put32(b, 0x238, 2047);           // cmdline_size
        LittleEndian.put64(b, 0x258, 0x0100_0000L);   // pref_address
        LittleEndian.put32(b, 0x260, 0x4000);         // init_size
        for (int i = SETUP_SIZE; i < b.length; i++) b[i] = (byte) (i * 7);
        return b;
    }

    static byte[] bzImage() {
        return bzImage(0x020F, 0x01);
    }

    @Nested
    class SetupHeaderParsing {
        @Test
        void readsTheFieldsALoaderNeeds() {
            var h = LinuxBootLoader.parseHeader(bzImage());
            assertEquals(0x020F, h.protocol());
            assertEquals(4, h.setupSects());
            assertEquals(SETUP_SIZE, h.setupSize());
            assertTrue(h.loadedHigh());
            assertEquals(0x100000, h.code32Start());
            assertEquals(0x7FFF_FFFFL, h.initrdAddrMax());
            assertEquals(2047, h.cmdlineSize());
            assertEquals(0x0100_0000L, h.kernelAlignment());
            assertTrue(h.relocatable());
            assertEquals(0x0100_0000L, h.prefAddress());
            assertEquals(0x4000, h.initSize());
            assertEquals(0x268, h.headerEnd());
        }

        @Test
        void setupSectsZeroMeansFour() {
            byte[] image = bzImage();
            image[0x1F1] = 0;
            assertEquals(4, LinuxBootLoader.parseHeader(image).setupSects());
        }

        @Test
        void beforeProtocol203TheInitrdLimitIs0x37FFFFFF() {
            assertEquals(0x37FF_FFFFL, LinuxBootLoader.parseHeader(bzImage(0x0202, 0x01)).initrdAddrMax());
            assertEquals(255, LinuxBootLoader.parseHeader(bzImage(0x0202, 0x01)).cmdlineSize());
        }

        @Test
        void refusesAFileWithoutTheBootFlag() {
            byte[] image = bzImage();
            image[0x1FE] = 0;
            var e = assertThrows(KernelImageException.class, () -> LinuxBootLoader.parseHeader(image));
            assertTrue(e.getMessage().contains("0xAA55"), e.getMessage());
        }

        @Test
        void refusesAFileWithoutHdrS() {
            byte[] image = bzImage();
            image[0x202] = 'X';
            var e = assertThrows(KernelImageException.class, () -> LinuxBootLoader.parseHeader(image));
            assertTrue(e.getMessage().contains("HdrS"), e.getMessage());
            assertEquals(false, LinuxBootLoader.hasSetupHeader(image));
        }

        @Test
        void refusesProtocol201() {
            var e = assertThrows(KernelImageException.class, () -> LinuxBootLoader.parseHeader(bzImage(0x0201, 0x01)));
            assertTrue(e.getMessage().contains("2.01"), e.getMessage());
        }

        @Test
        void refusesAZImage() {
            var e = assertThrows(KernelImageException.class, () -> LinuxBootLoader.parseHeader(bzImage(0x020F, 0)));
            assertTrue(e.getMessage().contains("zImage"), e.getMessage());
        }

        @Test
        void refusesATruncatedImage() {
            byte[] image = Arrays.copyOf(bzImage(), SETUP_SIZE);
            assertThrows(KernelImageException.class, () -> LinuxBootLoader.parseHeader(image));
        }
    }

    @Nested
    class Placement {
        @Test
        void initrdGoesPageAlignedBelowTheFirmwareReserve() {
            var loader = new LinuxBootLoader(bzImage(), new byte[10000], "", 128 * MIB);
            // max = 128 MiB - 1 MiB - 1 = 0x7EFFFFF; (max - 10000) & ~0xFFF
            assertEquals(0x7EFD000L, loader.initrdAddress());
        }

        @Test
        void initrdStaysBelowInitrdAddrMax() {
            var loader = new LinuxBootLoader(bzImage(0x0202, 0x01), new byte[4096], "", 2048 * MIB);
            assertEquals(0x37FF_E000L, loader.initrdAddress(), "(0x37FFFFFF - 4096) & ~0xFFF");
        }

        @Test
        void anInitrdThatReachesTheKernelIsRefused() {
            assertThrows(KernelImageException.class, () -> new LinuxBootLoader(bzImage(), new byte[(int) (4 * MIB)], "", 6 * MIB));
        }

        @Test
        void aRelocatableKernelKeepsPrefAddressPlusInitSizeFree() {
            // Runs at pref_address 16 MiB with init_size 16 KiB: the initrd must start above 0x1004000.
            var loader = new LinuxBootLoader(bzImage(), new byte[(int) (6 * MIB)], "", 24 * MIB);
            assertEquals(0x1004000L, loader.kernelEnd());
            assertTrue(loader.initrdAddress() >= 0x1004000L);
            assertThrows(KernelImageException.class, () -> new LinuxBootLoader(bzImage(), new byte[(int) (7 * MIB)], "", 24 * MIB));
        }

        @Test
        void aNonRelocatableKernelEndsAtOneMiBPlusItsSize() {
            byte[] image = bzImage();
            image[0x234] = 0;
            assertEquals(0x100000L + Math.max(PM_SIZE, 0x4000), new LinuxBootLoader(image, null, "", 24 * MIB).kernelEnd());
        }

        @Test
        void aCommandLineLongerThanCmdlineSizeIsRefused() {
            var e = assertThrows(KernelImageException.class,
                    () -> new LinuxBootLoader(bzImage(), null, "x".repeat(2048), 64 * MIB));
            assertTrue(e.getMessage().contains("cmdline_size"), e.getMessage());
        }
    }

    @Nested
    class ThroughTheFirmware {
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

        int read32(int key) {
            return LittleEndian.get32(read(key, 4), 0);
        }

        @Test
        void fwCfgCarriesAddressesSizesAndData() {
            byte[] image = bzImage();
            byte[] initrd = new byte[5000];
            Arrays.fill(initrd, (byte) 0x5A);
            var loader = new LinuxBootLoader(image, initrd, "console=ttyS0", 64 * MIB);
            loader.installFirmwareBoot(fwCfg);
            assertEquals(0x10000, read32(FwCfg.KEY_SETUP_ADDR));
            assertEquals(SETUP_SIZE, read32(FwCfg.KEY_SETUP_SIZE));
            assertEquals(0x100000, read32(FwCfg.KEY_KERNEL_ADDR));
            assertEquals(PM_SIZE, read32(FwCfg.KEY_KERNEL_SIZE));
            assertArrayEquals(Arrays.copyOfRange(image, SETUP_SIZE, image.length), read(FwCfg.KEY_KERNEL_DATA, PM_SIZE));
            assertEquals((int) loader.initrdAddress(), read32(FwCfg.KEY_INITRD_ADDR));
            assertEquals(5000, read32(FwCfg.KEY_INITRD_SIZE));
            assertArrayEquals(initrd, read(FwCfg.KEY_INITRD_DATA, 5000));
            assertEquals(0x20000, read32(FwCfg.KEY_CMDLINE_ADDR));
            assertEquals(14, read32(FwCfg.KEY_CMDLINE_SIZE), "13 characters and the NUL");
            assertEquals("console=ttyS0\0", new String(read(FwCfg.KEY_CMDLINE_DATA, 14), StandardCharsets.US_ASCII));
        }

        @Test
        void theSetupHasTheLoaderFieldsFilledIn() {
            var loader = new LinuxBootLoader(bzImage(), new byte[5000], "quiet", 64 * MIB);
            loader.installFirmwareBoot(fwCfg);
            byte[] setup = read(FwCfg.KEY_SETUP_DATA, SETUP_SIZE);
            assertEquals(0xFF, setup[0x210] & 0xFF, "type_of_loader: undefined");
            assertEquals(0x81, setup[0x211] & 0xFF, "loadflags: LOADED_HIGH | CAN_USE_HEAP");
            assertEquals(0x20000, LittleEndian.get32(setup, 0x228), "cmd_line_ptr");
            assertEquals(0xFE00, LittleEndian.get16(setup, 0x224), "heap_end_ptr = cmdline - setup - 0x200");
            assertEquals((int) loader.initrdAddress(), LittleEndian.get32(setup, 0x218), "ramdisk_image");
            assertEquals(5000, LittleEndian.get32(setup, 0x21C), "ramdisk_size");
            assertEquals(0xFFFF, LittleEndian.get16(setup, 0x1FA), "vid_mode: normal");
        }

        @Test
        void theOptionRomIsAGenromsFileBootedByItsPath() {
            new LinuxBootLoader(bzImage(), null, "", 64 * MIB).installFirmwareBoot(fwCfg);
            int key = fwCfg.fileKey("genroms/linuxboot.bin");
            assertTrue(key >= FwCfg.KEY_FILE_FIRST);
            assertArrayEquals(LinuxBootLoader.optionRom(), read(key, LinuxBootLoader.optionRom().length));
            assertEquals("/rom@genroms/linuxboot.bin", LinuxBootLoader.BOOT_DEVICE_PATH);
        }
    }

    @Nested
    class OptionRom {
        final byte[] rom = LinuxBootLoader.optionRom();

        @Test
        void hasTheExpansionRomSignatureAndSize() {
            assertEquals(0x55, rom[0] & 0xFF);
            assertEquals(0xAA, rom[1] & 0xFF);
            assertEquals(rom.length, (rom[2] & 0xFF) * 512);
        }

        @Test
        void bytesSumToZero() {
            int sum = 0;
            for (byte b : rom) sum += b;
            assertEquals(0, sum & 0xFF);
        }

        @Test
        void hasAPnpHeaderWithABootEntryVector() {
            int pnp = LittleEndian.get16(rom, 0x1A);
            assertEquals("$PnP", new String(rom, pnp, 4, StandardCharsets.US_ASCII));
            int bev = LittleEndian.get16(rom, pnp + 0x1A);
            assertTrue(bev > pnp && bev < rom.length, "BEV inside the ROM: " + bev);
            assertEquals(0xCB, rom[3] & 0xFF, "the init entry is a bare RETF");
        }
    }

    @Nested
    class WithoutBios {
        final byte[] image = bzImage();
        final LinuxBootLoader loader = new LinuxBootLoader(image, new byte[3000], "console=ttyS0", 64 * MIB);
        final LinuxBootLoader.DirectBoot boot = loader.directBoot(E820Map.forOperatingSystem(64 * MIB, 0));

        MemoryWrite at(long address) {
            return boot.writes().stream().filter(w -> w.address() == address).findFirst().orElseThrow();
        }

        @Test
        void entersAtCode32StartWithTheZeroPageInEsi() {
            var e = boot.entry();
            assertEquals(0x100000, e.eip());
            assertEquals(0x10000, e.esi());
            assertEquals(0x10, e.codeSelector(), "__BOOT_CS");
            assertEquals(0x18, e.dataSelector(), "__BOOT_DS");
            assertEquals(0, e.eax());
            assertEquals(0, e.ebx());
        }

        @Test
        void protocol209KernelsGetAnRngSeedInSetupData() {
            // boot.rst: hdr.setup_data (0x250, protocol 2.09+) is the physical address of a
            // struct setup_data list: u64 next, u32 type (9 = SETUP_RNG_SEED), u32 len, data.
            long list = LittleEndian.get64(at(0x10000).data(), 0x250);
            assertEquals(0x21000, list);
            byte[] sd = at(list).data();
            assertEquals(0, LittleEndian.get64(sd, 0), "the only entry");
            assertEquals(9, LittleEndian.get32(sd, 8));
            assertEquals(32, LittleEndian.get32(sd, 12));
            assertEquals(16 + 32, sd.length);
        }

        @Test
        void theGdtHasFlatCodeAndDataAtTheBootSelectors() {
            byte[] gdt = at(boot.entry().gdtBase()).data();
            assertEquals(boot.entry().gdtLimit() + 1, gdt.length);
            assertEquals(0x00CF_9B00_0000_FFFFL, LittleEndian.get64(gdt, 0x10));
            assertEquals(0x00CF_9300_0000_FFFFL, LittleEndian.get64(gdt, 0x18));
        }

        @Test
        void theZeroPageCopiesTheSetupHeaderAndFillsTheLoaderFields() {
            byte[] zp = at(0x10000).data();
            assertEquals(4096, zp.length);
            assertEquals(0, zp[0x1F0], "nothing before the header is copied from the image");
            assertArrayEquals(Arrays.copyOfRange(image, 0x202, 0x210), Arrays.copyOfRange(zp, 0x202, 0x210));
            assertEquals(0xFF, zp[0x210] & 0xFF);
            assertEquals(0x20000, LittleEndian.get32(zp, 0x228));
            assertEquals((int) loader.initrdAddress(), LittleEndian.get32(zp, 0x218));
            assertEquals(3000, LittleEndian.get32(zp, 0x21C));
            assertEquals(0, zp[0x268], "nothing after the header end is copied");
        }

        @Test
        void theZeroPageHoldsTheE820Map() {
            byte[] zp = at(0x10000).data();
            assertEquals(5, zp[0x1E8]);
            assertEquals(0, LittleEndian.get64(zp, 0x2D0));
            assertEquals(0x9FC00, LittleEndian.get64(zp, 0x2D0 + 8));
            assertEquals(1, LittleEndian.get32(zp, 0x2D0 + 16));
            assertEquals(0x100000, LittleEndian.get64(zp, 0x2D0 + 3 * 20));
            assertEquals(63 * MIB, LittleEndian.get64(zp, 0x2D0 + 3 * 20 + 8));
            assertEquals(63 * 1024, LittleEndian.get32(zp, 0x1E0), "alt_mem_k: KiB above 1 MiB");
        }

        @Test
        void theZeroPageDescribesAnEightyColumnVgaTextScreen() {
            byte[] zp = at(0x10000).data();
            assertEquals(3, zp[0x06], "orig_video_mode");
            assertEquals(80, zp[0x07], "orig_video_cols");
            assertEquals(25, zp[0x0E], "orig_video_lines");
            assertEquals(1, zp[0x0F], "orig_video_isVGA");
        }

        @Test
        void kernelInitrdAndCommandLineAreWritten() {
            assertArrayEquals(Arrays.copyOfRange(image, SETUP_SIZE, image.length), at(0x100000).data());
            assertEquals(3000, at(loader.initrdAddress()).length());
            assertEquals("console=ttyS0\0", new String(at(0x20000).data(), StandardCharsets.US_ASCII));
        }

        @Test
        void writesDoNotOverlap() {
            var sorted = boot.writes().stream().sorted((a, b) -> Long.compare(a.address(), b.address())).toList();
            for (int i = 1; i < sorted.size(); i++) {
                assertTrue(sorted.get(i - 1).end() <= sorted.get(i).address(), sorted.get(i - 1) + " overlaps " + sorted.get(i));
            }
        }
    }
}
