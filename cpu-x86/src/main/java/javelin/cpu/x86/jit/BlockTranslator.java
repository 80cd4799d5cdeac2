package javelin.cpu.x86.jit;

import static java.lang.classfile.ClassFile.ACC_FINAL;
import static java.lang.classfile.ClassFile.ACC_PUBLIC;
import static java.lang.classfile.ClassFile.ACC_SUPER;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.List;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.HotForm;
import javelin.softmmu.tb.TranslationBlock;

/**
 * Turns a {@link Region} (a hot block and the blocks its chained exits lead to) into the bytecode
 * of a {@code javelin.cpu.x86.interp.CompiledBlock} subclass: the loop of
 * {@code Interpreter.executeBlock} unrolled over each block, each hot form ({@link HotForm})
 * written out with its register numbers, immediates and effective-address parts as constants
 * and calling the same family methods ({@code Alu}, {@code Shift}, {@code StackOps},
 * {@code ControlFlow}) the interpreter calls; every other instruction goes through the
 * interpreter's generic dispatch ({@code Interpreter.compiledGeneric}), so nothing runs
 * differently in this tier, it only runs without the dispatch.
 *
 * <p>What the translator adds on top:
 * <ul>
 * <li><b>Dead flags.</b> An arithmetic or logic operation on registers whose six flags are
 *     overwritten before anything reads them ({@link FlagLiveness}) computes only its result;
 *     CMP and TEST with dead flags vanish. Any instruction that can fault counts as reading
 *     every flag, so an exception always sees EFLAGS as the interpreter would leave them.
 * <li><b>Regions.</b> Where a block's exit leads to a block of the region (itself, for a loop
 *     that jumps back to its start), the code goes straight on into that block after the checks
 *     the engine makes at a chained entry ([CH-3]: the vCPU's exit request, the next block's
 *     INVALID bit) and the slice, instead of returning to the run loop. C2 then sees a guest
 *     loop as a Java loop. Other exits return the index of the block that ran last, and its
 *     own end decides the exit as for an interpreted block.
 * </ul>
 *
 * <p>Faults: before each instruction that can raise a guest exception the code records the
 * instruction's index and EIP in two locals; the one exception handler gives them to
 * {@code Interpreter.compiledFault}, which leaves EIP (and ESP after a generic instruction) as
 * {@code executeBlock} would, then rethrows.
 */
public final class BlockTranslator {
    static final ClassDesc CD_COMPILED = ClassDesc.of("javelin.cpu.x86.interp.CompiledBlock");
    static final ClassDesc CD_INTERP = ClassDesc.of("javelin.cpu.x86.interp.Interpreter");
    static final ClassDesc CD_CPU = ClassDesc.of("javelin.cpu.x86.CpuState");
    static final ClassDesc CD_MEM = ClassDesc.of("javelin.cpu.x86.interp.SegmentedMemory");
    static final ClassDesc CD_MMU = ClassDesc.of("javelin.cpu.x86.mmu.Mmu");
    static final ClassDesc CD_TB = ClassDesc.of("javelin.softmmu.tb.TranslationBlock");
    static final ClassDesc CD_INSN = ClassDesc.of("javelin.cpu.x86.decode.DecodedInsn");
    static final ClassDesc CD_ALU = ClassDesc.of("javelin.cpu.x86.interp.Alu");
    static final ClassDesc CD_SHIFT = ClassDesc.of("javelin.cpu.x86.interp.Shift");
    static final ClassDesc CD_STACK = ClassDesc.of("javelin.cpu.x86.interp.StackOps");
    static final ClassDesc CD_FLOW = ClassDesc.of("javelin.cpu.x86.interp.ControlFlow");
    static final ClassDesc CD_RUNTIME_EXCEPTION = ClassDesc.of("java.lang.RuntimeException");
    static final ClassDesc CD_INT_ARRAY = CD_int.arrayType();

