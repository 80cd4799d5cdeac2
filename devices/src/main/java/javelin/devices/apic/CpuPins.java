package javelin.devices.apic;

/**
 * What a local APIC signals to its processor core beyond the INTR/INTA path of
 * {@link javelin.softmmu.InterruptSource}. The board implements it for each vCPU (devices never
 * import the CPU). Every method is called with the machine lock held and must not block: it sets
 * a flag on the vCPU and wakes its thread.
 */
public interface CpuPins {
    /**
     * An INIT message was accepted (SDM vol. 3A, "INIT" delivery mode): the core resets as for
     * INIT; an application processor then waits for a startup IPI. The APIC has already reset
     * itself (all but its ID).
     */
    void init();

    /**
     * A startup IPI arrived with {@code vector} (execution starts at {@code vector << 12}, real
     * mode). Only a core waiting for SIPI reacts; others ignore it (SDM, "MP initialization").
     */
    void startup(int vector);

    /** An NMI was accepted (LINT1 in NMI mode, an NMI IPI or an I/O APIC NMI entry). */
    void nmi();

    /**
     * An interrupt became pending ({@link javelin.softmmu.InterruptSource#interruptPending()}
     * turned true): leave the execution loop at the next block and wake from HLT.
     */
    void wake();

    /** Pins connected to nothing (tests, a core that ignores its APIC). */
    CpuPins NONE = new CpuPins() {
        @Override public void init() { }
        @Override public void startup(int vector) { }
        @Override public void nmi() { }
        @Override public void wake() { }
    };
}
