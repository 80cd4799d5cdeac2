package javelin.cpu.x86;

/**
 * CPUID as this CPU answers it (SDM vol. 2, CPUID). It must advertise exactly what is
 * implemented, because guests take a feature bit as a promise: features are added here in the
 * same change that implements them.
 *
 * <p>The model is a family 6 i686. Advertised: FPU (the x87, javelin.cpu.x86.fpu), VME, DE (CR4.DE), PSE,
 * TSC, MSR, PAE, CX8, APIC (the xAPIC every PC board has, devices.apic; the initial APIC ID in
 * leaf 1 EBX[31:24] is the vCPU index), SEP (SYSENTER/SYSEXIT), MTRR (as MSR storage), PGE,
 * CMOV, PAT (as MSR storage), FXSR (FXSAVE/FXRSTOR of the x87 state), and in the extended
 * leaves NX. Not advertised: MCE/MCA, PSE-36, MMX, SSE, x2APIC, TSC-deadline.
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
    /** CPUID.80000001H:EDX bit 20, execute disable. */
    public static final int EXT_FEAT_NX = 1 << 20;

    /** What CPUID.1:EDX reports. */
    public static final int FEATURES_EDX = FEAT_FPU | FEAT_VME | FEAT_DE | FEAT_PSE | FEAT_TSC | FEAT_MSR
            | FEAT_PAE | FEAT_CX8 | FEAT_APIC | FEAT_SEP | FEAT_MTRR | FEAT_PGE | FEAT_CMOV | FEAT_PAT | FEAT_FXSR;

    static final int MAX_BASIC_LEAF = 2;
    static final int MAX_EXTENDED_LEAF = 0x8000_0004;
    /** "GenuineIntel" as EBX, EDX, ECX. */
    static final int VENDOR_EBX = 0x756E_6547, VENDOR_EDX = 0x4965_6E69, VENDOR_ECX = 0x6C65_746E;
    /** Leaf 2 cache/TLB descriptors (AL = 1 call; 0x43 512K L2, 0x08 16K L1 I, 0x0C 16K L1 D, 0x01-0x04 TLBs). */
    private static final int LEAF2_EAX = 0x0302_0101, LEAF2_EDX = 0x0C04_0843;
    private static final String BRAND = "Javelin i686 virtual CPU";

    private Cpuid() { }

    /** The four result registers for {@code leaf} on vCPU {@code cpuIndex}: {eax, ebx, ecx, edx}. */
    public static int[] query(int leaf, int cpuIndex) {
        if (Integer.compareUnsigned(leaf, 0x8000_0000) >= 0) return extended(leaf);
        return switch (leaf) {
            case 0 -> new int[] {MAX_BASIC_LEAF, VENDOR_EBX, VENDOR_ECX, VENDOR_EDX};
            // EBX bits 31:24: initial APIC ID, which is the vCPU index.
            case 1 -> new int[] {SIGNATURE, (cpuIndex & 0xFF) << 24, 0, FEATURES_EDX};
            case 2 -> new int[] {LEAF2_EAX, 0, 0, LEAF2_EDX};
            // Beyond the maximum basic leaf, Intel CPUs answer with the highest basic leaf.
            default -> query(MAX_BASIC_LEAF, cpuIndex);
        };
    }

    private static int[] extended(int leaf) {
        return switch (leaf) {
            case 0x8000_0000 -> new int[] {MAX_EXTENDED_LEAF, 0, 0, 0};
            case 0x8000_0001 -> new int[] {0, 0, 0, EXT_FEAT_NX};
            case 0x8000_0002, 0x8000_0003, 0x8000_0004 -> brand(leaf - 0x8000_0002);
            default -> query(MAX_BASIC_LEAF, 0);
        };
    }

    /** Sixteen bytes of the 48-byte, NUL-padded brand string. */
    private static int[] brand(int part) {
        byte[] b = java.util.Arrays.copyOf(BRAND.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 48);
        int[] r = new int[4];
        for (int i = 0; i < 4; i++) {
            int o = part * 16 + i * 4;
            r[i] = (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
        }
        return r;
    }
}
