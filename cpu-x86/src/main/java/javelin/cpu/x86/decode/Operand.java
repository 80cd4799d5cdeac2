package javelin.cpu.x86.decode;

/**
 * Operand specifiers in the SDM's notation (vol. 2, appendix A.2): a letter for the addressing
 * method and one for the size. {@code v} is the operand size (16 or 32 bits), {@code z} an
 * immediate of the operand size, {@code Ibs} a byte immediate sign-extended to the operand size.
 * Fixed registers are named after themselves; {@code Zb}/{@code Zv}/{@code Zd} is a register
 * in the opcode's low three bits; {@code ONE} is the implicit count of D0/D1.
 *
 * <p>The x87 operands follow the instruction reference (SDM vol. 2, chapter 3, "Operand
 * types" of the FPU pages): {@code ST0} is ST(0), {@code STi} the stack register ST(i) picked
 * by ModRM.rm; the memory types are {@code m32fp}, {@code m64fp}, {@code m80fp} (single, double,
 * extended real), {@code m16int}, {@code m32int}, {@code m64int}, {@code m80bcd} (packed BCD),
 * {@code m2byte} (control or status word), and the FSTENV/FLDENV and FSAVE/FRSTOR images,
 * {@code m14/28byte} and {@code m94/108byte}, whose size follows the operand size.
 */
public enum Operand {
    Eb, Ew, Ed, Ev, Gb, Gw, Gd, Gv,
    Ib, Iw, Iz, Ibs, Jb, Jz,
    Sw, M, Mp, Ma, Mq, Ms, Ap, Ob, Ov,
    Rd, Cd, Dd, Td,
    Xb, Xv, Yb, Yv,
    Zb, Zv, Zd,
    AL, AX, CL, DX, eAX, ONE,
    ES, CS, SS, DS, FS, GS,
    ST0, STi,
    M32fp, M64fp, M80fp, M16int, M32int, M64int, M80bcd, M2byte, M14_28byte, M94_108byte;

    /** True if the operand is encoded in a ModRM byte. */
    public boolean usesModrm() {
        return switch (this) {
            case Eb, Ew, Ed, Ev, Gb, Gw, Gd, Gv, Sw, M, Mp, Ma, Mq, Ms, Rd, Cd, Dd, Td, STi -> true;
            default -> memoryOnly();
        };
    }

    /** True if ModRM.mod must select memory (mod = 3 raises #UD). */
    public boolean memoryOnly() {
        return switch (this) {
            case M, Mp, Ma, Mq, Ms, M32fp, M64fp, M80fp, M16int, M32int, M64int, M80bcd, M2byte, M14_28byte,
                 M94_108byte -> true;
            default -> false;
        };
    }
}
