package javelin.cpu.x86.fpu;

import static javelin.cpu.x86.fpu.Fpu.*;

/**
 * The x87 executor as it was before the instruction table had x87 rows: its own decoding of
 * the escape opcode and ModRM ({@link #isDefined}, {@link #isNonWaiting},
 * {@link #updatesPointers}) and its semantics, kept unchanged as the reference the table-driven
 * {@link X87Executor} is compared against (X87RowsTest, X87ExecutorEquivalenceTest).
 */
final class ReferenceX87Executor {
    private ReferenceX87Executor() { }

    /** The operand size the images use; the reference host says it. */
    interface SizedHost extends X87Host {
        boolean operand32();
    }

    private static boolean op32(X87Host h) {
        return ((SizedHost) h).operand32();
    }

    // EFLAGS bits FCOMI and FCMOVcc use.
    private static final int CF = 1, PF = 1 << 2, ZF = 1 << 6;

    /** Result of {@link #execute}: done, or the encoding is undefined (#UD). */
    public static final boolean OK = true, UNDEFINED = false;

    /**
     * Whether the instruction is one of the non-waiting forms that do not check for a pending
     * exception (SDM vol. 1, 8.3.11): FNINIT, FNCLEX, FNSTSW (memory and AX), FNSTCW, FNSTENV,
     * FNSAVE, and the 8087 leftovers FNENI, FNDISI, FNSETPM.
     */
    public static boolean isNonWaiting(int opcode, int modrm) {
        boolean mem = (modrm & 0xC0) != 0xC0;
        int reg = (modrm >>> 3) & 7;
        return switch (opcode) {
            case 0xD9 -> mem && (reg == 6 || reg == 7);
            case 0xDB -> !mem && (modrm == 0xE2 || modrm == 0xE3 || modrm == 0xE0 || modrm == 0xE1 || modrm == 0xE4);
            case 0xDD -> mem && (reg == 6 || reg == 7);
            case 0xDF -> !mem && modrm == 0xE0;
            default -> false;
        };
    }

    /**
     * Whether the instruction updates FIP/FCS/FOP and FDP/FDS: all but the control instructions
     * (SDM vol. 1, 8.1.8): the non-waiting ones, FLDCW, FLDENV and FRSTOR.
     */
    public static boolean updatesPointers(int opcode, int modrm) {
        boolean mem = (modrm & 0xC0) != 0xC0;
        int reg = (modrm >>> 3) & 7;
        if (isNonWaiting(opcode, modrm)) return false;
        return switch (opcode) {
            case 0xD9 -> !(mem && (reg == 4 || reg == 5));
            case 0xDD -> !(mem && reg == 4);
            default -> true;
        };
    }

    /**
     * Whether {@code opcode} (D8-DF) with {@code modrm} is an instruction on a Pentium Pro (SDM
     * vol. 2, tables ). A reserved form raises #UD before a pending x87 exception is
     * reported (the host CPU's order); FISTTP (SSE3) is reserved here.
     */
    public static boolean isDefined(int opcode, int modrm) {
        boolean mem = (modrm & 0xC0) != 0xC0;
        int reg = (modrm >>> 3) & 7, i = modrm & 7;
        return switch (opcode) {
            case 0xD8, 0xDC -> true;
            case 0xD9 -> mem ? reg != 1 : switch (reg) {
                case 2 -> i == 0;
                case 4 -> i == 0 || i == 1 || i == 4 || i == 5;
                case 5 -> i != 7;
                default -> true;
            };
            case 0xDA -> mem || reg <= 3 || modrm == 0xE9;
            case 0xDB -> mem ? reg != 1 && reg != 4 && reg != 6 : reg != 7 && (reg != 4 || i <= 4);
            case 0xDD -> mem ? reg != 1 && reg != 5 : reg <= 5;
            case 0xDE -> mem || reg != 3 || modrm == 0xD9;
            case 0xDF -> mem ? reg != 1 : reg != 7 && (reg != 4 || modrm == 0xE0);
            default -> false;
        };
    }

