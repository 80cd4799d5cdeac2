package javelin.softmmu.tb;

/**
 * What a translation block runs: pre-decoded instructions for the interpreter today, a hidden
 * class later. Shared by every vCPU, so it keeps no per-vCPU state; the CPU comes as argument.
 *
 * <p>Contract with the engine:
 * <ul>
 * <li>The return value is the exit taken. {@code 0} or {@code 1} name a <em>direct</em> exit:
 *     its target PC is fixed at translation time and the exit changes neither csBase nor the
 *     flags word nor the virtual-to-physical mapping of code, so the engine may chain it
 *     straight into the successor. {@link #EXIT_NO_CHAIN} is any other exit (indirect jump,
 *     mode change, serializing instruction, interrupt window); {@link #EXIT_LEAVE} asks the run
 *     loop to return to its caller (HLT, an exception the front end delivers outside).</li>
 * <li>[SMC-1] After every store that took the slow path (a TLB entry with NOTDIRTY), the code
 *     checks {@link TranslationBlock#isInvalid()} on {@code tb}. If set, the store hit this very
 *     block: the instruction is completed, the CPU's PC set to the next instruction and the
 *     block returns {@link #EXIT_NO_CHAIN}, so the next instruction is fetched from the new
 *     bytes (precise self-modifying code).</li>
 * </ul>
 */
@FunctionalInterface
public interface TbCode<C> {
    /** An exit that must go back through lookup. */
    int EXIT_NO_CHAIN = -1;
    /** Leave the run loop and return to the front end. */
    int EXIT_LEAVE = -2;

    int execute(C cpu, TranslationBlock tb);
}
