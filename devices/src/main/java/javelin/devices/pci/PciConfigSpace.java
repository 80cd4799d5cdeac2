package javelin.devices.pci;

import java.util.Arrays;
import java.util.HexFormat;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * The 256-byte configuration space of one PCI function (PCI Local Bus Specification 2.1,
 * chapter 6, "Configuration Space"), with the write behaviour of each byte declared once:
 * a per-byte write mask (bits outside it are read-only), write-one-to-clear bits (the status
 * register), and up to six base address registers whose low bits are hard-wired so that the
 * sizing protocol works: software writes all ones and reads back the size mask with the type
 * bits (section 6.2.5.1).
 *
 * <p>The owner decides what a BAR maps. Whenever the effective decode of a BAR changes (its
 * value, or the I/O or memory enable bit of the command register) the owner's
 * {@link BarListener} is told the old and new base, {@link #UNMAPPED} meaning "not decoded",
 * so it can move its port or MMIO mapping.
 *
 * <p>Threading: called with the machine lock held.
 */
public final class PciConfigSpace implements Stateful<PciConfigSpace.State> {
    /** Bytes of configuration space per function. */
    public static final int SIZE = 256;
    /** Base reported to the {@link BarListener} for a BAR that does not decode. */
    public static final long UNMAPPED = -1;

    // Type 0 header, PCI 2.1 figure 6-1, in header order.
    public static final int REG_VENDOR_ID = 0x00;
    public static final int REG_DEVICE_ID = 0x02;
    public static final int REG_COMMAND = 0x04;
    public static final int REG_STATUS = 0x06;
    public static final int REG_REVISION_ID = 0x08;
    public static final int REG_CLASS_CODE = 0x09;   // 3 bytes: programming interface, subclass, base class
    public static final int REG_CACHE_LINE_SIZE = 0x0C;
    public static final int REG_LATENCY_TIMER = 0x0D;
    public static final int REG_HEADER_TYPE = 0x0E;
    public static final int REG_BIST = 0x0F;
    public static final int REG_BAR0 = 0x10;
    public static final int REG_SUBSYSTEM_VENDOR_ID = 0x2C;
    public static final int REG_SUBSYSTEM_ID = 0x2E;
    public static final int REG_EXPANSION_ROM = 0x30;
    public static final int REG_INTERRUPT_LINE = 0x3C;
    public static final int REG_INTERRUPT_PIN = 0x3D;

    public static final int COMMAND_IO_SPACE = 1 << 0;
    public static final int COMMAND_MEMORY_SPACE = 1 << 1;
    public static final int COMMAND_BUS_MASTER = 1 << 2;

    public static final int HEADER_TYPE_MULTI_FUNCTION = 0x80;

    static final int BAR_COUNT = 6;
    static final int BAR_IO_SPACE = 1 << 0;           // bit 0 of a BAR: 1 = I/O, 0 = memory
    static final int BAR_MEMORY_PREFETCHABLE = 1 << 3;

    /** Receives decode changes of a BAR; called after the register already holds its new value. */
    @FunctionalInterface
    public interface BarListener {
        void barMoved(int bar, long oldBase, long newBase);
    }

    private final byte[] bytes = new byte[SIZE];
    private final byte[] writeMask = new byte[SIZE];
    private final byte[] clearOnOneMask = new byte[SIZE];
    private final int[] barSize = new int[BAR_COUNT];   // 0 = BAR not implemented
    private final long[] barDecoded = new long[BAR_COUNT];
    private final BarListener listener;

    /**
     * A type 0 header with the identification registers filled in and, as a baseline, the
     * cache line size, latency timer and interrupt line writable (PCI 2.1 section 6.2.4).
     *
     * @param classCode 24-bit base class, subclass, programming interface ({@code 0x010180})
     */
    public PciConfigSpace(int vendorId, int deviceId, int revision, int classCode, int headerType, BarListener listener) {
        this.listener = listener;
        Arrays.fill(barDecoded, UNMAPPED);
        initWord(REG_VENDOR_ID, vendorId);
        initWord(REG_DEVICE_ID, deviceId);
        initByte(REG_REVISION_ID, revision);
        initByte(REG_CLASS_CODE, classCode);
        initByte(REG_CLASS_CODE + 1, classCode >>> 8);
        initByte(REG_CLASS_CODE + 2, classCode >>> 16);
        initByte(REG_HEADER_TYPE, headerType);
        writable(REG_CACHE_LINE_SIZE, 0xFF);
        writable(REG_LATENCY_TIMER, 0xFF);
        writable(REG_INTERRUPT_LINE, 0xFF);
    }

    // ---- declaration by the owner -------------------------------------------------------

    /** Sets a byte as the device sees it, bypassing the write mask (reset values, RO fields). */
    public void initByte(int offset, int value) {
        bytes[offset] = (byte) value;
    }

    public void initWord(int offset, int value) {
        initByte(offset, value);
        initByte(offset + 1, value >>> 8);
    }

    public void initDword(int offset, int value) {
        initWord(offset, value);
        initWord(offset + 2, value >>> 16);
    }

    /** Declares which bits of the byte at {@code offset} guest writes may change. */
    public void writable(int offset, int mask) {
        writeMask[offset] = (byte) mask;
    }

    /** Declares the bits of the byte at {@code offset} that a write of one clears (status bits). */
    public void clearedByOne(int offset, int mask) {
        clearOnOneMask[offset] = (byte) mask;
    }

    /**
     * Declares BAR {@code bar} as an I/O range of {@code size} bytes (a power of two, at least
     * 4). Address bits 31:2 above the size are writable: firmware sizing expects the upper half
     * to read back as ones too (QEMU behaves the same), although only 16 bits decode on a PC.
     */
    public void ioBar(int bar, int size) {
        defineBar(bar, size, BAR_IO_SPACE, 4);
    }

    /** Declares BAR {@code bar} as a 32-bit memory range of {@code size} bytes (power of two, ≥ 16). */
    public void memoryBar(int bar, int size, boolean prefetchable) {
        defineBar(bar, size, prefetchable ? BAR_MEMORY_PREFETCHABLE : 0, 16);
    }

    private void defineBar(int bar, int size, int typeBits, int minSize) {
        if (Integer.bitCount(size) != 1 || size < minSize) throw new IllegalArgumentException("BAR size " + size);
        barSize[bar] = size;
        int offset = REG_BAR0 + 4 * bar;
        initDword(offset, typeBits);
        int mask = ~(size - 1);
        for (int i = 0; i < 4; i++) writable(offset + i, mask >>> (8 * i));
    }

    // ---- accesses -----------------------------------------------------------------------

    /** Reads {@code size} (1, 2, 4) bytes little-endian; offsets wrap inside the 256 bytes. */
    public int read(int offset, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) v |= (bytes[(offset + i) & 0xFF] & 0xFF) << (8 * i);
        return v;
    }

    /** A guest write: masked per byte, write-one-to-clear bits applied, BAR listeners told. */
    public void write(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            int at = (offset + i) & 0xFF;
            int b = (value >>> (8 * i)) & 0xFF;
            int mask = writeMask[at] & 0xFF;
            int keep = bytes[at] & ~mask & ~(b & clearOnOneMask[at]);
            bytes[at] = (byte) (keep | (b & mask));
        }
        updateBars();
    }

    /** The byte at {@code offset}, as the device's own logic reads it. */
    public int byteAt(int offset) {
        return bytes[offset] & 0xFF;
    }

    /** The programmed base of BAR {@code bar} (type bits removed), whether or not it decodes. */
    public long barBase(int bar) {
        int raw = read(REG_BAR0 + 4 * bar, 4);
        return (raw & ((raw & BAR_IO_SPACE) != 0 ? ~0x3 : ~0xF)) & 0xFFFF_FFFFL;
    }

    /** The base at which BAR {@code bar} currently decodes, or {@link #UNMAPPED}. */
    public long decodedBase(int bar) {
        return barDecoded[bar];
    }

    private long computeDecode(int bar) {
        if (barSize[bar] == 0) return UNMAPPED;
        boolean io = (bytes[REG_BAR0 + 4 * bar] & BAR_IO_SPACE) != 0;
        int enable = io ? COMMAND_IO_SPACE : COMMAND_MEMORY_SPACE;
        long base = barBase(bar);
        // A base of zero is never a valid assignment; an I/O base must fit the 64 KiB port space.
        if ((byteAt(REG_COMMAND) & enable) == 0 || base == 0 || (io && base + barSize[bar] > 0x10000)) return UNMAPPED;
        return base;
    }

    private void updateBars() {
        for (int bar = 0; bar < BAR_COUNT; bar++) {
            long now = computeDecode(bar);
            long before = barDecoded[bar];
            if (now != before) {
                barDecoded[bar] = now;
                if (listener != null) listener.barMoved(bar, before, now);
            }
        }
    }

    // ---- state --------------------------------------------------------------------------

    /**
     * The 256 bytes as the guest sees them; write masks and BAR sizes are wiring, rebuilt by
     * the owner's constructor.
     */
    public record State(int version, String bytes) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("pci", "version", "unsupported " + version);
            if (bytes == null || bytes.length() != 2 * SIZE) throw new SnapshotFormatException("pci", "bytes", "need 256 hex bytes");
            try {
                HexFormat.of().parseHex(bytes);
            } catch (IllegalArgumentException e) {
                throw new SnapshotFormatException("pci", "bytes", "not hexadecimal");
            }
        }
    }

    @Override
    public State saveState() {
        return new State(State.VERSION, HexFormat.of().formatHex(bytes));
    }

    /** Restores the bytes and re-announces every BAR's decode to the owner. */
    @Override
    public void restoreState(State s) {
        byte[] restored = HexFormat.of().parseHex(s.bytes());
        System.arraycopy(restored, 0, bytes, 0, SIZE);
        updateBars();
    }
}
