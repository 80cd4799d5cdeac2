package javelin.softmmu;

/** A one-shot timer on a {@link VirtualClock}. Re-arming replaces the previous deadline. */
public interface Timer {
    void armAt(long deadlineNanos);

    void cancel();

    boolean isArmed();

    /** The armed deadline in virtual nanoseconds; meaningless when disarmed. */
    long deadline();
}
