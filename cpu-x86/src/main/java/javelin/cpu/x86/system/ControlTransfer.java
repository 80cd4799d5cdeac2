package javelin.cpu.x86.system;

import static javelin.cpu.x86.CpuState.CS;
import static javelin.cpu.x86.CpuState.DS;
import static javelin.cpu.x86.CpuState.ES;
import static javelin.cpu.x86.CpuState.FS;
import static javelin.cpu.x86.CpuState.GS;
import static javelin.cpu.x86.CpuState.SS;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;

/**
 * Far control transfers in every mode (SDM vol. 2: JMP, CALL, RET, IRET; vol. 3, 5.8 and
 * 7.3): code segments (conforming or not), call gates with parameter copy and stack switch,
 * task gates and TSS selectors (a task switch), far returns and IRET to the same or an outer
 * level (which nulls data segments the outer level may not use), IRET to and within v86
 * mode, and IRET with NT set (task return).
 *
 * <p>As in {@link Interrupts}, registers change only after every check and stack access has
 * succeeded.
 */
public final class ControlTransfer {
    /** IRET may change these in protected mode at any CPL (SDM vol. 2, IRET). */
    private static final int IRET_FLAGS = CpuState.ARITH_FLAGS | CpuState.TF | CpuState.DF | CpuState.NT
            | CpuState.RF | CpuState.AC | CpuState.ID;
    /** Real-mode 32-bit IRET: the SDM's "tempEFLAGS AND 257FD5H" (VM, VIF, VIP kept). */
    private static final int REAL_IRET32_MASK = 0x257FD5;

    private ControlTransfer() { }

    // ---- JMP ----------------------------------------------------------------------------

    public static void farJump(CpuState cpu, Mmu mmu, int selector, int offset, boolean op32) {
        selector &= 0xFFFF;
        if (!op32) offset &= 0xFFFF;
        if (!cpu.protectedMode() || cpu.v86Mode()) {
            jumpRealOrV86(cpu, selector, offset);
            return;
        }
        if (Descriptor.isNull(selector)) throw CpuFault.withCode(CpuFault.GP, 0);
        long d = Descriptor.fetch(cpu, mmu, selector, CpuFault.GP, 0);
        int code = selector & 0xFFFC;
        if (Descriptor.isCode(d)) {
            checkDirectCodeTarget(cpu, selector, d);
            checkOffset(d, offset);
            Segmentation.loadCode(cpu, mmu, selector, d, cpu.cpl);
            cpu.eip = offset;
            return;
        }
        if (Descriptor.isCodeOrData(d)) throw CpuFault.withCode(CpuFault.GP, code);
        switch (Descriptor.type(d)) {
            case Descriptor.SYS_CALL_GATE16, Descriptor.SYS_CALL_GATE32 -> {
                checkGateAccess(cpu, selector, d);
                int target = Descriptor.gateSelector(d);
                long td = fetchGateTarget(cpu, mmu, target);
                int dpl = Descriptor.dpl(td);
                if (Descriptor.isConformingCode(td) ? dpl > cpu.cpl : dpl != cpu.cpl) {
                    throw CpuFault.withCode(CpuFault.GP, target & 0xFFFC);
                }
                if (!Descriptor.present(td)) throw CpuFault.withCode(CpuFault.NP, target & 0xFFFC);
                int off = Descriptor.gateOffset(d);
                checkOffset(td, off);
                Segmentation.loadCode(cpu, mmu, target, td, cpu.cpl);
                cpu.eip = off;
            }
            case Descriptor.SYS_TASK_GATE -> {
                checkGateAccess(cpu, selector, d);
                TaskSwitch.throughGate(cpu, mmu, Descriptor.gateSelector(d), TaskSwitch.JMP, 0);
            }
            case Descriptor.SYS_TSS16_AVAILABLE, Descriptor.SYS_TSS32_AVAILABLE -> {
                checkTssAccess(cpu, selector, d);
                TaskSwitch.switchTo(cpu, mmu, selector, d, TaskSwitch.JMP, 0);
            }
            default -> throw CpuFault.withCode(CpuFault.GP, code);
        }
    }

