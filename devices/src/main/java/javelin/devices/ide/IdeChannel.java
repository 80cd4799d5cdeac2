package javelin.devices.ide;

import static javelin.devices.ide.AtaRegisters.DEVICE_DEV;
import static javelin.devices.ide.AtaRegisters.REG_COMMAND;
import static javelin.devices.ide.AtaRegisters.REG_DATA;
import static javelin.devices.ide.AtaRegisters.REG_DEVICE;
import static javelin.devices.ide.AtaRegisters.REG_STATUS;
import static javelin.devices.ide.AtaRegisters.STATUS_BSY;

import javelin.softmmu.IrqLine;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.state.SnapshotFormatException;

/**
 * One IDE cable of the PIIX3: device 0 and device 1, the device control register, the
 * channel's INTRQ wire to its IRQ, and the channel's half of the bus-master function (command,
 * status and PRD table pointer; 82371SB datasheet 290550, the bus master IDE I/O registers and
 * the bus master function description).
 *
 * <p>Register writes go to both devices (ATA-6: both devices latch the command block), reads come from the selected one. A selected device that is absent reads 00h when
 * its partner exists (device 0 answers for it, with status 00h), and a cable with no device
 * reads all ones (a floating bus), which is how firmware and Linux detect absent devices.
 *
 * <p>DMA runs in one go when both sides are ready: the device has requested DMA and START is
 * set. The PRD table is walked (address dword, byte count word with 0 = 64 KiB, EOT in bit
 * 15 of the last word) and data moved with {@link PhysicalMemory#readBytes}/{@link
 * PhysicalMemory#writeBytes}. End of transfer follows the datasheet's table: device done and
 * PRDs exactly used: ACTIVE cleared, INTERRUPT set by the device's interrupt; device done with
 * PRD space left: ACTIVE stays set; PRDs used up before the device is done: ACTIVE cleared,
 * no interrupt, the device keeps waiting (the host will time out and reset). The direction is
 * the device's; a mismatching RWCON bit is not diagnosed.
 *
 * <p>Threading: called with the machine lock held.
 */
final class IdeChannel implements AtaRegisters.Listener {
    private static final System.Logger LOG = System.getLogger(IdeChannel.class.getName());

    // Device control register (control block offset 0, write), ATA-6 clause 7.
    static final int DEVICE_CONTROL_NIEN = 1 << 1;
    static final int DEVICE_CONTROL_SRST = 1 << 2;
    static final int DEVICE_CONTROL_HOB = 1 << 7;

    // Bus-master registers, offsets within the channel's 8 bytes of BAR4.
    static final int REG_BM_COMMAND = 0;
    static final int REG_BM_STATUS = 2;
    static final int REG_BM_PRD_TABLE = 4;

    static final int BM_COMMAND_START = 1 << 0;
    static final int BM_COMMAND_WRITE_TO_MEMORY = 1 << 3;      // RWCON
    static final int BM_COMMAND_WRITABLE = BM_COMMAND_START | BM_COMMAND_WRITE_TO_MEMORY;
    static final int BM_STATUS_ACTIVE = 1 << 0;
    static final int BM_STATUS_ERROR = 1 << 1;
    static final int BM_STATUS_INTERRUPT = 1 << 2;
    static final int BM_STATUS_DRIVE0_DMA_CAPABLE = 1 << 5;
    static final int BM_STATUS_DRIVE1_DMA_CAPABLE = 1 << 6;
    static final int BM_STATUS_CLEARED_BY_ONE = BM_STATUS_ERROR | BM_STATUS_INTERRUPT;
    static final int BM_STATUS_WRITABLE = BM_STATUS_DRIVE0_DMA_CAPABLE | BM_STATUS_DRIVE1_DMA_CAPABLE;
    static final int PRD_TABLE_MASK = 0xFFFF_FFFC;
    static final int PRD_END_OF_TABLE = 1 << 15;
    /** A PRD table may not cross a 64 KiB boundary, so it holds at most 8192 entries. */
    static final int PRD_MAX_ENTRIES = 8192;
    /** Executed by both devices of the cable, whichever is selected (ATA-6 clause 8). */
    static final int CMD_EXECUTE_DEVICE_DIAGNOSTIC = 0x90;