    static final MethodTypeDesc MT_INIT = MethodTypeDesc.of(CD_void, CD_INSN.arrayType(), CD_TB.arrayType());
    static final MethodTypeDesc MT_RUN = MethodTypeDesc.of(CD_int, CD_INTERP, CD_CPU, CD_INT_ARRAY, CD_MEM, CD_MMU, CD_TB);
    static final MethodTypeDesc MT_ALU2 = MethodTypeDesc.of(CD_int, CD_CPU, CD_int, CD_int, CD_int);
    static final MethodTypeDesc MT_ALU1 = MethodTypeDesc.of(CD_int, CD_CPU, CD_int, CD_int);
    static final MethodTypeDesc MT_SHIFT = MethodTypeDesc.of(CD_int, CD_CPU, CD_int, CD_int, CD_int);
    static final MethodTypeDesc MT_READ = MethodTypeDesc.of(CD_int, CD_int, CD_int, CD_int);
    static final MethodTypeDesc MT_WRITE = MethodTypeDesc.of(CD_void, CD_int, CD_int, CD_int, CD_int);
    static final MethodTypeDesc MT_PUSH = MethodTypeDesc.of(CD_void, CD_CPU, CD_MEM, CD_int, CD_int);
    static final MethodTypeDesc MT_POP = MethodTypeDesc.of(CD_int, CD_CPU, CD_MEM, CD_int);
    static final MethodTypeDesc MT_CONDITION = MethodTypeDesc.of(CD_boolean, CD_CPU, CD_int);
    static final MethodTypeDesc MT_JUMP = MethodTypeDesc.of(CD_void, CD_CPU, CD_int, CD_int);
    static final MethodTypeDesc MT_CALL = MethodTypeDesc.of(CD_void, CD_CPU, CD_MEM, CD_int, CD_int);
    static final MethodTypeDesc MT_GENERIC = MethodTypeDesc.of(CD_boolean, CD_INSN, CD_int, CD_int, CD_TB, CD_boolean);
    static final MethodTypeDesc MT_STORE_HIT = MethodTypeDesc.of(CD_boolean, CD_TB);
    static final MethodTypeDesc MT_INT_VOID = MethodTypeDesc.of(CD_void, CD_int);
    static final MethodTypeDesc MT_VOID = MethodTypeDesc.of(CD_void);
    static final MethodTypeDesc MT_MAY_ENTER = MethodTypeDesc.of(CD_boolean, CD_TB);
    static final MethodTypeDesc MT_FAULT =
            MethodTypeDesc.of(CD_RUNTIME_EXCEPTION, CD_RUNTIME_EXCEPTION, CD_int, CD_int);

    // Locals of run().
    static final int THIS = 0, IN = 1, CPU = 2, R = 3, MEM = 4, TB = 6, INDEX = 7, AT = 8, TMP = 9, EXC = 10, EA = 11, TMP2 = 12, MEMBER = 13;

    private BlockTranslator() { }

    /** Whether a block of {@code insns} would be worth compiling: blocks of one instruction (TF, shadow) are not. */
    public static boolean worthCompiling(DecodedInsn[] insns, boolean single) {
        return !single && insns.length > 1;
    }

    /** The class file of the compiled code of {@code region}. */
    public static byte[] translate(Region region) {
        ClassDesc name = ClassDesc.of("javelin.cpu.x86.interp.CompiledCode");
        return ClassFile.of().build(name, cb -> cb
                .withFlags(ACC_PUBLIC | ACC_FINAL | ACC_SUPER)
                .withSuperclass(CD_COMPILED)
                .withMethodBody("<init>", MT_INIT, ACC_PUBLIC, b -> b
                        .aload(0).aload(1).aload(2).invokespecial(CD_COMPILED, "<init>", MT_INIT).return_())
                .withMethodBody("run", MT_RUN, 0, b -> new Emitter(b, region).run()));
    }

    /** Every member's instructions, in member order: the compiled class's {@code insns}. */
    public static DecodedInsn[] instructionsOf(Region region) {
        return region.members().stream().flatMap(m -> java.util.Arrays.stream(m.block().instructions()))
                .toArray(DecodedInsn[]::new);
    }

    /** Every member's block, in member order: the compiled class's {@code blocks}. */
    public static TranslationBlock[] blocksOf(Region region) {
        return region.members().stream().map(Region.Member::tb).toArray(TranslationBlock[]::new);
    }

