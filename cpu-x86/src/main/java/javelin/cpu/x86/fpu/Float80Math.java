package javelin.cpu.x86.fpu;

import java.math.BigInteger;

/**
 * Exact x87 arithmetic on {@link Float80} values in software: every operation computes the
 * exact result (128-bit intermediates, long division, integer square root) and rounds it once,
 * as the hardware does (SDM vol. 1, 4.8 and 8.1.5). No {@code double} is used.
 *
 * <p>One instance carries the rounding environment of the control word (rounding control
 * {@link #rc}, precision control as significand bits {@link #precision}, the exception masks
 * {@link #masks}) and collects the exception flags an operation raises in {@link #flags}, using
 * the status-word bit positions: IE, DE, ZE, OE, UE, PE in bits 0-5 and C1 ("rounded up") in bit
 * 9. Callers clear {@link #flags} before an instruction.
 *
 * <p>Precision control rounds the significand to 24, 53 or 64 bits but keeps the extended
 * exponent range (SDM vol. 1, 8.1.5.2). Tininess is detected before rounding; a tiny result is
 * denormalized and then rounded at the precision's bit position (Pentium Pro behaviour, checked
 * against the host CPU by the oracle). With UE or OE unmasked a stack result keeps its full
 * significand and has its exponent wrapped by 24576 (SDM vol. 1, 8.5.4 and 8.5.5); callers that
 * store to memory instead suppress the store.
 *
 * <p>NaN propagation (SDM vol. 1, 4.8.3.5, table 4-7): an SNaN is quieted; of two NaNs a QNaN
 * wins over an SNaN, otherwise the larger significand wins. Invalid operations with IE masked
 * produce the real indefinite.
 */
final class Float80Math {
    static final int IE = 1, DE = 1 << 1, ZE = 1 << 2, OE = 1 << 3, UE = 1 << 4, PE = 1 << 5;
    /** Status word C1: on a rounded result, set when the significand was rounded up. */
    static final int C1 = 1 << 9;
    static final int RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_CHOP = 3;
    /** Exponent adjustment for a result whose OE or UE is unmasked (SDM vol. 1, 8.5.4). */
    static final int WRAP_BIAS = 24576;

    /** Destination formats of the rounding step: significand bits, minimum normal exponent, bias. */
    enum Format {
        SINGLE(24, 127), DOUBLE(53, 1023), EXTENDED(64, 16383);

        final int bits;
        final int bias;

        Format(int bits, int bias) {
            this.bits = bits;
            this.bias = bias;
        }
    }

    int rc = RC_NEAREST;
    int precision = 64;
    int masks = 0x3F;
    int flags;

    // The result of the last call to round(): a finite value sig * 2^(exp - 63), zero, or infinity.
    private static final int FINITE = 0, ZERO = 1, INF = 2;
    private int rKind;
    private boolean rNeg;
    private int rExp;
    private long rSig;
    /** The last round() stored nothing because an unmasked OE/UE hit a non-wrapping format. */
    private boolean rSuppressed;

    /** Sets rounding control, precision control and masks from an x87 control word (SDM vol. 1, 8.1.5). */
    void setControlWord(int cw) {
        denormalSource = null;
        masks = cw & 0x3F;
        rc = (cw >>> 10) & 3;
        precision = switch ((cw >>> 8) & 3) {
            case 0 -> 24;
            case 2 -> 53;
            default -> 64;   // 1 is reserved; a P6 treats it as 64 bits
        };
    }

    /** True if the flags raised so far include one whose mask bit is clear. */
    boolean unmaskedRaised() {
        return (flags & ~masks & 0x3F) != 0;
    }

    // ---------------------------------------------------------------- rounding core

