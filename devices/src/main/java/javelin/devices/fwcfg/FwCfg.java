package javelin.devices.fwcfg;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.PortDevice;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * QEMU's firmware configuration device ({@code fw_cfg}), I/O-port flavour, as documented in
 * QEMU's {@code docs/specs/fw_cfg.rst}: the interface through which SeaBIOS (and Linux's
 * {@code qemu_fw_cfg} driver) learns the RAM size, CPU count, e820 map, boot order and
 * {@code -kernel} images, and fetches named "files".
 *
 * <p>Registers (PC: base 0x510, DMA base 0x514):
 * <ul>
 * <li>selector, {@code base+0}, 16-bit write: selects an item and rewinds its offset to zero.
 *     Bit 15 selects the architecture-specific range; bit 14 (the old write channel) is
 *     ignored, as in QEMU since v2.4.</li>
 * <li>data, {@code base+1}, 8-bit read: the next byte of the item, 0 past its end or for an
 *     unknown item. Writes are ignored (QEMU v2.4+: items are written only through DMA).</li>
 * <li>DMA address, {@code dmaBase+0..7}: big-endian 64-bit physical address of a
 *     {@code FWCfgDmaAccess} (big-endian {@code u32 control, u32 length, u64 address}). A
 *     32-bit write at {@code +0} sets the high half, one at {@code +4} the low half and starts
 *     the transfer; reads return the bytes of {@code "QEMU CFG"} in order.</li>
 * </ul>
 * As QEMU's combined port handler does, a byte read at either selector port returns data and a
 * 16-bit write at either selects; other widths are invalid (all ones, ignored, logged once).
 *
 * <p>Items are added by the board before the guest runs: numeric items at fixed keys
 * ({@link #KEY_RAM_SIZE} ...) and named files, which the device keeps in a directory (key
 * {@link #KEY_FILE_DIR}) sorted by name with selectors from {@link #KEY_FILE_FIRST} in that
 * order, as QEMU does. A file may be marked guest-writable (through DMA only); what the guest
 * wrote is part of the saved state.
 *
 * <p>DMA transfers run synchronously in the port write, under the machine lock; the control
 * word is written back as 0 on success or with {@link #DMA_CTL_ERROR} set. Reading past the
 * end of an item zero-fills the destination; writing past its end, or to a read-only item,
 * sets the error bit and writes nothing.
 *
 * <p>Threading: guest accesses come from {@link javelin.softmmu.IoPortBus} with the machine
 * lock held; the board adds items before any vCPU runs.
 */
public final class FwCfg implements PortDevice, Stateful<FwCfg.State> {
    private static final System.Logger LOG = System.getLogger(FwCfg.class.getName());

    // Register offsets from the base port, and from the DMA base port.
    static final int REG_SELECTOR = 0;
    static final int REG_DATA = 1;
    public static final int PORT_COUNT = 2;
    static final int REG_DMA_ADDRESS_HIGH = 0;
    static final int REG_DMA_ADDRESS_LOW = 4;
    public static final int DMA_PORT_COUNT = 8;

    /** The PC's ports (QEMU {@code FW_CFG_IO_BASE}). */
    public static final int PC_BASE = 0x510;
    public static final int PC_DMA_BASE = 0x514;

    // Selector keys, from QEMU's include/standard-headers/linux/qemu_fw_cfg.h.
    public static final int KEY_SIGNATURE = 0x00;
    public static final int KEY_ID = 0x01;
    public static final int KEY_UUID = 0x02;
    public static final int KEY_RAM_SIZE = 0x03;
    public static final int KEY_NOGRAPHIC = 0x04;
    public static final int KEY_NB_CPUS = 0x05;
    public static final int KEY_MACHINE_ID = 0x06;
    public static final int KEY_KERNEL_ADDR = 0x07;
    public static final int KEY_KERNEL_SIZE = 0x08;
    public static final int KEY_KERNEL_CMDLINE = 0x09;
    public static final int KEY_INITRD_ADDR = 0x0A;
    public static final int KEY_INITRD_SIZE = 0x0B;
    public static final int KEY_BOOT_DEVICE = 0x0C;
    public static final int KEY_NUMA = 0x0D;
    public static final int KEY_BOOT_MENU = 0x0E;
    public static final int KEY_MAX_CPUS = 0x0F;
    public static final int KEY_KERNEL_ENTRY = 0x10;
    public static final int KEY_KERNEL_DATA = 0x11;
    public static final int KEY_INITRD_DATA = 0x12;
    public static final int KEY_CMDLINE_ADDR = 0x13;
    public static final int KEY_CMDLINE_SIZE = 0x14;
    public static final int KEY_CMDLINE_DATA = 0x15;
    public static final int KEY_SETUP_ADDR = 0x16;
    public static final int KEY_SETUP_SIZE = 0x17;
    public static final int KEY_SETUP_DATA = 0x18;
    public static final int KEY_FILE_DIR = 0x19;
    public static final int KEY_FILE_FIRST = 0x20;
    /** Selector bit 14: QEMU's historical write channel, ignored since v2.4. */
    static final int KEY_WRITE_CHANNEL = 0x4000;
    /** Selector bit 15: architecture-specific items. */
    public static final int KEY_ARCH_LOCAL = 0x8000;
    // x86 architecture-specific keys (QEMU hw/i386/fw_cfg.h).
    public static final int KEY_ACPI_TABLES = KEY_ARCH_LOCAL;
    public static final int KEY_SMBIOS_ENTRIES = KEY_ARCH_LOCAL + 1;
    public static final int KEY_IRQ0_OVERRIDE = KEY_ARCH_LOCAL + 2;
    public static final int KEY_E820_TABLE = KEY_ARCH_LOCAL + 3;
    public static final int KEY_HPET = KEY_ARCH_LOCAL + 4;

    /** FW_CFG_ID bits: the traditional interface (always) and the DMA interface. */
    static final int ID_TRADITIONAL = 0x01;
    static final int ID_DMA = 0x02;

    // FWCfgDmaAccess control bits.
    public static final int DMA_CTL_ERROR = 0x01;
    public static final int DMA_CTL_READ = 0x02;
    public static final int DMA_CTL_SKIP = 0x04;
    public static final int DMA_CTL_SELECT = 0x08;
    public static final int DMA_CTL_WRITE = 0x10;
    static final int DMA_SELECT_SHIFT = 16;
    static final int DMA_ACCESS_SIZE = 16;
    /** The physical address space the board models: 32 bits. */
    static final long ADDRESS_SPACE = 1L << 32;

    /** "QEMU CFG": what the DMA address register reads as, big-endian. */
    static final byte[] DMA_SIGNATURE = "QEMU CFG".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SIGNATURE = "QEMU".getBytes(StandardCharsets.US_ASCII);
    /** A directory entry: u32 size, u16 select, u16 reserved, char name[56]. */
    static final int FILE_NAME_SIZE = 56;
    static final int FILE_ENTRY_SIZE = 8 + FILE_NAME_SIZE;
    /** Selectors above this name no item (QEMU's {@code FW_CFG_INVALID}). */
    static final int KEY_INVALID = 0xFFFF;

    private record Item(byte[] data, boolean writable) { }

    // Wiring and configuration (not state): set by the board before the guest runs.
    private final PhysicalMemory memory;
    private final int dmaBase;
    private final Map<Integer, Item> numbered = new HashMap<>();
    private final TreeMap<String, Item> files = new TreeMap<>();
    /** Selector of each file, in directory (name) order; rebuilt when a file is added. */
    private final Map<Integer, String> fileByKey = new HashMap<>();

    // Architected registers.
    /** The selected item, masked to {@code ARCH_LOCAL | index}; {@link #KEY_INVALID} if none. */
    private int selector;
    /** Offset of the next byte of the selected item. */
    private int offset;
    /** The DMA address register; the high half stays latched between transfers. */
    private long dmaAddress;

    // Bookkeeping.
    private boolean loggedBadAccess;

    /**
     * @param memory  guest physical memory, for DMA transfers
     * @param dmaBase first port of the DMA address register ({@link #PC_DMA_BASE}); the board
     *                registers this device at its selector base for {@link #PORT_COUNT} ports
     *                and at {@code dmaBase} for {@link #DMA_PORT_COUNT} ports
     */
    public FwCfg(PhysicalMemory memory, int dmaBase) {
        this.memory = Objects.requireNonNull(memory);
        this.dmaBase = dmaBase;
        putNumbered(KEY_SIGNATURE, SIGNATURE, false);
        putNumbered(KEY_ID, le32(ID_TRADITIONAL | ID_DMA), false);
        rebuildDirectory();
        reset();
    }

    // ---- Board side: items ----

    /** Adds or replaces a numbered item (keys below {@link #KEY_FILE_FIRST}, or arch-local). */
    public void putBytes(int key, byte[] data) {
        if (key == KEY_FILE_DIR || (key & ~KEY_ARCH_LOCAL) >= KEY_FILE_FIRST) {
            throw new IllegalArgumentException(String.format("key %#x is not a numbered item", key));
        }
        putNumbered(key, data, false);
    }

    public void putUint16(int key, int value) {
        putBytes(key, new byte[] {(byte) value, (byte) (value >>> 8)});
    }

    public void putUint32(int key, int value) {
        putBytes(key, le32(value));
    }

    public void putUint64(int key, long value) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (value >>> (8 * i));
        putBytes(key, b);
    }

    /** Adds or replaces a named file; {@code writable} lets the guest overwrite it through DMA. */
    public void putFile(String name, byte[] data, boolean writable) {
        byte[] encoded = name.getBytes(StandardCharsets.US_ASCII);
        if (encoded.length == 0 || encoded.length >= FILE_NAME_SIZE) {
            throw new IllegalArgumentException("fw_cfg file name must be 1 to 55 characters: " + name);
        }
        files.put(name, new Item(data.clone(), writable));
        rebuildDirectory();
    }

    /** The selector of a file, or -1 if there is none of that name. */
    public int fileKey(String name) {
        for (var e : fileByKey.entrySet()) if (e.getValue().equals(name)) return e.getKey();
        return -1;
    }

    private void putNumbered(int key, byte[] data, boolean writable) {
        numbered.put(key, new Item(data.clone(), writable));
    }

    private void rebuildDirectory() {
        fileByKey.clear();
        byte[] dir = new byte[4 + FILE_ENTRY_SIZE * files.size()];
        putBe32(dir, 0, files.size());
        int index = 0;
        for (var e : files.entrySet()) {
            int key = KEY_FILE_FIRST + index;
            fileByKey.put(key, e.getKey());
            int at = 4 + FILE_ENTRY_SIZE * index;
            putBe32(dir, at, e.getValue().data.length);
            dir[at + 4] = (byte) (key >>> 8);
            dir[at + 5] = (byte) key;
            byte[] name = e.getKey().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, dir, at + 8, name.length);
            index++;
        }
        numbered.put(KEY_FILE_DIR, new Item(dir, false));
    }

    private Item item(int key) {
        if (key == KEY_INVALID) return null;
        String file = fileByKey.get(key);
        return file != null ? files.get(file) : numbered.get(key);
    }

    /** Power-on and system reset: item 0 selected, DMA address cleared (QEMU fw_cfg_reset). */
    public void reset() {
        select(KEY_SIGNATURE);
        dmaAddress = 0;
    }

    // ---- Guest side ----

    @Override public int ioRead(int port, int size) {
        int dmaOffset = port - dmaBase;
        if (dmaOffset >= 0 && dmaOffset < DMA_PORT_COUNT) return readDmaSignature(dmaOffset, size);
        if (size == 1) return readDataByte();
        logBadAccess("read", port, size);
        return -1;
    }

    @Override public void ioWrite(int port, int size, int value) {
        int dmaOffset = port - dmaBase;
        if (dmaOffset >= 0 && dmaOffset < DMA_PORT_COUNT) {
            writeDmaAddress(port, dmaOffset, size, value);
            return;
        }
        switch (size) {
            case 2 -> select(value & 0xFFFF);
            case 1 -> { } // data-port writes are ignored since QEMU v2.4
            default -> logBadAccess("write", port, size);
        }
    }

    private void select(int key) {
        int arch = key & KEY_ARCH_LOCAL;
        int index = key & ~(KEY_ARCH_LOCAL | KEY_WRITE_CHANNEL);
        selector = item(arch | index) != null ? arch | index : KEY_INVALID;
        offset = 0;
    }

    private int readDataByte() {
        Item it = item(selector);
        if (it == null || offset >= it.data.length) return 0;
        return it.data[offset++] & 0xFF;
    }

    /** Bytes of "QEMU CFG" from the register offset, first byte lowest (x86 IN is little-endian). */
    private static int readDmaSignature(int at, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            int b = at + i < DMA_SIGNATURE.length ? DMA_SIGNATURE[at + i] & 0xFF : 0xFF;
            value |= b << (8 * i);
        }
        return value;
    }

    /**
     * The register is big-endian: the guest writes {@code cpu_to_be32(half)}, so the bytes of
     * the port value are reversed to get the address half.
     */
    private void writeDmaAddress(int port, int at, int size, int value) {
        long half = Integer.reverseBytes(value) & 0xFFFF_FFFFL;
        if (size == 4 && at == REG_DMA_ADDRESS_HIGH) {
            dmaAddress = half << 32;
        } else if (size == 4 && at == REG_DMA_ADDRESS_LOW) {
            dmaAddress |= half;
            runDma(dmaAddress);
            dmaAddress = 0;
        } else {
            logBadAccess("write", port, size);
        }
    }

    /** Runs one FWCfgDmaAccess at {@code access} and writes its control word back. */
    private void runDma(long access) {
        if (access + DMA_ACCESS_SIZE > ADDRESS_SPACE) {
            // QEMU fails to read the structure and cannot write the error back either.
            logOnce("fw_cfg: DMA structure at " + Long.toHexString(access) + " is beyond 4 GiB; ignored");
            return;
        }
        byte[] header = new byte[DMA_ACCESS_SIZE];
        memory.readBytes(access, header, 0, header.length);
        int control = getBe32(header, 0);
        long length = getBe32(header, 4) & 0xFFFF_FFFFL;
        long address = ((long) getBe32(header, 8) << 32) | (getBe32(header, 12) & 0xFFFF_FFFFL);
        if ((control & DMA_CTL_SELECT) != 0) select(control >>> DMA_SELECT_SHIFT);
        int op;
        if ((control & DMA_CTL_READ) != 0) op = DMA_CTL_READ;
        else if ((control & DMA_CTL_WRITE) != 0) op = DMA_CTL_WRITE;
        else if ((control & DMA_CTL_SKIP) != 0) op = DMA_CTL_SKIP;
        else op = 0;
        int result = op == 0 ? 0 : transfer(op, address, length);
        byte[] status = new byte[4];
        putBe32(status, 0, result);
        memory.writeBytes(access, status, 0, status.length);
    }

    /** Moves {@code length} bytes between the selected item and guest memory; returns the control word. */
    private int transfer(int op, long address, long length) {
        Item it = item(selector);
        if (address + length > ADDRESS_SPACE && op != DMA_CTL_SKIP) return DMA_CTL_ERROR;
        if (op == DMA_CTL_WRITE) {
            // QEMU refuses a write that is not wholly inside a writable item, and writes nothing.
            if (it == null || !it.writable || offset + length > it.data.length) return DMA_CTL_ERROR;
            memory.readBytes(address, it.data, offset, (int) length);
            offset += (int) length;
            return 0;
        }
        long available = it == null ? 0 : Math.max(0, it.data.length - offset);
        int fromItem = (int) Math.min(length, available);
        if (op == DMA_CTL_READ) {
            if (fromItem > 0) memory.writeBytes(address, it.data, offset, fromItem);
            long rest = length - fromItem;
            if (rest > 0) zeroFill(address + fromItem, rest);
        }
        offset += fromItem;
        return 0;
    }

    private void zeroFill(long address, long length) {
        byte[] zeros = new byte[(int) Math.min(length, PhysicalMemory.PAGE_SIZE)];
        for (long done = 0; done < length; done += zeros.length) {
            memory.writeBytes(address + done, zeros, 0, (int) Math.min(zeros.length, length - done));
        }
    }

    private void logBadAccess(String what, int port, int size) {
        logOnce(String.format("fw_cfg: guest %s of %d byte(s) at port %#x ignored", what, size, port));
    }

    /** Guest misbehaviour is logged once per device, not per access. */
    private void logOnce(String message) {
        if (!loggedBadAccess) {
            loggedBadAccess = true;
            LOG.log(System.Logger.Level.WARNING, message + " (further bad accesses are not logged)");
        }
    }

    static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    static int getBe32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    static void putBe32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    // ---- State ----

    @Override public State saveState() {
        List<WrittenFile> writable = new ArrayList<>();
        files.forEach((name, it) -> {
            if (it.writable) writable.add(new WrittenFile(name, it.data));
        });
        return new State(State.VERSION, selector, offset, dmaAddress, writable);
    }

    @Override public void restoreState(State state) {
        for (WrittenFile w : state.writableFiles()) {
            Item it = files.get(w.name());
            if (it == null || !it.writable || it.data.length != w.data().length) {
                throw new SnapshotFormatException("fw_cfg", "writableFiles",
                        "no writable file " + w.name() + " of " + w.data().length + " bytes on this machine");
            }
        }
        long expected = files.values().stream().filter(Item::writable).count();
        if (expected != state.writableFiles().size()) {
            throw new SnapshotFormatException("fw_cfg", "writableFiles", "expected " + expected + " files");
        }
        for (WrittenFile w : state.writableFiles()) {
            byte[] data = w.data();
            System.arraycopy(data, 0, files.get(w.name()).data, 0, data.length);
        }
        selector = state.selector();
        offset = state.offset();
        dmaAddress = state.dmaAddress();
    }

    /** Contents of a guest-writable file, as the guest left it. */
    public record WrittenFile(String name, byte[] data) {
        public WrittenFile {
            Objects.requireNonNull(name);
            data = data.clone();
        }

        @Override public byte[] data() {
            return data.clone();
        }

        @Override public boolean equals(Object o) {
            return o instanceof WrittenFile w && w.name.equals(name) && Arrays.equals(w.data, data);
        }

        @Override public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(data);
        }

        @Override public String toString() {
            return "WrittenFile[" + name + ", " + data.length + " bytes]";
        }
    }

    /**
     * @param selector   selected item ({@code ARCH_LOCAL | index}), or 0xFFFF for none
     * @param offset     offset of the next data byte in that item
     * @param dmaAddress the DMA address register (the high half is latched)
     * @param writableFiles contents of every guest-writable file, by name
     */
    public record State(int version, int selector, int offset, long dmaAddress, List<WrittenFile> writableFiles) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("fw_cfg", "version", "unsupported " + version);
            if (selector < 0 || selector > KEY_INVALID) throw new SnapshotFormatException("fw_cfg", "selector");
            if (offset < 0) throw new SnapshotFormatException("fw_cfg", "offset");
            writableFiles = List.copyOf(writableFiles);
        }
    }
}
