package javelin.cpu.x86.exec;

import java.util.List;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.interp.CompiledBlock;
import javelin.cpu.x86.interp.Interpreter;
import javelin.cpu.x86.jit.BlockTranslator;
import javelin.cpu.x86.jit.JitCompiler;
import javelin.softmmu.tb.TbCode;
import javelin.softmmu.tb.TranslationBlock;

/**
 * The code of one x86 translation block: its pre-decoded instructions, run by the interpreter's
 * loop ({@link Interpreter#executeBlock}), and how the block ends, which decides the exit
 * reported to the engine. Immutable and shared by every vCPU.
 *
 * <p>Exits ({@link TbCode}): a block that ran to its end through a direct branch or by running
 * out of room returns 0/1 (fixed targets, nothing in the key changed), so the engine may chain
 * it; an indirect transfer returns {@link TbCode#EXIT_NO_CHAIN}; HLT returns
 * {@link TbCode#EXIT_LEAVE}. After an instruction that may change the key (STI, POPF, IRET, a
 * far transfer, a CR write ...) and after a one-instruction block (TF, interrupt shadow) the
 * block returns {@link TbCode#EXIT_LEAVE} when an interrupt could now be taken, the CPU halted
 * or shut down, so the run loop's entry delivers it; else {@link TbCode#EXIT_NO_CHAIN}.
 * [SMC-1] A block whose own store invalidated it, or whose REP string instruction paused,
 * returns {@link TbCode#EXIT_NO_CHAIN} with EIP at the next instruction to run.
 * Whatever the exit, a block that finds the vCPU's slice used up returns
 * {@link TbCode#EXIT_LEAVE} ({@link X86Vcpu#run}).
 */
final class X86Block implements TbCode<X86Vcpu>, JitCompiler.Target {
    /** Ran out of room (length, page end, an instruction that could not be decoded yet): continue at {@link #fallEip}. */
    static final int END_FALLTHROUGH = 0;
    /** Jcc, LOOPcc, JCXZ: exit 0 taken, exit 1 not taken. */
    static final int END_BRANCH = 1;
    /** JMP rel, CALL rel: exit 0. */
    static final int END_JUMP = 2;
    /** RET, JMP/CALL through a register or memory, UD2: no chaining. */
    static final int END_INDIRECT = 3;
    /** A row marked changesTbFlags. */
    static final int END_MODE = 4;
    static final int END_HALT = 5;

    private final DecodedInsn[] insns;
    private final int end;
    /** EIP of the first instruction (the key's pc less the CS base). */
    private final int startEip;
    /** EIP after the last instruction. */
    private final int fallEip;
    /** A one-instruction block under TF: the single-step trap follows the instruction. */
    private final boolean singleStep;
    /** A one-instruction block in an interrupt shadow (or under TF): the shadow ends after it. */
    private final boolean single;

    /** The compiler to ask once the block is hot, or null (interpreter only, or not worth compiling). */
    private final JitCompiler jit;
    /** Runs on the interpreter so far; racy increments from several vCPUs only delay the request. */
    private int heat;
    /**
     * The compiled code of the region this block enters, or null for the interpreter. A block's
     * code is swapped for its compiled twin by {@link TranslationBlock#replaceCode} ([TB-4]).
     */
    private final CompiledBlock compiled;
    /** The blocks of the compiled region, this one first; the code returns the index of the one that ran last. */
    private final X86Block[] region;

    X86Block(DecodedInsn[] insns, int end, int startEip, int fallEip, boolean single, boolean singleStep,
             JitCompiler jit) {
        this.insns = insns;
        this.end = end;
        this.startEip = startEip;
        this.fallEip = fallEip;
        this.single = single;
        this.singleStep = singleStep;
        this.jit = jit != null && BlockTranslator.worthCompiling(insns, single || singleStep) ? jit : null;
        this.compiled = null;
        this.region = null;
    }