    /**
     * Rounds {@code (-1)^neg * (hi + lo / 2^64) * 2^(exp - 63)} to {@code bits} significand bits
     * in a format with minimum normal exponent {@code 1 - bias} and maximum {@code bias}. The
     * result lands in the r* fields. {@code wrap}: the destination is the register stack, where
     * an unmasked OE/UE wraps the exponent rather than suppressing the store.
     */
    private void round(boolean neg, int exp, long hi, long lo, int bits, int bias, boolean wrap) {
        rNeg = neg;
        rSuppressed = false;
        if (hi == 0 && lo == 0) {
            rKind = ZERO;
            return;
        }
        if (hi == 0) {
            hi = lo;
            lo = 0;
            exp -= 64;
        }
        int lz = Long.numberOfLeadingZeros(hi);
        if (lz > 0) {
            hi = hi << lz | lo >>> (64 - lz);
            lo <<= lz;
            exp -= lz;
        }
        int emin = 1 - bias;
        boolean tiny = exp < emin;
        // An unmasked UE wraps the exponent, unless even the wrapped exponent is out of range:
        // then the host CPU gives the masked response (as for FSCALE by huge amounts).
        boolean underflowTrap = tiny && (masks & UE) == 0 && (!wrap || exp + WRAP_BIAS >= emin);
        if (tiny && wrap && (masks & UE) == 0 && !underflowTrap) {
            // Unmasked UE but beyond the wrap range: the host CPU delivers a signed zero, inexact.
            flags |= UE | PE;
            rKind = ZERO;
            return;
        }
        if (tiny && !underflowTrap) {
            int shift = emin - exp;
            if (shift >= 128) {
                lo = (hi | lo) != 0 ? 1 : 0;
                hi = 0;
            } else if (shift >= 64) {
                long sticky = (lo != 0 || (shift > 64 && (hi << (128 - shift)) != 0)) ? 1 : 0;
                lo = (shift == 64 ? hi : hi >>> (shift - 64)) | sticky;
                hi = 0;
            } else {
                long sticky = (lo << (64 - shift)) != 0 ? 1 : 0;
                lo = lo >>> shift | hi << (64 - shift) | sticky;
                hi >>>= shift;
            }
            exp = emin;
        }
        int drop = 64 - bits;
        long keep = -1L << drop;
        boolean half, rest;
        if (drop == 0) {
            half = lo < 0;
            rest = (lo << 1) != 0;
        } else {
            half = ((hi >>> (drop - 1)) & 1) != 0;
            rest = (hi & ((1L << (drop - 1)) - 1)) != 0 || lo != 0;
        }
        boolean inexact = half || rest;
        boolean up = inexact && switch (rc) {
            case RC_NEAREST -> half && (rest || ((hi >>> drop) & 1) != 0);
            case RC_DOWN -> neg;
            case RC_UP -> !neg;
            default -> false;
        };
        hi &= keep;
        if (up) {
            long sum = hi + (1L << drop);
            if (Long.compareUnsigned(sum, hi) < 0) {
                sum = Float80.INTEGER_BIT;
                exp++;
            }
            hi = sum;
        }
        if (inexact) flags |= PE;
        if (up) flags |= C1;
        if (tiny) {
            if (underflowTrap) {
                flags |= UE;
                if (!wrap) {
                    rSuppressed = true;
                } else {
                    exp += WRAP_BIAS;
                }
            } else if (inexact) {
                flags |= UE;
            }
        }
        if (hi == 0) {
            rKind = ZERO;
            return;
        }
        if (exp > bias) {
            flags |= OE;
            if ((masks & OE) == 0 && wrap && exp - WRAP_BIAS > bias) {
                // Unmasked OE beyond the wrap range: the host CPU delivers a signed infinity, inexact.
                flags |= PE | C1;
                rKind = INF;
                return;
            }
            if ((masks & OE) == 0) {
                if (!wrap) {
                    rSuppressed = true;
                } else {
                    exp -= WRAP_BIAS;
                }
            } else {
                flags |= PE;
                boolean toInf = switch (rc) {
                    case RC_NEAREST -> true;
                    case RC_DOWN -> neg;
                    case RC_UP -> !neg;
                    default -> false;
                };
                if (toInf) {
                    flags |= C1;
                    rKind = INF;
                    return;
                }
                flags &= ~C1;
                exp = bias;
                hi = keep;
            }
        }
        rKind = FINITE;
        rExp = exp;
        rSig = hi;
    }

    private Float80 resultExtended() {
        return switch (rKind) {
            case ZERO -> rNeg ? Float80.NEG_ZERO : Float80.POS_ZERO;
            case INF -> rNeg ? Float80.NEG_INF : Float80.POS_INF;
            default -> Float80.of(rNeg, rSig < 0 ? rExp + Float80.BIAS : 0, rSig);
        };
    }

    /** Rounds to the precision-control width and returns the stack result. */
    private Float80 roundStack(boolean neg, int exp, long hi, long lo) {
        round(neg, exp, hi, lo, precision, Float80.BIAS, true);
        return resultExtended();
    }

