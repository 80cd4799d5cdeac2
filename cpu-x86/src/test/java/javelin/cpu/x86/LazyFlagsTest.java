package javelin.cpu.x86;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Lazy flags must read back exactly as EFLAGS would hold them (SDM vol. 1, 3.4.3.1). */
class LazyFlagsTest {
    private final CpuState cpu;

    LazyFlagsTest() {
        cpu = new CpuState(0);
    }

    @Test
    void subtractionFlagsAreDerivedOnRead() {
        // 0x00 - 0x01 (8 bit) = 0xFF: CF, SF, AF, PF set; ZF, OF clear.
        LazyFlags.record(cpu, LazyFlags.KIND_SUB, 1, 0xFF, 0x00, 0x01);
        assertEquals(CF | SF | AF | PF, LazyFlags.arithFlags(cpu));
    }

    @Test
    void adcCarryInIsRecoveredFromTheOperands() {
        // 0xFF + 0xFF + 1 = 0x1FF -> 0xFF with CF (16-bit form: 0xFFFF + 0xFFFF + 1).
        LazyFlags.record(cpu, LazyFlags.KIND_ADC, 2, 0xFFFF, 0xFFFF, 0xFFFF);
        assertEquals(CF | SF | AF | PF, LazyFlags.arithFlags(cpu));
    }

    @Test
    void getEflagsFoldsLazyFlagsAndSetEflagsRestoresThem() {
        cpu.setEflags(IF | DF | 2);
        LazyFlags.record(cpu, LazyFlags.KIND_ADD, 4, 0, -1, 1);                      // -1 + 1 = 0
        int folded = cpu.getEflags();
        assertEquals(IF | DF | 2 | CF | ZF | PF | AF, folded);
        cpu.setEflags(0);
        cpu.setEflags(folded);
        assertEquals(folded, cpu.getEflags());
    }

    @Test
    void reservedBitsReadAsTheirFixedValues() {
        cpu.setEflags(0xFFFF_FFFF);
        assertEquals(0, cpu.getEflags() & (1 << 3 | 1 << 5 | 1 << 15));
        assertEquals(2, cpu.getEflags() & 2);
    }
}
