package javelin.devices.misc;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import javelin.softmmu.IrqLine;
import javelin.softmmu.PortDevice;
import javelin.softmmu.VirtualClock;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * The PC/AT "system control port B" at base+0 (PC 0x61), as the PIIX3 implements it in its NMI
 * status and control register (Intel 82371SB datasheet, "NMISC" register; IBM PC/AT
 * Technical Reference, "Port 61h").
 *
 * <p>Bits: 0 timer 2 gate (R/W, drives PIT GATE2), 1 speaker data enable (R/W, ANDed with OUT2
 * at the speaker), 2 SERR# NMI disable and 3 IOCHK# NMI disable (R/W, stored only: nothing here
 * raises NMIs), 4 refresh toggle (RO), 5 PIT OUT2 (RO), 6 IOCHK# and 7 SERR# status (RO, always 0).
 *
 * <p>Open question: the refresh toggle. On the AT it follows PIT counter 1 (programmed by the BIOS
 * for a 15.085 µs refresh period); on PIIX it toggles on each refresh request. BIOS delay loops
 * (SeaBIOS does not, old DOS programs do) count its edges, so it flips every 15.085 µs of virtual
 * time, independent of how the guest programs counter 1.
 *
 * <p>Threading: called with the machine lock held.
 */
public final class SystemControlPortB implements PortDevice, Stateful<SystemControlPortB.State> {
    private static final System.Logger LOG = System.getLogger(SystemControlPortB.class.getName());

    static final int REG_NMISC = 0;

    static final int NMISC_TIMER2_GATE = 0x01;
    static final int NMISC_SPEAKER_DATA = 0x02;
    static final int NMISC_SERR_DISABLE = 0x04;
    static final int NMISC_IOCHK_DISABLE = 0x08;
    static final int NMISC_REFRESH_TOGGLE = 0x10;
    static final int NMISC_TIMER2_OUT = 0x20;
    static final int NMISC_WRITABLE = NMISC_TIMER2_GATE | NMISC_SPEAKER_DATA | NMISC_SERR_DISABLE
            | NMISC_IOCHK_DISABLE;

    /** Half period of the refresh toggle: 18 PIT ticks, 15.085 µs. */
    static final long REFRESH_TOGGLE_NANOS = 15_085;

    private final int base;
    private final VirtualClock clock;
    private final IrqLine timer2Gate;
    private final IrqLine speakerData;
    private final BooleanSupplier timer2Out;

    private int value;                  // the writable bits (NMISC_WRITABLE)
    private boolean loggedBadAccess;

    /**
     * @param timer2Gate  drives PIT GATE2
     * @param speakerData the speaker data enable wire
     * @param timer2Out   reads PIT OUT2
     */
    public SystemControlPortB(int base, VirtualClock clock, IrqLine timer2Gate, IrqLine speakerData,
                              BooleanSupplier timer2Out) {
        this.base = base;
        this.clock = Objects.requireNonNull(clock);
        this.timer2Gate = Objects.requireNonNull(timer2Gate);
        this.speakerData = Objects.requireNonNull(speakerData);
        this.timer2Out = Objects.requireNonNull(timer2Out);
    }

    @Override public int ioRead(int port, int size) {
        if (port - base != REG_NMISC) return badAccess("read", port);
        boolean refresh = (clock.nanos() / REFRESH_TOGGLE_NANOS & 1) != 0;
        return value | (refresh ? NMISC_REFRESH_TOGGLE : 0) | (timer2Out.getAsBoolean() ? NMISC_TIMER2_OUT : 0);
    }

    @Override public void ioWrite(int port, int size, int v) {
        if (port - base != REG_NMISC) {
            badAccess("write", port);
            return;
        }
        value = v & NMISC_WRITABLE;
        updateOutputs();
    }

    /** Drives GATE2 and the speaker data wire from the register. */
    void updateOutputs() {
        timer2Gate.setLevel((value & NMISC_TIMER2_GATE) != 0);
        speakerData.setLevel((value & NMISC_SPEAKER_DATA) != 0);
    }

    private int badAccess(String what, int port) {
        if (!loggedBadAccess) {
            loggedBadAccess = true;
            LOG.log(System.Logger.Level.WARNING, "port 61h: guest {0} of port {1} ignored (logged once)",
                    what, String.format("%#x", port));
        }
        return 0xFF;
    }

    /** {@code value} holds the writable bits 0–3. */
    public record State(int version, int value) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("port61", "version", "unsupported " + version);
            if ((value & ~NMISC_WRITABLE) != 0) throw new SnapshotFormatException("port61", "value");
        }
    }

    @Override public State saveState() {
        return new State(State.VERSION, value);
    }

    @Override public void restoreState(State s) {
        value = s.value();
        updateOutputs();
    }
}