    private final IrqLine irq;
    private final PhysicalMemory memory;
    private final IdeDevice[] devices = new IdeDevice[2];
    private final byte[] dmaBuffer = new byte[0x10000];

    // Architected registers.
    private int selected;              // DEV bit of the last device register write
    private int deviceControl;
    private int bmCommand;
    private int bmStatus;
    private int prdTable;

    // Bookkeeping.
    private boolean irqLevel;
    private boolean inDma;
    private boolean loggedWideAccess;

    IdeChannel(IrqLine irq, PhysicalMemory memory) {
        this.irq = irq;
        this.memory = memory;
    }

    void attach(int position, IdeDevice device) {
        if (devices[position] != null) throw new IllegalStateException("IDE position " + position + " taken");
        devices[position] = device;
        device.registers().connect(this);
    }

    private IdeDevice selectedDevice() {
        return devices[selected];
    }

    private boolean empty() {
        return devices[0] == null && devices[1] == null;
    }

    // ---- command block ------------------------------------------------------------------

    int readCommandBlock(int reg, int size) {
        if (empty()) return size == 1 ? 0xFF : (size == 2 ? 0xFFFF : -1);
        IdeDevice d = selectedDevice();
        if (d == null) return 0;
        AtaRegisters r = d.registers();
        if (reg == REG_DATA) return readData(d, size);
        if (reg == REG_STATUS) {
            int status = r.status;
            r.clearInterrupt();               // reading Status (not Alternate Status) clears INTRQ
            return status;
        }
        return r.read(reg, (deviceControl & DEVICE_CONTROL_HOB) != 0);
    }

    void writeCommandBlock(int reg, int size, int value) {
        if (reg == REG_DATA) {
            IdeDevice d = selectedDevice();
            if (d != null) writeData(d, size, value);
            return;
        }
        if (reg == REG_COMMAND) {
            IdeDevice d = selectedDevice();
            if (d == null) return;
            AtaRegisters r = d.registers();
            if ((r.status & STATUS_BSY) != 0) return;         // ignored while busy (ATA-6 clause 7, BSY)
            r.clearInterrupt();
            if ((value & 0xFF) == CMD_EXECUTE_DEVICE_DIAGNOSTIC) {
                diagnose();
            } else {
                d.executeCommand(value & 0xFF);
            }
            return;
        }
        deviceControl &= ~DEVICE_CONTROL_HOB;                  // a register write clears HOB (ATA-6, device control register)
        for (IdeDevice d : devices) if (d != null) d.registers().write(reg, value);
        if (reg == REG_DEVICE) {
            selected = (value & DEVICE_DEV) != 0 ? 1 : 0;
            updateOutputs();
        }
    }

    /**
     * EXECUTE DEVICE DIAGNOSTIC (ATA-6 clause 8) is executed by both devices whichever is
     * selected; device 0 then reports the result and interrupts.
     */
    private void diagnose() {
        for (IdeDevice d : devices) if (d != null) d.reset();
        selected = 0;
        IdeDevice reporter = devices[0];
        if (reporter != null) reporter.registers().raiseInterrupt();
        updateOutputs();
    }

    private int readData(IdeDevice d, int size) {
        AtaRegisters r = d.registers();
        if (!r.pioActive || !r.pioToHost) return size == 4 ? -1 : 0xFFFF;
        int bytes = Math.min(size == 4 ? 4 : 2, r.end - r.pos);
        int v = 0;
        for (int i = 0; i < bytes; i++) v |= (r.buffer[r.pos + i] & 0xFF) << (8 * i);
        r.pos += bytes;
        if (size == 1) logWideAccessOnce();
        if (r.pos >= r.end) {
            r.pioActive = false;
            d.pioBlockDone();
        }
        return v;
    }

    private void writeData(IdeDevice d, int size, int value) {
        AtaRegisters r = d.registers();
        if (!r.pioActive || r.pioToHost) return;
        int bytes = Math.min(size == 4 ? 4 : 2, r.end - r.pos);
        for (int i = 0; i < bytes; i++) r.buffer[r.pos + i] = (byte) (value >>> (8 * i));
        r.pos += bytes;
        if (size == 1) logWideAccessOnce();
        if (r.pos >= r.end) {
            r.pioActive = false;
            d.pioBlockDone();
        }
    }

