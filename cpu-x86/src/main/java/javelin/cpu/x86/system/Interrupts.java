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
 * Interrupt and exception delivery (SDM vol. 3, chapter 6; vol. 2, INT n pseudo-code; v86
 * mode and VME: vol. 3, 20.3).
 *
 * <ul>
 *   <li>Real mode: through the IVT at IDTR.base, pushing FLAGS, CS, IP.</li>
 *   <li>Protected mode: IDT interrupt, trap and task gates, 16 and 32 bit, with the gate,
 *       target and stack checks, a stack switch from the TSS on a privilege change, and the
 *       exit from v86 mode (which pushes and clears GS, FS, DS, ES).</li>
 *   <li>Software interrupts in v86 mode: IOPL-sensitive, and with CR4.VME redirected through
 *       the v86 program's own IVT when the TSS redirection bitmap says so.</li>
 *   <li>A fault while delivering is combined with the first event as table 6-5 says: a
 *       double fault (#DF), or delivered serially; a fault while delivering #DF is a triple
 *       fault, which sets {@link CpuState#shutdownRequested} (the board resets).</li>
 * </ul>
 *
 * <p>Register state is only changed once every check and every push has succeeded, so a
 * fault during delivery sees the state of the interrupted code.
 */
public final class Interrupts {
    /** A fault or trap raised by the CPU; EIP holds the return address the SDM defines. */
    public static final int EXCEPTION = 0;
    /** INT n, INT3, INTO: EIP is the next instruction; the gate DPL is checked; IOPL/VME in v86. */
    public static final int SOFTWARE = 1;
    /** INTR or NMI from outside. */
    public static final int EXTERNAL = 2;
    /**
     * INT3 and INTO: like SOFTWARE (EIP = next instruction, gate DPL checked, faults thrown),
     * but, unlike INT n, neither IOPL-sensitive nor VME-redirected in v86 mode (SDM vol. 2,
     * INT n: "IF (VM = 1 and IOPL &lt; 3 AND INT n) THEN #GP(0)"; vol. 3, 20.3.1).
     */
    public static final int SOFTWARE_EXCEPTION = 3;

    /** EXT bit of an error code: the fault happened delivering an event external to the program. */
    static final int EXT = 1;
    /** IDT bit of an error code: the selector index refers to the IDT. */
    static final int IDT = 2;

    private Interrupts() { }

    /**
     * Delivers {@code vector}. {@code errorCode} is -1 if the vector pushes none. For
     * EXCEPTION and EXTERNAL, faults raised by the delivery itself are handled here (serially,
     * as a double fault, or as a triple fault) and this method returns normally; for SOFTWARE
     * they are thrown, as faults of the INT instruction.
     */
    public static void deliver(CpuState cpu, Mmu mmu, int vector, int errorCode, int kind) {
        if (kind == SOFTWARE || kind == SOFTWARE_EXCEPTION) {
            // A fault while delivering INT n is a fault of the INT instruction: it propagates to
            // the run loop, which restores EIP to the INT and delivers it (benign first event,
            // so the second is handled serially, table 6-5).
            deliverOnce(cpu, mmu, vector, errorCode, kind);
            return;
        }
        try {
            deliverOnce(cpu, mmu, vector, errorCode, kind);
        } catch (CpuFault second) {
            boolean firstIsException = kind == EXCEPTION;
            if (firstIsException && vector == CpuFault.DF) {
                // SDM vol. 3, 6.15, interrupt 8: a fault while invoking the #DF handler shuts the processor down.
                cpu.shutdownRequested = true;
                return;
            }
            if (firstIsException && causesDoubleFault(vector, second.vector)) {
                deliver(cpu, mmu, CpuFault.DF, 0, EXCEPTION);
            } else {
                deliver(cpu, mmu, second.vector, second.errorCode, EXCEPTION);
            }
        }
    }

    /** Table 6-5 of SDM vol. 3: which pairs of exceptions make a double fault. */
    static boolean causesDoubleFault(int first, int second) {
        boolean secondContributory = isContributory(second);
        if (isContributory(first)) return secondContributory;
        if (first == CpuFault.PF) return secondContributory || second == CpuFault.PF;
        return false;
    }

    /** Fault-class vectors (SDM vol. 3, table 6-1); #DB is reported as a trap here (data and single-step). */
    static boolean isFault(int vector) {
        return switch (vector) {
            case CpuFault.DE, CpuFault.BR, CpuFault.UD, CpuFault.NM, CpuFault.TS, CpuFault.NP, CpuFault.SS, CpuFault.GP,
                    CpuFault.PF, CpuFault.MF, CpuFault.AC, CpuFault.XM -> true;
            default -> false;
        };
    }

    /** Table 6-4 of SDM vol. 3: #DE, #TS, #NP, #SS, #GP. */
    static boolean isContributory(int vector) {
        return vector == CpuFault.DE || (vector >= CpuFault.TS && vector <= CpuFault.GP);
    }

    private static void deliverOnce(CpuState cpu, Mmu mmu, int vector, int errorCode, int kind) {
        cpu.halted = false;
        if (vector == CpuFault.NMI && kind == EXTERNAL) cpu.nmiBlocked = true;
        boolean software = kind == SOFTWARE || kind == SOFTWARE_EXCEPTION;
        int ext = software ? 0 : EXT;
        if (!cpu.protectedMode()) {
            deliverReal(cpu, mmu, vector);
            return;
        }
        if (cpu.v86Mode() && kind == SOFTWARE && deliverV86Software(cpu, mmu, vector)) return;
        deliverProtected(cpu, mmu, vector, errorCode, kind, ext);
    }

    /** SDM vol. 3, 20.1.4: real-address mode interrupt through the IVT. */
    private static void deliverReal(CpuState cpu, Mmu mmu, int vector) {
        if (vector * 4 + 3 > cpu.idtrLimit) throw CpuFault.withCode(CpuFault.GP, vector * 8 + IDT);
        int entry = mmu.readDword(cpu.idtrBase + vector * 4, false);
        StackFrame stack = StackFrame.current(cpu, mmu);
        pushRealFrame(cpu, stack);
        stack.commitEsp();
        cpu.setEflags(cpu.getEflags() & ~(CpuState.IF | CpuState.TF | CpuState.AC | CpuState.RF));
        cpu.loadRealModeSegment(CS, entry >>> 16);
        cpu.eip = entry & 0xFFFF;
    }

    private static void pushRealFrame(CpuState cpu, StackFrame stack) {
        stack.push(cpu.getEflags(), 2);
        stack.push(cpu.segSel[CS], 2);
        stack.push(cpu.eip, 2);
    }

    /**
     * INT n in v86 mode (SDM vol. 3, 20.3.3, table 20-2). Returns true if it was handled
     * inside the v86 program (methods 5 and 6, VME redirection); false if it goes to the
     * protected-mode handler; throws #GP(0) where IOPL forbids it.
     */
    private static boolean deliverV86Software(CpuState cpu, Mmu mmu, int vector) {
        int iopl = (cpu.getEflags() & CpuState.IOPL) >>> 12;
        boolean vme = (cpu.cr4 & CpuState.CR4_VME) != 0;
        if (vme && !TaskSwitch.softIntRedirected(cpu, mmu, vector)) {
            int entry = mmu.readDword(vector * 4, true);
            StackFrame stack = StackFrame.current(cpu, mmu);
            int flags = cpu.getEflags();
            if (iopl < 3) {
                // Method 6: the image shows IF = VIF and IOPL = 3; VIF is what gets cleared.
                flags = (flags & ~CpuState.IF) | ((flags & CpuState.VIF) != 0 ? CpuState.IF : 0) | CpuState.IOPL;
            }
            stack.push(flags, 2);
            stack.push(cpu.segSel[CS], 2);
            stack.push(cpu.eip, 2);
            stack.commitEsp();
            int clear = CpuState.TF | CpuState.RF | (iopl < 3 ? CpuState.VIF : CpuState.IF);
            cpu.setEflags(cpu.getEflags() & ~clear);
            Segmentation.loadV86(cpu, CS, entry >>> 16);
            cpu.eip = entry & 0xFFFF;
            return true;
        }
        if (iopl < 3) throw CpuFault.withCode(CpuFault.GP, 0);
        return false;
    }

    /** SDM vol. 2, INT n, "PROTECTED-MODE" and the paths below it. */
    private static void deliverProtected(CpuState cpu, Mmu mmu, int vector, int errorCode, int kind, int ext) {
        int idtCode = vector * 8 + IDT + ext;
        if (vector * 8 + 7 > cpu.idtrLimit) throw CpuFault.withCode(CpuFault.GP, idtCode);
        long gate = Descriptor.read(cpu, mmu, cpu.idtrBase + vector * 8);
        int type = Descriptor.type(gate);
        boolean validType = !Descriptor.isCodeOrData(gate) && (type == Descriptor.SYS_TASK_GATE
                || type == Descriptor.SYS_INTERRUPT_GATE16 || type == Descriptor.SYS_TRAP_GATE16
                || type == Descriptor.SYS_INTERRUPT_GATE32 || type == Descriptor.SYS_TRAP_GATE32);
        if (!validType) throw CpuFault.withCode(CpuFault.GP, idtCode);
        if ((kind == SOFTWARE || kind == SOFTWARE_EXCEPTION) && Descriptor.dpl(gate) < cpu.cpl) {
            throw CpuFault.withCode(CpuFault.GP, idtCode);
        }
        if (!Descriptor.present(gate)) throw CpuFault.withCode(CpuFault.NP, idtCode);

        if (type == Descriptor.SYS_TASK_GATE) {
            int tss = Descriptor.gateSelector(gate);
            TaskSwitch.throughGate(cpu, mmu, tss, TaskSwitch.CALL, ext);
            if (errorCode >= 0) {
                StackFrame stack = StackFrame.current(cpu, mmu);
                stack.push(errorCode, (cpu.trAttr & 8) != 0 ? 4 : 2);
                stack.commitEsp();
            }
            return;
        }

        int selector = Descriptor.gateSelector(gate);
        if (Descriptor.isNull(selector)) throw CpuFault.withCode(CpuFault.GP, ext);
        long code = Descriptor.fetch(cpu, mmu, selector, CpuFault.GP, ext);
        int selCode = (selector & 0xFFFC) | ext;
        int dpl = Descriptor.dpl(code);
        if (!Descriptor.isCode(code) || dpl > cpu.cpl) throw CpuFault.withCode(CpuFault.GP, selCode);
        if (!Descriptor.present(code)) throw CpuFault.withCode(CpuFault.NP, selCode);
        boolean conforming = Descriptor.isConformingCode(code);
        int size = Descriptor.is32BitSystem(gate) ? 4 : 2;
        int offset = Descriptor.gateOffset(gate);
        boolean fromV86 = cpu.v86Mode();

        int newCpl;
        StackFrame stack;
        if (!conforming && dpl < cpu.cpl) {
            if (fromV86 && dpl != 0) throw CpuFault.withCode(CpuFault.GP, selCode);
            newCpl = dpl;
            stack = TaskSwitch.innerStack(cpu, mmu, newCpl, ext);
            if (fromV86) {
                stack.push(cpu.segSel[GS], size);
                stack.push(cpu.segSel[FS], size);
                stack.push(cpu.segSel[DS], size);
                stack.push(cpu.segSel[ES], size);
            }
            stack.push(cpu.segSel[SS], size);
            stack.push(cpu.regs[CpuState.ESP], size);
        } else if (fromV86) {
            throw CpuFault.withCode(CpuFault.GP, selCode);
        } else {
            newCpl = cpu.cpl;
            stack = StackFrame.current(cpu, mmu);
        }
        // SDM vol. 2, INT n: "#GP(0) If the instruction pointer in the IDT or in the interrupt,
        // trap, or task gate is beyond the code segment limits."
        if ((offset & 0xFFFF_FFFFL) > (Descriptor.limit(code) & 0xFFFF_FFFFL)) throw CpuFault.withCode(CpuFault.GP, 0);
        int flags = cpu.getEflags();
        // SDM vol. 3, 17.3.1.1: the image saved for a fault has RF set, so that IRET back to
        // the faulting instruction does not retrigger an instruction breakpoint on it.
        stack.push(kind == EXCEPTION && isFault(vector) ? flags | CpuState.RF : flags, size);
        stack.push(cpu.segSel[CS], size);
        stack.push(cpu.eip, size);
        if (errorCode >= 0) stack.push(errorCode, size);

        // Commit point: everything was checked and pushed.
        int clear = CpuState.TF | CpuState.NT | CpuState.VM | CpuState.RF;
        if (type == Descriptor.SYS_INTERRUPT_GATE16 || type == Descriptor.SYS_INTERRUPT_GATE32) clear |= CpuState.IF;
        cpu.setEflags(flags & ~clear);
        if (newCpl != cpu.cpl || fromV86) {
            stack.commitAsNewStack(newCpl);
            if (fromV86) {
                for (int seg : Segmentation.DATA_SEGMENTS) Segmentation.loadNull(cpu, seg, 0);
            }
        } else {
            stack.commitEsp();
        }
        Segmentation.loadCode(cpu, mmu, selector, code, newCpl);
        cpu.eip = offset;
    }
}
