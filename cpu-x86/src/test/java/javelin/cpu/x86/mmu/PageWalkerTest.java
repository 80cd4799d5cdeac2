package javelin.cpu.x86.mmu;

import static javelin.cpu.x86.testing.Faults.assertFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.system.SystemInstructions;
import javelin.cpu.x86.testing.TestMachine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Page walks and #PF error codes against SDM vol. 3, 4.3, 4.4, 4.6, 4.7, 4.8. */
class PageWalkerTest {
    final TestMachine m = TestMachine.builder().ram(4 << 20).interpreter().build();
    final CpuState cpu = m.cpu();
    final Mmu mmu = m.mmu();

    static final int PD = 0x10000, PT = 0x11000, PAGE = 0x20000;
    static final int P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80;
    static final int LIN = 0x0040_3123;      // PDE 1, PTE 3

    @Nested
    class LegacyPaging {
        @BeforeEach
        void setUp() {
            cpu.enterFlatProtectedMode();
            cpu.cr3 = PD;
            cpu.cr0 |= CpuState.CR0_PG;
            mmu.flushAll();
        }

        void map(int pde, int pte) {
            m.mem.writeDword(PD + 4, PT | pde);
            m.mem.writeDword(PT + 3 * 4, PAGE | pte);
        }

        @Test
        void translatesAndSetsAccessedAndDirtyBits() {
            map(P | RW | US, P | RW | US);
            m.mem.writeDword(PAGE + 0x123, 0xCAFE_F00D);
            assertEquals(0xCAFE_F00D, mmu.readDword(LIN, true));
            assertEquals(A, m.mem.readDword(PD + 4) & A);
            assertEquals(A, m.mem.readDword(PT + 12) & (A | D));
            mmu.writeDword(LIN, 1, true);
            assertEquals(A | D, m.mem.readDword(PT + 12) & (A | D));
        }

        @Test
        void notPresentPteReadByUserIsErrorCode4() {
            map(P | RW | US, 0);
            assertFault(CpuFault.PF, 4, () -> mmu.readDword(LIN, true));
            assertEquals(LIN, cpu.cr2);
        }

        @Test
        void notPresentPdeWriteBySupervisorIsErrorCode2() {
            assertFault(CpuFault.PF, 2, () -> mmu.writeByte(LIN, 0, false));
        }

        @Test
        void userReadOfSupervisorPageIsErrorCode5() {
            map(P | RW | US, P | RW);
            assertFault(CpuFault.PF, 5, () -> mmu.readByte(LIN, true));
        }

        @Test
        void userWriteToReadOnlyPageIsErrorCode7() {
            map(P | US, P | RW | US);        // R/W clear in the PDE wins
            assertFault(CpuFault.PF, 7, () -> mmu.writeByte(LIN, 0, true));
        }

        @Test
        void supervisorWriteToReadOnlyPageFaultsOnlyWithWp() {
            map(P | RW | US, P | US);
            mmu.writeByte(LIN, 0x55, false);
            assertEquals(0x55, m.mem.readByte(PAGE + 0x123));
            cpu.cr0 |= CpuState.CR0_WP;
            mmu.flushAll();
            assertFault(CpuFault.PF, 3, () -> mmu.writeByte(LIN, 0, false));
        }

        @Test
        void fourMegabytePageWithPse() {
            cpu.cr4 |= CpuState.CR4_PSE;
            m.mem.writeDword(PD + 4, 0x0000_0000 | P | RW | PS);     // 4 MiB at 0 for linear 4-8 MiB
            m.mem.writeDword(0x3123, 0x1234_5678);
            assertEquals(0x1234_5678, mmu.readDword(LIN, false));
        }

        @Test
        void reservedBitInFourMegabytePdeIsRsvdFault() {
            cpu.cr4 |= CpuState.CR4_PSE;
            m.mem.writeDword(PD + 4, (1 << 13) | P | RW | PS);
            assertFault(CpuFault.PF, 0x9, () -> mmu.readDword(LIN, false));
        }

