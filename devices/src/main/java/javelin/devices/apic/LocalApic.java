package javelin.devices.apic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javelin.softmmu.InterruptSource;
import javelin.softmmu.IrqLine;
import javelin.softmmu.MmioHandler;
import javelin.softmmu.Timer;
import javelin.softmmu.VirtualClock;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * The xAPIC local APIC of one processor (Pentium 4 / Xeon integrated APIC, version 0x14), its
 * registers a 4 KiB page at the APIC base (0xFEE00000). Source: Intel SDM vol. 3A, chapter
 * "Advanced Programmable Interrupt Controller (APIC)": "Local APIC Register Address Map",
 * "Local Vector Table", "APIC Timer", "Issuing Interprocessor Interrupts", "Handling Interrupts"
 * (IRR/ISR/TMR, TPR, PPR, EOI), "Spurious Interrupt", "Error Handling", "Local APIC State After
 * Power-Up Reset / INIT / Software Disable".
 *
 * <p>Modelled: ID, version, TPR, APR, PPR, EOI (level-triggered vectors broadcast to the I/O APIC),
 * LDR, DFR (flat and cluster), SVR (software enable, spurious vector), ISR/TMR/IRR, ESR, ICR with
 * fixed, lowest-priority, NMI, INIT (assert) and startup delivery, physical and logical
 * destinations and the three shorthands, the LVT (timer, thermal, performance counter, LINT0,
 * LINT1, error), the timer in one-shot and periodic mode with its divide configuration, LINT0 in
 * ExtINT mode passing the 8259A's INTR/INTA through, LINT1 as NMI, and the global enable of the
 * IA32_APIC_BASE MSR ({@link #setGloballyEnabled}). Not modelled: x2APIC, TSC-deadline timer
 * mode (CPUID does not advertise it; the mode reads back, the timer then does not count), SMI and
 * remote-read IPIs (logged once), thermal and performance-counter events (their LVT entries are
 * storage only), the focus-processor rule, and relocating the page (the board maps it once).
 *
 * <p>Open questions and choices:
 * <ol>
 * <li>Timer clock: the SDM leaves the bus frequency to the platform. As QEMU does, the timer
 *     counts at {@link #BUS_HZ} = 1 GHz before the divider, so a tick is {@code divide}
 *     nanoseconds. The count is derived from the clock (no per-tick work); one {@link Timer} holds
 *     the next expiry.</li>
 * <li>Changing the divide configuration while the timer runs: the SDM is silent. The count keeps
 *     its load time and is recomputed at the new rate (as QEMU).</li>
 * <li>Virtual wire: with the APIC globally disabled (MSR bit 11) or software disabled (SVR bit 8)
 *     the 8259A's INTR reaches the core directly, as on an APIC-less processor, so a guest that
 *     never touches the APIC keeps its PIC. Once software enabled, LVT LINT0 decides (ExtINT and
 *     unmasked: pass-through). As QEMU does, the bootstrap processor's LINT0 resets to ExtINT,
 *     unmasked (the SDM reset value is masked), which is what firmware would program.</li>
 * <li>A software-disabled APIC accepts INIT, startup and NMI but no fixed interrupts; vectors
 *     already in the IRR stay pending (SDM, "Local APIC State After It Has Been Software
 *     Disabled"). A globally disabled APIC accepts nothing and its page reads all-ones.</li>
 * <li>Fixed interrupts take precedence over an ExtINT from the 8259A when both are pending (as
 *     QEMU's INTA path does).</li>
 * <li>Accesses that are not 32-bit at a 16-byte aligned offset are logged once; such reads return
 *     the bytes of the enclosing register, such writes are ignored.</li>
 * </ol>
 *
 * <p>Threading: every method is called with the machine lock held, except
 * {@link #interruptPending()}, which a vCPU polls without it (see {@link ApicBus}, [APIC-1] and
 * [APIC-2]). The CPU must take the machine lock around {@link #acknowledgeInterrupt()}.
 */
public final class LocalApic implements MmioHandler, InterruptSource, Stateful<LocalApic.State> {
    private static final System.Logger LOG = System.getLogger(LocalApic.class.getName());

    /** Default physical base of the register page (SDM, IA32_APIC_BASE reset value). */
    public static final long DEFAULT_BASE = 0xFEE0_0000L;
    /** Size of the register page. */
    public static final int PAGE_SIZE = 0x1000;
    /** Timer input clock before the divider (choice 1). */
    public static final long BUS_HZ = 1_000_000_000L;

    // Register offsets, in the order of the SDM's "Local APIC Register Address Map".
    static final int REG_ID = 0x020;
    static final int REG_VERSION = 0x030;
    static final int REG_TPR = 0x080;
    static final int REG_APR = 0x090;
    static final int REG_PPR = 0x0A0;
    static final int REG_EOI = 0x0B0;
    static final int REG_RRD = 0x0C0;
    static final int REG_LDR = 0x0D0;
    static final int REG_DFR = 0x0E0;
    static final int REG_SVR = 0x0F0;
    static final int REG_ISR = 0x100;     // eight registers, 0x100..0x170
    static final int REG_TMR = 0x180;     // 0x180..0x1F0
    static final int REG_IRR = 0x200;     // 0x200..0x270
    static final int REG_ESR = 0x280;
    static final int REG_ICR_LOW = 0x300;
    static final int REG_ICR_HIGH = 0x310;
    static final int REG_LVT_TIMER = 0x320;
    static final int REG_LVT_THERMAL = 0x330;
    static final int REG_LVT_PERF = 0x340;
    static final int REG_LVT_LINT0 = 0x350;
    static final int REG_LVT_LINT1 = 0x360;
    static final int REG_LVT_ERROR = 0x370;
    static final int REG_TIMER_INITIAL = 0x380;
    static final int REG_TIMER_CURRENT = 0x390;
    static final int REG_TIMER_DIVIDE = 0x3E0;
    /** Registers are 16 bytes apart; the eight words of ISR, TMR and IRR too. */
    static final int REG_STRIDE = 0x10;

    // Version register: version 0x14 (integrated xAPIC), max LVT entry 5 (six entries).
    static final int VERSION_VALUE = 0x0005_0014;
    // ID and LDR: the 8-bit value sits in bits 31:24.
    static final int ID_SHIFT = 24;
    static final int ID_MASK = 0xFF;                // xAPIC IDs and logical IDs are 8 bits
    static final int LDR_MASK = 0xFF00_0000;
    // DFR: model in bits 31:28, the rest reads as ones.
    static final int DFR_MODEL_MASK = 0xF000_0000;
    static final int DFR_RESERVED_ONES = 0x0FFF_FFFF;
    static final int DFR_MODEL_SHIFT = 28;
    static final int DFR_FLAT = 0xF;
    static final int DFR_CLUSTER = 0x0;          // any model other than flat is treated as cluster
    // Logical destination (MDA) in the cluster model: cluster in bits 7:4 (15 = all), members 3:0.
    static final int MDA_CLUSTER_SHIFT = 4;
    static final int MDA_ALL_CLUSTERS = 0xF;
    static final int MDA_MEMBER_MASK = 0xF;
    // TPR/PPR/APR: priority class in bits 7:4, subclass in 3:0.
    static final int TPR_MASK = 0xFF;
    static final int PRIORITY_CLASS_MASK = 0xF0;
    // SVR.
    static final int SVR_VECTOR_MASK = 0xFF;
    static final int SVR_APIC_ENABLED = 1 << 8;
    static final int SVR_FOCUS_DISABLED = 1 << 9;
    static final int SVR_WRITABLE = SVR_VECTOR_MASK | SVR_APIC_ENABLED | SVR_FOCUS_DISABLED;
    static final int SVR_RESET = 0xFF;
    // ESR bits.
    static final int ESR_SEND_ILLEGAL_VECTOR = 1 << 5;
    static final int ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6;
    static final int ESR_ILLEGAL_REGISTER = 1 << 7;
    // ICR low.
    static final int ICR_VECTOR_MASK = 0xFF;
    static final int ICR_DELIVERY_MODE_SHIFT = 8;
    static final int ICR_DEST_LOGICAL = 1 << 11;
    static final int ICR_DELIVERY_PENDING = 1 << 12;
    static final int ICR_LEVEL_ASSERT = 1 << 14;
    static final int ICR_TRIGGER_LEVEL = 1 << 15;
    static final int ICR_SHORTHAND_SHIFT = 18;
    static final int ICR_LOW_WRITABLE = 0x000C_CFFF;
    static final int ICR_HIGH_DEST_SHIFT = 24;
    static final int ICR_HIGH_WRITABLE = 0xFF00_0000;
    static final int SHORTHAND_NONE = 0, SHORTHAND_SELF = 1, SHORTHAND_ALL_INCLUDING_SELF = 2,
            SHORTHAND_ALL_EXCLUDING_SELF = 3;
    // Delivery modes (ICR, LVT and I/O APIC redirection entries share the encoding).
    static final int DM_FIXED = 0b000;
    static final int DM_LOWEST_PRIORITY = 0b001;
    static final int DM_SMI = 0b010;
    static final int DM_REMOTE_READ = 0b011;
    static final int DM_NMI = 0b100;
    static final int DM_INIT = 0b101;
    static final int DM_STARTUP = 0b110;
    static final int DM_EXTINT = 0b111;
    // LVT entries.
    static final int LVT_VECTOR_MASK = 0xFF;
    static final int LVT_DELIVERY_MODE_SHIFT = 8;
    static final int LVT_DELIVERY_MODE_MASK = 0b111 << LVT_DELIVERY_MODE_SHIFT;
    static final int LVT_POLARITY_LOW = 1 << 13;
    static final int LVT_REMOTE_IRR = 1 << 14;
    static final int LVT_TRIGGER_LEVEL = 1 << 15;
    static final int LVT_MASKED = 1 << 16;
    static final int LVT_TIMER_MODE_SHIFT = 17;
    static final int LVT_TIMER_MODE_MASK = 0b11 << LVT_TIMER_MODE_SHIFT;
    static final int TIMER_ONE_SHOT = 0b00, TIMER_PERIODIC = 0b01, TIMER_TSC_DEADLINE = 0b10;
    static final int LVT_TIMER_WRITABLE = LVT_VECTOR_MASK | LVT_MASKED | LVT_TIMER_MODE_MASK;
    static final int LVT_EVENT_WRITABLE = LVT_VECTOR_MASK | LVT_DELIVERY_MODE_MASK | LVT_MASKED;
    static final int LVT_LINT_WRITABLE = LVT_EVENT_WRITABLE | LVT_POLARITY_LOW | LVT_TRIGGER_LEVEL;
    static final int LVT_ERROR_WRITABLE = LVT_VECTOR_MASK | LVT_MASKED;
    /** Bootstrap processor's LINT0 at reset: ExtINT, unmasked (choice 3). */
    static final int LVT_LINT0_BSP_RESET = DM_EXTINT << LVT_DELIVERY_MODE_SHIFT;
    // Index of each entry in the LVT list, in register order.
    static final int LVT_TIMER = 0, LVT_THERMAL = 1, LVT_PERF = 2, LVT_LINT0 = 3, LVT_LINT1 = 4, LVT_ERROR = 5;
    static final int LVT_COUNT = 6;
    // Timer divide configuration: bits 3, 1 and 0.
    static final int DIVIDE_WRITABLE = 0b1011;
    /** Vectors 0..15 are reserved: an APIC neither sends nor accepts them (SDM, "Valid Interrupts"). */
    static final int FIRST_LEGAL_VECTOR = 16;
    private static final int WORDS = 8;
    private static final int NO_VECTOR = -1;
    private static final long NO_DEADLINE = -1;

    // --- wiring ---
    private final ApicBus bus;
    private final VirtualClock clock;
    private final InterruptSource pic;
    private final CpuPins cpu;
    private final int resetApicId;
    private final boolean bootstrap;
    private final Timer timer;
    private final String name;

    // --- pins, guarded by the machine lock (LINT0 is the 8259A INTR, read live from the PIC) ---
    private boolean lint1Level;

    // --- architected registers, guarded by the machine lock ([APIC-1]) ---
    private boolean globallyEnabled = true;  // IA32_APIC_BASE bit 11, mirrored by the CPU
    private int apicId;                      // 8-bit xAPIC ID (register bits 31:24)
    private int tpr;                         // bits 7:0
    private int ldr;                         // bits 31:24 significant
    private int dfr = DFR_MODEL_MASK | DFR_RESERVED_ONES;
    private int svr = SVR_RESET;
    private final int[] isr = new int[WORDS];  // 256-bit sets, bit v of word v/32
    private final int[] tmr = new int[WORDS];
    private final int[] irr = new int[WORDS];
    private int esr;                         // as last latched by an ESR write
    private int esrPending;                  // errors since that write
    private int icrLow;
    private int icrHigh;
    private final int[] lvt = new int[LVT_COUNT];
    private int timerInitialCount;           // unsigned 32-bit
    private int timerDivide;                 // divide configuration register, bits 3,1,0
    private long timerLoadNanos;             // virtual time the initial count was written
    private long timerDeadline = NO_DEADLINE; // next expiry, or NO_DEADLINE

    // --- outputs read by the vCPU without the lock ([APIC-2]) ---
    private volatile boolean fixedPending;     // a vector in IRR above PPR
    private volatile boolean extIntRouted;     // the 8259A's INTR reaches the core

    private boolean loggedBadAccess;
    private boolean loggedUnsupported;

    /**
     * Builds the APIC in its power-up state and attaches it to {@code bus}. Call with the machine
     * lock held.
     *
     * @param bus       the machine's APIC bus
     * @param apicId    initial APIC ID (the vCPU index; CPUID leaf 1 EBX[31:24] must agree)
     * @param bootstrap whether this is the bootstrap processor (its LINT0 resets to ExtINT)
     * @param clock     the machine clock (timer)
     * @param pic       the 8259A pair seen on LINT0 ({@link InterruptSource#NONE} for APs)
     * @param cpu       the core's INIT/SIPI/NMI/wake inputs
     */
    public LocalApic(ApicBus bus, int apicId, boolean bootstrap, VirtualClock clock, InterruptSource pic,
                     CpuPins cpu) {
        if ((apicId & ~ID_MASK) != 0) throw new IllegalArgumentException("xAPIC ID is 8 bits: " + apicId);
        this.bus = Objects.requireNonNull(bus);
        this.clock = Objects.requireNonNull(clock);
        this.pic = Objects.requireNonNull(pic);
        this.cpu = Objects.requireNonNull(cpu);
        this.resetApicId = apicId;
        this.bootstrap = bootstrap;
        this.name = "lapic" + apicId;
        this.timer = clock.newTimer(name + ".timer", this::timerExpired);
        bus.attach(this);
        reset();
    }

    // ---------------------------------------------------------------------------------------
    // Board and CPU interface

    /** Power-up reset (machine reset): everything, including the ID, returns to its reset value. */
    public void reset() {
        apicId = resetApicId;
        globallyEnabled = true;
        lint1Level = false;
        initReset();
    }

    /**
     * The state after INIT (SDM, "Local APIC State After an INIT Reset"): as power-up, except
     * that the ID and the global enable are kept.
     */
    private void initReset() {
        tpr = 0;
        ldr = 0;
        dfr = DFR_MODEL_MASK | DFR_RESERVED_ONES;
        svr = SVR_RESET;
        Arrays.fill(isr, 0);
        Arrays.fill(tmr, 0);
        Arrays.fill(irr, 0);
        esr = 0;
        esrPending = 0;
        icrLow = 0;
        icrHigh = 0;
        Arrays.fill(lvt, LVT_MASKED);
        if (bootstrap) lvt[LVT_LINT0] = LVT_LINT0_BSP_RESET;
        timerInitialCount = 0;
        timerDivide = 0;
        timerLoadNanos = clock.nanos();
        timerDeadline = NO_DEADLINE;
        timer.cancel();
        updateOutputs();
    }

    /**
     * IA32_APIC_BASE bit 11, called by the CPU on WRMSR. Clearing it disables the APIC as on
     * hardware: the page no longer decodes, no message is accepted and the 8259A reaches the
     * core directly. Setting it again leaves the APIC software disabled (SVR reset).
     */
    public void setGloballyEnabled(boolean enabled) {
        bus.assertLocked();
        if (enabled == globallyEnabled) return;
        globallyEnabled = enabled;
        if (!enabled) initReset();
        updateOutputs();
    }

    /** The LINT1 pin (NMI on a PC): a rising edge signals through LVT LINT1. */
    public IrqLine lint1() {
        return this::setLint1;
    }

    private void setLint1(boolean high) {
        bus.assertLocked();
        boolean rose = high && !lint1Level;
        lint1Level = high;
        if (!rose) return;
        if (!isEnabled()) {
            cpu.nmi();          // virtual wire: LINT1 is the NMI pin
            return;
        }
        signalLvt(LVT_LINT1);
    }

    /** The current APIC ID (bits 31:24 of the ID register). */
    public int apicId() {
        return apicId;
    }

    int taskPriority() {
        return tpr;
    }

    private boolean isEnabled() {
        return globallyEnabled && (svr & SVR_APIC_ENABLED) != 0;
    }

    // ---------------------------------------------------------------------------------------
    // InterruptSource (INTR/INTA)

    /** Lock-free ([APIC-2]): a fixed vector above PPR, or the 8259A's INTR routed through LINT0. */
    @Override public boolean interruptPending() {
        return fixedPending || (extIntRouted && pic.interruptPending());
    }

    /**
     * The INTA cycle, with the machine lock held: the highest IRR vector above PPR moves to the
     * ISR; otherwise an ExtINT is acknowledged by the 8259A, which supplies the vector; with
     * neither, the spurious vector (SDM, "Spurious Interrupt"), which sets no ISR bit.
     */
    @Override public int acknowledgeInterrupt() {
        bus.assertLocked();
        int vector = deliverableVector();
        if (vector != NO_VECTOR) {
            clearBit(irr, vector);
            setBit(isr, vector);
            updateOutputs();
            return vector;
        }
        if (extIntRouted && pic.interruptPending()) return pic.acknowledgeInterrupt();
        return svr & SVR_VECTOR_MASK;
    }

    // ---------------------------------------------------------------------------------------
    // Guest access

    @Override public long mmioRead(long offset, int size) {
        bus.assertLocked();
        if (!globallyEnabled) return allOnes(size);
        int reg = (int) offset & ~(REG_STRIDE - 1);
        int inReg = (int) offset & (REG_STRIDE - 1);
        if (size != 4 || inReg != 0) {
            badAccess("read of " + size + " bytes", offset);
            if (inReg + size > 4) return allOnes(size);
            return (readRegister(reg) >>> (8 * inReg)) & (allOnes(size));
        }
        return Integer.toUnsignedLong(readRegister(reg));
    }

    @Override public void mmioWrite(long offset, int size, long value) {
        bus.assertLocked();
        if (!globallyEnabled) return;
        if (size != 4 || (offset & (REG_STRIDE - 1)) != 0) {
            badAccess("write of " + size + " bytes", offset);
            return;
        }
        writeRegister((int) offset, (int) value);
    }

    private int readRegister(int reg) {
        if (reg >= REG_ISR && reg < REG_ISR + WORDS * REG_STRIDE) return isr[(reg - REG_ISR) / REG_STRIDE];
        if (reg >= REG_TMR && reg < REG_TMR + WORDS * REG_STRIDE) return tmr[(reg - REG_TMR) / REG_STRIDE];
        if (reg >= REG_IRR && reg < REG_IRR + WORDS * REG_STRIDE) return irr[(reg - REG_IRR) / REG_STRIDE];
        return switch (reg) {
            case REG_ID -> apicId << ID_SHIFT;
            case REG_VERSION -> VERSION_VALUE;
            case REG_TPR -> tpr;
            case REG_APR -> arbitrationPriority();
            case REG_PPR -> processorPriority();
            case REG_EOI, REG_RRD -> 0;
            case REG_LDR -> ldr;
            case REG_DFR -> dfr;
            case REG_SVR -> svr;
            case REG_ESR -> esr;
            case REG_ICR_LOW -> icrLow;
            case REG_ICR_HIGH -> icrHigh;
            case REG_LVT_TIMER -> lvt[LVT_TIMER];
            case REG_LVT_THERMAL -> lvt[LVT_THERMAL];
            case REG_LVT_PERF -> lvt[LVT_PERF];
            case REG_LVT_LINT0 -> lvt[LVT_LINT0];
            case REG_LVT_LINT1 -> lvt[LVT_LINT1];
            case REG_LVT_ERROR -> lvt[LVT_ERROR];
            case REG_TIMER_INITIAL -> timerInitialCount;
            case REG_TIMER_CURRENT -> currentCount(clock.nanos());
            case REG_TIMER_DIVIDE -> timerDivide;
            default -> {
                illegalRegister("read", reg);
                yield -1;
            }
        };
    }

    private void writeRegister(int reg, int value) {
        switch (reg) {
            case REG_ID -> apicId = value >>> ID_SHIFT;
            case REG_TPR -> tpr = value & TPR_MASK;
            case REG_EOI -> endOfInterrupt();
            case REG_LDR -> ldr = value & LDR_MASK;
            case REG_DFR -> dfr = (value & DFR_MODEL_MASK) | DFR_RESERVED_ONES;
            case REG_SVR -> writeSvr(value);
            case REG_ESR -> {
                esr = esrPending;     // a write latches the errors seen since the last one
                esrPending = 0;
            }
            case REG_ICR_LOW -> {
                icrLow = value & ICR_LOW_WRITABLE;
                sendIpi();
            }
            case REG_ICR_HIGH -> icrHigh = value & ICR_HIGH_WRITABLE;
            case REG_LVT_TIMER -> writeLvt(LVT_TIMER, value & LVT_TIMER_WRITABLE);
            case REG_LVT_THERMAL -> writeLvt(LVT_THERMAL, value & LVT_EVENT_WRITABLE);
            case REG_LVT_PERF -> writeLvt(LVT_PERF, value & LVT_EVENT_WRITABLE);
            case REG_LVT_LINT0 -> writeLvt(LVT_LINT0, value & LVT_LINT_WRITABLE);
            case REG_LVT_LINT1 -> writeLvt(LVT_LINT1, value & LVT_LINT_WRITABLE);
            case REG_LVT_ERROR -> writeLvt(LVT_ERROR, value & LVT_ERROR_WRITABLE);
            case REG_TIMER_INITIAL -> loadTimer(value);
            case REG_TIMER_DIVIDE -> {
                timerDivide = value & DIVIDE_WRITABLE;
                rearmTimer(clock.nanos());
            }
            // Read-only registers: the write is ignored (ISR, TMR, IRR, version, PPR, APR, RRD, CCR).
            case REG_VERSION, REG_APR, REG_PPR, REG_RRD, REG_TIMER_CURRENT -> { }
            default -> {
                if (reg < REG_ISR || reg >= REG_IRR + WORDS * REG_STRIDE) illegalRegister("write", reg);
            }
        }
        updateOutputs();
    }

    private void writeSvr(int value) {
        svr = value & SVR_WRITABLE;
        if ((svr & SVR_APIC_ENABLED) == 0) {
            // SDM, "Local APIC State After It Has Been Software Disabled": every LVT mask bit set.
            for (int i = 0; i < LVT_COUNT; i++) lvt[i] |= LVT_MASKED;
        }
    }

    private void writeLvt(int index, int value) {
        // Software disabled: the mask bits cannot be cleared.
        if ((svr & SVR_APIC_ENABLED) == 0) value |= LVT_MASKED;
        // Remote IRR (LINT) and delivery status are read-only; keep remote IRR as it was.
        lvt[index] = value | (lvt[index] & LVT_REMOTE_IRR);
        if (index == LVT_TIMER) rearmTimer(clock.nanos());
    }

    // ---------------------------------------------------------------------------------------
    // Priority, acceptance and EOI (SDM, "Handling Interrupts")

    /** PPR: the TPR, or the class of the highest in-service vector if that is higher. */
    int processorPriority() {
        int isrv = highestBit(isr);
        int isrClass = isrv == NO_VECTOR ? 0 : isrv & PRIORITY_CLASS_MASK;
        return (tpr & PRIORITY_CLASS_MASK) >= isrClass ? tpr : isrClass;
    }

    /** APR (SDM, "Arbitration Priority Register"): TPR, or the class of the highest IRR/ISR vector. */
    private int arbitrationPriority() {
        int irrv = highestBit(irr);
        int isrv = highestBit(isr);
        int irrClass = irrv == NO_VECTOR ? 0 : irrv & PRIORITY_CLASS_MASK;
        int isrClass = isrv == NO_VECTOR ? 0 : isrv & PRIORITY_CLASS_MASK;
        int tprClass = tpr & PRIORITY_CLASS_MASK;
        if (tprClass >= irrClass && tprClass > isrClass) return tpr;
        return Math.max(tprClass & isrClass, irrClass);
    }

    /** The highest IRR vector whose class is above the PPR's class, or NO_VECTOR. */
    private int deliverableVector() {
        int v = highestBit(irr);
        if (v == NO_VECTOR) return NO_VECTOR;
        return (v & PRIORITY_CLASS_MASK) > (processorPriority() & PRIORITY_CLASS_MASK) ? v : NO_VECTOR;
    }

    /** Whether a fixed or lowest-priority message would be accepted now. */
    boolean acceptsFixed() {
        return isEnabled();
    }

    /** Whether this APIC is a target of {@code destination} in the given mode. */
    boolean matchesDestination(int destination, boolean logical) {
        if (!globallyEnabled) return false;
        if (destination == ApicBus.BROADCAST) return true;
        if (!logical) return destination == apicId;
        int logicalId = ldr >>> ID_SHIFT;
        if ((dfr >>> DFR_MODEL_SHIFT) == DFR_FLAT) return (logicalId & destination) != 0;
        int cluster = destination >>> MDA_CLUSTER_SHIFT;
        return (cluster == MDA_ALL_CLUSTERS || cluster == logicalId >>> MDA_CLUSTER_SHIFT)
                && (logicalId & destination & MDA_MEMBER_MASK) != 0;
    }

    /**
     * A message arriving from the bus. Returns whether it was accepted.
     *
     * @param deliveryMode fixed (lowest priority was resolved by the bus), NMI, INIT or startup
     */
    boolean receive(int deliveryMode, int vector, boolean level) {
        if (!globallyEnabled) return false;
        switch (deliveryMode) {
            case DM_FIXED -> {
                if (!isEnabled()) return false;
                acceptVector(vector, level);
            }
            case DM_NMI -> cpu.nmi();
            case DM_INIT -> {
                initReset();
                cpu.init();
            }
            case DM_STARTUP -> cpu.startup(vector & ICR_VECTOR_MASK);
            default -> {
                unsupported("delivery mode " + deliveryMode);
                return false;
            }
        }
        return true;
    }

    /** Sets IRR (and TMR for a level-triggered vector); an illegal vector is an error instead. */
    private void acceptVector(int vector, boolean level) {
        if (vector < FIRST_LEGAL_VECTOR) {
            error(ESR_RECEIVE_ILLEGAL_VECTOR);
            return;
        }
        setBit(irr, vector);
        if (level) setBit(tmr, vector); else clearBit(tmr, vector);
        updateOutputs();
    }

    /** EOI: retires the highest in-service vector; a level-triggered one is broadcast to the I/O APIC. */
    private void endOfInterrupt() {
        int v = highestBit(isr);
        if (v == NO_VECTOR) return;
        clearBit(isr, v);
        updateOutputs();
        if (testBit(tmr, v)) bus.broadcastEoi(v);
    }

    /** Delivers an LVT entry's interrupt (timer, LINT1, error) to this core. */
    private void signalLvt(int index) {
        int entry = lvt[index];
        if ((entry & LVT_MASKED) != 0) return;
        int mode = index == LVT_TIMER || index == LVT_ERROR ? DM_FIXED
                : (entry & LVT_DELIVERY_MODE_MASK) >>> LVT_DELIVERY_MODE_SHIFT;
        switch (mode) {
            case DM_FIXED -> acceptVector(entry & LVT_VECTOR_MASK, false);
            case DM_NMI -> cpu.nmi();
            default -> unsupported("LVT delivery mode " + mode);
        }
    }

    private void error(int bit) {
        esrPending |= bit;
        int entry = lvt[LVT_ERROR];
        // The error vector itself being illegal must not recurse.
        if ((entry & LVT_MASKED) == 0 && (entry & LVT_VECTOR_MASK) >= FIRST_LEGAL_VECTOR) {
            acceptVector(entry & LVT_VECTOR_MASK, false);
        }
    }

    // ---------------------------------------------------------------------------------------
    // ICR (SDM, "Issuing Interprocessor Interrupts")

    private void sendIpi() {
        int vector = icrLow & ICR_VECTOR_MASK;
        int mode = (icrLow >>> ICR_DELIVERY_MODE_SHIFT) & 0b111;
        boolean logical = (icrLow & ICR_DEST_LOGICAL) != 0;
        boolean levelTrigger = (icrLow & ICR_TRIGGER_LEVEL) != 0;
        boolean levelAssert = (icrLow & ICR_LEVEL_ASSERT) != 0;
        int shorthand = (icrLow >>> ICR_SHORTHAND_SHIFT) & 0b11;
        int destination = icrHigh >>> ICR_HIGH_DEST_SHIFT;
        switch (mode) {
            case DM_INIT -> {
                // INIT level de-assert only synchronizes arbitration IDs (not modelled).
                if (levelTrigger && !levelAssert) return;
            }
            case DM_FIXED, DM_LOWEST_PRIORITY -> {
                if (vector < FIRST_LEGAL_VECTOR) {
                    error(ESR_SEND_ILLEGAL_VECTOR);
                    return;
                }
            }
            case DM_NMI, DM_STARTUP -> { }
            default -> {
                unsupported("ICR delivery mode " + mode);
                return;
            }
        }
        // The trigger mode matters only for INIT de-assert (SDM, ICR "Trigger Mode"): IPIs are edge.
        switch (shorthand) {
            case SHORTHAND_NONE -> bus.deliver(destination, logical, mode, vector, false);
            case SHORTHAND_SELF -> bus.deliverShorthand(this, true, false, mode, vector, false);
            case SHORTHAND_ALL_INCLUDING_SELF -> bus.deliverShorthand(this, true, true, mode, vector, false);
            default -> bus.deliverShorthand(this, false, true, mode, vector, false);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Timer (SDM, "APIC Timer")

    private int divideShift() {
        int code = (timerDivide & 0b11) | (timerDivide & 0b1000) >>> 1;
        return (code + 1) & 0b111;          // 000 -> /2 ... 110 -> /128, 111 -> /1
    }

    private int timerMode() {
        return (lvt[LVT_TIMER] & LVT_TIMER_MODE_MASK) >>> LVT_TIMER_MODE_SHIFT;
    }

    private void loadTimer(int initialCount) {
        timerInitialCount = initialCount;
        timerLoadNanos = clock.nanos();
        rearmTimer(timerLoadNanos);
    }

    /** Nanoseconds of one full count from the initial count. */
    private long periodNanos() {
        return Integer.toUnsignedLong(timerInitialCount) << divideShift();
    }

    /** The current-count register at virtual time {@code now}. */
    private int currentCount(long now) {
        long initial = Integer.toUnsignedLong(timerInitialCount);
        if (initial == 0 || timerMode() == TIMER_TSC_DEADLINE) return 0;
        long ticks = Math.max(0, now - timerLoadNanos) >>> divideShift();
        if (timerMode() == TIMER_PERIODIC) return (int) (initial - ticks % initial);
        return ticks >= initial ? 0 : (int) (initial - ticks);
    }

    /** Arms the timer for the first expiry after {@code now} (each expiry at load + k * period). */
    private void rearmTimer(long now) {
        long period = periodNanos();
        timerDeadline = NO_DEADLINE;
        if (period != 0 && timerMode() != TIMER_TSC_DEADLINE) {
            long first = timerLoadNanos + period;
            if (timerMode() == TIMER_PERIODIC) {
                long k = now < first ? 1 : (now - timerLoadNanos) / period + 1;
                timerDeadline = timerLoadNanos + k * period;
            } else if (first > now) {
                timerDeadline = first;
            }
        }
        if (timerDeadline == NO_DEADLINE) timer.cancel(); else timer.armAt(timerDeadline);
    }

    /** Timer callback, machine lock held, the clock reading the deadline. */
    private void timerExpired() {
        long now = clock.nanos();
        if (timerDeadline == NO_DEADLINE || now < timerDeadline) return;
        signalLvt(LVT_TIMER);
        if (timerMode() == TIMER_PERIODIC) {
            timerDeadline += periodNanos();
            timer.armAt(timerDeadline);
        } else {
            timerDeadline = NO_DEADLINE;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Outputs

    /** Recomputes the lock-free INTR view after every change and after a restore. */
    void updateOutputs() {
        boolean wasPending = interruptPending();
        fixedPending = deliverableVector() != NO_VECTOR;
        extIntRouted = !isEnabled() || ((lvt[LVT_LINT0] & LVT_MASKED) == 0
                && (lvt[LVT_LINT0] & LVT_DELIVERY_MODE_MASK) == DM_EXTINT << LVT_DELIVERY_MODE_SHIFT);
        if (!wasPending && interruptPending()) cpu.wake();
    }

    // ---------------------------------------------------------------------------------------
    // Bit sets and diagnostics

    private static void setBit(int[] set, int v) { set[v >>> 5] |= 1 << (v & 31); }

    private static void clearBit(int[] set, int v) { set[v >>> 5] &= ~(1 << (v & 31)); }

    private static boolean testBit(int[] set, int v) { return (set[v >>> 5] & (1 << (v & 31))) != 0; }

    private static int highestBit(int[] set) {
        for (int w = WORDS - 1; w >= 0; w--) {
            if (set[w] != 0) return w * 32 + 31 - Integer.numberOfLeadingZeros(set[w]);
        }
        return NO_VECTOR;
    }

    private static long allOnes(int size) {
        return size >= 8 ? -1L : (1L << (8 * size)) - 1;
    }

    private void illegalRegister(String what, int reg) {
        esrPending |= ESR_ILLEGAL_REGISTER;
        badAccess(what + " of an unknown register", reg);
    }

    private void badAccess(String what, long offset) {
        if (!loggedBadAccess) {
            loggedBadAccess = true;
            LOG.log(System.Logger.Level.WARNING, "{0}: guest {1} at offset {2} (logged once)",
                    name, what, String.format("%#x", offset));
        }
    }

    private void unsupported(String what) {
        if (!loggedUnsupported) {
            loggedUnsupported = true;
            LOG.log(System.Logger.Level.WARNING, "{0}: {1} is not modelled, ignored (logged once)", name, what);
        }
    }

    // ---------------------------------------------------------------------------------------
    // State

    /**
     * Snapshot of one local APIC. Register values as the guest reads them (32-bit); {@code isr},
     * {@code tmr}, {@code irr} are eight words each, word n holding vectors 32n..32n+31;
     * {@code lvt} the six LVT entries in register order (timer, thermal, performance, LINT0,
     * LINT1, error); {@code timerLoadNanos} the virtual time the initial count was written;
     * {@code timerDeadline} the next armed expiry in virtual nanoseconds, or -1.
     */
    public record State(int version, boolean globallyEnabled, int apicId, int tpr, int ldr, int dfr, int svr,
                        List<Integer> isr, List<Integer> tmr, List<Integer> irr, int esr, int esrPending,
                        int icrLow, int icrHigh, List<Integer> lvt, int timerInitialCount, int timerDivide,
                        long timerLoadNanos, long timerDeadline, boolean lint1Level) {
        public static final int VERSION = 1;

        public State {
            String c = "lapic";
            if (version != VERSION) throw new SnapshotFormatException(c, "version", "unsupported " + version);
            if ((apicId & ~ID_MASK) != 0) throw new SnapshotFormatException(c, "apicId", "not 8 bits: " + apicId);
            if ((tpr & ~TPR_MASK) != 0) throw new SnapshotFormatException(c, "tpr", "not a byte: " + tpr);
            if ((ldr & ~LDR_MASK) != 0) throw new SnapshotFormatException(c, "ldr");
            if ((dfr & DFR_RESERVED_ONES) != DFR_RESERVED_ONES) throw new SnapshotFormatException(c, "dfr");
            if ((svr & ~SVR_WRITABLE) != 0) throw new SnapshotFormatException(c, "svr");
            if ((icrLow & ~ICR_LOW_WRITABLE) != 0) throw new SnapshotFormatException(c, "icrLow");
            if ((icrHigh & ~ICR_HIGH_WRITABLE) != 0) throw new SnapshotFormatException(c, "icrHigh");
            if ((timerDivide & ~DIVIDE_WRITABLE) != 0) throw new SnapshotFormatException(c, "timerDivide");
            if (timerDeadline < NO_DEADLINE) throw new SnapshotFormatException(c, "timerDeadline");
            isr = words(c, "isr", isr, WORDS);
            tmr = words(c, "tmr", tmr, WORDS);
            irr = words(c, "irr", irr, WORDS);
            lvt = words(c, "lvt", lvt, LVT_COUNT);
        }

        private static List<Integer> words(String c, String field, List<Integer> list, int count) {
            if (list == null || list.size() != count || list.stream().anyMatch(Objects::isNull)) {
                throw new SnapshotFormatException(c, field, "needs " + count + " words");
            }
            return List.copyOf(list);
        }
    }

    private static List<Integer> list(int[] words) {
        List<Integer> l = new ArrayList<>(words.length);
        for (int w : words) l.add(w);
        return l;
    }

    private static void fill(int[] target, List<Integer> words) {
        for (int i = 0; i < target.length; i++) target[i] = words.get(i);
    }

    @Override public State saveState() {
        return new State(State.VERSION, globallyEnabled, apicId, tpr, ldr, dfr, svr, list(isr), list(tmr),
                list(irr), esr, esrPending, icrLow, icrHigh, list(lvt), timerInitialCount, timerDivide,
                timerLoadNanos, timerDeadline, lint1Level);
    }

    @Override public void restoreState(State s) {
        bus.assertLocked();
        globallyEnabled = s.globallyEnabled();
        apicId = s.apicId();
        tpr = s.tpr();
        ldr = s.ldr();
        dfr = s.dfr();
        svr = s.svr();
        fill(isr, s.isr());
        fill(tmr, s.tmr());
        fill(irr, s.irr());
        esr = s.esr();
        esrPending = s.esrPending();
        icrLow = s.icrLow();
        icrHigh = s.icrHigh();
        fill(lvt, s.lvt());
        timerInitialCount = s.timerInitialCount();
        timerDivide = s.timerDivide();
        timerLoadNanos = s.timerLoadNanos();
        timerDeadline = s.timerDeadline();
        lint1Level = s.lint1Level();
        if (timerDeadline == NO_DEADLINE) timer.cancel(); else timer.armAt(timerDeadline);
        updateOutputs();
    }
}
