package javelin.cpu.x86.fpu;

import static javelin.cpu.x86.decode.DecodedInsn.K_MEM;
import static javelin.cpu.x86.fpu.Fpu.*;

import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Mnemonic;

/**
 * The semantics of the x87 instructions: runs one decoded row of the escapes D8-DF (its
 * mnemonic and operand kinds, from {@link javelin.cpu.x86.decode.OpTable}) on an {@link Fpu}.
 * It knows no encoding: the memory type comes from the operand's size with the mnemonic (4 or
 * 8 bytes of real, 2, 4 or 8 of integer, 10 of extended real or BCD), a stack register from
 * the operand's number, and the direction of a two-register form from which operand is ST(0).
 *
 * <p>The caller has already handled what the CPU does around an escape: #NM (CR0.EM/TS), #UD
 * for a reserved row, #MF for a pending exception before a waiting instruction, the effective
 * address with its segment and paging checks, and the instruction pointers; memory goes
 * through the {@link X87Host}. The undocumented aliases a P6 decodes (FCOM2, FCOMP3, FXCH4,
 * FSTP1, FCOMP5, FFREEP, FXCH7, FSTP8, FSTP9) run as their documented twins, except where the
 * host CPU differs (FSTP1 on an empty ST(0), FFREEP's pop).
 */
public final class X87Executor {
    private X87Executor() { }

    // EFLAGS bits FCOMI and FCMOVcc use.
    private static final int CF = 1, PF = 1 << 2, ZF = 1 << 6;
    // The six arithmetic operations, destination op source ("R": source op destination).
    private static final int ADD = 0, MUL = 1, SUB = 2, SUBR = 3, DIV = 4, DIVR = 5;
    // The operations on ST(0) alone, its result back in ST(0).
    private static final int CHS = 0, ABS = 1, SQRT = 2, RNDINT = 3;

    /**
     * Whether the memory form of {@code m} stores into its operand (FST, FIST, FBSTP, FNSTENV,
     * FNSAVE, FNSTCW, FNSTSW), so the CPU checks it for writing before anything changes.
     */
    public static boolean writesMemory(Mnemonic m) {
        return switch (m) {
            case FST, FSTP, FIST, FISTP, FBSTP, FNSTENV, FNSAVE, FNSTCW, FNSTSW -> true;
            default -> false;
        };
    }

