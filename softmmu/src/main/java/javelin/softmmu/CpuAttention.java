package javelin.softmmu;

/**
 * The "CPU wants attention" flag a device or another thread raises so that a vCPU leaves its
 * execution loop at the next block boundary (an interrupt became pending, the machine pauses,
 * work was queued). Implementations are thread-safe.
 */
@FunctionalInterface
public interface CpuAttention {
    void requestAttention();

    CpuAttention NONE = () -> { };
}
