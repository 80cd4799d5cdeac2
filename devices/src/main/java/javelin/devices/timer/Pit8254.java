package javelin.devices.timer;

import java.util.List;
import java.util.Objects;
import javelin.softmmu.IrqLine;
import javelin.softmmu.PortDevice;
import javelin.softmmu.Timer;
import javelin.softmmu.VirtualClock;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * Intel 8254 programmable interval timer; counters at base+0..2, control word at base+3 (PC 0x40).
 * The board wires OUT0 to IRQ 0, GATE2 and OUT2 to port 0x61, and OUT2 to the PC speaker through
 * the {@link Counter2Listener} it passes in; GATE0 and GATE1 are tied high on a PC.
 *
 * <p>Source: Intel 8254 datasheet (order 231164), "Control Word Format", "Counter Latch Command",
 * "Read-Back Command", "Status Byte", "Mode Definitions" (the timing diagrams of modes 0–5).
 *
 * <p>Counting is not simulated tick by tick: each counter remembers the CLK tick at which its
 * counting element (CE) was loaded, and its count and OUT pin are computed from the ticks that
 * have passed since, at {@value #CLOCK_HZ} Hz derived from the virtual clock. Only OUT0 needs
 * a {@link Timer}, armed for its next edge so IRQ 0 is raised on time.
 *
 * <p>Modelled: modes 0–5 (6 and 7 alias 2 and 3), binary and BCD, LSB/MSB/both access, counter
 * latch, read-back of count and status (OUT, null count, mode), gate behaviour per mode, a new
 * count taking effect at the end of the current period (mode 2) or half-cycle (mode 3), and the mode 0 rule that
 * writing the first byte of a two-byte count stops counting and drives OUT low.
 *
 * <p>Open questions and choices (cf. the datasheet's "Operation Common to All Modes"):
 * <ol>
 * <li>The CE is loaded on the CLK edge after the count is written (or after the trigger in
 *     modes 1 and 5); until then null count reads 1 and the count reads the new initial count.</li>
 * <li>Mode 3 with an odd count: OUT is high for (N+1)/2 and low for (N−1)/2 ticks; the count read
 *     back decrements by two from N rounded down to even in each half (the datasheet's "−3 on
 *     reload" detail is not modelled).</li>
 * <li>Mode 2 with count 1 (illegal per the datasheet) holds OUT low.</li>
 * <li>Saved times are relative to the virtual clock at save time, so a snapshot restores onto a
 *     clock that does not read the same absolute time.</li>
 * </ol>
 *
 * <p>Threading: port access, {@link #setGate} and the OUT0 timer run with the machine lock held.
 */
public final class Pit8254 implements PortDevice, Stateful<Pit8254.State> {
    private static final System.Logger LOG = System.getLogger(Pit8254.class.getName());

    /** The PC's PIT input clock: 14.31818 MHz / 12. */
    public static final long CLOCK_HZ = 1_193_182;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    // Port offsets.
    static final int REG_COUNTER0 = 0;
    static final int REG_COUNTER1 = 1;
    static final int REG_COUNTER2 = 2;
    static final int REG_CONTROL = 3;

    // Control word fields.
    static final int CW_BCD = 0x01;
    static final int CW_MODE_SHIFT = 1, CW_MODE_MASK = 0x07;
    static final int CW_RW_SHIFT = 4, CW_RW_MASK = 0x03;
    static final int CW_SC_SHIFT = 6, CW_SC_MASK = 0x03;
    static final int CW_SC_READBACK = 3;
    static final int CW_RW_LATCH = 0, CW_RW_LSB = 1, CW_RW_MSB = 2, CW_RW_BOTH = 3;
    // Read-back command (SC = 11): bits are active low.
    static final int RB_COUNT_N = 0x20;
    static final int RB_STATUS_N = 0x10;
    static final int RB_COUNTER_SHIFT = 1;   // bits 1..3 select counters 0..2
    // Status byte.
    static final int STATUS_OUT = 0x80;
    static final int STATUS_NULL_COUNT = 0x40;

    private static final int NONE = -1;

    // --- wiring ---
    private final int base;
    private final VirtualClock clock;
    private final IrqLine out0Line;
    private final Counter2Listener counter2Listener;
    private final Timer out0Timer;

    private final Counter[] counters = {new Counter(), new Counter(), new Counter()};
    private boolean out0Level;
    /** The CLK tick the OUT0 timer is armed for (Long.MAX_VALUE: not armed); bookkeeping, not state. */
    private long armedTick = Long.MAX_VALUE;
    private boolean loggedBadAccess;

    /** What the speaker needs of counter 2: its mode, period in CLK ticks and GATE level. */
    @FunctionalInterface
    public interface Counter2Listener {
        void counter2Changed(int mode, int periodTicks, boolean gate);

        Counter2Listener NONE = (mode, period, gate) -> { };
    }

    /**
     * @param base             the first port (0x40 on a PC)
     * @param out0Line         OUT0, wired to IRQ 0
     * @param counter2Listener told when counter 2's mode, count or gate changes (the speaker)
     */
    public Pit8254(VirtualClock clock, int base, IrqLine out0Line, Counter2Listener counter2Listener) {
        this.base = base;
        this.clock = Objects.requireNonNull(clock);
        this.out0Line = Objects.requireNonNull(out0Line);
        this.counter2Listener = Objects.requireNonNull(counter2Listener);
        this.out0Timer = clock.newTimer("pit.out0", this::out0Due);
        counters[0].gate = true;
        counters[1].gate = true;
    }

    // ---------------------------------------------------------------------------------------
    // Time

    /** The number of CLK rising edges at or before {@code nanos}. */
    static long ticksAt(long nanos) {
        return nanos / NANOS_PER_SECOND * CLOCK_HZ + nanos % NANOS_PER_SECOND * CLOCK_HZ / NANOS_PER_SECOND;
    }

    /** The first virtual time at which {@code tick} has happened. */
    static long nanosOfTick(long tick) {
        long whole = tick / CLOCK_HZ, part = tick % CLOCK_HZ;
        return whole * NANOS_PER_SECOND + (part * NANOS_PER_SECOND + CLOCK_HZ - 1) / CLOCK_HZ;
    }

    private long now() {
        return ticksAt(clock.nanos());
    }

    // ---------------------------------------------------------------------------------------
    // Pins

    /** Drives GATE {@code n} (the board ties 0 and 1 high; port 0x61 bit 0 drives GATE2). */
    public void setGate(int n, boolean high) {
        Counter c = counters[n];
        long t = now();
        c.sync(t);
        if (high == c.gate) return;
        c.gate = high;
        switch (c.mode) {
            case 0, 4 -> {
                if (high) c.unfreeze(t); else c.freeze(t);
            }
            case 1, 5 -> {
                if (high && c.countWritten) c.loadCe(t, c.periodOf(c.reload));
            }
            default -> {                        // 2, 3: low stops and forces OUT high; high reloads
                if (high && c.countWritten) {
                    c.loadCe(t, c.pendingPeriod != NONE ? c.pendingPeriod : c.period);
                } else if (!high) {
                    c.freeze(t);
                }
            }
        }
        if (n == 2) notifyCounter2();
        updateOutputs();
    }

    /** The OUT pin of counter {@code n} now. */
    public boolean out(int n) {
        Counter c = counters[n];
        long t = now();
        c.sync(t);
        return c.out(t);
    }

    // ---------------------------------------------------------------------------------------
    // Guest access

    @Override public int ioRead(int port, int size) {
        int offset = port - base;
        return switch (offset) {
            case REG_COUNTER0, REG_COUNTER1, REG_COUNTER2 -> readCounter(counters[offset]);
            default -> badAccess("read", port);      // the control register is write-only
        };
    }

    @Override public void ioWrite(int port, int size, int value) {
        value &= 0xFF;
        int offset = port - base;
        switch (offset) {
            case REG_COUNTER0, REG_COUNTER1, REG_COUNTER2 -> writeCounter(offset, value);
            case REG_CONTROL -> writeControl(value);
            default -> badAccess("write", port);
        }
        updateOutputs();
    }

    private void writeControl(int value) {
        int select = (value >> CW_SC_SHIFT) & CW_SC_MASK;
        long t = now();
        if (select == CW_SC_READBACK) {
            for (int n = 0; n < 3; n++) {
                if ((value & (1 << (RB_COUNTER_SHIFT + n))) == 0) continue;
                Counter c = counters[n];
                c.sync(t);
                if ((value & RB_COUNT_N) == 0) c.latchCount(t);
                if ((value & RB_STATUS_N) == 0) c.latchStatus(t);
            }
            return;
        }
        Counter c = counters[select];
        c.sync(t);
        int rw = (value >> CW_RW_SHIFT) & CW_RW_MASK;
        if (rw == CW_RW_LATCH) {
            c.latchCount(t);
            return;
        }
        int mode = (value >> CW_MODE_SHIFT) & CW_MODE_MASK;
        c.program(mode > 5 ? mode - 4 : mode, rw, (value & CW_BCD) != 0);
        if (select == 2) notifyCounter2();
    }

    private void writeCounter(int n, int value) {
        Counter c = counters[n];
        long t = now();
        c.sync(t);
        switch (c.rwMode) {
            case CW_RW_LSB -> c.writeCount(t, value);
            case CW_RW_MSB -> c.writeCount(t, value << 8);
            default -> {
                if (!c.writeHigh) {
                    c.writeLow = value;
                    c.writeHigh = true;
                    if (c.mode == 0) c.freeze(t);   // datasheet, mode 0: first byte stops counting
                } else {
                    c.writeHigh = false;
                    c.writeCount(t, c.writeLow | value << 8);
                }
            }
        }
        if (n == 2) notifyCounter2();
    }

    private int readCounter(Counter c) {
        long t = now();
        c.sync(t);
        if (c.statusLatch != NONE) {
            int s = c.statusLatch;
            c.statusLatch = NONE;
            return s;
        }
        int count = c.countLatch != NONE ? c.countLatch : c.count(t);
        int result;
        switch (c.rwMode) {
            case CW_RW_LSB -> { result = count & 0xFF; c.countLatch = NONE; }
            case CW_RW_MSB -> { result = count >> 8; c.countLatch = NONE; }
            default -> {
                if (!c.readHigh) {
                    result = count & 0xFF;
                    c.readHigh = true;
                } else {
                    result = count >> 8;
                    c.readHigh = false;
                    c.countLatch = NONE;
                }
            }
        }
        return result;
    }

    private void notifyCounter2() {
        Counter c = counters[2];
        counter2Listener.counter2Changed(c.mode, c.countWritten ? c.periodOf(c.reload) : 0, c.gate);
    }

    /**
     * The OUT0 timer. It runs when the machine gets to it, which on a running machine is after
     * the edge it was armed for (timers are served between instruction slices). A mode 2 pulse
     * is one CLK tick (838 ns) low, so evaluating OUT0 only "now" would miss it and IRQ 0 would
     * never see an edge: first replay the edges from the armed one up to now. Beyond a few
     * edges the pulses coalesce, as interrupts do when a real CPU does not acknowledge them.
     */
    private void out0Due() {
        Counter c = counters[0];
        long now = now();
        long edge = armedTick;
        for (int i = 0; i < 4 && edge <= now; i++) {
            c.sync(edge);
            setOut0(c.out(edge));
            edge = c.nextOutChange(edge);
        }
        updateOutputs();
    }

    private void setOut0(boolean level) {
        if (level != out0Level) {
            out0Level = level;
            out0Line.setLevel(level);
        }
    }

    /** Recomputes OUT0 (IRQ 0) and arms the timer for its next edge. */
    void updateOutputs() {
        Counter c = counters[0];
        long t = now();
        c.sync(t);
        setOut0(c.out(t));
        long next = c.nextOutChange(t);
        armedTick = next;
        if (next == Long.MAX_VALUE) out0Timer.cancel(); else out0Timer.armAt(nanosOfTick(next));
    }

    private int badAccess(String what, int port) {
        if (!loggedBadAccess) {
            loggedBadAccess = true;
            LOG.log(System.Logger.Level.WARNING, "pit: guest {0} of port {1} ignored (logged once)",
                    what, String.format("%#x", port));
        }
        return 0xFF;
    }

    // ---------------------------------------------------------------------------------------
    // One counter

    /** Counter state. Ticks are absolute CLK ticks of the virtual clock. */
    private static final class Counter {
        // Programming (control word).
        int mode;
        int rwMode = CW_RW_LSB;
        boolean bcd;
        // Count register as written (0 = maximum) and whether one was written since the control word.
        int reload;
        boolean countWritten;
        // Counting element: period N in ticks and the tick at which it was loaded with N.
        int period;
        long loadTick = Long.MAX_VALUE;    // MAX: the CE is not loaded (waiting for a count or trigger)
        boolean frozen;                    // counting stopped (gate low, or mode 0 first byte)
        long frozenElapsed;                // ticks counted when frozen
        // A count written in mode 2/3 while counting, loaded at the end of the current period.
        int pendingPeriod = NONE;
        long pendingTick;
        // Pins.
        boolean gate;
        // Access state.
        boolean writeHigh;                 // RW both: LSB written, MSB next
        int writeLow;
        boolean readHigh;                  // RW both: LSB read, MSB next
        int countLatch = NONE;
        int statusLatch = NONE;

        int periodOf(int value) {
            if (!bcd) return value == 0 ? 0x10000 : value;
            int decimal = (value >> 12 & 0xF) * 1000 + (value >> 8 & 0xF) * 100 + (value >> 4 & 0xF) * 10
                    + (value & 0xF);
            return decimal == 0 ? 10000 : decimal;
        }

        void program(int newMode, int rw, boolean newBcd) {
            mode = newMode;
            rwMode = rw;
            bcd = newBcd;
            countWritten = false;
            loadTick = Long.MAX_VALUE;
            frozen = false;
            pendingPeriod = NONE;
            writeHigh = false;
            readHigh = false;
            countLatch = NONE;
            statusLatch = NONE;
        }

        void writeCount(long t, int value) {
            reload = value & 0xFFFF;
            boolean running = countWritten && loadTick != Long.MAX_VALUE;
            countWritten = true;
            int n = periodOf(reload);
            switch (mode) {
                case 0, 4 -> loadCe(t, n);
                case 1, 5 -> { }                                  // waits for a GATE rising edge
                default -> {
                    if (!running) {
                        loadCe(t, n);
                    } else {
                        // Mode 2 reloads at the end of the period, mode 3 at the end of the half-cycle.
                        long d = Math.max(elapsed(t), 0);
                        long p = d % period;
                        long start = loadTick + d - p;
                        long high = (period + 1) / 2;
                        pendingPeriod = n;
                        pendingTick = mode == 3 && p < high ? start + high : start + period;
                    }
                }
            }
        }

        /** The CE takes {@code n} on the CLK after {@code t}; gate low keeps modes 0/2/3/4 frozen. */
        void loadCe(long t, int n) {
            period = n;
            loadTick = t + 1;
            pendingPeriod = NONE;
            frozen = false;
            if (!gate && mode != 1 && mode != 5) {
                frozen = true;
                frozenElapsed = -1;
            }
        }

        void freeze(long t) {
            if (frozen || loadTick == Long.MAX_VALUE) return;
            frozenElapsed = t - loadTick;
            frozen = true;
        }

        void unfreeze(long t) {
            if (!frozen) return;
            loadTick = t - frozenElapsed;
            frozen = false;
        }

        long elapsed(long t) {
            return frozen ? frozenElapsed : t - loadTick;
        }

        /** Applies a pending mode 2/3 reload once its period boundary has passed. */
        void sync(long t) {
            if (pendingPeriod != NONE && !frozen && t >= pendingTick) {
                // Mode 3 may reload at the high-to-low boundary: the new wave then starts low.
                boolean startsLow = mode == 3 && Math.floorMod(pendingTick - loadTick, (long) period) == (period + 1) / 2;
                period = pendingPeriod;
                loadTick = startsLow ? pendingTick - (period + 1) / 2 : pendingTick;
                pendingPeriod = NONE;
            }
        }

        boolean loaded() {
            return countWritten && loadTick != Long.MAX_VALUE;
        }

        boolean out(long t) {
            boolean stoppedByFirstByte = mode == 0 && writeHigh;
            if (stoppedByFirstByte) return false;
            if (!loaded()) return mode != 0;
            long d = elapsed(t);
            if (d < 0) return mode != 0;
            return switch (mode) {
                case 0 -> d >= period;
                case 1 -> d >= period;
                case 2 -> !gate || d % period != period - 1;
                case 3 -> !gate || d % period < (period + 1) / 2;
                default -> d != period;                   // 4, 5
            };
        }

        /** The first tick after {@code t} at which OUT changes, or Long.MAX_VALUE. */
        long nextOutChange(long t) {
            if (!loaded() || frozen || (mode == 0 && writeHigh)) return Long.MAX_VALUE;
            long d = t - loadTick;
            long next = switch (mode) {
                case 0 -> d < period ? loadTick + period : Long.MAX_VALUE;
                case 1 -> d < 0 ? loadTick : d < period ? loadTick + period : Long.MAX_VALUE;
                case 2 -> {
                    if (period == 1) yield Long.MAX_VALUE;
                    long p = Math.floorMod(d, (long) period);
                    long start = loadTick + d - p;
                    yield d < 0 ? loadTick + period - 1 : p < period - 1 ? start + period - 1 : start + period;
                }
                case 3 -> {
                    long high = (period + 1) / 2;
                    if (high == period) yield Long.MAX_VALUE;
                    if (d < 0) yield loadTick + high;
                    long p = d % period;
                    long start = loadTick + d - p;
                    yield p < high ? start + high : start + period;
                }
                default -> d < period ? loadTick + period : d == period ? loadTick + period + 1 : Long.MAX_VALUE;
            };
            if (pendingPeriod != NONE) next = Math.min(next, pendingTick);
            return next;
        }

        /** The count as the guest reads it (binary, or BCD digits in BCD mode). */
        int count(long t) {
            int modulus = bcd ? 10000 : 0x10000;
            int value;
            long d = loaded() ? elapsed(t) : -1;
            if (d < 0) {
                value = periodOf(reload) % modulus;
            } else {
                value = switch (mode) {
                    case 2 -> (int) (period - d % period);
                    case 3 -> {
                        long high = (period + 1) / 2;
                        long p = d % period;
                        long inHalf = p < high ? p : p - high;
                        yield (int) Math.max(2, (period & ~1) - 2 * inHalf);
                    }
                    default -> (int) Math.floorMod(period - d, (long) modulus);
                };
                value %= modulus;
            }
            return bcd ? toBcd(value) : value;
        }

        private static int toBcd(int v) {
            return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
        }

        void latchCount(long t) {
            if (countLatch == NONE) {
                countLatch = count(t);
                readHigh = false;
            }
        }

        void latchStatus(long t) {
            if (statusLatch != NONE) return;
            int s = (out(t) ? STATUS_OUT : 0) | (nullCount(t) ? STATUS_NULL_COUNT : 0)
                    | rwMode << CW_RW_SHIFT | mode << CW_MODE_SHIFT | (bcd ? CW_BCD : 0);
            statusLatch = s;
        }

        /** Null count: the last count written has not reached the CE yet. */
        boolean nullCount(long t) {
            return !countWritten || writeHigh || pendingPeriod != NONE || loadTick == Long.MAX_VALUE
                    || (!frozen && t < loadTick) || (frozen && frozenElapsed < 0);
        }
    }

    // ---------------------------------------------------------------------------------------
    // State

    /**
     * One counter. Tick fields are relative to the virtual clock's tick at save time
     * ({@code loadTick} may be in the past, negative); {@code NOT_LOADED} marks an unloaded CE.
     * {@code countLatch}/{@code statusLatch} are −1 when empty.
     */
    public record CounterState(int mode, int rwMode, boolean bcd, int reload, boolean countWritten, int period,
                               long loadTick, boolean frozen, long frozenElapsed, int pendingPeriod,
                               long pendingTick, boolean gate, boolean writeHigh, int writeLow,
                               boolean readHigh, int countLatch, int statusLatch) {
        public static final long NOT_LOADED = Long.MAX_VALUE;

        public CounterState {
            String c = "pit";
            if (mode < 0 || mode > 5) throw new SnapshotFormatException(c, "mode");
            if (rwMode < CW_RW_LSB || rwMode > CW_RW_BOTH) throw new SnapshotFormatException(c, "rwMode");
            if ((reload & ~0xFFFF) != 0) throw new SnapshotFormatException(c, "reload");
            if (period < 0 || period > 0x10000) throw new SnapshotFormatException(c, "period");
            if (pendingPeriod < NONE || pendingPeriod > 0x10000) throw new SnapshotFormatException(c, "pendingPeriod");
            if ((writeLow & ~0xFF) != 0) throw new SnapshotFormatException(c, "writeLow");
            if (countLatch < NONE || countLatch > 0xFFFF) throw new SnapshotFormatException(c, "countLatch");
            if (statusLatch < NONE || statusLatch > 0xFF) throw new SnapshotFormatException(c, "statusLatch");
            if (loadTick != NOT_LOADED && period == 0) throw new SnapshotFormatException(c, "period", "zero while loaded");
        }
    }

    public record State(int version, List<CounterState> counters) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("pit", "version", "unsupported " + version);
            counters = List.copyOf(counters);
            if (counters.size() != 3) throw new SnapshotFormatException("pit", "counters", "need 3");
        }
    }

    @Override public State saveState() {
        long t = now();
        CounterState[] s = new CounterState[3];
        for (int n = 0; n < 3; n++) {
            Counter c = counters[n];
            c.sync(t);
            s[n] = new CounterState(c.mode, c.rwMode, c.bcd, c.reload, c.countWritten, c.period,
                    c.loadTick == Long.MAX_VALUE ? CounterState.NOT_LOADED : c.loadTick - t, c.frozen,
                    c.frozenElapsed, c.pendingPeriod, c.pendingPeriod == NONE ? 0 : c.pendingTick - t, c.gate,
                    c.writeHigh, c.writeLow, c.readHigh, c.countLatch, c.statusLatch);
        }
        return new State(State.VERSION, List.of(s));
    }

    @Override public void restoreState(State state) {
        long t = now();
        for (int n = 0; n < 3; n++) {
            CounterState s = state.counters().get(n);
            Counter c = counters[n];
            c.mode = s.mode();
            c.rwMode = s.rwMode();
            c.bcd = s.bcd();
            c.reload = s.reload();
            c.countWritten = s.countWritten();
            c.period = s.period();
            c.loadTick = s.loadTick() == CounterState.NOT_LOADED ? Long.MAX_VALUE : t + s.loadTick();
            c.frozen = s.frozen();
            c.frozenElapsed = s.frozenElapsed();
            c.pendingPeriod = s.pendingPeriod();
            c.pendingTick = c.pendingPeriod == NONE ? 0 : t + s.pendingTick();
            c.gate = s.gate();
            c.writeHigh = s.writeHigh();
            c.writeLow = s.writeLow();
            c.readHigh = s.readHigh();
            c.countLatch = s.countLatch();
            c.statusLatch = s.statusLatch();
        }
        out0Level = counters[0].out(t);
        out0Line.setLevel(out0Level);
        notifyCounter2();
        updateOutputs();
    }
}
