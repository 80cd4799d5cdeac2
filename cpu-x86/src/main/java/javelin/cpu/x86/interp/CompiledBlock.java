package javelin.cpu.x86.interp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.softmmu.tb.TranslationBlock;

/**
 * A translation block compiled to JVM bytecode by the translator ({@code javelin.cpu.x86.jit}):
 * a hidden class in this package (so its code calls the same package-private family methods the
 * interpreter calls) that extends this class. Its {@link #run} does what
 * {@link Interpreter#executeBlock} does for the same instructions, with the operand numbers,
 * immediates and addresses as constants and the dispatch gone.
 *
 * <p>The class is defined without {@code STRONG} ({@link #define}): it is reachable only through
 * its block, so an invalidated block's class is unloaded when the block is collected.
 */
public abstract class CompiledBlock {
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final MethodType CONSTRUCTOR =
            MethodType.methodType(void.class, DecodedInsn[].class, TranslationBlock[].class);

    /** The instructions of every block compiled here, for the ones the compiled code hands to the interpreter. */
    protected final DecodedInsn[] insns;
    /** The blocks compiled here (a region), the entry first: the code checks one's INVALID bit before entering it. */
    protected final TranslationBlock[] blocks;

    protected CompiledBlock(DecodedInsn[] insns, TranslationBlock[] blocks) {
        this.insns = insns;
        this.blocks = blocks;
    }

    /**
     * Runs the entry block from its first instruction with {@code cpu.eip} at it, then on into
     * the region's other blocks while the exits lead there, each with the contract of
     * {@link Interpreter#executeBlock} (retired count, {@link Interpreter#stoppedEarly}, EIP and
     * ESP of a faulting instruction, [SMC-1] against the block that is running). Returns the
     * index of the block that ran last, whose end decides the exit.
     */
    abstract int run(Interpreter in, CpuState cpu, int[] r, SegmentedMemory mem, Mmu mmu, TranslationBlock tb);

    /** Defines {@code classBytes} (a subclass of this class in this package) and makes its instance. */
    public static CompiledBlock define(byte[] classBytes, DecodedInsn[] insns, TranslationBlock[] blocks) {
        try {
            MethodHandles.Lookup hidden = LOOKUP.defineHiddenClass(classBytes, true);
            MethodHandle make = hidden.findConstructor(hidden.lookupClass(), CONSTRUCTOR);
            return (CompiledBlock) make.invoke(insns, blocks);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot define a compiled block", t);
        }
    }
}
