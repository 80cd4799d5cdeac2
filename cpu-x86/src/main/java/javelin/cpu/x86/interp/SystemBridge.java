package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;

/**
 * The interpreter's one doorway to the mode-dependent system architecture that package
 * {@code javelin.cpu.x86.system} (cpu-sys) owns: segment loads, interrupt and exception
 * delivery, far control transfers, EFLAGS filtering, I/O permission. Real-address mode is
 * handled here directly (SDM vol. 3, chapter 20 "8086 emulation": IVT delivery, base =
 * selector * 16); protected and v86 mode go to {@code javelin.cpu.x86.system} once it
 * provides them (TODO(#2): wire Segmentation, Interrupts, ControlTransfer when cpu-sys lands).
 */
final class SystemBridge {
    /** Delivery kinds, as in the cpu-sys contract's {@code Interrupts}. */
    static final int EXCEPTION = 0, SOFTWARE = 1, EXTERNAL = 2;
    /** EFLAGS bits POPF/IRET may load in real mode with a 32-bit operand (SDM vol. 2, IRET). */
    private static final int LOADABLE32 = 0x0025_7FD5;
    private static final int KEPT32 = VM | VIF | VIP;

    private SystemBridge() { }

    private static boolean realMode(CpuState cpu) {
        return (cpu.cr0 & CR0_PE) == 0;
    }

    private static UnsupportedOperationException needsCpuSys(String what) {
        return new UnsupportedOperationException(what + " in protected/v86 mode needs javelin.cpu.x86.system (cpu-sys)");
    }

    /** MOV Sreg, POP Sreg, LxS: loads a segment register for the current mode. */
    static void loadSegment(CpuState cpu, int seg, int selector) {
        selector &= 0xFFFF;
        if (realMode(cpu)) {
            cpu.loadRealModeSegment(seg, selector);
        } else if (cpu.v86Mode()) {
            // v86 reloads the whole cache: 64 KiB, present, DPL 3, writable data (SDM vol. 3, 20.2).
            cpu.loadRealModeSegment(seg, selector);
            cpu.segLimit[seg] = 0xFFFF;
            cpu.segAttr[seg] = ATTR_P | ATTR_S | (3 << ATTR_DPL_SHIFT) | (seg == CS ? 0xB : 0x3);
        } else {
            throw needsCpuSys("segment load");
        }
        if (seg == CS || seg == SS) cpu.updateModeCaches();
    }

    /**
     * Delivers an interrupt or exception. {@code cpu.eip} already holds the return address.
     * Real mode: push FLAGS, CS, IP (16-bit frames), clear IF, TF and AC, jump through the IVT
     * entry at IDTR.base + 4 * vector (SDM vol. 3, 20.1.4).
     */
    static void deliver(CpuState cpu, SegmentedMemory m, int vector, int errorCode, int kind) {
        if (!realMode(cpu)) throw needsCpuSys("interrupt delivery");
        if (vector * 4 + 3 > (cpu.idtrLimit & 0xFFFF_FFFFL)) throw CpuFault.withCode(CpuFault.GP, vector * 8 + 2);
        int flags = cpu.getEflags();
        StackOps.push(cpu, m, flags, 2);
        StackOps.push(cpu, m, cpu.segSel[CS], 2);
        StackOps.push(cpu, m, cpu.eip, 2);
        int ip = m.readLinear(cpu.idtrBase + vector * 4, 2);
        int cs = m.readLinear(cpu.idtrBase + vector * 4 + 2, 2);
        cpu.eflagsRest &= ~(IF | TF | AC | RF);
        loadSegment(cpu, CS, cs);
        cpu.eip = ip;
    }

    static void farJump(CpuState cpu, int selector, int offset, boolean op32) {
        if (!realMode(cpu) && !cpu.v86Mode()) throw needsCpuSys("far jump");
        int ip = op32 ? offset : offset & 0xFFFF;
        loadSegment(cpu, CS, selector);
        checkIp(cpu, ip);
        cpu.eip = ip;
    }

    static void farCall(CpuState cpu, SegmentedMemory m, int selector, int offset, boolean op32) {
        if (!realMode(cpu) && !cpu.v86Mode()) throw needsCpuSys("far call");
        int size = op32 ? 4 : 2;
        int ip = op32 ? offset : offset & 0xFFFF;
        int sp = StackOps.sp(cpu);
        int mask = StackOps.stackMask(cpu);
        m.linear(SS, (sp - 2 * size) & mask, 2 * size, true);
        checkIp(cpu, ip);
        StackOps.pushSelector(cpu, m, cpu.segSel[CS], size);
        StackOps.push(cpu, m, cpu.eip, size);
        loadSegment(cpu, CS, selector);
        cpu.eip = ip;
    }

