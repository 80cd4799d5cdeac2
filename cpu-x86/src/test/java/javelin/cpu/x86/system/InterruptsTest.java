package javelin.cpu.x86.system;

import static javelin.cpu.x86.system.DescriptorTables.*;
import static javelin.cpu.x86.testing.Faults.assertFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Interrupt and exception delivery against SDM vol. 3, chapter 6 and 20.3, and vol. 2 INT n. */
class InterruptsTest {
    final DescriptorTables m = new DescriptorTables();
    final CpuState cpu = m.cpu;
    final Mmu mmu = m.mmu;

    @Nested
    class RealMode {
        @Test
        void pushesFlagsCsIpAndJumpsThroughTheIvt() {
            m.mem.writeDword(0x21 * 4, 0x1234_5678);      // handler at 1234:5678
            cpu.loadRealModeSegment(CpuState.CS, 0x2000);
            cpu.loadRealModeSegment(CpuState.SS, 0x3000);
            cpu.eip = 0x0100;
            cpu.regs[CpuState.ESP] = 0x1000;
            cpu.setEflags(0x0202 | CpuState.TF);
            Interrupts.deliver(cpu, mmu, 0x21, -1, Interrupts.SOFTWARE);
            assertEquals(0x1234, cpu.segSel[CpuState.CS]);
            assertEquals(0x12340, cpu.segBase[CpuState.CS]);
            assertEquals(0x5678, cpu.eip);
            assertEquals(0x0FFA, cpu.regs[CpuState.ESP]);
            assertEquals(0x0100, m.mem.readWord(0x30FFA));
            assertEquals(0x2000, m.mem.readWord(0x30FFC));
            assertEquals(0x0302, m.mem.readWord(0x30FFE));
            assertEquals(0, cpu.getEflags() & (CpuState.IF | CpuState.TF));
        }

        @Test
        void stackPointerWrapsWithin64K() {
            m.mem.writeDword(8 * 4, 0xF000_0000);
            cpu.loadRealModeSegment(CpuState.SS, 0x1000);
            cpu.regs[CpuState.ESP] = 0x0002;
            Interrupts.deliver(cpu, mmu, 8, -1, Interrupts.EXTERNAL);
            assertEquals(0xFFFC, cpu.regs[CpuState.ESP]);
        }
    }

    @Nested
    class ProtectedModeGates {
        @BeforeEach
        void setUp() {
            m.protectedMode(0, 1, 2);
            cpu.regs[CpuState.ESP] = 0x8000;
            cpu.eip = 0x4444;
            cpu.setEflags(0x0202);
        }

        @Test
        void interruptGatePushesFrameAndErrorCodeAndClearsIf() {
            m.idt(13, gate(0x08, 0x0010_2000, P | INT_GATE32, 0));
            Interrupts.deliver(cpu, mmu, 13, 0x18, Interrupts.EXCEPTION);
            assertEquals(0x0010_2000, cpu.eip);
            assertEquals(0x8000 - 16, cpu.regs[CpuState.ESP]);
            assertEquals(0x18, m.stackDword(0));
            assertEquals(0x4444, m.stackDword(4));
            assertEquals(0x08, m.stackDword(8));
            assertEquals(0x0202 | CpuState.RF, m.stackDword(12), "a fault's image has RF (SDM vol. 3, 17.3.1.1)");
            assertEquals(0, cpu.getEflags() & CpuState.IF);
        }

        @Test
        void faultImageHasResumeFlagSetButInterruptImageDoesNot() {
            m.idt(6, gate(0x08, 0x3000, P | INT_GATE32, 0));
            m.idt(0x40, gate(0x08, 0x3000, P | INT_GATE32, 0));
            Interrupts.deliver(cpu, mmu, 6, -1, Interrupts.EXCEPTION);
            assertEquals(CpuState.RF, m.stackDword(8) & CpuState.RF);
            cpu.regs[CpuState.ESP] = 0x8000;
            Interrupts.deliver(cpu, mmu, 0x40, -1, Interrupts.EXTERNAL);
            assertEquals(0, m.stackDword(8) & CpuState.RF);
            assertEquals(0, cpu.getEflags() & CpuState.RF, "RF is clear in the handler");
        }

