package javelin.cpu.x86.system;

import static javelin.cpu.x86.CpuState.CS;
import static javelin.cpu.x86.CpuState.FS;
import static javelin.cpu.x86.CpuState.GS;
import static javelin.cpu.x86.CpuState.SS;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;

/**
 * Hardware task switching through 16- and 32-bit TSSs (SDM vol. 3, 7.3), and the TSS fields
 * other operations read: the inner-level stacks (6.12.1), the I/O permission bitmap (vol. 1,
 * 19.5) and the v86 interrupt redirection bitmap (vol. 3, 20.3.3).
 *
 * <p>Order, as in 7.3: the new TSS descriptor is checked (present, not busy, limit); the
 * current state is saved into the old TSS; the busy bits, back link and NT are updated; TR,
 * CR3, the registers and the segment selectors are loaded; and only then are the new
 * LDT and segment descriptors checked, so their faults (#TS, #NP, #SS) are raised in the
 * context of the new task, as the SDM specifies.
 */
final class TaskSwitch {
    /** What started the switch (it decides busy bits, NT and the back link). */
    static final int JMP = 0, CALL = 1, IRET = 2;

    // 32-bit TSS layout (SDM vol. 3, figure 7-2).
    static final int TSS32_LINK = 0, TSS32_ESP0 = 4, TSS32_CR3 = 0x1C, TSS32_EIP = 0x20, TSS32_EFLAGS = 0x24,
            TSS32_EAX = 0x28, TSS32_ES = 0x48, TSS32_LDT = 0x60, TSS32_T = 0x64, TSS32_IOMAP = 0x66, TSS32_MIN_LIMIT = 0x67;
    /** DR6.BT: the debug exception came from a TSS T flag. */
    static final int DR6_BT = 1 << 15;
    // 16-bit TSS layout (SDM vol. 3, figure 7-11).
    static final int TSS16_LINK = 0, TSS16_SP0 = 2, TSS16_IP = 0x0E, TSS16_FLAGS = 0x10, TSS16_AX = 0x12,
            TSS16_ES = 0x22, TSS16_LDT = 0x2A, TSS16_MIN_LIMIT = 0x2B;

    private TaskSwitch() { }

    static boolean tss32(int attrOrType) {
        return (attrOrType & 8) != 0;
    }

    /** The stack for privilege level {@code cpl} from the current TSS, checked (#TS, #SS). */
    static StackFrame innerStack(CpuState cpu, Mmu mmu, int cpl, int ext) {
        boolean big = tss32(cpu.trAttr);
        int off = big ? TSS32_ESP0 + 8 * cpl : TSS16_SP0 + 4 * cpl;
        int size = big ? 8 : 4;
        if (off + size - 1 > cpu.trLimit) throw CpuFault.withCode(CpuFault.TS, (cpu.trSel & 0xFFFC) | ext);
        int esp;
        int ss;
        if (big) {
            esp = mmu.readDword(cpu.trBase + off, false);
            ss = mmu.readWord(cpu.trBase + off + 4, false);
        } else {
            esp = mmu.readWord(cpu.trBase + off, false);
            ss = mmu.readWord(cpu.trBase + off + 2, false);
        }
        long d = Segmentation.checkStack(cpu, mmu, ss, cpl, CpuFault.TS, CpuFault.SS, ext);
        return StackFrame.of(cpu, mmu, ss, d, esp, cpl, (ss & 0xFFFC) | ext);
    }

    /**
     * True if INT {@code vector} in v86 mode with CR4.VME goes to the protected-mode handler
     * (its bit in the redirection bitmap, the 32 bytes below the I/O map base, is set).
     */
    static boolean softIntRedirected(CpuState cpu, Mmu mmu, int vector) {
        if (!tss32(cpu.trAttr) || cpu.trLimit < TSS32_MIN_LIMIT) throw CpuFault.withCode(CpuFault.GP, 0);
        int ioMap = mmu.readWord(cpu.trBase + TSS32_IOMAP, false);
        int off = ioMap - 32 + (vector >>> 3);
        if (off < 0 || off > cpu.trLimit) throw CpuFault.withCode(CpuFault.GP, 0);
        return (mmu.readByte(cpu.trBase + off, false) & (1 << (vector & 7))) != 0;
    }

