package javelin.devices.audio;

/**
 * Renders the speaker's square wave as signed 16-bit samples: sample {@code i} is high when its
 * instant, counted in PIT ticks, falls in the first (N+1)/2 ticks of an N-tick period, exactly as
 * counter 2 in mode 3 drives OUT2 (8254 datasheet, mode 3). Integer arithmetic, so the wave
 * never drifts against the PIT. A host sound output (module ui) renders
 * {@link PcSpeaker#tonePeriodTicks()} with it. Not thread-safe: one audio thread owns an instance.
 */
public final class SquareWave {
    private final int sampleRate;
    private final short amplitude;
    private int period;             // PIT ticks; 0 = silence
    private long position;          // time since the period began, in 1/sampleRate PIT ticks

    /** A wave of {@code amplitude} (of 32,767) sampled {@code sampleRate} times a second. */
    public SquareWave(int sampleRate, short amplitude) {
        this.sampleRate = sampleRate;
        this.amplitude = amplitude;
    }

    /** Fills {@code out} with the next samples of a wave of {@code periodTicks} (0 = silence). */
    public void fill(short[] out, int periodTicks) {
        if (periodTicks != period) {
            period = periodTicks;
            position = 0;
        }
        if (period == 0) {
            java.util.Arrays.fill(out, (short) 0);
            return;
        }
        long wrap = (long) period * sampleRate;
        long highUnits = (long) ((period + 1) / 2) * sampleRate;
        for (int i = 0; i < out.length; i++) {
            out[i] = position < highUnits ? amplitude : (short) -amplitude;
            position = (position + PcSpeaker.PIT_HZ) % wrap;
        }
    }
}
