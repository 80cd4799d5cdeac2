package javelin.cpu.x86.fpu;

/**
 * The constants of FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2 and FLDZ (D9 E8-EE), held to 128
 * bits and rounded in the current rounding mode, as a 387 and later do (SDM vol. 2, "FLD1/FLDL2T/
 * ..." notes: the internal constant is rounded per RC; precision control does not apply).
 * The digits were computed to 200 bits with Machin's formula (pi) and atanh series (ln 2,
 * ln 10); FLDPI in round-to-nearest gives the documented 4000 C90FDAA22168C235.
 */
final class Constants {
    private Constants() { }

    // {unbiased exponent, significand high 64 bits, next 64 bits}
    private static final long[][] TABLE = {
        {0, 0x8000_0000_0000_0000L, 0},                                   // 1
        {1, 0xD49A_784B_CD1B_8AFEL, 0x492B_F6FF_4DAF_DB4CL},              // log2(10)
        {0, 0xB8AA_3B29_5C17_F0BBL, 0xBE87_FED0_691D_3E88L},              // log2(e)
        {1, 0xC90F_DAA2_2168_C234L, 0xC4C6_628B_80DC_1CD1L},              // pi
        {-2, 0x9A20_9A84_FBCF_F798L, 0x8F89_59AC_0B7C_9178L},             // log10(2)
        {-1, 0xB172_17F7_D1CF_79ABL, 0xC9E3_B398_03F2_F6AFL},             // ln(2)
    };

    /** The constant loaded by D9 E8+{@code i} ({@code i} 0..6). */
    static Float80 load(int i, Float80Math m) {
        if (i == 6) return Float80.POS_ZERO;
        long[] c = TABLE[i];
        return m.constant((int) c[0], c[1], c[2]);
    }
}