    private void logWideAccessOnce() {
        if (!loggedWideAccess) {
            loggedWideAccess = true;
            LOG.log(System.Logger.Level.DEBUG, "byte access to the IDE data register treated as a word (logged once)");
        }
    }

    // ---- control block ------------------------------------------------------------------

    /** Alternate status: the status without clearing the interrupt. */
    int readAltStatus() {
        if (empty()) return 0xFF;
        IdeDevice d = selectedDevice();
        return d == null ? 0 : d.registers().status;
    }

    void writeDeviceControl(int value) {
        boolean wasReset = (deviceControl & DEVICE_CONTROL_SRST) != 0;
        deviceControl = value & (DEVICE_CONTROL_NIEN | DEVICE_CONTROL_SRST | DEVICE_CONTROL_HOB);
        boolean reset = (deviceControl & DEVICE_CONTROL_SRST) != 0;
        if (reset && !wasReset) {
            for (IdeDevice d : devices) {
                if (d != null) {
                    d.registers().stopTransfers();
                    d.registers().interruptPending = false;
                    d.registers().status = STATUS_BSY;
                }
            }
        } else if (!reset && wasReset) {
            // Soft reset ends when SRST is cleared (ATA-6 clause 9, software reset protocol): signatures, device 0 selected.
            for (IdeDevice d : devices) if (d != null) d.reset();
            selected = 0;
        }
        updateOutputs();
    }

    // ---- bus master ---------------------------------------------------------------------

