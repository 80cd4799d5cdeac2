package javelin.softmmu;

/**
 * What a CPU sees of the interrupt controller on its INTR pin: whether an interrupt is pending,
 * and the acknowledge cycle that returns its vector. The PIC (and later the local APIC)
 * implements it; the CPU never imports a device class.
 */
public interface InterruptSource {
    /** True while the INTR pin is asserted. Must be cheap: the CPU polls it between blocks. */
    boolean interruptPending();

    /** The INTA cycle: returns the vector (0..255) and updates the controller's state. */
    int acknowledgeInterrupt();

    /** A source that never interrupts. */
    InterruptSource NONE = new InterruptSource() {
        @Override public boolean interruptPending() { return false; }
        @Override public int acknowledgeInterrupt() { return 0xFF; }
    };
}
