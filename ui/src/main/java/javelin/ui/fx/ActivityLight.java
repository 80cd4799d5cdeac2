package javelin.ui.fx;

/**
 * A drive's activity light: lit while its transfer counter has changed within the last
 * {@link #HOLD_NANOS}, so even a single short read shows for a moment at a few updates a second.
 */
final class ActivityLight {
    static final long HOLD_NANOS = 200_000_000L;

    private long lastCount = -1;
    private long changedAt = Long.MIN_VALUE;

    /** Records the counter seen at {@code nanos}; returns whether the light is on. */
    boolean update(long count, long nanos) {
        if (lastCount >= 0 && count != lastCount) changedAt = nanos;
        lastCount = count;
        return changedAt != Long.MIN_VALUE && nanos - changedAt <= HOLD_NANOS;
    }
}
