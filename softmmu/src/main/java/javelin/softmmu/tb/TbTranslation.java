package javelin.softmmu.tb;

import javelin.softmmu.PhysicalMemory;

/**
 * One translation in progress, handed to {@link TbFrontEnd#translate}: the key, and the pages
 * the front end may read ([PG-2], [PG-4]). Confined to the translating vCPU thread.
 */
public final class TbTranslation {
    private final PageCodeMap map;
    private final long pc;
    private final long csBase;
    private final long flags;
    private final long physPc;
    final PageCodeMap.Prepared first;
    PageCodeMap.Prepared second;
    private int size = -1;

    TbTranslation(PageCodeMap map, long pc, long csBase, long flags, long physPc) {
        this.map = map;
        this.pc = pc;
        this.csBase = csBase;
        this.flags = flags;
        this.physPc = physPc;
        this.first = map.prepare(physPc & PhysicalMemory.PAGE_MASK);
    }

    public long pc() {
        return pc;
    }

    public long csBase() {
        return csBase;
    }

    public long flags() {
        return flags;
    }

    public long physPc() {
        return physPc;
    }

    /**
     * Registers the block's second physical page; call before reading any byte of it. A block
     * covers at most two pages (DESIGN.md), so a second call is an error of the front end.
     */
    public void addSecondPage(long physAddr) {
        long page = physAddr & PhysicalMemory.PAGE_MASK;
        if (second != null) throw new IllegalStateException("a block covers at most two pages");
        if (page == first.page().page) throw new IllegalArgumentException(String.format("%#x is the first page", page));
        second = map.prepare(page);
    }

    /** The block's length in bytes, from {@link #pc()}. */
    public void setSize(int bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("empty block");
        this.size = bytes;
    }

    int size() {
        if (size < 0) throw new IllegalStateException("front end did not set the block size");
        return size;
    }

    long physPage2() {
        return second == null ? TranslationBlock.NO_PAGE : second.page().page;
    }

    void abandon() {
        map.abandon(first);
        if (second != null) map.abandon(second);
    }
}