    /**
     * Rounds {@code (-1)^neg * mag * 2^exp2} (an exact magnitude, {@code sticky} if the true value
     * is slightly larger) to the stack's precision. Used by square root and the transcendentals.
     */
    Float80 roundBig(boolean neg, BigInteger mag, int exp2, boolean sticky) {
        if (mag.signum() == 0) return neg ? Float80.NEG_ZERO : Float80.POS_ZERO;
        int len = mag.bitLength();
        BigInteger top;
        if (len > 128) {
            int sh = len - 128;
            sticky |= mag.getLowestSetBit() < sh;
            top = mag.shiftRight(sh);
            exp2 += sh;
        } else {
            top = mag.shiftLeft(128 - len);
            exp2 -= 128 - len;
        }
        long hi = top.shiftRight(64).longValue();
        long lo = top.longValue() | (sticky ? 1 : 0);
        // value = (hi:lo) * 2^exp2 = (hi + lo/2^64) * 2^(exp2 + 64); round() wants 2^(exp - 63)
        return roundStack(neg, exp2 + 127, hi, lo);
    }

    // ---------------------------------------------------------------- operand screening

    /** The exponent of the value as {@code sig * 2^(e - 63)}: a denormal reads as exponent 1. */
    private static int unbiased(Float80 x) {
        int e = x.exponent();
        return (e == 0 ? 1 : e) - Float80.BIAS;
    }

    /**
     * The NaN or indefinite an operation on {@code a} and {@code b} returns when either is a NaN or
     * unsupported, raising IE as needed; {@code null} if both are ordinary operands.
     */
    private Float80 specialOperands(Float80 a, Float80 b) {
        if (a.isUnsupported() || b.isUnsupported()) {
            flags |= IE;
            return Float80.INDEFINITE;
        }
        boolean an = a.isNaN(), bn = b.isNaN();
        if (!an && !bn) return null;
        if (a.isSignalingNaN() || b.isSignalingNaN()) flags |= IE;
        if (an && !bn) return a.quiet();
        if (bn && !an) return b.quiet();
        return propagate(a, b);
    }

    /** Picks between two NaNs (SDM vol. 1, table 4-7, x87 column). */
    static Float80 propagate(Float80 a, Float80 b) {
        boolean as = a.isSignalingNaN(), bs = b.isSignalingNaN();
        if (as != bs) return as ? b.quiet() : a.quiet();
        int c = Long.compareUnsigned(a.significand() << 1, b.significand() << 1);
        if (c > 0) return a.quiet();
        if (c < 0) return b.quiet();
        return (a.negative() ? b : a).quiet();
    }

    private Float80 specialOperand(Float80 a) {
        if (a.isUnsupported()) {
            flags |= IE;
            return Float80.INDEFINITE;
        }
        if (a.isNaN()) {
            if (a.isSignalingNaN()) flags |= IE;
            return a.quiet();
        }
        return null;
    }

    private Float80 invalid() {
        flags |= IE;
        return Float80.INDEFINITE;
    }

    /**
     * The value {@link #widenOperand} made from a denormal m32/m64 operand: it is normal in the
     * extended format, yet raises DE where the operation would check a denormal operand (and not
     * when a NaN operand or a zero divisor decides the result first, as on the host CPU).
     */
    private Float80 denormalSource;

    private void denormalCheck(Float80 a) {
        if (a.isDenormal() || (a == denormalSource && a != null)) flags |= DE;
    }

    // ---------------------------------------------------------------- arithmetic

    Float80 add(Float80 a, Float80 b) {
        return addSigned(a, b, false);
    }

    Float80 sub(Float80 a, Float80 b) {
        return addSigned(a, b, true);
    }

