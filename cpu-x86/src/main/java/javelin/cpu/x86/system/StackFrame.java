package javelin.cpu.x86.system;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;

/**
 * A stack being pushed or popped by a system operation (interrupt delivery, far calls and
 * returns, task switches) without touching the CPU registers until the operation commits:
 * every push and pop works on a private stack pointer, checks the segment limit (#SS) and
 * goes through the MMU, so a fault half way leaves ESP as it was (SDM vol. 3, 6.12.1: the
 * processor checks before it changes state).
 */
final class StackFrame {
    private final CpuState cpu;
    private final Mmu mmu;
    final int selector;
    final long descriptor;
    private final int base;
    private final int limit;
    private final int attr;
    /** SS.B: 32-bit stack pointer. */
    final boolean big;
    /** Pushes are user-mode accesses for paging when the stack belongs to CPL 3. */
    private final boolean user;
    /** Error code of the #SS a limit violation raises. */
    private final int faultCode;
    private final int espHigh;
    private int sp;

    private StackFrame(CpuState cpu, Mmu mmu, int selector, long descriptor, int base, int limit, int attr,
            boolean big, int esp, boolean user, int faultCode) {
        this.cpu = cpu;
        this.mmu = mmu;
        this.selector = selector;
        this.descriptor = descriptor;
        this.base = base;
        this.limit = limit;
        this.attr = attr;
        this.big = big;
        this.user = user;
        this.faultCode = faultCode;
        this.espHigh = esp & 0xFFFF_0000;
        this.sp = esp;
    }

    /** The stack SS:ESP of the running code. */
    static StackFrame current(CpuState cpu, Mmu mmu) {
        return new StackFrame(cpu, mmu, cpu.segSel[CpuState.SS], 0, cpu.segBase[CpuState.SS], cpu.segLimit[CpuState.SS],
                cpu.segAttr[CpuState.SS], cpu.stack32, cpu.regs[CpuState.ESP], cpu.cpl == 3, 0);
    }

    /** A new stack from a descriptor that passed the SS checks, for privilege level {@code cpl}. */
    static StackFrame of(CpuState cpu, Mmu mmu, int selector, long d, int esp, int cpl, int faultCode) {
        int attr = Descriptor.attr(d);
        return new StackFrame(cpu, mmu, selector, d, Descriptor.base(d), Descriptor.limit(d), attr,
                (attr & CpuState.ATTR_DB) != 0, esp, cpl == 3, faultCode);
    }

    /** Stack pointer value to store in ESP: a 16-bit stack keeps the upper half of ESP. */
    int esp() {
        return big ? sp : espHigh | (sp & 0xFFFF);
    }

    private int offset(int delta) {
        int v = sp + delta;
        return big ? v : v & 0xFFFF;
    }

    void push(int value, int size) {
        int off = offset(-size);
        check(off, size);
        write(base + off, value, size);
        sp -= size;
    }

    int pop(int size) {
        int v = peek(0, size);
        sp += size;
        return v;
    }

    /** Reads {@code size} bytes at ESP + {@code delta} without moving ESP. */
    int peek(int delta, int size) {
        int off = offset(delta);
        check(off, size);
        int lin = base + off;
        return size == 4 ? mmu.readDword(lin, user) : mmu.readWord(lin, user);
    }

    void skip(int bytes) {
        sp += bytes;
    }

    private void check(int off, int size) {
        if (!Segmentation.withinLimit(limit, attr, off, size)) throw CpuFault.withCode(CpuFault.SS, faultCode);
    }

    private void write(int lin, int value, int size) {
        if (size == 4) mmu.writeDword(lin, value, user);
        else mmu.writeWord(lin, value, user);
    }

    /** Installs this stack as SS:ESP (the descriptor, if any, has been checked). */
    void commitAsNewStack(int cpl) {
        Descriptor.markAccessed(cpu, mmu, selector, descriptor);
        Segmentation.loadCache(cpu, CpuState.SS, (selector & 0xFFFC) | cpl,
                descriptor | ((long) Descriptor.TYPE_ACCESSED << 40));
        cpu.regs[CpuState.ESP] = esp();
    }

    void commitEsp() {
        cpu.regs[CpuState.ESP] = esp();
    }
}
