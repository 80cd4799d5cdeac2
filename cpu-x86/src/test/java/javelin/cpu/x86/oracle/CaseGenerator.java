package javelin.cpu.x86.oracle;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javelin.cpu.x86.fpu.Float80;

/**
 * Random single-instruction cases from a seed: integer ALU, shift, multiply/divide, bit, BCD and
 * flag instructions (16- and 32-bit operand sizes, register and [EBX] memory forms), and every
 * x87 escape form whose effect stays inside the case (no FSAVE/FRSTOR/FSTENV/FLDENV, whose images
 * hold host pointers). x87 states cover all rounding and precision modes, random masks,
 * partially filled stacks, and special values: zeros, infinities, QNaN/SNaN, the indefinite,
 * denormals, pseudo-denormals, unnormals, pseudo-NaNs, numbers at the exponent limits.
 *
 * <p>The undefined-flag masks follow the instruction pages of SDM vol. 2 ("Flags Affected",
 * "FPU Flags Affected").
 */
final class CaseGenerator {
    // EFLAGS
    private static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
    private static final int ALL6 = CF | PF | AF | ZF | SF | OF;
    // x87 status word condition codes
    private static final int C0 = 1 << 8, C1 = 1 << 9, C2 = 1 << 10, C3 = 1 << 14;
    private static final int EBX = 3, ESP = 4;

    private final SplittableRandom rnd;

    CaseGenerator(long seed) {
        rnd = new SplittableRandom(seed);
    }

    OracleCase next() {
        int k = rnd.nextInt(100);
        if (k < 40) return integerCase();
        if (k < 93) return x87Case(false);
        return x87Case(true);
    }

    List<OracleCase> batch(int n) {
        List<OracleCase> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(next());
        return l;
    }

    // ---------------------------------------------------------------- integer

    private int randomValue() {
        return switch (rnd.nextInt(8)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> 0x8000_0000;
            case 3 -> 0x7FFF_FFFF;
            case 4 -> rnd.nextInt(256);
            case 5 -> 0x8000 + rnd.nextInt(3) - 1;
            default -> rnd.nextInt();
        };
    }

    private final class Code {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        final List<OracleCase.UndefinedPart> undefined = new ArrayList<>();
        /** The count of a shift or double shift, or {@link #COUNT_IN_CL} when CL holds it (decided by the register value). */
        int count = NO_COUNT;
        /** The shift is a SHL/SAL/SHR/SAR (AF undefined), not a rotate. */
        boolean shiftSetsAf;
        /** The destination register of a BSF/BSR, undefined if the source is zero; -1 for other instructions. */
        int bitScanDestination = -1;
        /** A 16-bit SHLD/SHRD: a masked count above 16 leaves the result undefined. */
        boolean doubleShift16;
        /** The r/m operand: a memory operand at [EBX + memDisp], or register rmReg. */
        boolean rmIsMemory;
        int memDisp;
        int rmReg;
        String name;

        Code op(int... bytes) {
            for (int x : bytes) b.write(x);
            return this;
        }

        Code imm(int size, int value) {
            for (int i = 0; i < size; i++) b.write(value >>> (8 * i));
            return this;
        }

        void undefinedFlags(Undefined what, int flags) {
            undefined.add(OracleCase.UndefinedPart.flags(what, flags));
        }
    }

    private static final int NO_COUNT = -2, COUNT_IN_CL = -1;

    /** A register number for a 16/32-bit operand: never ESP. */
    private int gpr() {
        int r = rnd.nextInt(7);
        return r >= ESP ? r + 1 : r;
    }

    /** Appends a ModRM byte for a register or an [EBX]/[EBX+disp8] memory operand. */
    private void modrm(Code c, int reg, boolean allowMem, boolean byteOp) {
        c.rmIsMemory = allowMem && rnd.nextInt(3) == 0;
        if (c.rmIsMemory) {
            if (rnd.nextBoolean()) {
                c.memDisp = 0;
                c.op(reg << 3 | 3);
            } else {
                c.memDisp = rnd.nextInt(40);
                c.op(0x40 | reg << 3 | 3, c.memDisp);
            }
        } else {
            c.rmReg = byteOp ? rnd.nextInt(8) : gpr();
            c.op(0xC0 | reg << 3 | c.rmReg);
        }
    }