    private Float80 addSigned(Float80 a, Float80 b, boolean subtract) {
        Float80 s = specialOperands(a, b);
        if (s != null) return s;
        boolean an = a.negative(), bn = b.negative() ^ subtract;
        if (a.isInfinity() || b.isInfinity()) {
            if (a.isInfinity() && b.isInfinity() && an != bn) return invalid();
            denormalCheck(a);
            denormalCheck(b);
            return a.isInfinity() ? a : (bn ? Float80.NEG_INF : Float80.POS_INF);
        }
        denormalCheck(a);
        denormalCheck(b);
        if (a.isZero() && b.isZero()) {
            boolean neg = an == bn ? an : rc == RC_DOWN;
            return neg ? Float80.NEG_ZERO : Float80.POS_ZERO;
        }
        int ea = unbiased(a), eb = unbiased(b);
        long ma = a.significand(), mb = b.significand();
        if (a.isZero()) ea = eb;
        if (b.isZero()) eb = ea;
        if (ea < eb || (ea == eb && Long.compareUnsigned(ma, mb) < 0)) {
            int te = ea; ea = eb; eb = te;
            long tm = ma; ma = mb; mb = tm;
            boolean tn = an; an = bn; bn = tn;
        }
        // |a| >= |b| now (by exponent, then significand within one exponent)
        int d = ea - eb;
        long bh, bl;
        if (d == 0) {
            bh = mb;
            bl = 0;
        } else if (d < 64) {
            bh = mb >>> d;
            bl = mb << (64 - d);
        } else if (d < 128) {
            bh = 0;
            bl = d == 64 ? mb : mb >>> (d - 64);
            if (d > 64 && (mb << (128 - d)) != 0) bl |= 1;
        } else {
            bh = 0;
            bl = mb != 0 ? 1 : 0;
        }
        long hi, lo;
        int exp = ea;
        if (an == bn) {
            lo = bl;
            hi = ma + bh;
            if (Long.compareUnsigned(hi, ma) < 0) {
                // carry out: shift the 129-bit sum right by one, keeping a sticky bit
                lo = lo >>> 1 | hi << 63 | (lo & 1);
                hi = hi >>> 1 | Float80.INTEGER_BIT;
                exp++;
            }
        } else {
            lo = -bl;
            hi = ma - bh - (bl != 0 ? 1 : 0);
            if (hi == 0 && lo == 0) {
                return rc == RC_DOWN ? Float80.NEG_ZERO : Float80.POS_ZERO;
            }
        }
        return roundStack(an, exp, hi, lo);
    }

    Float80 mul(Float80 a, Float80 b) {
        Float80 s = specialOperands(a, b);
        if (s != null) return s;
        boolean neg = a.negative() ^ b.negative();
        if (a.isInfinity() || b.isInfinity()) {
            if (a.isZero() || b.isZero()) return invalid();
            denormalCheck(a);
            denormalCheck(b);
            return neg ? Float80.NEG_INF : Float80.POS_INF;
        }
        denormalCheck(a);
        denormalCheck(b);
        if (a.isZero() || b.isZero()) return neg ? Float80.NEG_ZERO : Float80.POS_ZERO;
        long ma = a.significand(), mb = b.significand();
        long hi = Math.unsignedMultiplyHigh(ma, mb);
        long lo = ma * mb;
        // (ma * mb) * 2^(ea + eb - 126) = (hi + lo/2^64) * 2^(ea + eb + 1 - 63)
        return roundStack(neg, unbiased(a) + unbiased(b) + 1, hi, lo);
    }

    Float80 div(Float80 a, Float80 b) {
        Float80 s = specialOperands(a, b);
        if (s != null) return s;
        boolean neg = a.negative() ^ b.negative();
        if (a.isInfinity()) {
            if (b.isInfinity()) return invalid();
            denormalCheck(b);
            return neg ? Float80.NEG_INF : Float80.POS_INF;
        }
        if (b.isInfinity()) {
            denormalCheck(a);
            return neg ? Float80.NEG_ZERO : Float80.POS_ZERO;
        }
        if (b.isZero()) {
            if (a.isZero()) return invalid();
            flags |= ZE;                                 // takes precedence over DE (host CPU)
            return neg ? Float80.NEG_INF : Float80.POS_INF;
        }
        denormalCheck(a);
        denormalCheck(b);
        if (a.isZero()) return neg ? Float80.NEG_ZERO : Float80.POS_ZERO;
        long ma = a.significand(), mb = b.significand();
        int ea = unbiased(a), eb = unbiased(b);
        int lzb = Long.numberOfLeadingZeros(mb);
        mb <<= lzb;
        eb -= lzb;
        int lza = Long.numberOfLeadingZeros(ma);
        ma <<= lza;
        ea -= lza;
        // Restoring division: 128 quotient bits of ma/mb, the first one weighing 2^0.
        long r = ma, qh = 0, ql = 0;
        boolean top = false;
        for (int i = 0; i < 128; i++) {
            boolean ge = top || Long.compareUnsigned(r, mb) >= 0;
            if (ge) r -= mb;
            qh = qh << 1 | ql >>> 63;
            ql = ql << 1 | (ge ? 1 : 0);
            top = r < 0;
            r <<= 1;
        }
        if (r != 0 || top) ql |= 1;
        // q * 2^-127 * 2^(ea - eb) = (qh + ql/2^64) * 2^(ea - eb - 63)
        return roundStack(neg, ea - eb, qh, ql);
    }

