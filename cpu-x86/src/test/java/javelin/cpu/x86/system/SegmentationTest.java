package javelin.cpu.x86.system;

import static javelin.cpu.x86.system.DescriptorTables.*;
import static javelin.cpu.x86.testing.Faults.assertFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Segment register loads against SDM vol. 2 (MOV, POP) and vol. 3, 5.4-5.6. */
class SegmentationTest {
    final DescriptorTables m = new DescriptorTables();
    final CpuState cpu = m.cpu;
    final Mmu mmu = m.mmu;

    @Nested
    class RealAndV86 {
        @Test
        void realModeBaseIsSelectorTimes16AndCacheLimitIsKept() {
            cpu.segLimit[CpuState.DS] = 0xFFFF_FFFF;     // "unreal" mode left over from protected mode
            Segmentation.loadSegment(cpu, mmu, CpuState.DS, 0x1234);
            assertEquals(0x1234, cpu.segSel[CpuState.DS]);
            assertEquals(0x12340, cpu.segBase[CpuState.DS]);
            assertEquals(0xFFFF_FFFF, cpu.segLimit[CpuState.DS]);
        }

        @Test
        void v86LoadGivesLimit64KAndDpl3() {
            m.protectedMode(0, 1, 2);
            cpu.setEflags(cpu.getEflags() | CpuState.VM);
            cpu.updateModeCaches();
            Segmentation.loadSegment(cpu, mmu, CpuState.ES, 0xB800);
            assertEquals(0xB8000, cpu.segBase[CpuState.ES]);
            assertEquals(0xFFFF, cpu.segLimit[CpuState.ES]);
            assertEquals(3, (cpu.segAttr[CpuState.ES] >>> CpuState.ATTR_DPL_SHIFT) & 3);
        }
    }

    @Nested
    class DataSegments {
        @Test
        void nullSelectorIsAllowedInDsAndLeavesItUnusable() {
            m.protectedMode(0, 1, 2);
            Segmentation.loadSegment(cpu, mmu, CpuState.DS, 3);
            assertEquals(3, cpu.segSel[CpuState.DS]);
            assertEquals(0, cpu.segAttr[CpuState.DS] & CpuState.ATTR_P);
        }