    /**
     * The I/O permission bitmap check (SDM vol. 1, 19.5.2): every bit for the accessed ports
     * must be clear and lie within the TSS limit, else #GP(0).
     */
    static void checkIoBitmap(CpuState cpu, Mmu mmu, int port, int size) {
        if (!tss32(cpu.trAttr) || (cpu.trAttr & CpuState.ATTR_P) == 0 || cpu.trLimit < TSS32_MIN_LIMIT) {
            throw CpuFault.withCode(CpuFault.GP, 0);
        }
        int ioMap = mmu.readWord(cpu.trBase + TSS32_IOMAP, false);
        int off = ioMap + (port >>> 3);
        // The CPU always reads two bytes, so both must be inside the limit.
        if (off + 1 > cpu.trLimit) throw CpuFault.withCode(CpuFault.GP, 0);
        int bits = mmu.readWord(cpu.trBase + off, false);
        int mask = ((1 << size) - 1) << (port & 7);
        if ((bits & mask) != 0) throw CpuFault.withCode(CpuFault.GP, 0);
    }

    /** A task gate (JMP, CALL, INT, exception) names TSS selector {@code tss}. */
    static void throughGate(CpuState cpu, Mmu mmu, int tss, int source, int ext) {
        int code = (tss & 0xFFFC) | ext;
        if ((tss & Descriptor.SEL_TI) != 0) throw CpuFault.withCode(CpuFault.GP, code);
        long d = Descriptor.fetch(cpu, mmu, tss, CpuFault.GP, ext);
        int type = Descriptor.type(d);
        if (Descriptor.isCodeOrData(d) || (type != Descriptor.SYS_TSS16_AVAILABLE && type != Descriptor.SYS_TSS32_AVAILABLE)) {
            throw CpuFault.withCode(CpuFault.GP, code);
        }
        if (!Descriptor.present(d)) throw CpuFault.withCode(CpuFault.NP, code);
        switchTo(cpu, mmu, tss, d, source, ext);
    }

    /** IRET with NT = 1: return to the task in the back link (SDM vol. 2, IRET, TASK-RETURN). */
    static void taskReturn(CpuState cpu, Mmu mmu) {
        int link = mmu.readWord(cpu.trBase + TSS32_LINK, false);
        if ((link & Descriptor.SEL_TI) != 0) throw CpuFault.withCode(CpuFault.TS, link & 0xFFFC);
        long d = Descriptor.fetch(cpu, mmu, link, CpuFault.TS, 0);
        int type = Descriptor.type(d);
        if (Descriptor.isCodeOrData(d) || (type != Descriptor.SYS_TSS16_BUSY && type != Descriptor.SYS_TSS32_BUSY)) {
            throw CpuFault.withCode(CpuFault.TS, link & 0xFFFC);
        }
        if (!Descriptor.present(d)) throw CpuFault.withCode(CpuFault.NP, link & 0xFFFC);
        switchTo(cpu, mmu, link, d, IRET, 0);
    }