    static void farReturn(CpuState cpu, SegmentedMemory m, boolean op32, int popBytes) {
        if (!realMode(cpu) && !cpu.v86Mode()) throw needsCpuSys("far return");
        int size = op32 ? 4 : 2;
        int ip = StackOps.peek(cpu, m, 0, size);
        int cs = StackOps.peek(cpu, m, size, 2);
        if (!op32) ip &= 0xFFFF;
        checkIp(cpu, ip);
        loadSegment(cpu, CS, cs);
        cpu.eip = ip;
        StackOps.setSp(cpu, StackOps.sp(cpu) + 2 * size + (popBytes & 0xFFFF));
    }

    static void iret(CpuState cpu, SegmentedMemory m, boolean op32) {
        if (!realMode(cpu)) throw needsCpuSys("IRET");
        int size = op32 ? 4 : 2;
        int ip = StackOps.peek(cpu, m, 0, size);
        int cs = StackOps.peek(cpu, m, size, 2);
        int flags = StackOps.peek(cpu, m, 2 * size, size);
        if (!op32) ip &= 0xFFFF;
        checkIp(cpu, ip);
        loadSegment(cpu, CS, cs);
        cpu.eip = ip;
        StackOps.setSp(cpu, StackOps.sp(cpu) + 3 * size);
        int old = cpu.getEflags();
        if (op32) cpu.setEflags((flags & LOADABLE32) | (old & KEPT32));
        else cpu.setEflags((old & 0xFFFF_0000) | (flags & 0xFFFF));
    }

    private static void checkIp(CpuState cpu, int ip) {
        if ((ip & 0xFFFF_FFFFL) > (cpu.segLimit[CS] & 0xFFFF_FFFFL)) throw CpuFault.withCode(CpuFault.GP, 0);
    }

    /**
     * The EFLAGS value POPF loads (SDM vol. 2, POPF): in real mode every flag; in protected
     * mode IOPL only at CPL 0 and IF only when CPL <= IOPL; VM, VIP, VIF never, RF cleared.
     * v86 mode with IOPL < 3 faults (VME is cpu-sys's).
     */
    static int popfValue(CpuState cpu, int value, boolean op32) {
        int old = cpu.getEflags();
        int loadable = op32 ? LOADABLE32 & ~RF : 0x7FD5;
        if (!realMode(cpu)) {
            int iopl = (old & IOPL) >>> 12;
            if (cpu.v86Mode()) {
                if (iopl < 3) throw CpuFault.withCode(CpuFault.GP, 0);
                loadable &= ~IOPL;
            } else {
                if (cpu.cpl > 0) loadable &= ~IOPL;
                if (cpu.cpl > iopl) loadable &= ~IF;
            }
        }
        int kept = ~loadable;
        if (!op32) kept |= 0xFFFF_0000;
        return (old & kept & ~RF) | (value & loadable);
    }

    /** The EFLAGS image PUSHF stores: VM and RF read as 0 (SDM vol. 2, PUSHF). */
    static int pushfValue(CpuState cpu, boolean op32) {
        if (cpu.v86Mode() && (cpu.eflagsRest & IOPL) != IOPL) throw CpuFault.withCode(CpuFault.GP, 0);
        return cpu.getEflags() & ~(VM | RF);
    }

    /** IN/OUT/INS/OUTS: CPL > IOPL or v86 mode consults the TSS I/O bitmap (cpu-sys). */
    static void checkIoPermission(CpuState cpu, int port, int size) {
        if (realMode(cpu)) return;
        int iopl = (cpu.eflagsRest & IOPL) >>> 12;
        if (!cpu.v86Mode() && cpu.cpl <= iopl) return;
        throw needsCpuSys("I/O permission bitmap");
    }

    /** CLI/STI: protected mode needs CPL <= IOPL (PVI/VME are cpu-sys's). */
    static void setInterruptFlag(CpuState cpu, boolean on) {
        if (!realMode(cpu)) {
            int iopl = (cpu.eflagsRest & IOPL) >>> 12;
            if (cpu.cpl > iopl) throw CpuFault.withCode(CpuFault.GP, 0);
        }
        if (on) cpu.eflagsRest |= IF;
        else cpu.eflagsRest &= ~IF;
    }
}
