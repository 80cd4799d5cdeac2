package javelin.cpu.x86.jit;

import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static javelin.cpu.x86.decode.DecodedInsn.K_IMM;
import static javelin.cpu.x86.decode.DecodedInsn.K_MEM;
import static javelin.cpu.x86.decode.DecodedInsn.K_NONE;
import static javelin.cpu.x86.decode.DecodedInsn.K_REG;
import static javelin.cpu.x86.jit.BlockTranslator.*;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Mnemonic;

/**
 * The compiled form of the instructions the interpreter runs through its generic dispatch
 * ({@code Interpreter.executeGeneric}) whose semantics are one family-method call on plain
 * operands: register, memory and immediate operands of any size, read and written as the
 * interpreter's {@code get0/get1/set0} do (8-bit registers AL..BH, 16-bit writes keeping the
 * upper half), then the same {@code Alu}, {@code Shift}, {@code MulDiv}, {@code ControlFlow} or
 * {@code StackOps} call in the same order. Each case here is that dispatch's case for the
 * mnemonic, written out with the operand kinds, numbers and sizes as constants.
 *
 * <p>Left to the dispatch: LOCKed and privileged instructions, string instructions, segment
 * loads, control transfers, and every mnemonic not listed in {@link #supports}.
 */
final class OperandForms {
    private static final ClassDesc CD_MULDIV = ClassDesc.of("javelin.cpu.x86.interp.MulDiv");
    private static final MethodTypeDesc MT_NOT = MethodTypeDesc.of(CD_int, CD_int, CD_int);
    private static final MethodTypeDesc MT_SHIFT_OP = MethodTypeDesc.of(CD_int, CD_CPU, CD_int, CD_int, CD_int, CD_int);
    private static final MethodTypeDesc MT_SIGN_EXTEND = MethodTypeDesc.of(CD_long, CD_int, CD_int);
    private static final MethodTypeDesc MT_MUL1 = MethodTypeDesc.of(CD_void, CD_CPU, CD_int, CD_int);
    private static final MethodTypeDesc MT_LEAVE = MethodTypeDesc.of(CD_void, CD_CPU, CD_MEM, CD_int);
    private static final MethodTypeDesc MT_ATTENTION = MethodTypeDesc.of(CD_boolean);
    private static final int EAX = 0, EDX = 2;

    private final CodeBuilder t;
    private final int k;
    private final DecodedInsn d;
    private final int n;
    private final int[] eip;
    /** The region member these instructions belong to, returned when the block stops early. */
    private final int member;

    OperandForms(CodeBuilder t, int k, DecodedInsn d, int n, int[] eip, int member) {
        this.t = t;
        this.k = k;
        this.d = d;
        this.n = n;
        this.eip = eip;
        this.member = member;
    }

    /** Whether {@code d} is compiled here rather than handed to the interpreter's dispatch. */
    static boolean supports(DecodedInsn d) {
        if (d.privileged || d.atomic || d.changesTbFlags || d.endsBlock || d.rep()) return false;
        for (int i = 0; i < d.operandCount(); i++) {
            int kind = d.kind[i];
            if (kind != K_REG && kind != K_MEM && kind != K_IMM) return false;
        }
        return switch (d.mnemonic) {
            case ADD, OR, ADC, SBB, AND, SUB, XOR, CMP, TEST, INC, DEC, NEG, NOT, MOV, MOVZX, MOVSX, LEA, MUL, IMUL,
                 DIV, IDIV, CMOVCC, SETCC, CBW, CWD, NOP, LEAVE -> true;
            case ROL, ROR, RCL, RCR, SHL, SHR, SAL, SAR -> d.operandCount() == 2;
            case XCHG -> d.kind0 == K_REG && d.kind1 == K_REG;
            case PUSH -> d.kind0 != K_NONE;
            case POP -> d.kind0 == K_REG;
            default -> false;
        };
    }

    private boolean readsMemory() {
        return d.hasMem && d.mnemonic != Mnemonic.LEA;
    }

    void emit() {
        boolean faults = readsMemory() || switch (d.mnemonic) {
            case DIV, IDIV, PUSH, POP, LEAVE -> true;
            default -> false;
        };
        if (faults) {
            t.ldc(k).istore(INDEX);
            t.ldc(eip[k]).istore(AT);
        }
        if (d.hasMem) {
            effectiveAddress();
            t.istore(EA);
        }
        boolean wrote = semantics();
        if (wrote) afterStore();
    }

