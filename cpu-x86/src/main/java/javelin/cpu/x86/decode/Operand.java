package javelin.cpu.x86.decode;

/**
 * Operand specifiers in the SDM's notation (vol. 2, appendix A.2): a letter for the addressing
 * method and one for the size. {@code v} is the operand size (16 or 32 bits), {@code z} an
 * immediate of the operand size, {@code Ibs} a byte immediate sign-extended to the operand size.
 * Fixed registers are named after themselves; {@code Zb}/{@code Zv}/{@code Zd} is a register
 * in the opcode's low three bits; {@code ONE} is the implicit count of D0/D1.
 */
public enum Operand {
    Eb, Ew, Ed, Ev, Gb, Gw, Gd, Gv,
    Ib, Iw, Iz, Ibs, Jb, Jz,
    Sw, M, Mp, Ma, Mq, Ms, Ap, Ob, Ov,
    Rd, Cd, Dd, Td,
    Xb, Xv, Yb, Yv,
    Zb, Zv, Zd,
    AL, CL, DX, eAX, ONE,
    ES, CS, SS, DS, FS, GS;

    /** True if the operand is encoded in a ModRM byte. */
    public boolean usesModrm() {
        return switch (this) {
            case Eb, Ew, Ed, Ev, Gb, Gw, Gd, Gv, Sw, M, Mp, Ma, Mq, Ms, Rd, Cd, Dd, Td -> true;
            default -> false;
        };
    }

    /** True if ModRM.mod must select memory (mod = 3 raises #UD). */
    public boolean memoryOnly() {
        return switch (this) {
            case M, Mp, Ma, Mq, Ms -> true;
            default -> false;
        };
    }
}
