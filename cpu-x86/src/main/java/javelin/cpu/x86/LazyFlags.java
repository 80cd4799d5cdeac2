package javelin.cpu.x86;

/**
 * Lazy condition codes: arithmetic instructions record an operation kind and its operands in
 * {@link CpuState#ccOp}/{@code ccDst}/{@code ccSrc1}/{@code ccSrc2}; the six arithmetic flags
 * are computed only when something reads them (QEMU's cc_op scheme).
 *
 * <p>{@code ccOp} is {@code kind << 2 | sizeIndex} with sizeIndex 0/1/2 for 8/16/32-bit
 * operations, or {@link #CC_OP_EFLAGS} when ccSrc1 holds the flags themselves. Per kind:
 * <ul>
 * <li>ADD, SUB: dst = src1 op src2.
 * <li>ADC, SBB: dst = src1 op src2 op carry-in; the carry-in is recovered as
 *     {@code dst - src1 - src2} (resp. {@code src1 - src2 - dst}) modulo the width.
 * <li>LOGIC: dst only; CF = OF = AF = 0 (AF is undefined, SDM vol. 2, AND).
 * <li>INC, DEC: src1 is the operand, src2 the CF from before (INC/DEC keep CF).
 * </ul>
 */
public final class LazyFlags {
    /** ccSrc1 holds the six arithmetic flags themselves. */
    public static final int CC_OP_EFLAGS = 0;
    public static final int KIND_ADD = 1, KIND_ADC = 2, KIND_SUB = 3, KIND_SBB = 4, KIND_LOGIC = 5, KIND_INC = 6,
            KIND_DEC = 7;

    private static final int CF = CpuState.CF, PF = CpuState.PF, AF = CpuState.AF, ZF = CpuState.ZF,
            SF = CpuState.SF, OF = CpuState.OF;

    /** Parity flag table: PF for each low byte (even number of set bits). */
    private static final byte[] PARITY = new byte[256];

    static {
        for (int i = 0; i < 256; i++) PARITY[i] = (byte) ((Integer.bitCount(i) & 1) == 0 ? PF : 0);
    }

    private LazyFlags() { }

    /** ccOp for an operation kind and a size in bytes (1, 2, 4). */
    public static int op(int kind, int size) {
        return kind << 2 | (size >> 1);
    }

    public static int parity(int value) {
        return PARITY[value & 0xFF];
    }

    public static int mask(int size) {
        return size == 4 ? -1 : (1 << (size * 8)) - 1;
    }

    public static int arithFlags(CpuState cpu) {
        int op = cpu.ccOp;
        if (op == CC_OP_EFLAGS) return cpu.ccSrc1 & CpuState.ARITH_FLAGS;
        int sizeIndex = op & 3;
        int bits = 8 << sizeIndex;
        int mask = bits == 32 ? -1 : (1 << bits) - 1;
        int sign = 1 << (bits - 1);
        int dst = cpu.ccDst & mask, s1 = cpu.ccSrc1 & mask, s2 = cpu.ccSrc2 & mask;
        int f = PARITY[dst & 0xFF] | (dst == 0 ? ZF : 0) | ((dst & sign) != 0 ? SF : 0);
        switch (op >>> 2) {
            case KIND_ADD -> {
                if (Integer.compareUnsigned(dst, s1) < 0) f |= CF;
                f |= (s1 ^ s2 ^ dst) & AF;
                if (((s1 ^ dst) & (s2 ^ dst) & sign) != 0) f |= OF;
            }
            case KIND_ADC -> {
                boolean carryIn = ((dst - s1 - s2) & mask) != 0;
                if (carryIn ? Integer.compareUnsigned(dst, s1) <= 0 : Integer.compareUnsigned(dst, s1) < 0) f |= CF;
                f |= (s1 ^ s2 ^ dst) & AF;
                if (((s1 ^ dst) & (s2 ^ dst) & sign) != 0) f |= OF;
            }
            case KIND_SUB -> {
                if (Integer.compareUnsigned(s1, s2) < 0) f |= CF;
                f |= (s1 ^ s2 ^ dst) & AF;
                if (((s1 ^ s2) & (s1 ^ dst) & sign) != 0) f |= OF;
            }
            case KIND_SBB -> {
                boolean borrowIn = ((s1 - s2 - dst) & mask) != 0;
                if (borrowIn ? Integer.compareUnsigned(s1, s2) <= 0 : Integer.compareUnsigned(s1, s2) < 0) f |= CF;
                f |= (s1 ^ s2 ^ dst) & AF;
                if (((s1 ^ s2) & (s1 ^ dst) & sign) != 0) f |= OF;
            }
            case KIND_LOGIC -> { }
            case KIND_INC -> {
                f |= s2 & CF;
                f |= (s1 ^ dst) & AF;
                if (dst == sign) f |= OF;
            }
            case KIND_DEC -> {
                f |= s2 & CF;
                f |= (s1 ^ dst) & AF;
                if (s1 == sign) f |= OF;
            }
            default -> throw new IllegalStateException("unknown ccOp " + op);
        }
        return f;
    }

    /** CF alone, cheaper than {@link #arithFlags} for ADC/SBB/RCL/RCR/Jc. */
    public static boolean carry(CpuState cpu) {
        int op = cpu.ccOp;
        return switch (op >>> 2) {
            case CC_OP_EFLAGS -> (cpu.ccSrc1 & CF) != 0;
            case KIND_ADD -> {
                int mask = maskOf(op);
                yield Integer.compareUnsigned(cpu.ccDst & mask, cpu.ccSrc1 & mask) < 0;
            }
            case KIND_SUB -> {
                int mask = maskOf(op);
                yield Integer.compareUnsigned(cpu.ccSrc1 & mask, cpu.ccSrc2 & mask) < 0;
            }
            case KIND_LOGIC -> false;
            case KIND_INC, KIND_DEC -> (cpu.ccSrc2 & CF) != 0;
            default -> (arithFlags(cpu) & CF) != 0;
        };
    }

    /** ZF alone. */
    public static boolean zero(CpuState cpu) {
        int op = cpu.ccOp;
        if (op == CC_OP_EFLAGS) return (cpu.ccSrc1 & ZF) != 0;
        return (cpu.ccDst & maskOf(op)) == 0;
    }

    private static int maskOf(int op) {
        int bits = 8 << (op & 3);
        return bits == 32 ? -1 : (1 << bits) - 1;
    }

    public static void setArithFlags(CpuState cpu, int flags) {
        cpu.ccOp = CC_OP_EFLAGS;
        cpu.ccSrc1 = flags & CpuState.ARITH_FLAGS;
    }

    /** Records an operation for later evaluation. */
    public static void record(CpuState cpu, int kind, int size, int dst, int src1, int src2) {
        cpu.ccOp = kind << 2 | (size >> 1);
        cpu.ccDst = dst;
        cpu.ccSrc1 = src1;
        cpu.ccSrc2 = src2;
    }
}
