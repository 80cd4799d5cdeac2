package javelin.devices.ide;

import java.util.HexFormat;
import javelin.softmmu.state.SnapshotFormatException;

/**
 * One device's copy of the ATA command block registers, its status and error registers, its
 * interrupt request, and the data-register buffer of the PIO transfer in progress (ATA/ATAPI-6,
 * T13/1410D, clause 7, the register descriptions). Every device on a cable sees every register
 * write, so each keeps its own copy: after a reset each shows its own signature.
 *
 * <p>The LBA48 registers are two-deep FIFOs: a write pushes the previous value into the "HOB"
 * (high order byte) copy, which reads back while device control HOB is set (48-bit Address feature set).
 *
 * <p>Threading: called with the machine lock held.
 */
final class AtaRegisters {
    // Command block register offsets from the command block base, clause 7 order.
    static final int REG_DATA = 0;
    static final int REG_ERROR = 1;        // read
    static final int REG_FEATURES = 1;     // write
    static final int REG_SECTOR_COUNT = 2; // ATAPI: interrupt reason on read
    static final int REG_LBA_LOW = 3;
    static final int REG_LBA_MID = 4;      // ATAPI: byte count low
    static final int REG_LBA_HIGH = 5;     // ATAPI: byte count high
    static final int REG_DEVICE = 6;
    static final int REG_STATUS = 7;       // read
    static final int REG_COMMAND = 7;      // write

    static final int STATUS_ERR = 1 << 0;
    static final int STATUS_DRQ = 1 << 3;
    static final int STATUS_DSC = 1 << 4;  // device seek complete (ATA-3); SERV for ATAPI
    static final int STATUS_DF = 1 << 5;
    static final int STATUS_DRDY = 1 << 6;
    static final int STATUS_BSY = 1 << 7;

    static final int ERROR_AMNF = 1 << 0;  // after diagnostics: 01h = device 0 passed
    static final int ERROR_ABRT = 1 << 2;
    static final int ERROR_IDNF = 1 << 4;
    static final int ERROR_UNC = 1 << 6;

    static final int DEVICE_HEAD_MASK = 0x0F;
    static final int DEVICE_DEV = 1 << 4;
    static final int DEVICE_LBA = 1 << 6;

    // Architected registers (8 bits each) and their HOB copies.
    int features, hobFeatures;
    int count, hobCount;
    int lbaLow, hobLbaLow;
    int lbaMid, hobLbaMid;
    int lbaHigh, hobLbaHigh;
    int device;
    int status;
    int error;

    // Pins: INTRQ as this device wants it (the channel applies nIEN and selection).
    boolean interruptPending;

    // Data register transfer: buffer[pos..end) moves through the data port.
    byte[] buffer = new byte[0];
    int pos;
    int end;
    boolean pioActive;
    boolean pioToHost;                 // true: data-in (device to host)

    // Bus-master DMA request: the device waits for the PIIX to move its data.
    boolean dmaActive;
    boolean dmaToMemory;

    /** Tells the channel that INTRQ or the DMA request may have changed. */
    interface Listener {
        void deviceChanged();

        /** The device has just asserted an interrupt request (each completion, even if INTRQ is already high). */
        void interruptRaised(AtaRegisters source);
    }

    private Listener listener = new Listener() {
        @Override public void deviceChanged() { }

        @Override public void interruptRaised(AtaRegisters source) { }
    };

    void connect(Listener l) {
        this.listener = l;
    }

    /** A host write to a command block register (1..6): pushes the old value into HOB. */
    void write(int reg, int value) {
        value &= 0xFF;
        switch (reg) {
            case REG_FEATURES -> { hobFeatures = features; features = value; }
            case REG_SECTOR_COUNT -> { hobCount = count; count = value; }
            case REG_LBA_LOW -> { hobLbaLow = lbaLow; lbaLow = value; }
            case REG_LBA_MID -> { hobLbaMid = lbaMid; lbaMid = value; }
            case REG_LBA_HIGH -> { hobLbaHigh = lbaHigh; lbaHigh = value; }
            case REG_DEVICE -> device = value;
            default -> { }
        }
    }