    /** The target of a relative JMP/Jcc/CALL whose next EIP is {@code next}, as the interpreter computes it. */
    static int target(DecodedInsn d, int next) {
        int t = next + d.num0;
        return d.opSize == 2 ? t & 0xFFFF : t;
    }

    /** Writes the body of run(). */
    private static final class Emitter {
        private final CodeBuilder b;
        private final Region region;
        /** The member being written: its instructions, their EIPs (eip[n] = fall-through), dead flags. */
        private DecodedInsn[] insns;
        private int[] eip;
        private boolean[] deadFlags;
        /** Index of the member's first instruction in the class's {@code insns}. */
        private int offset;
        private int member;

        Emitter(CodeBuilder b, Region region) {
            this.b = b;
            this.region = region;
        }

        void run() {
            List<Region.Member> members = region.members();
            b.iconst_0().istore(INDEX);
            b.ldc(members.getFirst().block().startEip()).istore(AT);
            b.iconst_0().istore(MEMBER);
            b.aload(IN).invokevirtual(CD_INTERP, "compiledStart", MT_VOID);
            b.trying(t -> {
                Label[] entry = new Label[members.size()];
                for (int i = 0; i < entry.length; i++) entry[i] = t.newLabel();
                int first = 0;
                for (int i = 0; i < members.size(); i++) {
                    Region.Member m = members.get(i);
                    member = i;
                    insns = m.block().instructions();
                    offset = first;
                    first += insns.length;
                    int n = insns.length;
                    eip = new int[n + 1];
                    eip[0] = m.block().startEip();
                    for (int k = 0; k < n; k++) {
                        int next = eip[k] + insns[k].length;
                        eip[k + 1] = insns[k].code32 ? next : next & 0xFFFF;
                    }
                    deadFlags = FlagLiveness.deadFlags(insns);
                    t.labelBinding(entry[i]);
                    if (i > 0) {
                        t.aload(THIS).getfield(CD_COMPILED, "blocks", CD_TB.arrayType()).ldc(i).aaload().astore(TB);
                        t.ldc(i).istore(MEMBER);
                        t.aload(IN).invokevirtual(CD_INTERP, "compiledStart", MT_VOID);
                    }
                    for (int k = 0; k < n; k++) instruction(t, k);
                    if (!setsEip(insns[n - 1])) t.aload(CPU).ldc(m.block().fallEip()).putfield(CD_CPU, "eip", CD_int);
                    t.aload(IN).ldc(n).invokevirtual(CD_INTERP, "compiledDone", MT_INT_VOID);
                    exits(t, m, entry);
                    t.ldc(i).ireturn();
                }
            }, c -> c.catching(CD_RUNTIME_EXCEPTION, h -> h
                    .astore(EXC)
                    .aload(IN).aload(EXC).iload(INDEX).iload(AT)
                    .invokevirtual(CD_INTERP, "compiledFault", MT_FAULT)
                    .athrow()));
        }

        /**
         * After a member ran to its end: the exits that lead into the region go there (after the
         * [CH-3] checks); the others fall through to the return, as the interpreter's block would.
         * Which exit was taken follows the member's end as {@code X86Block} decides it.
         */
        private void exits(CodeBuilder t, Region.Member m, Label[] entry) {
            int[] succ = m.successors();
            switch (m.block().ends()) {
                case JitCompiler.Target.ENDS_FALLTHROUGH, JitCompiler.Target.ENDS_JUMP -> {
                    if (succ[0] >= 0) enter(t, succ[0], entry);
                }
                case JitCompiler.Target.ENDS_BRANCH -> {
                    if (succ[0] < 0 && succ[1] < 0) return;
                    Label notTaken = t.newLabel(), out = t.newLabel();
                    t.aload(CPU).getfield(CD_CPU, "eip", CD_int).ldc(m.block().fallEip()).if_icmpeq(notTaken);
                    if (succ[0] >= 0) enter(t, succ[0], entry);
                    t.goto_(out);
                    t.labelBinding(notTaken);
                    if (succ[1] >= 0) enter(t, succ[1], entry);
                    t.labelBinding(out);
                }
                default -> { }
            }
        }

