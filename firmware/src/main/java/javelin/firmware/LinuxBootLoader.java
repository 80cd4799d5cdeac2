package javelin.firmware;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javelin.devices.fwcfg.FwCfg;

/**
 * Boots a Linux bzImage given with {@code -kernel}, following the x86 boot protocol 2.02 or
 * later (Documentation/arch/x86/boot.rst; field offsets below are that document's), in one of
 * two ways:
 * <ul>
 * <li><b>through SeaBIOS</b>, as QEMU does: {@link #installFirmwareBoot} puts the patched
 *     real-mode setup, the protected-mode kernel, the initrd and the command line into fw_cfg
 *     (keys 0x07-0x18) with our option ROM {@code genroms/linuxboot.bin}
 *     ({@code src/main/asm/linuxboot.asm}), which SeaBIOS boots first when
 *     {@link #BOOT_DEVICE_PATH} leads the {@code bootorder} file;</li>
 * <li><b>with no BIOS</b>, through the 32-bit boot protocol: {@link #directBoot} returns the
 *     memory writes (kernel, initrd, command line, a zero page with the e820 map, a flat GDT)
 *     and the {@link ProtectedModeEntry} (ESI = zero page, EIP = code32_start).</li>
 * </ul>
 *
 * <p>Placement (both ways; QEMU x86_load_linux uses the same for a loaded-high kernel): the
 * setup at {@link #SETUP_ADDRESS} (fw_cfg path) or the zero page there (direct path), the
 * command line at {@link #CMDLINE_ADDRESS}, the kernel at 1 MiB, the initrd page-aligned as high
 * as {@code initrd_addr_max} (protocol 2.03+, else 0x37FFFFFF) and the top of low RAM less
 * {@link #HIGH_RESERVE} allow. Images older than protocol 2.02 or not loaded high (zImage) are
 * refused: every kernel this project boots is a bzImage.
 *
 * <p>Instances are immutable; nothing here touches a CPU or guest memory.
 */
public final class LinuxBootLoader {
    // Setup header fields (offsets in the image and in boot_params).
    static final int HDR_SETUP_SECTS = 0x1F1;
    static final int HDR_VID_MODE = 0x1FA;
    static final int HDR_BOOT_FLAG = 0x1FE;
    static final int HDR_JUMP = 0x200;
    static final int HDR_HEADER = 0x202;
    static final int HDR_VERSION = 0x206;
    static final int HDR_TYPE_OF_LOADER = 0x210;
    static final int HDR_LOADFLAGS = 0x211;
    static final int HDR_CODE32_START = 0x214;
    static final int HDR_RAMDISK_IMAGE = 0x218;
    static final int HDR_RAMDISK_SIZE = 0x21C;
    static final int HDR_HEAP_END_PTR = 0x224;
    static final int HDR_CMD_LINE_PTR = 0x228;
    static final int HDR_INITRD_ADDR_MAX = 0x22C;
    static final int HDR_KERNEL_ALIGNMENT = 0x230;
    static final int HDR_RELOCATABLE_KERNEL = 0x234;
    static final int HDR_XLOADFLAGS = 0x236;
    static final int HDR_CMDLINE_SIZE = 0x238;
    static final int HDR_SETUP_DATA = 0x250;
    static final int HDR_PREF_ADDRESS = 0x258;
    static final int HDR_INIT_SIZE = 0x260;

    // boot_params fields outside the setup header (Documentation/arch/x86/zero-page.rst).
    static final int BP_ORIG_VIDEO_MODE = 0x06;
    static final int BP_ORIG_VIDEO_COLS = 0x07;
    static final int BP_ORIG_VIDEO_LINES = 0x0E;
    static final int BP_ORIG_VIDEO_IS_VGA = 0x0F;
    static final int BP_ORIG_VIDEO_POINTS = 0x10;
    static final int BP_ALT_MEM_K = 0x1E0;
    static final int BP_E820_ENTRIES = 0x1E8;
    static final int BP_E820_TABLE = 0x2D0;
    static final int BP_E820_MAX = 128;
    static final int ZERO_PAGE_SIZE = 4096;