    /** Switches to the task of TSS descriptor {@code d} (selector {@code sel}), SDM vol. 3, 7.3. */
    static void switchTo(CpuState cpu, Mmu mmu, int sel, long d, int source, int ext) {
        int code = (sel & 0xFFFC) | ext;
        int type = Descriptor.type(d);
        boolean new32 = tss32(type);
        if (!Descriptor.present(d)) throw CpuFault.withCode(CpuFault.NP, code);
        int newLimit = Descriptor.limit(d);
        if (newLimit < (new32 ? TSS32_MIN_LIMIT : TSS16_MIN_LIMIT)) throw CpuFault.withCode(CpuFault.TS, code);
        boolean busy = (type & Descriptor.TSS_BUSY) != 0;
        if (source == IRET ? !busy : busy) {
            throw CpuFault.withCode(source == IRET ? CpuFault.TS : CpuFault.GP, code);
        }
        int newBase = Descriptor.base(d);

        // Read the new task's state before anything changes (a #PF here leaves the old task intact).
        int[] regs = new int[8];
        int[] sels = new int[6];
        int eip;
        int eflags;
        int cr3 = 0;
        int ldt;
        if (new32) {
            cr3 = mmu.readDword(newBase + TSS32_CR3, false);
            eip = mmu.readDword(newBase + TSS32_EIP, false);
            eflags = mmu.readDword(newBase + TSS32_EFLAGS, false);
            for (int r = 0; r < 8; r++) regs[r] = mmu.readDword(newBase + TSS32_EAX + 4 * r, false);
            for (int s = 0; s < 6; s++) sels[s] = mmu.readWord(newBase + TSS32_ES + 4 * s, false);
            ldt = mmu.readWord(newBase + TSS32_LDT, false);
        } else {
            eip = mmu.readWord(newBase + TSS16_IP, false);
            eflags = (cpu.getEflags() & 0xFFFF_0000) | mmu.readWord(newBase + TSS16_FLAGS, false);
            for (int r = 0; r < 8; r++) {
                regs[r] = (cpu.regs[r] & 0xFFFF_0000) | mmu.readWord(newBase + TSS16_AX + 2 * r, false);
            }
            for (int s = 0; s < 4; s++) sels[s] = mmu.readWord(newBase + TSS16_ES + 2 * s, false);
            ldt = mmu.readWord(newBase + TSS16_LDT, false);
        }

        // Save the current task (its dynamic fields) into the old TSS.
        int oldFlags = cpu.getEflags();
        if (source == IRET) oldFlags &= ~CpuState.NT;
        int oldBase = cpu.trBase;
        if (tss32(cpu.trAttr)) {
            mmu.writeDword(oldBase + TSS32_EIP, cpu.eip, false);
            mmu.writeDword(oldBase + TSS32_EFLAGS, oldFlags, false);
            for (int r = 0; r < 8; r++) mmu.writeDword(oldBase + TSS32_EAX + 4 * r, cpu.regs[r], false);
            for (int s = 0; s < 6; s++) mmu.writeWord(oldBase + TSS32_ES + 4 * s, cpu.segSel[s], false);
        } else {
            mmu.writeWord(oldBase + TSS16_IP, cpu.eip, false);
            mmu.writeWord(oldBase + TSS16_FLAGS, oldFlags, false);
            for (int r = 0; r < 8; r++) mmu.writeWord(oldBase + TSS16_AX + 2 * r, cpu.regs[r], false);
            for (int s = 0; s < 4; s++) mmu.writeWord(oldBase + TSS16_ES + 2 * s, cpu.segSel[s], false);
        }
        if (source == JMP || source == IRET) {
            if (!Descriptor.isNull(cpu.trSel) && Descriptor.address(cpu, cpu.trSel) >= 0) {
                long oldDesc = Descriptor.fetch(cpu, mmu, cpu.trSel, CpuFault.TS, ext);
                Descriptor.writeType(cpu, mmu, cpu.trSel, oldDesc, Descriptor.type(oldDesc) & ~Descriptor.TSS_BUSY);
            }
        }
        if (source == CALL) {
            mmu.writeWord(newBase + TSS32_LINK, cpu.trSel, false);
            eflags |= CpuState.NT;
        }
        if (source != IRET) Descriptor.writeType(cpu, mmu, sel, d, type | Descriptor.TSS_BUSY);

        // Commit: the new task's registers.
        cpu.trSel = sel & 0xFFFF;
        cpu.trBase = newBase;
        cpu.trLimit = newLimit;
        cpu.trAttr = Descriptor.attr(d) | Descriptor.TSS_BUSY;
        cpu.cr0 |= CpuState.CR0_TS;
        if (new32 && cpu.pagingEnabled()) ControlRegisters.loadCr3(cpu, mmu, cr3);
        System.arraycopy(regs, 0, cpu.regs, 0, 8);
        cpu.eip = eip;
        cpu.setEflags(eflags | 2);
        if (!new32) sels[FS] = sels[GS] = 0;

        // Selectors first, with unusable caches, then the descriptor checks in the new context.
        for (int s = 0; s < 6; s++) {
            cpu.segSel[s] = sels[s];
            cpu.segAttr[s] = 0;
        }
        cpu.ldtrSel = ldt;
        cpu.ldtrAttr = 0;
        boolean debugTrap = new32 && (mmu.readWord(newBase + TSS32_T, false) & 1) != 0;
        try {
            loadNewContext(cpu, mmu, sels, ldt, eip);
        } catch (CpuFault f) {
            // Past the commit point a fault belongs to the new task (SDM vol. 3, 7.3, step 13):
            // it is delivered here, with the new task's EIP, rather than thrown to the run loop,
            // which would roll EIP and ESP back to the old task's instruction.
            Interrupts.deliver(cpu, mmu, f.vector, f.errorCode, Interrupts.EXCEPTION);
            return;
        }
        if (debugTrap) {
            // The T flag of the new TSS: a debug trap before its first instruction (17.3.1.5).
            cpu.dr[6] |= DR6_BT;
            Interrupts.deliver(cpu, mmu, CpuFault.DB, -1, Interrupts.EXCEPTION);
        }
    }

