package javelin.cpu.x86.decode;

import java.util.List;

/**
 * One row of the instruction table: an encoding and what it means.
 *
 * <p>The x87 escapes (D8-DF) split each ModRM.reg further by ModRM.mod (SDM vol. 2, A.4: a
 * ModRM byte of C0H or above selects a register form, and "the entire ModR/M byte is used as
 * an opcode extension"): a memory form is a row with a memory operand, a register form a row
 * with {@link #registerForm}, for every ModRM.rm or, where the SDM lists a single encoding
 * (D9 E8 FLD1), for the one in {@link #rm}.
 *
 * @param opcode         the opcode byte, plus {@link #ESCAPE_0F} for the two-byte map
 * @param group          ModRM.reg for group encodings (80-83, C0, D0-D3, F6, F7, FE, FF, 0F 00,
 *                       0F 01, 0F BA, 0F C7, 8F, C6, C7, and the x87 escapes D8-DF), or -1
 * @param registerForm   the row applies only with ModRM.mod = 3 (an x87 register form)
 * @param rm             for a register form with a single encoding, its ModRM.rm; otherwise -1
 * @param mnemonic       the operation
 * @param operands       in SDM order, destination first
 * @param lockable       LOCK is allowed when the destination is memory (SDM vol. 2, LOCK)
 * @param endsBlock      control transfer, or an instruction after which the next one cannot be
 *                       predicted from the bytes (a translation block ends after it)
 * @param changesTbFlags may change a mode bit that is part of the TB key (DESIGN.md)
 * @param privileged     needs CPL 0 in protected mode (#GP(0) otherwise)
 * @param undefinedFlags EFLAGS bits the SDM leaves undefined after this instruction
 * @param nonWaiting     an x87 instruction that does not first report a pending unmasked
 *                       exception: the FN* forms (SDM vol. 1, 8.3.11)
 * @param fpuPointers    an x87 instruction that records its CS:EIP and opcode, and its memory
 *                       operand's address, in FCS:FIP, FOP and FDS:FDP: all but the control
 *                       instructions (SDM vol. 1, 8.1.8)
 * @param reserved       an x87 encoding that raises #UD on this CPU, after the #NM check every
 *                       escape makes (SDM vol. 3, table 2-2)
 */
public record OpSpec(int opcode, int group, boolean registerForm, int rm, Mnemonic mnemonic, List<Operand> operands,
                     boolean lockable, boolean endsBlock, boolean changesTbFlags, boolean privileged,
                     int undefinedFlags, boolean nonWaiting, boolean fpuPointers, boolean reserved) {
    public static final int ESCAPE_0F = 0x100;
    /** The x87 escape opcodes, D8 to DF (SDM vol. 2, A.4). */
    static final int ESC_FIRST = 0xD8, ESC_LAST = 0xDF;

    public OpSpec {
        operands = List.copyOf(operands);
    }

    static OpSpec op(int opcode, Mnemonic m, Operand... operands) {
        return new OpSpec(opcode, -1, false, -1, m, List.of(operands), false, false, false, false, 0, false, false,
                false);
    }

    static OpSpec grp(int opcode, int reg, Mnemonic m, Operand... operands) {
        return new OpSpec(opcode, reg, false, -1, m, List.of(operands), false, false, false, false, 0, false, false,
                false);
    }

    /** An x87 memory form: escape {@code opcode}, ModRM.reg {@code reg}, a memory operand. */
    static OpSpec escMem(int opcode, int reg, Mnemonic m, Operand... operands) {
        return new OpSpec(opcode, reg, false, -1, m, List.of(operands), false, false, false, false, 0, false, true,
                false);
    }

    /** An x87 register form for every ModRM.rm (C0H + reg * 8 + i). */
    static OpSpec escReg(int opcode, int reg, Mnemonic m, Operand... operands) {
        return new OpSpec(opcode, reg, true, -1, m, List.of(operands), false, false, false, false, 0, false, true,
                false);
    }

    /** An x87 register form with one encoding, the whole ModRM byte {@code modrm} (C0H-FFH). */
    static OpSpec escModrm(int opcode, int modrm, Mnemonic m, Operand... operands) {
        if (modrm < 0xC0 || modrm > 0xFF) throw new IllegalArgumentException("not a register form: " + modrm);
        return new OpSpec(opcode, (modrm >>> 3) & 7, true, modrm & 7, m, List.of(operands), false, false, false,
                false, 0, false, true, false);
    }

    OpSpec lock() {
        return new OpSpec(opcode, group, registerForm, rm, mnemonic, operands, true, endsBlock, changesTbFlags,
                privileged, undefinedFlags, nonWaiting, fpuPointers, reserved);
    }

    OpSpec ends() {
        return new OpSpec(opcode, group, registerForm, rm, mnemonic, operands, lockable, true, changesTbFlags,
                privileged, undefinedFlags, nonWaiting, fpuPointers, reserved);
    }

    OpSpec tbFlags() {
        return new OpSpec(opcode, group, registerForm, rm, mnemonic, operands, lockable, true, true, privileged,
                undefinedFlags, nonWaiting, fpuPointers, reserved);
    }

    OpSpec priv() {
        return new OpSpec(opcode, group, registerForm, rm, mnemonic, operands, lockable, endsBlock, changesTbFlags,
                true, undefinedFlags, nonWaiting, fpuPointers, reserved);
    }

    OpSpec undef(int mask) {
        return new OpSpec(opcode, group, registerForm, rm, mnemonic, operands, lockable, endsBlock, changesTbFlags,
                privileged, mask, nonWaiting, fpuPointers, reserved);
    }

    /** An FN* control instruction: no pending-exception check, no pointer update. */
    OpSpec noWait() {
        return new OpSpec(opcode, group, registerForm, rm, mnemonic, operands, lockable, endsBlock, changesTbFlags,
                privileged, undefinedFlags, true, false, reserved);
    }

    /** A waiting control instruction (FLDCW, FLDENV, FRSTOR): leaves the pointers alone. */
    OpSpec keepsPointers() {
        return new OpSpec(opcode, group, registerForm, rm, mnemonic, operands, lockable, endsBlock, changesTbFlags,
                privileged, undefinedFlags, nonWaiting, false, reserved);
    }

    /** An encoding this CPU does not implement (#UD), so neither x87 attribute applies. */
    OpSpec reserve() {
        return new OpSpec(opcode, group, registerForm, rm, mnemonic, operands, lockable, endsBlock, changesTbFlags,
                privileged, undefinedFlags, false, false, true);
    }

    /** True if any operand is encoded in a ModRM byte. */
    public boolean hasModrm() {
        for (Operand o : operands) if (o.usesModrm()) return true;
        return false;
    }

    /** True for a row of the x87 escapes D8-DF. */
    public boolean x87() {
        return opcode >= ESC_FIRST && opcode <= ESC_LAST;
    }
}
