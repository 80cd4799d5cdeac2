package javelin.cpu.x86.fpu;

/**
 * One value in the x87 80-bit extended-real format (SDM vol. 1, 4.2.2 and table 4-3): bit 79 the
 * sign, bits 78-64 the exponent biased by 16383, bits 63-0 the significand with an explicit
 * integer bit (bit 63). {@code signExp} holds bits 79-64 as an unsigned 16-bit value.
 *
 * <p>Encodings a Pentium Pro treats as invalid operands (SDM vol. 1, 8.2.2, table 8-3):
 * unnormals (exponent 1..7FFE with the integer bit clear), pseudo-NaNs and pseudo-infinities
 * (exponent 7FFF with the integer bit clear). Pseudo-denormals (exponent 0, integer bit set)
 * are accepted and read as exponent 1.
 */
public record Float80(int signExp, long significand) {
    public static final int BIAS = 16383;
    public static final int EXP_MAX = 0x7FFF;
    public static final int SIGN = 0x8000;
    public static final long INTEGER_BIT = 1L << 63;
    public static final long QUIET_BIT = 1L << 62;

    public static final Float80 POS_ZERO = new Float80(0, 0);
    public static final Float80 NEG_ZERO = new Float80(SIGN, 0);
    public static final Float80 POS_INF = new Float80(EXP_MAX, INTEGER_BIT);
    public static final Float80 NEG_INF = new Float80(SIGN | EXP_MAX, INTEGER_BIT);
    /** The real indefinite: the QNaN an x87 produces for an invalid operation with IE masked. */
    public static final Float80 INDEFINITE = new Float80(SIGN | EXP_MAX, 0xC000_0000_0000_0000L);
    public static final Float80 ONE = new Float80(BIAS, INTEGER_BIT);

    public Float80 {
        signExp &= 0xFFFF;
    }

    public static Float80 of(boolean negative, int exponent, long significand) {
        return new Float80((negative ? SIGN : 0) | (exponent & EXP_MAX), significand);
    }

    public boolean negative() {
        return (signExp & SIGN) != 0;
    }

    public int exponent() {
        return signExp & EXP_MAX;
    }

    public boolean isZero() {
        return exponent() == 0 && significand == 0;
    }

    /** A denormal or pseudo-denormal (exponent field 0, significand not 0). */
    public boolean isDenormal() {
        return exponent() == 0 && significand != 0;
    }

    public boolean isInfinity() {
        return exponent() == EXP_MAX && significand == INTEGER_BIT;
    }

    public boolean isNaN() {
        return exponent() == EXP_MAX && significand < 0 && significand != INTEGER_BIT;
    }

    public boolean isSignalingNaN() {
        return isNaN() && (significand & QUIET_BIT) == 0;
    }

    /** Unnormal, pseudo-NaN or pseudo-infinity: an invalid operand on a P6 (SDM vol. 1, 8.2.2). */
    public boolean isUnsupported() {
        return exponent() != 0 && significand >= 0;
    }

    /** A finite value that is not zero and not unsupported. */
    public boolean isFiniteNonZero() {
        return exponent() != EXP_MAX && significand != 0 && !isUnsupported();
    }

    public Float80 negate() {
        return new Float80(signExp ^ SIGN, significand);
    }

    public Float80 abs() {
        return new Float80(signExp & EXP_MAX, significand);
    }

    public Float80 quiet() {
        return new Float80(signExp, significand | QUIET_BIT);
    }

    /** Reads the 10-byte little-endian memory image at {@code off}. */
    public static Float80 fromBytes(byte[] b, int off) {
        long sig = 0;
        for (int i = 7; i >= 0; i--) sig = sig << 8 | (b[off + i] & 0xFF);
        return new Float80((b[off + 8] & 0xFF) | (b[off + 9] & 0xFF) << 8, sig);
    }

    /** Writes the 10-byte little-endian memory image at {@code off}. */
    public void toBytes(byte[] b, int off) {
        for (int i = 0; i < 8; i++) b[off + i] = (byte) (significand >>> (8 * i));
        b[off + 8] = (byte) signExp;
        b[off + 9] = (byte) (signExp >>> 8);
    }

    @Override
    public String toString() {
        return String.format("%04X:%016X", signExp, significand);
    }
}