        /** Goes to member {@code s} if the run loop would enter it now; falls through otherwise. */
        private void enter(CodeBuilder t, int s, Label[] entry) {
            Label no = t.newLabel();
            t.aload(IN).aload(THIS).getfield(CD_COMPILED, "blocks", CD_TB.arrayType()).ldc(s).aaload()
                    .invokevirtual(CD_INTERP, "compiledMayEnter", MT_MAY_ENTER).ifeq(no);
            t.goto_(entry[s]);
            t.labelBinding(no);
        }

        /**
         * Whether the instruction's own code leaves EIP where execution goes on: the control
         * transfers, and whatever goes through the interpreter's dispatch (which sets EIP to the
         * next instruction first).
         */
        private static boolean setsEip(DecodedInsn d) {
            return switch (d.form) {
                case HotForm.JCC_REL, HotForm.JMP_REL, HotForm.CALL_REL, HotForm.RET_NEAR -> true;
                case HotForm.GENERIC -> !OperandForms.supports(d);
                default -> false;
            };
        }

        /** Records instruction k as the one a fault belongs to. */
        private void mark(CodeBuilder t, int k) {
            t.ldc(k).istore(INDEX);
            t.ldc(eip[k]).istore(AT);
        }

        private void setEip(CodeBuilder t, int value) {
            t.aload(CPU).ldc(value).putfield(CD_CPU, "eip", CD_int);
        }

        /** [SMC-1] after a store: if it hit this block, stop after instruction k with EIP at {@code eipAfter} (or as set). */
        private void storeCheck(CodeBuilder t, int k, boolean setNext) {
            Label go = t.newLabel();
            t.aload(IN).aload(TB).invokevirtual(CD_INTERP, "compiledStoreHitBlock", MT_STORE_HIT).ifeq(go);
            if (setNext) setEip(t, eip[k + 1]);
            t.aload(IN).ldc(k + 1).invokevirtual(CD_INTERP, "compiledStop", MT_INT_VOID);
            t.ldc(member).ireturn();
            t.labelBinding(go);
        }

        private void loadReg(CodeBuilder t, int reg) {
            t.aload(R).ldc(reg).iaload();
        }

        /** Pushes the effective address (offset in the segment) of d's memory operand. */
        private void effectiveAddress(CodeBuilder t, DecodedInsn d) {
            t.ldc(d.disp);
            if (d.eaBase >= 0) {
                loadReg(t, d.eaBase);
                t.iadd();
            }
            if (d.eaIndex >= 0) {
                loadReg(t, d.eaIndex);
                if (d.eaScale != 0) t.ldc(d.eaScale).ishl();
                t.iadd();
            }
            if (!d.addr32) t.ldc(0xFFFF).iand();
        }