    /** Executes {@code opcode} (D8-DF) with {@code modrm}; returns {@link #UNDEFINED} for a reserved form. */
    public static boolean execute(Fpu f, int opcode, int modrm, X87Host h) {
        boolean mem = (modrm & 0xC0) != 0xC0;
        int reg = (modrm >>> 3) & 7, rm = modrm & 7;
        return switch (opcode) {
            case 0xD8 -> {
                if (mem) arith(f, reg, 0, h, MemKind.REAL32);
                else arith(f, reg, rm, null, null);
                yield OK;
            }
            case 0xDC -> {
                if (mem) arith(f, reg, 0, h, MemKind.REAL64);
                else arithTo(f, reg, rm, false);
                yield OK;
            }
            case 0xDA -> mem ? okArith(f, reg, h, MemKind.INT32) : escDaReg(f, modrm, h);
            case 0xDE -> mem ? okArith(f, reg, h, MemKind.INT16) : escDeReg(f, modrm, reg, rm);
            case 0xD9 -> mem ? escD9Mem(f, reg, h) : escD9Reg(f, modrm, reg, rm, h);
            case 0xDB -> mem ? escDbMem(f, reg, h) : escDbReg(f, modrm, reg, rm, h);
            case 0xDD -> mem ? escDdMem(f, reg, h) : escDdReg(f, reg, rm);
            case 0xDF -> mem ? escDfMem(f, reg, h) : escDfReg(f, modrm, reg, rm, h);
            default -> UNDEFINED;
        };
    }

    // ---------------------------------------------------------------- operands

    private enum MemKind { REAL32, REAL64, INT16, INT32 }

    private static Float80 memoryOperand(Fpu f, X87Host h, MemKind k) {
        Float80Math m = f.math;
        return switch (k) {
            case REAL32 -> m.widenOperand(h.read(0, 4), Float80Math.Format.SINGLE);
            case REAL64 -> m.widenOperand(h.read(0, 8), Float80Math.Format.DOUBLE);
            case INT16 -> Float80Math.fromLong((short) h.read(0, 2));
            case INT32 -> Float80Math.fromLong((int) h.read(0, 4));
        };
    }

    private static boolean okArith(Fpu f, int reg, X87Host h, MemKind k) {
        arith(f, reg, 0, h, k);
        return OK;
    }

    /** The eight D8/DA/DC/DE operations with ST(0) as destination: ST(0) op (ST(i) or memory). */
    private static void arith(Fpu f, int reg, int i, X87Host h, MemKind k) {
        Float80Math m = f.begin();
        if (f.isEmpty(0) || (h == null && f.isEmpty(i))) {
            if (reg == 2 || reg == 3) {
                f.stackFault(false);
                f.setConditionCodes(SW_C0 | SW_C2 | SW_C3);
                if (reg == 3 && f.ieMasked()) f.pop();
            } else {
                f.underflowInto(0);
            }
            return;
        }
        Float80 a = f.st(0);
        Float80 b = h == null ? f.st(i) : memoryOperand(f, h, k);
        if (reg == 2 || reg == 3) {
            compareInto(f, m.compare(a, b, true));
            if (reg == 3 && !f.suppressed()) f.pop();
            return;
        }
        Float80 r = compute(m, reg, a, b);
        if (!f.suppressed()) f.setSt(0, r);
        f.finish();
    }

    /** reg 0 add, 1 mul, 4 sub (a - b), 5 subr (b - a), 6 div (a / b), 7 divr (b / a). */
    private static Float80 compute(Float80Math m, int reg, Float80 a, Float80 b) {
        return switch (reg) {
            case 0 -> m.add(a, b);
            case 1 -> m.mul(a, b);
            case 4 -> m.sub(a, b);
            case 5 -> m.sub(b, a);
            case 6 -> m.div(a, b);
            default -> m.div(b, a);
        };
    }

