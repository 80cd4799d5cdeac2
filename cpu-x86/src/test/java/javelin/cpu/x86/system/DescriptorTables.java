package javelin.cpu.x86.system;

import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;
import javelin.cpu.x86.testing.TestMachine;
import javelin.softmmu.PhysicalMemory;

/**
 * Descriptor tables at fixed addresses of a 4 MiB {@link TestMachine}, and the CPU set up over
 * them, for the system tests. The descriptors are built byte by byte from the layouts of SDM
 * vol. 3, figures 3-8, 5-8 and 6-2, independently of the code under test.
 */
final class DescriptorTables {
    static final int RAM = 4 << 20;
    static final int GDT = 0x1000, IDT = 0x2000, LDT = 0x2800, TSS = 0x3000, TSS2 = 0x3400;

    // Access bytes (descriptor byte 5): P, DPL, S, type.
    static final int P = 0x80, S = 0x10;
    static final int CODE_XR = S | 0xA, CODE_X = S | 0x8, CODE_CONFORMING_XR = S | 0xE, DATA_RW = S | 0x2,
            DATA_R = S | 0x0, DATA_RW_DOWN = S | 0x6;
    static final int LDT_TYPE = 0x2, TSS32 = 0x9, TSS32_BUSY = 0xB, TSS16 = 0x1, CALL_GATE32 = 0xC, TASK_GATE = 0x5,
            INT_GATE32 = 0xE, TRAP_GATE32 = 0xF, INT_GATE16 = 0x6;
    // Flags nibble (descriptor bits 52-55): G, D/B.
    static final int G = 0x8, DB = 0x4;

    final TestMachine machine = TestMachine.builder().ram(RAM).interpreter().build();
    final PhysicalMemory mem = machine.mem;
    final CpuState cpu = machine.cpu();
    final Mmu mmu = machine.mmu();
    final CpuSocket socket = machine.socket();

    static int dpl(int dpl) {
        return dpl << 5;
    }

    static long seg(int base, int limit, int access, int flags) {
        long lo = (limit & 0xFFFFL) | ((base & 0xFFFFL) << 16);
        long hi = ((base >>> 16) & 0xFFL) | ((long) (access & 0xFF) << 8) | (limit & 0xF_0000L) | ((long) flags << 20)
                | (base & 0xFF00_0000L);
        return lo | (hi << 32);
    }

    /** A flat 4 GiB, 32-bit segment. */
    static long flat(int access) {
        return seg(0, 0xFFFFF, access, G | DB);
    }

    static long gate(int selector, int offset, int access, int params) {
        long lo = (offset & 0xFFFFL) | ((selector & 0xFFFFL) << 16);
        long hi = (offset & 0xFFFF_0000L) | ((long) (access & 0xFF) << 8) | (params & 0x1F);
        return lo | (hi << 32);
    }

    void gdt(int index, long descriptor) {
        mem.writeQword(GDT + index * 8L, descriptor);
    }

    void idt(int vector, long descriptor) {
        mem.writeQword(IDT + vector * 8L, descriptor);
    }

    long gdtEntry(int index) {
        return mem.readQword(GDT + index * 8L);
    }

    /**
     * Protected mode without going through the instructions: GDTR/IDTR set, CS = selector
     * {@code csIndex} and SS = selector {@code ssIndex}, both flat, at privilege {@code cpl}.
     */
    void protectedMode(int cpl, int csIndex, int ssIndex) {
        cpu.gdtrBase = GDT;
        cpu.gdtrLimit = 0x3FF;
        cpu.idtrBase = IDT;
        cpu.idtrLimit = 0x7FF;
        gdt(csIndex, flat(P | dpl(cpl) | CODE_XR | 1));
        gdt(ssIndex, flat(P | dpl(cpl) | DATA_RW | 1));
        cpu.cr0 |= CpuState.CR0_PE;
        setSeg(CpuState.CS, (csIndex << 3) | cpl, gdtEntry(csIndex));
        setSeg(CpuState.SS, (ssIndex << 3) | cpl, gdtEntry(ssIndex));
        for (int s : new int[] {CpuState.DS, CpuState.ES, CpuState.FS, CpuState.GS}) {
            setSeg(s, (ssIndex << 3) | cpl, gdtEntry(ssIndex));
        }
        cpu.updateModeCaches();
    }

    void setSeg(int seg, int selector, long d) {
        Segmentation.loadCache(cpu, seg, selector, d);
    }

    /** A 32-bit TSS at {@code base}, described by GDT entry {@code index}, loaded into TR. */
    void tss32(int index, int base, int esp0, int ss0) {
        gdt(index, seg(base, 0x67, P | TSS32, 0));
        mem.writeDword(base + 4, esp0);
        mem.writeDword(base + 8, ss0);
        mem.writeWord(base + 0x66, 0x68);
        cpu.trSel = index << 3;
        cpu.trBase = base;
        cpu.trLimit = 0x67;
        cpu.trAttr = P | TSS32_BUSY;
        gdt(index, seg(base, 0x67, P | TSS32_BUSY, 0));
    }

    int stackDword(int offset) {
        return mem.readDword((cpu.segBase[CpuState.SS] + cpu.regs[CpuState.ESP] + offset) & 0xFFFF_FFFFL);
    }
}