        private void instruction(CodeBuilder t, int k) {
            DecodedInsn d = insns[k];
            boolean dead = deadFlags[k];
            switch (d.form) {
                case HotForm.ADD_R32_R32, HotForm.OR_R32_R32, HotForm.ADC_R32_R32, HotForm.SBB_R32_R32,
                     HotForm.AND_R32_R32, HotForm.SUB_R32_R32, HotForm.XOR_R32_R32, HotForm.CMP_R32_R32,
                     HotForm.TEST_R32_R32 -> alu(t, d.form - HotForm.ADD_R32_R32, d.num0, () -> loadReg(t, d.num1), dead);
                case HotForm.ADD_R32_IMM, HotForm.OR_R32_IMM, HotForm.ADC_R32_IMM, HotForm.SBB_R32_IMM,
                     HotForm.AND_R32_IMM, HotForm.SUB_R32_IMM, HotForm.XOR_R32_IMM, HotForm.CMP_R32_IMM,
                     HotForm.TEST_R32_IMM -> alu(t, d.form - HotForm.ADD_R32_IMM, d.num0, () -> t.ldc(d.num1), dead);
                case HotForm.ALU_R32_M32 -> {
                    mark(t, k);
                    t.aload(MEM).ldc(d.seg);
                    effectiveAddress(t, d);
                    t.iconst_4().invokevirtual(CD_MEM, "read", MT_READ).istore(TMP);
                    alu(t, aluIndex(d), d.num0, () -> t.iload(TMP), dead);
                }
                case HotForm.MOV_R32_R32 -> {
                    t.aload(R).ldc(d.num0);
                    loadReg(t, d.num1);
                    t.iastore();
                }
                case HotForm.MOV_R32_IMM -> t.aload(R).ldc(d.num0).ldc(d.num1).iastore();
                case HotForm.MOV_R32_M32 -> {
                    mark(t, k);
                    t.aload(R).ldc(d.num0);
                    t.aload(MEM).ldc(d.seg);
                    effectiveAddress(t, d);
                    t.iconst_4().invokevirtual(CD_MEM, "read", MT_READ).iastore();
                }
                case HotForm.MOV_M32_R32 -> {
                    mark(t, k);
                    t.aload(MEM).ldc(d.seg);
                    effectiveAddress(t, d);
                    t.iconst_4();
                    loadReg(t, d.num1);
                    t.invokevirtual(CD_MEM, "write", MT_WRITE);
                    storeCheck(t, k, true);
                }
                case HotForm.INC_R32, HotForm.DEC_R32 -> {
                    boolean inc = d.form == HotForm.INC_R32;
                    t.aload(R).ldc(d.num0);
                    if (dead) {
                        loadReg(t, d.num0);
                        t.iconst_1();
                        if (inc) t.iadd();
                        else t.isub();
                    } else {
                        t.aload(CPU);
                        loadReg(t, d.num0);
                        t.iconst_4().invokestatic(CD_ALU, inc ? "inc" : "dec", MT_ALU1);
                    }
                    t.iastore();
                }
                case HotForm.PUSH_R32 -> {
                    mark(t, k);
                    t.aload(CPU).aload(MEM);
                    loadReg(t, d.num0);
                    t.iconst_4().invokestatic(CD_STACK, "push", MT_PUSH);
                    storeCheck(t, k, true);
                }
                case HotForm.POP_R32 -> {
                    mark(t, k);
                    t.aload(CPU).aload(MEM).iconst_4().invokestatic(CD_STACK, "pop", MT_POP).istore(TMP);
                    t.aload(R).ldc(d.num0).iload(TMP).iastore();
                }
                case HotForm.JCC_REL -> {
                    mark(t, k);
                    setEip(t, eip[k + 1]);
                    Label not = t.newLabel();
                    t.aload(CPU).ldc(d.cond).invokestatic(CD_FLOW, "condition", MT_CONDITION).ifeq(not);
                    t.aload(CPU).ldc(eip[k + 1] + d.num0).ldc(d.opSize).invokestatic(CD_FLOW, "jumpNear", MT_JUMP);
                    t.labelBinding(not);
                }
                case HotForm.JMP_REL -> {
                    mark(t, k);
                    t.aload(CPU).ldc(eip[k + 1] + d.num0).ldc(d.opSize).invokestatic(CD_FLOW, "jumpNear", MT_JUMP);
                }
                case HotForm.CALL_REL -> {
                    mark(t, k);
                    setEip(t, eip[k + 1]);
                    t.aload(CPU).aload(MEM).ldc(eip[k + 1] + d.num0).ldc(d.opSize)
                            .invokestatic(CD_FLOW, "callNear", MT_CALL);
                    storeCheck(t, k, false);
                }
                case HotForm.RET_NEAR -> {
                    mark(t, k);
                    t.aload(CPU).aload(MEM).ldc(d.kind0 == DecodedInsn.K_IMM ? d.num0 : 0).ldc(d.opSize)
                            .invokestatic(CD_FLOW, "retNear", MT_CALL);
                }
                case HotForm.SHL_R32_IMM, HotForm.SHR_R32_IMM, HotForm.SAR_R32_IMM -> {
                    int count = d.num1 & 0x1F;
                    if (count == 0) return;                    // changes nothing, not even a flag
                    t.aload(R).ldc(d.num0);
                    if (dead) {
                        loadReg(t, d.num0);
                        t.ldc(count);
                        switch (d.form) {
                            case HotForm.SHL_R32_IMM -> t.ishl();
                            case HotForm.SHR_R32_IMM -> t.iushr();
                            default -> t.ishr();
                        }
                    } else {
                        t.aload(CPU);
                        loadReg(t, d.num0);
                        t.ldc(count).iconst_4();
                        String method = switch (d.form) {
                            case HotForm.SHL_R32_IMM -> "shiftLeft";
                            case HotForm.SHR_R32_IMM -> "shiftRight";
                            default -> "shiftArithmeticRight";
                        };
                        t.invokestatic(CD_SHIFT, method, MT_SHIFT);
                    }
                    t.iastore();
                }
                case HotForm.LEA_R32 -> {
                    t.aload(R).ldc(d.num0);
                    effectiveAddress(t, d);
                    t.iastore();
                }
                default -> {
                    if (OperandForms.supports(d)) {
                        new OperandForms(t, k, d, insns.length, eip, member).emit();
                        return;
                    }
                    mark(t, k);
                    Label go = t.newLabel();
                    t.aload(IN).aload(THIS).getfield(CD_COMPILED, "insns", CD_INSN.arrayType()).ldc(offset + k).aaload()
                            .ldc(eip[k]).ldc(eip[k + 1]).aload(TB).ldc(k == insns.length - 1 ? 1 : 0)
                            .invokevirtual(CD_INTERP, "compiledGeneric", MT_GENERIC).ifeq(go);
                    t.aload(IN).ldc(k + 1).invokevirtual(CD_INTERP, "compiledStop", MT_INT_VOID);
                    t.ldc(member).ireturn();
                    t.labelBinding(go);
                }
            }
        }

