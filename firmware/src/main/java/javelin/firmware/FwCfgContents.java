package javelin.firmware;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import javelin.devices.fwcfg.FwCfg;

/**
 * What SeaBIOS 1.16 reads on QEMU's pc machine, built for a Javelin machine: the fw_cfg items
 * and the CMOS bytes the board must put into the RTC (SeaBIOS takes the RAM size, the CPU
 * count and the legacy boot order from CMOS, not from fw_cfg: {@code src/fw/paravirt.c}
 * qemu_preinit, {@code src/boot.c} boot_init, {@code src/fw/smp.c}). See docs/firmware.md for
 * what SeaBIOS builds itself (MP table, SMBIOS, and ACPI only with a PIIX4 PM device).
 *
 * <p>fw_cfg items, as QEMU sets them (hw/nvram/fw_cfg.c, hw/i386/fw_cfg.c, hw/i386/pc.c):
 * RAM size (u64), CPU count and maximum (u16), boot-menu flag (u16, SeaBIOS's
 * {@code etc/show-boot-menu}), the IRQ0 override flag (u32 1: the PIT is on I/O APIC pin 2, for
 * SeaBIOS's MP table), the files {@code etc/e820}, {@code etc/boot-cpus}, and when asked for
 * {@code bootorder}, {@code etc/boot-menu-wait} and {@code etc/boot-fail-wait}.
 */
public final class FwCfgContents {
    // CMOS offsets (QEMU hw/i386/pc.c pc_cmos_init, SeaBIOS src/hw/rtc.h).
    static final int CMOS_BASE_MEMORY_LOW = 0x15;
    static final int CMOS_BASE_MEMORY_HIGH = 0x16;
    static final int CMOS_EXT_MEMORY_LOW = 0x17;
    static final int CMOS_EXT_MEMORY_HIGH = 0x18;
    static final int CMOS_EXT_MEMORY2_LOW = 0x30;
    static final int CMOS_EXT_MEMORY2_HIGH = 0x31;
    static final int CMOS_MEM_ABOVE_16M_LOW = 0x34;
    static final int CMOS_MEM_ABOVE_16M_HIGH = 0x35;
    static final int CMOS_MEM_ABOVE_4G_LOW = 0x5B;
    static final int CMOS_MEM_ABOVE_4G_MID = 0x5C;
    static final int CMOS_MEM_ABOVE_4G_HIGH = 0x5D;
    static final int CMOS_SMP_COUNT = 0x5F;

    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long BASE_MEMORY_KIB = 640;

    private FwCfgContents() { }

    /**
     * @param ramBelow4g RAM mapped from address 0 (at most the start of the PCI hole)
     * @param ramAbove4g RAM mapped from 4 GiB
     * @param cpus       vCPUs present at power-on; SeaBIOS waits until this many have
     *                   answered its INIT-SIPI, so it must not exceed what runs
     * @param maxCpus    vCPUs possible (≥ cpus)
     */
    public record Machine(long ramBelow4g, long ramAbove4g, int cpus, int maxCpus) {
        public Machine {
            if (ramBelow4g < MIB || ramBelow4g > 1L << 32) throw new IllegalArgumentException("RAM below 4 GiB: " + ramBelow4g);
            if (ramAbove4g < 0) throw new IllegalArgumentException("RAM above 4 GiB: " + ramAbove4g);
            if (cpus < 1 || maxCpus < cpus || maxCpus > 0xFFFF) {
                throw new IllegalArgumentException("CPU count " + cpus + " of at most " + maxCpus);
            }
        }
    }