    /** DC/DE register forms: ST(i) := ST(i) op ST(0); reg 4 is FSUBR (ST(0) - ST(i)), 5 FSUB, 6 FDIVR, 7 FDIV. */
    private static void arithTo(Fpu f, int reg, int i, boolean pop) {
        Float80Math m = f.begin();
        if (reg == 2 || reg == 3) {            // FCOM2/FCOMP3 aliases (DC D0-DF), FCOMP5 (DE D0-D7)
            compareSt(f, i, true, reg == 3 || pop ? 1 : 0, false);
            return;
        }
        if (f.isEmpty(0) || f.isEmpty(i)) {
            if (f.underflowInto(i) && pop) f.pop();
            return;
        }
        Float80 st0 = f.st(0), sti = f.st(i);
        Float80 r = switch (reg) {
            case 0 -> m.add(sti, st0);
            case 1 -> m.mul(sti, st0);
            case 4 -> m.sub(st0, sti);
            case 5 -> m.sub(sti, st0);
            case 6 -> m.div(st0, sti);
            default -> m.div(sti, st0);
        };
        boolean write = !f.suppressed();
        if (write) f.setSt(i, r);
        f.finish();
        if (write && pop) f.pop();
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
    private static void compareSt(Fpu f, int i, boolean ordered, int pops, boolean toEflags) {
        compareSt(f, i, ordered, pops, toEflags, null);
    }

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
        if (!storeCheck(f)) {
            if (f.ieMasked()) {
                h.write(0, fmt == Float80Math.Format.SINGLE ? 4 : 8,
                        m.narrow(Float80.INDEFINITE, fmt));
                if (pop) f.pop();
            }
            return;
        }
        long bits = m.narrow(f.st(0), fmt);
        boolean write = !f.suppressed() && !m.storeSuppressed;
        if (m.storeSuppressed) m.flags &= ~(Float80Math.PE | Float80Math.C1);
        if (write) h.write(0, fmt == Float80Math.Format.SINGLE ? 4 : 8, bits);
        f.finish();
        if (write && pop) f.pop();
    }

    private static void storeInt(Fpu f, X87Host h, int bits, boolean pop) {
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

    private static void writeExtended(X87Host h, Float80 v) {
        h.write(0, 8, v.significand());
        h.write(8, 2, v.signExp());
    }

    private static Float80 readExtended(X87Host h) {
        return new Float80((int) h.read(8, 2), h.read(0, 8));
    }

    private static byte[] readBytes(X87Host h, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) h.read(i, 1);
        return b;
    }

    private static void writeBytes(X87Host h, byte[] b) {
        for (int i = 0; i < b.length; i++) h.write(i, 1, b[i]);
    }

    // ---------------------------------------------------------------- D9

    private static boolean escD9Mem(Fpu f, int reg, X87Host h) {
        switch (reg) {
            case 0 -> {
                Float80Math m = f.begin();
                load(f, m.widen(h.read(0, 4), Float80Math.Format.SINGLE));
            }
            case 2, 3 -> storeReal(f, h, Float80Math.Format.SINGLE, reg == 3);
            case 4 -> f.loadEnvironment(readBytes(h, op32(h) ? 28 : 14), op32(h), h.realMode());
            case 5 -> f.setControlWord((int) h.read(0, 2));
            case 6 -> {
                writeBytes(h, f.saveEnvironment(op32(h), h.realMode()));
                // FNSTENV masks all exceptions afterwards (SDM vol. 2, FSTENV).
                f.setControlWord(f.controlWord() | 0x3F);
            }
            case 7 -> h.write(0, 2, f.controlWord());
            default -> {
                return UNDEFINED;
            }
        }
        return OK;
    }

    private static boolean escD9Reg(Fpu f, int modrm, int reg, int i, X87Host h) {
        switch (reg) {
            case 0 -> {                                      // FLD ST(i)
                f.begin();
                if (f.isEmpty(i)) {
                    f.stackFault(false);
                    if (f.ieMasked()) {
                        f.decTop();
                        f.setSt(0, Float80.INDEFINITE);
                    }
                    return OK;
                }
                load(f, f.st(i));
            }
            case 1 -> fxch(f, i);
            case 2 -> {
                if (i != 0) return UNDEFINED;                 // D9 D0: FNOP
            }
            case 3 -> {                                       // FSTP1 alias (D9 D8+i)
                if (f.isEmpty(0)) {
                    // The host CPU raises no stack fault here: it just pops, with C1 = 0.
                    f.setC1(false);
                    f.pop();
                    return OK;
                }
                storeSt(f, i, true, false);
            }
            case 4 -> {
                return switch (i) {
                    case 0 -> unary(f, m -> f.st(0).negate());
                    case 1 -> unary(f, m -> f.st(0).abs());
                    case 4 -> ftst(f);
                    case 5 -> fxam(f);
                    default -> UNDEFINED;
                };
            }
            case 5 -> {
                if (i == 7) return UNDEFINED;
                Float80Math m = f.begin();
                Float80 c = Constants.load(i, m);
                m.flags = 0;                                  // rounding a constant is not an inexact result
                load(f, c);
            }
            case 6 -> {
                switch (i) {
                    case 0 -> Transcendental.f2xm1(f);
                    case 1 -> Transcendental.fyl2x(f, false);
                    case 2 -> Transcendental.fptan(f);
                    case 3 -> Transcendental.fpatan(f);
                    case 4 -> fxtract(f);
                    case 5 -> fprem(f, true);
                    case 6 -> {
                        f.setC1(false);
                        f.decTop();
                    }
                    default -> {
                        f.setC1(false);
                        f.incTop();
                    }
                }
            }
            default -> {
                switch (i) {
                    case 0 -> fprem(f, false);
                    case 1 -> Transcendental.fyl2x(f, true);
                    case 2 -> unary(f, m -> m.sqrt(f.st(0)));
                    case 3 -> Transcendental.fsincos(f);
                    case 4 -> unary(f, m -> m.roundToInteger(f.st(0)));
                    case 5 -> fscale(f);
                    case 6 -> Transcendental.fsin(f);
                    default -> Transcendental.fcos(f);
                }
            }
        }
        return OK;
    }

