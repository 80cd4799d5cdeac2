package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.LazyFlags;

/**
 * Conditions and near control transfers (SDM vol. 2, Jcc, JMP, CALL, RET, LOOP; the condition
 * encoding of table B-1). A near target is truncated to the operand size and checked against
 * the CS limit (#GP(0)) before anything changes.
 */
final class ControlFlow {
    private ControlFlow() { }

    /** Condition {@code cc} (0 = O ... 15 = G) on the current flags. */
    static boolean condition(CpuState cpu, int cc) {
        boolean r = switch (cc >>> 1) {
            case 1 -> LazyFlags.carry(cpu);
            case 2 -> LazyFlags.zero(cpu);
            default -> {
                int f = LazyFlags.arithFlags(cpu);
                yield switch (cc >>> 1) {
                    case 0 -> (f & OF) != 0;
                    case 3 -> (f & (CF | ZF)) != 0;
                    case 4 -> (f & SF) != 0;
                    case 5 -> (f & PF) != 0;
                    case 6 -> ((f & SF) != 0) != ((f & OF) != 0);
                    default -> (f & ZF) != 0 || (((f & SF) != 0) != ((f & OF) != 0));
                };
            }
        };
        return r ^ ((cc & 1) != 0);
    }

    /** Jumps to {@code target} (already relative-resolved), truncated to the operand size. */
    static void jumpNear(CpuState cpu, int target, int opSize) {
        if (opSize == 2) target &= 0xFFFF;
        if ((target & 0xFFFF_FFFFL) > (cpu.segLimit[CS] & 0xFFFF_FFFFL)) throw CpuFault.withCode(CpuFault.GP, 0);
        cpu.eip = target;
    }

    static void callNear(CpuState cpu, SegmentedMemory m, int target, int opSize) {
        if (opSize == 2) target &= 0xFFFF;
        if ((target & 0xFFFF_FFFFL) > (cpu.segLimit[CS] & 0xFFFF_FFFFL)) throw CpuFault.withCode(CpuFault.GP, 0);
        StackOps.push(cpu, m, cpu.eip, opSize);
        cpu.eip = target;
    }

    static void retNear(CpuState cpu, SegmentedMemory m, int popBytes, int opSize) {
        int target = StackOps.peek(cpu, m, 0, opSize);
        if (opSize == 2) target &= 0xFFFF;
        if ((target & 0xFFFF_FFFFL) > (cpu.segLimit[CS] & 0xFFFF_FFFFL)) throw CpuFault.withCode(CpuFault.GP, 0);
        StackOps.setSp(cpu, StackOps.sp(cpu) + opSize + (popBytes & 0xFFFF));
        cpu.eip = target;
    }
}
