package javelin.firmware;

import java.util.ArrayList;
import java.util.List;

/**
 * The PC's physical memory map as BIOS INT 15h/E820 reports it, for the three readers that
 * take it in the same 20-byte little-endian entry ({@code u64 address, u64 length, u32 type}):
 * SeaBIOS through the fw_cfg file {@code etc/e820} (QEMU's {@code struct e820_entry}), the
 * Linux zero page ({@code boot_params.e820_table}, Documentation/arch/x86/zero-page.rst), and,
 * with a size prefix, the Multiboot memory map.
 */
public record E820Map(List<Entry> entries) {
    public static final int TYPE_RAM = 1;
    public static final int TYPE_RESERVED = 2;
    public static final int TYPE_ACPI = 3;
    public static final int TYPE_NVS = 4;
    public static final int ENTRY_SIZE = 20;

    /** Conventional memory below the EBDA (640 KiB less the 1 KiB EBDA SeaBIOS keeps at 0x9FC00). */
    static final long BASE_MEMORY_END = 0x9FC00;
    static final long VGA_HOLE = 0xA0000;
    static final long BIOS_AREA = 0xF0000;
    static final long ONE_MIB = 0x100000;
    static final long FOUR_GIB = 1L << 32;
    /** The 256 KiB firmware image ends at 4 GiB; SeaBIOS reserves it (paravirt.c, qemu_preinit). */
    static final long HIGH_BIOS_SIZE = 256 * 1024;

    public record Entry(long address, long length, int type) { }

    public E820Map {
        entries = List.copyOf(entries);
    }

    /**
     * What QEMU's pc machine puts in {@code etc/e820}: RAM from 0 to the end of low RAM and,
     * if there is any, RAM above 4 GiB (SeaBIOS adds the legacy holes itself).
     */
    public static E820Map forFirmware(long ramBelow4g, long ramAbove4g) {
        List<Entry> e = new ArrayList<>();
        e.add(new Entry(0, ramBelow4g, TYPE_RAM));
        if (ramAbove4g > 0) e.add(new Entry(FOUR_GIB, ramAbove4g, TYPE_RAM));
        return new E820Map(e);
    }

    /**
     * The map a BIOS would report to an OS started with no BIOS (direct Linux boot, Multiboot):
     * conventional memory, the EBDA and the BIOS segment reserved (as SeaBIOS reports them;
     * the VGA window and option ROMs are left out of the map), RAM from 1 MiB, the firmware at the top
     * of 4 GiB, and RAM above 4 GiB.
     */
    public static E820Map forOperatingSystem(long ramBelow4g, long ramAbove4g) {
        List<Entry> e = new ArrayList<>();
        e.add(new Entry(0, BASE_MEMORY_END, TYPE_RAM));
        e.add(new Entry(BASE_MEMORY_END, VGA_HOLE - BASE_MEMORY_END, TYPE_RESERVED));
        e.add(new Entry(BIOS_AREA, ONE_MIB - BIOS_AREA, TYPE_RESERVED));
        if (ramBelow4g > ONE_MIB) e.add(new Entry(ONE_MIB, ramBelow4g - ONE_MIB, TYPE_RAM));
        e.add(new Entry(FOUR_GIB - HIGH_BIOS_SIZE, HIGH_BIOS_SIZE, TYPE_RESERVED));
        if (ramAbove4g > 0) e.add(new Entry(FOUR_GIB, ramAbove4g, TYPE_RAM));
        return new E820Map(e);
    }

    /** The entries back to back, 20 bytes each, little-endian. */
    public byte[] encode() {
        byte[] out = new byte[entries.size() * ENTRY_SIZE];
        for (int i = 0; i < entries.size(); i++) {
            Entry en = entries.get(i);
            LittleEndian.put64(out, i * ENTRY_SIZE, en.address());
            LittleEndian.put64(out, i * ENTRY_SIZE + 8, en.length());
            LittleEndian.put32(out, i * ENTRY_SIZE + 16, en.type());
        }
        return out;
    }
}
