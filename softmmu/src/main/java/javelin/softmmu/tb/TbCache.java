package javelin.softmmu.tb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.SoftTlb;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;

/**
 * The code cache of one machine: lookup (jump cache, then physical table, then translate and
 * link), chaining, write protection of code pages, and the bounded size with its global flush.
 *
 * <p>Invariants (tests: {@code TbCacheTest}, {@code TbChainingStressTest},
 * {@code CodeCacheFlushStressTest}, {@code SelfModifyingCodeStressTest}):
 * [LK-1] Only the vCPU's own thread looks up, translates and installs into its jump cache.
 * [LK-2] A block taken from the physical table is used only if it is still valid; a block that
 *        lost the insert race is dropped and the winner used ([PT-1]).
 * [CH-1] An exit is chained only to a valid single-page successor on the same virtual page as
 *        the source's start, holding the successor's lock, by claiming the empty slot with
 *        compare-and-swap ([TB-2]).
 * [CH-2] Chaining never crosses a page: a mapping change makes the front end flush the jump
 *        cache, and a chain inside one page stays right for as long as its source does.
 * [FL-1] When the table holds {@code capacity} blocks, one flush is queued as safe work on the
 *        translating vCPU; it runs with every vCPU stopped ([EX-1]) and drops every block,
 *        page mark and jump-cache entry. Until it runs, translation goes on (a soft bound).
 */
public final class TbCache<C> {
    private final PhysicalMemory mem;
    private final VcpuSet vcpus;
    private final TbFrontEnd<C> frontEnd;
    private final int capacity;
    private final TbPhysTable phys = new TbPhysTable();
    private final PageCodeMap pages;
    private final List<TbJmpCache> jmpCaches;
    private final TbInvalidator invalidator;
    /** Per vCPU index, the TLBs to protect; written before the vCPUs start. */
    private final SoftTlb[][] tlbs;
    /** Per vCPU index: pages that vCPU must still protect; polled only by its owner. */
    private final List<ConcurrentLinkedQueue<ProtectRequest>> protectRequests;
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final LongAdder translated = new LongAdder();
    private final LongAdder raceLost = new LongAdder();
    private final LongAdder retranslated = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final LongAdder flushedBlocks = new LongAdder();
    final LongAdder chained = new LongAdder();