    private OracleCase integerCase() {
        Code c = new Code();
        boolean o16 = rnd.nextInt(4) == 0;
        int size = o16 ? 2 : 4;
        int form = rnd.nextInt(22);
        if (o16 && form != 20) c.op(0x66);
        switch (form) {
            case 0, 1 -> {                                   // ALU r/m,r and r,r/m (8/16/32)
                int alu = rnd.nextInt(8);
                int low = rnd.nextInt(4);
                boolean byteOp = (low & 1) == 0;
                c.op(alu << 3 | low);
                modrm(c, byteOp ? rnd.nextInt(8) : gpr(), true, byteOp);
                c.name = "alu" + alu;
                if (alu == 1 || alu == 4 || alu == 6) c.undefinedFlags(Undefined.LOGIC_AF, AF);
            }
            case 2 -> {                                      // ALU AL/eAX, imm
                int alu = rnd.nextInt(8);
                boolean byteOp = rnd.nextBoolean();
                c.op(alu << 3 | (byteOp ? 4 : 5));
                c.imm(byteOp ? 1 : size, randomValue());
                c.name = "alu-acc" + alu;
                if (alu == 1 || alu == 4 || alu == 6) c.undefinedFlags(Undefined.LOGIC_AF, AF);
            }
            case 3 -> {                                      // 80/81/83 group
                int alu = rnd.nextInt(8);
                int op = new int[] {0x80, 0x81, 0x83}[rnd.nextInt(3)];
                c.op(op);
                modrm(c, alu, true, op == 0x80);
                c.imm(op == 0x81 ? size : 1, randomValue());
                c.name = "grp1-" + alu;
                if (alu == 1 || alu == 4 || alu == 6) c.undefinedFlags(Undefined.LOGIC_AF, AF);
            }
            case 4, 5 -> {                                   // shifts and rotates
                int kind = rnd.nextInt(7);
                if (kind == 6) kind = 7;
                int op = new int[] {0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3}[rnd.nextInt(6)];
                boolean byteOp = (op & 1) == 0;
                c.op(op);
                modrm(c, kind, true, byteOp);
                if (op <= 0xC1) {
                    c.count = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt(34);
                    c.imm(1, c.count);
                } else {
                    c.count = op <= 0xD1 ? 1 : COUNT_IN_CL;
                }
                c.name = "shift" + kind;
                c.shiftSetsAf = kind >= 4;
            }
            case 6 -> {                                      // INC/DEC
                if (rnd.nextBoolean()) {
                    c.op((rnd.nextBoolean() ? 0x40 : 0x48) + gpr());
                } else {
                    boolean byteOp = rnd.nextBoolean();
                    c.op(byteOp ? 0xFE : 0xFF);
                    modrm(c, rnd.nextInt(2), true, byteOp);
                }
                c.name = "incdec";
            }
            case 7, 8 -> {                                   // F6/F7 group 3
                int kind = rnd.nextInt(8);
                if (kind == 1) kind = 0;
                boolean byteOp = rnd.nextBoolean();
                c.op(byteOp ? 0xF6 : 0xF7);
                modrm(c, kind, true, byteOp);
                if (kind == 0) c.imm(byteOp ? 1 : size, randomValue());
                c.name = "grp3-" + kind;
                if (kind == 0) c.undefinedFlags(Undefined.LOGIC_AF, AF);
                if (kind == 4 || kind == 5) c.undefinedFlags(Undefined.MUL_FLAGS, SF | ZF | AF | PF);
                if (kind >= 6) c.undefinedFlags(Undefined.DIV_FLAGS, ALL6);
            }
            case 9 -> {                                      // IMUL forms
                int f = rnd.nextInt(3);
                int reg = gpr();
                if (f == 0) {
                    c.op(0x0F, 0xAF);
                    modrm(c, reg, true, false);
                } else {
                    c.op(f == 1 ? 0x69 : 0x6B);
                    modrm(c, reg, true, false);
                    c.imm(f == 1 ? size : 1, randomValue());
                }
                c.name = "imul";
                c.undefinedFlags(Undefined.MUL_FLAGS, SF | ZF | AF | PF);
            }
            case 10 -> {                                     // BT/BTS/BTR/BTC
                if (rnd.nextBoolean()) {
                    c.op(0x0F, new int[] {0xA3, 0xAB, 0xB3, 0xBB}[rnd.nextInt(4)]);
                    c.op(0xC0 | gpr() << 3 | gpr());
                } else {
                    c.op(0x0F, 0xBA);
                    modrm(c, 4 + rnd.nextInt(4), true, false);
                    c.imm(1, rnd.nextInt(256));
                }
                c.name = "bt";
                c.undefinedFlags(Undefined.BIT_TEST_FLAGS, OF | SF | AF | PF);
            }
            case 11 -> {                                     // BSF/BSR
                c.op(0x0F, rnd.nextBoolean() ? 0xBC : 0xBD);
                int reg = gpr();
                modrm(c, reg, true, false);
                c.name = "bsf/bsr";
                c.undefinedFlags(Undefined.BIT_SCAN_FLAGS, CF | OF | SF | AF | PF);
                c.bitScanDestination = reg;
            }
            case 12 -> {                                     // SHLD/SHRD
                boolean imm = rnd.nextBoolean();
                c.op(0x0F, (rnd.nextBoolean() ? 0xA4 : 0xAC) + (imm ? 0 : 1));
                modrm(c, gpr(), true, false);
                if (imm) {
                    c.count = rnd.nextInt(o16 && rnd.nextInt(4) == 0 ? 32 : o16 ? 17 : 32);
                    c.imm(1, c.count);
                } else {
                    c.count = COUNT_IN_CL;
                }
                c.name = "shld/shrd";
                c.doubleShift16 = o16;
            }
            case 13 -> {                                     // SETcc / CMOVcc
                if (rnd.nextBoolean()) {
                    c.op(0x0F, 0x90 + rnd.nextInt(16));
                    modrm(c, 0, true, true);
                } else {
                    c.op(0x0F, 0x40 + rnd.nextInt(16));
                    modrm(c, gpr(), true, false);
                }
                c.name = "setcc/cmovcc";
            }
            case 14 -> {                                     // MOVZX/MOVSX
                int op = new int[] {0xB6, 0xB7, 0xBE, 0xBF}[rnd.nextInt(4)];
                c.op(0x0F, op);
                modrm(c, gpr(), true, (op & 1) == 0);
                c.name = "movzx/movsx";
            }
            case 15 -> {                                     // XCHG, XADD, CMPXCHG
                int f = rnd.nextInt(3);
                boolean byteOp = rnd.nextBoolean();
                if (f == 0) c.op(byteOp ? 0x86 : 0x87);
                else c.op(0x0F, (f == 1 ? 0xC0 : 0xB0) + (byteOp ? 0 : 1));
                modrm(c, byteOp ? rnd.nextInt(8) : gpr(), true, byteOp);
                c.name = "xchg/xadd/cmpxchg";
            }
            case 16 -> {                                     // one-byte flag and conversion ops
                int[] ops = {0x98, 0x99, 0x9E, 0x9F, 0xF5, 0xF8, 0xF9, 0xFC, 0xFD};
                c.op(ops[rnd.nextInt(ops.length)]);
                c.name = "misc";
            }
            case 17 -> {                                     // BCD adjust
                int f = rnd.nextInt(6);
                switch (f) {
                    case 0 -> { c.op(0x27); c.undefinedFlags(Undefined.BCD_FLAGS, OF); }
                    case 1 -> { c.op(0x2F); c.undefinedFlags(Undefined.BCD_FLAGS, OF); }
                    case 2 -> { c.op(0x37); c.undefinedFlags(Undefined.BCD_FLAGS, OF | SF | ZF | PF); }
                    case 3 -> { c.op(0x3F); c.undefinedFlags(Undefined.BCD_FLAGS, OF | SF | ZF | PF); }
                    case 4 -> { c.op(0xD4, rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(256)); c.undefinedFlags(Undefined.BCD_FLAGS, OF | AF | CF); }
                    default -> { c.op(0xD5, rnd.nextInt(256)); c.undefinedFlags(Undefined.BCD_FLAGS, OF | AF | CF); }
                }
                c.name = "bcd";
            }
            case 18 -> {                                     // BSWAP
                int reg = gpr();
                c.op(0x0F, 0xC8 + reg);
                c.name = "bswap";
                if (o16) c.undefined.add(new OracleCase.UndefinedPart(Undefined.BSWAP_16BIT, 0, 0, 1 << reg, 0, 0));
            }
            case 19 -> {                                     // TEST / MOV r/m
                int op = new int[] {0x84, 0x85, 0x88, 0x89, 0x8A, 0x8B}[rnd.nextInt(6)];
                boolean byteOp = (op & 1) == 0;
                c.op(op);
                modrm(c, byteOp ? rnd.nextInt(8) : gpr(), true, byteOp);
                c.name = "test/mov";
                if (op <= 0x85) c.undefinedFlags(Undefined.LOGIC_AF, AF);
            }
            case 20 -> {                                     // LEA
                if (o16) c.op(0x66);
                c.op(0x8D, 0x40 | gpr() << 3 | 3, rnd.nextInt(256));
                c.name = "lea";
            }
            default -> {                                     // NEG/NOT/ADC/SBB heavy: carry chains
                int alu = 2 + rnd.nextInt(2);
                c.op(alu << 3 | 1);
                c.op(0xC0 | gpr() << 3 | gpr());
                c.name = "adc/sbb";
            }
        }
        Integer[] regs = new Integer[8];
        for (int i = 0; i < 8; i++) regs[i] = randomValue();
        regs[ESP] = 0;
        regs[EBX] = OracleCase.DATA_ADDR + rnd.nextInt(16);
        if (c.count != NO_COUNT) {
            if (c.count == COUNT_IN_CL) regs[1] = rnd.nextInt(4) == 0 ? randomValue() : rnd.nextInt(34);
            undefinedOfCount(c, c.count == COUNT_IN_CL ? regs[1] & 0x1F : c.count & 0x1F,
                    regs[EBX] - OracleCase.DATA_ADDR + c.memDisp, size);
        }
        byte[] data = new byte[OracleCase.DATA_SIZE];
        for (int i = 0; i < data.length; i++) data[i] = (byte) randomValue();
        if (c.bitScanDestination >= 0) {
            int memOffset = regs[EBX] - OracleCase.DATA_ADDR + c.memDisp;
            if (rnd.nextInt(4) == 0) {       // a zero source, often enough to exercise the class
                if (c.rmIsMemory) java.util.Arrays.fill(data, memOffset, memOffset + size, (byte) 0);
                else regs[c.rmReg] = 0;
            }
            long source = 0;
            for (int i = 0; i < size; i++) {
                source |= c.rmIsMemory ? (data[memOffset + i] & 0xFFL) << (8 * i) : 0;
            }
            if (!c.rmIsMemory) source = regs[c.rmReg] & (size == 2 ? 0xFFFFL : 0xFFFF_FFFFL);
            if (source == 0) {
                c.undefined.add(new OracleCase.UndefinedPart(Undefined.BIT_SCAN_ZERO_DESTINATION, 0, 0,
                        1 << c.bitScanDestination, 0, 0));
            }
        }
        int eflags = rnd.nextInt() & (ALL6 | 0x400);
        return new OracleCase(OracleCase.Kind.INTEGER, c.name + (o16 ? "/16" : ""), List.of(regs), eflags,
                new byte[OracleCase.FSAVE_SIZE], data, c.b.toByteArray(), c.undefined);
    }

