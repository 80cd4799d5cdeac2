package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.*;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.testing.TestMachine;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Limit and type checks of SDM vol. 3, 5.3 (limits, expand-down) and 5.4.1 (types). */
class SegmentedMemoryTest {
    private final CpuState cpu;
    private final SegmentedMemory mem;

    SegmentedMemoryTest() {
        TestMachine machine = TestMachine.builder().ram(1 << 20).interpreter().build();
        cpu = machine.cpu();
        mem = new SegmentedMemory(cpu, machine.mmu());
    }

    private void protectedMode() {
        cpu.cr0 |= CR0_PE;
        cpu.updateModeCaches();
    }

    private void segment(int seg, int limit, int attr) {
        cpu.segBase[seg] = 0x1_0000;
        cpu.segLimit[seg] = limit;
        cpu.segAttr[seg] = attr;
    }

    private int vector(Runnable access) {
        return assertThrows(CpuFault.class, access::run).vector;
    }

    @Nested
    class Limits {
        @Test
        void theLastByteMustBeWithinTheLimit() {
            segment(DS, 0x0FFF, ATTR_P | ATTR_S | 0x3);
            assertEquals(0x1_0FFF, mem.linear(DS, 0x0FFF, 1, false));
            assertEquals(CpuFault.GP, vector(() -> mem.linear(DS, 0x0FFE, 4, false)));
        }

        @Test
        void stackSegmentViolationsAreSs() {
            segment(SS, 0x0FFF, ATTR_P | ATTR_S | 0x3);
            assertEquals(CpuFault.SS, vector(() -> mem.linear(SS, 0x1000, 1, true)));
        }

        @Test
        void expandDownAllowsOffsetsAboveTheLimitUpTo64KWithoutB() {
            segment(DS, 0x0FFF, ATTR_P | ATTR_S | 0x7);       // read/write, expand-down, B = 0
            assertEquals(CpuFault.GP, vector(() -> mem.linear(DS, 0x0FFF, 1, false)));
            assertEquals(0x1_1000, mem.linear(DS, 0x1000, 1, false));
            assertEquals(0x1_FFFF, mem.linear(DS, 0xFFFF, 1, false));
            assertEquals(CpuFault.GP, vector(() -> mem.linear(DS, 0xFFFF, 2, false)));
        }

        @Test
        void expandDownWithBReachesFourGigabytes() {
            segment(DS, 0x0FFF, ATTR_P | ATTR_S | ATTR_DB | 0x7);
            assertEquals(0x1_0000 + 0x10_0000, mem.linear(DS, 0x10_0000, 4, false));
        }
    }

    @Nested
    class TypesInProtectedMode {
        @Test
        void writingAReadOnlyDataSegmentIsGp() {
            protectedMode();
            segment(DS, 0xFFFF, ATTR_P | ATTR_S | 0x1);       // read-only, accessed
            mem.linear(DS, 0, 4, false);
            assertEquals(CpuFault.GP, vector(() -> mem.linear(DS, 0, 4, true)));
        }

        @Test
        void readingAnExecuteOnlyCodeSegmentIsGp() {
            protectedMode();
            segment(ES, 0xFFFF, ATTR_P | ATTR_S | 0x9);       // execute-only code
            assertEquals(CpuFault.GP, vector(() -> mem.linear(ES, 0, 1, false)));
        }

        @Test
        void writingACodeSegmentIsGpEvenIfReadable() {
            protectedMode();
            segment(ES, 0xFFFF, ATTR_P | ATTR_S | 0xB);
            mem.linear(ES, 0, 1, false);
            assertEquals(CpuFault.GP, vector(() -> mem.linear(ES, 0, 1, true)));
        }

        @Test
        void aNullSegmentFaults() {
            protectedMode();
            segment(FS, 0, 0);
            assertEquals(CpuFault.GP, vector(() -> mem.linear(FS, 0, 1, false)));
        }
    }

    @Nested
    class RealMode {
        @Test
        void writesThroughCsAreAllowed() {
            segment(CS, 0xFFFF, ATTR_P | ATTR_S | 0xB);
            assertEquals(0x1_0010, mem.linear(CS, 0x10, 2, true));
        }
    }
}
