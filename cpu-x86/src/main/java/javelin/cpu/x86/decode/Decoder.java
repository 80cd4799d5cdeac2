package javelin.cpu.x86.decode;

import static javelin.cpu.x86.decode.DecodedInsn.*;

import javelin.cpu.x86.CpuFault;

/**
 * Turns instruction bytes into a {@link DecodedInsn} using {@link OpTable} (SDM vol. 2,
 * chapter 2): prefixes, opcode, ModRM/SIB, displacement, immediates. Its inputs are a
 * {@link ByteSource} and the default operand size (CS.D): the executor builds the source, which
 * fetches at CS.base + EIP through its MMU and checks the CS limit (#GP(0)), so decoding needs
 * nothing else of the CPU. An instruction longer than 15 bytes raises #GP(0) (SDM vol. 2,
 * 2.3.11). LOCK on an encoding that cannot be locked, or with a register destination, raises
 * #UD (SDM vol. 2, LOCK).
 *
 * <p>Register and segment-register numbers in the decoded instruction are their encodings
 * (SDM vol. 2, tables 2-1 to 2-3; the sreg field of MOV Sreg), the numbers by which
 * {@code javelin.cpu.x86.CpuState} indexes its register arrays.
 *
 * <p>For the x87 escapes D8-DF a ModRM byte of C0H or above selects a register-form row, and an
 * escape encoding without a row decodes to the reserved {@link Mnemonic#ESC} row, so that the
 * executor raises #NM before #UD.
 *
 * <p>Stateless apart from the lookup table built once from {@link OpTable#ROWS}; one instance
 * can serve every vCPU.
 */
public final class Decoder {
    public static final int MAX_LENGTH = 15;
    // Register encodings (SDM vol. 2, table 2-2) and segment-register encodings (the sreg field).
    private static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    private static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
    /** Undefined encodings decode to this row. */
    static final OpSpec UNDEFINED = OpSpec.op(0x0F | OpSpec.ESCAPE_0F, Mnemonic.UD);

    /** (opcode << 3 | reg) -> row; a non-group row fills all eight slots. For D8-DF: the memory forms. */
    private final OpSpec[] byOpcodeAndReg = new OpSpec[0x200 * 8];
    /** ((opcode - D8) << 6 | (ModRM & 3F)) -> the x87 register form of ModRM C0-FF. */
    private final OpSpec[] escRegisterForms = new OpSpec[8 * 64];
    private final boolean[] hasModrm = new boolean[0x200];

    public Decoder() {
        for (OpSpec s : OpTable.ROWS) {
            int o = s.opcode();
            if (s.registerForm()) {
                if (!s.x87() || s.group() < 0) throw new IllegalStateException("register form outside D8-DF: " + s);
                if (s.rm() >= 0) {
                    putRegisterForm(o, s.group() << 3 | s.rm(), s);
                } else {
                    for (int i = 0; i < 8; i++) putRegisterForm(o, s.group() << 3 | i, s);
                }
            } else if (s.group() < 0) {
                for (int r = 0; r < 8; r++) put(o, r, s);
            } else {
                put(o, s.group(), s);
            }
            hasModrm[o] |= s.hasModrm() || s.group() >= 0;
        }
        // An escape encoding without a row is reserved (OpTable.x87): #NM first, then #UD.
        for (int o = OpSpec.ESC_FIRST; o <= OpSpec.ESC_LAST; o++) {
            OpSpec reserved = OpSpec.op(o, Mnemonic.ESC).reserve();
            for (int r = 0; r < 8; r++) {
                if (byOpcodeAndReg[o << 3 | r] == null) put(o, r, reserved);
            }
            for (int m = 0; m < 64; m++) {
                if (escRegisterForms[(o - OpSpec.ESC_FIRST) << 6 | m] == null) putRegisterForm(o, m, reserved);
            }
            hasModrm[o] = true;
        }
    }