    /**
     * The dispatch's case for the mnemonic; true if it may have written memory (then the [SMC-1]
     * check and the interrupt check the dispatch makes after a generic instruction follow).
     */
    private boolean semantics() {
        Mnemonic mn = d.mnemonic;
        switch (mn) {
            case ADD, SUB, ADC, SBB -> {
                String m = switch (mn) {
                    case ADD -> "add";
                    case SUB -> "sub";
                    case ADC -> "adc";
                    default -> "sbb";
                };
                t.aload(CPU);
                read(0);
                read(1);
                t.ldc(d.size0).invokestatic(CD_ALU, m, MT_ALU2).istore(TMP);
                return write0FromTmp();
            }
            case AND, OR, XOR -> {
                t.aload(CPU);
                read(0);
                read(1);
                if (mn == Mnemonic.AND) t.iand();
                else if (mn == Mnemonic.OR) t.ior();
                else t.ixor();
                t.ldc(d.size0).invokestatic(CD_ALU, "logic", MT_ALU1).istore(TMP);
                return write0FromTmp();
            }
            case CMP -> {
                t.aload(CPU);
                read(0);
                read(1);
                t.ldc(d.size0).invokestatic(CD_ALU, "sub", MT_ALU2).pop();
                return false;
            }
            case TEST -> {
                t.aload(CPU);
                read(0);
                read(1);
                t.iand().ldc(d.size0).invokestatic(CD_ALU, "logic", MT_ALU1).pop();
                return false;
            }
            case INC, DEC, NEG -> {
                t.aload(CPU);
                read(0);
                t.ldc(d.size0).invokestatic(CD_ALU, mn == Mnemonic.INC ? "inc" : mn == Mnemonic.DEC ? "dec" : "neg", MT_ALU1)
                        .istore(TMP);
                return write0FromTmp();
            }
            case NOT -> {
                read(0);
                t.ldc(d.size0).invokestatic(CD_ALU, "not", MT_NOT).istore(TMP);
                return write0FromTmp();
            }
            case ROL, ROR, RCL, RCR, SHL, SHR, SAL, SAR -> {
                // v = get0; count = get1 & 1F; if (count != 0) set0(Shift.shift(...)): the operand is read even for 0.
                read(0);
                t.istore(TMP);
                read(1);
                t.ldc(0x1F).iand().istore(TMP2);
                Label skip = t.newLabel();
                t.iload(TMP2).ifeq(skip);
                t.aload(CPU).ldc(mn.ordinal() - Mnemonic.ROL.ordinal()).iload(TMP).iload(TMP2).ldc(d.size0)
                        .invokestatic(CD_SHIFT, "shift", MT_SHIFT_OP).istore(TMP);
                boolean wrote = write0FromTmp();
                if (wrote) afterStore();
                t.labelBinding(skip);
                return false;                       // the store check ran on the path that stored
            }
            case MOV, MOVZX -> {
                read(1);
                t.istore(TMP);
                return write0FromTmp();
            }
            case MOVSX -> {
                read(1);
                t.ldc(d.size1).invokestatic(CD_SHIFT, "signExtend", MT_SIGN_EXTEND).l2i().istore(TMP);
                return write0FromTmp();
            }
            case LEA -> {
                t.iload(EA).istore(TMP);
                writeReg(d.num0, d.opSize);
                return false;
            }
            case MUL, DIV, IDIV -> {
                t.aload(CPU);
                read(0);
                t.ldc(d.size0).invokestatic(CD_MULDIV, mn == Mnemonic.MUL ? "mul" : mn == Mnemonic.DIV ? "div" : "idiv", MT_MUL1);
                return false;
            }
            case IMUL -> {
                if (d.operandCount() == 1) {
                    t.aload(CPU);
                    read(0);
                    t.ldc(d.size0).invokestatic(CD_MULDIV, "imul1", MT_MUL1);
                    return false;
                }
                t.aload(CPU);
                read(1);
                read(d.operandCount() == 3 ? 2 : 0);
                t.ldc(d.opSize).invokestatic(CD_MULDIV, "imul", MT_ALU2).istore(TMP);
                return write0FromTmp();
            }
            case CMOVCC -> {
                read(1);
                t.istore(TMP);
                Label skip = t.newLabel();
                t.aload(CPU).ldc(d.cond).invokestatic(CD_FLOW, "condition", MT_CONDITION).ifeq(skip);
                boolean wrote = write0FromTmp();
                t.labelBinding(skip);
                return wrote;
            }
            case SETCC -> {
                t.aload(CPU).ldc(d.cond).invokestatic(CD_FLOW, "condition", MT_CONDITION).istore(TMP);
                return write0FromTmp();
            }
            case CBW -> {
                if (d.opSize == 2) {
                    loadReg(EAX);
                    t.i2b().istore(TMP);
                    writeReg(EAX, 2);
                } else {
                    t.aload(R).ldc(EAX);
                    loadReg(EAX);
                    t.i2s().iastore();
                }
                return false;
            }
            case CWD -> {
                if (d.opSize == 2) {
                    Label neg = t.newLabel(), done = t.newLabel();
                    loadReg(EAX);
                    t.i2s().iflt(neg);
                    t.iconst_0().istore(TMP).goto_(done);
                    t.labelBinding(neg);
                    t.ldc(0xFFFF).istore(TMP);
                    t.labelBinding(done);
                    writeReg(EDX, 2);
                } else {
                    t.aload(R).ldc(EDX);
                    loadReg(EAX);
                    t.ldc(31).ishr().iastore();
                }
                return false;
            }
            case XCHG -> {
                read(0);
                t.istore(TMP2);
                read(1);
                t.istore(TMP);
                write0FromTmp();
                t.iload(TMP2).istore(TMP);
                writeReg(d.num1, d.size1);
                return false;
            }
            case PUSH -> {
                t.aload(CPU).aload(MEM);
                read(0);
                t.ldc(d.opSize).invokestatic(CD_STACK, "push", MT_PUSH);
                return true;
            }
            case POP -> {
                t.aload(CPU).aload(MEM).ldc(d.opSize).invokestatic(CD_STACK, "pop", MT_POP).istore(TMP);
                return write0FromTmp();
            }
            case LEAVE -> {
                t.aload(CPU).aload(MEM).ldc(d.opSize).invokestatic(CD_STACK, "leave", MT_LEAVE);
                return false;
            }
            case NOP -> {
                return false;
            }
            default -> throw new IllegalStateException(mn + " is not an operand form");
        }
    }

