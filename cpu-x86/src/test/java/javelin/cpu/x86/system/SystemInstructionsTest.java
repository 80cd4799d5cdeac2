package javelin.cpu.x86.system;

import static javelin.cpu.x86.system.DescriptorTables.*;
import static javelin.cpu.x86.testing.Faults.assertFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;
import javelin.softmmu.ManualClock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** System instructions against their SDM vol. 2 pages. */
class SystemInstructionsTest {
    final DescriptorTables m = new DescriptorTables();
    final CpuState cpu = m.cpu;
    final Mmu mmu = m.mmu;
    final CpuSocket socket = m.socket;

    boolean zf() {
        return (cpu.getEflags() & CpuState.ZF) != 0;
    }

    @Nested
    class Privilege {
        @Test
        void privilegedInstructionsAreGpAtCpl3() {
            m.protectedMode(3, 3, 4);
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.hlt(cpu));
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.movToCr(cpu, mmu, 0, 0));
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.lgdt(cpu, 0, 0));
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.rdmsr(cpu, socket));
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.invlpg(cpu, mmu, 0));
        }

        @Test
        void lldtAndLtrAreUndefinedInRealMode() {
            assertFault(CpuFault.UD, -1, () -> SystemInstructions.lldt(cpu, mmu, 0));
            assertFault(CpuFault.UD, -1, () -> SystemInstructions.ltr(cpu, mmu, 0x28));
        }

        @Test
        void testRegistersDoNotExistOnTheP6() {
            assertFault(CpuFault.UD, -1, () -> SystemInstructions.movToTr(cpu, 6, 0));
        }
    }

    @Nested
    class ControlRegisterWrites {
        @Test
        void pagingWithoutProtectionIsGp() {
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.movToCr(cpu, mmu, 0, CpuState.CR0_PG));
        }

        @Test
        void notWriteThroughWithoutCacheDisableIsGp() {
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.movToCr(cpu, mmu, 0, CpuState.CR0_NW));
        }

        @Test
        void etIsHardWiredToOne() {
            SystemInstructions.movToCr(cpu, mmu, 0, 0);
            assertEquals(CpuState.CR0_ET, cpu.cr0);
        }

        @Test
        void unsupportedCr4BitIsGp() {
            // OSXMMEXCPT (bit 10) needs SSE, which CPUID does not advertise.
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.movToCr(cpu, mmu, 4, 1 << 10));
        }

        @Test
        void osfxsrIsWritableBecauseCpuidAdvertisesFxsr() {
            SystemInstructions.movToCr(cpu, mmu, 4, CpuState.CR4_OSFXSR | CpuState.CR4_PGE | CpuState.CR4_PSE);
            assertEquals(CpuState.CR4_OSFXSR | CpuState.CR4_PGE | CpuState.CR4_PSE, cpu.cr4);
        }

        @Test
        void lmswCannotClearPe() {
            cpu.cr0 |= CpuState.CR0_PE;
            SystemInstructions.lmsw(cpu, mmu, CpuState.CR0_TS);
            assertEquals(CpuState.CR0_PE | CpuState.CR0_TS, cpu.cr0 & 0xF);
        }

        @Test
        void dr4AliasesDr6UnlessDebugExtensions() {
            assertEquals(0xFFFF_0FF0, SystemInstructions.movFromDr(cpu, 4));
            cpu.cr4 |= CpuState.CR4_DE;
            assertFault(CpuFault.UD, -1, () -> SystemInstructions.movFromDr(cpu, 4));
        }

        @Test
        void dr7KeepsBit10Set() {
            SystemInstructions.movToDr(cpu, 7, 0);
            assertEquals(0x400, SystemInstructions.movFromDr(cpu, 7));
        }
    }

    @Nested
    class DescriptorQueries {
        @Test
        void larReportsAccessRightsAndSetsZf() {
            m.protectedMode(0, 1, 2);
            // Bits 19:16 are undefined (the SDM's mask is 00FxFF00H): compare the defined ones.
            assertEquals(0x00C0_9B00, SystemInstructions.lar(cpu, mmu, 0x08) & 0x00F0_FF00);
            assertTrue(zf());
        }

        @Test
        void larRejectsInterruptGatesAndClearsZf() {
            m.protectedMode(0, 1, 2);
            m.gdt(3, gate(0x08, 0, P | INT_GATE32, 0));
            assertEquals(-1, SystemInstructions.lar(cpu, mmu, 0x18));
            assertFalse(zf());
        }

        @Test
        void lslReturnsTheByteGranularLimit() {
            m.protectedMode(0, 1, 2);
            assertEquals(0xFFFF_FFFF, SystemInstructions.lsl(cpu, mmu, 0x10));
            assertTrue(zf());
        }

        @Test
        void verrAndVerwHonourPrivilege() {
            m.protectedMode(3, 3, 4);
            m.gdt(1, flat(P | CODE_XR));
            assertFalse(SystemInstructions.verr(cpu, mmu, 0x08), "DPL 0 invisible at CPL 3");
            assertTrue(SystemInstructions.verw(cpu, mmu, 0x23));
            assertFalse(SystemInstructions.verw(cpu, mmu, 0x1B), "code is never writable");
        }

        @Test
        void arplRaisesRpl() {
            m.protectedMode(0, 1, 2);
            assertEquals(0x0B, SystemInstructions.arpl(cpu, 0x08, 0x13));
            assertTrue(zf());
            assertEquals(0x0B, SystemInstructions.arpl(cpu, 0x0B, 0x10));
            assertFalse(zf());
        }

        @Test
        void ltrMarksTheTssBusy() {
            m.protectedMode(0, 1, 2);
            m.gdt(5, seg(TSS, 0x67, P | TSS32, 0));
            SystemInstructions.ltr(cpu, mmu, 0x28);
            assertEquals(TSS32_BUSY, (int) (m.gdtEntry(5) >>> 40) & 0xF);
            assertFault(CpuFault.GP, 0x28, () -> SystemInstructions.ltr(cpu, mmu, 0x28));
        }
    }

    @Nested
    class Flags {
        @Test
        void popfAtCpl3KeepsIoplAndIfWhenIoplIsZero() {
            m.protectedMode(3, 3, 4);
            cpu.setEflags(0x0002);
            assertEquals(0x0002 | CpuState.CF, SystemInstructions.popfValue(cpu, 0x3203 | CpuState.CF, true));
        }

        @Test
        void popfNeverChangesVmOrVif() {
            int v = SystemInstructions.popfValue(cpu, CpuState.VM | CpuState.VIF | CpuState.VIP | 0x2, true);
            assertEquals(0, v & (CpuState.VM | CpuState.VIF | CpuState.VIP));
        }

        @Test
        void cliAtCplAboveIoplIsGp() {
            m.protectedMode(3, 3, 4);
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.cli(cpu));
        }

        @Test
        void cliWithPviClearsVif() {
            m.protectedMode(3, 3, 4);
            cpu.cr4 |= CpuState.CR4_PVI;
            cpu.setEflags(0x0202 | CpuState.VIF);
            SystemInstructions.cli(cpu);
            assertEquals(CpuState.IF, cpu.getEflags() & (CpuState.IF | CpuState.VIF));
        }

        @Test
        void v86PushfWithVmeShowsVifAsIfAndIopl3() {
            m.protectedMode(0, 1, 2);
            cpu.cr4 |= CpuState.CR4_VME;
            cpu.setEflags(0x0002 | CpuState.VM | CpuState.VIF);
            cpu.updateModeCaches();
            int image = SystemInstructions.pushfValue(cpu, false);
            assertEquals(CpuState.IF | CpuState.IOPL, image & (CpuState.IF | CpuState.IOPL));
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.pushfValue(cpu, true));
        }

        @Test
        void stiWithPendingVirtualInterruptIsGpUnderVme() {
            m.protectedMode(0, 1, 2);
            cpu.cr4 |= CpuState.CR4_VME;
            cpu.setEflags(0x0002 | CpuState.VM | CpuState.VIP);
            cpu.updateModeCaches();
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.sti(cpu));
        }
    }

    @Nested
    class IoPermission {
        @Test
        void bitmapDecidesAboveIopl() {
            m.protectedMode(3, 3, 4);
            m.tss32(5, TSS, 0x9000, 0x10);
            m.gdt(5, seg(TSS, 0x68 + 0x2000, P | TSS32_BUSY, 0));
            cpu.trLimit = 0x68 + 0x2000;
            m.mem.writeByte(TSS + 0x68 + (0x3F8 >>> 3), 0x02);   // port 0x3F9 denied
            SystemInstructions.checkIoPermission(cpu, mmu, 0x3F8, 1);
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.checkIoPermission(cpu, mmu, 0x3F8, 2));
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.checkIoPermission(cpu, mmu, 0x3F9, 1));
        }

        @Test
        void portBeyondTheTssLimitIsDenied() {
            m.protectedMode(3, 3, 4);
            m.tss32(5, TSS, 0x9000, 0x10);
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.checkIoPermission(cpu, mmu, 0x80, 1));
        }

        @Test
        void realModeIsUnrestricted() {
            SystemInstructions.checkIoPermission(cpu, mmu, 0x80, 1);
        }
    }

    @Nested
    class MsrsAndCounters {
        @Test
        void unknownMsrIsGp() {
            cpu.regs[CpuState.ECX] = 0xC000_0081;     // STAR: no SYSCALL on this CPU
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.rdmsr(cpu, socket));
        }

        @Test
        void microcodeRevisionReadsZeroAfterTheWriteOfZero() {
            cpu.regs[CpuState.ECX] = 0x8B;
            cpu.regs[CpuState.EAX] = 0;
            cpu.regs[CpuState.EDX] = 0;
            SystemInstructions.wrmsr(cpu, mmu, socket);
            cpu.regs[CpuState.EDX] = -1;
            SystemInstructions.rdmsr(cpu, socket);
            assertEquals(0, cpu.regs[CpuState.EDX], "no microcode update loaded");
        }

        @Test
        void apicBaseReadsTheBspFlagEnableAndDefaultBaseOnTheBootstrapProcessor() {
            cpu.regs[CpuState.ECX] = 0x1B;
            SystemInstructions.rdmsr(cpu, socket);
            // SDM vol. 3A, "Local APIC Status and Location": base FEE00000H, EN (bit 11), BSP (bit 8).
            assertEquals(0xFEE0_0900, cpu.regs[CpuState.EAX]);
            assertEquals(0, cpu.regs[CpuState.EDX]);
        }

        @Test
        void apicBaseOfAnApplicationProcessorHasNoBspFlag() {
            CpuState ap = new CpuState(2);
            ap.regs[CpuState.ECX] = 0x1B;
            SystemInstructions.rdmsr(ap, socket);
            assertEquals(0xFEE0_0800, ap.regs[CpuState.EAX]);
        }

        @Test
        void apicBaseWritesReachTheBoardWithTheNewValue() {
            long[] seen = {-1};
            socket.apicBaseWritten = v -> seen[0] = v;
            cpu.regs[CpuState.ECX] = 0x1B;
            cpu.regs[CpuState.EAX] = 0xFEE0_0100;     // clear EN: the APIC is globally disabled
            cpu.regs[CpuState.EDX] = 0;
            SystemInstructions.wrmsr(cpu, mmu, socket);
            assertEquals(0xFEE0_0100L, seen[0]);
            cpu.regs[CpuState.EAX] = 0xFEE0_0001;     // reserved bit 0
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.wrmsr(cpu, mmu, socket));
            assertEquals(0xFEE0_0100L, seen[0], "a refused write is not forwarded");
        }

        @Test
        void sysenterMsrsRoundTrip() {
            cpu.regs[CpuState.ECX] = 0x174;
            cpu.regs[CpuState.EAX] = 0x10;
            cpu.regs[CpuState.EDX] = 0;
            SystemInstructions.wrmsr(cpu, mmu, socket);
            cpu.regs[CpuState.EAX] = 0;
            SystemInstructions.rdmsr(cpu, socket);
            assertEquals(0x10, cpu.regs[CpuState.EAX]);
        }

        @Test
        void eferAcceptsOnlyNxe() {
            cpu.regs[CpuState.ECX] = 0xC000_0080;
            cpu.regs[CpuState.EAX] = 1 << 11;
            cpu.regs[CpuState.EDX] = 0;
            SystemInstructions.wrmsr(cpu, mmu, socket);
            assertEquals(CpuState.EFER_NXE, cpu.efer);
            cpu.regs[CpuState.EAX] = 1 << 8;      // LME
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.wrmsr(cpu, mmu, socket));
        }

        @Test
        void tscFollowsTheVirtualClockAndWritesSetTheOffset() {
            ManualClock clock = new ManualClock();
            socket.clock = clock;
            clock.advance(1000);
            SystemInstructions.rdtsc(cpu, socket);
            assertEquals(1000, cpu.regs[CpuState.EAX]);
            cpu.regs[CpuState.ECX] = 0x10;
            cpu.regs[CpuState.EAX] = 5000;
            cpu.regs[CpuState.EDX] = 0;
            SystemInstructions.wrmsr(cpu, mmu, socket);
            clock.advance(10);
            SystemInstructions.rdtsc(cpu, socket);
            assertEquals(5010, cpu.regs[CpuState.EAX]);
        }

        @Test
        void rdtscWithTsdIsGpAtCpl3() {
            m.protectedMode(3, 3, 4);
            cpu.cr4 |= CpuState.CR4_TSD;
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.rdtsc(cpu, socket));
        }

        @Test
        void patRejectsReservedMemoryTypes() {
            cpu.regs[CpuState.ECX] = 0x277;
            cpu.regs[CpuState.EAX] = 0x0000_0002;
            cpu.regs[CpuState.EDX] = 0;
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.wrmsr(cpu, mmu, socket));
        }
    }

    @Nested
    class FastSystemCalls {
        @Test
        void sysenterAndSysexitUseTheFlatSegmentsAfterSysenterCs() {
            m.protectedMode(3, 3, 4);
            cpu.sysenterCs = 0x10;
            cpu.sysenterEsp = 0x9000;
            cpu.sysenterEip = 0xC000_0000;
            SystemInstructions.sysenter(cpu);
            assertEquals(0x10, cpu.segSel[CpuState.CS]);
            assertEquals(0x18, cpu.segSel[CpuState.SS]);
            assertEquals(0, cpu.cpl);
            assertEquals(0xC000_0000, cpu.eip);
            cpu.regs[CpuState.ECX] = 0x7000;
            cpu.regs[CpuState.EDX] = 0x0804_8000;
            SystemInstructions.sysexit(cpu);
            assertEquals(0x23, cpu.segSel[CpuState.CS]);
            assertEquals(0x2B, cpu.segSel[CpuState.SS]);
            assertEquals(3, cpu.cpl);
            assertEquals(0x7000, cpu.regs[CpuState.ESP]);
        }

        @Test
        void sysenterWithZeroCsMsrIsGp() {
            m.protectedMode(3, 3, 4);
            assertFault(CpuFault.GP, 0, () -> SystemInstructions.sysenter(cpu));
        }
    }
}