    private static void jumpRealOrV86(CpuState cpu, int selector, int offset) {
        if (cpu.v86Mode()) {
            if ((offset & 0xFFFF_FFFFL) > 0xFFFF) throw CpuFault.withCode(CpuFault.GP, 0);
            Segmentation.loadV86(cpu, CS, selector);
        } else {
            if ((offset & 0xFFFF_FFFFL) > (cpu.segLimit[CS] & 0xFFFF_FFFFL)) throw CpuFault.withCode(CpuFault.GP, 0);
            cpu.loadRealModeSegment(CS, selector);
        }
        cpu.eip = offset;
    }

    // ---- CALL ---------------------------------------------------------------------------

    /** Far CALL; {@code cpu.eip} holds the address of the next instruction (the return address). */
    public static void farCall(CpuState cpu, Mmu mmu, int selector, int offset, boolean op32) {
        selector &= 0xFFFF;
        if (!op32) offset &= 0xFFFF;
        int size = op32 ? 4 : 2;
        if (!cpu.protectedMode() || cpu.v86Mode()) {
            StackFrame stack = StackFrame.current(cpu, mmu);
            stack.push(cpu.segSel[CS], size);
            stack.push(cpu.eip, size);
            jumpRealOrV86(cpu, selector, offset);
            stack.commitEsp();
            return;
        }
        if (Descriptor.isNull(selector)) throw CpuFault.withCode(CpuFault.GP, 0);
        long d = Descriptor.fetch(cpu, mmu, selector, CpuFault.GP, 0);
        int code = selector & 0xFFFC;
        if (Descriptor.isCode(d)) {
            checkDirectCodeTarget(cpu, selector, d);
            StackFrame stack = StackFrame.current(cpu, mmu);
            stack.push(cpu.segSel[CS], size);
            stack.push(cpu.eip, size);
            checkOffset(d, offset);
            stack.commitEsp();
            Segmentation.loadCode(cpu, mmu, selector, d, cpu.cpl);
            cpu.eip = offset;
            return;
        }
        if (Descriptor.isCodeOrData(d)) throw CpuFault.withCode(CpuFault.GP, code);
        switch (Descriptor.type(d)) {
            case Descriptor.SYS_CALL_GATE16, Descriptor.SYS_CALL_GATE32 -> callGate(cpu, mmu, selector, d);
            case Descriptor.SYS_TASK_GATE -> {
                checkGateAccess(cpu, selector, d);
                TaskSwitch.throughGate(cpu, mmu, Descriptor.gateSelector(d), TaskSwitch.CALL, 0);
            }
            case Descriptor.SYS_TSS16_AVAILABLE, Descriptor.SYS_TSS32_AVAILABLE -> {
                checkTssAccess(cpu, selector, d);
                TaskSwitch.switchTo(cpu, mmu, selector, d, TaskSwitch.CALL, 0);
            }
            default -> throw CpuFault.withCode(CpuFault.GP, code);
        }
    }

