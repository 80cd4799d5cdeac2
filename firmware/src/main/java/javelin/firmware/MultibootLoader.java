package javelin.firmware;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads a Multiboot (version 1, specification 0.6.96) kernel given with {@code -kernel}, as
 * QEMU does: finds the header in the first 8 KiB (magic 0x1BADB002, 32-bit aligned, magic +
 * flags + checksum = 0), loads the image by its a.out kludge addresses (flag 16) or else as an
 * ELF32 executable (PT_LOAD segments at their physical addresses), loads the modules given with
 * {@code -initrd} page-aligned after it, and builds the Multiboot information structure (memory
 * sizes, boot device, command line, modules, memory map, boot loader name) at
 * {@link #INFO_ADDRESS}. The entry state is 32-bit protected mode with EAX = 0x2BADB002 and
 * EBX = the information structure.
 *
 * <p>The command line is QEMU's: the kernel's file name, a space and {@code -append}. A module
 * string is the whole {@code -initrd} item, file name and arguments (see {@link #splitModules}).
 * Header flag 2 (a video mode request) is ignored, as QEMU ignores it: the guest stays in VGA
 * text mode. Other requirement bits (3-15) are refused, as the specification asks.
 *
 * <p>Nothing here touches a CPU or guest memory: the result is data for the board.
 */
public final class MultibootLoader {
    static final int HEADER_MAGIC = 0x1BADB002;
    /** What the loader leaves in EAX. */
    public static final int BOOTLOADER_MAGIC = 0x2BADB002;
    static final int SEARCH_LIMIT = 8192;
    // Header flags.
    static final int FLAG_PAGE_ALIGN = 1;
    static final int FLAG_MEMORY_INFO = 1 << 1;
    static final int FLAG_VIDEO_MODE = 1 << 2;
    static final int FLAG_AOUT_KLUDGE = 1 << 16;
    static final int KNOWN_REQUIREMENTS = FLAG_PAGE_ALIGN | FLAG_MEMORY_INFO | FLAG_VIDEO_MODE;
    static final int REQUIREMENT_MASK = 0xFFFF;
    // Header field offsets.
    static final int H_FLAGS = 4;
    static final int H_CHECKSUM = 8;
    static final int H_HEADER_ADDR = 12;
    static final int H_LOAD_ADDR = 16;
    static final int H_LOAD_END_ADDR = 20;
    static final int H_BSS_END_ADDR = 24;
    static final int H_ENTRY_ADDR = 28;
    static final int AOUT_HEADER_SIZE = 32;

    // Information structure offsets and flags (specification section 3.3).
    static final int I_FLAGS = 0;
    static final int I_MEM_LOWER = 4;
    static final int I_MEM_UPPER = 8;
    static final int I_BOOT_DEVICE = 12;
    static final int I_CMDLINE = 16;
    static final int I_MODS_COUNT = 20;
    static final int I_MODS_ADDR = 24;
    static final int I_MMAP_LENGTH = 44;
    static final int I_MMAP_ADDR = 48;
    static final int I_BOOT_LOADER_NAME = 64;
    static final int INFO_SIZE = 0x80;
    static final int INFO_MEMORY = 1;
    static final int INFO_BOOT_DEVICE = 1 << 1;
    static final int INFO_CMDLINE = 1 << 2;
    static final int INFO_MODS = 1 << 3;
    static final int INFO_MMAP = 1 << 6;
    static final int INFO_BOOT_LOADER_NAME = 1 << 9;
    static final int MODULE_ENTRY_SIZE = 16;
    /** An mmap entry: u32 size (20, not counting itself), u64 base, u64 length, u32 type. */
    static final int MMAP_ENTRY_SIZE = 24;
    /** BIOS drive 0x80 (first hard disk), whole disk: what QEMU reports. */
    static final int BOOT_DEVICE_FIRST_DISK = 0x8000_FFFF;
    static final String BOOT_LOADER_NAME = "javelin";

    // ELF32 (System V ABI, Intel386 supplement).
    static final int ELF_MAGIC = 0x464C_457F; // 0x7F 'E' 'L' 'F'
    static final int ELFCLASS32 = 1;
    static final int ELFDATA2LSB = 1;
    static final int ET_EXEC = 2;
    static final int EM_386 = 3;
    static final int PT_LOAD = 1;
    static final int ELF_HEADER_SIZE = 52;

    /** The information structure, its strings, module list and memory map: QEMU's spot. */
    public static final long INFO_ADDRESS = 0x9000;
    static final long INFO_AREA_END = 0x9FC00;
    /** The flat GDT, below the information structure. */
    public static final long GDT_ADDRESS = 0x500;
    static final long ONE_MIB = 0x100000;
    static final int PAGE = 4096;
    static final int KIB = 1024;
    static final int MEM_LOWER_KIB = 640;

    /** A module: its {@code -initrd} string (file name and arguments) and its contents. */
    public record Module(String commandLine, byte[] data) {
        public Module {
            data = data.clone();
        }

        @Override public byte[] data() {
            return data.clone();
        }

        @Override public boolean equals(Object o) {
            return o instanceof Module m && m.commandLine.equals(commandLine) && Arrays.equals(m.data, data);
        }

        @Override public int hashCode() {
            return commandLine.hashCode() * 31 + Arrays.hashCode(data);
        }

        @Override public String toString() {
            return "Module[" + commandLine + ", " + data.length + " bytes]";
        }
    }

    /** The header as found: its file offset and fields. */
    public record Header(int offset, int flags, long headerAddr, long loadAddr, long loadEndAddr,
                         long bssEndAddr, long entryAddr) {
        public boolean aoutKludge() {
            return (flags & FLAG_AOUT_KLUDGE) != 0;
        }
    }

    /** What the board does: write these bytes, then enter. */
    public record Boot(List<MemoryWrite> writes, ProtectedModeEntry entry) {
        public Boot {
            writes = List.copyOf(writes);
        }
    }

    private MultibootLoader() { }

    /**
     * Splits QEMU's {@code -initrd} for Multiboot: items separated by commas, {@code ",,"}
     * standing for a literal comma. Each item is a file name, optionally followed by a space
     * and arguments; the whole item becomes the module's string.
     */
    public static List<String> splitModules(String option) {
        List<String> items = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < option.length(); i++) {
            char c = option.charAt(i);
            if (c == ',' && i + 1 < option.length() && option.charAt(i + 1) == ',') {
                current.append(',');
                i++;
            } else if (c == ',') {
                items.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        items.add(current.toString());
        return items.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The file name of a module item: up to the first space. */
    public static String modulePath(String item) {
        int space = item.indexOf(' ');
        return space < 0 ? item : item.substring(0, space);
    }

    /** The Multiboot header in the first 8 KiB, or null if there is none. */
    public static Header findHeader(byte[] image) {
        int limit = Math.min(image.length, SEARCH_LIMIT) - H_CHECKSUM - 4;
        for (int at = 0; at <= limit; at += 4) {
            if (LittleEndian.get32(image, at) != HEADER_MAGIC) continue;
            int flags = LittleEndian.get32(image, at + H_FLAGS);
            if (HEADER_MAGIC + flags + LittleEndian.get32(image, at + H_CHECKSUM) != 0) continue;
            if ((flags & FLAG_AOUT_KLUDGE) != 0) {
                if (at + AOUT_HEADER_SIZE > image.length) {
                    throw new KernelImageException("Multiboot header at " + at + " is cut off by the end of the file");
                }
                return new Header(at, flags, u32(image, at + H_HEADER_ADDR), u32(image, at + H_LOAD_ADDR),
                        u32(image, at + H_LOAD_END_ADDR), u32(image, at + H_BSS_END_ADDR), u32(image, at + H_ENTRY_ADDR));
            }
            return new Header(at, flags, 0, 0, 0, 0, 0);
        }
        return null;
    }

    private static long u32(byte[] b, int at) {
        return LittleEndian.get32(b, at) & 0xFFFF_FFFFL;
    }

    /**
     * Prepares a Multiboot boot.
     *
     * @param image      the kernel file
     * @param kernelName the kernel's file name, first word of the command line
     * @param append     {@code -append}, may be empty
     * @param modules    the modules, in order
     * @param memoryMap  the map to report (use {@link E820Map#forOperatingSystem})
     * @param ramBelow4g RAM mapped from address 0
     */
    public static Boot load(byte[] image, String kernelName, String append, List<Module> modules,
                            E820Map memoryMap, long ramBelow4g) {
        Header header = findHeader(image);
        if (header == null) {
            throw new KernelImageException("no Multiboot header (magic 0x1BADB002 with a valid checksum) in the first 8 KiB");
        }
        int unknown = header.flags() & REQUIREMENT_MASK & ~KNOWN_REQUIREMENTS;
        if (unknown != 0) {
            throw new KernelImageException(String.format("Multiboot header requires features %#x this loader does not know",
                    unknown));
        }
        List<MemoryWrite> writes = new ArrayList<>();
        long entry = header.aoutKludge() ? loadAout(image, header, writes) : loadElf(image, writes);
        long imageEnd = writes.stream().mapToLong(MemoryWrite::end).max().orElse(ONE_MIB);
        for (MemoryWrite w : writes) {
            if (w.address() < ONE_MIB || w.end() > ramBelow4g) {
                throw new KernelImageException(String.format("kernel segment %#x-%#x is outside RAM from 1 MiB to %#x",
                        w.address(), w.end(), ramBelow4g));
            }
        }

        // Modules, page-aligned after the kernel.
        long next = alignUp(imageEnd, PAGE);
        List<long[]> placed = new ArrayList<>();
        for (Module m : modules) {
            if (next + m.data.length > ramBelow4g) {
                throw new KernelImageException("module " + m.commandLine() + " does not fit in RAM");
            }
            writes.add(new MemoryWrite(next, m.data));
            placed.add(new long[] {next, next + m.data.length});
            next = alignUp(next + m.data.length, PAGE);
        }

        // The information area: structure, module list, memory map, then strings.
        byte[] area = new byte[(int) (INFO_AREA_END - INFO_ADDRESS)];
        int cursor = INFO_SIZE;
        int modsAt = cursor;
        cursor += MODULE_ENTRY_SIZE * modules.size();
        int mmapAt = cursor;
        byte[] map = mmap(memoryMap);
        System.arraycopy(map, 0, area, mmapAt, map.length);
        cursor += map.length;
        String cmdline = append.isEmpty() ? kernelName : kernelName + " " + append;
        int cmdlineAt = cursor;
        cursor = putString(area, cursor, cmdline);
        int nameAt = cursor;
        cursor = putString(area, cursor, BOOT_LOADER_NAME);
        for (int i = 0; i < modules.size(); i++) {
            int entryAt = modsAt + i * MODULE_ENTRY_SIZE;
            LittleEndian.put32(area, entryAt, (int) placed.get(i)[0]);
            LittleEndian.put32(area, entryAt + 4, (int) placed.get(i)[1]);
            LittleEndian.put32(area, entryAt + 8, (int) (INFO_ADDRESS + cursor));
            cursor = putString(area, cursor, modules.get(i).commandLine());
        }
        LittleEndian.put32(area, I_FLAGS, INFO_MEMORY | INFO_BOOT_DEVICE | INFO_CMDLINE | INFO_MODS | INFO_MMAP
                | INFO_BOOT_LOADER_NAME);
        LittleEndian.put32(area, I_MEM_LOWER, MEM_LOWER_KIB);
        LittleEndian.put32(area, I_MEM_UPPER, (int) ((ramBelow4g - ONE_MIB) / KIB));
        LittleEndian.put32(area, I_BOOT_DEVICE, BOOT_DEVICE_FIRST_DISK);
        LittleEndian.put32(area, I_CMDLINE, (int) (INFO_ADDRESS + cmdlineAt));
        LittleEndian.put32(area, I_MODS_COUNT, modules.size());
        LittleEndian.put32(area, I_MODS_ADDR, (int) (INFO_ADDRESS + modsAt));
        LittleEndian.put32(area, I_MMAP_LENGTH, map.length);
        LittleEndian.put32(area, I_MMAP_ADDR, (int) (INFO_ADDRESS + mmapAt));
        LittleEndian.put32(area, I_BOOT_LOADER_NAME, (int) (INFO_ADDRESS + nameAt));
        writes.add(new MemoryWrite(INFO_ADDRESS, Arrays.copyOf(area, cursor)));
        writes.add(new MemoryWrite(GDT_ADDRESS, ProtectedModeEntry.flatGdt()));

        var state = new ProtectedModeEntry(entry, BOOTLOADER_MAGIC & 0xFFFF_FFFFL, INFO_ADDRESS, 0,
                ProtectedModeEntry.CODE_SELECTOR, ProtectedModeEntry.DATA_SELECTOR,
                GDT_ADDRESS, ProtectedModeEntry.GDT_SIZE - 1);
        return new Boot(writes, state);
    }

    private static int putString(byte[] area, int at, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        if (at + bytes.length + 1 > area.length) {
            throw new KernelImageException("Multiboot command lines and module strings do not fit below 0x9FC00");
        }
        System.arraycopy(bytes, 0, area, at, bytes.length);
        return at + bytes.length + 1;
    }

    /** The memory map in Multiboot's form: each e820 entry preceded by its size, 20. */
    static byte[] mmap(E820Map map) {
        byte[] e820 = map.encode();
        int n = map.entries().size();
        byte[] out = new byte[n * MMAP_ENTRY_SIZE];
        for (int i = 0; i < n; i++) {
            LittleEndian.put32(out, i * MMAP_ENTRY_SIZE, E820Map.ENTRY_SIZE);
            System.arraycopy(e820, i * E820Map.ENTRY_SIZE, out, i * MMAP_ENTRY_SIZE + 4, E820Map.ENTRY_SIZE);
        }
        return out;
    }

    /**
     * The a.out kludge (specification 3.1.3): the file from {@code header offset - (header_addr -
     * load_addr)} is loaded at load_addr up to load_end_addr (0: the end of the file), then zeros
     * up to bss_end_addr (0: none); the entry is entry_addr.
     */
    private static long loadAout(byte[] image, Header h, List<MemoryWrite> writes) {
        if (h.headerAddr() < h.loadAddr()) {
            throw new KernelImageException("Multiboot header_addr is below load_addr");
        }
        long fileStart = h.offset() - (h.headerAddr() - h.loadAddr());
        if (fileStart < 0) throw new KernelImageException("Multiboot load_addr lies before the start of the file");
        long size = h.loadEndAddr() == 0 ? image.length - fileStart : h.loadEndAddr() - h.loadAddr();
        if (size <= 0 || fileStart + size > image.length) {
            throw new KernelImageException(String.format("Multiboot load_end_addr %#x asks for more than the file holds",
                    h.loadEndAddr()));
        }
        writes.add(new MemoryWrite(h.loadAddr(), Arrays.copyOfRange(image, (int) fileStart, (int) (fileStart + size))));
        long loadEnd = h.loadAddr() + size;
        if (h.bssEndAddr() > loadEnd) writes.add(new MemoryWrite(loadEnd, new byte[(int) (h.bssEndAddr() - loadEnd)]));
        if (h.entryAddr() < h.loadAddr() || h.entryAddr() >= Math.max(loadEnd, h.bssEndAddr())) {
            throw new KernelImageException(String.format("Multiboot entry_addr %#x is outside the loaded image", h.entryAddr()));
        }
        return h.entryAddr();
    }

    /**
     * ELF32 executable for Intel386: each PT_LOAD segment at p_paddr, its BSS zeroed. Paging
     * is off at entry, so an e_entry inside a segment's virtual range (a higher-half kernel
     * whose p_vaddr differs from p_paddr) is moved to the same place in its physical range.
     */
    private static long loadElf(byte[] image, List<MemoryWrite> writes) {
        if (image.length < ELF_HEADER_SIZE || LittleEndian.get32(image, 0) != ELF_MAGIC) {
            throw new KernelImageException("Multiboot kernel without the a.out kludge (flag 16) must be an ELF file");
        }
        if (image[4] != ELFCLASS32 || image[5] != ELFDATA2LSB || LittleEndian.get16(image, 16) != ET_EXEC
                || LittleEndian.get16(image, 18) != EM_386) {
            throw new KernelImageException("Multiboot ELF kernel must be a 32-bit little-endian Intel386 executable");
        }
        long entry = u32(image, 24);
        long physicalEntry = entry;
        int phoff = LittleEndian.get32(image, 28);
        int phentsize = LittleEndian.get16(image, 42);
        int phnum = LittleEndian.get16(image, 44);
        for (int i = 0; i < phnum; i++) {
            int ph = phoff + i * phentsize;
            if (ph < 0 || ph + 32 > image.length) throw new KernelImageException("ELF program header " + i + " is cut off");
            if (LittleEndian.get32(image, ph) != PT_LOAD) continue;
            long offset = u32(image, ph + 4);
            long vaddr = u32(image, ph + 8);
            long paddr = u32(image, ph + 12);
            long filesz = u32(image, ph + 16);
            long memsz = u32(image, ph + 20);
            if (offset + filesz > image.length || memsz < filesz) {
                throw new KernelImageException("ELF segment " + i + " lies outside the file");
            }
            if (memsz == 0) continue;
            if (entry >= vaddr && entry < vaddr + memsz) physicalEntry = entry - vaddr + paddr;
            byte[] seg = new byte[(int) memsz];
            System.arraycopy(image, (int) offset, seg, 0, (int) filesz);
            writes.add(new MemoryWrite(paddr, seg));
        }
        if (writes.isEmpty()) throw new KernelImageException("ELF kernel has no loadable segment");
        return physicalEntry;
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }
}
