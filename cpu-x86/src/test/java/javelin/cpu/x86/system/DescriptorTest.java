package javelin.cpu.x86.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javelin.cpu.x86.CpuState;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Descriptor decoding against the layouts of SDM vol. 3, figures 3-8, 5-8 and 6-2. */
class DescriptorTest {
    /** Linux's i386 __KERNEL_CS: base 0, limit 0xFFFFF pages, G, D, P, DPL 0, code, readable. */
    static final long KERNEL_CS = 0x00CF_9A00_0000_FFFFL;

    @Nested
    class Segments {
        @Test
        void scattersBaseAndLimitAsFigure38() {
            long d = 0x12CF_9234_5678_ABCDL;
            assertEquals(0x1234_5678, Descriptor.base(d));
            assertEquals(0xFABCD << 12 | 0xFFF, Descriptor.limit(d), "G = 1: page granular");
        }

        @Test
        void flatKernelCodeSegment() {
            assertEquals(0, Descriptor.base(KERNEL_CS));
            assertEquals(0xFFFF_FFFF, Descriptor.limit(KERNEL_CS));
            assertTrue(Descriptor.isCode(KERNEL_CS));
            assertTrue(Descriptor.isReadable(KERNEL_CS));
            assertFalse(Descriptor.isConformingCode(KERNEL_CS));
            assertEquals(0, Descriptor.dpl(KERNEL_CS));
            assertTrue(Descriptor.present(KERNEL_CS));
        }

        @Test
        void attributeWordKeepsTypeSDplPAndTheFlagNibble() {
            int attr = Descriptor.attr(KERNEL_CS);
            assertEquals(0xA, attr & CpuState.ATTR_TYPE_MASK);
            assertEquals(CpuState.ATTR_S | CpuState.ATTR_P, attr & (CpuState.ATTR_S | CpuState.ATTR_P));
            assertEquals(CpuState.ATTR_DB | CpuState.ATTR_G, attr & (CpuState.ATTR_DB | CpuState.ATTR_G));
        }

        @Test
        void nullSelectorIgnoresRpl() {
            assertTrue(Descriptor.isNull(0));
            assertTrue(Descriptor.isNull(3));
            assertFalse(Descriptor.isNull(4), "LDT index 0 is not the null selector");
        }
    }

    @Nested
    class Gates {
        @Test
        void interruptGate32HasSelectorOffsetAndType() {
            long gate = 0x8001_8E00_0010_2345L;   // offset 0x80012345, selector 0x10, P, 32-bit interrupt gate
            assertEquals(0x10, Descriptor.gateSelector(gate));
            assertEquals(0x8001_2345, Descriptor.gateOffset(gate));
            assertEquals(Descriptor.SYS_INTERRUPT_GATE32, Descriptor.type(gate));
            assertFalse(Descriptor.isCodeOrData(gate));
        }

        @Test
        void sixteenBitGateOffsetIsTheLowWord() {
            long gate = 0x8001_8600_0010_2345L;
            assertEquals(0x2345, Descriptor.gateOffset(gate));
        }

        @Test
        void callGateCarriesItsParameterCount() {
            long gate = 0x0000_EC03_0008_1000L;
            assertEquals(3, Descriptor.gateParamCount(gate));
            assertEquals(3, Descriptor.dpl(gate));
        }
    }
}