    /** Runs {@code d}, an x87 row that is not reserved. */
    public static void execute(Fpu f, DecodedInsn d, X87Host h) {
        final boolean mem = d.kind0 == K_MEM;
        switch (d.mnemonic) {
            case FLD -> {
                if (mem) loadMemory(f, h, d.size0);
                else loadRegister(f, d.num0);
            }
            case FILD -> {
                f.begin();
                load(f, Float80Math.fromLong(readInteger(h, d.size0)));
            }
            case FBLD -> {
                f.begin();
                load(f, Float80Math.fromBcd(readBytes(h, 10), 0));
            }
            case FLD1 -> loadConstant(f, 0);
            case FLDL2T -> loadConstant(f, 1);
            case FLDL2E -> loadConstant(f, 2);
            case FLDPI -> loadConstant(f, 3);
            case FLDLG2 -> loadConstant(f, 4);
            case FLDLN2 -> loadConstant(f, 5);
            case FLDZ -> loadConstant(f, 6);

            case FST, FSTP -> {
                boolean pop = d.mnemonic == Mnemonic.FSTP;
                if (!mem) storeSt(f, d.num0, pop, true);
                else if (d.size0 == 10) storeExtended(f, h);
                else storeReal(f, h, d.size0 == 4 ? Float80Math.Format.SINGLE : Float80Math.Format.DOUBLE, pop);
            }
            case FSTP8, FSTP9 -> storeSt(f, d.num0, true, true);
            case FSTP1 -> {
                if (f.isEmpty(0)) {
                    // The host CPU raises no stack fault here: it just pops, with C1 = 0.
                    f.setC1(false);
                    f.pop();
                } else {
                    storeSt(f, d.num0, true, false);
                }
            }
            case FIST, FISTP -> storeInteger(f, h, d.size0 * 8, d.mnemonic == Mnemonic.FISTP);
            case FBSTP -> storeBcd(f, h);
            case FXCH, FXCH4, FXCH7 -> exchange(f, d.num0);

            case FADD, FADDP, FIADD -> arithmetic(f, d, h, ADD);
            case FMUL, FMULP, FIMUL -> arithmetic(f, d, h, MUL);
            case FSUB, FSUBP, FISUB -> arithmetic(f, d, h, SUB);
            case FSUBR, FSUBRP, FISUBR -> arithmetic(f, d, h, SUBR);
            case FDIV, FDIVP, FIDIV -> arithmetic(f, d, h, DIV);
            case FDIVR, FDIVRP, FIDIVR -> arithmetic(f, d, h, DIVR);

            case FCOM, FCOM2, FICOM -> {
                if (mem) compareMemory(f, d, h, false);
                else compareSt(f, d.num0, true, 0, false, h);
            }
            case FCOMP, FCOMP3, FCOMP5, FICOMP -> {
                if (mem) compareMemory(f, d, h, true);
                else compareSt(f, d.num0, true, 1, false, h);
            }
            case FCOMPP -> compareSt(f, 1, true, 2, false, h);
            case FUCOM -> compareSt(f, d.num0, false, 0, false, h);
            case FUCOMP -> compareSt(f, d.num0, false, 1, false, h);
            case FUCOMPP -> compareSt(f, 1, false, 2, false, h);
            case FCOMI -> compareSt(f, d.num1, true, 0, true, h);
            case FCOMIP -> compareSt(f, d.num1, true, 1, true, h);
            case FUCOMI -> compareSt(f, d.num1, false, 0, true, h);
            case FUCOMIP -> compareSt(f, d.num1, false, 1, true, h);
            case FTST -> test(f);
            case FXAM -> examine(f);

            case FCMOVB -> conditionalMove(f, d.num1, (h.eflags() & CF) != 0);
            case FCMOVE -> conditionalMove(f, d.num1, (h.eflags() & ZF) != 0);
            case FCMOVBE -> conditionalMove(f, d.num1, (h.eflags() & (CF | ZF)) != 0);
            case FCMOVU -> conditionalMove(f, d.num1, (h.eflags() & PF) != 0);
            case FCMOVNB -> conditionalMove(f, d.num1, (h.eflags() & CF) == 0);
            case FCMOVNE -> conditionalMove(f, d.num1, (h.eflags() & ZF) == 0);
            case FCMOVNBE -> conditionalMove(f, d.num1, (h.eflags() & (CF | ZF)) == 0);
            case FCMOVNU -> conditionalMove(f, d.num1, (h.eflags() & PF) == 0);

            case FCHS -> unary(f, CHS);
            case FABS -> unary(f, ABS);
            case FSQRT -> unary(f, SQRT);
            case FRNDINT -> unary(f, RNDINT);
            case FSCALE -> scale(f);
            case FXTRACT -> extract(f);
            case FPREM -> partialRemainder(f, false);
            case FPREM1 -> partialRemainder(f, true);
            case F2XM1 -> Transcendental.f2xm1(f);
            case FYL2X -> Transcendental.fyl2x(f, false);
            case FYL2XP1 -> Transcendental.fyl2x(f, true);
            case FPTAN -> Transcendental.fptan(f);
            case FPATAN -> Transcendental.fpatan(f);
            case FSIN -> Transcendental.fsin(f);
            case FCOS -> Transcendental.fcos(f);
            case FSINCOS -> Transcendental.fsincos(f);

            case FLDCW -> f.setControlWord((int) h.read(0, 2));
            case FNSTCW -> h.write(0, 2, f.controlWord());
            case FNSTSW -> {
                if (mem) h.write(0, 2, f.statusWord());
                else h.setAx(f.statusWord());
            }
            case FLDENV -> f.loadEnvironment(readBytes(h, d.size0), d.opSize == 4, h.realMode());
            case FNSTENV -> {
                writeBytes(h, f.saveEnvironment(d.opSize == 4, h.realMode()));
                // FNSTENV masks all exceptions afterwards (SDM vol. 2, FSTENV).
                f.setControlWord(f.controlWord() | 0x3F);
            }
            case FRSTOR -> f.restore(readBytes(h, d.size0), d.opSize == 4, h.realMode());
            case FNSAVE -> writeBytes(h, f.save(d.opSize == 4, h.realMode()));
            case FNCLEX -> f.clearExceptions();
            case FNINIT -> f.init();
            case FNENI, FNDISI, FNSETPM, FNOP -> { }          // FNENI, FNDISI, FNSETPM: no-ops on a 387 and later
            case FFREE -> f.free(d.num0);
            case FFREEP -> {
                f.free(d.num0);
                f.pop();
                f.setC1(false);                               // as the host CPU does (seen through FNSTSW)
            }
            case FDECSTP -> {
                f.setC1(false);
                f.decTop();
            }
            case FINCSTP -> {
                f.setC1(false);
                f.incTop();
            }
            default -> throw new IllegalStateException("not an x87 instruction: " + d.mnemonic);
        }
    }

