package javelin.cpu.x86.decode;

import java.util.List;

/**
 * One row of the instruction table: an encoding and what it means.
 *
 * @param opcode         the opcode byte, plus {@link #ESCAPE_0F} for the two-byte map
 * @param group          ModRM.reg for group encodings (80-83, C0, D0-D3, F6, F7, FE, FF, 0F 00,
 *                       0F 01, 0F BA, 0F C7, 8F, C6, C7), or -1
 * @param mnemonic       the operation
 * @param operands       in SDM order, destination first
 * @param lockable       LOCK is allowed when the destination is memory (SDM vol. 2, LOCK)
 * @param endsBlock      control transfer, or an instruction after which the next one cannot be
 *                       predicted from the bytes (a translation block ends after it)
 * @param changesTbFlags may change a mode bit that is part of the TB key (DESIGN.md)
 * @param privileged     needs CPL 0 in protected mode (#GP(0) otherwise)
 * @param undefinedFlags EFLAGS bits the SDM leaves undefined after this instruction
 */
public record OpSpec(int opcode, int group, Mnemonic mnemonic, List<Operand> operands, boolean lockable,
                     boolean endsBlock, boolean changesTbFlags, boolean privileged, int undefinedFlags) {
    public static final int ESCAPE_0F = 0x100;

    public OpSpec {
        operands = List.copyOf(operands);
    }

    static OpSpec op(int opcode, Mnemonic m, Operand... operands) {
        return new OpSpec(opcode, -1, m, List.of(operands), false, false, false, false, 0);
    }

    static OpSpec grp(int opcode, int reg, Mnemonic m, Operand... operands) {
        return new OpSpec(opcode, reg, m, List.of(operands), false, false, false, false, 0);
    }

    OpSpec lock() {
        return new OpSpec(opcode, group, mnemonic, operands, true, endsBlock, changesTbFlags, privileged, undefinedFlags);
    }

    OpSpec ends() {
        return new OpSpec(opcode, group, mnemonic, operands, lockable, true, changesTbFlags, privileged, undefinedFlags);
    }

    OpSpec tbFlags() {
        return new OpSpec(opcode, group, mnemonic, operands, lockable, true, true, privileged, undefinedFlags);
    }

    OpSpec priv() {
        return new OpSpec(opcode, group, mnemonic, operands, lockable, endsBlock, changesTbFlags, true, undefinedFlags);
    }

    OpSpec undef(int mask) {
        return new OpSpec(opcode, group, mnemonic, operands, lockable, endsBlock, changesTbFlags, privileged, mask);
    }

    /** True if any operand is encoded in a ModRM byte. */
    public boolean hasModrm() {
        for (Operand o : operands) if (o.usesModrm()) return true;
        return false;
    }
}
