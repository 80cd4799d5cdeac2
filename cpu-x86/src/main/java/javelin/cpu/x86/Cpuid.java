package javelin.cpu.x86;

/**
 * CPUID as this CPU answers it. It must advertise exactly what is implemented (issue 2):
 * features are added here in the same change that implements them.
 */
public final class Cpuid {
    /** Family 6, model 1, stepping 9: a Pentium Pro, the i686 this CPU models. */
    public static final int SIGNATURE = 0x0000_0619;

    // CPUID.1:EDX feature bits (SDM vol. 2, table 3-11).
    public static final int FEAT_FPU = 1, FEAT_VME = 1 << 1, FEAT_DE = 1 << 2, FEAT_PSE = 1 << 3,
            FEAT_TSC = 1 << 4, FEAT_MSR = 1 << 5, FEAT_PAE = 1 << 6, FEAT_MCE = 1 << 7, FEAT_CX8 = 1 << 8,
            FEAT_APIC = 1 << 9, FEAT_SEP = 1 << 11, FEAT_MTRR = 1 << 12, FEAT_PGE = 1 << 13,
            FEAT_MCA = 1 << 14, FEAT_CMOV = 1 << 15, FEAT_PAT = 1 << 16, FEAT_PSE36 = 1 << 17,
            FEAT_MMX = 1 << 23, FEAT_FXSR = 1 << 24, FEAT_SSE = 1 << 25, FEAT_SSE2 = 1 << 26;

    private Cpuid() { }
}
