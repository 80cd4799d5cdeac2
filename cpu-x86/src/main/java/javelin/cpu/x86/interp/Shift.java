package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.LazyFlags;

/**
 * Group-2 shifts and rotates and SHLD/SHRD (SDM vol. 2, SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR,
 * SHLD, SHRD). The count is masked to 5 bits first (all IA-32 processors from the 286 on); a
 * masked count of 0 changes neither the operand nor any flag. Flags the SDM leaves undefined
 * get the values the formulas below give: OF as for a count of 1, AF cleared.
 */
final class Shift {
    static final int OP_ROL = 0, OP_ROR = 1, OP_RCL = 2, OP_RCR = 3, OP_SHL = 4, OP_SHR = 5, OP_SAL = 6, OP_SAR = 7;

    private Shift() { }

    /** Returns the shifted value; {@code op} in ModRM.reg order (/6 is an alias of SHL). */
    static int shift(CpuState cpu, int op, int value, int count, int size) {
        count &= 0x1F;
        if (count == 0) return value & LazyFlags.mask(size);
        int bits = size * 8;
        int mask = LazyFlags.mask(size);
        int sign = 1 << (bits - 1);
        int v = value & mask;
        int r;
        boolean cf;
        boolean of;
        switch (op) {
            case OP_ROL -> {
                // Rotates keep SF, ZF, AF and PF, so only they need the current flags.
                int flags = LazyFlags.arithFlags(cpu);
                int c = count % bits;
                r = c == 0 ? v : ((v << c) | (v >>> (bits - c))) & mask;
                cf = (r & 1) != 0;
                of = ((r & sign) != 0) ^ cf;
                setCfOf(cpu, flags, cf, of);
                return r;
            }
            case OP_ROR -> {
                int flags = LazyFlags.arithFlags(cpu);
                int c = count % bits;
                r = c == 0 ? v : ((v >>> c) | (v << (bits - c))) & mask;
                cf = (r & sign) != 0;
                of = ((r & sign) != 0) ^ ((r & (sign >>> 1)) != 0);
                setCfOf(cpu, flags, cf, of);
                return r;
            }
            case OP_RCL -> {
                int flags = LazyFlags.arithFlags(cpu);
                int c = bits == 32 ? count : count % (bits + 1);
                long wide = (v & 0xFFFF_FFFFL) | ((flags & CF) != 0 ? 1L << bits : 0);
                for (int i = 0; i < c; i++) {
                    long top = (wide >>> bits) & 1;
                    wide = ((wide << 1) | top) & ((1L << (bits + 1)) - 1);
                }
                r = (int) wide & mask;
                cf = ((wide >>> bits) & 1) != 0;
                of = ((r & sign) != 0) ^ cf;
                setCfOf(cpu, flags, cf, of);
                return r;
            }
            case OP_RCR -> {
                int flags = LazyFlags.arithFlags(cpu);
                int c = bits == 32 ? count : count % (bits + 1);
                long wide = (v & 0xFFFF_FFFFL) | ((flags & CF) != 0 ? 1L << bits : 0);
                for (int i = 0; i < c; i++) {
                    long low = wide & 1;
                    wide = (wide >>> 1) | (low << bits);
                }
                r = (int) wide & mask;
                cf = ((wide >>> bits) & 1) != 0;
                of = ((r & sign) != 0) ^ ((r & (sign >>> 1)) != 0);
                setCfOf(cpu, flags, cf, of);
                return r;
            }
            case OP_SHL, OP_SAL -> {
                return shiftLeft(cpu, v, count, size);
            }
            case OP_SHR -> {
                return shiftRight(cpu, v, count, size);
            }
            default -> {
                return shiftArithmeticRight(cpu, v, count, size);
            }
        }
    }

    // The three shifts below are split out of shift() so that the JIT can inline each into an
    // executor's hot path; they take a count already masked to 1..31 (0 changes nothing).

