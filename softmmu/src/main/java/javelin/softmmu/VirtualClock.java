package javelin.softmmu;

/**
 * The machine's clock in nanoseconds of virtual time: it advances with host time while the
 * machine runs and stands still while it is paused. Devices take all their time from here,
 * never from {@code System.nanoTime()}, so tests can drive them with a {@link ManualClock}.
 */
public interface VirtualClock {
    /** Current virtual time in nanoseconds since the machine was created. */
    long nanos();

    /**
     * Creates a one-shot timer that calls {@code onExpire} (with the machine lock held) once the
     * clock reaches its deadline. The timer starts disarmed.
     */
    Timer newTimer(String name, Runnable onExpire);
}