    Float80 sqrt(Float80 a) {
        Float80 s = specialOperand(a);
        if (s != null) return s;
        if (a.isZero()) return a;
        if (a.negative()) return invalid();
        if (a.isInfinity()) return a;
        denormalCheck(a);
        int t = unbiased(a) - 63;
        BigInteger m = BigInteger.valueOf(a.significand()).and(U64);
        if ((t & 1) != 0) {
            m = m.shiftLeft(1);
            t--;
        }
        m = m.shiftLeft(128);
        t -= 128;
        BigInteger[] root = m.sqrtAndRemainder();
        return roundBig(false, root[0], t / 2, root[1].signum() != 0);
    }

    static final BigInteger U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    // ---------------------------------------------------------------- integers and rounding to integer

    private boolean intNeg;
    private long intMag;
    private boolean intTooBig;

    /**
     * Rounds a finite value to an integer in the current rounding mode: magnitude in intMag
     * (unsigned), intTooBig if it is 2^64 or more. Raises PE and C1.
     */
    private void roundToIntegerParts(Float80 a) {
        intNeg = a.negative();
        intTooBig = false;
        if (a.isZero()) {
            intMag = 0;
            return;
        }
        int e = unbiased(a);
        long m = a.significand();
        if (e >= 64) {
            intTooBig = true;
            intMag = 0;
            return;
        }
        long ip;
        boolean half, rest;
        if (e >= 63) {
            ip = m;
            half = false;
            rest = false;
        } else if (e >= 0) {
            int sh = 63 - e;
            ip = m >>> sh;
            long frac = m << (64 - sh);
            half = frac < 0;
            rest = (frac << 1) != 0;
        } else if (e == -1) {
            ip = 0;
            half = m < 0;
            rest = (m << 1) != 0;
        } else {
            ip = 0;
            half = false;
            rest = m != 0;
        }
        boolean inexact = half || rest;
        boolean up = inexact && switch (rc) {
            case RC_NEAREST -> half && (rest || (ip & 1) != 0);
            case RC_DOWN -> intNeg;
            case RC_UP -> !intNeg;
            default -> false;
        };
        if (inexact) flags |= PE;
        if (up) {
            flags |= C1;
            ip++;
            if (ip == 0) intTooBig = true;
        }
        intMag = ip;
    }

    /** FRNDINT (SDM vol. 2): round to an integral value in the current rounding mode. */
    Float80 roundToInteger(Float80 a) {
        Float80 s = specialOperand(a);
        if (s != null) return s;
        if (a.isZero() || a.isInfinity()) return a;
        denormalCheck(a);
        if (unbiased(a) >= 63) return a;
        roundToIntegerParts(a);
        return fromUnsigned(intNeg, intMag);
    }

    private static Float80 fromUnsigned(boolean neg, long mag) {
        if (mag == 0) return neg ? Float80.NEG_ZERO : Float80.POS_ZERO;
        int lz = Long.numberOfLeadingZeros(mag);
        return Float80.of(neg, Float80.BIAS + 63 - lz, mag << lz);
    }

    /** FILD: a signed integer, exactly. */
    static Float80 fromLong(long v) {
        if (v == 0) return Float80.POS_ZERO;
        return fromUnsigned(v < 0, v < 0 ? -v : v);
    }

    /**
     * FIST/FISTP to a {@code bits}-wide integer (16, 32 or 64): rounds in the current mode; NaN,
     * infinity, unsupported or out of range raise IE and give the integer indefinite.
     */
    long toInteger(Float80 a, int bits) {
        long indefinite = Long.MIN_VALUE >> (64 - bits);
        if (a.isNaN() || a.isInfinity() || a.isUnsupported()) {
            flags |= IE;
            return indefinite;
        }
        int saved = flags;
        roundToIntegerParts(a);
        long limit = 1L << (bits - 1);   // magnitude bound: < limit, or == limit when negative
        boolean fits = !intTooBig && (bits == 64
                ? (intMag >= 0 || (intNeg && intMag == Long.MIN_VALUE))
                : (Long.compareUnsigned(intMag, limit) < 0 || (intNeg && intMag == limit)));
        if (!fits) {
            flags = saved | IE;
            return indefinite;
        }
        return intNeg ? -intMag : intMag;
    }

    // ---------------------------------------------------------------- remainders, scale, extract