    /** SDM vol. 2, CALL: "CALL-GATE", to the same or a more privileged level. */
    private static void callGate(CpuState cpu, Mmu mmu, int selector, long gate) {
        checkGateAccess(cpu, selector, gate);
        int target = Descriptor.gateSelector(gate);
        long td = fetchGateTarget(cpu, mmu, target);
        int dpl = Descriptor.dpl(td);
        if (dpl > cpu.cpl) throw CpuFault.withCode(CpuFault.GP, target & 0xFFFC);
        if (!Descriptor.present(td)) throw CpuFault.withCode(CpuFault.NP, target & 0xFFFC);
        int size = Descriptor.is32BitSystem(gate) ? 4 : 2;
        int off = Descriptor.gateOffset(gate);
        if (!Descriptor.isConformingCode(td) && dpl < cpu.cpl) {
            StackFrame stack = TaskSwitch.innerStack(cpu, mmu, dpl, 0);
            StackFrame old = StackFrame.current(cpu, mmu);
            int params = Descriptor.gateParamCount(gate);
            int[] copied = new int[params];
            for (int i = 0; i < params; i++) copied[i] = old.peek(i * size, size);
            stack.push(cpu.segSel[SS], size);
            stack.push(cpu.regs[CpuState.ESP], size);
            for (int i = params - 1; i >= 0; i--) stack.push(copied[i], size);
            stack.push(cpu.segSel[CS], size);
            stack.push(cpu.eip, size);
            checkOffset(td, off);
            stack.commitAsNewStack(dpl);
            Segmentation.loadCode(cpu, mmu, target, td, dpl);
        } else {
            StackFrame stack = StackFrame.current(cpu, mmu);
            stack.push(cpu.segSel[CS], size);
            stack.push(cpu.eip, size);
            checkOffset(td, off);
            stack.commitEsp();
            Segmentation.loadCode(cpu, mmu, target, td, cpu.cpl);
        }
        cpu.eip = off;
    }

    // ---- RET ----------------------------------------------------------------------------

    /** RETF / RETF imm16: {@code popBytes} are released after CS:EIP (and the outer SS:ESP). */
    public static void farReturn(CpuState cpu, Mmu mmu, boolean op32, int popBytes) {
        int size = op32 ? 4 : 2;
        StackFrame stack = StackFrame.current(cpu, mmu);
        int eip = stack.peek(0, size);
        int cs = stack.peek(size, size) & 0xFFFF;
        if (!op32) eip &= 0xFFFF;
        if (!cpu.protectedMode() || cpu.v86Mode()) {
            stack.skip(2 * size + popBytes);
            jumpRealOrV86(cpu, cs, eip);
            stack.commitEsp();
            return;
        }
        long d = checkReturnCode(cpu, mmu, cs);
        int rpl = cs & 3;
        if (rpl == cpu.cpl) {
            checkOffset(d, eip);
            stack.skip(2 * size + popBytes);
            stack.commitEsp();
            Segmentation.loadCode(cpu, mmu, cs, d, rpl);
            cpu.eip = eip;
            return;
        }
        int newEsp = stack.peek(2 * size + popBytes, size);
        int ss = stack.peek(3 * size + popBytes, size) & 0xFFFF;
        long ssd = Segmentation.checkStack(cpu, mmu, ss, rpl, CpuFault.GP, CpuFault.SS, 0);
        checkOffset(d, eip);
        returnToOuterLevel(cpu, mmu, cs, d, ss, ssd, newEsp + popBytes);
        cpu.eip = eip;
    }

    /** The CS checks shared by RET and IRET to protected mode (SDM vol. 2, RET "RETURN-TO-..."). */
    private static long checkReturnCode(CpuState cpu, Mmu mmu, int cs) {
        if (Descriptor.isNull(cs)) throw CpuFault.withCode(CpuFault.GP, 0);
        long d = Descriptor.fetch(cpu, mmu, cs, CpuFault.GP, 0);
        int code = cs & 0xFFFC;
        int rpl = cs & 3;
        if (rpl < cpu.cpl || !Descriptor.isCode(d)) throw CpuFault.withCode(CpuFault.GP, code);
        int dpl = Descriptor.dpl(d);
        if (Descriptor.isConformingCode(d) ? dpl > rpl : dpl != rpl) throw CpuFault.withCode(CpuFault.GP, code);
        if (!Descriptor.present(d)) throw CpuFault.withCode(CpuFault.NP, code);
        return d;
    }

    private static void returnToOuterLevel(CpuState cpu, Mmu mmu, int cs, long d, int ss, long ssd, int esp) {
        Segmentation.loadCode(cpu, mmu, cs, d, cs & 3);
        Descriptor.markAccessed(cpu, mmu, ss, ssd);
        Segmentation.loadCache(cpu, SS, ss, ssd | ((long) Descriptor.TYPE_ACCESSED << 40));
        cpu.updateModeCaches();
        cpu.regs[CpuState.ESP] = cpu.stack32 ? esp : (cpu.regs[CpuState.ESP] & 0xFFFF_0000) | (esp & 0xFFFF);
        Segmentation.invalidateForOuterLevel(cpu);
    }

