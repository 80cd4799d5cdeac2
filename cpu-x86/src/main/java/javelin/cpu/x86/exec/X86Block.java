package javelin.cpu.x86.exec;

import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.interp.Interpreter;
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
final class X86Block implements TbCode<X86Vcpu> {
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
    /** EIP after the last instruction. */
    private final int fallEip;
    /** A one-instruction block under TF: the single-step trap follows the instruction. */
    private final boolean singleStep;
    /** A one-instruction block in an interrupt shadow (or under TF): the shadow ends after it. */
    private final boolean single;

    X86Block(DecodedInsn[] insns, int end, int fallEip, boolean single, boolean singleStep) {
        this.insns = insns;
        this.end = end;
        this.fallEip = fallEip;
        this.single = single;
        this.singleStep = singleStep;
    }

    int length() {
        return insns.length;
    }

    int end() {
        return end;
    }

    @Override
    public int execute(X86Vcpu v, TranslationBlock tb) {
        CpuState cpu = v.cpu;
        Interpreter in = v.interp;
        if (single) cpu.interruptShadow = false;             // the shadow covered this one instruction
        in.executeBlock(insns, insns.length, tb);
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