    static final int BOOT_FLAG = 0xAA55;
    static final int HEADER_MAGIC = 0x5372_6448; // "HdrS"
    static final int LOADFLAGS_LOADED_HIGH = 0x01;
    static final int LOADFLAGS_CAN_USE_HEAP = 0x80;
    /** "Undefined" boot loader ID: we have no ID assigned (boot.rst, type_of_loader). */
    static final int TYPE_OF_LOADER_UNDEFINED = 0xFF;
    static final int VID_MODE_NORMAL = 0xFFFF;
    static final int MIN_PROTOCOL = 0x0202;
    static final int PROTOCOL_INITRD_ADDR_MAX = 0x0203;
    static final int PROTOCOL_CMDLINE_SIZE = 0x0206;
    static final int PROTOCOL_INIT_SIZE = 0x020A;
    static final int DEFAULT_SETUP_SECTS = 4;
    static final long DEFAULT_INITRD_ADDR_MAX = 0x37FF_FFFFL;
    /** Before protocol 2.06 the command line may be 255 bytes plus the NUL. */
    static final int DEFAULT_CMDLINE_SIZE = 255;
    static final int SECTOR = 512;
    static final int PAGE = 4096;

    /** Where the setup (fw_cfg path) or the zero page (direct path) goes: QEMU's real_addr. */
    public static final long SETUP_ADDRESS = 0x10000;
    /** The command line; the real-mode setup's heap and stack end here. */
    public static final long CMDLINE_ADDRESS = 0x20000;
    /** The protected-mode kernel of a loaded-high image: 1 MiB. */
    public static final long KERNEL_ADDRESS = 0x100000;
    /** The flat GDT of the direct path, in the free area after the BIOS data area. */
    public static final long GDT_ADDRESS = 0x500;
    /** Where the direct boot puts its setup_data list: the page after the command line's 4 KiB. */
    public static final long SETUP_DATA_ADDRESS = 0x21000;
    /** setup_data type of a boot-loader RNG seed (boot.rst, "setup_data"; Linux 6.0+). */
    static final int SETUP_RNG_SEED = 9;
    static final int RNG_SEED_BYTES = 32;
    /** Boot protocol version that introduced hdr.setup_data. */
    static final int PROTOCOL_SETUP_DATA = 0x209;
    /** Kept free at the top of low RAM for SeaBIOS's high zone and tables (it takes 256 KiB+). */
    public static final long HIGH_RESERVE = 0x100000;
    /** The ROM file SeaBIOS runs, and its boot-order path. */
    public static final String OPTION_ROM_FILE = "genroms/linuxboot.bin";
    public static final String BOOT_DEVICE_PATH = "/rom@" + OPTION_ROM_FILE;
    static final String OPTION_ROM_RESOURCE = "linuxboot.bin";

    /** The setup header fields a loader consults. */
    public record SetupHeader(int protocol, int setupSects, int loadFlags, long code32Start, long initrdAddrMax,
                              int cmdlineSize, long kernelAlignment, boolean relocatable, int xloadflags,
                              long prefAddress, long initSize, int headerEnd) {
        public int setupSize() {
            return (setupSects + 1) * SECTOR;
        }

        public boolean loadedHigh() {
            return (loadFlags & LOADFLAGS_LOADED_HIGH) != 0;
        }
    }

    /** What the board does for a direct boot: write these bytes, then enter. */
    public record DirectBoot(List<MemoryWrite> writes, ProtectedModeEntry entry) {
        public DirectBoot {
            writes = List.copyOf(writes);
        }
    }

    private final byte[] image;
    private final SetupHeader header;
    private final byte[] initrd;
    private final String cmdline;
    private final long ramBelow4g;
    private final long initrdAddress;

    /**
     * @param kernel     the bzImage file's bytes
     * @param initrd     the initrd's bytes, or null
     * @param cmdline    the kernel command line ({@code -append}), may be empty
     * @param ramBelow4g RAM mapped from address 0
     * @throws KernelImageException if the image is not a bootable bzImage or things do not fit
     */
    public LinuxBootLoader(byte[] kernel, byte[] initrd, String cmdline, long ramBelow4g) {
        this.image = kernel.clone();
        this.header = parseHeader(image);
        this.initrd = initrd == null ? new byte[0] : initrd.clone();
        this.cmdline = cmdline;
        this.ramBelow4g = ramBelow4g;
        int maxCmdline = header.cmdlineSize();
        byte[] cmd = cmdline.getBytes(StandardCharsets.ISO_8859_1);
        if (cmd.length > maxCmdline) {
            throw new KernelImageException("command line of " + cmd.length + " bytes exceeds the kernel's cmdline_size "
                    + maxCmdline);
        }
        long kernelEnd = kernelEnd();
        if (kernelEnd > ramBelow4g - HIGH_RESERVE) {
            throw new KernelImageException(String.format("kernel needs RAM up to %#x; the machine has %d MiB",
                    kernelEnd, ramBelow4g >> 20));
        }
        this.initrdAddress = placeInitrd(kernelEnd);
    }

