package javelin.cpu.x86;

/**
 * Lazy condition codes: arithmetic instructions record an operation kind and its operands in
 * {@link CpuState#ccOp}/{@code ccDst}/{@code ccSrc1}/{@code ccSrc2}; the six arithmetic flags
 * are computed only when something reads them.
 */
public final class LazyFlags {
    /** ccSrc1 holds the six arithmetic flags themselves. */
    public static final int CC_OP_EFLAGS = 0;

    private LazyFlags() { }

    public static int arithFlags(CpuState cpu) {
        return switch (cpu.ccOp) {
            case CC_OP_EFLAGS -> cpu.ccSrc1 & CpuState.ARITH_FLAGS;
            default -> throw new IllegalStateException("unknown ccOp " + cpu.ccOp);
        };
    }

    public static void setArithFlags(CpuState cpu, int flags) {
        cpu.ccOp = CC_OP_EFLAGS;
        cpu.ccSrc1 = flags & CpuState.ARITH_FLAGS;
    }
}
