package javelin.softmmu;

import java.util.ArrayList;
import java.util.List;

/**
 * The timers of one clock, kept in a small list (a PC has a handful of timers; a list beats a
 * heap at that size). {@link #runExpired(long)} fires every timer whose deadline has passed, in
 * deadline order, so that a callback that re-arms its own timer for a time still in the past
 * fires again in the same call (as a periodic timer catching up must).
 *
 * <p>Thread safety: all methods synchronize on this list. Callbacks run on the caller of
 * {@link #runExpired}, outside that monitor, so a callback may arm timers.
 */
final class TimerList {
    private final List<ListTimer> timers = new ArrayList<>();

    Timer create(String name, Runnable onExpire) {
        ListTimer t = new ListTimer(name, onExpire);
        synchronized (this) {
            timers.add(t);
        }
        return t;
    }

    /** The earliest armed deadline, or {@link Long#MAX_VALUE} if none is armed. */
    synchronized long nextDeadline() {
        long min = Long.MAX_VALUE;
        for (ListTimer t : timers) {
            if (t.armed && t.deadline < min) min = t.deadline;
        }
        return min;
    }

    /** Fires, earliest first, every timer whose deadline is at or before {@code now}. */
    void runExpired(long now) {
        // Bounded so that a callback re-arming itself at 'now' cannot spin forever.
        for (int guard = 0; guard < 100_000; guard++) {
            ListTimer due = null;
            synchronized (this) {
                for (ListTimer t : timers) {
                    if (t.armed && t.deadline <= now && (due == null || t.deadline < due.deadline)) due = t;
                }
                if (due == null) return;
                due.armed = false;
            }
            due.onExpire.run();
        }
    }

    private final class ListTimer implements Timer {
        final String name;
        final Runnable onExpire;
        boolean armed;      // guarded by TimerList.this
        long deadline;      // guarded by TimerList.this

        ListTimer(String name, Runnable onExpire) {
            this.name = name;
            this.onExpire = onExpire;
        }

        @Override public void armAt(long deadlineNanos) {
            synchronized (TimerList.this) {
                deadline = deadlineNanos;
                armed = true;
            }
        }

        @Override public void cancel() {
            synchronized (TimerList.this) {
                armed = false;
            }
        }

        @Override public boolean isArmed() {
            synchronized (TimerList.this) {
                return armed;
            }
        }

        @Override public long deadline() {
            synchronized (TimerList.this) {
                return deadline;
            }
        }

        @Override public String toString() {
            return "Timer[" + name + "]";
        }
    }
}
