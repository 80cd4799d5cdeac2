package javelin.devices.pci;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import javelin.softmmu.MmioHandler;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * Intel 82441FX PCI and Memory Controller (PMC), the host bridge of the 440FX PCIset: PCI
 * 8086:1237 at bus 0 device 0 (datasheet 290549, "82441FX PCI and Memory Controller (PMC) and
 * 82442FX Data Bus Accelerator (DBX)", its PCI configuration register chapter).
 *
 * <p>Modelled:
 * <ul>
 * <li>The identification header (class 06/00/00, revision 02) and the memory controller
 *     registers (PMCCFG, DRB, DRAMC, ...) as plain read/write storage: no DRAM timing exists
 *     to program, so firmware writes read back and change nothing.
 * <li>PAM0–PAM6 (0x59–0x5F): each 16 KiB block of 0xC0000–0xEFFFF and the
 *     64 KiB block 0xF0000–0xFFFFF is routed per its RE (read enable) and WE (write enable)
 *     bits. RE=0/WE=0 maps the "ROM" view (what the PCI/ISA bus shows: the BIOS and option
 *     ROM images, which the board places in a 256 KiB backing block); RE=1/WE=0 maps the DRAM
 *     copy read-only; RE=1/WE=1 maps DRAM read-write; RE=0/WE=1 reads the ROM and writes DRAM.
 *     That last, split mode cannot be one page kind in {@link PhysicalMemory}, so it is an
 *     MMIO region that reads the ROM backing and writes the RAM backing: exact, only slower,
 *     and used by firmware only while it copies itself. Open question: executing code from a
 *     block in that mode goes through MMIO, which the CPU may not fetch from; SeaBIOS never
 *     does this (it copies with RE=WE=1), so the choice is to accept the limitation.
 *     Writes through the split mode bypass code-page tracking: the code running there was
 *     read from the ROM, so no translation depends on the RAM bytes being written.
 * <li>SMRAM (0x72): G_SMRAME, D_OPEN, D_CLS, D_LCK with the lock semantics
 *     (D_LCK is set-once until reset, forces D_OPEN to 0 and makes G_SMRAME read-only);
 *     C_BASE_SEG is fixed at 010 (0xA0000). The register's effect — whether non-SMM accesses
 *     to 0xA0000–0xBFFFF reach DRAM instead of the VGA — is reported to the board through a
 *     {@link SmramListener}, because the VGA window is not this chip's to map. Open question:
 *     whether D_OPEN needs G_SMRAME to open the window; the choice is D_OPEN alone, as QEMU
 *     does (SeaBIOS sets both together, so it cannot tell). The CPU has no SMM, so SMRAM as
 *     seen from SMM is not modelled.
 * </ul>
 * Not modelled: DRAM row boundaries (the board sizes RAM), the PCI arbitration and turbo
 * reset registers' effects, ECC error reporting.
 *
 * <p>Threading: called with the machine lock held (configuration cycles come through
 * {@link PciHostBus}).
 */
public final class I440fxHost implements PciFunction, Stateful<I440fxHost.State> {
    static final int VENDOR_INTEL = 0x8086;
    static final int DEVICE_82441FX = 0x1237;
    static final int REVISION = 0x02;
    static final int CLASS_HOST_BRIDGE = 0x060000;

    // Device-specific registers, datasheet order.
    static final int REG_PMCCFG = 0x50;
    static final int REG_DETURBO = 0x52;
    static final int REG_DBC = 0x53;
    static final int REG_AXC = 0x54;
    static final int REG_DRT = 0x55;
    static final int REG_DRAMC = 0x57;
    static final int REG_DRAMT = 0x58;
    static final int REG_PAM0 = 0x59;
    static final int REG_PAM6 = 0x5F;
    static final int REG_DRB0 = 0x60;
    static final int REG_DRB7 = 0x67;
    static final int REG_FDHC = 0x68;
    static final int REG_MTT = 0x70;
    static final int REG_CLT = 0x71;
    static final int REG_SMRAM = 0x72;
    static final int REG_ERRCMD = 0x90;
    static final int REG_ERRSTS = 0x91;
    static final int REG_TRC = 0x93;

    // PAM nibble bits (each PAM byte holds two nibbles: low = lower block, high = upper block).
    static final int PAM_RE = 1 << 0;
    static final int PAM_WE = 1 << 1;
    static final int PAM_CE = 1 << 2;      // cache enable: stored, no effect (no cache model)
    static final int PAM_NIBBLE_MASK = PAM_RE | PAM_WE | PAM_CE;

    static final int SMRAM_C_BASE_SEG = 0b010;   // bits 2:0, read-only: SMRAM at 0xA0000
    static final int SMRAM_G_SMRAME = 1 << 3;
    static final int SMRAM_D_LCK = 1 << 4;
    static final int SMRAM_D_CLS = 1 << 5;
    static final int SMRAM_D_OPEN = 1 << 6;

    /** Start of the PAM-controlled window and its size. */
    static final long SHADOW_BASE = 0xC0000;
    static final long SHADOW_SIZE = 0x40000;
    static final long BIOS_BLOCK_BASE = 0xF0000;
    static final long BIOS_BLOCK_SIZE = 0x10000;
    static final long ISA_BLOCK_SIZE = 0x4000;

    /** Told whether non-SMM accesses to 0xA0000–0xBFFFF should reach DRAM (true) or the VGA. */
    @FunctionalInterface
    public interface SmramListener {
        void smramWindowChanged(boolean dramVisible);
    }

    private final PciConfigSpace config;
    private final PhysicalMemory memory;
    private final long romBacking;
    private final SmramListener smram;
    private final PciConfigSpace.State powerOn;

    // Bookkeeping: the mode each of the 13 PAM blocks is mapped with (-1 = not mapped yet).
    private final int[] mappedMode = new int[13];
    private boolean smramDramVisible;

    /**
     * @param romBacking backing offset (from {@link PhysicalMemory#allocateBlock}) of 256 KiB
     *                   holding what 0xC0000–0xFFFFF shows when not shadowed: option ROMs and
     *                   the top 128 KiB of the BIOS, filled by the board
     */
    public I440fxHost(PhysicalMemory memory, long romBacking, SmramListener smram) {
        if (memory.ramSize() < SHADOW_BASE + SHADOW_SIZE) {
            throw new IllegalArgumentException("the i440FX board needs at least 1 MiB of RAM");
        }
        this.memory = memory;
        this.romBacking = romBacking;
        this.smram = smram;
        this.config = new PciConfigSpace(VENDOR_INTEL, DEVICE_82441FX, REVISION, CLASS_HOST_BRIDGE, 0, null);
        declareRegisters();
        this.powerOn = config.saveState();
        Arrays.fill(mappedMode, -1);
        updateOutputs();
    }

    /**
     * System reset (PCI RST#): every register returns to its default, so PAM shows the ROM
     * again and SMRAM's D_LCK is released, as only a reset may do.
     */
    public void reset() {
        config.restoreState(powerOn);
        updateOutputs();
    }

    private void declareRegisters() {
        config.initWord(PciConfigSpace.REG_COMMAND, PciConfigSpace.COMMAND_MEMORY_SPACE | PciConfigSpace.COMMAND_BUS_MASTER);
        config.initWord(PciConfigSpace.REG_STATUS, 0x0280);        // fast back-to-back, DEVSEL medium
        config.writable(PciConfigSpace.REG_INTERRUPT_LINE, 0);    // the host bridge has no interrupt
        for (int r = REG_PMCCFG; r <= REG_DRAMT; r++) config.writable(r, 0xFF);
        config.writable(REG_PAM0, PAM_NIBBLE_MASK << 4);          // PAM0 bits 3:0 are reserved
        for (int r = REG_PAM0 + 1; r <= REG_PAM6; r++) config.writable(r, PAM_NIBBLE_MASK | PAM_NIBBLE_MASK << 4);
        for (int r = REG_DRB0; r <= REG_DRB7; r++) {
            config.writable(r, 0xFF);
            config.initByte(r, 0x01);                              // 8 MiB units, datasheet default
        }
        config.writable(REG_FDHC, 0xC0);
        config.writable(REG_MTT, 0xF8);
        config.initByte(REG_MTT, 0x20);
        config.writable(REG_CLT, 0x1F);
        config.initByte(REG_CLT, 0x10);
        config.initByte(REG_SMRAM, SMRAM_C_BASE_SEG);
        config.writable(REG_ERRCMD, 0xFF);
        config.clearedByOne(REG_ERRSTS, 0xFF);
        config.writable(REG_TRC, 0x06);
    }

    @Override
    public int configRead(int offset, int size) {
        return config.read(offset, size);
    }

    @Override
    public void configWrite(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            int at = (offset + i) & 0xFF;
            int b = (value >>> (8 * i)) & 0xFF;
            if (at == REG_SMRAM) writeSmram(b);
            else config.write(at, 1, b);
        }
        updateOutputs();
    }

    private void writeSmram(int value) {
        int old = config.byteAt(REG_SMRAM);
        int next;
        if ((old & SMRAM_D_LCK) != 0) {
            next = old & ~SMRAM_D_CLS | value & SMRAM_D_CLS;      // only D_CLS stays writable once locked
        } else {
            next = value & (SMRAM_G_SMRAME | SMRAM_D_LCK | SMRAM_D_CLS | SMRAM_D_OPEN);
            if ((next & SMRAM_D_LCK) != 0) next &= ~SMRAM_D_OPEN;
        }
        config.initByte(REG_SMRAM, next | SMRAM_C_BASE_SEG);
    }

    /** Re-maps every PAM block whose mode changed and reports the SMRAM window. */
    private void updateOutputs() {
        for (int block = 0; block < mappedMode.length; block++) {
            int mode = pamMode(block);
            if (mode != mappedMode[block]) {
                mapBlock(block, mode);
                mappedMode[block] = mode;
            }
        }
        int s = config.byteAt(REG_SMRAM);
        boolean visible = (s & SMRAM_D_OPEN) != 0;
        if (visible != smramDramVisible) {
            smramDramVisible = visible;
            smram.smramWindowChanged(visible);
        }
    }

    /** Block 0 is 0xF0000 (64 KiB, PAM0 high nibble); blocks 1..12 are 16 KiB from 0xC0000. */
    private int pamMode(int block) {
        if (block == 0) return (config.byteAt(REG_PAM0) >>> 4) & (PAM_RE | PAM_WE);
        int reg = REG_PAM0 + 1 + (block - 1) / 2;
        int shift = (block - 1) % 2 == 0 ? 0 : 4;
        return (config.byteAt(reg) >>> shift) & (PAM_RE | PAM_WE);
    }

    private void mapBlock(int block, int mode) {
        long base = block == 0 ? BIOS_BLOCK_BASE : SHADOW_BASE + (block - 1) * ISA_BLOCK_SIZE;
        long size = block == 0 ? BIOS_BLOCK_SIZE : ISA_BLOCK_SIZE;
        long rom = romBacking + (base - SHADOW_BASE);
        long ram = base;                                           // RAM backing is identity-mapped
        switch (mode) {
            case 0 -> memory.mapRom(base, size, rom);
            case PAM_RE -> memory.mapRom(base, size, ram);
            case PAM_RE | PAM_WE -> memory.mapRam(base, size, ram);
            default -> memory.mapMmio(base, size, new ReadRomWriteRam(memory.backing(), rom, ram), false);
        }
    }

    /** PAM "write only": reads come from the ROM view, writes land in the DRAM copy. */
    private record ReadRomWriteRam(MemorySegment backing, long rom, long ram) implements MmioHandler {
        @Override
        public long mmioRead(long offset, int size) {
            long v = 0;
            for (int i = 0; i < size; i++) v |= (backing.get(ValueLayout.JAVA_BYTE, rom + offset + i) & 0xFFL) << (8 * i);
            return v;
        }

        @Override
        public void mmioWrite(long offset, int size, long value) {
            for (int i = 0; i < size; i++) backing.set(ValueLayout.JAVA_BYTE, ram + offset + i, (byte) (value >>> (8 * i)));
        }
    }

    /** The configuration space is the whole state: PAM and SMRAM mappings follow from it. */
    public record State(int version, PciConfigSpace.State config) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("i440fx", "version", "unsupported " + version);
            if (config == null) throw new SnapshotFormatException("i440fx", "config", "missing");
        }
    }

    @Override
    public State saveState() {
        return new State(State.VERSION, config.saveState());
    }

    @Override
    public void restoreState(State s) {
        config.restoreState(s.config());
        updateOutputs();
    }
}