    /**
     * The undefined parts that depend on a shift's masked count (SDM vol. 2, SAL/SAR/SHL/SHR,
     * RCL/RCR/ROL/ROR, SHLD, SHRD): none for a count of 0 (nothing changes); AF after a shift;
     * OF unless the count is 1; for a 16-bit double shift by more than 16, the result and flags.
     */
    private static void undefinedOfCount(Code c, int count, int memOffset, int size) {
        if (count == 0) return;
        if (c.name.startsWith("shld")) {
            if (c.doubleShift16 && count > 16) {
                int regs = c.rmIsMemory ? 0 : 1 << c.rmReg;
                int from = c.rmIsMemory ? memOffset : 0, to = c.rmIsMemory ? memOffset + size : 0;
                c.undefined.add(new OracleCase.UndefinedPart(Undefined.DOUBLE_SHIFT_WIDE_COUNT, ALL6, 0, regs, from, to));
            } else {
                c.undefinedFlags(Undefined.DOUBLE_SHIFT_FLAGS, AF | (count == 1 ? 0 : OF));
            }
            return;
        }
        if (c.shiftSetsAf) c.undefinedFlags(Undefined.SHIFT_AF, AF);
        if (count != 1) c.undefinedFlags(Undefined.SHIFT_OF, OF);
    }