    private static void loadNewContext(CpuState cpu, Mmu mmu, int[] sels, int ldt, int eip) {
        if (cpu.v86Mode()) {
            for (int s = 0; s < 6; s++) Segmentation.loadV86(cpu, s, sels[s]);
            cpu.updateModeCaches();
            loadLdt(cpu, mmu, ldt);
            return;
        }
        loadLdt(cpu, mmu, ldt);
        loadTaskCode(cpu, mmu, sels[CS]);
        Segmentation.loadStack(cpu, mmu, sels[SS], cpu.cpl, CpuFault.TS, CpuFault.SS, 0);
        cpu.updateModeCaches();
        for (int s : Segmentation.DATA_SEGMENTS) loadTaskData(cpu, mmu, s, sels[s]);
        if ((eip & 0xFFFF_FFFFL) > (cpu.segLimit[CS] & 0xFFFF_FFFFL)) throw CpuFault.withCode(CpuFault.GP, 0);
    }

    private static void loadLdt(CpuState cpu, Mmu mmu, int ldt) {
        if (Descriptor.isNull(ldt)) {
            cpu.ldtrSel = ldt;
            cpu.ldtrBase = cpu.ldtrLimit = cpu.ldtrAttr = 0;
            return;
        }
        if ((ldt & Descriptor.SEL_TI) != 0) throw CpuFault.withCode(CpuFault.TS, ldt & 0xFFFC);
        long d = Descriptor.fetch(cpu, mmu, ldt, CpuFault.TS, 0);
        if (Descriptor.isCodeOrData(d) || Descriptor.type(d) != Descriptor.SYS_LDT) {
            throw CpuFault.withCode(CpuFault.TS, ldt & 0xFFFC);
        }
        if (!Descriptor.present(d)) throw CpuFault.withCode(CpuFault.TS, ldt & 0xFFFC);
        cpu.ldtrSel = ldt;
        cpu.ldtrBase = Descriptor.base(d);
        cpu.ldtrLimit = Descriptor.limit(d);
        cpu.ldtrAttr = Descriptor.attr(d);
    }

    private static void loadTaskCode(CpuState cpu, Mmu mmu, int cs) {
        int code = cs & 0xFFFC;
        if (Descriptor.isNull(cs)) throw CpuFault.withCode(CpuFault.TS, code);
        long d = Descriptor.fetch(cpu, mmu, cs, CpuFault.TS, 0);
        if (!Descriptor.isCode(d)) throw CpuFault.withCode(CpuFault.TS, code);
        int dpl = Descriptor.dpl(d);
        int rpl = cs & 3;
        if (Descriptor.isConformingCode(d) ? dpl > rpl : dpl != rpl) throw CpuFault.withCode(CpuFault.TS, code);
        if (!Descriptor.present(d)) throw CpuFault.withCode(CpuFault.NP, code);
        Segmentation.loadCode(cpu, mmu, cs, d, rpl);
    }

    private static void loadTaskData(CpuState cpu, Mmu mmu, int seg, int selector) {
        if (Descriptor.isNull(selector)) {
            Segmentation.loadNull(cpu, seg, selector);
            return;
        }
        int code = selector & 0xFFFC;
        long d = Descriptor.fetch(cpu, mmu, selector, CpuFault.TS, 0);
        if (!Descriptor.isReadable(d)) throw CpuFault.withCode(CpuFault.TS, code);
        if (!Descriptor.isConformingCode(d)) {
            int dpl = Descriptor.dpl(d);
            if (dpl < cpu.cpl || dpl < (selector & 3)) throw CpuFault.withCode(CpuFault.TS, code);
        }
        if (!Descriptor.present(d)) throw CpuFault.withCode(CpuFault.NP, code);
        Descriptor.markAccessed(cpu, mmu, selector, d);
        Segmentation.loadCache(cpu, seg, selector, d | ((long) Descriptor.TYPE_ACCESSED << 40));
    }
}