    /** Quotient bits of the last {@link #partialRemainder}: Q2 Q1 Q0 in bits 2-0; {@link #remIncomplete}. */
    int remQuotient;
    boolean remIncomplete;
    /** False when the last remainder came from NaN/invalid screening: no quotient bits. */
    boolean remValid;

    /**
     * FPREM ({@code ieee} false: quotient truncated) or FPREM1 ({@code ieee} true: quotient
     * rounded to nearest even), with the partial-reduction rule of SDM vol. 2: when the exponent
     * difference is 64 or more, only a partial remainder is formed and C2 is set.
     */
    Float80 partialRemainder(Float80 a, Float80 b, boolean ieee) {
        remQuotient = 0;
        remIncomplete = false;
        remValid = false;
        Float80 s = specialOperands(a, b);
        if (s != null) return s;
        if (a.isInfinity() || b.isZero()) {
            if (!a.isInfinity()) denormalCheck(a);
            return invalid();
        }
        remValid = true;
        denormalCheck(a);
        denormalCheck(b);
        if (b.isInfinity() || a.isZero()) return passThrough(a);
        BigInteger ma = BigInteger.valueOf(a.significand()).and(U64);
        BigInteger mb = BigInteger.valueOf(b.significand()).and(U64);
        int sa = unbiased(a) - 63, sb = unbiased(b) - 63;
        // d: difference of the exponents of the leading one bits
        int d = (sa + ma.bitLength()) - (sb + mb.bitLength());
        if (d < 0 && (!ieee || d < -1)) return passThrough(a);   // |a| < |b|/2 (or < |b| for FPREM): quotient 0
        if (d >= 64) {
            // Partial reduction by 2^(d - n), n between 32 and 63 (SDM vol. 2, FPREM).
            remIncomplete = true;
            sb += d - (32 + d % 32);
        }
        int lowExp = Math.min(sa, sb);
        BigInteger num = ma.shiftLeft(sa - lowExp);
        BigInteger den = mb.shiftLeft(sb - lowExp);
        BigInteger[] qr = num.divideAndRemainder(den);
        BigInteger q = qr[0], r = qr[1];
        if (ieee && !remIncomplete) {
            int c = r.shiftLeft(1).compareTo(den);
            if (c > 0 || (c == 0 && q.testBit(0))) {
                q = q.add(BigInteger.ONE);
                r = r.subtract(den);
            }
        }
        remQuotient = q.intValue() & 7;
        boolean neg = a.negative() ^ (r.signum() < 0);
        if (r.signum() == 0) return a.negative() ? Float80.NEG_ZERO : Float80.POS_ZERO;
        int savedPrecision = precision;
        precision = 64;
        try {
            return roundBig(neg, r.abs(), lowExp, false);
        } finally {
            precision = savedPrecision;
        }
    }

    /**
     * An operand returned as the result: a denormal goes through the rounding step (a
     * pseudo-denormal becomes exponent 1; with UE unmasked the exponent wraps and UE is raised,
     * as the host CPU does for FPREM of a denormal).
     */
    private Float80 passThrough(Float80 a) {
        if (!a.isDenormal()) return a;
        return roundFull(a.negative(), unbiased(a), a.significand(), 0);
    }

    /** FSCALE: {@code a * 2^trunc(b)}. */
    Float80 scale(Float80 a, Float80 b) {
        Float80 s = specialOperands(a, b);
        if (s != null) return s;
        if (b.isInfinity()) {
            if (a.isZero() && !b.negative()) return invalid();
            if (a.isInfinity() && b.negative()) return invalid();
            denormalCheck(a);
            if (a.isZero() || a.isInfinity()) return a;
            return b.negative() ? (a.negative() ? Float80.NEG_ZERO : Float80.POS_ZERO)
                    : (a.negative() ? Float80.NEG_INF : Float80.POS_INF);
        }
        denormalCheck(a);
        denormalCheck(b);
        if (a.isZero() || a.isInfinity()) return a;
        int n;
        int eb = unbiased(b);
        if (b.isZero() || eb < 0) {
            n = 0;
        } else if (eb >= 31) {
            n = b.negative() ? -(1 << 20) : (1 << 20);
        } else {
            long ip = b.significand() >>> (63 - eb);
            n = (int) (b.negative() ? -ip : ip);
        }
        return roundFull(a.negative(), unbiased(a) + n, a.significand(), 0);
    }