    // ---------------------------------------------------------------- x87 values

    Float80 randomExtended() {
        boolean neg = rnd.nextBoolean();
        long r = rnd.nextLong();
        return switch (rnd.nextInt(40)) {
            case 0, 1 -> Float80.of(neg, 0, 0);
            case 2 -> Float80.of(neg, 0x7FFF, Float80.INTEGER_BIT);
            case 3 -> Float80.of(neg, 0x7FFF, 0xC000_0000_0000_0000L | (rnd.nextBoolean() ? 0 : r >>> 2));
            case 4 -> Float80.of(neg, 0x7FFF, Float80.INTEGER_BIT | ((r >>> 2) | 1));
            case 5 -> Float80.INDEFINITE;
            case 6, 7 -> Float80.of(neg, 0, r >>> 1 >>> rnd.nextInt(63));
            case 8 -> Float80.of(neg, 0, r | Float80.INTEGER_BIT);
            case 9 -> Float80.of(neg, rnd.nextInt(1, 0x8000), r >>> 1);      // unnormal, pseudo-NaN/infinity
            case 10, 11 -> Float80.of(neg, 1 + rnd.nextInt(70), r | Float80.INTEGER_BIT);
            case 12, 13 -> Float80.of(neg, 0x7FFE - rnd.nextInt(70), r | Float80.INTEGER_BIT);
            case 14, 15, 16 -> {
                long v = rnd.nextLong(1, 1L << rnd.nextInt(1, 63));
                int lz = Long.numberOfLeadingZeros(v);
                yield Float80.of(neg, Float80.BIAS + 63 - lz, v << lz);
            }
            case 17, 18 -> Float80.of(neg, Float80.BIAS - 30 + rnd.nextInt(60), (r | Float80.INTEGER_BIT) & (-1L << 40));
            case 19, 20 -> Float80.of(neg, Float80.BIAS - 60 + rnd.nextInt(120), (r | Float80.INTEGER_BIT) & (-1L << 11));
            case 21, 22 -> Float80.of(neg, Float80.BIAS - 1 - rnd.nextInt(3), r | Float80.INTEGER_BIT);
            case 23 -> Float80.of(neg, Float80.BIAS + rnd.nextInt(-16382, 16384), r | Float80.INTEGER_BIT);
            case 24 -> Float80.of(neg, Float80.BIAS, Float80.INTEGER_BIT | (rnd.nextInt(4) == 0 ? 0 : r >>> 50));
            default -> Float80.of(neg, Float80.BIAS - 70 + rnd.nextInt(140), r | Float80.INTEGER_BIT);
        };
    }