        /** ALU index (HotForm order: ADD OR ADC SBB AND SUB XOR CMP TEST) of an ALU_R32_M32 instruction. */
        private static int aluIndex(DecodedInsn d) {
            return switch (d.mnemonic) {
                case ADD -> 0;
                case OR -> 1;
                case ADC -> 2;
                case SBB -> 3;
                case AND -> 4;
                case SUB -> 5;
                case XOR -> 6;
                case CMP -> 7;
                default -> throw new IllegalArgumentException(d.mnemonic + " has no register-memory ALU form");
            };
        }

        /**
         * r[dst] = r[dst] op source, with the flags through {@code Alu} unless dead. {@code alu}
         * in HotForm order: 0 ADD, 1 OR, 2 ADC, 3 SBB, 4 AND, 5 SUB, 6 XOR, 7 CMP, 8 TEST.
         */
        private void alu(CodeBuilder t, int alu, int dst, Runnable source, boolean dead) {
            boolean writes = alu != 7 && alu != 8;
            boolean carry = alu == 2 || alu == 3;
            if (dead && !writes) return;                     // CMP/TEST whose flags nobody reads
            if (dead && !carry) {
                t.aload(R).ldc(dst);
                loadReg(t, dst);
                source.run();
                switch (alu) {
                    case 0 -> t.iadd();
                    case 1 -> t.ior();
                    case 4 -> t.iand();
                    case 5 -> t.isub();
                    default -> t.ixor();
                }
                t.iastore();
                return;
            }
            if (writes) t.aload(R).ldc(dst);
            t.aload(CPU);
            switch (alu) {
                case 0, 2, 3, 5, 7 -> {
                    loadReg(t, dst);
                    source.run();
                    t.iconst_4();
                    String method = switch (alu) {
                        case 0 -> "add";
                        case 2 -> "adc";
                        case 3 -> "sbb";
                        default -> "sub";
                    };
                    t.invokestatic(CD_ALU, method, MT_ALU2);
                }
                default -> {
                    loadReg(t, dst);
                    source.run();
                    switch (alu) {
                        case 1 -> t.ior();
                        case 4, 8 -> t.iand();
                        default -> t.ixor();
                    }
                    t.iconst_4().invokestatic(CD_ALU, "logic", MT_ALU1);
                }
            }
            if (writes) t.iastore();
            else t.pop();
        }
    }
}