    /** An operation on ST(0) alone, its result back in ST(0). */
    private static boolean unary(Fpu f, java.util.function.Function<Float80Math, Float80> op) {
        Float80Math m = f.begin();
        if (f.isEmpty(0)) {
            f.underflowInto(0);
            return OK;
        }
        Float80 r = op.apply(m);
        if (!f.suppressed()) f.setSt(0, r);
        f.finish();
        return OK;
    }

    private static boolean ftst(Fpu f) {
        Float80Math m = f.begin();
        if (f.isEmpty(0)) {
            f.stackFault(false);
            f.setConditionCodes(SW_C0 | SW_C2 | SW_C3);
            return OK;
        }
        compareInto(f, m.compare(f.st(0), Float80.POS_ZERO, true));
        return OK;
    }

    /** FXAM (SDM vol. 2, FXAM, "FXAM Results"): C3 C2 C0 classify ST(0), C1 its sign. */
    private static boolean fxam(Fpu f) {
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
        return OK;
    }

    private static void fxch(Fpu f, int i) {
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

    /**
     * FST/FSTP ST(i): a copy, no conversion, no exception but stack underflow, whose masked
     * response stores the indefinite, except for the D9 D8+i alias ({@code indefiniteOnUnderflow}
     * false), which the host CPU pops without writing.
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

    private static void fxtract(Fpu f) {
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

    private static void fprem(Fpu f, boolean ieee) {
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

    private static void fscale(Fpu f) {
        Float80Math m = f.begin();
        if (f.isEmpty(0) || f.isEmpty(1)) {
            f.underflowInto(0);
            return;
        }
        Float80 r = m.scale(f.st(0), f.st(1));
        if (!f.suppressed()) f.setSt(0, r);
        f.finish();
    }

    // ---------------------------------------------------------------- DA, DB

    private static boolean escDaReg(Fpu f, int modrm, X87Host h) {
        if (modrm == 0xE9) {                                  // FUCOMPP
            compareSt(f, 1, false, 2, false);
            return OK;
        }
        int reg = (modrm >>> 3) & 7;
        if (reg > 3) return UNDEFINED;
        fcmov(f, reg, false, modrm & 7, h);
        return OK;
    }

    private static void fcmov(Fpu f, int cond, boolean negate, int i, X87Host h) {
        f.begin();
        int fl = h.eflags();
        boolean c = switch (cond) {
            case 0 -> (fl & CF) != 0;
            case 1 -> (fl & ZF) != 0;
            case 2 -> (fl & (CF | ZF)) != 0;
            default -> (fl & PF) != 0;
        };
        if (f.isEmpty(0) || f.isEmpty(i)) {
            f.underflowInto(0);
            return;
        }
        if (c != negate) f.setSt(0, f.st(i));   // C1 is left alone unless the stack underflows
    }

    private static boolean escDbMem(Fpu f, int reg, X87Host h) {
        switch (reg) {
            case 0 -> {
                f.begin();
                load(f, Float80Math.fromLong((int) h.read(0, 4)));
            }
            case 2, 3 -> storeInt(f, h, 32, reg == 3);
            case 5 -> {
                f.begin();
                load(f, readExtended(h));
            }
            case 7 -> storeExtended(f, h);
            default -> {
                return UNDEFINED;
            }
        }
        return OK;
    }

    private static boolean escDbReg(Fpu f, int modrm, int reg, int i, X87Host h) {
        switch (reg) {
            case 0, 1, 2, 3 -> fcmov(f, reg, true, i, h);
            case 4 -> {
                switch (i) {
                    case 0, 1, 4 -> { }                       // FENI, FDISI, FSETPM: no-ops on a 387 and later
                    case 2 -> f.clearExceptions();
                    case 3 -> f.init();
                    default -> {
                        return UNDEFINED;
                    }
                }
            }
            case 5 -> compareSt(f, i, false, 0, true, h);   // FUCOMI
            case 6 -> compareSt(f, i, true, 0, true, h);    // FCOMI
            default -> {
                return UNDEFINED;
            }
        }
        return OK;
    }

    // ---------------------------------------------------------------- DD, DE, DF

    private static boolean escDdMem(Fpu f, int reg, X87Host h) {
        switch (reg) {
            case 0 -> {
                Float80Math m = f.begin();
                load(f, m.widen(h.read(0, 8), Float80Math.Format.DOUBLE));
            }
            case 2, 3 -> storeReal(f, h, Float80Math.Format.DOUBLE, reg == 3);
            case 4 -> f.restore(readBytes(h, op32(h) ? 108 : 94), op32(h), h.realMode());
            case 6 -> writeBytes(h, f.save(op32(h), h.realMode()));
            case 7 -> h.write(0, 2, f.statusWord());
            default -> {
                return UNDEFINED;
            }
        }
        return OK;
    }

    private static boolean escDdReg(Fpu f, int reg, int i) {
        switch (reg) {
            case 0 -> f.free(i);                             // FFREE
            case 1 -> fxch(f, i);                            // FXCH4 alias
            case 2, 3 -> storeSt(f, i, reg == 3, true);
            case 4, 5 -> compareSt(f, i, false, reg == 5 ? 1 : 0, false);
            default -> {
                return UNDEFINED;
            }
        }
        return OK;
    }

    private static boolean escDeReg(Fpu f, int modrm, int reg, int i) {
        if (reg == 3) {
            if (modrm != 0xD9) return UNDEFINED;
            compareSt(f, 1, true, 2, false);                  // FCOMPP
            return OK;
        }
        arithTo(f, reg, i, true);
        return OK;
    }

    private static boolean escDfMem(Fpu f, int reg, X87Host h) {
        switch (reg) {
            case 0 -> {
                f.begin();
                load(f, Float80Math.fromLong((short) h.read(0, 2)));
            }
            case 2, 3 -> storeInt(f, h, 16, reg == 3);
            case 4 -> {
                f.begin();
                load(f, Float80Math.fromBcd(readBytes(h, 10), 0));
            }
            case 5 -> {
                f.begin();
                load(f, Float80Math.fromLong(h.read(0, 8)));
            }
            case 6 -> {
                Float80Math m = f.math;
                if (!storeCheck(f)) {
                    if (f.ieMasked()) {
                        byte[] b = new byte[10];
                        m.toBcd(Float80.INDEFINITE, b, 0);
                        writeBytes(h, b);
                        f.pop();
                    }
                    return OK;
                }
                byte[] b = new byte[10];
                m.toBcd(f.st(0), b, 0);
                boolean write = !f.suppressed();
                if (write) writeBytes(h, b);
                f.finish();
                if (write) f.pop();
            }
            case 7 -> storeInt(f, h, 64, true);
            default -> {
                return UNDEFINED;
            }
        }
        return OK;
    }

    private static boolean escDfReg(Fpu f, int modrm, int reg, int i, X87Host h) {
        switch (reg) {
            case 0 -> {                                       // FFREEP (undocumented): FFREE and pop
                f.free(i);
                f.pop();
                f.setC1(false);                               // as the host CPU does (seen through FNSTSW)
            }
            case 1 -> fxch(f, i);                             // FXCH7 alias
            case 2, 3 -> storeSt(f, i, true, true);           // FSTP8/FSTP9 aliases
            case 4 -> {
                if (modrm != 0xE0) return UNDEFINED;
                h.setAx(f.statusWord());                      // FNSTSW AX
            }
            case 5 -> compareSt(f, i, false, 1, true, h);    // FUCOMIP
            case 6 -> compareSt(f, i, true, 1, true, h);     // FCOMIP
            default -> {
                return UNDEFINED;
            }
        }
        return OK;
    }
}
