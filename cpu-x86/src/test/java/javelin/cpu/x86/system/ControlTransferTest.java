package javelin.cpu.x86.system;

import static javelin.cpu.x86.system.DescriptorTables.*;
import static javelin.cpu.x86.testing.Faults.assertFault;
import static org.junit.jupiter.api.Assertions.assertEquals;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Far JMP/CALL/RET and IRET against SDM vol. 2 and vol. 3, 5.8. */
class ControlTransferTest {
    final DescriptorTables m = new DescriptorTables();
    final CpuState cpu = m.cpu;
    final Mmu mmu = m.mmu;

    @Nested
    class RealMode {
        @Test
        void farCallPushesCsIpAndRetfPopsThem() {
            cpu.loadRealModeSegment(CpuState.CS, 0x1000);
            cpu.loadRealModeSegment(CpuState.SS, 0);
            cpu.regs[CpuState.ESP] = 0x800;
            cpu.eip = 0x0105;
            ControlTransfer.farCall(cpu, mmu, 0x2000, 0x0010, false);
            assertEquals(0x20000, cpu.segBase[CpuState.CS]);
            assertEquals(0x0010, cpu.eip);
            assertEquals(0x0105, m.mem.readWord(0x7FC));
            assertEquals(0x1000, m.mem.readWord(0x7FE));
            ControlTransfer.farReturn(cpu, mmu, false, 4);
            assertEquals(0x1000, cpu.segSel[CpuState.CS]);
            assertEquals(0x0105, cpu.eip);
            assertEquals(0x804, cpu.regs[CpuState.ESP]);
        }

        @Test
        void iretRestoresFlags() {
            cpu.loadRealModeSegment(CpuState.SS, 0);
            cpu.regs[CpuState.ESP] = 0x7FA;
            m.mem.writeWord(0x7FA, 0x0100);
            m.mem.writeWord(0x7FC, 0x3000);
            m.mem.writeWord(0x7FE, 0x0203);
            ControlTransfer.iret(cpu, mmu, false);
            assertEquals(0x30000, cpu.segBase[CpuState.CS]);
            assertEquals(0x0203, cpu.getEflags() & 0xFFFF);
        }
    }

    @Nested
    class ProtectedMode {
        @BeforeEach
        void setUp() {
            m.protectedMode(3, 3, 4);
            m.gdt(1, flat(P | CODE_XR));
            m.gdt(2, flat(P | DATA_RW));
            m.tss32(5, TSS, 0x9000, 0x10);
            cpu.regs[CpuState.ESP] = 0x7000;
            cpu.eip = 0x4444;
        }

        @Test
        void callGateCopiesParametersAndSwitchesStacks() {
            m.gdt(6, gate(0x08, 0x1000, P | dpl(3) | CALL_GATE32, 2));
            m.mem.writeDword(0x7000, 0xA1);
            m.mem.writeDword(0x7004, 0xA2);
            ControlTransfer.farCall(cpu, mmu, 0x33, 0, true);
            assertEquals(0, cpu.cpl);
            assertEquals(0x1000, cpu.eip);
            assertEquals(0x9000 - 24, cpu.regs[CpuState.ESP]);
            assertEquals(0x4444, m.stackDword(0));
            assertEquals(0x1B, m.stackDword(4));
            assertEquals(0xA1, m.stackDword(8));
            assertEquals(0xA2, m.stackDword(12));
            assertEquals(0x7000, m.stackDword(16));
            assertEquals(0x23, m.stackDword(20));
        }

        @Test
        void farReturnToOuterLevelReleasesParametersAndNullsPrivilegedDataSegments() {
            m.gdt(6, gate(0x08, 0x1000, P | dpl(3) | CALL_GATE32, 2));
            ControlTransfer.farCall(cpu, mmu, 0x33, 0, true);
            Segmentation.loadSegment(cpu, mmu, CpuState.DS, 0x10);
            ControlTransfer.farReturn(cpu, mmu, true, 8);
            assertEquals(3, cpu.cpl);
            assertEquals(0x4444, cpu.eip);
            assertEquals(0x7008, cpu.regs[CpuState.ESP]);
            assertEquals(0x23, cpu.segSel[CpuState.SS]);
            assertEquals(0, cpu.segSel[CpuState.DS], "DPL 0 data segment nulled at CPL 3");
            assertEquals(0x23, cpu.segSel[CpuState.ES], "DPL 3 segment kept");
        }

