package javelin.devices.ide;

import static javelin.devices.ide.AtaRegisters.DEVICE_HEAD_MASK;
import static javelin.devices.ide.AtaRegisters.DEVICE_LBA;
import static javelin.devices.ide.AtaRegisters.ERROR_ABRT;
import static javelin.devices.ide.AtaRegisters.ERROR_AMNF;
import static javelin.devices.ide.AtaRegisters.ERROR_IDNF;
import static javelin.devices.ide.AtaRegisters.ERROR_UNC;
import static javelin.devices.ide.AtaRegisters.STATUS_DRDY;
import static javelin.devices.ide.AtaRegisters.STATUS_DRQ;
import static javelin.devices.ide.AtaRegisters.STATUS_DSC;
import static javelin.devices.ide.AtaRegisters.STATUS_ERR;

import java.io.IOException;
import java.util.BitSet;
import javelin.devices.block.BlockBackend;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * An ATA hard disk (ATA/ATAPI-6, T13/1410D): 512-byte sectors on a {@link BlockBackend}.
 *
 * <p>Modelled commands (clause 8, "Command descriptions"): IDENTIFY DEVICE; READ/WRITE SECTORS, READ/WRITE MULTIPLE,
 * READ/WRITE DMA and their LBA48 EXT forms; READ VERIFY SECTORS (EXT); SET FEATURES (transfer
 * mode, write cache and read look-ahead on/off); SET MULTIPLE MODE (1–16 sectors, powers of
 * two); INITIALIZE DEVICE PARAMETERS with CHS translation; FLUSH CACHE (EXT) forcing the back
 * end to the host disk; READ NATIVE MAX ADDRESS (EXT); CHECK POWER MODE; the idle/standby
 * and seek/recalibrate commands as no-ops; EXECUTE DEVICE DIAGNOSTIC and soft reset with the
 * ATA signature. Anything else aborts (ABRT), logged once per opcode.
 *
 * <p>Choices: the default geometry is 16 heads and 63 sectors per track with as many
 * cylinders as fit (at most 16383), as BIOSes expect of disks over 504 MiB; words 1/3/6
 * report it. The device always writes through, so the "write cache" is reported and
 * switchable but only changes the IDENTIFY bit. Soft reset keeps the multiple count and
 * transfer mode (as a device with "revert to power-on defaults" disabled). On success the
 * command block registers are left as the host wrote them; on an error they hold the address
 * of the failing sector (clause 8, each command's "Error outputs"). A host I/O error on read is UNC, on
 * write ABRT; a write to a read-only back end aborts.
 *
 * <p>Threading: called with the machine lock held.
 */
public final class AtaDrive implements IdeDevice, Stateful<AtaDrive.State> {
    private static final System.Logger LOG = System.getLogger(AtaDrive.class.getName());

    static final int SECTOR_SIZE = 512;

    // Command opcodes, ATA/ATAPI-6 clause 8, by opcode.
    static final int CMD_RECALIBRATE = 0x10;          // 10h-1Fh
    static final int CMD_READ_SECTORS = 0x20;
    static final int CMD_READ_SECTORS_NO_RETRY = 0x21;
    static final int CMD_READ_SECTORS_EXT = 0x24;
    static final int CMD_READ_DMA_EXT = 0x25;
    static final int CMD_READ_NATIVE_MAX_ADDRESS_EXT = 0x27;
    static final int CMD_READ_MULTIPLE_EXT = 0x29;
    static final int CMD_WRITE_SECTORS = 0x30;
    static final int CMD_WRITE_SECTORS_NO_RETRY = 0x31;
    static final int CMD_WRITE_SECTORS_EXT = 0x34;
    static final int CMD_WRITE_DMA_EXT = 0x35;
    static final int CMD_WRITE_MULTIPLE_EXT = 0x39;
    static final int CMD_READ_VERIFY_SECTORS = 0x40;
    static final int CMD_READ_VERIFY_SECTORS_NO_RETRY = 0x41;
    static final int CMD_READ_VERIFY_SECTORS_EXT = 0x42;
    static final int CMD_SEEK = 0x70;
    static final int CMD_INITIALIZE_DEVICE_PARAMETERS = 0x91;
    static final int CMD_READ_MULTIPLE = 0xC4;
    static final int CMD_WRITE_MULTIPLE = 0xC5;
    static final int CMD_SET_MULTIPLE_MODE = 0xC6;
    static final int CMD_READ_DMA = 0xC8;
    static final int CMD_READ_DMA_NO_RETRY = 0xC9;
    static final int CMD_WRITE_DMA = 0xCA;
    static final int CMD_WRITE_DMA_NO_RETRY = 0xCB;
    static final int CMD_STANDBY_IMMEDIATE = 0xE0;
    static final int CMD_IDLE_IMMEDIATE = 0xE1;
    static final int CMD_STANDBY = 0xE2;
    static final int CMD_IDLE = 0xE3;
    static final int CMD_CHECK_POWER_MODE = 0xE5;
    static final int CMD_FLUSH_CACHE = 0xE7;
    static final int CMD_FLUSH_CACHE_EXT = 0xEA;
    static final int CMD_IDENTIFY_DEVICE = 0xEC;
    static final int CMD_SET_FEATURES = 0xEF;
    static final int CMD_READ_NATIVE_MAX_ADDRESS = 0xF8;

    // SET FEATURES subcommands (features register), clause 8 "SET FEATURES".
    static final int FEATURE_ENABLE_WRITE_CACHE = 0x02;
    static final int FEATURE_SET_TRANSFER_MODE = 0x03;
    static final int FEATURE_DISABLE_READ_LOOK_AHEAD = 0x55;
    static final int FEATURE_DISABLE_REVERT_TO_DEFAULTS = 0x66;
    static final int FEATURE_DISABLE_WRITE_CACHE = 0x82;
    static final int FEATURE_ENABLE_READ_LOOK_AHEAD = 0xAA;
    static final int FEATURE_ENABLE_REVERT_TO_DEFAULTS = 0xCC;

    // SET FEATURES "set transfer mode" count values: mode type in bits 7:3, mode in 2:0.
    static final int XFER_PIO_DEFAULT = 0x00;
    static final int XFER_PIO_FLOW_CONTROL = 0x08;
    static final int XFER_MWDMA = 0x20;
    static final int XFER_UDMA = 0x40;

    static final int MAX_PIO_MODE = 4;
    static final int MAX_MWDMA_MODE = 2;
    static final int MAX_UDMA_MODE = 5;
    /** Largest READ/WRITE MULTIPLE block (IDENTIFY word 47). */
    static final int MAX_MULTIPLE = 16;
    static final long LBA28_LIMIT = 0x0FFF_FFFFL;
    static final int CHS_MAX_CYLINDERS = 16383;
    static final int CHS_DEFAULT_HEADS = 16;
    static final int CHS_DEFAULT_SECTORS = 63;
    static final int POWER_MODE_ACTIVE = 0xFF;

    private final BlockBackend disk;
    private final String serial;
    private final long sectors;
    private final int defaultCylinders;
    private final int defaultHeads;
    private final int defaultSectorsPerTrack;
    private final AtaRegisters regs = new AtaRegisters();
    private final BitSet loggedCommands = new BitSet(256);
    private final TransferCounter transfers = new TransferCounter();

    // Architected settings.
    private int currentHeads;
    private int currentSectorsPerTrack;
    private int multipleSectors;       // 0 = READ/WRITE MULTIPLE disabled
    private int pioMode = 0;
    private int mwdmaMode = MAX_MWDMA_MODE;   // -1 = none selected
    private int udmaMode = -1;
    private boolean writeCache = true;
    private boolean readLookAhead = true;

    // The data command in progress (0 = none).
    private int xferCommand;
    private long xferLba;              // next sector to move
    private int xferRemaining;         // sectors still to move
    private int xferBlock;             // sectors in the current PIO block
    private long dmaBytesDone;         // of the current DMA command

    /** @param serial up to 20 ASCII characters, reported in IDENTIFY words 10–19 */
    public AtaDrive(BlockBackend disk, String serial) {
        this.disk = disk;
        this.serial = serial;
        this.sectors = disk.length() / SECTOR_SIZE;
        long chs = CHS_DEFAULT_HEADS * CHS_DEFAULT_SECTORS;
        this.defaultHeads = CHS_DEFAULT_HEADS;
        this.defaultSectorsPerTrack = CHS_DEFAULT_SECTORS;
        this.defaultCylinders = (int) Math.max(1, Math.min(CHS_MAX_CYLINDERS, sectors / chs));
        this.currentHeads = defaultHeads;
        this.currentSectorsPerTrack = defaultSectorsPerTrack;
        regs.setSignature(0, 0);
        regs.status = STATUS_DRDY | STATUS_DSC;
        regs.error = ERROR_AMNF;
    }

    @Override public AtaRegisters registers() { return regs; }

    /** Capacity in 512-byte sectors. */
    public long sectors() { return sectors; }

    /** What this drive has read and written for the guest (activity lights). */
    public TransferCounter transfers() { return transfers; }

    // ---- command dispatch ---------------------------------------------------------------

    @Override
    public void executeCommand(int command) {
        regs.stopTransfers();
        xferCommand = 0;
        regs.error = 0;
        switch (command) {
            case CMD_READ_SECTORS, CMD_READ_SECTORS_NO_RETRY -> startPio(command, false, 1, true);
            case CMD_READ_SECTORS_EXT -> startPio(command, true, 1, true);
            case CMD_READ_MULTIPLE -> startMultiple(command, false, true);
            case CMD_READ_MULTIPLE_EXT -> startMultiple(command, true, true);
            case CMD_WRITE_SECTORS, CMD_WRITE_SECTORS_NO_RETRY -> startPio(command, false, 1, false);
            case CMD_WRITE_SECTORS_EXT -> startPio(command, true, 1, false);
            case CMD_WRITE_MULTIPLE -> startMultiple(command, false, false);
            case CMD_WRITE_MULTIPLE_EXT -> startMultiple(command, true, false);
            case CMD_READ_DMA, CMD_READ_DMA_NO_RETRY -> startDma(command, false, true);
            case CMD_READ_DMA_EXT -> startDma(command, true, true);
            case CMD_WRITE_DMA, CMD_WRITE_DMA_NO_RETRY -> startDma(command, false, false);
            case CMD_WRITE_DMA_EXT -> startDma(command, true, false);
            case CMD_READ_VERIFY_SECTORS, CMD_READ_VERIFY_SECTORS_NO_RETRY -> verify(false);
            case CMD_READ_VERIFY_SECTORS_EXT -> verify(true);
            case CMD_IDENTIFY_DEVICE -> {
                regs.startPioIn(identify(), SECTOR_SIZE);
                xferCommand = command;
                dataReady();
            }
            case CMD_SET_FEATURES -> setFeatures();
            case CMD_SET_MULTIPLE_MODE -> setMultipleMode();
            case CMD_INITIALIZE_DEVICE_PARAMETERS -> initializeDeviceParameters();
            case CMD_FLUSH_CACHE, CMD_FLUSH_CACHE_EXT -> flush();
            case CMD_READ_NATIVE_MAX_ADDRESS -> readNativeMax(false);
            case CMD_READ_NATIVE_MAX_ADDRESS_EXT -> readNativeMax(true);
            case CMD_CHECK_POWER_MODE -> {
                regs.count = POWER_MODE_ACTIVE;
                complete();
            }
            case CMD_SEEK, CMD_STANDBY_IMMEDIATE, CMD_IDLE_IMMEDIATE, CMD_STANDBY, CMD_IDLE -> complete();
            default -> {
                if (command >= CMD_RECALIBRATE && command <= CMD_RECALIBRATE + 0x0F) {
                    complete();
                } else {
                    if (!loggedCommands.get(command)) {
                        loggedCommands.set(command);
                        LOG.log(System.Logger.Level.DEBUG, "ATA command {0} not supported, aborted (logged once)",
                                String.format("%02xh", command));
                    }
                    abort(ERROR_ABRT);
                }
            }
        }
    }

    // ---- address decoding ---------------------------------------------------------------

    private int currentCylinders() {
        return (int) Math.min(65535, sectors / ((long) currentHeads * currentSectorsPerTrack));
    }

    /** The starting sector of the command, or -1 if a CHS address is invalid. */
    private long commandLba(boolean lba48) {
        if (lba48) {
            return (long) regs.hobLbaHigh << 40 | (long) regs.hobLbaMid << 32 | (long) regs.hobLbaLow << 24
                    | regs.lbaHigh << 16 | regs.lbaMid << 8 | regs.lbaLow;
        }
        if ((regs.device & DEVICE_LBA) != 0) {
            return (long) (regs.device & DEVICE_HEAD_MASK) << 24 | regs.lbaHigh << 16 | regs.lbaMid << 8 | regs.lbaLow;
        }
        // CHS translation (ATA-6 annex on CHS addressing): LBA = (C * heads + H) * sectors + S - 1.
        int cylinder = regs.lbaHigh << 8 | regs.lbaMid;
        int head = regs.device & DEVICE_HEAD_MASK;
        int sector = regs.lbaLow;
        if (sector == 0 || sector > currentSectorsPerTrack || head >= currentHeads || cylinder >= currentCylinders()) {
            return -1;
        }
        return ((long) cylinder * currentHeads + head) * currentSectorsPerTrack + sector - 1;
    }

    /** Sector count: 0 means 256 (28-bit commands) or 65536 (48-bit commands). */
    private int commandCount(boolean lba48) {
        if (lba48) {
            int n = regs.hobCount << 8 | regs.count;
            return n == 0 ? 65536 : n;
        }
        return regs.count == 0 ? 256 : regs.count;
    }

    /** Writes {@code lba} back into the address registers, in the addressing mode of the command. */
    private void reportAddress(long lba, boolean lba48) {
        if (lba48) {
            regs.lbaLow = (int) lba & 0xFF;
            regs.lbaMid = (int) (lba >>> 8) & 0xFF;
            regs.lbaHigh = (int) (lba >>> 16) & 0xFF;
            regs.hobLbaLow = (int) (lba >>> 24) & 0xFF;
            regs.hobLbaMid = (int) (lba >>> 32) & 0xFF;
            regs.hobLbaHigh = (int) (lba >>> 40) & 0xFF;
        } else if ((regs.device & DEVICE_LBA) != 0) {
            regs.lbaLow = (int) lba & 0xFF;
            regs.lbaMid = (int) (lba >>> 8) & 0xFF;
            regs.lbaHigh = (int) (lba >>> 16) & 0xFF;
            regs.device = regs.device & ~DEVICE_HEAD_MASK | (int) (lba >>> 24) & DEVICE_HEAD_MASK;
        } else {
            long track = lba / currentSectorsPerTrack;
            int cylinder = (int) (track / currentHeads);
            regs.lbaLow = (int) (lba % currentSectorsPerTrack) + 1;
            regs.lbaMid = cylinder & 0xFF;
            regs.lbaHigh = (cylinder >>> 8) & 0xFF;
            regs.device = regs.device & ~DEVICE_HEAD_MASK | (int) (track % currentHeads);
        }
    }

    private static boolean isLba48(int command) {
        return switch (command) {
            case CMD_READ_SECTORS_EXT, CMD_READ_MULTIPLE_EXT, CMD_WRITE_SECTORS_EXT, CMD_WRITE_MULTIPLE_EXT,
                 CMD_READ_DMA_EXT, CMD_WRITE_DMA_EXT -> true;
            default -> false;
        };
    }

    /** Decodes and range-checks the command's address; aborts with IDNF and returns false if bad. */
    private boolean setUpTransfer(int command, boolean lba48) {
        long lba = commandLba(lba48);
        int count = commandCount(lba48);
        if (lba < 0 || lba + count > sectors || (!lba48 && lba + count - 1 > LBA28_LIMIT)) {
            abort(ERROR_IDNF);
            return false;
        }
        xferCommand = command;
        xferLba = lba;
        xferRemaining = count;
        return true;
    }

    // ---- PIO ----------------------------------------------------------------------------

    private void startMultiple(int command, boolean lba48, boolean read) {
        if (multipleSectors == 0) {
            abort(ERROR_ABRT);
            return;
        }
        startPio(command, lba48, multipleSectors, read);
    }

    private void startPio(int command, boolean lba48, int blockSectors, boolean read) {
        if (!read && disk.readOnly()) {
            abort(ERROR_ABRT);
            return;
        }
        if (!setUpTransfer(command, lba48)) return;
        xferBlock = blockSectors;
        if (read) {
            readBlock();
        } else {
            // Data-out: DRQ for the first block at once, without an interrupt (clause 9, PIO data-out protocol).
            xferBlock = Math.min(xferRemaining, blockSectors);
            regs.startPioOut(xferBlock * SECTOR_SIZE);
            regs.status = STATUS_DRDY | STATUS_DSC | STATUS_DRQ;
        }
    }

    private int blockSectors() {
        return isMultiple(xferCommand) ? multipleSectors : 1;
    }

    private static boolean isMultiple(int command) {
        return command == CMD_READ_MULTIPLE || command == CMD_READ_MULTIPLE_EXT
                || command == CMD_WRITE_MULTIPLE || command == CMD_WRITE_MULTIPLE_EXT;
    }

    private static boolean isPioRead(int command) {
        return switch (command) {
            case CMD_READ_SECTORS, CMD_READ_SECTORS_NO_RETRY, CMD_READ_SECTORS_EXT, CMD_READ_MULTIPLE,
                 CMD_READ_MULTIPLE_EXT -> true;
            default -> false;
        };
    }

    private void readBlock() {
        xferBlock = Math.min(xferRemaining, blockSectors());
        byte[] data = new byte[xferBlock * SECTOR_SIZE];
        try {
            disk.read(xferLba * SECTOR_SIZE, data, 0, data.length);
        } catch (IOException e) {
            mediaError(ERROR_UNC, e);
            return;
        }
        transfers.addRead(data.length);
        regs.startPioIn(data, data.length);
        dataReady();
    }

    private void dataReady() {
        regs.status = STATUS_DRDY | STATUS_DSC | STATUS_DRQ;
        regs.raiseInterrupt();
    }

    @Override
    public void pioBlockDone() {
        if (xferCommand == CMD_IDENTIFY_DEVICE) {
            xferCommand = 0;
            regs.status = STATUS_DRDY | STATUS_DSC;
        } else if (isPioRead(xferCommand)) {
            xferLba += xferBlock;
            xferRemaining -= xferBlock;
            if (xferRemaining > 0) {
                readBlock();
            } else {
                // The last data-in block ends without a further interrupt (clause 9, PIO data-in protocol).
                xferCommand = 0;
                regs.status = STATUS_DRDY | STATUS_DSC;
            }
        } else if (xferCommand != 0) {
            try {
                disk.write(xferLba * SECTOR_SIZE, regs.buffer, 0, xferBlock * SECTOR_SIZE);
            } catch (IOException e) {
                mediaError(ERROR_ABRT, e);
                return;
            }
            transfers.addWritten((long) xferBlock * SECTOR_SIZE);
            xferLba += xferBlock;
            xferRemaining -= xferBlock;
            if (xferRemaining > 0) {
                xferBlock = Math.min(xferRemaining, blockSectors());
                regs.startPioOut(xferBlock * SECTOR_SIZE);
                dataReady();
            } else {
                complete();
            }
        }
    }

    // ---- DMA ----------------------------------------------------------------------------

    private void startDma(int command, boolean lba48, boolean read) {
        if (!read && disk.readOnly()) {
            abort(ERROR_ABRT);
            return;
        }
        if (!setUpTransfer(command, lba48)) return;
        dmaBytesDone = 0;
        regs.status = STATUS_DRDY | STATUS_DSC | STATUS_DRQ;
        regs.requestDma(read);
    }

    @Override
    public long dmaRemaining() {
        return regs.dmaActive ? (long) xferRemaining * SECTOR_SIZE - dmaBytesDone : 0;
    }

    @Override
    public boolean dmaTransfer(byte[] buf, int len) {
        long offset = xferLba * SECTOR_SIZE + dmaBytesDone;
        try {
            if (regs.dmaToMemory) disk.read(offset, buf, 0, len);
            else disk.write(offset, buf, 0, len);
        } catch (IOException e) {
            xferLba += dmaBytesDone / SECTOR_SIZE;
            mediaError(regs.dmaToMemory ? ERROR_UNC : ERROR_ABRT, e);
            return false;
        }
        dmaBytesDone += len;
        if (regs.dmaToMemory) transfers.addRead(len);
        else transfers.addWritten(len);
        return true;
    }

    @Override
    public void dmaDone() {
        regs.dmaActive = false;
        xferCommand = 0;
        complete();
    }

    // ---- other commands -----------------------------------------------------------------

    private void verify(boolean lba48) {
        if (setUpTransfer(CMD_READ_VERIFY_SECTORS, lba48)) {
            xferCommand = 0;
            complete();
        }
    }

    private void setFeatures() {
        switch (regs.features) {
            case FEATURE_SET_TRANSFER_MODE -> {
                if (!setTransferMode(regs.count)) {
                    abort(ERROR_ABRT);
                    return;
                }
            }
            case FEATURE_ENABLE_WRITE_CACHE -> writeCache = true;
            case FEATURE_DISABLE_WRITE_CACHE -> writeCache = false;
            case FEATURE_ENABLE_READ_LOOK_AHEAD -> readLookAhead = true;
            case FEATURE_DISABLE_READ_LOOK_AHEAD -> readLookAhead = false;
            case FEATURE_DISABLE_REVERT_TO_DEFAULTS, FEATURE_ENABLE_REVERT_TO_DEFAULTS -> { }
            default -> {
                abort(ERROR_ABRT);
                return;
            }
        }
        complete();
    }

    private boolean setTransferMode(int value) {
        int type = value & 0xF8;
        int mode = value & 0x07;
        switch (type) {
            case XFER_PIO_DEFAULT -> pioMode = 0;
            case XFER_PIO_FLOW_CONTROL -> {
                if (mode > MAX_PIO_MODE) return false;
                pioMode = mode;
            }
            case XFER_MWDMA -> {
                if (mode > MAX_MWDMA_MODE) return false;
                mwdmaMode = mode;
                udmaMode = -1;
            }
            case XFER_UDMA -> {
                if (mode > MAX_UDMA_MODE) return false;
                udmaMode = mode;
                mwdmaMode = -1;
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void setMultipleMode() {
        int n = regs.count;
        if (n > MAX_MULTIPLE || Integer.bitCount(n) > 1) {
            abort(ERROR_ABRT);
            return;
        }
        multipleSectors = n;
        complete();
    }

    private void initializeDeviceParameters() {
        int spt = regs.count;
        if (spt == 0) {
            abort(ERROR_ABRT);
            return;
        }
        currentSectorsPerTrack = spt;
        currentHeads = (regs.device & DEVICE_HEAD_MASK) + 1;
        complete();
    }

    private void flush() {
        try {
            disk.flush();
        } catch (IOException e) {
            mediaError(ERROR_ABRT, e);
            return;
        }
        complete();
    }

    private void readNativeMax(boolean lba48) {
        if (!lba48 && (regs.device & DEVICE_LBA) == 0) {
            abort(ERROR_ABRT);
            return;
        }
        reportAddress(Math.min(sectors - 1, lba48 ? Long.MAX_VALUE : LBA28_LIMIT), lba48);
        complete();
    }

    // ---- completion ---------------------------------------------------------------------

    private void complete() {
        regs.status = STATUS_DRDY | STATUS_DSC;
        regs.raiseInterrupt();
    }

    private void abort(int error) {
        regs.stopTransfers();
        xferCommand = 0;
        regs.error = error;
        regs.status = STATUS_DRDY | STATUS_DSC | STATUS_ERR;
        regs.raiseInterrupt();
    }

    private void mediaError(int error, IOException e) {
        LOG.log(System.Logger.Level.WARNING, "disk {0}: {1}", disk.name(), e.getMessage());
        reportAddress(xferLba, isLba48(xferCommand));
        abort(error);
    }

    @Override
    public void reset() {
        regs.stopTransfers();
        xferCommand = 0;
        regs.setSignature(0, 0);
        regs.error = ERROR_AMNF;          // "device 0 passed, device 1 passed or not present"
        regs.status = STATUS_DRDY | STATUS_DSC;
        regs.interruptPending = false;
    }

    @Override
    public void hardReset() {
        currentHeads = defaultHeads;
        currentSectorsPerTrack = defaultSectorsPerTrack;
        multipleSectors = 0;
        pioMode = 0;
        mwdmaMode = MAX_MWDMA_MODE;
        udmaMode = -1;
        writeCache = true;
        readLookAhead = true;
        reset();
    }

    // ---- IDENTIFY DEVICE (clause 8, IDENTIFY DEVICE data table) -----------------------

    byte[] identify() {
        IdentifyData id = new IdentifyData();
        id.word(0, 0x0040);                                   // fixed device, not removable
        id.word(1, defaultCylinders);
        id.word(3, defaultHeads);
        id.word(6, defaultSectorsPerTrack);
        id.string(10, 10, serial);
        id.string(23, 4, "1.0");
        id.string(27, 20, "JAVELIN HARDDISK");
        id.word(47, 0x8000 | MAX_MULTIPLE);
        id.word(49, 0x0B00);                                  // IORDY supported, LBA, DMA
        id.word(50, 0x4000);
        id.word(51, 0x0200);                                  // PIO timing mode 2 (obsolete field)
        id.word(53, 0x0007);                                  // words 54-58, 64-70 and 88 valid
        int cylinders = currentCylinders();
        id.word(54, cylinders);
        id.word(55, currentHeads);
        id.word(56, currentSectorsPerTrack);
        id.dword(57, (long) cylinders * currentHeads * currentSectorsPerTrack);
        id.word(59, multipleSectors == 0 ? 0 : 0x0100 | multipleSectors);
        id.dword(60, Math.min(sectors, LBA28_LIMIT));
        id.word(63, 0x0007 | (mwdmaMode >= 0 ? 0x0100 << mwdmaMode : 0));
        id.word(64, 0x0003);                                  // PIO modes 3 and 4
        id.word(65, 120);                                     // minimum MWDMA cycle, ns
        id.word(66, 120);
        id.word(67, 120);                                     // minimum PIO cycle, ns
        id.word(68, 120);
        id.word(80, 0x007E);                                  // ATA-1 to ATA-6
        id.word(82, 0x4000 | (1 << 5) | (1 << 6));            // NOP, write cache, look-ahead
        id.word(83, 0x4000 | (1 << 13) | (1 << 12) | (1 << 10)); // FLUSH CACHE EXT, FLUSH CACHE, LBA48
        id.word(84, 0x4000);
        id.word(85, (writeCache ? 1 << 5 : 0) | (readLookAhead ? 1 << 6 : 0));
        id.word(86, (1 << 13) | (1 << 12) | (1 << 10));
        id.word(87, 0x4000);
        id.word(88, 0x003F | (udmaMode >= 0 ? 0x0100 << udmaMode : 0));
        id.word(93, 0x6000 | 0x000B);                         // 80-wire cable; device 0 passed, by jumper
        id.qword(100, sectors);
        return id.toBytes();
    }

    // ---- state --------------------------------------------------------------------------

    /** Settings, registers and the command in progress; the disk contents are the back end's. */
    public record State(int version, AtaRegisters.State registers, int currentHeads, int currentSectorsPerTrack,
                        int multipleSectors, int pioMode, int mwdmaMode, int udmaMode, boolean writeCache,
                        boolean readLookAhead, int xferCommand, long xferLba, int xferRemaining, int xferBlock,
                        long dmaBytesDone) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("ata", "version", "unsupported " + version);
            if (registers == null) throw new SnapshotFormatException("ata", "registers", "missing");
            if (currentHeads < 1 || currentHeads > 16 || currentSectorsPerTrack < 1 || currentSectorsPerTrack > 255) {
                throw new SnapshotFormatException("ata", "geometry", "heads 1-16, sectors 1-255");
            }
            if (multipleSectors < 0 || multipleSectors > MAX_MULTIPLE) throw new SnapshotFormatException("ata", "multipleSectors");
            if (pioMode < 0 || pioMode > MAX_PIO_MODE || mwdmaMode < -1 || mwdmaMode > MAX_MWDMA_MODE
                    || udmaMode < -1 || udmaMode > MAX_UDMA_MODE) {
                throw new SnapshotFormatException("ata", "transferMode", "mode out of range");
            }
            if ((xferCommand & ~0xFF) != 0) throw new SnapshotFormatException("ata", "xferCommand");
            if (xferRemaining < 0 || xferBlock < 0 || xferLba < 0 || dmaBytesDone < 0) {
                throw new SnapshotFormatException("ata", "transfer", "negative");
            }
        }
    }

    @Override
    public State saveState() {
        return new State(State.VERSION, regs.save(), currentHeads, currentSectorsPerTrack, multipleSectors, pioMode,
                mwdmaMode, udmaMode, writeCache, readLookAhead, xferCommand, xferLba, xferRemaining, xferBlock,
                dmaBytesDone);
    }

    @Override
    public void restoreState(State s) {
        if (s.xferLba() + s.xferRemaining() > sectors) {
            throw new SnapshotFormatException("ata", "xferLba", "beyond the end of " + disk.name());
        }
        regs.restore(s.registers());
        currentHeads = s.currentHeads();
        currentSectorsPerTrack = s.currentSectorsPerTrack();
        multipleSectors = s.multipleSectors();
        pioMode = s.pioMode();
        mwdmaMode = s.mwdmaMode();
        udmaMode = s.udmaMode();
        writeCache = s.writeCache();
        readLookAhead = s.readLookAhead();
        xferCommand = s.xferCommand();
        xferLba = s.xferLba();
        xferRemaining = s.xferRemaining();
        xferBlock = s.xferBlock();
        dmaBytesDone = s.dmaBytesDone();
    }
}