    /** Reads bus-master bytes {@code offset..offset+size-1}; reserved bytes read zero. */
    int readBusMaster(int offset, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) v |= readBusMasterByte(offset + i) << (8 * i);
        return v;
    }

    private int readBusMasterByte(int offset) {
        return switch (offset) {
            case REG_BM_COMMAND -> bmCommand;
            case REG_BM_STATUS -> bmStatus;
            case REG_BM_PRD_TABLE, REG_BM_PRD_TABLE + 1, REG_BM_PRD_TABLE + 2, REG_BM_PRD_TABLE + 3 ->
                    (prdTable >>> (8 * (offset - REG_BM_PRD_TABLE))) & 0xFF;
            default -> 0;
        };
    }

    /** Writes bus-master bytes one by one, so a wide access covers each register it spans. */
    void writeBusMaster(int offset, int size, int value) {
        for (int i = 0; i < size; i++) writeBusMasterByte(offset + i, (value >>> (8 * i)) & 0xFF);
    }

    private void writeBusMasterByte(int offset, int value) {
        switch (offset) {
            case REG_BM_COMMAND -> {
                int old = bmCommand;
                bmCommand = value & BM_COMMAND_WRITABLE;
                if ((bmCommand & BM_COMMAND_START) != 0 && (old & BM_COMMAND_START) == 0) {
                    bmStatus |= BM_STATUS_ACTIVE;
                    runDma();
                } else if ((bmCommand & BM_COMMAND_START) == 0) {
                    bmStatus &= ~BM_STATUS_ACTIVE;          // clearing START stops the engine
                }
            }
            case REG_BM_STATUS -> bmStatus = bmStatus & ~(value & BM_STATUS_CLEARED_BY_ONE) & ~BM_STATUS_WRITABLE
                    | value & BM_STATUS_WRITABLE;
            case REG_BM_PRD_TABLE, REG_BM_PRD_TABLE + 1, REG_BM_PRD_TABLE + 2, REG_BM_PRD_TABLE + 3 -> {
                int shift = 8 * (offset - REG_BM_PRD_TABLE);
                prdTable = (prdTable & ~(0xFF << shift) | value << shift) & PRD_TABLE_MASK;
            }
            default -> { }
        }
    }

    /**
     * The PIIX sets the bus-master INTERRUPT bit whenever the selected device interrupts
     * (datasheet 290550, BMISX bit 2), not only on a rising edge of IRQ 14/15: a driver that
     * has not yet read status still sees each DMA completion.
     */
    @Override
    public void interruptRaised(AtaRegisters source) {
        IdeDevice d = selectedDevice();
        if (d != null && d.registers() == source && (deviceControl & DEVICE_CONTROL_NIEN) == 0) {
            bmStatus |= BM_STATUS_INTERRUPT;
        }
    }

    @Override
    public void deviceChanged() {
        updateOutputs();
        runDma();
    }

    private void runDma() {
        IdeDevice d = selectedDevice();
        if (inDma || (bmCommand & BM_COMMAND_START) == 0 || (bmStatus & BM_STATUS_ACTIVE) == 0
                || d == null || !d.registers().dmaActive) {
            return;
        }
        inDma = true;
        try {
            transferPrds(d);
        } finally {
            inDma = false;
        }
        updateOutputs();
    }

    private void transferPrds(IdeDevice d) {
        boolean toMemory = d.registers().dmaToMemory;
        long entry = prdTable & 0xFFFF_FFFFL;
        boolean tableUsedUp = false;
        for (int n = 0; n < PRD_MAX_ENTRIES && d.dmaRemaining() > 0; n++, entry += 8) {
            long address = memory.readDword(entry) & 0xFFFF_FFFEL;
            int count = memory.readWord(entry + 4) & 0xFFFE;
            if (count == 0) count = 0x10000;
            boolean last = (memory.readWord(entry + 6) & PRD_END_OF_TABLE) != 0;
            int moved = 0;
            while (moved < count && d.dmaRemaining() > 0) {
                int chunk = (int) Math.min(count - moved, Math.min(d.dmaRemaining(), dmaBuffer.length));
                if (!toMemory) memory.readBytes(address + moved, dmaBuffer, 0, chunk);
                if (!d.dmaTransfer(dmaBuffer, chunk)) {
                    bmStatus &= ~BM_STATUS_ACTIVE;
                    return;
                }
                if (toMemory) memory.writeBytes(address + moved, dmaBuffer, 0, chunk);
                moved += chunk;
            }
            if (last) {
                tableUsedUp = moved == count;
                if (d.dmaRemaining() > 0) tableUsedUp = true;
                break;
            }
        }
        if (tableUsedUp) bmStatus &= ~BM_STATUS_ACTIVE;
        if (d.dmaRemaining() == 0) d.dmaDone();
    }

    /** Hardware reset of the cable: registers cleared, every device reset to power-on defaults. */
    void reset() {
        selected = 0;
        deviceControl = 0;
        bmCommand = 0;
        bmStatus = 0;
        prdTable = 0;
        for (IdeDevice d : devices) if (d != null) d.hardReset();
        updateOutputs();
    }

    // ---- outputs ------------------------------------------------------------------------

    /** INTRQ: the selected device's request, unless nIEN masks it; a rising edge sets BM INTERRUPT. */
    void updateOutputs() {
        IdeDevice d = selectedDevice();
        boolean level = d != null && d.registers().interruptPending && (deviceControl & DEVICE_CONTROL_NIEN) == 0;
        if (level && !irqLevel) bmStatus |= BM_STATUS_INTERRUPT;
        if (level != irqLevel) {
            irqLevel = level;
            irq.setLevel(level);
        }
    }

    // ---- state --------------------------------------------------------------------------

    record State(int selected, int deviceControl, int bmCommand, int bmStatus, int prdTable) {
        State {
            if (selected != 0 && selected != 1) throw new SnapshotFormatException("ide", "selected");
            if ((bmCommand & ~BM_COMMAND_WRITABLE) != 0) throw new SnapshotFormatException("ide", "bmCommand");
            if ((prdTable & ~PRD_TABLE_MASK) != 0) throw new SnapshotFormatException("ide", "prdTable");
        }
    }

    State save() {
        return new State(selected, deviceControl, bmCommand, bmStatus, prdTable);
    }

    void restore(State s) {
        selected = s.selected();
        deviceControl = s.deviceControl();
        bmCommand = s.bmCommand();
        bmStatus = s.bmStatus();
        prdTable = s.prdTable();
    }

    /** Re-drives INTRQ after the channel and its devices have been restored. */
    void restoreOutputs() {
        IdeDevice d = selectedDevice();
        irqLevel = d != null && d.registers().interruptPending && (deviceControl & DEVICE_CONTROL_NIEN) == 0;
        irq.setLevel(irqLevel);
    }
}