        @Test
        void cr3LoadKeepsGlobalTranslationsOnlyWithPge() {
            SystemInstructions.movToCr(cpu, mmu, 4, CpuState.CR4_PGE);
            int global = 0x0040_5000;                      // PTE 5: global
            m.mem.writeDword(PD + 4, PT | P | RW);
            m.mem.writeDword(PT + 5 * 4, 0x30000 | P | RW | 0x100);
            m.mem.writeDword(PT + 3 * 4, PAGE | P | RW);
            m.mem.writeDword(0x30000, 0x6060);
            m.mem.writeDword(PAGE + 0x123, 0x7070);
            assertEquals(0x6060, mmu.readDword(global, false));
            assertEquals(0x7070, mmu.readDword(LIN, false));
            m.mem.writeDword(PT + 5 * 4, 0);
            m.mem.writeDword(PT + 3 * 4, 0);
            SystemInstructions.movToCr(cpu, mmu, 3, PD);
            assertEquals(0x6060, mmu.readDword(global, false), "global entry survives the CR3 load");
            assertFault(CpuFault.PF, 0, () -> mmu.readDword(LIN, false));
            SystemInstructions.movToCr(cpu, mmu, 4, 0);          // clearing PGE flushes globals too
            assertFault(CpuFault.PF, 0, () -> mmu.readDword(global, false));
        }

        @Test
        void invlpgMakesAChangedPteVisible() {
            map(P | RW, P | RW);
            m.mem.writeDword(PAGE + 0x123, 1);
            assertEquals(1, mmu.readDword(LIN, false));
            m.mem.writeDword(PT + 12, 0);
            assertEquals(1, mmu.readDword(LIN, false), "stale TLB entry until INVLPG");
            SystemInstructions.invlpg(cpu, mmu, LIN);
            assertFault(CpuFault.PF, 0, () -> mmu.readDword(LIN, false));
        }
    }

    @Nested
    class PaePaging {
        static final int PDPT = 0x12000, PDE_TABLE = 0x13000, PTE_TABLE = 0x14000;

        @BeforeEach
        void setUp() {
            cpu.enterFlatProtectedMode();
            m.mem.writeQword(PDPT, PDE_TABLE | P);
            m.mem.writeQword(PDE_TABLE + 2 * 8, PTE_TABLE | P | RW | US);   // linear 4 MiB..6 MiB
            m.mem.writeQword(PTE_TABLE + 3 * 8, PAGE | P | RW | US);
            SystemInstructions.movToCr(cpu, mmu, 4, CpuState.CR4_PAE);
            SystemInstructions.movToCr(cpu, mmu, 3, PDPT);
            SystemInstructions.movToCr(cpu, mmu, 0, cpu.cr0 | CpuState.CR0_PG);
        }

        @Test
        void translatesThroughThreeLevels() {
            m.mem.writeDword(PAGE + 0x123, 0xABCD);
            assertEquals(0xABCD, mmu.readDword(LIN, false));
        }

        @Test
        void twoMegabytePage() {
            m.mem.writeQword(PDE_TABLE + 2 * 8, 0x0020_0000L | P | RW | PS);
            SystemInstructions.movToCr(cpu, mmu, 3, PDPT);
            m.mem.writeDword(0x0020_3123, 0x77);
            assertEquals(0x77, mmu.readDword(LIN, false));
        }

        @Test
        void reservedPdpteBitMakesCr3LoadGp() {
            m.mem.writeQword(PDPT + 8, 0x1000 | P | (1 << 5));
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.movToCr(cpu, mmu, 3, PDPT));
        }

        @Test
        void xdBitIsReservedWithoutNxe() {
            m.mem.writeQword(PTE_TABLE + 3 * 8, PAGE | P | RW | US | (1L << 63));
            assertFault(CpuFault.PF, 0x9, () -> mmu.readDword(LIN, false));
        }

        @Test
        void fetchFromNxPageIsPresentInstructionFetchFault() {
            cpu.efer = CpuState.EFER_NXE;
            m.mem.writeQword(PTE_TABLE + 3 * 8, PAGE | P | RW | US | (1L << 63));
            assertEquals(0, mmu.readDword(LIN, false), "reads are allowed");
            mmu.flushAll();
            assertFault(CpuFault.PF, 0x15, () -> mmu.fetchByte(LIN, true));
        }

        @Test
        void notPresentFetchReportsInstructionFetchWithNxe() {
            cpu.efer = CpuState.EFER_NXE;
            m.mem.writeQword(PTE_TABLE + 3 * 8, 0);
            assertFault(CpuFault.PF, 0x10, () -> mmu.fetchByte(LIN, false));
        }

        @Test
        void physicalAddressBitsAboveMaxPhyAddrAreReserved() {
            m.mem.writeQword(PTE_TABLE + 3 * 8, (1L << 40) | PAGE | P | RW);
            assertThrows(CpuFault.class, () -> mmu.translate(LIN, Mmu.ACCESS_READ, false));
            assertEquals(0x9, assertThrows(CpuFault.class, () -> mmu.readDword(LIN, false)).errorCode);
        }
    }
}