    /** A float32 (single) or float64 (double) bit pattern with the same spread of special values. */
    long randomReal(boolean dbl) {
        int expBits = dbl ? 11 : 8, fracBits = dbl ? 52 : 23;
        long emax = (1L << expBits) - 1;
        long frac = rnd.nextLong() & ((1L << fracBits) - 1);
        long sign = rnd.nextBoolean() ? 1L << (expBits + fracBits) : 0;
        long e = switch (rnd.nextInt(12)) {
            case 0 -> { frac = rnd.nextBoolean() ? 0 : frac; yield 0; }
            case 1 -> { frac = 0; yield emax; }
            case 2 -> { frac |= 1; yield emax; }
            case 3 -> 1 + rnd.nextInt(3);
            case 4 -> emax - 1 - rnd.nextInt(3);
            default -> (emax >> 1) - 40 + rnd.nextInt(80);
        };
        return sign | e << fracBits | frac;
    }

    // ---------------------------------------------------------------- x87 cases

    private record X87Form(String name, int opcode, int modrm, int undefinedStatus, boolean transcendental) { }

    /** D9 F0-F3, F9, FB, FE, FF: F2XM1, FYL2X, FPTAN, FPATAN, FYL2XP1, FSINCOS, FSIN, FCOS. */
    private static final String TRANSCENDENTAL = "\u00F0\u00F1\u00F2\u00F3\u00F9\u00FB\u00FE\u00FF";
    private static final int UNDEF_ARITH = C0 | C2 | C3;
    private static final int UNDEF_ALL = C0 | C1 | C2 | C3;

