package javelin.cpu.x86.system;

import static javelin.cpu.x86.system.DescriptorTables.*;
import static javelin.cpu.x86.testing.Faults.assertFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hardware task switches against SDM vol. 3, 7.3 and vol. 2 (JMP, CALL, IRET task paths). */
class TaskSwitchTest {
    final DescriptorTables m = new DescriptorTables();
    final CpuState cpu = m.cpu;
    final Mmu mmu = m.mmu;

    @BeforeEach
    void setUp() {
        m.protectedMode(0, 1, 2);
        m.tss32(5, TSS, 0x9000, 0x10);
        m.gdt(6, seg(TSS2, 0x67, P | TSS32, 0));
        // The new task: EIP 0x5000, ESP 0x6000, EAX 0x11111111, flat selectors 0x08/0x10.
        m.mem.writeDword(TSS2 + 0x20, 0x5000);
        m.mem.writeDword(TSS2 + 0x24, 0x0002);
        m.mem.writeDword(TSS2 + 0x28, 0x1111_1111);
        m.mem.writeDword(TSS2 + 0x38, 0x6000);
        for (int s = 0; s < 6; s++) m.mem.writeWord(TSS2 + 0x48 + 4 * s, s == CpuState.CS ? 0x08 : 0x10);
        cpu.eip = 0x1234;
        cpu.regs[CpuState.EAX] = 0xAAAA_AAAA;
        cpu.regs[CpuState.ESP] = 0x7000;
    }

    int type(int index) {
        return (int) (m.gdtEntry(index) >>> 40) & 0xF;
    }

    @Test
    void jmpToTssSavesOldStateLoadsNewAndMovesTheBusyBit() {
        ControlTransfer.farJump(cpu, mmu, 0x30, 0, true);
        assertEquals(0x5000, cpu.eip);
        assertEquals(0x1111_1111, cpu.regs[CpuState.EAX]);
        assertEquals(0x6000, cpu.regs[CpuState.ESP]);
        assertEquals(0x30, cpu.trSel);
        assertEquals(0x1234, m.mem.readDword(TSS + 0x20), "old EIP saved");
        assertEquals(0xAAAA_AAAA, m.mem.readDword(TSS + 0x28), "old EAX saved");
        assertEquals(TSS32, type(5), "old TSS no longer busy");
        assertEquals(TSS32_BUSY, type(6));
        assertEquals(CpuState.CR0_TS, cpu.cr0 & CpuState.CR0_TS);
        assertEquals(0, cpu.getEflags() & CpuState.NT);
    }

    @Test
    void callThroughTaskGateNestsAndIretReturns() {
        m.gdt(7, gate(0x30, 0, P | TASK_GATE, 0));
        ControlTransfer.farCall(cpu, mmu, 0x38, 0, true);
        assertEquals(0x5000, cpu.eip);
        assertEquals(CpuState.NT, cpu.getEflags() & CpuState.NT);
        assertEquals(0x28, m.mem.readWord(TSS2), "back link");
        assertEquals(TSS32_BUSY, type(5), "caller stays busy");
        ControlTransfer.iret(cpu, mmu, true);
        assertEquals(0x28, cpu.trSel);
        assertEquals(0x1234, cpu.eip);
        assertEquals(0xAAAA_AAAA, cpu.regs[CpuState.EAX]);
        assertEquals(TSS32, type(6), "returned-from task is available again");
        assertEquals(0, m.mem.readDword(TSS2 + 0x24) & CpuState.NT, "NT cleared in the saved image");
    }

    @Test
    void exceptionThroughTaskGatePushesErrorCodeOnTheNewStack() {
        m.idt(8, gate(0x30, 0, P | TASK_GATE, 0));
        Interrupts.deliver(cpu, mmu, 8, 0, Interrupts.EXCEPTION);
        assertEquals(0x30, cpu.trSel);
        assertEquals(0x6000 - 4, cpu.regs[CpuState.ESP]);
        assertEquals(0, m.mem.readDword(0x6000 - 4));
    }

    @Test
    void jumpToBusyTssIsGp() {
        assertFault(CpuFault.GP, 0x28, () -> ControlTransfer.farJump(cpu, mmu, 0x28, 0, true));
    }

    @Test
    void tssLimitBelow67hIsTs() {
        m.gdt(6, seg(TSS2, 0x60, P | TSS32, 0));
        assertFault(CpuFault.TS, 0x30, () -> ControlTransfer.farJump(cpu, mmu, 0x30, 0, true));
    }