    /** SHL/SAL by {@code count} in 1..31. */
    static int shiftLeft(CpuState cpu, int value, int count, int size) {
        int bits = size * 8;
        int mask = LazyFlags.mask(size);
        long wide = (value & mask & 0xFFFF_FFFFL) << count;
        int r = (int) wide & mask;
        boolean cf = ((wide >>> bits) & 1) != 0;
        boolean of = ((r & (1 << (bits - 1))) != 0) ^ cf;
        return setShiftFlags(cpu, r, size, cf, of);
    }

    /** SHR by {@code count} in 1..31. */
    static int shiftRight(CpuState cpu, int value, int count, int size) {
        int mask = LazyFlags.mask(size);
        long wide = value & mask & 0xFFFF_FFFFL;
        int r = (int) (wide >>> count) & mask;
        boolean cf = ((wide >>> (count - 1)) & 1) != 0;
        boolean of = (value & mask & (1 << (size * 8 - 1))) != 0;
        return setShiftFlags(cpu, r, size, cf, of);
    }

    /** SAR by {@code count} in 1..31. */
    static int shiftArithmeticRight(CpuState cpu, int value, int count, int size) {
        int mask = LazyFlags.mask(size);
        long sv = signExtend(value & mask, size);
        int r = (int) (sv >> count) & mask;
        boolean cf = ((sv >> (count - 1)) & 1) != 0;
        return setShiftFlags(cpu, r, size, cf, false);
    }

    /** SF, ZF, PF from the result, CF and OF as given, AF cleared (undefined, SDM vol. 2, SAL/SAR/SHL/SHR). */
    private static int setShiftFlags(CpuState cpu, int r, int size, boolean cf, boolean of) {
        int sign = 1 << (size * 8 - 1);
        int f = LazyFlags.parity(r) | (r == 0 ? ZF : 0) | ((r & sign) != 0 ? SF : 0) | (cf ? CF : 0) | (of ? OF : 0);
        LazyFlags.setArithFlags(cpu, f);
        return r;
    }

    /** Rotates change only CF and OF. */
    private static void setCfOf(CpuState cpu, int flags, boolean cf, boolean of) {
        LazyFlags.setArithFlags(cpu, (flags & ~(CF | OF)) | (cf ? CF : 0) | (of ? OF : 0));
    }

    static long signExtend(int v, int size) {
        return switch (size) {
            case 1 -> (byte) v;
            case 2 -> (short) v;
            default -> v;
        };
    }

    /**
     * SHLD ({@code left}) or SHRD: shifts {@code dst} by {@code count}, filling from {@code src}.
     * For 16-bit operands with a count above 16 the result is undefined; this model shifts
     * through the 48-bit concatenation dst:src:dst as the 386 does.
     */
    static int doubleShift(CpuState cpu, boolean left, int dst, int src, int count, int size) {
        count &= 0x1F;
        int mask = LazyFlags.mask(size);
        if (count == 0) return dst & mask;
        int bits = size * 8;
        int sign = 1 << (bits - 1);
        int r;
        boolean cf;
        if (size == 4) {
            long d = dst & 0xFFFF_FFFFL, s = src & 0xFFFF_FFFFL;
            if (left) {
                long wide = (d << 32) | s;
                r = (int) (wide >>> (32 - count));
                cf = ((d >>> (32 - count)) & 1) != 0;
            } else {
                long wide = (s << 32) | d;
                r = (int) (wide >>> count);
                cf = ((d >>> (count - 1)) & 1) != 0;
            }
        } else {
            long d = dst & 0xFFFFL, s = src & 0xFFFFL;
            if (left) {
                long wide = (d << 32) | (s << 16) | d;
                r = (int) (wide >>> (32 - count)) & mask;
                cf = ((wide >>> (48 - count)) & 1) != 0;
            } else {
                long wide = (d << 32) | (s << 16) | d;
                r = (int) (wide >>> count) & mask;
                cf = ((wide >>> (count - 1)) & 1) != 0;
            }
        }
        r &= mask;
        boolean of = ((r ^ dst) & sign) != 0;
        int f = LazyFlags.parity(r) | (r == 0 ? ZF : 0) | ((r & sign) != 0 ? SF : 0) | (cf ? CF : 0) | (of ? OF : 0);
        LazyFlags.setArithFlags(cpu, f);
        return r;
    }
}
