package javelin.devices.audio;

import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * The PC speaker: a loudspeaker driven by PIT counter 2's OUT pin ANDed with the speaker data
 * enable bit of port 61h (IBM PC/AT Technical Reference, "Speaker" and "System Timers").
 *
 * <p>The board forwards counter 2's programming ({@link #counter2Changed}, the same shape as the
 * PIT's counter-2 listener) and the port 61h data wire ({@link #setDataEnable}). When counter 2
 * runs in a periodic mode (2 or 3) with GATE2 high and the data bit set, the speaker sounds a
 * square wave of 1,193,182 Hz / N; {@link #tonePeriodTicks()} tells the host output which.
 *
 * <p>Not modelled: sound made by toggling the data bit by hand while OUT2 is constant (PWM
 * "digitised speech" tricks); mode 2's one-tick pulses are played as a square wave of the same
 * period; tones above 20 kHz are played as silence, as a real speaker would barely reproduce them.
 *
 * <p>Threading: the inputs are called with the machine lock held; {@link #tonePeriodTicks()} is
 * read by the audio thread without it (a volatile field).
 */
public final class PcSpeaker implements Stateful<PcSpeaker.State> {
    /** PIT input clock, Hz. */
    static final long PIT_HZ = 1_193_182;
    /** Shortest period played: about 20 kHz. */
    static final int MIN_AUDIBLE_PERIOD = (int) (PIT_HZ / 20_000);
    private static final int MODE_RATE_GENERATOR = 2;
    private static final int MODE_SQUARE_WAVE = 3;

    // --- inputs ---
    private int mode;
    private int periodTicks;      // counter 2's count N in PIT ticks; 0 = no count written
    private boolean gate;
    private boolean dataEnable;

    private volatile int tone;    // the period the output should play, 0 = silence

    /** Counter 2's mode, period in PIT ticks (0 = none) and GATE2, from the PIT. */
    public void counter2Changed(int newMode, int newPeriodTicks, boolean newGate) {
        mode = newMode;
        periodTicks = newPeriodTicks;
        gate = newGate;
        updateOutputs();
    }

    /** Port 61h bit 1. */
    public void setDataEnable(boolean high) {
        dataEnable = high;
        updateOutputs();
    }

    /** The square-wave period to play in PIT ticks, or 0 for silence. Any thread. */
    public int tonePeriodTicks() {
        return tone;
    }

    void updateOutputs() {
        boolean periodic = mode == MODE_SQUARE_WAVE || mode == MODE_RATE_GENERATOR;
        boolean audible = periodic && gate && dataEnable && periodTicks >= MIN_AUDIBLE_PERIOD;
        tone = audible ? periodTicks : 0;
    }

    public record State(int version, int mode, int periodTicks, boolean gate, boolean dataEnable) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("speaker", "version", "unsupported " + version);
            if (mode < 0 || mode > 5) throw new SnapshotFormatException("speaker", "mode");
            if (periodTicks < 0 || periodTicks > 0x10000) throw new SnapshotFormatException("speaker", "periodTicks");
        }
    }

    @Override public State saveState() {
        return new State(State.VERSION, mode, periodTicks, gate, dataEnable);
    }

    @Override public void restoreState(State s) {
        mode = s.mode();
        periodTicks = s.periodTicks();
        gate = s.gate();
        dataEnable = s.dataEnable();
        updateOutputs();
    }
}