    private X87Form x87Form(boolean transcendental) {
        if (transcendental) {
            int[] ops = {0xF0, 0xF1, 0xF2, 0xF3, 0xF9, 0xFB, 0xFE, 0xFF};
            int op = ops[rnd.nextInt(ops.length)];
            int undef = (op == 0xF2 || op == 0xFB || op == 0xFE || op == 0xFF) ? C0 | C3 : UNDEF_ARITH;
            return new X87Form(String.format("D9 %02X", op), 0xD9, op, undef, true);
        }
        int opcode = 0xD8 + rnd.nextInt(8);
        boolean mem = rnd.nextInt(3) == 0;
        int reg = rnd.nextInt(8);
        int i = rnd.nextInt(8);
        int modrm = mem ? reg << 3 | 3 : 0xC0 | reg << 3 | i;
        String name = String.format("%02X %02X", opcode, modrm);
        int undef = UNDEF_ARITH;
        if (mem) {
            // leave out FISTTP (SSE3); the environment and state images are compared without their pointer fields
            if ((opcode == 0xDB || opcode == 0xDD || opcode == 0xDF) && reg == 1) return x87Form(false);
            if ((opcode == 0xD9 || opcode == 0xDD) && (reg == 4 || reg == 6)) undef = 0;
            if (opcode == 0xD9 && (reg == 5 || reg == 7)) undef = UNDEF_ALL;
            if (opcode == 0xDD && reg == 7) undef = UNDEF_ALL;
            if ((opcode == 0xD8 || opcode == 0xDA || opcode == 0xDC || opcode == 0xDE) && (reg == 2 || reg == 3)) undef = 0;
            return new X87Form(name, opcode, modrm, undef, false);
        }
        if (opcode == 0xD9 && TRANSCENDENTAL.indexOf(modrm) >= 0) return x87Form(false);
        boolean compare = switch (opcode) {
            case 0xD8, 0xDC -> reg == 2 || reg == 3;
            case 0xDA -> modrm == 0xE9;
            case 0xDD -> reg == 4 || reg == 5;
            case 0xDE -> modrm == 0xD9 || reg == 2;
            case 0xD9 -> modrm == 0xE4 || modrm == 0xE5;
            default -> false;
        };
        if (compare) undef = 0;
        if (opcode == 0xD9 && (modrm == 0xF5 || modrm == 0xF8)) undef = 0;           // FPREM1/FPREM
        if (opcode == 0xDD && reg == 0) undef = UNDEF_ALL;                          // FFREE
        if (opcode == 0xDF && reg == 0) undef = UNDEF_ALL;                          // FFREEP
        if (opcode == 0xD9 && modrm == 0xD0) undef = UNDEF_ALL;                     // FNOP
        if (opcode == 0xDB && reg == 4) undef = UNDEF_ALL;                          // FNCLEX, FNINIT, FENI...
        if (opcode == 0xDF && modrm == 0xE0) undef = UNDEF_ALL;                     // FNSTSW AX
        if ((opcode == 0xDB || opcode == 0xDF) && (reg == 5 || reg == 6)) undef = UNDEF_ARITH; // FCOMI: C0 C2 C3 untouched
        return new X87Form(name, opcode, modrm, undef, false);
    }

