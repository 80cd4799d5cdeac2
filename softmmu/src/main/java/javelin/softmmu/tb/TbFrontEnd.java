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
}