    /** True if the image has a Linux setup header ("HdrS"): QEMU then treats it as Linux, not Multiboot. */
    public static boolean hasSetupHeader(byte[] image) {
        return image.length >= HDR_VERSION + 2 && LittleEndian.get32(image, HDR_HEADER) == HEADER_MAGIC;
    }

    /** Reads and checks the setup header (boot.rst, "The real-mode kernel header"). */
    public static SetupHeader parseHeader(byte[] image) {
        if (image.length < SECTOR + SECTOR || LittleEndian.get16(image, HDR_BOOT_FLAG) != BOOT_FLAG) {
            throw new KernelImageException("not a Linux kernel image: no boot flag 0xAA55 at offset 0x1FE");
        }
        if (!hasSetupHeader(image)) {
            throw new KernelImageException("not a bzImage: no \"HdrS\" setup header at offset 0x202 "
                    + "(boot protocol before 2.00)");
        }
        int protocol = LittleEndian.get16(image, HDR_VERSION);
        if (protocol < MIN_PROTOCOL) {
            throw new KernelImageException(String.format("boot protocol %d.%02d is too old: 2.02 or later is needed",
                    protocol >> 8, protocol & 0xFF));
        }
        int loadFlags = LittleEndian.get8(image, HDR_LOADFLAGS);
        if ((loadFlags & LOADFLAGS_LOADED_HIGH) == 0) {
            throw new KernelImageException("a zImage (kernel loaded at 0x10000) is not supported: use a bzImage");
        }
        int setupSects = LittleEndian.get8(image, HDR_SETUP_SECTS);
        if (setupSects == 0) setupSects = DEFAULT_SETUP_SECTS;
        int headerEnd = HDR_HEADER + LittleEndian.get8(image, HDR_JUMP + 1);
        int setupSize = (setupSects + 1) * SECTOR;
        if (setupSize >= image.length || headerEnd > setupSize) {
            throw new KernelImageException("truncated kernel image: setup of " + setupSize + " bytes, file of "
                    + image.length);
        }
        long initrdAddrMax = protocol >= PROTOCOL_INITRD_ADDR_MAX
                ? LittleEndian.get32(image, HDR_INITRD_ADDR_MAX) & 0xFFFF_FFFFL : DEFAULT_INITRD_ADDR_MAX;
        int cmdlineSize = protocol >= PROTOCOL_CMDLINE_SIZE
                ? LittleEndian.get32(image, HDR_CMDLINE_SIZE) : DEFAULT_CMDLINE_SIZE;
        boolean v205 = protocol >= 0x0205;
        boolean v212 = protocol >= 0x020C;
        boolean v210 = protocol >= PROTOCOL_INIT_SIZE;
        return new SetupHeader(protocol, setupSects, loadFlags,
                LittleEndian.get32(image, HDR_CODE32_START) & 0xFFFF_FFFFL,
                initrdAddrMax, cmdlineSize,
                v205 ? LittleEndian.get32(image, HDR_KERNEL_ALIGNMENT) & 0xFFFF_FFFFL : 0,
                v205 && LittleEndian.get8(image, HDR_RELOCATABLE_KERNEL) != 0,
                v212 ? LittleEndian.get16(image, HDR_XLOADFLAGS) : 0,
                v210 ? LittleEndian.get64(image, HDR_PREF_ADDRESS) : KERNEL_ADDRESS,
                v210 ? LittleEndian.get32(image, HDR_INIT_SIZE) & 0xFFFF_FFFFL : 0,
                headerEnd);
    }

    public SetupHeader header() {
        return header;
    }

    /**
     * The end of the memory the kernel uses while it starts: it is loaded at 1 MiB, and it
     * decompresses into init_size bytes (protocol 2.10+) from its run address, which for a
     * relocatable kernel is its load address rounded up to kernel_alignment, and at least
     * pref_address (its link address, LOAD_PHYSICAL_ADDR: 16 MiB for Debian's i386 kernels).
     */
    long kernelEnd() {
        long loaded = KERNEL_ADDRESS + protectedModeSize();
        long runAt = header.relocatable()
                ? Math.max(header.prefAddress(), alignUp(KERNEL_ADDRESS, header.kernelAlignment()))
                : KERNEL_ADDRESS;
        return Math.max(loaded, runAt + header.initSize());
    }

    private static long alignUp(long value, long alignment) {
        return alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
    }