    /**
     * Builds the cache and installs its invalidator as {@code mem}'s code-write listener.
     *
     * @param capacity blocks held before a full flush is queued
     */
    public TbCache(PhysicalMemory mem, VcpuSet vcpus, TbFrontEnd<C> frontEnd, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity);
        this.mem = mem;
        this.vcpus = vcpus;
        this.frontEnd = frontEnd;
        this.capacity = capacity;
        this.pages = new PageCodeMap(mem);
        List<TbJmpCache> caches = new ArrayList<>();
        for (Vcpu v : vcpus.all()) caches.add(new TbJmpCache(v));
        this.jmpCaches = List.copyOf(caches);
        this.tlbs = new SoftTlb[vcpus.size()][];
        for (int i = 0; i < tlbs.length; i++) tlbs[i] = new SoftTlb[0];
        List<ConcurrentLinkedQueue<ProtectRequest>> queues = new ArrayList<>();
        for (int i = 0; i < vcpus.size(); i++) queues.add(new ConcurrentLinkedQueue<>());
        this.protectRequests = List.copyOf(queues);
        this.invalidator = new TbInvalidator(pages, phys, jmpCaches);
        pages.setProtector(this::protect);
        mem.setCodeWriteListener(invalidator);
    }

    /** The TLBs of {@code v} whose write entries must be marked NOTDIRTY on code pages ([PG-2]). */
    public void registerTlbs(Vcpu v, SoftTlb... vcpuTlbs) {
        tlbs[v.index()] = vcpuTlbs.clone();
    }

    TbFrontEnd<C> frontEnd() {
        return frontEnd;
    }

    VcpuSet vcpus() {
        return vcpus;
    }

    TbJmpCache jmpCache(Vcpu v) {
        return jmpCaches.get(v.index());
    }

    TbInvalidator invalidator() {
        return invalidator;
    }

    PageCodeMap pages() {
        return pages;
    }

    TbPhysTable phys() {
        return phys;
    }

    /** [LK-1], [LK-2] The block for the CPU's current key, translating it if needed. */
    public TranslationBlock lookup(Vcpu v, C cpu) {
        long pc = frontEnd.pc(cpu);
        long csBase = frontEnd.csBase(cpu);
        long flags = frontEnd.flags(cpu);
        assert (flags & TranslationBlock.FLAG_INVALID) == 0 : "a front end asked for the INVALID bit";
        TbJmpCache jc = jmpCaches.get(v.index());
        TranslationBlock tb = jc.lookup(pc, csBase, flags);
        if (tb != null) return tb;
        long physPc = frontEnd.physPc(cpu, pc);
        tb = phys.get(physPc, pc, csBase, flags);
        if (tb == null || tb.isInvalid()) tb = translateAndLink(v, cpu, pc, csBase, flags, physPc);
        jc.install(tb);
        return tb;
    }

    private TranslationBlock translateAndLink(Vcpu v, C cpu, long pc, long csBase, long flags, long physPc) {
        assert v.isOwnerThread();
        if (phys.size() >= capacity && flushQueued.compareAndSet(false, true)) {
            vcpus.runSafeOnCpu(v, this::flushAllExclusive);      // [FL-1]
        }
        while (true) {
            TbTranslation t = new TbTranslation(pages, pc, csBase, flags, physPc);
            TbCode<C> code;
            int size;
            try {
                code = frontEnd.translate(cpu, t);
                size = t.size();
            } catch (RuntimeException | Error e) {
                t.abandon();
                throw e;
            }
            TranslationBlock tb = new TranslationBlock(pc, csBase, flags, physPc, t.physPage2(), size, code);
            translated.increment();
            TranslationBlock linked = pages.link(tb, t.first, t.second, phys);
            if (linked == tb) return tb;
            if (linked != null) {
                raceLost.increment();
                return linked;
            }
            retranslated.increment();                            // [PG-4]: a write raced; read again
        }
    }

    /** [CH-1] Tries to make exit {@code slot} of {@code from} jump straight into {@code to}. */
    void tryChain(TranslationBlock from, int slot, TranslationBlock to) {
        if (to.physPage2 != TranslationBlock.NO_PAGE) return;
        if ((from.pc ^ to.pc) >>> PhysicalMemory.PAGE_SHIFT != 0) return;   // [CH-2]
        if (from.jumps.get(slot) != null) return;
        to.lock.lock();
        try {
            if (to.isInvalid()) return;
            if (from.jumps.compareAndSet(slot, null, to)) {
                to.addIncomingLocked(from, slot);
                chained.increment();
            }
        } finally {
            to.lock.unlock();
        }
    }

    /**
     * [PG-2], [PG-3] A page just became code: protect it in every vCPU's TLBs, and return only
     * when no vCPU can still store into it through the fast path unseen. Called on the
     * translating vCPU's thread, with no lock held.
     */
    private void protect(long page) {
        Vcpu self = null;
        List<ProtectRequest> sent = new ArrayList<>();
        for (Vcpu v : vcpus.all()) {
            SoftTlb[] own = tlbs[v.index()];
            if (own.length == 0) continue;
            if (v.isOwnerThread()) {
                self = v;
                for (SoftTlb t : own) t.markCodePage(page);      // our own earlier stores precede this in program order
                continue;
            }
            ProtectRequest r = new ProtectRequest(v, page);
            protectRequests.get(v.index()).add(r);
            vcpus.runOnCpu(v, () -> serveProtectRequests(v));
            sent.add(r);
        }
        for (ProtectRequest r : sent) {
            // Done: the owner marked its TLB after its earlier stores. Not running: it left its
            // exec region after its last store and serves its work before the next block.
            while (!r.done && r.vcpu.isRunning()) {
                // Another translator may be waiting for us just as we wait for it.
                if (self != null) serveProtectRequests(self);
                Thread.yield();
            }
        }
    }

    /** [PG-3] Owner thread of {@code v}: marks its TLBs for every page asked so far. */
    private void serveProtectRequests(Vcpu v) {
        assert v.isOwnerThread();
        ProtectRequest r;
        while ((r = protectRequests.get(v.index()).poll()) != null) {
            for (SoftTlb t : tlbs[v.index()]) t.markCodePage(r.page);
            r.done = true;
        }
    }

    /** A page to protect in one vCPU's TLBs; {@code done} is written by that vCPU's thread. */
    private static final class ProtectRequest {
        final Vcpu vcpu;
        final long page;
        volatile boolean done;

        ProtectRequest(Vcpu vcpu, long page) {
            this.vcpu = vcpu;
            this.page = page;
        }
    }

    /** [JC-1] Owner only: the front end flushed the TLB entry of the page holding {@code vaddr}. */
    public void flushJmpCachePage(Vcpu v, long vaddr) {
        assert v.isOwnerThread();
        jmpCaches.get(v.index()).flushPage(vaddr);
    }

    /** [JC-1] Owner only: the front end flushed its whole TLB. */
    public void flushJmpCache(Vcpu v) {
        assert v.isOwnerThread();
        jmpCaches.get(v.index()).flushAll();
    }

    /**
     * [FL-1] Drops every block: all vCPUs must be stopped (call inside an exclusive section,
     * e.g. through {@link VcpuSet#runExclusive}; also used on snapshot restore).
     */
    public void flushAllExclusive() {
        assert vcpus.exclusive().heldByCurrentThread() : "code cache flush outside an exclusive section";
        int n = 0;
        for (TranslationBlock tb : phys.blocks()) {
            tb.lock.lock();
            try {
                tb.setInvalidLocked();
            } finally {
                tb.lock.unlock();
            }
            n++;
        }
        phys.clear();
        pages.clearExclusive();
        for (TbJmpCache jc : jmpCaches) jc.flushAll();
        flushes.increment();
        flushedBlocks.add(n);
        flushQueued.set(false);
    }

    public int size() {
        return phys.size();
    }

    public int capacity() {
        return capacity;
    }

    public TbStats stats() {
        long hits = 0;
        long misses = 0;
        for (TbJmpCache jc : jmpCaches) {
            hits += jc.hits();
            misses += jc.misses();
        }
        return new TbStats(phys.size(), translated.sum(), raceLost.sum(), retranslated.sum(),
                invalidator.invalidated.sum(), flushes.sum(), flushedBlocks.sum(), invalidator.codeWrites.sum(),
                chained.sum(), hits, misses);
    }
}
