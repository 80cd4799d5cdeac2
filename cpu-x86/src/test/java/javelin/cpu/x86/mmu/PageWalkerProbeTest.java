package javelin.cpu.x86.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.testing.TestMachine;
import javelin.softmmu.SoftTlb;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link PageWalker#probe}: translations from tables written by hand in the formats of SDM
 * vol. 3, 4.3 (32-bit paging, figures 4-2 and 4-3) and 4.4 (PAE, figures 4-5 and 4-6), and
 * the absence of every side effect a guest walk has.
 */
class PageWalkerProbeTest {
    final TestMachine m = TestMachine.builder().ram(4 << 20).interpreter().build();
    final CpuState cpu = m.cpu();
    final Mmu mmu = m.mmu();

    static final int PD = 0x10000, PT = 0x11000, PAGE = 0x20000;
    static final int P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80;
    /** Directory entry 1, table entry 3, offset 0x123 (32-bit paging); PAE: PDPTE 0, PDE 2, PTE 3. */
    static final int LIN = 0x0040_3123;

    @Test
    void withoutPagingTheLinearAddressIsPhysical() {
        assertEquals(0x0012_3456L, PageWalker.probe(cpu, m.mem, 0x0012_3456));
        assertEquals(0xFFFF_FFF0L, PageWalker.probe(cpu, m.mem, 0xFFFF_FFF0));
    }

    @Nested
    class LegacyPaging {
        @BeforeEach
        void setUp() {
            cpu.cr3 = PD;
            cpu.cr0 |= CpuState.CR0_PG;
        }

        @Test
        void fourKilobytePageAddsTheOffsetToThePteFrame() {
            m.mem.writeDword(PD + 4, PT | P);
            m.mem.writeDword(PT + 3 * 4, PAGE | P);
            assertEquals(PAGE + 0x123, PageWalker.probe(cpu, m.mem, LIN));
        }

        @Test
        void accessRightsDoNotMatterToTheDebugger() {
            m.mem.writeDword(PD + 4, PT | P);                 // supervisor, read-only
            m.mem.writeDword(PT + 3 * 4, PAGE | P);
            cpu.cr0 |= CpuState.CR0_WP;
            assertEquals(PAGE + 0x123, PageWalker.probe(cpu, m.mem, LIN));
        }

        @Test
        void notPresentPdeOrPteIsUnmapped() {
            assertEquals(-1, PageWalker.probe(cpu, m.mem, LIN));
            m.mem.writeDword(PD + 4, PT | P | RW);
            m.mem.writeDword(PT + 3 * 4, PAGE | RW);          // P clear
            assertEquals(-1, PageWalker.probe(cpu, m.mem, LIN));
        }

        @Test
        void fourMegabytePageWithPseUsesPdeBits31To22() {
            cpu.cr4 |= CpuState.CR4_PSE;
            m.mem.writeDword(PD + 4, 0x0080_0000 | P | PS);
            assertEquals(0x0080_0000L + 0x3123, PageWalker.probe(cpu, m.mem, LIN));
        }

        @Test
        void psBitIsIgnoredWithoutPse() {
            m.mem.writeDword(PD + 4, PT | P | PS);             // without CR4.PSE, PS is ignored (4.3)
            m.mem.writeDword(PT + 3 * 4, PAGE | P);
            assertEquals(PAGE + 0x123, PageWalker.probe(cpu, m.mem, LIN));
        }

        @Test
        void leavesAccessedDirtyTlbAndCr2Alone() {
            m.mem.writeDword(PD + 4, PT | P | RW);
            m.mem.writeDword(PT + 3 * 4, PAGE | P | RW);
            cpu.cr2 = 0x5555;
            PageWalker.probe(cpu, m.mem, LIN);
            PageWalker.probe(cpu, m.mem, 0x7000_0000);                // unmapped: no #PF either
            assertEquals(0, m.mem.readDword(PD + 4) & A);
            assertEquals(0, m.mem.readDword(PT + 3 * 4) & (A | D));
            assertEquals(0x5555, cpu.cr2);
            assertEquals(SoftTlb.TLB_INVALID, mmu.supervisorTlb.readTag[SoftTlb.index(LIN)]);
            assertEquals(SoftTlb.TLB_INVALID, mmu.userTlb.readTag[SoftTlb.index(LIN)]);
        }
    }

    @Nested
    class PaePaging {
        static final int PDE_TABLE = 0x13000, PTE_TABLE = 0x14000;

        @BeforeEach
        void setUp() {
            cpu.cr4 |= CpuState.CR4_PAE;
            cpu.cr0 |= CpuState.CR0_PG;
            cpu.pdpte[0] = PDE_TABLE | P;                      // the PDPTE registers, loaded at CR3 write (4.4.1)
        }

        @Test
        void fourKilobytePageThroughThreeLevels() {
            m.mem.writeQword(PDE_TABLE + 2 * 8, PTE_TABLE | P);
            m.mem.writeQword(PTE_TABLE + 3 * 8, PAGE | P);
            assertEquals(PAGE + 0x123, PageWalker.probe(cpu, m.mem, LIN));
        }

        @Test
        void twoMegabytePageUsesPdeBits35To21() {
            m.mem.writeQword(PDE_TABLE + 2 * 8, 0x0060_0000L | P | PS);
            assertEquals(0x0060_0000L + 0x0000_3123, PageWalker.probe(cpu, m.mem, LIN));
        }

        @Test
        void executeDisableDoesNotHideAPage() {
            m.mem.writeQword(PDE_TABLE + 2 * 8, PTE_TABLE | P);
            m.mem.writeQword(PTE_TABLE + 3 * 8, PAGE | P | (1L << 63));
            assertEquals(PAGE + 0x123, PageWalker.probe(cpu, m.mem, LIN));
        }

        @Test
        void notPresentPdpteIsUnmapped() {
            assertEquals(-1, PageWalker.probe(cpu, m.mem, 0x4000_0000));   // PDPTE 1 is zero
        }

        @Test
        void pageAboveFourGigabytesIsUnmappedOnThisBoard() {
            m.mem.writeQword(PDE_TABLE + 2 * 8, PTE_TABLE | P);
            m.mem.writeQword(PTE_TABLE + 3 * 8, 0x1_0000_0000L | P);
            assertEquals(-1, PageWalker.probe(cpu, m.mem, LIN));
        }

        @Test
        void leavesAccessedAndDirtyBitsAlone() {
            m.mem.writeQword(PDE_TABLE + 2 * 8, PTE_TABLE | P | RW);
            m.mem.writeQword(PTE_TABLE + 3 * 8, PAGE | P | RW);
            PageWalker.probe(cpu, m.mem, LIN);
            assertEquals(0, m.mem.readQword(PDE_TABLE + 2 * 8) & A);
            assertEquals(0, m.mem.readQword(PTE_TABLE + 3 * 8) & (A | D));
        }
    }
}
