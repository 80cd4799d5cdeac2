package javelin.softmmu;

/**
 * One vCPU's software TLB for one privilege view (the CPU keeps one for supervisor and one for
 * user accesses): direct mapped, virtual page to backing offset, with separate tags for read,
 * write and execute so one entry can allow reads but send writes down the slow path.
 *
 * <p>A tag is the page-aligned virtual address, or'ed with flag bits that force the slow path:
 * the fast path compares {@code tag == (vaddr & ~0xFFF)}, which fails whenever any flag is set
 * (QEMU's scheme). {@link #TLB_INVALID} is never page aligned, so an empty slot never matches.
 *
 * <p>Invariants:
 * [TLB-1] Only the owning vCPU thread fills or flushes this TLB. Other threads queue a flush as
 *         work for the owner (DESIGN.md, "Memory and threads"). So the arrays need no locking.
 * [TLB-2] An entry whose physical page holds translated code has {@link #TLB_NOTDIRTY} in its
 *         write tag, so every store to that page takes the slow path and reaches the code
 *         invalidation hook.
 */
public final class SoftTlb {
    public static final int BITS = 8;
    public static final int SIZE = 1 << BITS;
    public static final int PAGE_MASK = 0xFFFF_F000;

    /** The slot is empty. */
    public static final int TLB_INVALID = 1;
    /** The page is MMIO or unmapped: go through {@link PhysicalMemory#read}/{@code write}. */
    public static final int TLB_MMIO = 1 << 1;
    /** The page holds translated code: stores must notify the code tracker. */
    public static final int TLB_NOTDIRTY = 1 << 2;
    /** Writes to this page are dropped (ROM). */
    public static final int TLB_ROM = 1 << 3;

    public final int[] readTag = new int[SIZE];
    public final int[] writeTag = new int[SIZE];
    public final int[] execTag = new int[SIZE];
    /** Backing offset minus virtual page address: host = addend + vaddr. Only valid for RAM/ROM. */
    public final long[] addend = new long[SIZE];
    /** Physical page address of the entry (for the slow path and for code tracking). */
    public final long[] physPage = new long[SIZE];

    private long flushCount;

    public SoftTlb() {
        flushAll();
    }

    public static int index(int vaddr) {
        return (vaddr >>> 12) & (SIZE - 1);
    }

    public void flushAll() {
        java.util.Arrays.fill(readTag, TLB_INVALID);
        java.util.Arrays.fill(writeTag, TLB_INVALID);
        java.util.Arrays.fill(execTag, TLB_INVALID);
        flushCount++;
    }

    /** Drops the entry for the page containing {@code vaddr}, if present (INVLPG). */
    public void flushPage(int vaddr) {
        int i = index(vaddr);
        int page = vaddr & PAGE_MASK;
        if ((readTag[i] & PAGE_MASK) == page || (writeTag[i] & PAGE_MASK) == page || (execTag[i] & PAGE_MASK) == page) {
            readTag[i] = TLB_INVALID;
            writeTag[i] = TLB_INVALID;
            execTag[i] = TLB_INVALID;
        }
    }

    /**
     * Installs the translation {@code vaddr -> physAddr} found by the page walker.
     *
     * @param readable   reads allowed for this privilege view
     * @param writable   writes allowed (the walker has already set the dirty bit)
     * @param executable instruction fetch allowed
     */
    public void fill(int vaddr, long physAddr, boolean readable, boolean writable, boolean executable, PhysicalMemory mem) {
        int i = index(vaddr);
        int page = vaddr & PAGE_MASK;
        long ppage = physAddr & PhysicalMemory.PAGE_MASK;
        long host = mem.hostPageOffset(ppage);
        int flags = 0;
        if (host < 0) flags |= TLB_MMIO;
        int writeFlags = flags;
        if (host >= 0 && !mem.isRamPage(ppage)) writeFlags |= TLB_ROM;
        if (mem.isCodePage(ppage)) writeFlags |= TLB_NOTDIRTY;
        readTag[i] = readable ? page | flags : TLB_INVALID;
        writeTag[i] = writable ? page | writeFlags : TLB_INVALID;
        execTag[i] = executable ? page | flags : TLB_INVALID;
        addend[i] = host >= 0 ? host - (vaddr & 0xFFFF_F000L) : 0;
        physPage[i] = ppage;
    }

    /** Marks every entry of physical page {@code ppage} NOTDIRTY (a TB was just made on it). */
    public void markCodePage(long ppage) {
        for (int i = 0; i < SIZE; i++) {
            if (writeTag[i] != TLB_INVALID && physPage[i] == ppage) writeTag[i] |= TLB_NOTDIRTY;
        }
    }

    public long flushCount() {
        return flushCount;
    }
}