    /** After a store: [SMC-1], then the exit-request check the generic dispatch makes between instructions. */
    private void afterStore() {
        Label go = t.newLabel(), stop = t.newLabel();
        t.aload(IN).aload(TB).invokevirtual(CD_INTERP, "compiledStoreHitBlock", MT_STORE_HIT).ifne(stop);
        if (k < n - 1) {
            t.aload(IN).invokevirtual(CD_INTERP, "compiledAttention", MT_ATTENTION).ifeq(go);
        } else {
            t.goto_(go);
        }
        t.labelBinding(stop);
        t.aload(CPU).ldc(eip[k + 1]).putfield(CD_CPU, "eip", CD_int);
        t.aload(IN).ldc(k + 1).invokevirtual(CD_INTERP, "compiledStop", MT_INT_VOID);
        t.ldc(member).ireturn();
        t.labelBinding(go);
    }

    private void loadReg(int reg) {
        t.aload(R).ldc(reg).iaload();
    }

    private void effectiveAddress() {
        t.ldc(d.disp);
        if (d.eaBase >= 0) {
            loadReg(d.eaBase);
            t.iadd();
        }
        if (d.eaIndex >= 0) {
            loadReg(d.eaIndex);
            if (d.eaScale != 0) t.ldc(d.eaScale).ishl();
            t.iadd();
        }
        if (!d.addr32) t.ldc(0xFFFF).iand();
    }

    /** Pushes operand {@code i} as the interpreter's {@code read} gives it. */
    private void read(int i) {
        int kind = d.kind[i], num = d.num[i], size = d.size[i];
        switch (kind) {
            case K_REG -> {
                if (size == 4) {
                    loadReg(num);
                } else if (size == 2) {
                    loadReg(num);
                    t.ldc(0xFFFF).iand();
                } else if (num < 4) {
                    loadReg(num);
                    t.ldc(0xFF).iand();
                } else {
                    loadReg(num - 4);
                    t.ldc(8).iushr().ldc(0xFF).iand();
                }
            }
            case K_IMM -> t.ldc(num);
            case K_MEM -> {
                t.aload(MEM).ldc(d.seg).iload(EA).ldc(size).invokevirtual(CD_MEM, "read", MT_READ);
            }
            default -> throw new IllegalStateException("operand kind " + kind);
        }
    }

    /** set0 with the value in TMP; true if it wrote memory. */
    private boolean write0FromTmp() {
        if (d.kind0 == K_MEM) {
            t.aload(MEM).ldc(d.seg).iload(EA).ldc(d.size0).iload(TMP).invokevirtual(CD_MEM, "write", MT_WRITE);
            return true;
        }
        writeReg(d.num0, d.size0);
        return false;
    }

    /** The interpreter's setReg(reg, size, TMP). */
    private void writeReg(int reg, int size) {
        if (size == 4) {
            t.aload(R).ldc(reg).iload(TMP).iastore();
        } else if (size == 2) {
            t.aload(R).ldc(reg);
            loadReg(reg);
            t.ldc(~0xFFFF).iand().iload(TMP).ldc(0xFFFF).iand().ior().iastore();
        } else if (reg < 4) {
            t.aload(R).ldc(reg);
            loadReg(reg);
            t.ldc(~0xFF).iand().iload(TMP).ldc(0xFF).iand().ior().iastore();
        } else {
            t.aload(R).ldc(reg - 4);
            loadReg(reg - 4);
            t.ldc(~0xFF00).iand().iload(TMP).ldc(0xFF).iand().ldc(8).ishl().ior().iastore();
        }
    }
}
