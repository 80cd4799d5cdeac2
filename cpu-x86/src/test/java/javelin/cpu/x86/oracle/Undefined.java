package javelin.cpu.x86.oracle;

/**
 * The classes of results the manuals leave undefined that the generated cases touch (SDM vol. 2,
 * each instruction's "Flags Affected" and "FPU Flags Affected"; AMD's APM vol. 3 agrees on which
 * are undefined). Processors of different vendors, and of different generations of one vendor,
 * write different values there, so a case's undefined parts are compared only under the policy
 * of {@link HostCpu#comparesUndefined}; otherwise they are counted as skipped.
 * {@code docs/conformance.md} ("Undefined results") gives Javelin's choice for each class.
 *
 * <p>The x87 transcendentals are not a class here: the manuals bound their error (one ulp), and
 * {@link OracleDifferentialTest#TRANSCENDENTAL_ULP_BOUND} holds on every host.
 */
enum Undefined {
    /** AF after AND, OR, XOR, TEST. */
    LOGIC_AF,
    /** AF after SHL/SAL/SHR/SAR by a nonzero count. */
    SHIFT_AF,
    /** OF after a shift or rotate whose masked count is neither 0 nor 1. */
    SHIFT_OF,
    /** SF, ZF, AF, PF after MUL and IMUL. */
    MUL_FLAGS,
    /** All six arithmetic flags after DIV and IDIV. */
    DIV_FLAGS,
    /** OF, SF, AF, PF after BT, BTS, BTR, BTC. */
    BIT_TEST_FLAGS,
    /** CF, OF, SF, AF, PF after BSF and BSR. */
    BIT_SCAN_FLAGS,
    /** The destination of BSF/BSR when the source is zero. */
    BIT_SCAN_ZERO_DESTINATION,
    /** AF after SHLD/SHRD, and OF unless the masked count is 1. */
    DOUBLE_SHIFT_FLAGS,
    /** The result and the flags of a 16-bit SHLD/SHRD whose masked count exceeds 16. */
    DOUBLE_SHIFT_WIDE_COUNT,
    /** OF after DAA/DAS; OF, SF, ZF, PF after AAA/AAS; OF, AF, CF after AAM/AAD. */
    BCD_FLAGS,
    /** BSWAP with a 16-bit operand. */
    BSWAP_16BIT,
    /** x87 condition codes C0-C3 that an instruction leaves undefined. */
    X87_CONDITION_CODES
}