    private void put(int opcode, int reg, OpSpec s) {
        int i = opcode << 3 | reg;
        if (byOpcodeAndReg[i] != null) throw new IllegalStateException("two rows for " + Integer.toHexString(opcode));
        byOpcodeAndReg[i] = s;
    }

    private void putRegisterForm(int opcode, int modrmLow, OpSpec s) {
        int i = (opcode - OpSpec.ESC_FIRST) << 6 | modrmLow;
        if (escRegisterForms[i] != null) {
            throw new IllegalStateException("two rows for " + Integer.toHexString(opcode) + " "
                    + Integer.toHexString(0xC0 | modrmLow));
        }
        escRegisterForms[i] = s;
    }

    /** The row for an opcode and ModRM.reg, or null if undefined; for D8-DF, the memory form. */
    public OpSpec lookup(int opcode, int reg) {
        return byOpcodeAndReg[opcode << 3 | (reg & 7)];
    }

    /** Byte source for decoding; the executor's is CS-relative, limit-checked and fetched through its MMU. */
    public interface ByteSource {
        /** The byte at offset {@code k} from the instruction start. */
        int byteAt(int k);
    }

    /** Decodes one instruction from {@code src}, with the default operand and address size of {@code code32}. */
    public DecodedInsn decode(ByteSource src, boolean code32) {
        int pos = 0;
        int prefixes = 0;
        int seg = -1;
        int b;
        // Prefixes (SDM vol. 2, 2.1.1): any order; the last segment override wins.
        while (true) {
            if (pos >= MAX_LENGTH) throw CpuFault.withCode(CpuFault.GP, 0);
            b = src.byteAt(pos++);
            switch (b) {
                case 0x26 -> seg = ES;
                case 0x2E -> seg = CS;
                case 0x36 -> seg = SS;
                case 0x3E -> seg = DS;
                case 0x64 -> seg = FS;
                case 0x65 -> seg = GS;
                case 0x66 -> prefixes |= P_OPSIZE;
                case 0x67 -> prefixes |= P_ADSIZE;
                case 0xF0 -> prefixes |= P_LOCK;
                case 0xF2 -> prefixes = (prefixes & ~P_REP) | P_REPNE;
                case 0xF3 -> prefixes = (prefixes & ~P_REPNE) | P_REP;
                default -> { }
            }
            if (!isPrefix(b)) break;
        }
        if (seg >= 0) prefixes |= P_SEG;
        int opcode = b;
        if (b == 0x0F) {
            if (pos >= MAX_LENGTH) throw CpuFault.withCode(CpuFault.GP, 0);
            opcode = OpSpec.ESCAPE_0F | src.byteAt(pos++);
        }
        boolean opsize32 = code32 ^ ((prefixes & P_OPSIZE) != 0);
        boolean addr32 = code32 ^ ((prefixes & P_ADSIZE) != 0);
        int opSize = opsize32 ? 4 : 2;

        int mod = -1, reg = -1, rm = -1;
        int eaBase = -1, eaIndex = -1, eaScale = 0, disp = 0;
        boolean bpBased = false;
        OpSpec spec;
        if (hasModrm[opcode]) {
            if (pos >= MAX_LENGTH) throw CpuFault.withCode(CpuFault.GP, 0);
            int modrm = src.byteAt(pos++);
            mod = modrm >>> 6;
            reg = (modrm >>> 3) & 7;
            rm = modrm & 7;
            spec = byOpcodeAndReg[opcode << 3 | reg];
            if (mod == 3 && opcode >= OpSpec.ESC_FIRST && opcode <= OpSpec.ESC_LAST) {
                spec = escRegisterForms[(opcode - OpSpec.ESC_FIRST) << 6 | (modrm & 0x3F)];
            }
            // MOV to/from control, debug and test registers ignore mod: always a register (SDM vol. 2, MOV-CR).
            boolean forceReg = opcode >= (OpSpec.ESCAPE_0F | 0x20) && opcode <= (OpSpec.ESCAPE_0F | 0x26);
            if (forceReg) mod = 3;
            if (mod != 3) {
                if (addr32) {
                    int base = rm;
                    if (rm == 4) {
                        if (pos >= MAX_LENGTH) throw CpuFault.withCode(CpuFault.GP, 0);
                        int sib = src.byteAt(pos++);
                        eaScale = sib >>> 6;
                        int idx = (sib >>> 3) & 7;
                        eaIndex = idx == 4 ? -1 : idx;
                        base = sib & 7;
                        if (base == 5 && mod == 0) {
                            base = -1;
                        }
                    } else if (rm == 5 && mod == 0) {
                        base = -1;
                    }
                    eaBase = base;
                    bpBased = base == ESP || base == EBP;
                    int dispSize = mod == 1 ? 1 : (mod == 2 || base == -1) ? 4 : 0;
                    if (mod == 0 && base != -1) dispSize = 0;
                    if (pos + dispSize > MAX_LENGTH) throw CpuFault.withCode(CpuFault.GP, 0);
                    if (dispSize == 1) disp = (byte) src.byteAt(pos++);
                    else if (dispSize == 4) {
                        disp = readLe(src, pos, 4);
                        pos += 4;
                    }
                } else {
                    switch (rm) {
                        case 0 -> { eaBase = EBX; eaIndex = ESI; }
                        case 1 -> { eaBase = EBX; eaIndex = EDI; }
                        case 2 -> { eaBase = EBP; eaIndex = ESI; bpBased = true; }
                        case 3 -> { eaBase = EBP; eaIndex = EDI; bpBased = true; }
                        case 4 -> eaBase = ESI;
                        case 5 -> eaBase = EDI;
                        case 6 -> { if (mod != 0) { eaBase = EBP; bpBased = true; } }
                        default -> eaBase = EBX;
                    }
                    int dispSize = mod == 1 ? 1 : mod == 2 || (mod == 0 && rm == 6) ? 2 : 0;
                    if (pos + dispSize > MAX_LENGTH) throw CpuFault.withCode(CpuFault.GP, 0);
                    if (dispSize == 1) disp = (byte) src.byteAt(pos++);
                    else if (dispSize == 2) {
                        disp = readLe(src, pos, 2);
                        pos += 2;
                    }
                }
            }
        } else {
            spec = byOpcodeAndReg[opcode << 3];
        }
        if (spec == null) spec = UNDEFINED;
        boolean hasMem = mod >= 0 && mod != 3;

        // Resolve operands and immediates.
        var ops = spec.operands();
        int n = ops.size();
        int[] kind = new int[n], num = new int[n], size = new int[n];
        int imm = 0, imm2 = 0;
        int immCount = 0;
        for (int i = 0; i < n; i++) {
            Operand o = ops.get(i);
            int k = K_NONE, v = 0, s = opSize;
            switch (o) {
                case Eb, Ew, Ed, Ev, M, Mp, Ma, Mq, Ms, M32fp, M64fp, M80fp, M16int, M32int, M64int, M80bcd, M2byte,
                     M14_28byte, M94_108byte -> {
                    s = switch (o) {
                        case Eb -> 1;
                        case Ew, M16int, M2byte -> 2;
                        case Ed, M32fp, M32int -> 4;
                        case Mq, M64fp, M64int -> 8;
                        case M80fp, M80bcd -> 10;
                        case Mp -> opSize + 2;
                        case M14_28byte -> opSize == 4 ? 28 : 14;
                        case M94_108byte -> opSize == 4 ? 108 : 94;
                        default -> opSize;
                    };
                    if (mod == 3) {
                        k = K_REG;
                        v = rm;
                    } else {
                        k = K_MEM;
                    }
                }
                case Gb -> { k = K_REG; v = reg; s = 1; }
                case Gw -> { k = K_REG; v = reg; s = 2; }
                case Gd -> { k = K_REG; v = reg; s = 4; }
                case Gv -> { k = K_REG; v = reg; }
                case Rd -> { k = K_REG; v = rm; s = 4; }
                case Cd -> { k = K_CREG; v = reg; s = 4; }
                case Dd -> { k = K_DREG; v = reg; s = 4; }
                case Td -> { k = K_TREG; v = reg; s = 4; }
                case Sw -> { k = K_SREG; v = reg; s = 2; }
                case Zb -> { k = K_REG; v = opcode & 7; s = 1; }
                case Zv -> { k = K_REG; v = opcode & 7; }
                case Zd -> { k = K_REG; v = opcode & 7; s = 4; }
                case AL -> { k = K_REG; v = EAX; s = 1; }
                case AX -> { k = K_REG; v = EAX; s = 2; }
                case ST0 -> { k = K_ST; v = 0; s = 10; }
                case STi -> { k = K_ST; v = rm; s = 10; }
                case CL -> { k = K_REG; v = ECX; s = 1; }
                case DX -> { k = K_REG; v = EDX; s = 2; }
                case eAX -> { k = K_REG; v = EAX; }
                case ONE -> { k = K_IMM; v = 1; s = 1; }
                case ES, CS, SS, DS, FS, GS -> { k = K_SREG; v = o.ordinal() - Operand.ES.ordinal(); s = 2; }
                case Ib, Iw, Iz, Ibs, Jb, Jz -> {
                    int bytes = switch (o) {
                        case Ib, Ibs, Jb -> 1;
                        case Iw -> 2;
                        default -> opSize;
                    };
                    if (pos + bytes > MAX_LENGTH) throw CpuFault.withCode(CpuFault.GP, 0);
                    int raw = readLe(src, pos, bytes);
                    pos += bytes;
                    if (o == Operand.Ibs || o == Operand.Jb) raw = (byte) raw;
                    if (o == Operand.Jz && bytes == 2) raw = (short) raw;
                    k = K_IMM;
                    v = raw;
                    s = o == Operand.Ib ? 1 : o == Operand.Iw ? 2 : opSize;
                    if (immCount++ == 0) imm = raw; else imm2 = raw;
                }
                case Ob, Ov -> {
                    int bytes = addr32 ? 4 : 2;
                    if (pos + bytes > MAX_LENGTH) throw CpuFault.withCode(CpuFault.GP, 0);
                    disp = readLe(src, pos, bytes);
                    pos += bytes;
                    hasMem = true;
                    k = K_MEM;
                    s = o == Operand.Ob ? 1 : opSize;
                }
                case Ap -> {
                    if (pos + opSize + 2 > MAX_LENGTH) throw CpuFault.withCode(CpuFault.GP, 0);
                    imm = readLe(src, pos, opSize);
                    imm2 = readLe(src, pos + opSize, 2);
                    pos += opSize + 2;
                    k = K_FAR;
                }
                case Xb, Xv, Yb, Yv -> {
                    k = K_NONE;
                    s = (o == Operand.Xb || o == Operand.Yb) ? 1 : opSize;
                }
            }
            kind[i] = k;
            num[i] = v;
            size[i] = s;
        }
        if (spec.mnemonic() == Mnemonic.UD) throw CpuFault.of(CpuFault.UD);
        if (mod == 3) {
            for (Operand o : ops) if (o.memoryOnly()) throw CpuFault.of(CpuFault.UD);
        }
        if ((prefixes & P_LOCK) != 0 && (!spec.lockable() || !hasMem)) throw CpuFault.of(CpuFault.UD);
        int effSeg = seg >= 0 ? seg : bpBased ? SS : DS;
        return new DecodedInsn(spec, opcode, opSize, addr32, code32, prefixes, effSeg, mod, reg, rm, eaBase, eaIndex,
                eaScale, disp, hasMem, pos, imm, imm2, kind, num, size);
    }

    private static int readLe(ByteSource src, int pos, int bytes) {
        int v = 0;
        for (int i = 0; i < bytes; i++) v |= (src.byteAt(pos + i) & 0xFF) << (8 * i);
        return v;
    }

    static boolean isPrefix(int b) {
        return switch (b) {
            case 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3 -> true;
            default -> false;
        };
    }
}
