package javelin.cpu.x86.oracle;

import java.util.EnumSet;
import java.util.Set;

/**
 * The processor the harness runs on, from its probe ({@code harness --probe}): the mode the cases
 * run in (32 = 32-bit protected mode as in the emulator; 64 = 64-bit mode on a host that runs no
 * 32-bit user code), CPUID's vendor string, family, model and brand.
 *
 * <p>Undefined results ({@link Undefined}) are compared only on a processor of the vendor
 * Javelin's CPUID reports ({@link #MODELLED_VENDOR}), and only for the classes where Javelin's
 * choice has been checked against such a processor ({@link #CHECKED_ON_MODELLED_VENDOR});
 * {@code -Doracle.undefined=compare} compares every class on that vendor, which is how a class
 * gets checked. Everywhere else they are skipped and counted.
 */
record HostCpu(int bits, String vendor, int family, int model, String brand) {
    /** CPUID leaf 0 of {@code javelin.cpu.x86.Cpuid}: the undefined behaviour Javelin models is this vendor's. */
    static final String MODELLED_VENDOR = "GenuineIntel";

    /**
     * Classes whose result Javelin reproduces on the modelled vendor's processors, checked there
     * with {@code -Doracle.undefined=compare}. None is yet: docs/conformance.md ("Undefined
     * results") says what Javelin does in each class and how a class gets onto this list.
     */
    static final Set<Undefined> CHECKED_ON_MODELLED_VENDOR = EnumSet.noneOf(Undefined.class);

    /** Parses the probe line "javelin-oracle BITS VENDOR FAMILY MODEL BRAND..."; null if it is not one. */
    static HostCpu parse(String line) {
        String[] f = line.strip().split("\\s+", 6);
        if (f.length < 5 || !f[0].equals("javelin-oracle")) return null;
        try {
            return new HostCpu(Integer.parseInt(f[1]), f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                    f.length == 6 ? f[5].strip() : "unknown");
        } catch (NumberFormatException e) {
            return null;
        }
    }

    boolean isModelledVendor() {
        return vendor.equals(MODELLED_VENDOR);
    }

    /** Whether the oracle compares results of class {@code u} on this host. */
    boolean comparesUndefined(Undefined u) {
        if (!isModelledVendor()) return false;
        return CHECKED_ON_MODELLED_VENDOR.contains(u) || "compare".equals(System.getProperty("oracle.undefined"));
    }

    /** 64-bit mode: the cases whose encoding means something else there are rewritten or not run. */
    boolean longMode() {
        return bits == 64;
    }

    String describe() {
        return String.format("%s (%s, family %d, model %d), cases run in %d-bit mode", brand, vendor, family, model, bits);
    }
}
