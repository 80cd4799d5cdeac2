package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuState;

/**
 * Stack accesses (SDM vol. 1, 6.2): SS-relative, through SP or ESP as SS.B says, with #SS on
 * a limit violation. A push writes first and moves (E)SP after, so a fault leaves (E)SP as it
 * was. PUSH (E)SP pushes the value from before the push (286 and later).
 */
final class StackOps {
    private StackOps() { }

    static int sp(CpuState cpu) {
        return cpu.stack32 ? cpu.regs[ESP] : cpu.regs[ESP] & 0xFFFF;
    }

    static void setSp(CpuState cpu, int value) {
        if (cpu.stack32) cpu.regs[ESP] = value;
        else cpu.regs[ESP] = (cpu.regs[ESP] & ~0xFFFF) | (value & 0xFFFF);
    }

    static int stackMask(CpuState cpu) {
        return cpu.stack32 ? -1 : 0xFFFF;
    }

    static void push(CpuState cpu, SegmentedMemory m, int value, int size) {
        int sp = (sp(cpu) - size) & stackMask(cpu);
        m.write(SS, sp, size, value);
        setSp(cpu, sp);
    }

    /** Writes only the low 16 bits into a slot of {@code size} bytes (PUSH Sreg with 32-bit operands). */
    static void pushSelector(CpuState cpu, SegmentedMemory m, int selector, int size) {
        int sp = (sp(cpu) - size) & stackMask(cpu);
        m.linear(SS, sp, size, true);
        m.write(SS, sp, 2, selector);
        setSp(cpu, sp);
    }

    static int pop(CpuState cpu, SegmentedMemory m, int size) {
        int v = peek(cpu, m, 0, size);
        setSp(cpu, sp(cpu) + size);
        return v;
    }

    /** Reads the stack at offset {@code delta} from (E)SP without popping. */
    static int peek(CpuState cpu, SegmentedMemory m, int delta, int size) {
        return m.read(SS, (sp(cpu) + delta) & stackMask(cpu), size);
    }

    static void pusha(CpuState cpu, SegmentedMemory m, int size) {
        int[] r = cpu.regs;
        int original = r[ESP];
        int sp = sp(cpu);
        int mask = stackMask(cpu);
        // Each push wraps inside the segment on its own; a fault part-way leaves (E)SP unchanged.
        for (int i = 0; i < 8; i++) {
            int v = i == ESP ? original : r[i];
            sp = (sp - size) & mask;
            m.write(SS, sp, size, v);
        }
        setSp(cpu, sp);
    }

    static void popa(CpuState cpu, SegmentedMemory m, int size) {
        int[] r = cpu.regs;
        int sp = sp(cpu);
        int mask = stackMask(cpu);
        int[] v = new int[8];
        for (int i = 7; i >= 0; i--) {
            v[i] = m.read(SS, sp, size);
            sp = (sp + size) & mask;
        }
        for (int i = 0; i < 8; i++) {
            if (i == ESP) continue;
            if (size == 4) r[i] = v[i];
            else r[i] = (r[i] & ~0xFFFF) | (v[i] & 0xFFFF);
        }
        setSp(cpu, sp);
    }

    /** ENTER (SDM vol. 2): frame of {@code alloc} bytes at nesting {@code level}. */
    static void enter(CpuState cpu, SegmentedMemory m, int alloc, int level, int size) {
        level &= 0x1F;
        alloc &= 0xFFFF;
        int[] r = cpu.regs;
        push(cpu, m, r[EBP], size);
        int frame = sp(cpu);
        if (level > 0) {
            int bp = r[EBP];
            int bpMask = cpu.stack32 ? -1 : 0xFFFF;
            for (int i = 1; i < level; i++) {
                bp = (bp - size) & bpMask;
                int v = m.read(SS, bp, size);
                push(cpu, m, v, size);
            }
            push(cpu, m, frame, size);
        }
        if (size == 4) r[EBP] = frame;
        else r[EBP] = (r[EBP] & ~0xFFFF) | (frame & 0xFFFF);
        int newSp = (sp(cpu) - alloc) & stackMask(cpu);
        m.linear(SS, newSp, 1, true);
        setSp(cpu, newSp);
    }

    static void leave(CpuState cpu, SegmentedMemory m, int size) {
        int[] r = cpu.regs;
        int bp = cpu.stack32 ? r[EBP] : r[EBP] & 0xFFFF;
        int v = m.read(SS, bp, size);
        setSp(cpu, bp + size);
        if (size == 4) r[EBP] = v;
        else r[EBP] = (r[EBP] & ~0xFFFF) | (v & 0xFFFF);
    }
}
