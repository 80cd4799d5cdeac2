package javelin.softmmu;

/**
 * A virtual clock that moves only when told to: tests (and deterministic runs) step it with
 * {@link #advance(long)}, which fires every timer that falls due, in deadline order, with the
 * clock reading each timer's own deadline while its callback runs.
 */
public final class ManualClock implements VirtualClock {
    private final TimerList timers = new TimerList();
    private volatile long now;

    public ManualClock() {
        this(0);
    }

    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override public long nanos() {
        return now;
    }

    @Override public Timer newTimer(String name, Runnable onExpire) {
        return timers.create(name, onExpire);
    }

    /** Moves time forward by {@code deltaNanos}, firing due timers at their own deadlines. */
    public void advance(long deltaNanos) {
        if (deltaNanos < 0) throw new IllegalArgumentException("time cannot go backwards: " + deltaNanos);
        advanceTo(now + deltaNanos);
    }

    /** Moves time forward to {@code targetNanos}, firing due timers at their own deadlines. */
    public void advanceTo(long targetNanos) {
        while (true) {
            long next = timers.nextDeadline();
            if (next > targetNanos) break;
            if (next > now) now = next;
            timers.runExpired(now);
        }
        if (targetNanos > now) now = targetNanos;
    }

    /** The earliest armed deadline, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        return timers.nextDeadline();
    }
}