    /** Adds everything SeaBIOS reads to {@code fwCfg}. */
    public static void install(FwCfg fwCfg, Machine machine, BootOptions boot) {
        fwCfg.putUint64(FwCfg.KEY_RAM_SIZE, machine.ramBelow4g() + machine.ramAbove4g());
        fwCfg.putUint16(FwCfg.KEY_NB_CPUS, machine.cpus());
        fwCfg.putUint16(FwCfg.KEY_MAX_CPUS, machine.maxCpus());
        fwCfg.putUint16(FwCfg.KEY_BOOT_MENU, boot.menu() ? 1 : 0);
        fwCfg.putUint32(FwCfg.KEY_IRQ0_OVERRIDE, 1);
        fwCfg.putFile("etc/e820", E820Map.forFirmware(machine.ramBelow4g(), machine.ramAbove4g()).encode(), false);
        fwCfg.putFile("etc/boot-cpus", le16(machine.cpus()), false);
        if (!boot.devicePaths().isEmpty()) fwCfg.putFile("bootorder", bootorderFile(boot), false);
        if (boot.splashTimeMs() >= 0) fwCfg.putFile("etc/boot-menu-wait", le16(boot.splashTimeMs()), false);
        if (boot.rebootTimeoutMs() >= 0) {
            byte[] wait = new byte[4];
            LittleEndian.put32(wait, 0, boot.rebootTimeoutMs());
            fwCfg.putFile("etc/boot-fail-wait", wait, false);
        }
    }

    /** QEMU's {@code bootorder}: one OpenFirmware device path per line, NUL-terminated. */
    static byte[] bootorderFile(BootOptions boot) {
        return (String.join("\n", boot.devicePaths()) + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The CMOS bytes (offset to value) the board writes into the RTC before the firmware runs,
     * with QEMU's pc_cmos_init formulas: base memory in KiB (at most 640), extended memory in
     * KiB above 1 MiB (at most 65535, twice: 0x17 and 0x30), 64 KiB blocks from 16 MiB to the
     * end of low RAM, 64 KiB blocks above 4 GiB, CPU count less one, and the boot order.
     */
    public static Map<Integer, Integer> cmosBytes(Machine machine, BootOptions boot) {
        Map<Integer, Integer> cmos = new TreeMap<>();
        long low = machine.ramBelow4g();
        long base = Math.min(low / KIB, BASE_MEMORY_KIB);
        put16(cmos, CMOS_BASE_MEMORY_LOW, CMOS_BASE_MEMORY_HIGH, base);
        long extended = Math.min(Math.max(0, low - MIB) / KIB, 0xFFFF);
        put16(cmos, CMOS_EXT_MEMORY_LOW, CMOS_EXT_MEMORY_HIGH, extended);
        put16(cmos, CMOS_EXT_MEMORY2_LOW, CMOS_EXT_MEMORY2_HIGH, extended);
        long above16m = Math.min(Math.max(0, low - 16 * MIB) / (64 * KIB), 0xFFFF);
        put16(cmos, CMOS_MEM_ABOVE_16M_LOW, CMOS_MEM_ABOVE_16M_HIGH, above16m);
        long above4g = machine.ramAbove4g() / (64 * KIB);
        cmos.put(CMOS_MEM_ABOVE_4G_LOW, (int) (above4g & 0xFF));
        cmos.put(CMOS_MEM_ABOVE_4G_MID, (int) (above4g >>> 8 & 0xFF));
        cmos.put(CMOS_MEM_ABOVE_4G_HIGH, (int) (above4g >>> 16 & 0xFF));
        cmos.put(CMOS_SMP_COUNT, (machine.cpus() - 1) & 0xFF);
        cmos.put(BootOrder.CMOS_BOOT_FLAG2, BootOrder.flag2(boot.order()));
        cmos.put(BootOrder.CMOS_BOOT_FLAG1, BootOrder.flag1(boot.order()));
        return cmos;
    }

    private static void put16(Map<Integer, Integer> cmos, int lowAt, int highAt, long value) {
        cmos.put(lowAt, (int) (value & 0xFF));
        cmos.put(highAt, (int) (value >>> 8 & 0xFF));
    }

    private static byte[] le16(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8)};
    }
}