        @Test
        void trapGateKeepsIf() {
            m.idt(3, gate(0x08, 0x3000, P | dpl(3) | TRAP_GATE32, 0));
            Interrupts.deliver(cpu, mmu, 3, -1, Interrupts.SOFTWARE);
            assertEquals(CpuState.IF, cpu.getEflags() & CpuState.IF);
            assertEquals(0x8000 - 12, cpu.regs[CpuState.ESP]);
        }

        @Test
        void sixteenBitGatePushesWords() {
            m.idt(0x30, gate(0x08, 0x1234, P | INT_GATE16, 0));
            Interrupts.deliver(cpu, mmu, 0x30, -1, Interrupts.EXTERNAL);
            assertEquals(0x8000 - 6, cpu.regs[CpuState.ESP]);
            assertEquals(0x4444, m.mem.readWord(0x8000 - 6));
            assertEquals(0x08, m.mem.readWord(0x8000 - 4));
        }

        @Test
        void softwareInterruptThroughLowerDplGateIsGpWithIdtSelectorAndNoExt() {
            m.protectedMode(3, 3, 4);
            m.idt(0x80, gate(0x08, 0x1000, P | INT_GATE32, 0));
            cpu.regs[CpuState.ESP] = 0x7000;
            assertFault(CpuFault.GP, 0x80 * 8 + 2, () -> Interrupts.deliver(cpu, mmu, 0x80, -1, Interrupts.SOFTWARE));
            assertEquals(0x7000, cpu.regs[CpuState.ESP], "nothing committed");
            assertEquals(3, cpu.cpl);
        }

        @Test
        void notPresentGateForAnExceptionIsNpWithIdtAndExtBits() {
            m.idt(0x40, gate(0x08, 0x1000, INT_GATE32, 0));
            m.idt(11, gate(0x08, 0x5000, P | INT_GATE32, 0));
            Interrupts.deliver(cpu, mmu, 0x40, -1, Interrupts.EXTERNAL);
            assertEquals(0x5000, cpu.eip);
            assertEquals(0x40 * 8 + 2 + 1, m.stackDword(0));
        }

        @Test
        void privilegeChangeSwitchesToTheTssStack() {
            m.protectedMode(3, 3, 4);
            m.gdt(1, flat(P | CODE_XR));
            m.gdt(2, flat(P | DATA_RW));
            m.tss32(5, TSS, 0x9000, 0x10);
            cpu.regs[CpuState.ESP] = 0x7000;
            cpu.eip = 0x4444;
            m.idt(0x80, gate(0x08, 0x1000, P | dpl(3) | INT_GATE32, 0));
            Interrupts.deliver(cpu, mmu, 0x80, -1, Interrupts.SOFTWARE);
            assertEquals(0, cpu.cpl);
            assertEquals(0x10, cpu.segSel[CpuState.SS]);
            assertEquals(0x9000 - 20, cpu.regs[CpuState.ESP]);
            assertEquals(0x4444, m.stackDword(0));
            assertEquals(0x1B, m.stackDword(4));
            assertEquals(0x7000, m.stackDword(12));
            assertEquals(0x23, m.stackDword(16));
        }

        @Test
        void nullStackSelectorInTheTssIsTsWhenChangingPrivilege() {
            m.protectedMode(3, 3, 4);
            m.gdt(1, flat(P | CODE_XR));
            m.gdt(2, flat(P | DATA_RW));
            m.tss32(5, TSS, 0x9000, 0);                    // SS0 = null
            m.idt(0x80, gate(0x08, 0x1000, P | dpl(3) | INT_GATE32, 0));
            assertFault(CpuFault.TS, 0, () -> Interrupts.deliver(cpu, mmu, 0x80, -1, Interrupts.SOFTWARE));
        }

        @Test
        void tssTooShortForTheStackFieldsIsTsWithTheTssSelector() {
            m.protectedMode(3, 3, 4);
            m.gdt(1, flat(P | CODE_XR));
            m.tss32(5, TSS, 0x9000, 0x10);
            cpu.trLimit = 0x05;                            // ESP0 at 4..7 is beyond the limit
            m.idt(0x80, gate(0x08, 0x1000, P | dpl(3) | INT_GATE32, 0));
            assertFault(CpuFault.TS, 0x28, () -> Interrupts.deliver(cpu, mmu, 0x80, -1, Interrupts.SOFTWARE));
        }