        @Test
        void loadsBaseLimitAndSetsTheAccessedBitInTheTable() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, seg(0x12345678, 0xFFFF, P | DATA_RW, 0));
            Segmentation.loadSegment(cpu, mmu, CpuState.DS, 3 << 3);
            assertEquals(0x12345678, cpu.segBase[CpuState.DS]);
            assertEquals(0xFFFF, cpu.segLimit[CpuState.DS]);
            assertEquals(1, (m.gdtEntry(3) >>> 40) & 1, "accessed bit in memory");
        }

        @Test
        void pageGranularLimitIsScaled() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, seg(0, 0x3, P | DATA_RW, G));
            Segmentation.loadSegment(cpu, mmu, CpuState.FS, 3 << 3);
            assertEquals(0x3FFF, cpu.segLimit[CpuState.FS]);
        }

        @Test
        void indexBeyondGdtLimitIsGpWithSelector() {
            m.protectedMode(0, 1, 2);
            cpu.gdtrLimit = 0x1F;          // entries 0..3
            assertFault(CpuFault.GP, 0x20, () -> Segmentation.loadSegment(cpu, mmu, CpuState.DS, 0x23));
        }

        @Test
        void ldtSelectorWithoutLdtIsGp() {
            m.protectedMode(0, 1, 2);
            assertFault(CpuFault.GP, 0x0C, () -> Segmentation.loadSegment(cpu, mmu, CpuState.DS, 0x0C));
        }

        @Test
        void ldtSelectorReadsTheLdt() {
            m.protectedMode(0, 1, 2);
            m.mem.writeQword(LDT + 8, seg(0x5000, 0xFF, P | DATA_RW, 0));
            cpu.ldtrSel = 0x28;
            cpu.ldtrBase = LDT;
            cpu.ldtrLimit = 0xF;
            cpu.ldtrAttr = P | LDT_TYPE;
            Segmentation.loadSegment(cpu, mmu, CpuState.GS, 0x0C);
            assertEquals(0x5000, cpu.segBase[CpuState.GS]);
        }

        @Test
        void systemDescriptorIsGp() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, seg(0x3000, 0x67, P | TSS32, 0));
            assertFault(CpuFault.GP, 0x18, () -> Segmentation.loadSegment(cpu, mmu, CpuState.DS, 0x18));
        }

        @Test
        void executeOnlyCodeIsGp() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, flat(P | CODE_X));
            assertFault(CpuFault.GP, 0x18, () -> Segmentation.loadSegment(cpu, mmu, CpuState.ES, 0x18));
        }

        @Test
        void rplAboveDplIsGp() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, flat(P | dpl(1) | DATA_RW));
            assertFault(CpuFault.GP, 0x18, () -> Segmentation.loadSegment(cpu, mmu, CpuState.DS, 0x1A));
        }

        @Test
        void cplAboveDplIsGp() {
            m.protectedMode(3, 1, 2);
            m.gdt(3, flat(P | dpl(2) | DATA_RW));
            assertFault(CpuFault.GP, 0x18, () -> Segmentation.loadSegment(cpu, mmu, CpuState.DS, 0x1B));
        }

        @Test
        void conformingReadableCodeIgnoresPrivilege() {
            m.protectedMode(3, 1, 2);
            m.gdt(3, flat(P | dpl(0) | CODE_CONFORMING_XR));
            Segmentation.loadSegment(cpu, mmu, CpuState.DS, 0x1B);
            assertEquals(0x1B, cpu.segSel[CpuState.DS]);
        }

        @Test
        void notPresentIsNpWithSelector() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, flat(DATA_RW));
            assertFault(CpuFault.NP, 0x18, () -> Segmentation.loadSegment(cpu, mmu, CpuState.DS, 0x18));
        }
    }

    @Nested
    class StackSegment {
        @Test
        void nullSelectorIsGpZero() {
            m.protectedMode(0, 1, 2);
            assertFault(CpuFault.GP, 0, () -> Segmentation.loadSegment(cpu, mmu, CpuState.SS, 0));
        }

        @Test
        void readOnlyDataIsGp() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, flat(P | DATA_R));
            assertFault(CpuFault.GP, 0x18, () -> Segmentation.loadSegment(cpu, mmu, CpuState.SS, 0x18));
        }

        @Test
        void rplDifferentFromCplIsGp() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, flat(P | DATA_RW));
            assertFault(CpuFault.GP, 0x18, () -> Segmentation.loadSegment(cpu, mmu, CpuState.SS, 0x19));
        }

        @Test
        void dplDifferentFromCplIsGp() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, flat(P | dpl(3) | DATA_RW));
            assertFault(CpuFault.GP, 0x18, () -> Segmentation.loadSegment(cpu, mmu, CpuState.SS, 0x18));
        }

        @Test
        void notPresentIsSsFault() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, flat(DATA_RW));
            assertFault(CpuFault.SS, 0x18, () -> Segmentation.loadSegment(cpu, mmu, CpuState.SS, 0x18));
        }

        @Test
        void sixteenBitStackClearsStack32() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, seg(0, 0xFFFF, P | DATA_RW, 0));
            Segmentation.loadSegment(cpu, mmu, CpuState.SS, 0x18);
            assertFalse(cpu.stack32);
        }
    }

    @Nested
    class Limits {
        @Test
        void expandUpAllowsOffsetsUpToTheLimit() {
            int attr = P | DATA_RW;
            assertTrue(Segmentation.withinLimit(0xFFF, attr, 0xFFC, 4));
            assertFalse(Segmentation.withinLimit(0xFFF, attr, 0xFFD, 4));
        }

        @Test
        void expandDownAllowsOffsetsAboveTheLimitUpTo64K() {
            int attr = P | DATA_RW_DOWN;
            assertFalse(Segmentation.withinLimit(0xFFF, attr, 0xFFF, 1));
            assertTrue(Segmentation.withinLimit(0xFFF, attr, 0x1000, 1));
            assertTrue(Segmentation.withinLimit(0xFFF, attr, 0xFFFE, 2));
            assertFalse(Segmentation.withinLimit(0xFFF, attr, 0xFFFF, 2));
        }

        @Test
        void bigExpandDownReachesFourGiB() {
            int attr = P | DATA_RW_DOWN | CpuState.ATTR_DB;
            assertTrue(Segmentation.withinLimit(0xFFF, attr, 0xFFFF_FFFC, 4));
        }
    }
}
