package javelin.cpu.x86.interp;

/**
 * Thrown by an atomic instruction that cannot be one compare-and-swap (misaligned across a
 * dword, page-crossing, MMIO, ROM or a code page) when an engine is there to run it with every
 * other vCPU stopped ([LOCK-3] of {@link AtomicOps}). Thrown before any side effect, with the
 * CPU state of the instruction's start; control flow, so no stack trace.
 */
public final class ExclusiveStepRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final ExclusiveStepRequest INSTANCE = new ExclusiveStepRequest();

    private ExclusiveStepRequest() {
        super("atomic operation needs an exclusive section", null, false, false);
    }
}
