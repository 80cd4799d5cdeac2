package javelin.devices.serial;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import javelin.softmmu.IrqLine;
import javelin.softmmu.PortDevice;
import javelin.softmmu.Timer;
import javelin.softmmu.VirtualClock;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * National Semiconductor PC16550D UART with 16-byte FIFOs; registers at base+0..7 (COM1 0x3F8,
 * IRQ 4; COM2 0x2F8, IRQ 3).
 *
 * <p>Source: PC16550D datasheet (National Semiconductor, June 1995), "Registers" (the register
 * summary table; LCR, LSR, FCR, IIR with the interrupt control functions table, IER, MCR with
 * loopback, MSR) and "FIFO Interrupt Mode Operation" (trigger levels and the character timeout
 * of four character times).
 *
 * <p>Modelled: divisor latch, IER, IIR priorities (line status, received data / character
 * timeout, THRE, modem status), FCR with trigger levels 1/4/8/14 and FIFO resets, LCR, MCR with
 * loopback (transmitted bytes return to the receiver, MSR mirrors DTR/RTS/OUT1/OUT2 with delta
 * bits and trailing-edge RI), LSR (DR, OE, THRE, TEMT), MSR, SCR, receiver overrun.
 *
 * <p>Open questions and choices:
 * <ol>
 * <li>Transmission is instantaneous: a byte written to THR goes to the back end (or, in
 *     loopback, to the receiver) at once, so THRE and TEMT are always 1 after the write and the
 *     THRE interrupt is re-armed by each write. Character timing is used only on the receive side
 *     (host input is delivered one character time apart, and the FIFO timeout).</li>
 * <li>On a PC adapter the IRQ driver is enabled by MCR OUT2; in loopback the OUT pins are forced
 *     inactive, so the IRQ line is asserted only when OUT2 is set and loopback is off.</li>
 * <li>No parity, framing or break errors are ever produced (the back end carries bytes).</li>
 * <li>Host input waiting to enter the FIFO is not part of a snapshot (it is host state).</li>
 * </ol>
 *
 * <p>Threading: port access and timers run with the machine lock held. {@link #hostInput} is
 * called by back-end threads: it only enqueues and arms a timer (both thread-safe); the timer's
 * callback drains the queue under the machine lock.
 *
 * <p>Invariants (Uart16550HostInputStressTest):
 * <ul>
 * <li>[UART-1] Host input never blocks on the machine: {@link #hostInput} takes no lock the
 *     machine holds (a lock-free queue and the timer list's own monitor).</li>
 * <li>[UART-2] Host bytes enter the receiver in order and none is lost on the way (the guest
 *     may still discard the FIFO with FCR): only the rx timer's callback (machine lock held)
 *     moves them into the FIFO, and only while it has room; the timer is re-armed by the
 *     callback if bytes remain, by {@code hostInput} if it is idle, and by an RBR read or an
 *     FCR/MCR write if the receiver had no room.</li>
 * </ul>
 */
public final class Uart16550 implements PortDevice, Stateful<Uart16550.State> {
    private static final System.Logger LOG = System.getLogger(Uart16550.class.getName());

    // Register offsets (register summary table); DLL/DLM replace RBR/THR/IER while LCR.DLAB = 1.
    static final int REG_RBR_THR_DLL = 0;
    static final int REG_IER_DLM = 1;
    static final int REG_IIR_FCR = 2;
    static final int REG_LCR = 3;
    static final int REG_MCR = 4;
    static final int REG_LSR = 5;
    static final int REG_MSR = 6;
    static final int REG_SCR = 7;

    static final int IER_ERBFI = 0x01;      // received data available
    static final int IER_ETBEI = 0x02;      // THR empty
    static final int IER_ELSI = 0x04;       // receiver line status
    static final int IER_EDSSI = 0x08;      // modem status
    static final int IER_MASK = 0x0F;

    static final int IIR_NO_INTERRUPT = 0x01;
    static final int IIR_ID_LINE_STATUS = 0x06;
    static final int IIR_ID_RECEIVED_DATA = 0x04;
    static final int IIR_ID_CHAR_TIMEOUT = 0x0C;
    static final int IIR_ID_THR_EMPTY = 0x02;
    static final int IIR_ID_MODEM_STATUS = 0x00;
    static final int IIR_FIFOS_ENABLED = 0xC0;

    static final int FCR_FIFO_ENABLE = 0x01;
    static final int FCR_RX_RESET = 0x02;
    static final int FCR_TX_RESET = 0x04;
    static final int FCR_DMA_MODE = 0x08;
    static final int FCR_TRIGGER_SHIFT = 6;

    static final int LCR_WORD_LENGTH_MASK = 0x03;
    static final int LCR_STOP_BITS = 0x04;
    static final int LCR_PARITY_ENABLE = 0x08;
    static final int LCR_DLAB = 0x80;

    static final int MCR_DTR = 0x01;
    static final int MCR_RTS = 0x02;
    static final int MCR_OUT1 = 0x04;
    static final int MCR_OUT2 = 0x08;
    static final int MCR_LOOP = 0x10;
    static final int MCR_MASK = 0x1F;

    static final int LSR_DR = 0x01;
    static final int LSR_OE = 0x02;
    static final int LSR_PE = 0x04;
    static final int LSR_FE = 0x08;
    static final int LSR_BI = 0x10;
    static final int LSR_THRE = 0x20;
    static final int LSR_TEMT = 0x40;
    static final int LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI;

    static final int MSR_DCTS = 0x01;
    static final int MSR_DDSR = 0x02;
    static final int MSR_TERI = 0x04;
    static final int MSR_DDCD = 0x08;
    static final int MSR_DELTAS = 0x0F;
    static final int MSR_CTS = 0x10;
    static final int MSR_DSR = 0x20;
    static final int MSR_RI = 0x40;
    static final int MSR_DCD = 0x80;
    /** A connected back end asserts CTS, DSR and DCD (as QEMU's character back ends do). */
    static final int MSR_CONNECTED = MSR_CTS | MSR_DSR | MSR_DCD;

    static final int FIFO_SIZE = 16;
    private static final int[] TRIGGER_LEVELS = {1, 4, 8, 14};
    /** The PC's UART clock: 1.8432 MHz / 16. */
    static final long BAUD_BASE = 115_200;
    private static final int TIMEOUT_CHARACTERS = 4;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    // --- wiring ---
    private final String id;
    private final int base;
    private final VirtualClock clock;
    private final IrqLine irq;
    private final SerialBackend backend;
    private final Timer rxTimer;             // delivers queued host input
    private final Timer timeoutTimer;        // FIFO character timeout
    private final ConcurrentLinkedQueue<Byte> hostQueue = new ConcurrentLinkedQueue<>();

    // --- architected registers ---
    private int divisor = 12;                // DLM:DLL; 12 = 9600 baud
    private int ier;
    private int fcr;                         // FIFO enable, DMA mode and trigger bits as written
    private int lcr;
    private int mcr;
    private int lsr = LSR_THRE | LSR_TEMT;
    private int msr = MSR_CONNECTED;
    private int scr;
    private int rbr;                         // last byte read (RBR keeps it when the FIFO is empty)
    private final ArrayDeque<Integer> rxFifo = new ArrayDeque<>();

    // --- interrupt bookkeeping ---
    private boolean thrEmptyPending;         // THRE interrupt condition, cleared by IIR read or THR write
    private boolean timeoutPending;          // character timeout indication
    private long lastRxActivity;             // virtual time of the last FIFO receive or read

    private boolean irqLevel;
    private boolean loggedBadAccess;

    public Uart16550(String id, int base, VirtualClock clock, IrqLine irq, SerialBackend backend) {
        this.id = id;
        this.base = base;
        this.clock = Objects.requireNonNull(clock);
        this.irq = Objects.requireNonNull(irq);
        this.backend = Objects.requireNonNull(backend);
        this.rxTimer = clock.newTimer(id + ".rx", this::deliverHostInput);
        this.timeoutTimer = clock.newTimer(id + ".timeout", this::characterTimeout);
        backend.attach(this::hostInput);
    }

    // ---------------------------------------------------------------------------------------
    // Host input (any thread)

    /** Queues bytes from the host; thread-safe and non-blocking. */
    void hostInput(byte[] bytes, int offset, int length) {
        for (int i = 0; i < length; i++) hostQueue.add(bytes[offset + i]);
        if (!rxTimer.isArmed()) rxTimer.armAt(clock.nanos());
    }

    /** Timer callback (machine lock held): moves one queued host byte into the receiver. */
    private void deliverHostInput() {
        // With no room (or in loopback) wait: RBR reads and FCR/MCR writes re-arm the timer.
        if (hostQueue.isEmpty() || rxFull() || (mcr & MCR_LOOP) != 0) return;
        receive(hostQueue.poll() & 0xFF);
        updateOutputs();
        if (!hostQueue.isEmpty()) rxTimer.armAt(clock.nanos() + characterNanos());
    }

    private void characterTimeout() {
        if (fifoEnabled() && !rxFifo.isEmpty()) timeoutPending = true;
        updateOutputs();
    }

    // ---------------------------------------------------------------------------------------
    // Guest access

    @Override public int ioRead(int port, int size) {
        int offset = port - base;
        boolean dlab = (lcr & LCR_DLAB) != 0;
        int value = switch (offset) {
            case REG_RBR_THR_DLL -> dlab ? divisor & 0xFF : readRbr();
            case REG_IER_DLM -> dlab ? divisor >> 8 : ier;
            case REG_IIR_FCR -> readIir();
            case REG_LCR -> lcr;
            case REG_MCR -> mcr;
            case REG_LSR -> readLsr();
            case REG_MSR -> readMsr();
            case REG_SCR -> scr;
            default -> badAccess("read", port);
        };
        updateOutputs();
        return value;
    }

    @Override public void ioWrite(int port, int size, int value) {
        value &= 0xFF;
        int offset = port - base;
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (offset) {
            case REG_RBR_THR_DLL -> {
                if (dlab) divisor = divisor & 0xFF00 | value; else writeThr(value);
            }
            case REG_IER_DLM -> {
                if (dlab) {
                    divisor = divisor & 0xFF | value << 8;
                } else {
                    // Enabling ETBEI while THR is empty raises THRE at once (datasheet, IER).
                    if ((value & IER_ETBEI) != 0 && (ier & IER_ETBEI) == 0) thrEmptyPending = true;
                    ier = value & IER_MASK;
                }
            }
            case REG_IIR_FCR -> writeFcr(value);
            case REG_LCR -> lcr = value;
            case REG_MCR -> writeMcr(value & MCR_MASK);
            case REG_LSR, REG_MSR -> { }       // factory test registers: writes ignored
            case REG_SCR -> scr = value;
            default -> badAccess("write", port);
        }
        updateOutputs();
    }

    private int readRbr() {
        if (!rxFifo.isEmpty()) rbr = rxFifo.poll();
        timeoutPending = false;
        lastRxActivity = clock.nanos();
        wakeHostInput(characterNanos());
        return rbr;
    }

    private void writeThr(int value) {
        if ((mcr & MCR_LOOP) != 0) {
            receive(value);
        } else {
            backend.transmit(value);
        }
        thrEmptyPending = true;     // the byte left at once, THR is empty again
    }

    private int readIir() {
        int id = interruptId();
        // Reading IIR clears a THRE interrupt it reports (interrupt control functions table).
        if (id == IIR_ID_THR_EMPTY) thrEmptyPending = false;
        return id | (fifoEnabled() ? IIR_FIFOS_ENABLED : 0);
    }

    private int readLsr() {
        int value = lsr | (rxFifo.isEmpty() ? 0 : LSR_DR);
        lsr &= ~LSR_ERRORS;
        return value;
    }

    private int readMsr() {
        int value = msr;
        msr &= ~MSR_DELTAS;
        return value;
    }

    private void writeFcr(int value) {
        boolean wasEnabled = fifoEnabled();
        boolean enable = (value & FCR_FIFO_ENABLE) != 0;
        if (enable != wasEnabled) rxFifo.clear();                 // changing FIFO mode resets both FIFOs
        if (enable) {
            if ((value & FCR_RX_RESET) != 0) {
                rxFifo.clear();
                timeoutPending = false;
            }
            fcr = value & (FCR_FIFO_ENABLE | FCR_DMA_MODE | 3 << FCR_TRIGGER_SHIFT);
        } else {
            fcr = 0;
        }
        wakeHostInput(0);                                         // the receiver may have room now
    }

    private void writeMcr(int value) {
        mcr = value;
        int lines = (mcr & MCR_LOOP) != 0 ? loopbackModemLines() : MSR_CONNECTED;
        int changed = (msr ^ lines) & ~MSR_DELTAS;
        int deltas = 0;
        if ((changed & MSR_CTS) != 0) deltas |= MSR_DCTS;
        if ((changed & MSR_DSR) != 0) deltas |= MSR_DDSR;
        if ((changed & MSR_DCD) != 0) deltas |= MSR_DDCD;
        if ((changed & MSR_RI) != 0 && (lines & MSR_RI) == 0) deltas |= MSR_TERI;   // trailing edge only
        msr = lines | (msr & MSR_DELTAS) | deltas;
        wakeHostInput(0);                                         // loopback may have ended
    }

    /** Arms the rx timer {@code delayNanos} from now if host bytes wait and it is idle. */
    private void wakeHostInput(long delayNanos) {
        if (!hostQueue.isEmpty() && !rxTimer.isArmed()) rxTimer.armAt(clock.nanos() + delayNanos);
    }

    /** Loopback wiring (datasheet, MCR bit 4): RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD. */
    private int loopbackModemLines() {
        return ((mcr & MCR_RTS) != 0 ? MSR_CTS : 0) | ((mcr & MCR_DTR) != 0 ? MSR_DSR : 0)
                | ((mcr & MCR_OUT1) != 0 ? MSR_RI : 0) | ((mcr & MCR_OUT2) != 0 ? MSR_DCD : 0);
    }

    // ---------------------------------------------------------------------------------------
    // Receiver

    private boolean fifoEnabled() {
        return (fcr & FCR_FIFO_ENABLE) != 0;
    }

    private boolean rxFull() {
        return rxFifo.size() >= (fifoEnabled() ? FIFO_SIZE : 1);
    }

    /** A character arrives at the receiver; if there is no room it is lost and OE set. */
    private void receive(int value) {
        if (rxFull()) {
            lsr |= LSR_OE;
            if (!fifoEnabled()) {                // the holding register is overwritten
                rxFifo.clear();
                rxFifo.add(value);
            }
        } else {
            rxFifo.add(value);
        }
        timeoutPending = false;
        lastRxActivity = clock.nanos();
    }

    /** One character time in ns: start bit, data bits, parity, stop bits at the divisor's rate. */
    long characterNanos() {
        int dataBits = 5 + (lcr & LCR_WORD_LENGTH_MASK);
        int halfBits = 2 * (1 + dataBits + ((lcr & LCR_PARITY_ENABLE) != 0 ? 1 : 0));
        if ((lcr & LCR_STOP_BITS) != 0) halfBits += dataBits == 5 ? 3 : 4; else halfBits += 2;
        long div = divisor == 0 ? 0x10000 : divisor;
        return halfBits * div * NANOS_PER_SECOND / (2 * BAUD_BASE);
    }

    // ---------------------------------------------------------------------------------------
    // Interrupts

    /** The highest-priority pending, enabled interrupt as an IIR value (interrupt control functions table). */
    private int interruptId() {
        if ((ier & IER_ELSI) != 0 && (lsr & LSR_ERRORS) != 0) return IIR_ID_LINE_STATUS;
        if ((ier & IER_ERBFI) != 0) {
            int level = fifoEnabled() ? TRIGGER_LEVELS[fcr >> FCR_TRIGGER_SHIFT & 3] : 1;
            if (rxFifo.size() >= level) return IIR_ID_RECEIVED_DATA;
            if (timeoutPending) return IIR_ID_CHAR_TIMEOUT;
        }
        if ((ier & IER_ETBEI) != 0 && thrEmptyPending) return IIR_ID_THR_EMPTY;
        if ((ier & IER_EDSSI) != 0 && (msr & MSR_DELTAS) != 0) return IIR_ID_MODEM_STATUS;
        return IIR_NO_INTERRUPT;
    }

    /** Recomputes the IRQ line and the character timeout timer. */
    void updateOutputs() {
        boolean level = interruptId() != IIR_NO_INTERRUPT && (mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;
        if (level != irqLevel) {
            irqLevel = level;
            irq.setLevel(level);
        }
        if (fifoEnabled() && !rxFifo.isEmpty() && !timeoutPending) {
            timeoutTimer.armAt(lastRxActivity + TIMEOUT_CHARACTERS * characterNanos());
        } else {
            timeoutTimer.cancel();
        }
    }

    private int badAccess(String what, int port) {
        if (!loggedBadAccess) {
            loggedBadAccess = true;
            LOG.log(System.Logger.Level.WARNING, "{0}: guest {1} of port {2} ignored (logged once)",
                    id, what, String.format("%#x", port));
        }
        return 0xFF;
    }

    // ---------------------------------------------------------------------------------------
    // State

    /**
     * Registers as the guest sees them, the receive FIFO (oldest first) and the interrupt
     * bookkeeping; {@code lastRxActivity} is relative to the virtual clock at save time.
     */
    public record State(int version, int divisor, int ier, int fcr, int lcr, int mcr, int lsr, int msr, int scr,
                        int rbr, List<Integer> rxFifo, boolean thrEmptyPending, boolean timeoutPending,
                        long lastRxActivity) {
        public static final int VERSION = 1;

        public State {
            String c = "uart16550";
            if (version != VERSION) throw new SnapshotFormatException(c, "version", "unsupported " + version);
            if ((divisor & ~0xFFFF) != 0) throw new SnapshotFormatException(c, "divisor");
            if ((ier & ~IER_MASK) != 0) throw new SnapshotFormatException(c, "ier");
            if ((mcr & ~MCR_MASK) != 0) throw new SnapshotFormatException(c, "mcr");
            for (int v : new int[] {fcr, lcr, lsr, msr, scr, rbr}) {
                if ((v & ~0xFF) != 0) throw new SnapshotFormatException(c, "register", "not a byte: " + v);
            }
            rxFifo = List.copyOf(rxFifo);
            if (rxFifo.size() > FIFO_SIZE) throw new SnapshotFormatException(c, "rxFifo", "more than 16 bytes");
            for (int b : rxFifo) if ((b & ~0xFF) != 0) throw new SnapshotFormatException(c, "rxFifo");
            if ((fcr & FCR_FIFO_ENABLE) == 0 && rxFifo.size() > 1) {
                throw new SnapshotFormatException(c, "rxFifo", "FIFO disabled but holds " + rxFifo.size());
            }
        }
    }

    @Override public State saveState() {
        return new State(State.VERSION, divisor, ier, fcr, lcr, mcr, lsr, msr, scr, rbr, new ArrayList<>(rxFifo),
                thrEmptyPending, timeoutPending, lastRxActivity - clock.nanos());
    }

    @Override public void restoreState(State s) {
        divisor = s.divisor();
        ier = s.ier();
        fcr = s.fcr();
        lcr = s.lcr();
        mcr = s.mcr();
        lsr = s.lsr();
        msr = s.msr();
        scr = s.scr();
        rbr = s.rbr();
        rxFifo.clear();
        rxFifo.addAll(s.rxFifo());
        thrEmptyPending = s.thrEmptyPending();
        timeoutPending = s.timeoutPending();
        lastRxActivity = clock.nanos() + s.lastRxActivity();
        irqLevel = interruptId() != IIR_NO_INTERRUPT && (mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;
        irq.setLevel(irqLevel);
        updateOutputs();
        wakeHostInput(0);
    }
}
