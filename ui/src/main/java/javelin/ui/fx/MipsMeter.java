package javelin.ui.fx;

/**
 * Guest MIPS per vCPU from the machines' retired-instruction counters, sampled a few times a
 * second: the difference between two samples over the time between them. The first sample, a
 * change in the number of vCPUs, and a counter that went backwards (a new machine) give no rate.
 */
final class MipsMeter {
    private long[] lastCounts = new long[0];
    private long lastNanos;

    /** Records a sample taken at {@code nanos}; returns MIPS per vCPU, or an empty array. */
    double[] sample(long[] counts, long nanos) {
        double[] mips = new double[0];
        if (counts.length == lastCounts.length && counts.length > 0 && nanos > lastNanos) {
            mips = new double[counts.length];
            double micros = (nanos - lastNanos) / 1_000.0;
            for (int i = 0; i < counts.length; i++) {
                long d = counts[i] - lastCounts[i];
                if (d < 0) return new double[0];
                mips[i] = d / micros;       // instructions per microsecond = millions per second
            }
        }
        lastCounts = counts.clone();
        lastNanos = nanos;
        return mips;
    }
}
