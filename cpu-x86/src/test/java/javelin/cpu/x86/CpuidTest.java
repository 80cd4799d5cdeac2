package javelin.cpu.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** CPUID answers (SDM vol. 2, CPUID). */
class CpuidTest {
    @Test
    void leafZeroNamesGenuineIntelInEbxEdxEcxOrder() {
        int[] r = Cpuid.query(0, 0);
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(r[1]).putInt(r[3]).putInt(r[2]);
        assertEquals("GenuineIntel", new String(b.array(), StandardCharsets.US_ASCII));
        assertEquals(2, r[0]);
    }

    @Test
    void leafOneIsFamilySixWithFpuAndFxsrAndCarriesTheApicId() {
        int[] r = Cpuid.query(1, 3);
        assertEquals(6, (r[0] >>> 8) & 0xF);
        assertEquals(Cpuid.FEAT_FPU | Cpuid.FEAT_FXSR, r[3] & (Cpuid.FEAT_FPU | Cpuid.FEAT_FXSR));
        assertEquals(3, r[1] >>> 24);
    }

    @Test
    void leafOneAdvertisesTheLocalApicButNotX2ApicOrTscDeadline() {
        int[] r = Cpuid.query(1, 0);
        assertEquals(1 << 9, r[3] & (1 << 9), "EDX bit 9: APIC on chip");
        assertEquals(0, r[2] & (1 << 21), "ECX bit 21: no x2APIC");
        assertEquals(0, r[2] & (1 << 24), "ECX bit 24: no TSC-deadline timer");
    }

    @Test
    void eachVcpuReportsItsOwnInitialApicId() {
        for (int i = 0; i < 16; i++) assertEquals(i, Cpuid.query(1, i)[1] >>> 24);
    }

    @Test
    void extendedLeafAdvertisesNx() {
        assertEquals(Cpuid.EXT_FEAT_NX, Cpuid.query(0x8000_0001, 0)[3] & Cpuid.EXT_FEAT_NX);
    }
}
