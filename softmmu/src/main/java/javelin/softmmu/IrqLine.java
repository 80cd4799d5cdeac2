package javelin.softmmu;

/**
 * One interrupt request wire from a device to an interrupt controller input. The board creates
 * the line and hands it to the device's constructor; the device never learns what is on the
 * other end.
 */
@FunctionalInterface
public interface IrqLine {
    /** Drives the line: {@code true} is asserted (high). */
    void setLevel(boolean high);

    default void raise() { setLevel(true); }

    default void lower() { setLevel(false); }

    /** An edge: raise then lower, as ISA devices in edge mode signal. */
    default void pulse() { setLevel(true); setLevel(false); }

    /** A line connected to nothing. */
    IrqLine NONE = high -> { };
}
