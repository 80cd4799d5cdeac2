package javelin.cpu.x86.fpu;

import static javelin.cpu.x86.fpu.Fpu.*;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X and FYL2XP1 (SDM vol. 2). Each result is
 * computed in {@link BigDecimal} with 50 significant digits (about 166 bits) from the exact
 * operands, then rounded once to 64 bits in the current rounding mode, so it is correctly
 * rounded unless the true value lies within about 2^-100 relative of a rounding boundary.
 * Precision control does not apply (SDM vol. 1, 8.1.5.2).
 *
 * <p>FSIN, FCOS, FSINCOS and FPTAN reduce their argument with the 66-bit approximation of pi
 * that Intel's x87 uses (SDM vol. 1, 8.3.10), so that arguments near multiples of pi give what
 * the hardware gives rather than the true function value. Arguments of magnitude 2^63 or more
 * set C2 and leave the stack unchanged. Differences from the host CPU, measured by the oracle,
 * are listed in {@code docs/conformance.md ("The x87 FPU against the host CPU")}.
 */
final class Transcendental {
    private Transcendental() { }

    private static final MathContext MC = new MathContext(50, RoundingMode.HALF_EVEN);
    /** pi rounded to 66 bits: 0x3.243F6A8885A308D3 (the next hex digit is 1). */
    private static final BigDecimal PI66 = exact(new BigInteger("3243F6A8885A308D3", 16), -64);
    private static final BigDecimal HALF_PI66 = PI66.divide(BigDecimal.valueOf(2));
    /** pi to 60 digits, for FPATAN's quadrants. */
    private static final BigDecimal PI = new BigDecimal(
            "3.14159265358979323846264338327950288419716939937510582097494");
    private static final BigDecimal LN2 = new BigDecimal(
            "0.693147180559945309417232121458176568075500134360255254120680");

    // ---------------------------------------------------------------- conversions