    // ---- IRET ---------------------------------------------------------------------------

    public static void iret(CpuState cpu, Mmu mmu, boolean op32) {
        cpu.nmiBlocked = false;
        int size = op32 ? 4 : 2;
        int flags = cpu.getEflags();
        if (!cpu.protectedMode()) {
            StackFrame stack = StackFrame.current(cpu, mmu);
            int eip = stack.pop(size);
            int cs = stack.pop(size) & 0xFFFF;
            int popped = stack.pop(size);
            int newFlags = op32 ? (popped & REAL_IRET32_MASK) | (flags & ~REAL_IRET32_MASK)
                    : (flags & 0xFFFF_0000) | (popped & 0xFFFF);
            if (!op32) eip &= 0xFFFF;
            jumpRealOrV86(cpu, cs, eip);
            stack.commitEsp();
            cpu.setEflags(newFlags);
            return;
        }
        if (cpu.v86Mode()) {
            iretV86(cpu, mmu, op32, flags);
            return;
        }
        if ((flags & CpuState.NT) != 0) {
            TaskSwitch.taskReturn(cpu, mmu);
            return;
        }
        StackFrame stack = StackFrame.current(cpu, mmu);
        int eip = stack.peek(0, size);
        int cs = stack.peek(size, size) & 0xFFFF;
        int popped = stack.peek(2 * size, size);
        if (op32 && (popped & CpuState.VM) != 0 && cpu.cpl == 0) {
            iretToV86(cpu, stack, eip, cs, popped);
            return;
        }
        if (!op32) eip &= 0xFFFF;
        long d = checkReturnCode(cpu, mmu, cs);
        int rpl = cs & 3;
        int change = IRET_FLAGS;
        int iopl = (flags & CpuState.IOPL) >>> 12;
        if (cpu.cpl <= iopl) change |= CpuState.IF;
        if (cpu.cpl == 0) change |= CpuState.IOPL | CpuState.VIF | CpuState.VIP;
        if (!op32) change &= 0xFFFF;
        int newFlags = (flags & ~change) | (popped & change);
        if (rpl == cpu.cpl) {
            checkOffset(d, eip);
            stack.skip(3 * size);
            stack.commitEsp();
            Segmentation.loadCode(cpu, mmu, cs, d, rpl);
        } else {
            int newEsp = stack.peek(3 * size, size);
            int ss = stack.peek(4 * size, size) & 0xFFFF;
            long ssd = Segmentation.checkStack(cpu, mmu, ss, rpl, CpuFault.GP, CpuFault.SS, 0);
            checkOffset(d, eip);
            returnToOuterLevel(cpu, mmu, cs, d, ss, ssd, newEsp);
        }
        cpu.setEflags(newFlags);
        cpu.eip = eip;
    }

    /** SDM vol. 2, IRET "RETURN-TO-VIRTUAL-8086-MODE": from CPL 0 with VM set in the image. */
    private static void iretToV86(CpuState cpu, StackFrame stack, int eip, int cs, int popped) {
        int esp = stack.peek(12, 4);
        int ss = stack.peek(16, 4);
        int es = stack.peek(20, 4);
        int ds = stack.peek(24, 4);
        int fs = stack.peek(28, 4);
        int gs = stack.peek(32, 4);
        cpu.setEflags(popped);
        Segmentation.loadV86(cpu, CS, cs);
        Segmentation.loadV86(cpu, SS, ss);
        Segmentation.loadV86(cpu, ES, es);
        Segmentation.loadV86(cpu, DS, ds);
        Segmentation.loadV86(cpu, FS, fs);
        Segmentation.loadV86(cpu, GS, gs);
        cpu.regs[CpuState.ESP] = esp;
        cpu.eip = eip & 0xFFFF;
        cpu.updateModeCaches();
    }

