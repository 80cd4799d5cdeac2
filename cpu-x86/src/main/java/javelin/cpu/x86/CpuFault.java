package javelin.cpu.x86;

/**
 * A guest exception (#GP, #PF, ...) unwinding out of an instruction: control flow, not an
 * error, so it carries no stack trace and one preallocated instance per vCPU may be reused
 * (see {@link #of}). The run loop catches it, restores EIP/ESP of the faulting instruction
 * and delivers the vector through {@code javelin.cpu.x86.system.Interrupts}.
 */
public final class CpuFault extends RuntimeException {
    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8,
            TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19;

    public final int vector;
    /** The error code pushed for vectors that have one (8, 10-14, 17), else -1. */
    public final int errorCode;

    public CpuFault(int vector, int errorCode) {
        super(null, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
    }

    public static CpuFault of(int vector) {
        return new CpuFault(vector, -1);
    }

    public static CpuFault withCode(int vector, int errorCode) {
        return new CpuFault(vector, errorCode);
    }

    public boolean hasErrorCode() {
        return errorCode >= 0;
    }

    @Override public String getMessage() {
        return "vector " + vector + (errorCode >= 0 ? " error " + Integer.toHexString(errorCode) : "");
    }
}