    /** The compiled twin of {@code b}: the same instructions, run by {@code compiled}. */
    private X86Block(X86Block b, CompiledBlock compiled, X86Block[] region) {
        this.insns = b.insns;
        this.end = b.end;
        this.startEip = b.startEip;
        this.fallEip = b.fallEip;
        this.single = b.single;
        this.singleStep = b.singleStep;
        this.jit = null;
        this.compiled = compiled;
        this.region = region;
    }

    int length() {
        return insns.length;
    }

    int end() {
        return end;
    }

    @Override public DecodedInsn[] instructions() {
        return insns;
    }

    @Override public int startEip() {
        return startEip;
    }

    @Override public int fallEip() {
        return fallEip;
    }

    @Override public int ends() {
        return switch (end) {
            case END_FALLTHROUGH -> ENDS_FALLTHROUGH;
            case END_BRANCH -> ENDS_BRANCH;
            case END_JUMP -> ENDS_JUMP;
            default -> ENDS_OTHER;
        };
    }

    @Override public boolean compilable() {
        return !single && !singleStep;
    }

    @Override public boolean install(TranslationBlock tb, CompiledBlock code, List<JitCompiler.Target> members) {
        X86Block[] blocks = new X86Block[members.size()];
        for (int i = 0; i < blocks.length; i++) blocks[i] = (X86Block) members.get(i);
        return tb.replaceCode(new X86Block(this, code, blocks));
    }

    /** Whether this is compiled code. */
    boolean isCompiled() {
        return compiled != null;
    }

    @Override
    public int execute(X86Vcpu v, TranslationBlock tb) {
        CpuState cpu = v.cpu;
        Interpreter in = v.interp;
        if (compiled != null && in.tracer() == null) return executeCompiled(cpu, in, tb);
        if (jit != null && jit.threshold() == 0 && in.tracer() == null) {
            jit.submit(this, tb);                            // compiled on this thread before its first run
            if (tb.code() instanceof X86Block twin && twin.compiled != null) return twin.executeCompiled(cpu, in, tb);
        }
        if (single) cpu.interruptShadow = false;             // the shadow covered this one instruction
        in.executeBlock(insns, insns.length, tb);
        if (jit != null && ++heat == jit.threshold()) {
            if (!jit.submit(this, tb)) heat = 0;             // queue full: ask again later
        }
        return exit(cpu, in);
    }

    /**
     * The compiled region from here: its code returns the member that ran last, whose end
     * decides the exit. Only this block's own exits may be chained: an exit of another member
     * goes back through lookup.
     */
    private int executeCompiled(CpuState cpu, Interpreter in, TranslationBlock tb) {
        int last = in.executeCompiled(compiled, tb);
        int exit = region[last].exit(cpu, in);
        return last != 0 && exit >= 0 ? EXIT_NO_CHAIN : exit;
    }

    /** The exit after this block's instructions ran (on either tier). */
    private int exit(CpuState cpu, Interpreter in) {
        int exit;
        if (singleStep) {
            in.singleStepTrap();
            exit = eventOrNoChain(cpu, in);
        } else if (in.stoppedEarly()) {
            exit = EXIT_NO_CHAIN;
        } else if (single) {
            exit = eventOrNoChain(cpu, in);
        } else {
            exit = switch (end) {
                case END_FALLTHROUGH, END_JUMP -> 0;
                case END_BRANCH -> cpu.eip == fallEip ? 1 : 0;
                case END_INDIRECT -> EXIT_NO_CHAIN;
                case END_HALT -> EXIT_LEAVE;
                default -> eventOrNoChain(cpu, in);
            };
        }
        return in.sliceUsedUp() ? EXIT_LEAVE : exit;
    }

    /** After a possible change of IF, the shadow, NMI blocking or a halt: leave so the run loop's entry sees it. */
    private static int eventOrNoChain(CpuState cpu, Interpreter in) {
        if (cpu.halted || cpu.shutdownRequested) return EXIT_LEAVE;
        return !cpu.interruptShadow && in.wakeable() ? EXIT_LEAVE : EXIT_NO_CHAIN;
    }
}