    /** IRET inside v86 mode: IOPL 3, or 16-bit with CR4.VME (SDM vol. 3, 20.3.3 and 20.4). */
    private static void iretV86(CpuState cpu, Mmu mmu, boolean op32, int flags) {
        int iopl = (flags & CpuState.IOPL) >>> 12;
        boolean vme = (cpu.cr4 & CpuState.CR4_VME) != 0;
        if (iopl < 3 && (op32 || !vme)) throw CpuFault.withCode(CpuFault.GP, 0);
        int size = op32 ? 4 : 2;
        StackFrame stack = StackFrame.current(cpu, mmu);
        int eip = stack.pop(size);
        int cs = stack.pop(size) & 0xFFFF;
        int popped = stack.pop(size);
        int newFlags;
        if (iopl == 3) {
            int keep = CpuState.VM | CpuState.IOPL | CpuState.VIP | CpuState.VIF | (op32 ? 0 : 0xFFFF_0000);
            newFlags = (flags & keep) | (popped & ~keep);
        } else {
            if ((popped & CpuState.TF) != 0 || ((popped & CpuState.IF) != 0 && (flags & CpuState.VIP) != 0)) {
                throw CpuFault.withCode(CpuFault.GP, 0);
            }
            int keep = CpuState.IF | CpuState.IOPL | 0xFFFF_0000;
            newFlags = (flags & keep) | (popped & ~keep);
            newFlags = (newFlags & ~CpuState.VIF) | ((popped & CpuState.IF) != 0 ? CpuState.VIF : 0);
        }
        jumpRealOrV86(cpu, cs, eip & 0xFFFF);
        stack.commitEsp();
        cpu.setEflags(newFlags);
    }

    // ---- shared checks ------------------------------------------------------------------

    /** A direct far JMP/CALL to a code segment (SDM vol. 3, 5.8.1, table 5-2 / figure 5-11). */
    private static void checkDirectCodeTarget(CpuState cpu, int selector, long d) {
        int code = selector & 0xFFFC;
        int dpl = Descriptor.dpl(d);
        if (Descriptor.isConformingCode(d)) {
            if (dpl > cpu.cpl) throw CpuFault.withCode(CpuFault.GP, code);
        } else if ((selector & 3) > cpu.cpl || dpl != cpu.cpl) {
            throw CpuFault.withCode(CpuFault.GP, code);
        }
        if (!Descriptor.present(d)) throw CpuFault.withCode(CpuFault.NP, code);
    }

    /** Gate DPL must admit both CPL and RPL; the gate must be present (5.8.4). */
    private static void checkGateAccess(CpuState cpu, int selector, long gate) {
        int dpl = Descriptor.dpl(gate);
        if (dpl < cpu.cpl || dpl < (selector & 3)) throw CpuFault.withCode(CpuFault.GP, selector & 0xFFFC);
        if (!Descriptor.present(gate)) throw CpuFault.withCode(CpuFault.NP, selector & 0xFFFC);
    }

    private static void checkTssAccess(CpuState cpu, int selector, long d) {
        int dpl = Descriptor.dpl(d);
        if (dpl < cpu.cpl || dpl < (selector & 3)) throw CpuFault.withCode(CpuFault.GP, selector & 0xFFFC);
    }

    private static long fetchGateTarget(CpuState cpu, Mmu mmu, int target) {
        if (Descriptor.isNull(target)) throw CpuFault.withCode(CpuFault.GP, 0);
        long td = Descriptor.fetch(cpu, mmu, target, CpuFault.GP, 0);
        if (!Descriptor.isCode(td)) throw CpuFault.withCode(CpuFault.GP, target & 0xFFFC);
        return td;
    }

    private static void checkOffset(long codeDescriptor, int offset) {
        if ((offset & 0xFFFF_FFFFL) > (Descriptor.limit(codeDescriptor) & 0xFFFF_FFFFL)) {
            throw CpuFault.withCode(CpuFault.GP, 0);
        }
    }
}