    private OracleCase x87Case(boolean transcendental) {
        X87Form form = x87Form(transcendental);
        byte[] fsave = randomImage();
        byte[] data = new byte[OracleCase.DATA_SIZE];
        for (int i = 0; i < data.length; i++) data[i] = (byte) rnd.nextInt();
        int formReg = (form.modrm() >>> 3) & 7;
        boolean images = (form.opcode() == 0xD9 || form.opcode() == 0xDD) && (form.modrm() & 0xC0) != 0xC0
                && (formReg == 4 || formReg == 6);
        boolean op16 = images && rnd.nextBoolean();
        fillOperand(form, data, op16);
        Float80 st0 = Float80.fromBytes(fsave, 28);
        boolean outside = form.modrm() == 0xF0 ? st0.exponent() >= Float80.BIAS : st0.exponent() >= Float80.BIAS - 2;
        if (transcendental && (form.modrm() == 0xF0 || form.modrm() == 0xF9)
                && (rnd.nextInt(4) != 0 || (outside && st0.exponent() != 0x7FFF))) {
            // F2XM1 is defined for |x| <= 1, FYL2XP1 for |x| < 1 - sqrt(2)/2 (SDM vol. 2): outside, results are undefined
            Float80 x = Float80.of(rnd.nextBoolean(), Float80.BIAS - 3 - rnd.nextInt(form.modrm() == 0xF0 ? 40 : 70),
                    rnd.nextLong() | Float80.INTEGER_BIT);
            x.toBytes(fsave, 28);
        }
        Integer[] regs = new Integer[8];
        for (int i = 0; i < 8; i++) regs[i] = rnd.nextInt();
        regs[ESP] = 0;
        regs[EBX] = OracleCase.DATA_ADDR;
        int eflags = rnd.nextInt() & (ALL6 | 0x400);
        byte[] code = op16 ? new byte[] {0x66, (byte) form.opcode(), (byte) form.modrm()}
                : new byte[] {(byte) form.opcode(), (byte) form.modrm()};
        String name = (op16 ? "66 " : "") + form.name();
        int undefined = form.undefinedStatus();
        if (!transcendental && !images && rnd.nextInt(4) == 0) {
            // A second instruction: FWAIT or another x87 form, so that an unmasked exception of the
            // first is reported (#MF, SIGFPE on the host) at the next waiting instruction.
            X87Form second = x87Form(false);
            int reg2 = (second.modrm() >>> 3) & 7;
            boolean image2 = (second.opcode() == 0xD9 || second.opcode() == 0xDD) && (second.modrm() & 0xC0) != 0xC0
                    && (reg2 == 4 || reg2 == 6);
            if (rnd.nextBoolean() || image2) {
                code = new byte[] {code[0], code[1], (byte) 0x9B};
                name += " + 9B";
            } else {
                code = new byte[] {code[0], code[1], (byte) second.opcode(), (byte) second.modrm()};
                name += " + " + second.name();
                undefined |= second.undefinedStatus();
            }
        }
        List<OracleCase.UndefinedPart> parts = new ArrayList<>();
        if (undefined != 0) parts.add(OracleCase.UndefinedPart.status(Undefined.X87_CONDITION_CODES, undefined));
        return new OracleCase(transcendental ? OracleCase.Kind.X87_TRANSCENDENTAL : OracleCase.Kind.X87,
                name, List.of(regs), eflags, fsave, data, code, parts);
    }

