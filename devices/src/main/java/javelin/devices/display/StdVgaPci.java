package javelin.devices.display;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import javelin.devices.pci.PciFunction;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * The PCI function of QEMU's {@code -vga std} adapter as a guest enumerates it: vendor 0x1234,
 * device 0x1111 (the Bochs/QEMU VGA id), class 03 00 00 (VGA-compatible display), BAR0 = the
 * 16 MiB prefetchable linear framebuffer, and optionally an expansion ROM BAR holding the VGA
 * BIOS ({@code vgabios-stdvga.bin}), which SeaBIOS copies to 0xC0000 and runs. Sources: PCI
 * Local Bus Specification 3.0, section 6.1 (configuration header) and 6.2.5 (base addresses,
 * sizing), 6.3.1 (expansion ROM BAR); QEMU's docs/specs/standard-vga for the ids.
 *
 * <p>BAR0 relocation: a config write to BAR0 or to the command register's memory-space bit
 * (re)maps the framebuffer through {@link #remapFramebuffer()}, which the board can also call;
 * the LFB is mapped as RAM pages of the {@link VideoMemory} block, so CPU accesses take the
 * fast path and the renderer notices changes by comparing (see {@link VgaRenderer}).
 *
 * <p>Not modelled: QEMU's optional MMIO BAR2 (DISPI and VGA registers through memory; guests
 * fall back to the ports without it, so the revision reads 0), interrupts (the part has none),
 * capabilities. The legacy 0xA0000 window and VGA ports are decoded regardless of the command
 * register, as QEMU's primary VGA does.
 *
 * <p>Open question: a BAR placed over RAM would unmap that RAM when moved away again; the
 * firmware never does this, and a guest that does gets what it asked for.
 *
 * <p>Threading: called with the machine lock held.
 */
public final class StdVgaPci implements PciFunction, Stateful<StdVgaPci.State> {
    // ---- configuration header registers (PCI 3.0, figure 6-1), in order ----
    static final int REG_VENDOR_ID = 0x00;
    static final int REG_DEVICE_ID = 0x02;
    static final int REG_COMMAND = 0x04;
    static final int REG_STATUS = 0x06;
    static final int REG_REVISION_ID = 0x08;
    static final int REG_CLASS_CODE = 0x09;        // prog-if, subclass, base class
    static final int REG_HEADER_TYPE = 0x0E;
    static final int REG_BAR0 = 0x10;
    static final int REG_SUBSYSTEM_VENDOR_ID = 0x2C;
    static final int REG_SUBSYSTEM_ID = 0x2E;
    static final int REG_EXPANSION_ROM = 0x30;
    static final int REG_INTERRUPT_LINE = 0x3C;
    static final int REG_INTERRUPT_PIN = 0x3D;
    static final int CONFIG_SIZE = 256;

    static final int VENDOR_QEMU = 0x1234;
    static final int DEVICE_STD_VGA = 0x1111;
    static final int SUBSYSTEM_VENDOR_QEMU = 0x1AF4;
    static final int SUBSYSTEM_QEMU = 0x1100;
    static final int CLASS_VGA = 0x030000;

    static final int COMMAND_IO = 0x0001;
    static final int COMMAND_MEMORY = 0x0002;
    static final int COMMAND_WRITABLE = 0x0403;    // I/O, memory, interrupt disable
    static final int BAR_MEMORY_PREFETCHABLE = 0x08;
    static final int EXPANSION_ROM_ENABLE = 0x01;
    static final int EXPANSION_ROM_ADDRESS = 0xFFFF_F800;

    private final PhysicalMemory memory;
    private final VideoMemory vram;
    private final int romSize;          // power of two >= 4 KiB, or 0 without a ROM
    private final long romBacking;      // backing offset of the ROM copy, if any

    // ---- architected registers ----
    private int command;
    private int bar0;                   // address bits only
    private int romBar;                 // address bits and the enable bit
    private int interruptLine;

    // ---- bookkeeping: what is mapped now ----
    private long mappedLfb = -1;
    private long mappedRom = -1;

    /**
     * @param optionRom the VGA BIOS image exposed through the expansion ROM BAR, or null for none
     */
    public StdVgaPci(PhysicalMemory memory, VideoMemory vram, byte[] optionRom) {
        this.memory = memory;
        this.vram = vram;
        if (optionRom == null || optionRom.length == 0) {
            romSize = 0;
            romBacking = -1;
        } else {
            romSize = Math.max(PhysicalMemory.PAGE_SIZE, Integer.highestOneBit(optionRom.length * 2 - 1));
            romBacking = memory.allocateBlock(romSize);
            MemorySegment.copy(optionRom, 0, memory.backing(), ValueLayout.JAVA_BYTE, romBacking, optionRom.length);
        }
    }

    /** PCI reset (RST#): decoding off, BARs zero, so nothing stays mapped. */
    public void reset() {
        command = 0;
        bar0 = 0;
        romBar = 0;
        interruptLine = 0;
        remapFramebuffer();
    }

