package javelin.cpu.x86.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import javelin.cpu.x86.CpuFault;
import org.junit.jupiter.api.function.Executable;

/** Assertions on the guest exceptions ({@link CpuFault}) an operation raises. */
public final class Faults {
    private Faults() { }

    /** Asserts that {@code e} raises exception {@code vector} with {@code errorCode} (-1: none); returns it. */
    public static CpuFault assertFault(int vector, int errorCode, Executable e) {
        CpuFault f = assertThrows(CpuFault.class, e);
        assertEquals(vector, f.vector, "vector");
        assertEquals(errorCode, f.errorCode, "error code");
        return f;
    }
}
