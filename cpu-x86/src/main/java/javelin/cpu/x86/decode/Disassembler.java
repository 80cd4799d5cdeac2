package javelin.cpu.x86.decode;

import static javelin.cpu.x86.decode.DecodedInsn.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Intel-syntax text for a {@link DecodedInsn} (NASM flavour: {@code add word [bx+si+0x10], ax}),
 * for instruction traces ({@code -d in_asm}) and test messages. Reads only the decoded form,
 * whose operands come from {@link OpTable}, so it knows no encoding of its own.
 *
 * <p>x87 memory operands carry NASM's size keyword ({@code fld qword [ebp-0x10]}, {@code tword}
 * for the ten-byte types, none for the FSTENV and FSAVE images); register forms print the
 * row's operands, which are the SDM's: {@code fadd st0, st1} (D8 C1) and {@code fadd st1, st0}
 * (DC C1) stay apart where ndisasm writes {@code fadd st1} and {@code fadd to st1}.
 */
public final class Disassembler {
    private static final String[][] REGS = {
            {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"},
            {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"},
            {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"}};
    private static final String[] SEGS = {"es", "cs", "ss", "ds", "fs", "gs", "?6", "?7"};
    private static final String[] CONDITIONS = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np",
            "l", "ge", "le", "g"};

    /** One operand as printed; closed set, so the formatter's switch is exhaustive. */
    sealed interface Printed permits Reg, Mem, Imm, Seg, SysReg, Far, Target, Stack { }

    record Reg(int number, int size) implements Printed { }

    /** An x87 stack register ST(i), printed {@code st0} ... {@code st7} as NASM writes them. */
    record Stack(int number) implements Printed { }

    record Mem(DecodedInsn insn, int size) implements Printed { }

    record Imm(int value, int size) implements Printed { }

    record Seg(int number) implements Printed { }

    record SysReg(String prefix, int number) implements Printed { }

    record Far(int selector, int offset) implements Printed { }

    /** A branch target: absolute when the instruction's address is known, else relative to the next instruction. */
    record Target(long absolute, int relative) implements Printed { }

    private Disassembler() { }

    /** Formats without knowing the address: branch targets print as {@code $+rel}. */
    public static String format(DecodedInsn d) {
        return format(d, -1L);
    }

    /** Formats the instruction at offset {@code eip} (taken as unsigned), with absolute branch targets. */
    public static String format(DecodedInsn d, int eip) {
        return format(d, eip & 0xFFFF_FFFFL);
    }

    private static String format(DecodedInsn d, long eip) {
        StringBuilder sb = new StringBuilder();
        if ((d.prefixes & P_LOCK) != 0) sb.append("lock ");
        boolean string = isString(d.mnemonic);
        if (string && (d.prefixes & P_REP) != 0) {
            sb.append(d.mnemonic == Mnemonic.CMPS || d.mnemonic == Mnemonic.SCAS ? "repe " : "rep ");
        }
        if (string && (d.prefixes & P_REPNE) != 0) sb.append("repne ");
        sb.append(name(d));
        List<Printed> ops = operands(d, eip);
        for (int i = 0; i < ops.size(); i++) {
            sb.append(i == 0 ? " " : ", ");
            sb.append(text(ops.get(i), needsSize(d, ops)));
        }
        return sb.toString();
    }

    private static boolean isString(Mnemonic m) {
        return switch (m) {
            case MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS -> true;
            default -> false;
        };
    }

    private static String name(DecodedInsn d) {
        boolean o32 = d.opSize == 4;
        String base = d.mnemonic.name().toLowerCase(Locale.ROOT);
        return switch (d.mnemonic) {
            case JCC -> "j" + CONDITIONS[d.cond];
            case SETCC -> "set" + CONDITIONS[d.cond];
            case CMOVCC -> "cmov" + CONDITIONS[d.cond];
            case CBW -> o32 ? "cwde" : "cbw";
            case CWD -> o32 ? "cdq" : "cwd";
            case PUSHA, POPA, PUSHF, POPF, IRET -> o32 ? base + "d" : base;
            case JCXZ -> d.addr32 ? "jecxz" : "jcxz";
            case MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS -> base + (stringSize(d) == 1 ? "b" : o32 ? "d" : "w");
            case MOV_SREG, MOV_CR, MOV_DR, MOV_TR -> "mov";
            case JMPF -> "jmp far";
            case CALLF -> "call far";
            case INT1 -> "int1";
            case INT3 -> "int3";
            case UD, ESC -> "(bad)";
            default -> base;
        };
    }

    private static int stringSize(DecodedInsn d) {
        return (d.opcode & 1) == 0 ? 1 : d.opSize;
    }

    private static List<Printed> operands(DecodedInsn d, long eip) {
        List<Printed> out = new ArrayList<>();
        if (isString(d.mnemonic)) return out;
        for (int i = 0; i < d.operandCount(); i++) {
            int size = d.size[i];
            Printed p = switch (d.kind[i]) {
                case K_REG -> new Reg(d.num[i], size);
                case K_MEM -> new Mem(d, size);
                case K_IMM -> isBranch(d.mnemonic)
                        ? new Target(eip < 0 ? -1 : (eip + d.length + d.num[i]) & (d.opSize == 4 ? 0xFFFF_FFFFL : 0xFFFFL), d.num[i])
                        : new Imm(d.num[i], size);
                case K_SREG -> new Seg(d.num[i]);
                case K_CREG -> new SysReg("cr", d.num[i]);
                case K_DREG -> new SysReg("dr", d.num[i]);
                case K_TREG -> new SysReg("tr", d.num[i]);
                case K_FAR -> new Far(d.imm2, d.imm);
                case K_ST -> new Stack(d.num[i]);
                default -> null;
            };
            if (p != null) out.add(p);
        }
        return out;
    }

    private static boolean isBranch(Mnemonic m) {
        return switch (m) {
            case JMP, JCC, CALL, LOOP, LOOPE, LOOPNE, JCXZ -> true;
            default -> false;
        };
    }

    /** A memory operand needs a size keyword unless a register operand fixes the size. */
    private static boolean needsSize(DecodedInsn d, List<Printed> ops) {
        for (Printed p : ops) if (p instanceof Reg || p instanceof Seg || p instanceof Stack) return false;
        return true;
    }

    private static String text(Printed p, boolean sized) {
        return switch (p) {
            case Reg r -> REGS[r.size() == 1 ? 0 : r.size() == 2 ? 1 : 2][r.number()];
            case Mem m -> (sized ? sizeKeyword(m.size()) : "") + address(m.insn());
            case Imm i -> hex(i.size() == 4 ? i.value() & 0xFFFF_FFFFL : i.value() & ((1L << (8 * i.size())) - 1));
            case Seg s -> SEGS[s.number()];
            case Stack s -> "st" + s.number();
            case SysReg s -> s.prefix() + s.number();
            case Far f -> hex(f.selector() & 0xFFFF) + ":" + hex(f.offset() & 0xFFFF_FFFFL);
            case Target t -> t.absolute() >= 0 ? hex(t.absolute()) : (t.relative() >= 0 ? "$+" : "$-")
                    + hex(Math.abs((long) t.relative()));
        };
    }

    private static String sizeKeyword(int size) {
        return switch (size) {
            case 1 -> "byte ";
            case 2 -> "word ";
            case 4 -> "dword ";
            case 8 -> "qword ";
            case 10 -> "tword ";
            case 6 -> "far ";
            default -> "";
        };
    }

    private static String address(DecodedInsn d) {
        StringBuilder sb = new StringBuilder("[");
        if ((d.prefixes & P_SEG) != 0) sb.append(SEGS[d.seg]).append(':');
        int regSize = d.addr32 ? 2 : 1;
        boolean any = false;
        if (d.eaBase >= 0) {
            sb.append(REGS[regSize][d.eaBase]);
            any = true;
        }
        if (d.eaIndex >= 0) {
            if (any) sb.append('+');
            sb.append(REGS[regSize][d.eaIndex]);
            if (d.eaScale > 0) sb.append('*').append(1 << d.eaScale);
            any = true;
        }
        int disp = d.disp;
        if (!any) {
            sb.append(hex(d.addr32 ? disp & 0xFFFF_FFFFL : disp & 0xFFFFL));
        } else if (disp != 0) {
            sb.append(disp < 0 ? '-' : '+').append(hex(Math.abs((long) disp)));
        }
        return sb.append(']').toString();
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