    /** Size of the protected-mode part: everything after the setup sectors. */
    public int protectedModeSize() {
        return image.length - header.setupSize();
    }

    /** Where the initrd goes (0 without an initrd). */
    public long initrdAddress() {
        return initrdAddress;
    }

    /**
     * The highest page-aligned address below both initrd_addr_max and the top of low RAM less
     * the firmware's reserve, as QEMU computes it; refuses an initrd that would overlap the kernel.
     */
    private long placeInitrd(long kernelEnd) {
        if (initrd.length == 0) return 0;
        long max = Math.min(header.initrdAddrMax(), ramBelow4g - HIGH_RESERVE - 1);
        long address = (max - initrd.length) & -PAGE;
        if (address < kernelEnd) {
            throw new KernelImageException(String.format("initrd of %d bytes does not fit between the kernel's end "
                    + "%#x and %#x (initrd_addr_max %#x, RAM below 4 GiB %d MiB)",
                    initrd.length, kernelEnd, max, header.initrdAddrMax(), ramBelow4g >> 20));
        }
        return address;
    }

    /** The setup header fields a boot loader fills in (boot.rst, "Details of header fields"). */
    private void fillLoaderFields(byte[] target) {
        LittleEndian.put8(target, HDR_TYPE_OF_LOADER, TYPE_OF_LOADER_UNDEFINED);
        LittleEndian.put32(target, HDR_CMD_LINE_PTR, (int) CMDLINE_ADDRESS);
        LittleEndian.put32(target, HDR_RAMDISK_IMAGE, (int) initrdAddress);
        LittleEndian.put32(target, HDR_RAMDISK_SIZE, initrd.length);
        LittleEndian.put16(target, HDR_VID_MODE, VID_MODE_NORMAL);
    }

    private byte[] cmdlineBytes() {
        byte[] text = cmdline.getBytes(StandardCharsets.ISO_8859_1);
        return Arrays.copyOf(text, text.length + 1);
    }

    /**
     * The real-mode setup as the option ROM copies it to {@link #SETUP_ADDRESS}: the image's setup
     * sectors with the loader fields filled in and the heap enabled up to the command line.
     */
    byte[] patchedSetup() {
        byte[] setup = Arrays.copyOf(image, header.setupSize());
        fillLoaderFields(setup);
        LittleEndian.put16(setup, HDR_HEAP_END_PTR, (int) (CMDLINE_ADDRESS - SETUP_ADDRESS - SECTOR));
        LittleEndian.put8(setup, HDR_LOADFLAGS, header.loadFlags() | LOADFLAGS_CAN_USE_HEAP);
        return setup;
    }

    /** (a) The fw_cfg items QEMU provides for {@code -kernel}, and our option ROM that boots them. */
    public void installFirmwareBoot(FwCfg fwCfg) {
        byte[] setup = patchedSetup();
        fwCfg.putUint32(FwCfg.KEY_SETUP_ADDR, (int) SETUP_ADDRESS);
        fwCfg.putUint32(FwCfg.KEY_SETUP_SIZE, setup.length);
        fwCfg.putBytes(FwCfg.KEY_SETUP_DATA, setup);
        fwCfg.putUint32(FwCfg.KEY_KERNEL_ADDR, (int) KERNEL_ADDRESS);
        fwCfg.putUint32(FwCfg.KEY_KERNEL_SIZE, protectedModeSize());
        fwCfg.putBytes(FwCfg.KEY_KERNEL_DATA, Arrays.copyOfRange(image, header.setupSize(), image.length));
        fwCfg.putUint32(FwCfg.KEY_INITRD_ADDR, (int) initrdAddress);
        fwCfg.putUint32(FwCfg.KEY_INITRD_SIZE, initrd.length);
        fwCfg.putBytes(FwCfg.KEY_INITRD_DATA, initrd);
        byte[] cmd = cmdlineBytes();
        fwCfg.putUint32(FwCfg.KEY_CMDLINE_ADDR, (int) CMDLINE_ADDRESS);
        fwCfg.putUint32(FwCfg.KEY_CMDLINE_SIZE, cmd.length);
        fwCfg.putBytes(FwCfg.KEY_CMDLINE_DATA, cmd);
        fwCfg.putFile(OPTION_ROM_FILE, optionRom(), false);
    }