    /** {@code m * 2^e} exactly. */
    private static BigDecimal exact(BigInteger m, int e) {
        if (e >= 0) return new BigDecimal(m.shiftLeft(e));
        return new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-e)), -e);
    }

    static BigDecimal toDecimal(Float80 x) {
        int e = x.exponent() == 0 ? 1 : x.exponent();
        BigDecimal v = exact(BigInteger.valueOf(x.significand()).and(Float80Math.U64), e - Float80.BIAS - 63);
        return x.negative() ? v.negate() : v;
    }

    static Float80 fromDecimal(Float80Math m, BigDecimal v) {
        return fromDecimal(m, v, 0);
    }

    /**
     * Rounds a non-zero value (precise to {@link #MC}) to 64 bits in the current rounding mode.
     * {@code hint}: where the true value lies when {@code v} came out exactly representable
     * (sin x and x for tiny x, cos x and 1): -1 slightly smaller in magnitude, +1 larger, 0 unknown.
     */
    static Float80 fromDecimal(Float80Math m, BigDecimal v, int hint) {
        if (v.signum() == 0) return Float80.POS_ZERO;
        boolean neg = v.signum() < 0;
        v = v.abs();
        BigInteger unscaled = v.unscaledValue();
        // log2(v) ~ bitLength(unscaled) - scale * log2(10); aim for about 140 bits in mag
        long est = unscaled.bitLength() - Math.round(v.scale() * 3.321928094887362);
        int exp2 = (int) est - 140;
        BigDecimal scaled = exp2 <= 0
                ? v.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(-exp2)))
                : v.multiply(new BigDecimal(BigInteger.valueOf(5).pow(exp2))).movePointLeft(exp2);
        BigInteger mag = scaled.setScale(0, RoundingMode.DOWN).unscaledValue();
        boolean sticky = scaled.compareTo(new BigDecimal(mag)) != 0;
        if (!sticky && hint != 0) {
            if (hint < 0) {
                mag = mag.shiftLeft(1).subtract(BigInteger.ONE);
                exp2--;
            }
            sticky = true;
        }
        int saved = m.precision;
        m.precision = 64;
        try {
            return m.roundBig(neg, mag, exp2, sticky);
        } finally {
            m.precision = saved;
        }
    }

    // ---------------------------------------------------------------- series

    private static BigDecimal sinSeries(BigDecimal r) {
        BigDecimal r2 = r.multiply(r, MC), term = r, sum = r;
        for (int n = 1; n < 200; n++) {
            term = term.multiply(r2, MC).divide(BigDecimal.valueOf((2L * n) * (2L * n + 1)), MC).negate();
            BigDecimal next = sum.add(term, MC);
            if (next.compareTo(sum) == 0) break;
            sum = next;
        }
        return sum;
    }

    private static BigDecimal cosSeries(BigDecimal r) {
        BigDecimal r2 = r.multiply(r, MC), term = BigDecimal.ONE, sum = BigDecimal.ONE;
        for (int n = 1; n < 200; n++) {
            term = term.multiply(r2, MC).divide(BigDecimal.valueOf((2L * n - 1) * (2L * n)), MC).negate();
            BigDecimal next = sum.add(term, MC);
            if (next.compareTo(sum) == 0) break;
            sum = next;
        }
        return sum;
    }

    /** e^y - 1 without cancellation. */
    private static BigDecimal expm1(BigDecimal y) {
        BigDecimal term = y, sum = y;
        for (int n = 2; n < 400; n++) {
            term = term.multiply(y, MC).divide(BigDecimal.valueOf(n), MC);
            BigDecimal next = sum.add(term, MC);
            if (next.compareTo(sum) == 0) break;
            sum = next;
        }
        return sum;
    }

    /** 2 atanh(z) = ln((1+z)/(1-z)), |z| < 1/2. */
    private static BigDecimal twoAtanh(BigDecimal z) {
        BigDecimal z2 = z.multiply(z, MC), p = z, sum = z;
        for (int n = 1; n < 400; n++) {
            p = p.multiply(z2, MC);
            BigDecimal next = sum.add(p.divide(BigDecimal.valueOf(2L * n + 1), MC), MC);
            if (next.compareTo(sum) == 0) break;
            sum = next;
        }
        return sum.multiply(BigDecimal.valueOf(2));
    }

    /** ln(x) for x > 0 given as a Float80. */
    private static BigDecimal ln(Float80 x) {
        long sig = x.significand();
        int lz = Long.numberOfLeadingZeros(sig);
        int e = (x.exponent() == 0 ? 1 : x.exponent()) - Float80.BIAS - lz;
        // x = m * 2^e, m in [1, 2)
        BigDecimal m = exact(BigInteger.valueOf(sig << lz).and(Float80Math.U64), -63);
        BigDecimal z = m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), MC);
        return twoAtanh(z).add(LN2.multiply(BigDecimal.valueOf(e)), MC);
    }

    private static BigDecimal atan(BigDecimal t) {
        boolean neg = t.signum() < 0;
        t = t.abs();
        boolean inv = t.compareTo(BigDecimal.ONE) > 0;
        if (inv) t = BigDecimal.ONE.divide(t, MC);
        for (int i = 0; i < 3; i++) {
            t = t.divide(BigDecimal.ONE.add(BigDecimal.ONE.add(t.multiply(t, MC)).sqrt(MC)), MC);
        }
        BigDecimal t2 = t.multiply(t, MC), p = t, sum = t;
        for (int n = 1; n < 400; n++) {
            p = p.multiply(t2, MC).negate();
            BigDecimal next = sum.add(p.divide(BigDecimal.valueOf(2L * n + 1), MC), MC);
            if (next.compareTo(sum) == 0) break;
            sum = next;
        }
        sum = sum.multiply(BigDecimal.valueOf(8));
        if (inv) sum = PI.divide(BigDecimal.valueOf(2), MC).subtract(sum, MC);
        return neg ? sum.negate() : sum;
    }

    // ---------------------------------------------------------------- trigonometry

    /** True if |x| >= 2^63: FSIN/FCOS/FSINCOS/FPTAN set C2 and do nothing (SDM vol. 2). */
    private static boolean outOfRange(Float80 x) {
        return !x.isNaN() && !x.isInfinity() && !x.isUnsupported() && x.exponent() >= Float80.BIAS + 63;
    }

    /** sin and cos of x (finite, |x| < 2^63) after reduction by the 66-bit pi/2. */
    private static BigDecimal[] sinCos(BigDecimal x) {
        BigDecimal k = x.divide(HALF_PI66, MC).setScale(0, RoundingMode.HALF_EVEN);
        BigDecimal r = x.subtract(k.multiply(HALF_PI66));   // exact
        BigDecimal s = sinSeries(r), c = cosSeries(r);
        int q = k.toBigInteger().intValue() & 3;
        return switch (q) {
            case 0 -> new BigDecimal[] {s, c};
            case 1 -> new BigDecimal[] {c, s.negate()};
            case 2 -> new BigDecimal[] {s.negate(), c.negate()};
            default -> new BigDecimal[] {c.negate(), s};
        };
    }

    /** Screens ST(0) for a trig instruction; returns null when the caller should compute. */
    private static Float80 trigSpecial(Fpu f, Float80 x) {
        Float80Math m = f.math;
        if (x.isUnsupported() || x.isInfinity()) {
            m.flags |= Float80Math.IE;
            return Float80.INDEFINITE;
        }
        if (x.isNaN()) {
            if (x.isSignalingNaN()) m.flags |= Float80Math.IE;
            return x.quiet();
        }
        if (x.isDenormal()) m.flags |= Float80Math.DE;
        return null;
    }

    static void fsin(Fpu f) {
        trigUnary(f, true);
    }

    static void fcos(Fpu f) {
        trigUnary(f, false);
    }

    private static void trigUnary(Fpu f, boolean sine) {
        Float80Math m = f.begin();
        if (f.isEmpty(0)) {
            f.underflowInto(0);
            f.setConditionCodes(0);
            return;
        }
        Float80 x = f.st(0);
        if (outOfRange(x)) {
            f.setConditionCodes(SW_C2);
            return;
        }
        Float80 r = trigSpecial(f, x);
        if (r == null) {
            if (x.isZero()) {
                r = sine ? x : Float80.ONE;
            } else {
                BigDecimal[] sc = sinCos(toDecimal(x));
                r = fromDecimal(m, sine ? sc[0] : sc[1], -1);
            }
        }
        if (!f.suppressed()) f.setSt(0, r);
        f.finish();
        f.setConditionCodes(0);
    }

    static void fsincos(Fpu f) {
        twoResults(f, true);
    }

    static void fptan(Fpu f) {
        twoResults(f, false);
    }

    /** FSINCOS (ST(0) := sin, push cos) and FPTAN (ST(0) := tan, push 1). */
    private static void twoResults(Fpu f, boolean sincos) {
        Float80Math m = f.begin();
        boolean full = !f.isEmptyPhysical((f.top() - 1) & 7);
        if (f.isEmpty(0) || full) {
            if (f.isEmpty(0)) f.stackFault(false);
            else f.stackFault(true);
            if (f.ieMasked()) {
                f.setSt(0, Float80.INDEFINITE);
                f.decTop();
                f.setSt(0, Float80.INDEFINITE);
            }
            f.setConditionCodes(0);
            return;
        }
        Float80 x = f.st(0);
        if (outOfRange(x)) {
            f.setConditionCodes(SW_C2);
            return;
        }
        Float80 a = trigSpecial(f, x), b;
        if (a != null) {
            b = a;
        } else if (x.isZero()) {
            a = x;
            b = Float80.ONE;                          // sin 0 = tan 0 = x; cos 0 and FPTAN's push are 1
        } else {
            BigDecimal[] sc = sinCos(toDecimal(x));
            if (sincos) {
                a = fromDecimal(m, sc[0], -1);
                b = fromDecimal(m, sc[1], -1);
            } else {
                a = fromDecimal(m, sc[0].divide(sc[1], MC), 1);
                b = Float80.ONE;
            }
        }
        if (f.suppressed()) {
            f.finish();
            f.setConditionCodes(0);
            return;
        }
        f.setSt(0, a);
        f.decTop();
        f.setSt(0, b);
        f.finish();
        f.setConditionCodes(0);
    }

    // ---------------------------------------------------------------- the others

    /** F2XM1: ST(0) := 2^ST(0) - 1 (defined for -1 <= x <= 1). */
    static void f2xm1(Fpu f) {
        Float80Math m = f.begin();
        if (f.isEmpty(0)) {
            f.underflowInto(0);
            return;
        }
        Float80 x = f.st(0);
        Float80 r = trigSpecialNoInf(f, x);
        if (r == null) {
            if (x.isInfinity()) r = x.negative() ? Float80.ONE.negate() : x;
            else if (x.isZero()) r = x;
            else r = fromDecimal(m, expm1(toDecimal(x).multiply(LN2, MC)));
        }
        if (!f.suppressed()) f.setSt(0, r);
        f.finish();
    }

    private static Float80 trigSpecialNoInf(Fpu f, Float80 x) {
        Float80Math m = f.math;
        if (x.isUnsupported()) {
            m.flags |= Float80Math.IE;
            return Float80.INDEFINITE;
        }
        if (x.isNaN()) {
            if (x.isSignalingNaN()) m.flags |= Float80Math.IE;
            return x.quiet();
        }
        if (x.isDenormal()) m.flags |= Float80Math.DE;
        return null;
    }

    /** FYL2X (ST(1) := ST(1) * log2(ST(0))) or FYL2XP1 ({@code plusOne}: log2(ST(0) + 1)); pops. */
    static void fyl2x(Fpu f, boolean plusOne) {
        Float80Math m = f.begin();
        if (f.isEmpty(0) || f.isEmpty(1)) {
            if (f.underflowInto(1)) f.pop();
            return;
        }
        Float80 x = f.st(0), y = f.st(1);
        Float80 r = binarySpecial(f, x, y);
        if (r == null) r = plusOne ? log2p1Times(f, x, y) : log2Times(f, x, y);
        if (f.suppressed()) {
            f.finish();
            return;
        }
        f.setSt(1, r);
        f.finish();
        f.pop();
    }

    private static Float80 binarySpecial(Fpu f, Float80 x, Float80 y) {
        Float80Math m = f.math;
        if (x.isUnsupported() || y.isUnsupported()) {
            m.flags |= Float80Math.IE;
            return Float80.INDEFINITE;
        }
        if (x.isNaN() || y.isNaN()) {
            if (x.isSignalingNaN() || y.isSignalingNaN()) m.flags |= Float80Math.IE;
            if (x.isNaN() && y.isNaN()) return Float80Math.propagate(x, y);
            return (x.isNaN() ? x : y).quiet();
        }
        if (x.isDenormal() || y.isDenormal()) m.flags |= Float80Math.DE;
        return null;
    }

    private static Float80 invalid(Fpu f) {
        f.math.flags |= Float80Math.IE;
        return Float80.INDEFINITE;
    }

    private static Float80 signedInf(boolean neg) {
        return neg ? Float80.NEG_INF : Float80.POS_INF;
    }

    private static Float80 signedZero(boolean neg) {
        return neg ? Float80.NEG_ZERO : Float80.POS_ZERO;
    }

    /** y * log2(x), with the special cases of SDM vol. 2, FYL2X table. */
    private static Float80 log2Times(Fpu f, Float80 x, Float80 y) {
        if (x.negative() && !x.isZero()) return invalid(f);
        if (x.isZero()) {
            if (y.isZero()) return invalid(f);
            if (y.isInfinity()) return signedInf(!y.negative());
            f.math.flags |= Float80Math.ZE;
            return signedInf(!y.negative());
        }
        boolean xIsOne = x.exponent() == Float80.BIAS && x.significand() == Float80.INTEGER_BIT;
        if (x.isInfinity()) {
            if (y.isZero()) return invalid(f);
            return signedInf(y.negative());
        }
        if (xIsOne) {
            if (y.isInfinity()) return invalid(f);
            return signedZero(y.negative());
        }
        boolean xBelowOne = x.exponent() < Float80.BIAS;
        if (y.isInfinity()) return signedInf(y.negative() ^ xBelowOne);
        if (y.isZero()) return signedZero(y.negative() ^ xBelowOne);
        BigDecimal v = ln(x).divide(LN2, MC).multiply(toDecimal(y), MC);
        // The host CPU reports PE even when the product is exact (9 * log2(8) = 27): its
        // logarithm is never treated as exact, so neither is ours.
        f.math.flags |= Float80Math.PE;
        return fromDecimal(f.math, v);
    }

    /** y * log2(x + 1). */
    private static Float80 log2p1Times(Fpu f, Float80 x, Float80 y) {
        if (x.isInfinity()) {
            if (x.negative() || y.isZero()) return invalid(f);
            return signedInf(y.negative());
        }
        if (x.isZero()) {
            if (y.isInfinity()) return invalid(f);
            return signedZero(x.negative() ^ y.negative());
        }
        BigDecimal xd = toDecimal(x);
        if (xd.compareTo(BigDecimal.ONE.negate()) <= 0) return invalid(f);
        if (y.isInfinity()) return signedInf(y.negative() ^ x.negative());
        if (y.isZero()) return signedZero(y.negative() ^ x.negative());
        BigDecimal ln1p = twoAtanh(xd.divide(BigDecimal.valueOf(2).add(xd, MC), MC));
        return fromDecimal(f.math, ln1p.divide(LN2, MC).multiply(toDecimal(y), MC));
    }

    /** FPATAN: ST(1) := atan(ST(1) / ST(0)) with the quadrant of (ST(0), ST(1)); pops. */
    static void fpatan(Fpu f) {
        Float80Math m = f.begin();
        if (f.isEmpty(0) || f.isEmpty(1)) {
            if (f.underflowInto(1)) f.pop();
            return;
        }
        Float80 x = f.st(0), y = f.st(1);
        Float80 r = binarySpecial(f, x, y);
        if (r == null) r = fromDecimal(m, atan2(y, x), x.negative() ? 0 : -1);
        if (f.suppressed()) {
            f.finish();
            return;
        }
        if (r.isZero()) r = signedZero(y.negative());   // atan2(+-0 or finite, +x) keeps the sign of y
        f.setSt(1, r);
        f.finish();
        f.pop();
    }

    private static BigDecimal atan2(Float80 y, Float80 x) {
        BigDecimal pi = PI, halfPi = PI.divide(BigDecimal.valueOf(2), MC);
        boolean yn = y.negative(), xn = x.negative();
        BigDecimal r;
        if (y.isZero()) {
            r = xn ? pi : BigDecimal.ZERO;
        } else if (x.isZero()) {
            r = halfPi;
        } else if (x.isInfinity() && y.isInfinity()) {
            r = xn ? pi.multiply(BigDecimal.valueOf(3)).divide(BigDecimal.valueOf(4), MC)
                    : pi.divide(BigDecimal.valueOf(4), MC);
        } else if (x.isInfinity()) {
            r = xn ? pi : BigDecimal.ZERO;
        } else if (y.isInfinity()) {
            r = halfPi;
        } else {
            BigDecimal q = toDecimal(y).abs().divide(toDecimal(x).abs(), MC);
            r = atan(q);
            if (xn) r = pi.subtract(r, MC);
        }
        return yn ? r.negate() : r;
    }
}
