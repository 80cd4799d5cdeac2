package javelin.softmmu.tb;

/**
 * How a CPU plugs into the engine. All methods are called on the vCPU's own thread.
 *
 * <p>Obligations of the front end:
 * <ul>
 * <li>The flags word packs every mode bit that changes how code decodes or runs, and never
 *     has {@link TranslationBlock#FLAG_INVALID} set.</li>
 * <li>When it flushes its TLB it also flushes the vCPU's jump cache (a page window on INVLPG,
 *     all of it on a CR3 write or mode change): {@link TbCache#flushJmpCachePage},
 *     {@link TbCache#flushJmpCache}. A jump-cache hit checks no physical address.</li>
 * <li>It registers its TLBs with {@link TbCache#registerTlbs} so that pages that become code
 *     are write-protected in them ([PG-2]).</li>
 * <li>[PG-3] Its vCPU thread reads and writes guest memory only inside its exec region, that
 *     is inside {@link TbExecutor#run}: interrupt delivery goes in {@link #enterRun}, exception
 *     delivery in {@link #deliverFault} (QEMU likewise handles both inside {@code cpu_exec}). A
 *     translator that makes a page code waits only for vCPUs inside their exec region; one
 *     outside serves the TLB protection before it next enters.</li>
 * <li>In {@link #translate} it reads code bytes only from pages the engine has prepared: the
 *     first page is prepared before the call; a block that runs into a second page calls
 *     {@link TbTranslation#addSecondPage} before reading a byte of it. It reports the byte
 *     length with {@link TbTranslation#setSize}.</li>
 * </ul>
 */
public interface TbFrontEnd<C> {
    long pc(C cpu);

    long csBase(C cpu);

    long flags(C cpu);

    /** Physical address of the instruction fetch at {@code pc}; may throw the front end's fault. */
    long physPc(C cpu, long pc);

    /** Decodes one block starting at {@code t}'s key; see the class comment for the page rules. */
    TbCode<C> translate(C cpu, TbTranslation t);

    /**
     * Called inside the exec region before the first block of every {@link TbExecutor#run}: the
     * place to deliver a pending interrupt. Returning false leaves the run loop at once (a halted
     * CPU with nothing to do).
     */
    default boolean enterRun(C cpu) {
        return true;
    }

    /**
     * Called inside the exec region when a lookup, translation or block throws: delivers the
     * guest fault (pushes its frame, sets the PC to the handler) or rethrows what is not one.
     * The state must be that of the faulting instruction, as the block left it.
     */
    default void deliverFault(C cpu, RuntimeException fault) {
        throw fault;
    }
}
