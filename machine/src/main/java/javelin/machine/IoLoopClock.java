package javelin.machine;

import java.util.concurrent.locks.LockSupport;
import javelin.softmmu.HostDrivenClock;
import javelin.softmmu.Timer;
import javelin.softmmu.VirtualClock;

/**
 * The machine clock as the devices see it: the {@link HostDrivenClock}, whose timers the I/O
 * loop fires, plus one duty: arming a timer earlier than the I/O loop's planned wake-up wakes
 * the loop, so a device that programs a short timeout from a vCPU thread (a local APIC timer,
 * the PIT) is not served late by the loop's sleep.
 */
final class IoLoopClock implements VirtualClock {
    private final HostDrivenClock clock;
    private volatile Thread ioThread;
    /** The virtual time the I/O loop sleeps until; Long.MIN_VALUE while it is awake. */
    private volatile long sleepingUntil = Long.MIN_VALUE;

    IoLoopClock(HostDrivenClock clock) {
        this.clock = clock;
    }

    HostDrivenClock clock() {
        return clock;
    }

    void setIoThread(Thread t) {
        ioThread = t;
    }

    /**
     * The I/O loop is about to sleep until virtual time {@code deadline} (or until unparked). The
     * loop calls {@code sleeping(Long.MAX_VALUE)} before it reads the next deadline, then this
     * with the deadline read: a timer armed in between either is seen by that read or unparks it.
     */
    void sleeping(long deadline) {
        sleepingUntil = deadline;
    }

    void awake() {
        sleepingUntil = Long.MIN_VALUE;
    }

    @Override public long nanos() {
        return clock.nanos();
    }

    @Override public Timer newTimer(String name, Runnable onExpire) {
        Timer t = clock.newTimer(name, onExpire);
        return new Timer() {
            @Override public void armAt(long deadlineNanos) {
                t.armAt(deadlineNanos);
                // The loop re-reads the next deadline after every sleep: one unpark suffices.
                if (deadlineNanos < sleepingUntil) {
                    Thread io = ioThread;
                    if (io != null) LockSupport.unpark(io);
                }
            }

            @Override public void cancel() {
                t.cancel();
            }

            @Override public boolean isArmed() {
                return t.isArmed();
            }

            @Override public long deadline() {
                return t.deadline();
            }

            @Override public String toString() {
                return t.toString();
            }
        };
    }
}