    // ---------------------------------------------------------------- memory operands

    private static long readInteger(X87Host h, int size) {
        long v = h.read(0, size);
        return switch (size) {
            case 2 -> (short) v;
            case 4 -> (int) v;
            default -> v;
        };
    }

    /** The source operand of an arithmetic or compare memory form: real (4 or 8 bytes) or integer (FI*: 2 or 4). */
    private static Float80 memoryOperand(Fpu f, DecodedInsn d, X87Host h) {
        boolean integer = switch (d.mnemonic) {
            case FIADD, FIMUL, FISUB, FISUBR, FIDIV, FIDIVR, FICOM, FICOMP -> true;
            default -> false;
        };
        if (integer) return Float80Math.fromLong(readInteger(h, d.size0));
        return f.math.widenOperand(h.read(0, d.size0),
                d.size0 == 4 ? Float80Math.Format.SINGLE : Float80Math.Format.DOUBLE);
    }

    private static Float80 readExtended(X87Host h) {
        return new Float80((int) h.read(8, 2), h.read(0, 8));
    }

    private static void writeExtended(X87Host h, Float80 v) {
        h.write(0, 8, v.significand());
        h.write(8, 2, v.signExp());
    }

    private static byte[] readBytes(X87Host h, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) h.read(i, 1);
        return b;
    }

    private static void writeBytes(X87Host h, byte[] b) {
        for (int i = 0; i < b.length; i++) h.write(i, 1, b[i]);
    }

    // ---------------------------------------------------------------- arithmetic and compares

    /**
     * FADD ... FDIVR in their forms: ST(0) op memory, ST(0) op ST(i), ST(i) op ST(0), and the
     * popping ST(i) op ST(0). The destination is the first operand.
     */
    private static void arithmetic(Fpu f, DecodedInsn d, X87Host h, int op) {
        Float80Math m = f.begin();
        if (d.kind0 == K_MEM) {
            if (f.isEmpty(0)) {
                f.underflowInto(0);
                return;
            }
            Float80 r = compute(m, op, f.st(0), memoryOperand(f, d, h));
            if (!f.suppressed()) f.setSt(0, r);
            f.finish();
            return;
        }
        int dest = d.num0, src = d.num1;
        boolean pop = switch (d.mnemonic) {
            case FADDP, FMULP, FSUBP, FSUBRP, FDIVP, FDIVRP -> true;
            default -> false;
        };
        if (f.isEmpty(dest) || f.isEmpty(src)) {
            if (f.underflowInto(dest) && pop) f.pop();
            return;
        }
        Float80 r = compute(m, op, f.st(dest), f.st(src));
        boolean write = !f.suppressed();
        if (write) f.setSt(dest, r);
        f.finish();
        if (write && pop) f.pop();
    }

    private static Float80 compute(Float80Math m, int op, Float80 dest, Float80 src) {
        return switch (op) {
            case ADD -> m.add(dest, src);
            case MUL -> m.mul(dest, src);
            case SUB -> m.sub(dest, src);
            case SUBR -> m.sub(src, dest);
            case DIV -> m.div(dest, src);
            default -> m.div(src, dest);
        };
    }

    /** FCOM/FCOMP/FICOM/FICOMP with a memory operand. */
    private static void compareMemory(Fpu f, DecodedInsn d, X87Host h, boolean pop) {
        Float80Math m = f.begin();
        if (f.isEmpty(0)) {
            f.stackFault(false);
            f.setConditionCodes(SW_C0 | SW_C2 | SW_C3);
            if (pop && f.ieMasked()) f.pop();
            return;
        }
        compareInto(f, m.compare(f.st(0), memoryOperand(f, d, h), true));
        if (pop && !f.suppressed()) f.pop();
    }

    private static void compareInto(Fpu f, int result) {
        f.finish();
        f.setC1(false);
        f.setConditionCodes(switch (result) {
            case Float80Math.LESS -> SW_C0;
            case Float80Math.EQUAL -> SW_C3;
            case Float80Math.GREATER -> 0;
            default -> SW_C0 | SW_C2 | SW_C3;
        });
    }

    /** FCOM/FUCOM ST(i) with {@code pops} pops, or FCOMI/FUCOMI ({@code toEflags}) into ZF/PF/CF. */
    private static void compareSt(Fpu f, int i, boolean ordered, int pops, boolean toEflags, X87Host h) {
        Float80Math m = f.begin();
        if (f.isEmpty(0) || f.isEmpty(i)) {
            f.stackFault(false);
            if (toEflags) {
                h.setCompareFlags(ZF | PF | CF);             // even with IE unmasked, as the host CPU does
            } else {
                f.setConditionCodes(SW_C0 | SW_C2 | SW_C3);
            }
            if (f.ieMasked()) for (int p = 0; p < pops; p++) f.pop();
            return;
        }
        int r = m.compare(f.st(0), f.st(i), ordered);
        if (toEflags) {
            // FCOMI/FUCOMI: the host CPU leaves C1 unchanged here (SDM vol. 2 says "set to 0").
            boolean c1 = (f.statusWord() & SW_C1) != 0;
            f.finish();
            f.setC1(c1);
            h.setCompareFlags(switch (r) {
                case Float80Math.LESS -> CF;
                case Float80Math.EQUAL -> ZF;
                case Float80Math.GREATER -> 0;
                default -> ZF | PF | CF;
            });
        } else {
            compareInto(f, r);
        }
        if (!f.suppressed()) for (int p = 0; p < pops; p++) f.pop();
    }

    private static void test(Fpu f) {
        Float80Math m = f.begin();
        if (f.isEmpty(0)) {
            f.stackFault(false);
            f.setConditionCodes(SW_C0 | SW_C2 | SW_C3);
            return;
        }
        compareInto(f, m.compare(f.st(0), Float80.POS_ZERO, true));
    }

    /** FXAM (SDM vol. 2, FXAM, "FXAM Results"): C3 C2 C0 classify ST(0), C1 its sign. */
    private static void examine(Fpu f) {
        Float80 v = f.st(0);
        int cc;
        if (f.isEmpty(0)) cc = SW_C3 | SW_C0;
        else if (v.isUnsupported()) cc = 0;
        else if (v.isNaN()) cc = SW_C0;
        else if (v.isInfinity()) cc = SW_C2 | SW_C0;
        else if (v.isZero()) cc = SW_C3;
        else if (v.isDenormal()) cc = SW_C3 | SW_C2;
        else cc = SW_C2;
        f.setConditionCodes(cc);
        f.setC1(v.negative());
    }

    /** FCMOVcc ST(0), ST(i): C1 is left alone unless the stack underflows. */
    private static void conditionalMove(Fpu f, int i, boolean condition) {
        f.begin();
        if (f.isEmpty(0) || f.isEmpty(i)) {
            f.underflowInto(0);
            return;
        }
        if (condition) f.setSt(0, f.st(i));
    }

    // ---------------------------------------------------------------- loads and stores

    /**
     * Pushes a loaded value. A stack overflow wins over the conversion's own flags (the host CPU
     * reports no DE for a denormal it could not push); an unmasked DE does not stop a load, an
     * unmasked IE (SNaN source) does.
     */
    private static void load(Fpu f, Float80 v) {
        int p = (f.top() - 1) & 7;
        if (!f.isEmptyPhysical(p)) {
            f.math.flags = 0;
            f.stackFault(true);
            if (f.ieMasked()) {
                f.decTop();
                f.setSt(0, Float80.INDEFINITE);
            }
            return;
        }
        boolean stop = (f.math.flags & ~f.controlWord() & Float80Math.IE) != 0;
        f.finish();
        f.setC1(false);   // FLD: C1 is 0 unless the stack overflowed (SDM vol. 2), even for a rounded constant
        if (stop) return;
        f.decTop();
        f.setSt(0, v);
    }

    /** FLD m32fp, m64fp or m80fp. */
    private static void loadMemory(Fpu f, X87Host h, int size) {
        Float80Math m = f.begin();
        load(f, switch (size) {
            case 4 -> m.widen(h.read(0, 4), Float80Math.Format.SINGLE);
            case 8 -> m.widen(h.read(0, 8), Float80Math.Format.DOUBLE);
            default -> readExtended(h);
        });
    }

    /** FLD ST(i). */
    private static void loadRegister(Fpu f, int i) {
        f.begin();
        if (f.isEmpty(i)) {
            f.stackFault(false);
            if (f.ieMasked()) {
                f.decTop();
                f.setSt(0, Float80.INDEFINITE);
            }
            return;
        }
        load(f, f.st(i));
    }

    /** FLD1 ... FLDZ: constant {@code i} in the order of D9 E8-EE. */
    private static void loadConstant(Fpu f, int i) {
        Float80Math m = f.begin();
        Float80 c = Constants.load(i, m);
        m.flags = 0;                                  // rounding a constant is not an inexact result
        load(f, c);
    }

    /** Stores ST(0) through {@code store} unless it is empty (then the masked response stores the indefinite). */
    private static boolean storeCheck(Fpu f) {
        f.begin();
        if (f.isEmpty(0)) {
            f.stackFault(false);
            return false;
        }
        return true;
    }

    private static void storeReal(Fpu f, X87Host h, Float80Math.Format fmt, boolean pop) {
        Float80Math m = f.math;
        int size = fmt == Float80Math.Format.SINGLE ? 4 : 8;
        if (!storeCheck(f)) {
            if (f.ieMasked()) {
                h.write(0, size, m.narrow(Float80.INDEFINITE, fmt));
                if (pop) f.pop();
            }
            return;
        }
        long bits = m.narrow(f.st(0), fmt);
        boolean write = !f.suppressed() && !m.storeSuppressed;
        if (m.storeSuppressed) m.flags &= ~(Float80Math.PE | Float80Math.C1);
        if (write) h.write(0, size, bits);
        f.finish();
        if (write && pop) f.pop();
    }

    private static void storeInteger(Fpu f, X87Host h, int bits, boolean pop) {
        Float80Math m = f.math;
        if (!storeCheck(f)) {
            if (f.ieMasked()) {
                h.write(0, bits / 8, Long.MIN_VALUE >> (64 - bits));
                if (pop) f.pop();
            }
            return;
        }
        long v = m.toInteger(f.st(0), bits);
        boolean write = !f.suppressed();
        if (write) h.write(0, bits / 8, v);
        f.finish();
        if (write && pop) f.pop();
    }

    /** FSTP m80fp. */
    private static void storeExtended(Fpu f, X87Host h) {
        if (!storeCheck(f)) {
            if (f.ieMasked()) {
                writeExtended(h, Float80.INDEFINITE);
                f.pop();
            }
            return;
        }
        writeExtended(h, f.st(0));
        f.finish();
        f.pop();
    }

    private static void storeBcd(Fpu f, X87Host h) {
        Float80Math m = f.math;
        byte[] b = new byte[10];
        if (!storeCheck(f)) {
            if (f.ieMasked()) {
                m.toBcd(Float80.INDEFINITE, b, 0);
                writeBytes(h, b);
                f.pop();
            }
            return;
        }
        m.toBcd(f.st(0), b, 0);
        boolean write = !f.suppressed();
        if (write) writeBytes(h, b);
        f.finish();
        if (write) f.pop();
    }

    /**
     * FST/FSTP ST(i): a copy, no conversion, no exception but stack underflow, whose masked
     * response stores the indefinite, except for FSTP1 ({@code indefiniteOnUnderflow} false),
     * which the host CPU pops without writing.
     */
    private static void storeSt(Fpu f, int i, boolean pop, boolean indefiniteOnUnderflow) {
        f.begin();
        if (f.isEmpty(0)) {
            f.stackFault(false);
            if (!f.ieMasked()) return;
            if (indefiniteOnUnderflow) f.setSt(i, Float80.INDEFINITE);
        } else {
            f.setC1(false);
            f.setSt(i, f.st(0));
        }
        if (pop) f.pop();
    }

    private static void exchange(Fpu f, int i) {
        f.begin();
        boolean e0 = f.isEmpty(0), ei = f.isEmpty(i);
        if (e0 || ei) {
            f.stackFault(false);
            if (!f.ieMasked()) return;
            if (e0) f.setSt(0, Float80.INDEFINITE);
            if (ei) f.setSt(i, Float80.INDEFINITE);
        } else {
            f.setC1(false);
        }
        Float80 a = f.st(0);
        f.setSt(0, f.st(i));
        f.setSt(i, a);
    }

    // ---------------------------------------------------------------- operations on ST(0)

    /** FCHS, FABS, FSQRT, FRNDINT. */
    private static void unary(Fpu f, int op) {
        Float80Math m = f.begin();
        if (f.isEmpty(0)) {
            f.underflowInto(0);
            return;
        }
        Float80 v = f.st(0);
        Float80 r = switch (op) {
            case CHS -> v.negate();
            case ABS -> v.abs();
            case SQRT -> m.sqrt(v);
            default -> m.roundToInteger(v);
        };
        if (!f.suppressed()) f.setSt(0, r);
        f.finish();
    }

    private static void extract(Fpu f) {
        Float80Math m = f.begin();
        if (f.isEmpty(0)) {
            if (f.underflowInto(0)) {
                f.decTop();
                f.setSt(0, Float80.INDEFINITE);
            }
            return;
        }
        if (!f.isEmptyPhysical((f.top() - 1) & 7)) {
            f.stackFault(true);
            if (f.ieMasked()) {
                f.setSt(0, Float80.INDEFINITE);
                f.decTop();
                f.setSt(0, Float80.INDEFINITE);
            }
            return;
        }
        Float80[] r = m.extract(f.st(0));
        if (f.suppressed()) {
            f.finish();
            return;
        }
        f.setSt(0, r[0]);
        f.decTop();
        f.setSt(0, r[1]);
        f.finish();
    }

    /** FPREM ({@code ieee} false) and FPREM1. */
    private static void partialRemainder(Fpu f, boolean ieee) {
        Float80Math m = f.begin();
        if (f.isEmpty(0) || f.isEmpty(1)) {
            f.underflowInto(0);
            f.setConditionCodes(f.statusWord() & (SW_C0 | SW_C3));
            return;
        }
        Float80 r = m.partialRemainder(f.st(0), f.st(1), ieee);
        boolean stopped = f.suppressed();
        if (!stopped) f.setSt(0, r);
        f.finish();
        int q = m.remQuotient;
        if (!m.remValid || stopped) {
            // NaN or invalid operands: C1 and C2 cleared, C0 and C3 left as they were (host CPU behaviour)
            f.setConditionCodes(f.statusWord() & (SW_C0 | SW_C3));
            f.setC1(false);
        } else if (m.remIncomplete) {
            f.setConditionCodes(SW_C2);
            f.setC1(false);
        } else {
            f.setConditionCodes(((q & 4) != 0 ? SW_C0 : 0) | ((q & 2) != 0 ? SW_C3 : 0));
            f.setC1((q & 1) != 0);
        }
    }

    private static void scale(Fpu f) {
        Float80Math m = f.begin();
        if (f.isEmpty(0) || f.isEmpty(1)) {
            f.underflowInto(0);
            return;
        }
        Float80 r = m.scale(f.st(0), f.st(1));
        if (!f.suppressed()) f.setSt(0, r);
        f.finish();
    }
}
