package javelin.devices.ide;

import static javelin.devices.ide.AtaRegisters.ERROR_ABRT;
import static javelin.devices.ide.AtaRegisters.ERROR_AMNF;
import static javelin.devices.ide.AtaRegisters.STATUS_DRDY;
import static javelin.devices.ide.AtaRegisters.STATUS_DRQ;
import static javelin.devices.ide.AtaRegisters.STATUS_DSC;
import static javelin.devices.ide.AtaRegisters.STATUS_ERR;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import javelin.devices.block.BlockBackend;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * An ATAPI CD-ROM drive: the PACKET feature set of ATA/ATAPI-6 (T13/1410D clause 9,
 * the PACKET command protocol) carrying MMC commands (T10 MMC-3, SPC-2 for the common ones) to
 * a 2048-byte-sector medium on a {@link BlockBackend}.
 *
 * <p>Protocol: PACKET (A0h) takes the byte count limit from LBA mid/high and DMA from features
 * bit 0, raises DRQ with interrupt reason CoD=1 and no interrupt; once the host has written
 * the 12-byte command the drive answers with data-in blocks (reason IO=1, byte count in LBA
 * mid/high, each at most the limit rounded down to even, with an interrupt) or a bus-master
 * DMA request, then completes with reason IO=1 CoD=1 and an interrupt. Errors complete with
 * ERR, the sense key in error bits 7:4 and ABRT for illegal requests; REQUEST SENSE returns
 * fixed-format sense.
 *
 * <p>MMC commands: TEST UNIT READY, REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10), READ(12),
 * MODE SENSE(10) (pages 01h, 0Dh, 2Ah, 3Fh), READ TOC/PMA/ATIP formats 0 and 1 in LBA or MSF,
 * GET CONFIGURATION (profile list, core, removable medium, random readable), GET EVENT STATUS
 * NOTIFICATION (polled, media class), START STOP UNIT (eject/load), PREVENT ALLOW MEDIUM
 * REMOVAL, SEEK(10), SET CD SPEED, READ DISC INFORMATION (a closed one-session disc) and
 * MECHANISM STATUS (no changer). Anything else is ILLEGAL REQUEST / invalid command
 * operation code, logged once per opcode. ATA commands: IDENTIFY PACKET DEVICE, DEVICE
 * RESET, SET FEATURES (transfer mode), CHECK POWER MODE, idle/standby; IDENTIFY DEVICE and
 * the ATA read/write commands abort with the packet signature in place (clause 8, IDENTIFY DEVICE), which
 * is how hosts tell a packet device from a disk.
 *
 * <p>Media: the host inserts and ejects through {@link #insert} and {@link #eject}. An
 * insertion raises UNIT ATTENTION / 28h "not ready to ready change, medium may have changed"
 * once, for the next command other than INQUIRY, REQUEST SENSE, GET CONFIGURATION and GET
 * EVENT STATUS NOTIFICATION, and a "new media" event; ejection reports "media removal" and
 * then NOT READY / 3Ah. A host eject while the guest prevents removal is refused and reported
 * to the guest as an "eject request" event. The drive never closes a back end: the board owns
 * it. Not modelled: audio play, READ CD/raw sectors, MODE SELECT, multi-session discs,
 * changers, writing.
 *
 * <p>Threading: called with the machine lock held (the host's insert/eject too).
 */
public final class AtapiCdrom implements IdeDevice, Stateful<AtapiCdrom.State> {
    private static final System.Logger LOG = System.getLogger(AtapiCdrom.class.getName());

    static final int SECTOR_SIZE = 2048;
    static final int PACKET_SIZE = 12;

    // ATA commands a packet device accepts (ATA/ATAPI-6 clause 8), by opcode.
    static final int CMD_DEVICE_RESET = 0x08;
    static final int CMD_PACKET = 0xA0;
    static final int CMD_IDENTIFY_PACKET_DEVICE = 0xA1;
    static final int CMD_STANDBY_IMMEDIATE = 0xE0;
    static final int CMD_IDLE_IMMEDIATE = 0xE1;
    static final int CMD_STANDBY = 0xE2;
    static final int CMD_IDLE = 0xE3;
    static final int CMD_CHECK_POWER_MODE = 0xE5;
    static final int CMD_IDENTIFY_DEVICE = 0xEC;
    static final int CMD_SET_FEATURES = 0xEF;
    static final int FEATURE_SET_TRANSFER_MODE = 0x03;
    static final int FEATURES_DMA = 1 << 0;

    // Interrupt reason (sector count register), PACKET protocol.
    static final int REASON_COD = 1 << 0;
    static final int REASON_IO = 1 << 1;

    // Packet device signature in LBA mid/high (reset protocol).
    static final int SIGNATURE_MID = 0x14;
    static final int SIGNATURE_HIGH = 0xEB;

    // MMC/SPC operation codes, by opcode.
    static final int SCSI_TEST_UNIT_READY = 0x00;
    static final int SCSI_REQUEST_SENSE = 0x03;
    static final int SCSI_INQUIRY = 0x12;
    static final int SCSI_START_STOP_UNIT = 0x1B;
    static final int SCSI_PREVENT_ALLOW_MEDIUM_REMOVAL = 0x1E;
    static final int SCSI_READ_CAPACITY = 0x25;
    static final int SCSI_READ_10 = 0x28;
    static final int SCSI_SEEK_10 = 0x2B;
    static final int SCSI_READ_TOC = 0x43;
    static final int SCSI_GET_CONFIGURATION = 0x46;
    static final int SCSI_GET_EVENT_STATUS_NOTIFICATION = 0x4A;
    static final int SCSI_READ_DISC_INFORMATION = 0x51;
    static final int SCSI_MODE_SENSE_10 = 0x5A;
    static final int SCSI_READ_12 = 0xA8;
    static final int SCSI_SET_CD_SPEED = 0xBB;
    static final int SCSI_MECHANISM_STATUS = 0xBD;

    // Sense keys (SPC-2 table 107) and additional sense codes (ASC, ASCQ).
    static final int SENSE_NONE = 0x00;
    static final int SENSE_NOT_READY = 0x02;
    static final int SENSE_MEDIUM_ERROR = 0x03;
    static final int SENSE_ILLEGAL_REQUEST = 0x05;
    static final int SENSE_UNIT_ATTENTION = 0x06;
    static final int ASC_UNRECOVERED_READ_ERROR = 0x11;
    static final int ASC_INVALID_COMMAND_OPERATION_CODE = 0x20;
    static final int ASC_LBA_OUT_OF_RANGE = 0x21;
    static final int ASC_INVALID_FIELD_IN_CDB = 0x24;
    static final int ASC_MEDIUM_MAY_HAVE_CHANGED = 0x28;
    static final int ASC_SAVING_PARAMETERS_NOT_SUPPORTED = 0x39;
    static final int ASC_MEDIUM_NOT_PRESENT = 0x3A;
    static final int ASC_MEDIUM_REMOVAL_PREVENTED = 0x53;
    static final int ASCQ_TRAY_CLOSED = 0x01;
    static final int ASCQ_TRAY_OPEN = 0x02;
    static final int ASCQ_REMOVAL_PREVENTED = 0x02;

    // GET EVENT STATUS NOTIFICATION, media class (MMC-3, GET EVENT STATUS NOTIFICATION).
    static final int EVENT_CLASS_MEDIA = 4;
    static final int EVENT_NO_CHANGE = 0;
    static final int EVENT_EJECT_REQUEST = 1;
    static final int EVENT_NEW_MEDIA = 2;
    static final int EVENT_MEDIA_REMOVAL = 3;

    static final int PROFILE_CD_ROM = 0x0008;
    /** Lead-in offset of LBA 0 in MSF addressing: 2 seconds of 75 frames. */
    static final int MSF_LBA_OFFSET = 150;
    static final int LEAD_OUT_TRACK = 0xAA;
    static final int TOC_CONTROL_DATA_TRACK = 0x14;   // ADR 1, control 4: data track
    /** Reported read speed: 4x CD, in kB/s. */
    static final int SPEED_KBPS = 706;

    enum Phase { IDLE, PACKET, DATA_IN }

    private final String serial;
    private final AtaRegisters regs = new AtaRegisters();
    private final BitSet loggedOpcodes = new BitSet(256);
    private BlockBackend medium;

    // Drive state: sense data, media events, lock.
    private int senseKey;
    private int asc;
    private int ascq;
    private boolean unitAttention;
    private int mediaEvent = EVENT_NO_CHANGE;
    private boolean locked;
    private boolean trayOpen;
    private int mwdmaMode = 2;
    private int udmaMode = -1;

    // The packet command in progress.
    private Phase phase = Phase.IDLE;
    private boolean packetDma;
    private int byteCountLimit;
    private byte[] reply;              // data-in from the drive itself, or null for medium reads
    private long mediumOffset;         // medium reads: byte offset of the first byte
    private long xferPos;
    private long xferTotal;
    private int chunk;                 // bytes in the current PIO block
    private final TransferCounter transfers = new TransferCounter();

    /** @param serial up to 20 ASCII characters, reported in IDENTIFY PACKET DEVICE */
    public AtapiCdrom(String serial) {
        this.serial = serial;
        reset();
    }

    @Override public AtaRegisters registers() { return regs; }

    /** What this drive has read from its media for the guest (activity lights). */
    public TransferCounter transfers() { return transfers; }

    // ---- host side ----------------------------------------------------------------------

    /** Inserts {@code disc} (replacing any medium): the guest sees UNIT ATTENTION and a new-media event. */
    public void insert(BlockBackend disc) {
        medium = disc;
        trayOpen = false;
        unitAttention = true;
        mediaEvent = EVENT_NEW_MEDIA;
    }

    /**
     * Removes the medium unless the guest prevents removal. Returns false (and tells the
     * guest an eject was requested) when locked.
     */
    public boolean eject() {
        if (locked) {
            mediaEvent = EVENT_EJECT_REQUEST;
            return false;
        }
        removeMedium();
        return true;
    }

    public boolean hasMedium() { return medium != null; }

    /** True while the guest prevents medium removal. */
    public boolean locked() { return locked; }

    private void removeMedium() {
        medium = null;
        trayOpen = true;
        mediaEvent = EVENT_MEDIA_REMOVAL;
    }

    private long mediumSectors() {
        return medium == null ? 0 : medium.length() / SECTOR_SIZE;
    }

    // ---- ATA commands -------------------------------------------------------------------

    @Override
    public void executeCommand(int command) {
        regs.stopTransfers();
        phase = Phase.IDLE;
        regs.error = 0;
        switch (command) {
            case CMD_PACKET -> {
                packetDma = (regs.features & FEATURES_DMA) != 0;
                byteCountLimit = regs.lbaHigh << 8 | regs.lbaMid;
                phase = Phase.PACKET;
                regs.count = REASON_COD;
                regs.startPioOut(PACKET_SIZE);
                regs.status = STATUS_DRDY | STATUS_DRQ;
            }
            case CMD_IDENTIFY_PACKET_DEVICE -> {
                regs.startPioIn(identify(), 512);
                regs.status = STATUS_DRDY | STATUS_DSC | STATUS_DRQ;
                regs.raiseInterrupt();
            }
            case CMD_DEVICE_RESET -> reset();
            case CMD_SET_FEATURES -> {
                if (regs.features == FEATURE_SET_TRANSFER_MODE && setTransferMode(regs.count)) ataComplete();
                else ataAbort();
            }
            case CMD_CHECK_POWER_MODE -> {
                regs.count = 0xFF;
                ataComplete();
            }
            case CMD_STANDBY_IMMEDIATE, CMD_IDLE_IMMEDIATE, CMD_STANDBY, CMD_IDLE -> ataComplete();
            default -> {
                // IDENTIFY DEVICE and every disk command: abort, showing the packet signature.
                int dev = regs.device & AtaRegisters.DEVICE_DEV;
                regs.setSignature(SIGNATURE_MID, SIGNATURE_HIGH);
                regs.device = dev;
                ataAbort();
            }
        }
    }

    private boolean setTransferMode(int value) {
        int mode = value & 0x07;
        switch (value & 0xF8) {
            case 0x00, 0x08 -> { return mode <= 4; }
            case 0x20 -> {
                if (mode > 2) return false;
                mwdmaMode = mode;
                udmaMode = -1;
                return true;
            }
            case 0x40 -> {
                if (mode > 5) return false;
                udmaMode = mode;
                mwdmaMode = -1;
                return true;
            }
            default -> { return false; }
        }
    }

    private void ataComplete() {
        regs.status = STATUS_DRDY | STATUS_DSC;
        regs.raiseInterrupt();
    }

    private void ataAbort() {
        regs.error = ERROR_ABRT;
        regs.status = STATUS_DRDY | STATUS_ERR;
        regs.raiseInterrupt();
    }

    @Override
    public void reset() {
        regs.stopTransfers();
        phase = Phase.IDLE;
        regs.setSignature(SIGNATURE_MID, SIGNATURE_HIGH);
        regs.error = ERROR_AMNF;
        regs.status = 0;                  // a packet device clears DRDY after reset (reset protocol)
        regs.interruptPending = false;
    }

    /** Hardware reset: the lock is released and the modes return to defaults; the disc stays. */
    @Override
    public void hardReset() {
        locked = false;
        mwdmaMode = 2;
        udmaMode = -1;
        senseKey = SENSE_NONE;
        asc = 0;
        ascq = 0;
        reset();
    }

    // ---- PIO and DMA data ---------------------------------------------------------------

    @Override
    public void pioBlockDone() {
        if (phase == Phase.PACKET) {
            executePacket(Arrays.copyOf(regs.buffer, PACKET_SIZE));
        } else if (phase == Phase.DATA_IN) {
            xferPos += chunk;
            if (xferPos < xferTotal) sendChunk();
            else completeOk();
        } else {
            regs.status = STATUS_DRDY | STATUS_DSC;       // IDENTIFY PACKET DEVICE done
        }
    }

    @Override
    public long dmaRemaining() {
        return regs.dmaActive && phase == Phase.DATA_IN ? xferTotal - xferPos : 0;
    }

    @Override
    public boolean dmaTransfer(byte[] buf, int len) {
        try {
            fill(buf, len);
        } catch (IOException e) {
            readError(e);
            return false;
        }
        xferPos += len;
        return true;
    }

    @Override
    public void dmaDone() {
        regs.dmaActive = false;
        completeOk();
    }

    /** Starts data-in of {@code total} bytes from {@link #reply} or the medium at {@link #mediumOffset}. */
    private void startDataIn(long total) {
        if (total == 0) {
            completeOk();
            return;
        }
        phase = Phase.DATA_IN;
        xferPos = 0;
        xferTotal = total;
        if (packetDma) {
            regs.count = REASON_IO;
            regs.status = STATUS_DRDY | STATUS_DRQ;
            regs.requestDma(true);
        } else {
            sendChunk();
        }
    }

    private void sendReply(byte[] data, int allocationLength) {
        reply = data;
        startDataIn(Math.min(data.length, allocationLength));
    }

    private void sendChunk() {
        // A limit of 0 is invalid for PIO; like real drives, treat it (and FFFFh) as FFFEh.
        int limit = byteCountLimit == 0 || byteCountLimit == 0xFFFF ? 0xFFFE : byteCountLimit & ~1;
        long remaining = xferTotal - xferPos;
        chunk = (int) Math.min(remaining, limit);
        byte[] data = new byte[chunk];
        try {
            fill(data, chunk);
        } catch (IOException e) {
            readError(e);
            return;
        }
        regs.startPioIn(data, chunk);
        regs.lbaMid = chunk & 0xFF;
        regs.lbaHigh = chunk >>> 8;
        regs.count = REASON_IO;
        regs.status = STATUS_DRDY | STATUS_DSC | STATUS_DRQ;
        regs.raiseInterrupt();
    }

    private void fill(byte[] dst, int len) throws IOException {
        if (reply != null) {
            System.arraycopy(reply, (int) xferPos, dst, 0, len);
        } else {
            if (medium == null) throw new IOException("medium removed during a read");
            medium.read(mediumOffset + xferPos, dst, 0, len);
            transfers.addRead(len);
        }
    }

    private void readError(IOException e) {
        LOG.log(System.Logger.Level.WARNING, "CD-ROM read failed: {0}", e.getMessage());
        checkCondition(SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR, 0);
    }

    private void completeOk() {
        phase = Phase.IDLE;
        reply = null;
        regs.count = REASON_IO | REASON_COD;
        regs.error = 0;
        regs.status = STATUS_DRDY | STATUS_DSC;
        regs.raiseInterrupt();
    }

    private void checkCondition(int key, int code, int qualifier) {
        senseKey = key;
        asc = code;
        ascq = qualifier;
        regs.stopTransfers();
        phase = Phase.IDLE;
        reply = null;
        regs.count = REASON_IO | REASON_COD;
        regs.error = key << 4 | (key == SENSE_ILLEGAL_REQUEST ? ERROR_ABRT : 0);
        regs.status = STATUS_DRDY | STATUS_ERR;
        regs.raiseInterrupt();
    }

    // ---- packet commands ----------------------------------------------------------------

    private void executePacket(byte[] cdb) {
        int op = cdb[0] & 0xFF;
        reply = null;
        if (op != SCSI_REQUEST_SENSE) {
            senseKey = SENSE_NONE;
            asc = 0;
            ascq = 0;
        }
        if (unitAttention && op != SCSI_INQUIRY && op != SCSI_REQUEST_SENSE && op != SCSI_GET_CONFIGURATION
                && op != SCSI_GET_EVENT_STATUS_NOTIFICATION) {
            unitAttention = false;
            checkCondition(SENSE_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
            return;
        }
        switch (op) {
            case SCSI_TEST_UNIT_READY -> {
                if (mediumReady()) completeOk();
            }
            case SCSI_REQUEST_SENSE -> requestSense(cdb[4] & 0xFF);
            case SCSI_INQUIRY -> inquiry(cdb);
            case SCSI_READ_CAPACITY -> {
                if (!mediumReady()) return;
                byte[] data = new byte[8];
                putInt(data, 0, (int) (mediumSectors() - 1));
                putInt(data, 4, SECTOR_SIZE);
                sendReply(data, data.length);
            }
            case SCSI_READ_10 -> read(getInt(cdb, 2) & 0xFFFF_FFFFL, getShort(cdb, 7));
            case SCSI_READ_12 -> read(getInt(cdb, 2) & 0xFFFF_FFFFL, getInt(cdb, 6) & 0xFFFF_FFFFL);
            case SCSI_MODE_SENSE_10 -> modeSense(cdb);
            case SCSI_READ_TOC -> readToc(cdb);
            case SCSI_GET_CONFIGURATION -> getConfiguration(cdb);
            case SCSI_GET_EVENT_STATUS_NOTIFICATION -> getEventStatus(cdb);
            case SCSI_START_STOP_UNIT -> startStopUnit(cdb[4] & 0xFF);
            case SCSI_PREVENT_ALLOW_MEDIUM_REMOVAL -> {
                locked = (cdb[4] & 1) != 0;
                completeOk();
            }
            case SCSI_SEEK_10 -> {
                if (mediumReady()) completeOk();
            }
            case SCSI_SET_CD_SPEED -> completeOk();
            case SCSI_READ_DISC_INFORMATION -> readDiscInformation(cdb);
            case SCSI_MECHANISM_STATUS -> mechanismStatus(getShort(cdb, 8));
            default -> {
                if (!loggedOpcodes.get(op)) {
                    loggedOpcodes.set(op);
                    LOG.log(System.Logger.Level.DEBUG, "ATAPI command {0} not supported (logged once)",
                            String.format("%02xh", op));
                }
                checkCondition(SENSE_ILLEGAL_REQUEST, ASC_INVALID_COMMAND_OPERATION_CODE, 0);
            }
        }
    }

    /** Reports NOT READY / medium not present and returns false when there is no medium. */
    private boolean mediumReady() {
        if (medium != null) return true;
        checkCondition(SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, trayOpen ? ASCQ_TRAY_OPEN : ASCQ_TRAY_CLOSED);
        return false;
    }

    private void requestSense(int allocationLength) {
        byte[] data = new byte[18];               // fixed format sense data (SPC-2, REQUEST SENSE)
        data[0] = (byte) 0x70;                    // current error
        data[2] = (byte) senseKey;
        data[7] = 10;                             // additional sense length
        data[12] = (byte) asc;
        data[13] = (byte) ascq;
        senseKey = SENSE_NONE;
        asc = 0;
        ascq = 0;
        sendReply(data, allocationLength);
    }

    private void inquiry(byte[] cdb) {
        if ((cdb[1] & 1) != 0) {                  // EVPD pages not supported
            checkCondition(SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, 0);
            return;
        }
        byte[] data = new byte[36];               // standard INQUIRY data (SPC-2, INQUIRY)
        data[0] = 0x05;                           // peripheral device type: CD/DVD
        data[1] = (byte) 0x80;                    // RMB: removable
        data[2] = 0x00;                           // ATAPI devices claim no SCSI version
        data[3] = 0x21;                           // ATAPI transport version 2, response format 1
        data[4] = 31;                             // additional length
        ascii(data, 8, 8, "JAVELIN");
        ascii(data, 16, 16, "CD-ROM DRIVE");
        ascii(data, 32, 4, "1.0");
        sendReply(data, getShort(cdb, 3));
    }

    private void read(long lba, long sectors) {
        if (!mediumReady()) return;
        if (lba + sectors > mediumSectors()) {
            checkCondition(SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
            return;
        }
        mediumOffset = lba * SECTOR_SIZE;
        startDataIn(sectors * SECTOR_SIZE);
    }

    private void modeSense(byte[] cdb) {
        int pageControl = (cdb[2] & 0xFF) >>> 6;
        int page = cdb[2] & 0x3F;
        if (pageControl == 3) {
            checkCondition(SENSE_ILLEGAL_REQUEST, ASC_SAVING_PARAMETERS_NOT_SUPPORTED, 0);
            return;
        }
        byte[] pages = switch (page) {
            case 0x01 -> errorRecoveryPage();
            case 0x0D -> cdParametersPage();
            case 0x2A -> capabilitiesPage();
            case 0x3F -> concat(errorRecoveryPage(), cdParametersPage(), capabilitiesPage());
            default -> null;
        };
        if (pages == null) {
            checkCondition(SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, 0);
            return;
        }
        byte[] data = new byte[8 + pages.length];           // mode parameter header(10), no block descriptor
        putShort(data, 0, data.length - 2);
        data[2] = (byte) (medium != null ? 0x01 : 0x70);    // medium type: 120 mm data disc / no disc
        System.arraycopy(pages, 0, data, 8, pages.length);
        sendReply(data, getShort(cdb, 7));
    }

    private static byte[] errorRecoveryPage() {
        return new byte[] {0x01, 0x06, 0x00, 0x05, 0, 0, 0, 0};
    }

    private static byte[] cdParametersPage() {
        return new byte[] {0x0D, 0x06, 0x00, 0x0D, 0x00, 0x3C, 0x00, 0x4B};   // 60 s per min, 75 frames per s
    }

    /** CD capabilities and mechanical status page (MMC-2, mode page 2Ah). */
    private byte[] capabilitiesPage() {
        byte[] p = new byte[20];
        p[0] = 0x2A;
        p[1] = 0x12;
        p[4] = 0x71;                                        // audio play, mode 2 form 1/2, multi-session
        p[6] = (byte) (0x29 | (locked ? 0x02 : 0));         // tray loader, eject, lock supported (+ lock state)
        putShort(p, 8, SPEED_KBPS);
        putShort(p, 10, 256);                               // volume levels
        putShort(p, 12, 512);                               // buffer size, KiB
        putShort(p, 14, SPEED_KBPS);
        return p;
    }

    private void readToc(byte[] cdb) {
        if (!mediumReady()) return;
        boolean msf = (cdb[1] & 0x02) != 0;
        int format = cdb[2] & 0x0F;
        if (format == 0) format = (cdb[9] & 0xFF) >>> 6;    // the older place of the format field
        int track = cdb[6] & 0xFF;
        int allocation = getShort(cdb, 7);
        byte[] data;
        if (format == 0) {
            if (track > 1 && track != LEAD_OUT_TRACK) {
                checkCondition(SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, 0);
                return;
            }
            boolean withTrack1 = track <= 1;
            data = new byte[4 + (withTrack1 ? 16 : 8)];
            int at = 4;
            if (withTrack1) {
                tocDescriptor(data, at, 1, 0, msf);
                at += 8;
            }
            tocDescriptor(data, at, LEAD_OUT_TRACK, mediumSectors(), msf);
        } else if (format == 1) {
            data = new byte[12];                            // session info: first track of the last session
            tocDescriptor(data, 4, 1, 0, msf);
        } else {
            checkCondition(SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, 0);
            return;
        }
        putShort(data, 0, data.length - 2);
        data[2] = 1;                                        // first track (format 0) or session (format 1)
        data[3] = 1;
        sendReply(data, allocation);
    }

    private static void tocDescriptor(byte[] data, int at, int track, long lba, boolean msf) {
        data[at + 1] = TOC_CONTROL_DATA_TRACK;
        data[at + 2] = (byte) track;
        if (msf) {
            long frames = lba + MSF_LBA_OFFSET;
            data[at + 5] = (byte) (frames / (75 * 60));
            data[at + 6] = (byte) (frames / 75 % 60);
            data[at + 7] = (byte) (frames % 75);
        } else {
            putInt(data, at + 4, (int) lba);
        }
    }

    /** Standard disc information (MMC-3, READ DISC INFORMATION data type 000b): a closed, one-session disc. */
    private void readDiscInformation(byte[] cdb) {
        if ((cdb[1] & 0x07) != 0) {
            checkCondition(SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, 0);
            return;
        }
        if (!mediumReady()) return;
        byte[] data = new byte[34];
        putShort(data, 0, data.length - 2);
        data[2] = 0x0E;                                     // last session complete, disc complete, not erasable
        data[3] = 1;                                        // first track on disc
        data[4] = 1;                                        // sessions
        data[5] = 1;                                        // first track in last session
        data[6] = 1;                                        // last track in last session
        data[7] = 0x20;                                     // unrestricted use
        putInt(data, 16, -1);                               // no next session: lead-in and lead-out "FFh"
        putInt(data, 20, -1);
        sendReply(data, getShort(cdb, 7));
    }

    /** MECHANISM STATUS header (MMC-3): no changer, idle, door state, no slot table. */
    private void mechanismStatus(int allocationLength) {
        byte[] data = new byte[8];
        data[1] = (byte) (trayOpen ? 0x10 : 0);
        sendReply(data, allocationLength);
    }

    private void getConfiguration(byte[] cdb) {
        int requestType = cdb[1] & 0x03;
        int start = getShort(cdb, 2);
        boolean current = medium != null;
        byte[][] features = {
            {0x00, 0x00, 0x03, 0x04, 0x00, (byte) PROFILE_CD_ROM, (byte) (current ? 1 : 0), 0},  // profile list
            {0x00, 0x01, 0x0B, 0x08, 0, 0, 0, 0x02, 0x01, 0, 0, 0},                           // core: ATAPI, DBE
            {0x00, 0x03, 0x03, 0x04, 0x29, 0, 0, 0},                                          // removable medium
            {0x00, 0x10, (byte) (current ? 1 : 0), 0x08, 0, 0, 0x08, 0, 0, 0x01, 0, 0},       // random readable
        };
        byte[] body = new byte[0];
        for (byte[] f : features) {
            int code = (f[0] & 0xFF) << 8 | f[1] & 0xFF;
            boolean isCurrent = (f[2] & 1) != 0;
            boolean wanted = switch (requestType) {
                case 0 -> code >= start;
                case 1 -> code >= start && isCurrent;
                default -> code == start;
            };
            if (wanted) body = concat(body, f);
        }
        byte[] data = new byte[8 + body.length];
        putInt(data, 0, data.length - 4);
        putShort(data, 6, current ? PROFILE_CD_ROM : 0);
        System.arraycopy(body, 0, data, 8, body.length);
        sendReply(data, getShort(cdb, 7));
    }

    private void getEventStatus(byte[] cdb) {
        if ((cdb[1] & 1) == 0) {                            // only polled operation is supported
            checkCondition(SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, 0);
            return;
        }
        int classes = cdb[4] & 0xFF;
        byte[] data;
        if ((classes & (1 << EVENT_CLASS_MEDIA)) != 0) {
            data = new byte[8];
            putShort(data, 0, 6);
            data[2] = EVENT_CLASS_MEDIA;
            data[4] = (byte) mediaEvent;
            data[5] = (byte) ((medium != null ? 0x02 : 0) | (trayOpen ? 0x01 : 0));
            mediaEvent = EVENT_NO_CHANGE;
        } else {
            data = new byte[4];
            putShort(data, 0, 2);
            data[2] = (byte) 0x80;                          // NEA: no event of the requested classes
        }
        data[3] = 1 << EVENT_CLASS_MEDIA;                   // supported classes
        sendReply(data, getShort(cdb, 7));
    }

    private void startStopUnit(int flags) {
        boolean loadEject = (flags & 0x02) != 0;
        boolean start = (flags & 0x01) != 0;
        if (loadEject && !start) {
            if (locked) {
                checkCondition(SENSE_ILLEGAL_REQUEST, ASC_MEDIUM_REMOVAL_PREVENTED, ASCQ_REMOVAL_PREVENTED);
                return;
            }
            if (medium != null) removeMedium();
            trayOpen = true;
        } else if (loadEject) {
            trayOpen = false;
        }
        completeOk();
    }

    // ---- IDENTIFY PACKET DEVICE (ATA/ATAPI-6 clause 8) --------------------

    byte[] identify() {
        IdentifyData id = new IdentifyData();
        id.word(0, 0x85C0);          // ATAPI, CD-ROM (05h), removable, DRQ within 50 us, 12-byte packets
        id.string(10, 10, serial);
        id.string(23, 4, "1.0");
        id.string(27, 20, "JAVELIN CD-ROM");
        id.word(49, 0x0B00);         // IORDY supported, LBA, DMA
        id.word(53, 0x0006);         // words 64-70 and 88 valid
        id.word(63, 0x0007 | (mwdmaMode >= 0 ? 0x0100 << mwdmaMode : 0));
        id.word(64, 0x0003);
        id.word(65, 120);
        id.word(66, 120);
        id.word(67, 120);
        id.word(68, 120);
        id.word(71, 30);             // typical ns from PACKET to bus release
        id.word(72, 30);
        id.word(80, 0x007E);
        id.word(82, 0x4010);         // NOP, PACKET feature set
        id.word(83, 0x4000);
        id.word(84, 0x4000);
        id.word(85, 0x0010);
        id.word(87, 0x4000);
        id.word(88, 0x003F | (udmaMode >= 0 ? 0x0100 << udmaMode : 0));
        id.word(93, 0x6000 | 0x000B);
        return id.toBytes();
    }

    // ---- byte helpers (MMC fields are big-endian) ---------------------------------------

    private static int getShort(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static int getInt(byte[] b, int at) {
        return getShort(b, at) << 16 | getShort(b, at + 2);
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void putInt(byte[] b, int at, int v) {
        putShort(b, at, v >>> 16);
        putShort(b, at + 2, v);
    }

    private static void ascii(byte[] b, int at, int len, String s) {
        Arrays.fill(b, at, at + len, (byte) ' ');
        byte[] text = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, b, at, Math.min(len, text.length));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    // ---- state --------------------------------------------------------------------------

    /**
     * Drive and transfer state. {@code mediumPresent} is checked against the back end the
     * board attached before restoring: the medium itself is wiring, not state.
     */
    public record State(int version, AtaRegisters.State registers, boolean mediumPresent, boolean trayOpen,
                        boolean locked, int senseKey, int asc, int ascq, boolean unitAttention, int mediaEvent,
                        int mwdmaMode, int udmaMode, String phase, boolean packetDma, int byteCountLimit,
                        String reply, long mediumOffset, long xferPos, long xferTotal, int chunk) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("atapi", "version", "unsupported " + version);
            if (registers == null) throw new SnapshotFormatException("atapi", "registers", "missing");
            try {
                Phase.valueOf(phase);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new SnapshotFormatException("atapi", "phase", "unknown " + phase);
            }
            if (xferPos < 0 || xferPos > xferTotal || chunk < 0) throw new SnapshotFormatException("atapi", "xferPos");
            if (mediaEvent < EVENT_NO_CHANGE || mediaEvent > EVENT_MEDIA_REMOVAL) {
                throw new SnapshotFormatException("atapi", "mediaEvent");
            }
            if (reply != null && (!reply.chars().allMatch(HexFormat::isHexDigit) || reply.length() % 2 != 0)) {
                throw new SnapshotFormatException("atapi", "reply", "not hexadecimal");
            }
            if (mwdmaMode < -1 || mwdmaMode > 2 || udmaMode < -1 || udmaMode > 5) {
                throw new SnapshotFormatException("atapi", "transferMode", "mode out of range");
            }
        }
    }

    @Override
    public State saveState() {
        return new State(State.VERSION, regs.save(), medium != null, trayOpen, locked, senseKey, asc, ascq,
                unitAttention, mediaEvent, mwdmaMode, udmaMode, phase.name(), packetDma, byteCountLimit,
                reply == null ? null : HexFormat.of().formatHex(reply), mediumOffset, xferPos, xferTotal, chunk);
    }

    @Override
    public void restoreState(State s) {
        if (s.mediumPresent() != (medium != null)) {
            throw new SnapshotFormatException("atapi", "mediumPresent",
                    s.mediumPresent() ? "snapshot has a disc in the drive; insert it before restoring" : "snapshot has no disc");
        }
        regs.restore(s.registers());
        trayOpen = s.trayOpen();
        locked = s.locked();
        senseKey = s.senseKey();
        asc = s.asc();
        ascq = s.ascq();
        unitAttention = s.unitAttention();
        mediaEvent = s.mediaEvent();
        mwdmaMode = s.mwdmaMode();
        udmaMode = s.udmaMode();
        phase = Phase.valueOf(s.phase());
        packetDma = s.packetDma();
        byteCountLimit = s.byteCountLimit();
        reply = s.reply() == null ? null : HexFormat.of().parseHex(s.reply());
        mediumOffset = s.mediumOffset();
        xferPos = s.xferPos();
        xferTotal = s.xferTotal();
        chunk = s.chunk();
    }
}
