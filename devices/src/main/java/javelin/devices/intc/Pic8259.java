package javelin.devices.intc;

import javelin.softmmu.IrqLine;
import javelin.softmmu.PortDevice;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * One Intel 8259A programmable interrupt controller; ports base+0 (command) and base+1 (data).
 * A PC has two, cascaded on the master's IR2 (see {@link DualPic}); each chip also holds its
 * byte of the PIIX edge/level control register (ELCR, ports 0x4D0/0x4D1, see {@link Elcr}).
 *
 * <p>Source: Intel 8259A datasheet (order 231468), "Programming the 8259A" (ICW1–ICW4, OCW1–OCW3),
 * "Interrupt sequence", "Poll command", "Special mask mode", "Special fully nested mode",
 * "Edge and level triggered modes"; Intel 82371SB (PIIX3) datasheet, ELCR register.
 *
 * <p>Modelled: initialization sequence, vector base, cascade inputs (ICW3), auto-EOI, special
 * fully nested mode, IMR, IRR/ISR reads, non-specific and specific EOI, rotation on EOI and in
 * auto-EOI mode, set priority, special mask mode, poll mode, spurious IR7, edge and level
 * triggering (ICW1 LTIM or the ELCR bit). Not modelled: 8080/8085 mode (ICW4 µPM=0 is accepted
 * and treated as 8086 mode), buffered mode and the ADI interval (no effect on a PC).
 *
 * <p>Open questions and choices:
 * <ol>
 * <li>Edge mode: the datasheet requires IR to stay high until the first INTA. The devices of this
 *     emulator signal edges with {@link IrqLine#pulse()}, so a request latched on a rising edge
 *     stays in IRR until acknowledged even if the pin falls (as QEMU and Bochs do).</li>
 * <li>ICW1 resets the edge sense circuit: a pin that is already high must fall and rise again
 *     before it requests; IRR of edge inputs is cleared, IRR of level inputs follows the pins.</li>
 * <li>Poll with no request pending returns 0 (I bit clear; the datasheet leaves W2–W0 undefined).</li>
 * </ol>
 *
 * <p>Threading: every method is called with the machine lock held.
 */
public final class Pic8259 implements PortDevice, Stateful<Pic8259.State> {
    private static final System.Logger LOG = System.getLogger(Pic8259.class.getName());

    // Port offsets from the base (A0 pin).
    static final int REG_COMMAND = 0;
    static final int REG_DATA = 1;

    // ICW1 (written to offset 0 with bit 4 set).
    static final int ICW1_IC4 = 0x01;
    static final int ICW1_SNGL = 0x02;
    static final int ICW1_LTIM = 0x08;
    static final int ICW1_SELECT = 0x10;
    // ICW2: vector bits T7–T3.
    static final int ICW2_VECTOR_MASK = 0xF8;
    // ICW4.
    static final int ICW4_AEOI = 0x02;
    static final int ICW4_SFNM = 0x10;
    // OCW2 (offset 0, bits 4:3 = 00): R, SL, EOI and the level L2–L0.
    static final int OCW2_LEVEL_MASK = 0x07;
    static final int OCW2_EOI = 0x20;
    static final int OCW2_SL = 0x40;
    static final int OCW2_R = 0x80;
    // OCW3 (offset 0, bits 4:3 = 01).
    static final int OCW3_SELECT = 0x08;
    static final int OCW3_RIS = 0x01;
    static final int OCW3_RR = 0x02;
    static final int OCW3_P = 0x04;
    static final int OCW3_SMM = 0x20;
    static final int OCW3_ESMM = 0x40;
    // Poll word: I bit.
    static final int POLL_INTERRUPT = 0x80;

    /** The level the 8259A returns when INTA finds no request (datasheet: IR7 default). */
    static final int SPURIOUS_LEVEL = 7;
    private static final int NO_LEVEL = 8;

    // Initialization state machine: which ICW the data port expects next.
    private static final int INIT_DONE = 0, INIT_ICW2 = 1, INIT_ICW3 = 2, INIT_ICW4 = 3;

    // --- wiring ---
    private final String id;
    private final int base;
    private final IrqLine intOut;       // the INT pin
    private final int elcrWritable;     // ELCR bits this chip lets software set (PIIX3 ELCR)

    // --- pins ---
    private int pinLevels;              // IR0–IR7 input levels, bit n = IRn high

    // --- architected registers ---
    private int irr;                    // interrupt request register
    private int isr;                    // in-service register
    private int imr;                    // interrupt mask register (OCW1)
    private int vectorBase;             // ICW2 bits 7:3
    private int icw3;                   // master: IRs with a slave; slave: its id
    private int elcr;                   // PIIX ELCR byte: bit n = IRn level triggered
    private int lowestPriority = 7;     // the IR level that has the lowest priority (rotation)

    // --- command state ---
    private int initStep = INIT_DONE;
    private boolean needIcw4;
    private boolean singleMode;
    private boolean levelTriggeredAll;  // ICW1 LTIM
    private boolean autoEoi;
    private boolean rotateInAutoEoi;
    private boolean specialFullyNested;
    private boolean specialMask;
    private boolean readIsr;            // OCW3 RR/RIS: false = IRR, true = ISR
    private boolean pollPending;        // OCW3 P: the next read is a poll

    private boolean intLevel;           // the INT pin as last driven
    private boolean loggedBadAccess;

    /**
     * @param id           board id for snapshots and logs ("pic.master")
     * @param base         the first port (0x20 master, 0xA0 slave)
     * @param intOut       the INT pin
     * @param elcrWritable ELCR bits software may set (master 0xF8, slave 0xDE on PIIX3)
     */
    public Pic8259(String id, int base, IrqLine intOut, int elcrWritable) {
        this.id = id;
        this.base = base;
        this.intOut = intOut;
        this.elcrWritable = elcrWritable & 0xFF;
    }

    /** Drives input pin IRn. */
    public void setInput(int n, boolean high) {
        int bit = 1 << n;
        boolean wasHigh = (pinLevels & bit) != 0;
        if (high) {
            pinLevels |= bit;
            if (!wasHigh || isLevelTriggered(n)) irr |= bit;
        } else {
            pinLevels &= ~bit;
            if (isLevelTriggered(n)) irr &= ~bit;
        }
        updateOutputs();
    }

    /** The INT pin. */
    public boolean intPending() {
        return intLevel;
    }

    /** The ICW2 vector base (T7–T3). */
    public int vectorBase() {
        return vectorBase;
    }

    /** The IR inputs that have a slave on them (master's ICW3), zero in single mode. */
    int cascadeInputs() {
        return singleMode ? 0 : icw3;
    }

    // ---------------------------------------------------------------------------------------
    // Guest access

    @Override public int ioRead(int port, int size) {
        int offset = port - base;
        if (pollPending && (offset == REG_COMMAND || offset == REG_DATA)) {
            pollPending = false;
            return poll();
        }
        return switch (offset) {
            case REG_COMMAND -> readIsr ? isr : irr;
            case REG_DATA -> imr;
            default -> badAccess("read", port);
        };
    }

    @Override public void ioWrite(int port, int size, int value) {
        value &= 0xFF;
        switch (port - base) {
            case REG_COMMAND -> writeCommand(value);
            case REG_DATA -> writeData(value);
            default -> badAccess("write", port);
        }
    }

    private void writeCommand(int value) {
        if ((value & ICW1_SELECT) != 0) {
            writeIcw1(value);
        } else if ((value & OCW3_SELECT) != 0) {
            writeOcw3(value);
        } else {
            writeOcw2(value);
        }
        updateOutputs();
    }

    private void writeData(int value) {
        switch (initStep) {
            case INIT_ICW2 -> {
                vectorBase = value & ICW2_VECTOR_MASK;
                initStep = singleMode ? (needIcw4 ? INIT_ICW4 : INIT_DONE) : INIT_ICW3;
            }
            case INIT_ICW3 -> {
                icw3 = value;
                initStep = needIcw4 ? INIT_ICW4 : INIT_DONE;
            }
            case INIT_ICW4 -> {
                autoEoi = (value & ICW4_AEOI) != 0;
                specialFullyNested = (value & ICW4_SFNM) != 0;
                initStep = INIT_DONE;
            }
            default -> imr = value;   // OCW1
        }
        updateOutputs();
    }

    /** ICW1: starts initialization and resets what the datasheet lists under "Initialization". */
    private void writeIcw1(int value) {
        needIcw4 = (value & ICW1_IC4) != 0;
        singleMode = (value & ICW1_SNGL) != 0;
        levelTriggeredAll = (value & ICW1_LTIM) != 0;
        initStep = INIT_ICW2;
        imr = 0;
        isr = 0;
        irr = pinLevels & levelTriggeredMask();
        lowestPriority = 7;
        specialMask = false;
        readIsr = false;
        pollPending = false;
        if (!needIcw4) {
            autoEoi = false;
            specialFullyNested = false;
        }
        rotateInAutoEoi = false;
    }

    private void writeOcw2(int value) {
        int level = value & OCW2_LEVEL_MASK;
        boolean rotate = (value & OCW2_R) != 0;
        boolean specific = (value & OCW2_SL) != 0;
        boolean eoi = (value & OCW2_EOI) != 0;
        if (eoi) {
            int target = specific ? level : highestPriorityLevel(isr);
            if (target == NO_LEVEL) return;
            isr &= ~(1 << target);
            if (rotate) lowestPriority = target;
        } else if (specific) {
            if (rotate) lowestPriority = level;        // set priority
        } else {
            rotateInAutoEoi = rotate;                   // rotate in AEOI mode set/clear
        }
    }

    private void writeOcw3(int value) {
        if ((value & OCW3_ESMM) != 0) specialMask = (value & OCW3_SMM) != 0;
        if ((value & OCW3_RR) != 0) readIsr = (value & OCW3_RIS) != 0;
        if ((value & OCW3_P) != 0) pollPending = true;
    }

    /** The poll command: the read acts as INTA and returns the poll word. */
    private int poll() {
        int level = requestedLevel();
        if (level == NO_LEVEL) return 0;
        acceptLevel(level);
        updateOutputs();
        return POLL_INTERRUPT | level;
    }

    // ---------------------------------------------------------------------------------------
    // INTA

    /**
     * The INTA sequence: returns the IR level being serviced, sets its ISR bit (unless
     * auto-EOI) and clears an edge request. With nothing requested it returns the spurious level
     * 7 and changes nothing.
     */
    public int acknowledge() {
        int level = requestedLevel();
        if (level == NO_LEVEL) {
            updateOutputs();
            return SPURIOUS_LEVEL;
        }
        acceptLevel(level);
        updateOutputs();
        return level;
    }

    /** Moves an accepted request into service: clears an edge request, sets ISR or auto-EOIs. */
    private void acceptLevel(int level) {
        int bit = 1 << level;
        if (!isLevelTriggered(level)) irr &= ~bit;
        if (autoEoi) {
            if (rotateInAutoEoi) lowestPriority = level;
        } else {
            isr |= bit;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Priority logic

    /** The highest-priority unmasked request that beats the in-service levels, or NO_LEVEL. */
    private int requestedLevel() {
        int requested = highestPriorityLevel(irr & ~imr);
        if (requested == NO_LEVEL) return NO_LEVEL;
        int inService = isr;
        // Special mask mode: masked in-service levels do not inhibit lower ones (datasheet).
        if (specialMask) inService &= ~imr;
        // Special fully nested mode: a slave in service does not block its own higher requests.
        if (specialFullyNested) inService &= ~cascadeInputs();
        int serviced = highestPriorityLevel(inService);
        return priorityRank(requested) < priorityRank(serviced) ? requested : NO_LEVEL;
    }

    /** Rank 0 is highest: the level just after the lowest-priority one. NO_LEVEL ranks last. */
    private int priorityRank(int level) {
        return level == NO_LEVEL ? NO_LEVEL : (level - lowestPriority - 1) & 7;
    }

    private int highestPriorityLevel(int mask) {
        for (int rank = 0; rank < 8; rank++) {
            int level = (lowestPriority + 1 + rank) & 7;
            if ((mask & (1 << level)) != 0) return level;
        }
        return NO_LEVEL;
    }

    private boolean isLevelTriggered(int n) {
        return (levelTriggeredMask() & (1 << n)) != 0;
    }

    private int levelTriggeredMask() {
        return levelTriggeredAll ? 0xFF : elcr;
    }

    // ---------------------------------------------------------------------------------------
    // ELCR (written through Elcr)

    int readElcr() {
        return elcr;
    }

    void writeElcr(int value) {
        elcr = value & elcrWritable;
        irr = (irr & ~levelTriggeredMask()) | (pinLevels & levelTriggeredMask());
        updateOutputs();
    }

    /** Recomputes the INT pin from IRR, IMR, ISR and the priority state. */
    void updateOutputs() {
        boolean level = requestedLevel() != NO_LEVEL;
        if (level != intLevel) {
            intLevel = level;
            intOut.setLevel(level);
        }
    }

    private int badAccess(String what, int port) {
        if (!loggedBadAccess) {
            loggedBadAccess = true;
            LOG.log(System.Logger.Level.WARNING, "{0}: guest {1} of port {2} outside the chip (logged once)",
                    id, what, String.format("%#x", port));
        }
        return 0xFF;
    }

    // ---------------------------------------------------------------------------------------
    // State

    /**
     * Snapshot of one 8259A. Bytes are 0..255; {@code lowestPriority} 0..7; {@code initStep}
     * 0 = initialized, 1..3 = expecting ICW2..ICW4.
     */
    public record State(int version, int pinLevels, int irr, int isr, int imr, int vectorBase, int icw3,
                        int elcr, int lowestPriority, int initStep, boolean needIcw4, boolean singleMode,
                        boolean levelTriggeredAll, boolean autoEoi, boolean rotateInAutoEoi,
                        boolean specialFullyNested, boolean specialMask, boolean readIsr,
                        boolean pollPending) {
        public static final int VERSION = 1;

        public State {
            String c = "pic8259";
            if (version != VERSION) throw new SnapshotFormatException(c, "version", "unsupported " + version);
            checkByte(c, "pinLevels", pinLevels);
            checkByte(c, "irr", irr);
            checkByte(c, "isr", isr);
            checkByte(c, "imr", imr);
            checkByte(c, "icw3", icw3);
            checkByte(c, "elcr", elcr);
            if ((vectorBase & ~ICW2_VECTOR_MASK) != 0) throw new SnapshotFormatException(c, "vectorBase");
            if (lowestPriority < 0 || lowestPriority > 7) throw new SnapshotFormatException(c, "lowestPriority");
            if (initStep < INIT_DONE || initStep > INIT_ICW4) throw new SnapshotFormatException(c, "initStep");
        }

        private static void checkByte(String c, String field, int v) {
            if ((v & ~0xFF) != 0) throw new SnapshotFormatException(c, field, "not a byte: " + v);
        }
    }

    @Override public State saveState() {
        return new State(State.VERSION, pinLevels, irr, isr, imr, vectorBase, icw3, elcr, lowestPriority,
                initStep, needIcw4, singleMode, levelTriggeredAll, autoEoi, rotateInAutoEoi,
                specialFullyNested, specialMask, readIsr, pollPending);
    }

    @Override public void restoreState(State s) {
        if ((s.elcr() & ~elcrWritable) != 0) throw new SnapshotFormatException(id, "elcr", "bits not writable");
        pinLevels = s.pinLevels();
        irr = s.irr();
        isr = s.isr();
        imr = s.imr();
        vectorBase = s.vectorBase();
        icw3 = s.icw3();
        elcr = s.elcr();
        lowestPriority = s.lowestPriority();
        initStep = s.initStep();
        needIcw4 = s.needIcw4();
        singleMode = s.singleMode();
        levelTriggeredAll = s.levelTriggeredAll();
        autoEoi = s.autoEoi();
        rotateInAutoEoi = s.rotateInAutoEoi();
        specialFullyNested = s.specialFullyNested();
        specialMask = s.specialMask();
        readIsr = s.readIsr();
        pollPending = s.pollPending();
        // Drive the pin unconditionally: the wire's other end may hold a stale level.
        intLevel = requestedLevel() != NO_LEVEL;
        intOut.setLevel(intLevel);
    }
}
