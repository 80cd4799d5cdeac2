package javelin.cpu.x86.decode;

/**
 * One decoded instruction, independent of where it runs: immutable, so a cache of pre-decoded
 * code (and a later translator) can keep and reuse it. Operands are resolved into parallel
 * arrays ({@link #kind}, {@link #num}, {@link #size}) so executors never look at encodings.
 *
 * <p>The operand arrays are shared by every holder of the instruction and must not be modified.
 *
 * <p>Memory operands keep the effective-address form: {@code base + (index << scale) + disp},
 * truncated to the address size, in segment {@link #seg}.
 */
public final class DecodedInsn {
    // Resolved operand kinds; K_ST is an x87 stack register ST(num), 10 bytes.
    public static final int K_NONE = 0, K_REG = 1, K_MEM = 2, K_IMM = 3, K_SREG = 4, K_CREG = 5, K_DREG = 6,
            K_TREG = 7, K_FAR = 8, K_ST = 9;
    // Prefix bits.
    public static final int P_LOCK = 1, P_REP = 1 << 1, P_REPNE = 1 << 2, P_SEG = 1 << 3, P_OPSIZE = 1 << 4,
            P_ADSIZE = 1 << 5;

    public final OpSpec spec;
    public final Mnemonic mnemonic;
    /** Opcode byte, plus {@link OpSpec#ESCAPE_0F} for the two-byte map. */
    public final int opcode;
    /** Operand-size attribute in bytes: 2 or 4. */
    public final int opSize;
    public final boolean addr32;
    /** The CS.D the instruction was decoded under. */
    public final boolean code32;
    public final int prefixes;
    /** Segment of the memory operand (and the source of string instructions). */
    public final int seg;
    /** ModRM fields, or -1 without ModRM. */
    public final int mod, reg, rm;
    /** Effective-address form; base and index are register numbers or -1. */
    public final int eaBase, eaIndex, eaScale, disp;
    /** True if one operand is a ModRM memory operand or a moffs. */
    public final boolean hasMem;
    /** Condition code (low four opcode bits) for Jcc, SETcc, CMOVcc. */
    public final int cond;
    public final int length;
    /** Raw immediate values in order of appearance (second one: ENTER's level, far pointer's selector). */
    public final int imm, imm2;
    public final int[] kind, num, size;
    /**
     * The first three operands again as plain fields ({@link #K_NONE} when absent): the
     * interpreter's hot path reads these instead of the arrays, saving the array loads and
     * bounds checks on every operand access.
     */
    public final int kind0, num0, size0, kind1, num1, size1, kind2, num2, size2;
    /** Copied from the row so the executor's hot path does not chase {@link #spec}. */
    public final boolean privileged;
    /**
     * The instruction is an atomic read-modify-write of memory: a LOCK prefix (already checked
     * against the row's lockable attribute) or XCHG with a memory operand, which locks
     * implicitly (SDM vol. 2, XCHG).
     */
    public final boolean atomic;
    /** Copied from the row: may change a mode bit of the TB key; a block ends after it. */
    public final boolean changesTbFlags;
    /** Copied from the row: a control transfer or similar; a block ends after it. */
    public final boolean endsBlock;
    /** Offset of the last byte ({@code length - 1}), for the CS limit check of cached instructions. */
    public final int lastByte;
    /** The operand form for a shortcut dispatch ({@link HotForm}), or {@link HotForm#GENERIC}. */
    public final int form;

    DecodedInsn(OpSpec spec, int opcode, int opSize, boolean addr32, boolean code32, int prefixes, int seg,
                int mod, int reg, int rm, int eaBase, int eaIndex, int eaScale, int disp, boolean hasMem,
                int length, int imm, int imm2, int[] kind, int[] num, int[] size) {
        this.spec = spec;
        this.mnemonic = spec.mnemonic();
        this.opcode = opcode;
        this.opSize = opSize;
        this.addr32 = addr32;
        this.code32 = code32;
        this.prefixes = prefixes;
        this.seg = seg;
        this.mod = mod;
        this.reg = reg;
        this.rm = rm;
        this.eaBase = eaBase;
        this.eaIndex = eaIndex;
        this.eaScale = eaScale;
        this.disp = disp;
        this.hasMem = hasMem;
        this.cond = opcode & 0xF;
        this.length = length;
        this.imm = imm;
        this.imm2 = imm2;
        this.kind = kind;
        this.num = num;
        this.size = size;
        this.kind0 = kind.length > 0 ? kind[0] : K_NONE;
        this.num0 = kind.length > 0 ? num[0] : 0;
        this.size0 = kind.length > 0 ? size[0] : 0;
        this.kind1 = kind.length > 1 ? kind[1] : K_NONE;
        this.num1 = kind.length > 1 ? num[1] : 0;
        this.size1 = kind.length > 1 ? size[1] : 0;
        this.kind2 = kind.length > 2 ? kind[2] : K_NONE;
        this.num2 = kind.length > 2 ? num[2] : 0;
        this.size2 = kind.length > 2 ? size[2] : 0;
        this.privileged = spec.privileged();
        this.changesTbFlags = spec.changesTbFlags();
        this.endsBlock = spec.endsBlock();
        this.atomic = hasMem && ((prefixes & P_LOCK) != 0 || spec.mnemonic() == Mnemonic.XCHG);
        this.lastByte = length - 1;
        this.form = HotForm.of(spec, opSize, atomic, kind, size);
    }

    public int operandCount() {
        return kind.length;
    }

    public boolean rep() {
        return (prefixes & (P_REP | P_REPNE)) != 0;
    }
}