        @Test
        void sixteenBitCallGateCopiesWordParameters() {
            m.gdt(6, gate(0x08, 0x1000, P | dpl(3) | 0x4, 1));    // 16-bit call gate, 1 word
            m.mem.writeWord(0x7000, 0xABCD);
            ControlTransfer.farCall(cpu, mmu, 0x33, 0, true);
            assertEquals(0x9000 - 10, cpu.regs[CpuState.ESP]);
            assertEquals(0x4444, m.mem.readWord(0x9000 - 10));    // IP
            assertEquals(0x1B, m.mem.readWord(0x9000 - 8));       // CS
            assertEquals(0xABCD, m.mem.readWord(0x9000 - 6));     // parameter
            assertEquals(0x7000, m.mem.readWord(0x9000 - 4));     // SP
            assertEquals(0x23, m.mem.readWord(0x9000 - 2));       // SS
        }

        @Test
        void iretInV86WithVmeLoadsVifFromTheImage() {
            m.protectedMode(0, 1, 2);
            cpu.cr4 |= CpuState.CR4_VME;
            cpu.setEflags(0x0002 | CpuState.VM);
            for (int s = 0; s < 6; s++) Segmentation.loadV86(cpu, s, 0);
            cpu.updateModeCaches();
            cpu.regs[CpuState.ESP] = 0x6000;
            m.mem.writeWord(0x6000, 0x0100);
            m.mem.writeWord(0x6002, 0x2000);
            m.mem.writeWord(0x6004, 0x0202);          // IF set in the image
            ControlTransfer.iret(cpu, mmu, false);
            assertEquals(0x20000, cpu.segBase[CpuState.CS]);
            assertEquals(CpuState.VIF, cpu.getEflags() & (CpuState.VIF | CpuState.IF), "IF goes to VIF");
        }

        @Test
        void iretInV86WithoutVmeAndIoplBelow3IsGp() {
            m.protectedMode(0, 1, 2);
            cpu.setEflags(0x0002 | CpuState.VM);
            cpu.updateModeCaches();
            assertFault(CpuFault.GP, 0, () -> ControlTransfer.iret(cpu, mmu, false));
        }

        @Test
        void callGateWithDplBelowCplIsGp() {
            m.gdt(6, gate(0x08, 0x1000, P | CALL_GATE32, 0));
            assertFault(CpuFault.GP, 0x30, () -> ControlTransfer.farCall(cpu, mmu, 0x33, 0, true));
        }

        @Test
        void notPresentCallGateIsNp() {
            m.gdt(6, gate(0x08, 0x1000, dpl(3) | CALL_GATE32, 0));
            assertFault(CpuFault.NP, 0x30, () -> ControlTransfer.farCall(cpu, mmu, 0x33, 0, true));
        }

        @Test
        void jumpToMorePrivilegedNonConformingCodeIsGp() {
            assertFault(CpuFault.GP, 0x08, () -> ControlTransfer.farJump(cpu, mmu, 0x08, 0, true));
        }

        @Test
        void jumpToConformingCodeKeepsCpl() {
            m.gdt(6, flat(P | CODE_CONFORMING_XR));
            ControlTransfer.farJump(cpu, mmu, 0x30, 0x100, true);
            assertEquals(3, cpu.cpl);
            assertEquals(0x33, cpu.segSel[CpuState.CS]);
        }

        @Test
        void jumpBeyondCodeLimitIsGpZero() {
            m.gdt(6, seg(0, 0xFFF, P | dpl(3) | CODE_XR, DB));
            assertFault(CpuFault.GP, 0, () -> ControlTransfer.farJump(cpu, mmu, 0x33, 0x1000, true));
        }

        @Test
        void jumpToNotPresentCodeIsNp() {
            m.gdt(6, flat(dpl(3) | CODE_XR));
            assertFault(CpuFault.NP, 0x30, () -> ControlTransfer.farJump(cpu, mmu, 0x33, 0, true));
        }

        @Test
        void jumpToNullSelectorIsGpZero() {
            assertFault(CpuFault.GP, 0, () -> ControlTransfer.farJump(cpu, mmu, 0x3, 0, true));
        }

        @Test
        void returnToMorePrivilegedLevelIsGp() {
            m.mem.writeDword(0x7000, 0x100);
            m.mem.writeDword(0x7004, 0x08);
            assertFault(CpuFault.GP, 0x08, () -> ControlTransfer.farReturn(cpu, mmu, true, 0));
        }

        @Test
        void iretAtCpl3CannotChangeIoplOrIf() {
            cpu.setEflags(0x0002);
            m.mem.writeDword(0x7000, 0x100);
            m.mem.writeDword(0x7004, 0x1B);
            m.mem.writeDword(0x7008, 0x3202 | CpuState.CF);
            ControlTransfer.iret(cpu, mmu, true);
            assertEquals(0x0002 | CpuState.CF, cpu.getEflags());
        }
    }
}