    /** Rounds at 64 bits whatever the precision control says (SDM vol. 1, 8.1.5.2 lists what PC affects). */
    Float80 roundFull(boolean neg, int exp, long hi, long lo) {
        int saved = precision;
        precision = 64;
        try {
            return roundStack(neg, exp, hi, lo);
        } finally {
            precision = saved;
        }
    }

    /** A constant given to 128 bits ({@code (hi + lo/2^64) * 2^(exp - 63)}), rounded in the current mode. */
    Float80 constant(int exp, long hi, long lo) {
        return roundFull(false, exp, hi, lo);
    }

    /**
     * FXTRACT (SDM vol. 2): {exponent as a value, significand with exponent 0}. Zero raises ZE and
     * gives -infinity; infinity gives +infinity and the infinity.
     */
    Float80[] extract(Float80 a) {
        Float80 s = specialOperand(a);
        if (s != null) return new Float80[] {s, s};
        if (a.isInfinity()) return new Float80[] {Float80.POS_INF, a};
        if (a.isZero()) {
            flags |= ZE;
            return new Float80[] {Float80.NEG_INF, a};
        }
        denormalCheck(a);
        long m = a.significand();
        int lz = Long.numberOfLeadingZeros(m);
        int e = unbiased(a) - lz;
        return new Float80[] {fromLong(e), Float80.of(a.negative(), Float80.BIAS, m << lz)};
    }

    // ---------------------------------------------------------------- comparison

    static final int LESS = -1, EQUAL = 0, GREATER = 1, UNORDERED = 2;

    /**
     * Compares for FCOM ({@code signalQNaN} true: any NaN raises IE) or FUCOM (only an SNaN
     * raises IE). Unsupported operands are unordered and raise IE.
     */
    int compare(Float80 a, Float80 b, boolean signalQNaN) {
        if (a.isUnsupported() || b.isUnsupported()) {
            flags |= IE;
            return UNORDERED;
        }
        if (a.isNaN() || b.isNaN()) {
            if (signalQNaN || a.isSignalingNaN() || b.isSignalingNaN()) flags |= IE;
            return UNORDERED;
        }
        denormalCheck(a);
        denormalCheck(b);
        if (a.isZero() && b.isZero()) return EQUAL;
        boolean an = a.negative() && !a.isZero(), bn = b.negative() && !b.isZero();
        if (an != bn) return an ? LESS : GREATER;
        int c = compareMagnitude(a, b);
        return an ? -c : c;
    }

    private static int compareMagnitude(Float80 a, Float80 b) {
        if (a.isZero()) return b.isZero() ? 0 : -1;
        if (b.isZero()) return 1;
        int ea = unbiased(a), eb = unbiased(b);
        long ma = a.significand(), mb = b.significand();
        int la = Long.numberOfLeadingZeros(ma), lb = Long.numberOfLeadingZeros(mb);
        ea -= la;
        eb -= lb;
        if (a.isInfinity()) ea = Integer.MAX_VALUE;
        if (b.isInfinity()) eb = Integer.MAX_VALUE;
        if (ea != eb) return ea < eb ? -1 : 1;
        return Integer.signum(Long.compareUnsigned(ma << la, mb << lb));
    }

    // ---------------------------------------------------------------- memory formats

    /** FLD m32real / m64real: exact widening; SNaN raises IE and is quieted, a denormal raises DE. */
    Float80 widen(long bits, Format f) {
        int fracBits = f.bits - 1;
        int expBits = f == Format.SINGLE ? 8 : 11;
        boolean neg = ((bits >>> (fracBits + expBits)) & 1) != 0;
        int e = (int) (bits >>> fracBits) & ((1 << expBits) - 1);
        long frac = bits & ((1L << fracBits) - 1);
        int emax = (1 << expBits) - 1;
        if (e == emax) {
            if (frac == 0) return neg ? Float80.NEG_INF : Float80.POS_INF;
            long sig = Float80.INTEGER_BIT | frac << (63 - fracBits);
            if ((sig & Float80.QUIET_BIT) == 0) {
                flags |= IE;
                sig |= Float80.QUIET_BIT;
            }
            return Float80.of(neg, Float80.EXP_MAX, sig);
        }
        if (e == 0) {
            if (frac == 0) return neg ? Float80.NEG_ZERO : Float80.POS_ZERO;
            flags |= DE;
            int lz = Long.numberOfLeadingZeros(frac);
            // value = frac * 2^(1 - bias - fracBits)
            int exp = 1 - f.bias - fracBits + 63 - lz;
            return Float80.of(neg, exp + Float80.BIAS, frac << lz);
        }
        return Float80.of(neg, e - f.bias + Float80.BIAS, Float80.INTEGER_BIT | frac << (63 - fracBits));
    }

