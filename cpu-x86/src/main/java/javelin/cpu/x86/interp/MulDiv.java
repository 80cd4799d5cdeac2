package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.LazyFlags;

/**
 * MUL, IMUL (one, two and three operands), DIV and IDIV (SDM vol. 2). The accumulator forms
 * use AL/AX/EAX with AH/DX/EDX. CF = OF = "the upper half is significant"; SF, ZF, AF and PF
 * are undefined and are set here from the low half of the result. Division by zero or a
 * quotient out of range raises #DE before any register changes.
 */
final class MulDiv {
    private MulDiv() { }

    static void mul(CpuState cpu, int src, int size) {
        int[] r = cpu.regs;
        boolean upper;
        int low;
        switch (size) {
            case 1 -> {
                int p = (r[EAX] & 0xFF) * (src & 0xFF);
                r[EAX] = (r[EAX] & ~0xFFFF) | (p & 0xFFFF);
                upper = (p & 0xFF00) != 0;
                low = p & 0xFF;
            }
            case 2 -> {
                int p = (r[EAX] & 0xFFFF) * (src & 0xFFFF);
                r[EAX] = (r[EAX] & ~0xFFFF) | (p & 0xFFFF);
                r[EDX] = (r[EDX] & ~0xFFFF) | (p >>> 16);
                upper = (p >>> 16) != 0;
                low = p & 0xFFFF;
            }
            default -> {
                long p = (r[EAX] & 0xFFFF_FFFFL) * (src & 0xFFFF_FFFFL);
                r[EAX] = (int) p;
                r[EDX] = (int) (p >>> 32);
                upper = (p >>> 32) != 0;
                low = (int) p;
            }
        }
        setMulFlags(cpu, upper, low, size);
    }

    static void imul1(CpuState cpu, int src, int size) {
        int[] r = cpu.regs;
        boolean overflow;
        int low;
        switch (size) {
            case 1 -> {
                int p = (byte) r[EAX] * (byte) src;
                r[EAX] = (r[EAX] & ~0xFFFF) | (p & 0xFFFF);
                overflow = p != (byte) p;
                low = p & 0xFF;
            }
            case 2 -> {
                int p = (short) r[EAX] * (short) src;
                r[EAX] = (r[EAX] & ~0xFFFF) | (p & 0xFFFF);
                r[EDX] = (r[EDX] & ~0xFFFF) | ((p >>> 16) & 0xFFFF);
                overflow = p != (short) p;
                low = p & 0xFFFF;
            }
            default -> {
                long p = (long) r[EAX] * src;
                r[EAX] = (int) p;
                r[EDX] = (int) (p >>> 32);
                overflow = p != (int) p;
                low = (int) p;
            }
        }
        setMulFlags(cpu, overflow, low, size);
    }

    /** Two- and three-operand IMUL: the truncated product. */
    static int imul(CpuState cpu, int a, int b, int size) {
        long p = Shift.signExtend(a, size) * Shift.signExtend(b, size);
        int low = (int) p & LazyFlags.mask(size);
        boolean overflow = p != Shift.signExtend(low, size);
        setMulFlags(cpu, overflow, low, size);
        return low;
    }

    private static void setMulFlags(CpuState cpu, boolean upper, int low, int size) {
        int sign = 1 << (size * 8 - 1);
        int f = (upper ? CF | OF : 0) | LazyFlags.parity(low) | ((low & LazyFlags.mask(size)) == 0 ? ZF : 0)
                | ((low & sign) != 0 ? SF : 0);
        LazyFlags.setArithFlags(cpu, f);
    }

    static void div(CpuState cpu, int src, int size) {
        int[] r = cpu.regs;
        switch (size) {
            case 1 -> {
                int d = src & 0xFF;
                if (d == 0) throw CpuFault.of(CpuFault.DE);
                int n = r[EAX] & 0xFFFF;
                int q = n / d;
                if (q > 0xFF) throw CpuFault.of(CpuFault.DE);
                r[EAX] = (r[EAX] & ~0xFFFF) | ((n % d) << 8) | q;
            }
            case 2 -> {
                int d = src & 0xFFFF;
                if (d == 0) throw CpuFault.of(CpuFault.DE);
                long n = ((r[EDX] & 0xFFFFL) << 16) | (r[EAX] & 0xFFFF);
                long q = n / d;
                if (q > 0xFFFF) throw CpuFault.of(CpuFault.DE);
                r[EAX] = (r[EAX] & ~0xFFFF) | (int) q;
                r[EDX] = (r[EDX] & ~0xFFFF) | (int) (n % d);
            }
            default -> {
                long d = src & 0xFFFF_FFFFL;
                if (d == 0) throw CpuFault.of(CpuFault.DE);
                long n = ((long) r[EDX] << 32) | (r[EAX] & 0xFFFF_FFFFL);
                long q = Long.divideUnsigned(n, d);
                if ((q >>> 32) != 0) throw CpuFault.of(CpuFault.DE);
                r[EAX] = (int) q;
                r[EDX] = (int) Long.remainderUnsigned(n, d);
            }
        }
    }

    static void idiv(CpuState cpu, int src, int size) {
        int[] r = cpu.regs;
        switch (size) {
            case 1 -> {
                int d = (byte) src;
                if (d == 0) throw CpuFault.of(CpuFault.DE);
                int n = (short) r[EAX];
                int q = n / d;
                if (q != (byte) q) throw CpuFault.of(CpuFault.DE);
                r[EAX] = (r[EAX] & ~0xFFFF) | (((n % d) & 0xFF) << 8) | (q & 0xFF);
            }
            case 2 -> {
                int d = (short) src;
                if (d == 0) throw CpuFault.of(CpuFault.DE);
                int n = (r[EDX] << 16) | (r[EAX] & 0xFFFF);
                long q = (long) n / d;
                if (q != (short) q) throw CpuFault.of(CpuFault.DE);
                r[EAX] = (r[EAX] & ~0xFFFF) | ((int) q & 0xFFFF);
                r[EDX] = (r[EDX] & ~0xFFFF) | ((int) ((long) n % d) & 0xFFFF);
            }
            default -> {
                long d = src;
                if (d == 0) throw CpuFault.of(CpuFault.DE);
                long n = ((long) r[EDX] << 32) | (r[EAX] & 0xFFFF_FFFFL);
                if (n == Long.MIN_VALUE && d == -1) throw CpuFault.of(CpuFault.DE);
                long q = n / d;
                if (q != (int) q) throw CpuFault.of(CpuFault.DE);
                r[EAX] = (int) q;
                r[EDX] = (int) (n % d);
            }
        }
    }
}