        @Test
        void gateToNonCodeSegmentIsGpWithTargetSelectorAndExt() {
            m.idt(0x41, gate(0x10, 0x1000, P | INT_GATE32, 0));
            m.idt(13, gate(0x08, 0x6000, P | INT_GATE32, 0));
            Interrupts.deliver(cpu, mmu, 0x41, -1, Interrupts.EXTERNAL);
            assertEquals(0x6000, cpu.eip);
            assertEquals(0x11, m.stackDword(0));
        }

        @Test
        void nmiIsBlockedUntilIret() {
            m.idt(2, gate(0x08, 0x1000, P | INT_GATE32, 0));
            Interrupts.deliver(cpu, mmu, 2, -1, Interrupts.EXTERNAL);
            assertTrue(cpu.nmiBlocked);
            ControlTransfer.iret(cpu, mmu, true);
            assertFalse(cpu.nmiBlocked);
            assertEquals(0x4444, cpu.eip);
        }
    }

    @Nested
    class DoubleAndTripleFault {
        @BeforeEach
        void setUp() {
            m.protectedMode(0, 1, 2);
            cpu.regs[CpuState.ESP] = 0x8000;
        }

        @Test
        void contributoryDuringContributoryIsDoubleFaultWithErrorCodeZero() {
            m.idt(11, gate(0x08, 0x1000, INT_GATE32, 0));     // #NP handler not present -> #NP
            m.idt(8, gate(0x08, 0x8888, P | INT_GATE32, 0));
            Interrupts.deliver(cpu, mmu, 13, 0, Interrupts.EXCEPTION);
            assertEquals(0x8888, cpu.eip, "#GP gate absent -> #NP while delivering #GP -> #DF");
        }

        @Test
        void pageFaultDuringPageFaultIsDoubleFault() {
            assertTrue(Interrupts.causesDoubleFault(CpuFault.PF, CpuFault.PF));
            assertTrue(Interrupts.causesDoubleFault(CpuFault.PF, CpuFault.GP));
            assertFalse(Interrupts.causesDoubleFault(CpuFault.GP, CpuFault.PF));
            assertFalse(Interrupts.causesDoubleFault(CpuFault.DB, CpuFault.GP));
        }

        @Test
        void benignFirstIsHandledSerially() {
            m.idt(6, gate(0x08, 0x1000, INT_GATE32, 0));      // #UD gate not present
            m.idt(11, gate(0x08, 0x7777, P | INT_GATE32, 0));
            Interrupts.deliver(cpu, mmu, 6, -1, Interrupts.EXCEPTION);
            assertEquals(0x7777, cpu.eip);
            assertEquals(6 * 8 + 3, m.stackDword(0));
        }

        @Test
        void faultWhileDeliveringDoubleFaultShutsDown() {
            cpu.idtrLimit = 0;                                   // nothing is deliverable
            Interrupts.deliver(cpu, mmu, 0, -1, Interrupts.EXCEPTION);
            assertTrue(cpu.shutdownRequested);
        }
    }

    @Nested
    class V86Mode {
        @BeforeEach
        void setUp() {
            m.protectedMode(0, 1, 2);
            m.tss32(5, TSS, 0x9000, 0x10);
            m.idt(0x21, gate(0x08, 0xAAAA, P | dpl(3) | INT_GATE32, 0));
            m.idt(13, gate(0x08, 0xBBBB, P | INT_GATE32, 0));
            cpu.setEflags(0x0202 | CpuState.VM | (3 << 12));
            for (int s = 0; s < 6; s++) Segmentation.loadV86(cpu, s, 0x1000 + s);
            cpu.updateModeCaches();
            cpu.regs[CpuState.ESP] = 0xFFF0;
            cpu.eip = 0x0123;
        }

        @Test
        void interruptLeavesV86PushingDataSegmentsAndNullingThem() {
            Interrupts.deliver(cpu, mmu, 0x21, -1, Interrupts.SOFTWARE);
            assertFalse(cpu.v86Mode());
            assertEquals(0, cpu.cpl);
            assertEquals(0xAAAA, cpu.eip);
            assertEquals(0x9000 - 36, cpu.regs[CpuState.ESP]);
            assertEquals(0x0123, m.stackDword(0));
            assertEquals(0x1001, m.stackDword(4));                // CS
            assertTrue((m.stackDword(8) & CpuState.VM) != 0);      // EFLAGS with VM
            assertEquals(0xFFF0, m.stackDword(12));
            assertEquals(0x1002, m.stackDword(16));               // SS
            assertEquals(0x1000, m.stackDword(20));               // ES
            assertEquals(0x1003, m.stackDword(24));               // DS
            assertEquals(0x1004, m.stackDword(28));               // FS
            assertEquals(0x1005, m.stackDword(32));               // GS
            assertEquals(0, cpu.segSel[CpuState.DS]);
            assertEquals(0, cpu.segSel[CpuState.GS]);
        }