    @Test
    void badDataSelectorInNewTaskIsTsDeliveredInTheNewTask() {
        m.mem.writeWord(TSS2 + 0x54, 0x08 | 3);  // DS = code DPL 0 with RPL 3: RPL > DPL
        m.idt(10, gate(0x08, 0x7777, P | INT_GATE32, 0));
        ControlTransfer.farJump(cpu, mmu, 0x30, 0, true);
        assertEquals(0x30, cpu.trSel, "the switch itself completed");
        assertEquals(0x7777, cpu.eip);
        assertEquals(0x6000 - 16, cpu.regs[CpuState.ESP], "frame on the new task's stack");
        assertEquals(0x08, m.stackDword(0), "#TS error code: the DS selector");
        assertEquals(0x5000, m.stackDword(4), "return address: the new task's first instruction");
    }

    @Test
    void tFlagInTheNewTssRaisesADebugTrap() {
        m.mem.writeWord(TSS2 + 0x64, 1);
        m.idt(1, gate(0x08, 0x7100, P | INT_GATE32, 0));
        ControlTransfer.farJump(cpu, mmu, 0x30, 0, true);
        assertEquals(0x7100, cpu.eip);
        assertEquals(0x5000, m.stackDword(0));
        assertEquals(TaskSwitch.DR6_BT, cpu.dr[6] & TaskSwitch.DR6_BT);
    }

    @Test
    void sixteenBitTssLoadsWordRegistersAndKeepsUpperHalves() {
        int tss16 = 0x3800;
        m.gdt(9, seg(tss16, 0x2B, P | TSS16, 0));
        m.mem.writeWord(tss16 + 0x0E, 0x0777);          // IP
        m.mem.writeWord(tss16 + 0x10, 0x0002);          // FLAGS
        m.mem.writeWord(tss16 + 0x12, 0xBEEF);          // AX
        m.mem.writeWord(tss16 + 0x1A, 0x6000);          // SP
        m.mem.writeWord(tss16 + 0x22, 0x10);            // ES
        m.mem.writeWord(tss16 + 0x24, 0x08);            // CS
        m.mem.writeWord(tss16 + 0x26, 0x10);            // SS
        m.mem.writeWord(tss16 + 0x28, 0x10);            // DS
        ControlTransfer.farJump(cpu, mmu, 0x48, 0, true);
        assertEquals(0x0777, cpu.eip);
        assertEquals(0xAAAA_BEEF, cpu.regs[CpuState.EAX], "upper half of EAX unchanged");
        assertEquals(0, cpu.segSel[CpuState.FS], "a 16-bit TSS has no FS/GS: null");
        assertEquals(0x48, cpu.trSel);
    }

    @Test
    void interruptFromCpl3WithA16BitTssTakesTheStackFromIt() {
        int tss16 = 0x3800;
        m.protectedMode(3, 3, 4);
        m.gdt(1, flat(P | CODE_XR));
        m.gdt(2, flat(P | DATA_RW));
        m.gdt(9, seg(tss16, 0x2B, P | 0x3, 0));         // busy 16-bit TSS
        m.mem.writeWord(tss16 + 2, 0x5000);             // SP0
        m.mem.writeWord(tss16 + 4, 0x10);               // SS0
        cpu.trSel = 0x48;
        cpu.trBase = tss16;
        cpu.trLimit = 0x2B;
        cpu.trAttr = P | 0x3;
        m.idt(0x80, gate(0x08, 0x1000, P | dpl(3) | INT_GATE32, 0));
        cpu.regs[CpuState.ESP] = 0x7000;
        Interrupts.deliver(cpu, mmu, 0x80, -1, Interrupts.SOFTWARE);
        assertEquals(0x5000 - 20, cpu.regs[CpuState.ESP]);
    }

    @Test
    void ldtIsLoadedFromTheNewTss() {
        m.gdt(8, seg(LDT, 0xF, P | LDT_TYPE, 0));
        m.mem.writeWord(TSS2 + 0x60, 0x40);
        ControlTransfer.farJump(cpu, mmu, 0x30, 0, true);
        assertEquals(0x40, cpu.ldtrSel);
        assertEquals(LDT, cpu.ldtrBase);
        assertTrue((cpu.ldtrAttr & CpuState.ATTR_P) != 0);
    }
}