    /**
     * The value of a m32real/m64real arithmetic operand: like {@link #widen} (a denormal raises
     * DE) but an SNaN stays signalling, so the two-NaN rules of the operation apply to it.
     */
    Float80 widenOperand(long bits, Format f) {
        int savedFlags = flags;
        Float80 v = widen(bits, f);
        denormalSource = null;
        if ((flags & ~savedFlags & DE) != 0) {
            flags = savedFlags;
            denormalSource = v;
        }
        if (v.isNaN() && (flags & ~savedFlags & IE) != 0) {
            flags = savedFlags;
            int fracBits = f.bits - 1;
            long frac = bits & ((1L << fracBits) - 1);
            return Float80.of(v.negative(), Float80.EXP_MAX, Float80.INTEGER_BIT | frac << (63 - fracBits));
        }
        return v;
    }

    /** Whether the last {@link #narrow} must not be stored (an unmasked OE or UE on a memory destination). */
    boolean storeSuppressed;

    /**
     * FST m32real / m64real: rounds to the format in the current rounding mode (precision control
     * does not apply to stores). A NaN is quieted and truncated; invalid operands give the
     * format's indefinite.
     */
    long narrow(Float80 a, Format f) {
        storeSuppressed = false;
        int fracBits = f.bits - 1;
        int expBits = f == Format.SINGLE ? 8 : 11;
        long signBit = a.negative() ? 1L << (fracBits + expBits) : 0;
        long expAll = ((1L << expBits) - 1) << fracBits;
        if (a.isUnsupported()) {
            flags |= IE;
            return (1L << (fracBits + expBits)) | expAll | 1L << (fracBits - 1);
        }
        if (a.isNaN()) {
            if (a.isSignalingNaN()) flags |= IE;
            long sig = a.significand() | Float80.QUIET_BIT;
            return signBit | expAll | ((sig << 1) >>> (64 - fracBits));
        }
        if (a.isInfinity()) return signBit | expAll;
        if (a.isZero()) return signBit;
        // No DE here: the host CPU does not report a denormal source of FST m32/m64.
        round(a.negative(), unbiased(a), a.significand(), 0, f.bits, f.bias, false);
        storeSuppressed = rSuppressed;
        return switch (rKind) {
            case ZERO -> signBit;
            case INF -> signBit | expAll;
            default -> {
                long biased = rSig < 0 ? rExp + f.bias : 0;
                yield signBit | biased << fracBits | ((rSig << 1) >>> (64 - fracBits));
            }
        };
    }

    /** FBLD: 18 packed BCD digits and a sign byte (SDM vol. 1, 4.7), converted exactly. */
    static Float80 fromBcd(byte[] b, int off) {
        long v = 0;
        for (int i = 8; i >= 0; i--) {
            int x = b[off + i] & 0xFF;
            v = v * 100 + (x >>> 4) * 10 + (x & 0xF);
        }
        Float80 r = fromUnsigned(false, v);
        return (b[off + 9] & 0x80) != 0 ? r.negate() : r;
    }

    /** FBSTP: rounds in the current mode; out of range, NaN or infinity store the BCD indefinite. */
    void toBcd(Float80 a, byte[] out, int off) {
        long mag;
        boolean neg = a.negative();
        boolean bad = a.isNaN() || a.isInfinity() || a.isUnsupported();
        if (!bad) {
            int saved = flags;
            roundToIntegerParts(a);
            mag = intMag;
            if (intTooBig || Long.compareUnsigned(mag, 999_999_999_999_999_999L) > 0) {
                flags = saved;
                bad = true;
            } else {
                for (int i = 0; i < 9; i++) {
                    int lo = (int) (mag % 10);
                    mag /= 10;
                    int hi = (int) (mag % 10);
                    mag /= 10;
                    out[off + i] = (byte) (hi << 4 | lo);
                }
                out[off + 9] = (byte) (neg ? 0x80 : 0);
                return;
            }
        }
        flags |= IE;
        for (int i = 0; i < 7; i++) out[off + i] = 0;
        out[off + 7] = (byte) 0xC0;
        out[off + 8] = (byte) 0xFF;
        out[off + 9] = (byte) 0xFF;
    }
}