        @Test
        void interruptFromV86ToAHandlerAboveCpl0IsGp() {
            m.gdt(6, flat(P | dpl(3) | CODE_XR));
            m.idt(0x22, gate(0x33, 0x1000, P | dpl(3) | INT_GATE32, 0));
            assertFault(CpuFault.GP, 0x30, () -> Interrupts.deliver(cpu, mmu, 0x22, -1, Interrupts.SOFTWARE));
        }

        @Test
        void iretReturnsToV86() {
            Interrupts.deliver(cpu, mmu, 0x21, -1, Interrupts.SOFTWARE);
            ControlTransfer.iret(cpu, mmu, true);
            assertTrue(cpu.v86Mode());
            assertEquals(3, cpu.cpl);
            assertEquals(0x10030, cpu.segBase[CpuState.DS]);
            assertEquals(0xFFF0, cpu.regs[CpuState.ESP]);
            assertEquals(0x0123, cpu.eip);
        }

        @Test
        void softwareInterruptWithIoplBelow3IsGp() {
            cpu.setEflags(cpu.getEflags() & ~CpuState.IOPL);
            assertFault(CpuFault.GP, 0, () -> Interrupts.deliver(cpu, mmu, 0x21, -1, Interrupts.SOFTWARE));
            assertTrue(cpu.v86Mode());
        }

        @Test
        void int3IsNotIoplSensitiveAndGoesToTheProtectedModeHandler() {
            cpu.setEflags(cpu.getEflags() & ~CpuState.IOPL);
            cpu.cr4 |= CpuState.CR4_VME;                  // and is never redirected
            m.idt(3, gate(0x08, 0xCCCC, P | dpl(3) | INT_GATE32, 0));
            Interrupts.deliver(cpu, mmu, 3, -1, Interrupts.SOFTWARE_EXCEPTION);
            assertFalse(cpu.v86Mode());
            assertEquals(0xCCCC, cpu.eip);
        }

        @Test
        void int3ThroughADpl0GateIsGp() {
            m.idt(3, gate(0x08, 0xCCCC, P | INT_GATE32, 0));
            assertFault(CpuFault.GP, 3 * 8 + 2, () -> Interrupts.deliver(cpu, mmu, 3, -1, Interrupts.SOFTWARE_EXCEPTION));
        }

        @Test
        void vmeRedirectsThroughTheV86IvtWhenTheBitmapBitIsClear() {
            cpu.cr4 |= CpuState.CR4_VME;
            cpu.setEflags((cpu.getEflags() & ~CpuState.IOPL) | CpuState.VIF);
            m.mem.writeDword(0x21 * 4, 0x2000_0100);      // v86 handler 2000:0100
            // redirection bitmap: 32 bytes below the I/O map base (0x68); all clear -> redirect
            Interrupts.deliver(cpu, mmu, 0x21, -1, Interrupts.SOFTWARE);
            assertTrue(cpu.v86Mode());
            assertEquals(0x20000, cpu.segBase[CpuState.CS]);
            assertEquals(0x0100, cpu.eip);
            assertEquals(0xFFF0 - 6, cpu.regs[CpuState.ESP]);
            int pushedFlags = m.mem.readWord(0x10020 + 0xFFF0 - 2);
            assertEquals(CpuState.IF | CpuState.IOPL, pushedFlags & (CpuState.IF | CpuState.IOPL), "IF = VIF, IOPL = 3");
            assertEquals(0, cpu.getEflags() & CpuState.VIF);
            assertEquals(CpuState.IF, cpu.getEflags() & CpuState.IF);
        }

        @Test
        void vmeWithTheBitmapBitSetGoesToTheProtectedModeHandler() {
            cpu.cr4 |= CpuState.CR4_VME;
            m.mem.writeByte(TSS + 0x68 - 32 + (0x21 >>> 3), 1 << (0x21 & 7));
            Interrupts.deliver(cpu, mmu, 0x21, -1, Interrupts.SOFTWARE);
            assertFalse(cpu.v86Mode());
            assertEquals(0xAAAA, cpu.eip);
        }
    }
}
