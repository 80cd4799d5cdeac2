package javelin.softmmu;

import java.util.function.LongSupplier;

/**
 * The running machine's clock: virtual time advances with the host's monotonic time while
 * running and stands still while paused. The host time source is injected so tests can replace
 * it. Timers fire when {@link #runExpiredTimers()} is called (the machine's run loop or its
 * timer thread does so), never from inside {@link #nanos()}.
 */
public final class HostDrivenClock implements VirtualClock {
    private final TimerList timers = new TimerList();
    private final LongSupplier hostNanos;
    private final Object lock = new Object();
    private long offset;            // virtual = host + offset while running; guarded by lock
    private long pausedAt;          // the virtual time frozen while paused; guarded by lock
    private volatile boolean running;

    public HostDrivenClock() {
        this(System::nanoTime);
    }

    public HostDrivenClock(LongSupplier hostNanos) {
        this.hostNanos = hostNanos;
        this.offset = -hostNanos.getAsLong();
        this.pausedAt = 0;
        this.running = false;
    }

    @Override public long nanos() {
        synchronized (lock) {
            return running ? hostNanos.getAsLong() + offset : pausedAt;
        }
    }

    @Override public Timer newTimer(String name, Runnable onExpire) {
        return timers.create(name, onExpire);
    }

    public void resume() {
        synchronized (lock) {
            if (running) return;
            offset = pausedAt - hostNanos.getAsLong();
            running = true;
        }
    }

    public void pause() {
        synchronized (lock) {
            if (!running) return;
            pausedAt = hostNanos.getAsLong() + offset;
            running = false;
        }
    }

    public boolean isRunning() {
        return running;
    }

    /** Fires every timer that is due now. */
    public void runExpiredTimers() {
        timers.runExpired(nanos());
    }

    /** The earliest armed deadline in virtual nanoseconds, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        return timers.nextDeadline();
    }
}
