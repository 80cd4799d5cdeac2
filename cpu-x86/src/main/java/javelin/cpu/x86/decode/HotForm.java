package javelin.cpu.x86.decode;

import static javelin.cpu.x86.decode.DecodedInsn.K_IMM;
import static javelin.cpu.x86.decode.DecodedInsn.K_MEM;
import static javelin.cpu.x86.decode.DecodedInsn.K_NONE;
import static javelin.cpu.x86.decode.DecodedInsn.K_REG;

/**
 * The operand forms an executor may run without looking at operand kinds or sizes: the
 * commonest 32-bit shapes of the commonest mnemonics, resolved once at decode time into
 * {@link DecodedInsn#form}. They are a dispatch shortcut, not a second opcode list: each form
 * names a mnemonic of the row the instruction was decoded from plus the operand shape, and an
 * executor runs the same semantics (the family classes) as for {@link #GENERIC}.
 *
 * <p>Only instructions without LOCK, outside the privileged rows and not marked
 * changesTbFlags get a form other than {@link #GENERIC}, so a form never needs the checks
 * that follow such rows.
 */
public final class HotForm {
    private HotForm() { }

    /** Dispatch on the mnemonic and the operand kinds. */
    public static final int GENERIC = 0;
    // ALU with two 32-bit registers: the destination is operand 0 whichever way ModRM points.
    public static final int ADD_R32_R32 = 1, OR_R32_R32 = 2, ADC_R32_R32 = 3, SBB_R32_R32 = 4, AND_R32_R32 = 5,
            SUB_R32_R32 = 6, XOR_R32_R32 = 7, CMP_R32_R32 = 8, TEST_R32_R32 = 9;
    // ALU with a 32-bit register and an immediate (Iz or sign-extended Ib).
    public static final int ADD_R32_IMM = 10, OR_R32_IMM = 11, ADC_R32_IMM = 12, SBB_R32_IMM = 13,
            AND_R32_IMM = 14, SUB_R32_IMM = 15, XOR_R32_IMM = 16, CMP_R32_IMM = 17, TEST_R32_IMM = 18;
    public static final int MOV_R32_R32 = 19, MOV_R32_IMM = 20, MOV_R32_M32 = 21, MOV_M32_R32 = 22;
    public static final int INC_R32 = 23, DEC_R32 = 24;
    public static final int PUSH_R32 = 25, POP_R32 = 26;
    /** Jcc, JMP and CALL with a relative displacement, RET near (with or without Iw). */
    public static final int JCC_REL = 27, JMP_REL = 28, CALL_REL = 29, RET_NEAR = 30;
    /** SHL (and its alias SAL), SHR, SAR of a 32-bit register by an immediate count (also D1 /n, a count of 1). */
    public static final int SHL_R32_IMM = 31, SHR_R32_IMM = 32, SAR_R32_IMM = 33;
    public static final int LEA_R32 = 34;
    /** A group-1 operation or CMP with a 32-bit register destination and a 32-bit memory source. */
    public static final int ALU_R32_M32 = 35;

    /** The form of an instruction with these decoded attributes. */
    static int of(OpSpec spec, int opSize, boolean atomic, int[] kind, int[] size) {
        if (atomic || spec.privileged() || spec.changesTbFlags()) return GENERIC;
        Mnemonic m = spec.mnemonic();
        int n = kind.length;
        int k0 = n > 0 ? kind[0] : K_NONE, k1 = n > 1 ? kind[1] : K_NONE;
        boolean r32 = n > 0 && k0 == K_REG && size[0] == 4;
        switch (m) {
            case ADD, OR, ADC, SBB, AND, SUB, XOR, CMP, TEST -> {
                if (!r32 || n != 2) return GENERIC;
                int alu = m == Mnemonic.TEST ? 8 : m.ordinal() - Mnemonic.ADD.ordinal();
                if (k1 == K_REG && size[1] == 4) return ADD_R32_R32 + alu;
                if (k1 == K_IMM) return ADD_R32_IMM + alu;
                if (k1 == K_MEM && size[1] == 4 && m != Mnemonic.TEST) return ALU_R32_M32;
                return GENERIC;
            }
            case MOV -> {
                if (n != 2) return GENERIC;
                if (r32 && k1 == K_REG && size[1] == 4) return MOV_R32_R32;
                if (r32 && k1 == K_IMM) return MOV_R32_IMM;
                if (r32 && k1 == K_MEM && size[1] == 4) return MOV_R32_M32;
                if (k0 == K_MEM && size[0] == 4 && k1 == K_REG && size[1] == 4) return MOV_M32_R32;
                return GENERIC;
            }
            case INC -> {
                return r32 ? INC_R32 : GENERIC;
            }
            case DEC -> {
                return r32 ? DEC_R32 : GENERIC;
            }
            case PUSH -> {
                return r32 && opSize == 4 ? PUSH_R32 : GENERIC;
            }
            case POP -> {
                return r32 && opSize == 4 ? POP_R32 : GENERIC;
            }
            case JCC -> {
                return k0 == K_IMM ? JCC_REL : GENERIC;
            }
            case JMP -> {
                return k0 == K_IMM ? JMP_REL : GENERIC;
            }
            case CALL -> {
                return k0 == K_IMM ? CALL_REL : GENERIC;
            }
            case RET -> {
                return RET_NEAR;
            }
            case SHL, SAL -> {
                return r32 && k1 == K_IMM ? SHL_R32_IMM : GENERIC;
            }
            case SHR -> {
                return r32 && k1 == K_IMM ? SHR_R32_IMM : GENERIC;
            }
            case SAR -> {
                return r32 && k1 == K_IMM ? SAR_R32_IMM : GENERIC;
            }
            case LEA -> {
                return r32 ? LEA_R32 : GENERIC;
            }
            default -> {
                return GENERIC;
            }
        }
    }
}
