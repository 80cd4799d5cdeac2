package javelin.cpu.x86.interp;

import java.util.concurrent.ConcurrentHashMap;
import javelin.cpu.x86.Mmu;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.softmmu.PhysicalMemory;

/**
 * Pre-decoded instructions per physical code page: an array of 4096 slots, one per byte
 * offset where an instruction may start. Only instructions that lie entirely inside one page
 * are kept, so every kept entry depends on the bytes of exactly one physical page.
 *
 * <p>Self-modifying code: the first entry on a page marks it "holds code" in
 * {@link PhysicalMemory} and in the caller's TLBs ({@code SoftTlb.TLB_NOTDIRTY}), so every
 * store to it takes the slow path and reaches {@link #codeWritten}, which drops the entries
 * whose bytes the store may have touched (those starting up to 14 bytes before it). A store
 * therefore takes effect for the very next instruction fetched, as on hardware after the
 * serialising jump the SDM asks for (vol. 3, 11.6), and without one too.
 *
 * <p>Threading: single vCPU. The per-page arrays are written by the owning vCPU thread and
 * cleared by whichever thread stores into the page; a multi-vCPU machine needs the softmmu
 * translation-block layer of DESIGN.md instead (TODO(#6): replace with TBs and jump caches).
 */
public final class CodeCache {
    private static final int MAX_INSN = 15;

    /** One physical page's decoded instructions, indexed by page offset. */
    static final class Page {
        final long physPage;
        final DecodedInsn[] insns = new DecodedInsn[PhysicalMemory.PAGE_SIZE];
        /** Cleared when the whole cache is flushed (by the owning vCPU thread); a holder must then look the page up again. */
        boolean valid = true;

        Page(long physPage) {
            this.physPage = physPage;
        }
    }

    private final PhysicalMemory mem;
    private final ConcurrentHashMap<Long, Page> pages = new ConcurrentHashMap<>();

    public CodeCache(PhysicalMemory mem) {
        this.mem = mem;
        mem.setCodeWriteListener(this::codeWritten);
        // A mapping change (PAM shadowing, a BAR move) can put other bytes behind a physical page.
        mem.addMappingListener(this::flushAll);
    }

    /** The page for {@code physPage}, creating it and marking the page as code in {@code mmu}'s TLBs. */
    Page page(long physPage, Mmu mmu) {
        Page p = pages.get(physPage);
        if (p == null) {
            p = new Page(physPage);
            Page old = pages.putIfAbsent(physPage, p);
            if (old != null) return old;
            mem.setCodePage(physPage, true);
            mmu.supervisorTlb.markCodePage(physPage);
            mmu.userTlb.markCodePage(physPage);
        }
        return p;
    }

    /** The code-write hook: drops entries that may contain the written bytes. */
    void codeWritten(long physAddr, int length) {
        long first = physAddr - (MAX_INSN - 1);
        long last = physAddr + length - 1;
        for (long page = first & PhysicalMemory.PAGE_MASK; page <= (last & PhysicalMemory.PAGE_MASK);
             page += PhysicalMemory.PAGE_SIZE) {
            Page p = pages.get(page);
            if (p == null) continue;
            int from = (int) Math.max(0, first - page);
            int to = (int) Math.min(PhysicalMemory.PAGE_SIZE - 1, last - page);
            java.util.Arrays.fill(p.insns, from, to + 1, null);
        }
    }

    /** Drops everything: after a snapshot restore, and (by itself) after every mapping change. */
    public void flushAll() {
        for (Page p : pages.values()) {
            p.valid = false;
            mem.setCodePage(p.physPage, false);
        }
        pages.clear();
    }

    int pageCount() {
        return pages.size();
    }
}