    /** A host read of registers 1..6 (status is read through the channel). */
    int read(int reg, boolean hob) {
        return switch (reg) {
            case REG_ERROR -> error;
            case REG_SECTOR_COUNT -> hob ? hobCount : count;
            case REG_LBA_LOW -> hob ? hobLbaLow : lbaLow;
            case REG_LBA_MID -> hob ? hobLbaMid : lbaMid;
            case REG_LBA_HIGH -> hob ? hobLbaHigh : lbaHigh;
            case REG_DEVICE -> device;
            default -> 0xFF;
        };
    }

    void raiseInterrupt() {
        interruptPending = true;
        listener.interruptRaised(this);
        listener.deviceChanged();
    }

    void clearInterrupt() {
        if (interruptPending) {
            interruptPending = false;
            listener.deviceChanged();
        }
    }

    /** Starts a data-in block: the host reads {@code len} bytes of {@code data}. */
    void startPioIn(byte[] data, int len) {
        buffer = data;
        pos = 0;
        end = len;
        pioActive = true;
        pioToHost = true;
    }

    /** Starts a data-out block: the host writes {@code len} bytes into the buffer. */
    void startPioOut(int len) {
        if (buffer.length < len) buffer = new byte[len];
        pos = 0;
        end = len;
        pioActive = true;
        pioToHost = false;
    }

    void stopTransfers() {
        pioActive = false;
        dmaActive = false;
    }

    void requestDma(boolean toMemory) {
        dmaActive = true;
        dmaToMemory = toMemory;
        listener.deviceChanged();
    }

    /** Sets the reset signature (ATA-6 clause 9, reset protocol signatures): count 1, LBA low 1, mid/high per device type. */
    void setSignature(int mid, int high) {
        count = hobCount = 1;
        lbaLow = hobLbaLow = 1;
        lbaMid = hobLbaMid = mid;
        lbaHigh = hobLbaHigh = high;
        device = 0;
        features = hobFeatures = 0;
    }

    // ---- state --------------------------------------------------------------------------

    /** The registers and any half-done PIO block; the buffer is saved only up to {@code end}. */
    record State(int features, int hobFeatures, int count, int hobCount, int lbaLow, int hobLbaLow,
                 int lbaMid, int hobLbaMid, int lbaHigh, int hobLbaHigh, int device, int status, int error,
                 boolean interruptPending, String buffer, int pos, int end, boolean pioActive, boolean pioToHost,
                 boolean dmaActive, boolean dmaToMemory) {
        State {
            for (int r : new int[] {features, hobFeatures, count, hobCount, lbaLow, hobLbaLow, lbaMid, hobLbaMid,
                    lbaHigh, hobLbaHigh, device, status, error}) {
                if ((r & ~0xFF) != 0) throw new SnapshotFormatException("ide", "registers", "value above 8 bits");
            }
            if (buffer == null || buffer.length() != 2 * end || pos < 0 || pos > end) {
                throw new SnapshotFormatException("ide", "buffer", "position or length inconsistent");
            }
            if (!buffer.chars().allMatch(HexFormat::isHexDigit)) throw new SnapshotFormatException("ide", "buffer", "not hexadecimal");
        }
    }

    State save() {
        String data = HexFormat.of().formatHex(buffer, 0, Math.min(end, buffer.length));
        return new State(features, hobFeatures, count, hobCount, lbaLow, hobLbaLow, lbaMid, hobLbaMid,
                lbaHigh, hobLbaHigh, device, status, error, interruptPending, data, pos, end, pioActive,
                pioToHost, dmaActive, dmaToMemory);
    }

    void restore(State s) {
        features = s.features(); hobFeatures = s.hobFeatures();
        count = s.count(); hobCount = s.hobCount();
        lbaLow = s.lbaLow(); hobLbaLow = s.hobLbaLow();
        lbaMid = s.lbaMid(); hobLbaMid = s.hobLbaMid();
        lbaHigh = s.lbaHigh(); hobLbaHigh = s.hobLbaHigh();
        device = s.device();
        status = s.status();
        error = s.error();
        interruptPending = s.interruptPending();
        buffer = HexFormat.of().parseHex(s.buffer());
        pos = s.pos();
        end = s.end();
        pioActive = s.pioActive();
        pioToHost = s.pioToHost();
        dmaActive = s.dmaActive();
        dmaToMemory = s.dmaToMemory();
    }
}