    /**
     * A random x87 state as a 32-bit protected-mode FNSAVE image: any PC/RC, masks mostly all set,
     * TOP and condition codes random, exception flags only among the masked ones (so no exception
     * is pending), a partially filled stack of {@link #randomExtended} values.
     */
    private byte[] randomImage() {
        int pc = new int[] {0, 2, 3}[rnd.nextInt(3)];
        int rc = rnd.nextInt(4);
        int masks = rnd.nextInt(5) == 0 ? rnd.nextInt(64) : 0x3F;
        int cw = 0x0040 | masks | pc << 8 | rc << 10;
        int top = rnd.nextInt(8);
        int flags = rnd.nextInt(64) & masks;
        int sw = flags | rnd.nextInt(2) << 8 | rnd.nextInt(2) << 9 | rnd.nextInt(2) << 10 | rnd.nextInt(2) << 14 | top << 11;
        if (flags != 0 && rnd.nextBoolean()) sw |= 1 << 6;
        int depth = rnd.nextInt(10) == 0 ? 8 : rnd.nextInt(5) == 0 ? rnd.nextInt(2) : 2 + rnd.nextInt(5);
        int tags = 0;
        byte[] fsave = new byte[OracleCase.FSAVE_SIZE];
        for (int st = 0; st < 8; st++) {
            int phys = (top + st) & 7;
            boolean empty = st >= depth && rnd.nextInt(8) != 0 || (st < depth && rnd.nextInt(30) == 0);
            tags |= (empty ? 3 : 0) << (2 * phys);
            randomExtended().toBytes(fsave, 28 + 10 * st);
        }
        put(fsave, 0, 0xFFFF_0000 | cw);
        put(fsave, 4, 0xFFFF_0000 | sw);
        put(fsave, 8, 0xFFFF_0000 | tags);
        put(fsave, 24, 0xFFFF_0000);
        return fsave;
    }

    /** The 16-bit image layout (94 bytes) of a 32-bit one: words instead of dwords, pointers zero. */
    private static byte[] image16(byte[] image32) {
        byte[] b = new byte[94];
        for (int i = 0; i < 3; i++) {
            b[2 * i] = image32[4 * i];
            b[2 * i + 1] = image32[4 * i + 1];
        }
        System.arraycopy(image32, 28, b, 14, 80);
        return b;
    }

    private void fillOperand(X87Form f, byte[] data, boolean op16) {
        if ((f.modrm() & 0xC0) == 0xC0) return;
        int reg = (f.modrm() >>> 3) & 7;
        if ((f.opcode() == 0xD9 || f.opcode() == 0xDD) && reg == 4) {       // FLDENV, FRSTOR
            byte[] image = randomImage();
            // a loaded image may carry any exception flags and ES/B bits, pending or not
            if (rnd.nextBoolean()) image[4] ^= (byte) (rnd.nextInt(64) | (rnd.nextBoolean() ? 0x80 : 0));
            if (rnd.nextBoolean()) image[5] ^= (byte) 0x80;
            if (op16) image = image16(image);
            System.arraycopy(image, 0, data, 0, f.opcode() == 0xD9 ? (op16 ? 14 : 28) : image.length);
            return;
        }
        switch (f.opcode()) {
            case 0xD8 -> put(data, 0, (int) randomReal(false));
            case 0xD9 -> {
                if (reg == 0) put(data, 0, (int) randomReal(false));
                if (reg == 5) put(data, 0, rnd.nextInt());
            }
            case 0xDC -> putLong(data, 0, randomReal(true));
            case 0xDD -> {
                if (reg == 0) putLong(data, 0, randomReal(true));
            }
            case 0xDB -> {
                if (reg == 5) randomExtended().toBytes(data, 0);
                if (reg == 0) put(data, 0, randomValue());
            }
            case 0xDF -> {
                if (reg == 4) {
                    for (int i = 0; i < 9; i++) data[i] = (byte) (rnd.nextInt(10) << 4 | rnd.nextInt(10));
                    data[9] = (byte) (rnd.nextBoolean() ? 0x80 : 0);
                }
                if (reg == 5) putLong(data, 0, rnd.nextBoolean() ? rnd.nextLong() : rnd.nextLong() >> rnd.nextInt(64));
            }
            default -> { }
        }
    }

    private static void put(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) b[off + i] = (byte) (v >>> (8 * i));
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) b[off + i] = (byte) (v >>> (8 * i));
    }
}