    @Override public int configRead(int offset, int size) {
        int aligned = offset & ~3;
        int dword = readDword(aligned);
        int shift = (offset & 3) * 8;
        long mask = size >= 4 ? 0xFFFF_FFFFL : (1L << (size * 8)) - 1;
        return (int) ((dword >>> shift) & mask);
    }

    private int readDword(int offset) {
        return switch (offset) {
            case REG_VENDOR_ID -> DEVICE_STD_VGA << 16 | VENDOR_QEMU;
            case REG_COMMAND -> command;                      // status reads 0
            case REG_REVISION_ID & ~3 -> CLASS_VGA << 8;      // revision 0
            case REG_HEADER_TYPE & ~3 -> 0;                   // single-function type 0 header
            case REG_BAR0 -> bar0 | BAR_MEMORY_PREFETCHABLE;
            case REG_SUBSYSTEM_VENDOR_ID -> SUBSYSTEM_QEMU << 16 | SUBSYSTEM_VENDOR_QEMU;
            case REG_EXPANSION_ROM -> romSize == 0 ? 0 : romBar;
            case REG_INTERRUPT_LINE -> interruptLine;         // interrupt pin 0: no INTx
            default -> 0;
        };
    }

    @Override public void configWrite(int offset, int size, int value) {
        int aligned = offset & ~3;
        int shift = (offset & 3) * 8;
        int mask = size >= 4 ? -1 : ((1 << (size * 8)) - 1) << shift;
        int merged = (readDword(aligned) & ~mask) | ((value << shift) & mask);
        switch (aligned) {
            case REG_COMMAND -> command = merged & COMMAND_WRITABLE;
            case REG_BAR0 -> bar0 = merged & -vram.size();
            case REG_EXPANSION_ROM -> {
                if (romSize != 0) romBar = merged & (-romSize | EXPANSION_ROM_ENABLE) & (EXPANSION_ROM_ADDRESS | EXPANSION_ROM_ENABLE);
            }
            case REG_INTERRUPT_LINE -> interruptLine = merged & 0xFF;
            default -> { } // read-only
        }
        remapFramebuffer();
    }

    /**
     * Sets BAR0 as a configuration write of {@code address} would, and remaps: for a PCI bus
     * or board that keeps the configuration header itself and forwards BAR assignments.
     */
    public void moveFramebuffer(long address) {
        bar0 = (int) address & -vram.size();
        remapFramebuffer();
    }

    /** Size of BAR0, the linear framebuffer, in bytes. */
    public long framebufferSize() {
        return vram.size();
    }

    /** Where the framebuffer is mapped now, or -1. */
    public long framebufferAddress() {
        return mappedLfb;
    }

    /**
     * Brings the physical mapping in line with BAR0, the ROM BAR and the command register:
     * called after every config write, after a restore, and by a board that moves BARs itself.
     */
    public void remapFramebuffer() {
        boolean decode = (command & COMMAND_MEMORY) != 0;
        long lfb = decode && bar0 != 0 ? Integer.toUnsignedLong(bar0) : -1;
        if (lfb != mappedLfb) {
            if (mappedLfb >= 0) memory.unmap(mappedLfb, vram.size());
            if (lfb >= 0) memory.mapRam(lfb, vram.size(), vram.backingOffset());
            mappedLfb = lfb;
        }
        int romAddress = romBar & EXPANSION_ROM_ADDRESS;
        long rom = decode && romSize != 0 && (romBar & EXPANSION_ROM_ENABLE) != 0 && romAddress != 0
                ? Integer.toUnsignedLong(romAddress) : -1;
        if (rom != mappedRom) {
            if (mappedRom >= 0) memory.unmap(mappedRom, romSize);
            if (rom >= 0) memory.mapRom(rom, romSize, romBacking);
            mappedRom = rom;
        }
    }

    /** The writable configuration registers; names are the snapshot format. */
    public record State(int version, int command, long bar0, long romBar, int interruptLine) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("vga.pci", "version", "unsupported " + version);
            if ((command & ~COMMAND_WRITABLE) != 0) throw new SnapshotFormatException("vga.pci", "command");
            if (bar0 < 0 || bar0 > 0xFFFF_FFFFL) throw new SnapshotFormatException("vga.pci", "bar0");
            if (romBar < 0 || romBar > 0xFFFF_FFFFL) throw new SnapshotFormatException("vga.pci", "romBar");
            if ((interruptLine & ~0xFF) != 0) throw new SnapshotFormatException("vga.pci", "interruptLine");
        }
    }

    @Override public State saveState() {
        return new State(State.VERSION, command, Integer.toUnsignedLong(bar0), Integer.toUnsignedLong(romBar), interruptLine);
    }

    @Override public void restoreState(State s) {
        if ((s.bar0() & (vram.size() - 1)) != 0) throw new SnapshotFormatException("vga.pci", "bar0", "not aligned to the BAR size");
        command = s.command();
        bar0 = (int) s.bar0();
        romBar = romSize == 0 ? 0 : (int) s.romBar() & (-romSize | EXPANSION_ROM_ENABLE);
        interruptLine = s.interruptLine();
        remapFramebuffer();
    }
}