    /**
     * Our linuxboot option ROM, assembled by the build, with its checksum byte set so that all
     * bytes sum to zero (the PCI firmware specification's rule for expansion ROMs).
     */
    public static byte[] optionRom() {
        byte[] rom;
        try (InputStream in = LinuxBootLoader.class.getResourceAsStream(OPTION_ROM_RESOURCE)) {
            if (in == null) throw new IllegalStateException(OPTION_ROM_RESOURCE + " is missing: the build assembles it with nasm");
            rom = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int sum = 0;
        for (int i = 0; i < rom.length - 1; i++) sum += rom[i];
        rom[rom.length - 1] = (byte) -sum;
        return rom;
    }

    /**
     * (b) Booting with no BIOS through the 32-bit entry: the zero page at
     * {@link #SETUP_ADDRESS} (setup header copied from the image, loader fields, e820 map, VGA
     * text screen), the command line, the kernel at code32_start, the initrd and a flat GDT.
     */
    public DirectBoot directBoot(E820Map memoryMap) {
        if (memoryMap.entries().size() > BP_E820_MAX) {
            throw new IllegalArgumentException("the zero page holds at most 128 e820 entries");
        }
        List<MemoryWrite> writes = new ArrayList<>();
        writes.add(new MemoryWrite(GDT_ADDRESS, ProtectedModeEntry.flatGdt()));
        byte[] zeroPage = zeroPage(memoryMap);
        if (header.protocol() >= PROTOCOL_SETUP_DATA) {
            // A boot-loader RNG seed, as QEMU passes one: without RDRAND the kernel would spend a
            // minute of guest time gathering entropy at interpreter speed before "crng init done".
            writes.add(new MemoryWrite(SETUP_DATA_ADDRESS, rngSeedSetupData(new java.security.SecureRandom())));
            LittleEndian.put64(zeroPage, HDR_SETUP_DATA, SETUP_DATA_ADDRESS);
        }
        writes.add(new MemoryWrite(SETUP_ADDRESS, zeroPage));
        writes.add(new MemoryWrite(CMDLINE_ADDRESS, cmdlineBytes()));
        writes.add(new MemoryWrite(header.code32Start(), Arrays.copyOfRange(image, header.setupSize(), image.length)));
        if (initrd.length > 0) writes.add(new MemoryWrite(initrdAddress, initrd));
        var entry = new ProtectedModeEntry(header.code32Start(), 0, 0, SETUP_ADDRESS,
                ProtectedModeEntry.CODE_SELECTOR, ProtectedModeEntry.DATA_SELECTOR,
                GDT_ADDRESS, ProtectedModeEntry.GDT_SIZE - 1);
        return new DirectBoot(writes, entry);
    }

    /** One struct setup_data (u64 next = 0, u32 type, u32 len, data) holding a fresh RNG seed. */
    static byte[] rngSeedSetupData(java.util.Random random) {
        byte[] sd = new byte[16 + RNG_SEED_BYTES];
        LittleEndian.put64(sd, 0, 0);
        LittleEndian.put32(sd, 8, SETUP_RNG_SEED);
        LittleEndian.put32(sd, 12, RNG_SEED_BYTES);
        byte[] seed = new byte[RNG_SEED_BYTES];
        random.nextBytes(seed);
        System.arraycopy(seed, 0, sd, 16, RNG_SEED_BYTES);
        return sd;
    }

    /** struct boot_params for the 32-bit boot protocol (boot.rst, "32-bit Boot Protocol"). */
    byte[] zeroPage(E820Map memoryMap) {
        byte[] zp = new byte[ZERO_PAGE_SIZE];
        System.arraycopy(image, HDR_SETUP_SECTS, zp, HDR_SETUP_SECTS, header.headerEnd() - HDR_SETUP_SECTS);
        fillLoaderFields(zp);
        // An 80x25 colour VGA text screen, so that the VGA console (tty1) comes up.
        LittleEndian.put8(zp, BP_ORIG_VIDEO_MODE, 3);
        LittleEndian.put8(zp, BP_ORIG_VIDEO_COLS, 80);
        LittleEndian.put8(zp, BP_ORIG_VIDEO_LINES, 25);
        LittleEndian.put8(zp, BP_ORIG_VIDEO_IS_VGA, 1);
        LittleEndian.put16(zp, BP_ORIG_VIDEO_POINTS, 16);
        LittleEndian.put32(zp, BP_ALT_MEM_K, (int) ((ramBelow4g - KERNEL_ADDRESS) >> 10));
        byte[] e820 = memoryMap.encode();
        LittleEndian.put8(zp, BP_E820_ENTRIES, memoryMap.entries().size());
        System.arraycopy(e820, 0, zp, BP_E820_TABLE, e820.length);
        return zp;
    }
}
