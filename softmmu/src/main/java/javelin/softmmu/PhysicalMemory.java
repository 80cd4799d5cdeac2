package javelin.softmmu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The guest physical address space below 4 GiB, page by page: RAM, ROM, MMIO or nothing.
 *
 * <p>All guest-accessible memory (RAM, ROM images, video memory) lives in one off-heap
 * {@link MemorySegment}, the <em>backing</em>: RAM at offsets {@code [0, ramSize)}, then blocks
 * handed out by {@link #allocateBlock}. Keeping everything one native segment keeps every load
 * and store call site monomorphic (STACK.md: mixing heap and native segments costs ~15x). A TLB
 * entry for a RAM or ROM page stores a backing offset, so the CPU's fast path is one segment
 * access.
 *
 * <p>Each 4 KiB page of the 32-bit space maps to a {@code long} descriptor: a page-aligned
 * backing offset (RAM/ROM) or an MMIO region index, with the page kind in the low bits.
 * Mappings change only at board construction and when chipset registers (PAM, BARs) move
 * regions; each change calls the mapping listeners so vCPUs flush their TLBs.
 *
 * <p>Unmapped reads return all ones and unmapped writes are dropped, as on a PC bus.
 *
 * <p>Pages that hold translated code are tracked in {@link #codePages}; a write through
 * {@link #write} (or a DMA write) to such a page is reported to the code-write listener
 * before it returns, so translations of that page can be invalidated.
 *
 * <p>Threading: reads and writes of RAM are lock-free (vCPU threads share RAM). Guest order
 * is x86-TSO: {@link #read} ends with an acquire fence and {@link #write} starts with a
 * release fence, so the JIT reorders neither loads with loads nor stores with stores. MMIO dispatch
 * takes the machine lock unless the region was mapped lock-free. Mapping changes take the lock.
 */
public final class PhysicalMemory {
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    public static final long PAGE_MASK = ~(long) (PAGE_SIZE - 1);
    /** Pages of the 4 GiB physical space the page map covers; above it everything is unmapped. */
    static final int PAGE_COUNT = 1 << (32 - PAGE_SHIFT);

    // Page descriptor: low bits are the kind; the rest a page-aligned backing offset or MMIO index << PAGE_SHIFT.
    static final int KIND_MASK = 0x3;
    static final int KIND_UNMAPPED = 0;
    static final int KIND_RAM = 1;
    static final int KIND_ROM = 2;
    static final int KIND_MMIO = 3;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment backing;
    private final long ramSize;
    private long nextBlock;                              // guarded by lock
    private final long[] pages = new long[PAGE_COUNT];  // written under lock, read racily (mapping changes flush TLBs)
    private final List<MmioRegion> mmio = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock;
    private final List<Runnable> mappingListeners = new CopyOnWriteArrayList<>();
    private final AtomicLongArray codePages = new AtomicLongArray(PAGE_COUNT / 64);
    private volatile CodeWriteListener codeWriteListener = (pa, len) -> { };

    /** Receives writes that hit pages holding translated code. */
    @FunctionalInterface
    public interface CodeWriteListener {
        void codeWritten(long physAddr, int length);
    }

    private record MmioRegion(long base, long size, MmioHandler handler, boolean lockFree) { }

    /**
     * @param ramSize      guest RAM in bytes, a multiple of 4 KiB, mapped from physical 0 up to
     *                     {@code min(ramSize, ramWindowEnd)} by the board (not by this constructor)
     * @param extraBacking bytes reserved after RAM for ROMs and video memory
     */
    public PhysicalMemory(long ramSize, long extraBacking, ReentrantLock machineLock) {
        if (ramSize <= 0 || (ramSize & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB: " + ramSize);
        }
        this.ramSize = ramSize;
        this.lock = machineLock;
        this.backing = arena.allocate(ramSize + extraBacking, PAGE_SIZE);
        this.nextBlock = ramSize;
    }

    public long ramSize() { return ramSize; }

    /** The one native segment behind every RAM and ROM page; TLB entries index into it. */
    public MemorySegment backing() { return backing; }

    public ReentrantLock machineLock() { return lock; }

    /** Reserves {@code size} bytes (rounded up to pages) of backing after RAM; returns its offset. */
    public long allocateBlock(long size) {
        lock.lock();
        try {
            long rounded = (size + PAGE_SIZE - 1) & PAGE_MASK;
            if (nextBlock + rounded > backing.byteSize()) {
                throw new IllegalStateException("out of ROM/VRAM backing: need " + rounded + " more bytes");
            }
            long at = nextBlock;
            nextBlock += rounded;
            return at;
        } finally {
            lock.unlock();
        }
    }

    /** Maps backing {@code [backingOffset, +size)} at physical {@code base} as RAM (writable). */
    public void mapRam(long base, long size, long backingOffset) {
        mapBacking(base, size, backingOffset, KIND_RAM);
    }

    /** Maps backing at {@code base} as ROM: reads come from backing, guest writes are dropped. */
    public void mapRom(long base, long size, long backingOffset) {
        mapBacking(base, size, backingOffset, KIND_ROM);
    }

    /**
     * Copies {@code image} into a new backing block and maps it read-only at {@code base}; a
     * partial last page reads as zeros beyond the image.
     */
    public long loadRom(long base, byte[] image) {
        long at = allocateBlock(image.length);
        MemorySegment.copy(image, 0, backing, ValueLayout.JAVA_BYTE, at, image.length);
        mapRom(base, (image.length + PAGE_SIZE - 1) & PAGE_MASK, at);
        return at;
    }

    /**
     * Maps an MMIO region; {@code lockFree} handlers do their own locking. Mapping an equal
     * region again (same base, size, handler and locking) reuses its slot, so chipset
     * registers that toggle a mapping (PAM) cannot grow the region table without bound.
     */
    public void mapMmio(long base, long size, MmioHandler handler, boolean lockFree) {
        checkRange(base, size);
        lock.lock();
        try {
            MmioRegion region = new MmioRegion(base, size, handler, lockFree);
            int index = mmio.indexOf(region);
            if (index < 0) {
                index = mmio.size();
                mmio.add(region);
            }
            for (long pa = base; pa < base + size; pa += PAGE_SIZE) {
                pages[(int) (pa >>> PAGE_SHIFT)] = ((long) index << PAGE_SHIFT) | KIND_MMIO;
            }
        } finally {
            lock.unlock();
        }
        fireMappingChanged();
    }

    public void unmap(long base, long size) {
        checkRange(base, size);
        lock.lock();
        try {
            for (long pa = base; pa < base + size; pa += PAGE_SIZE) pages[(int) (pa >>> PAGE_SHIFT)] = KIND_UNMAPPED;
        } finally {
            lock.unlock();
        }
        fireMappingChanged();
    }

    private void mapBacking(long base, long size, long backingOffset, int kind) {
        checkRange(base, size);
        if ((backingOffset & (PAGE_SIZE - 1)) != 0 || backingOffset + size > backing.byteSize()) {
            throw new IllegalArgumentException("bad backing range " + backingOffset + "+" + size);
        }
        lock.lock();
        try {
            for (long off = 0; off < size; off += PAGE_SIZE) {
                pages[(int) ((base + off) >>> PAGE_SHIFT)] = (backingOffset + off) | kind;
            }
        } finally {
            lock.unlock();
        }
        fireMappingChanged();
    }

    private static void checkRange(long base, long size) {
        if ((base & (PAGE_SIZE - 1)) != 0 || (size & (PAGE_SIZE - 1)) != 0 || size <= 0 || base + size > (1L << 32)) {
            throw new IllegalArgumentException(String.format("mapping must be page aligned below 4 GiB: %#x+%#x", base, size));
        }
    }

    /** Called after every mapping change (TLBs caching host offsets must be flushed). */
    public void addMappingListener(Runnable listener) { mappingListeners.add(listener); }

    private void fireMappingChanged() {
        for (Runnable r : mappingListeners) r.run();
    }

    public void setCodeWriteListener(CodeWriteListener listener) { this.codeWriteListener = listener; }

    // ---- page lookup, for TLB fills ------------------------------------------------------

    /** The page descriptor for {@code physAddr}; see the KIND_ constants. */
    long descriptor(long physAddr) {
        return physAddr >>> 32 != 0 ? KIND_UNMAPPED : pages[(int) (physAddr >>> PAGE_SHIFT)];
    }

    /** Backing offset of the page containing {@code physAddr} if it is RAM or ROM, else -1. */
    public long hostPageOffset(long physAddr) {
        long d = descriptor(physAddr);
        int kind = (int) (d & KIND_MASK);
        return kind == KIND_RAM || kind == KIND_ROM ? d & PAGE_MASK : -1;
    }

    /** True if guest writes to this page land in backing (RAM, not ROM or MMIO). */
    public boolean isRamPage(long physAddr) {
        return (descriptor(physAddr) & KIND_MASK) == KIND_RAM;
    }

    // ---- code pages -----------------------------------------------------------------------

    public boolean isCodePage(long physAddr) {
        if (physAddr >>> 32 != 0) return false;
        int page = (int) (physAddr >>> PAGE_SHIFT);
        return (codePages.get(page >>> 6) & (1L << page)) != 0;
    }

    public void setCodePage(long physAddr, boolean holdsCode) {
        if (physAddr >>> 32 != 0) return;
        int page = (int) (physAddr >>> PAGE_SHIFT);
        long bit = 1L << page;
        if (holdsCode) codePages.getAndUpdate(page >>> 6, w -> w | bit);
        else codePages.getAndUpdate(page >>> 6, w -> w & ~bit);
    }

    // ---- accesses (slow path of the CPU, devices, DMA, loaders) ----------------------------

    public int readByte(long pa) {
        return (int) read(pa, 1);
    }

    public int readWord(long pa) {
        return (int) read(pa, 2);
    }

    public int readDword(long pa) {
        return (int) read(pa, 4);
    }

    public long readQword(long pa) {
        return read(pa, 8);
    }

    public void writeByte(long pa, int value) {
        write(pa, 1, value);
    }

    public void writeWord(long pa, int value) {
        write(pa, 2, value);
    }

    public void writeDword(long pa, int value) {
        write(pa, 4, value & 0xFFFF_FFFFL);
    }

    public void writeQword(long pa, long value) {
        write(pa, 8, value);
    }

    /** Reads {@code size} (1, 2, 4, 8) little-endian bytes; a page-crossing access is split. */
    public long read(long pa, int size) {
        if (((pa & (PAGE_SIZE - 1)) + size) > PAGE_SIZE) {
            long v = 0;
            for (int i = 0; i < size; i++) v |= (read(pa + i, 1) & 0xFFL) << (8 * i);
            return v;
        }
        long d = descriptor(pa);
        int kind = (int) (d & KIND_MASK);
        long off = (d & PAGE_MASK) + (pa & (PAGE_SIZE - 1));
        switch (kind) {
            case KIND_RAM, KIND_ROM -> {
                long v = switch (size) {
                    case 1 -> backing.get(ValueLayout.JAVA_BYTE, off) & 0xFFL;
                    case 2 -> backing.get(U16, off) & 0xFFFFL;
                    case 4 -> backing.get(U32, off) & 0xFFFF_FFFFL;
                    default -> backing.get(U64, off);
                };
                VarHandle.acquireFence();       // x86-TSO: no later load moves above this one
                return v;
            }
            case KIND_MMIO -> {
                return mmioRead(pa, d, size);
            }
            default -> {
                return size == 8 ? -1L : (1L << (size * 8)) - 1;
            }
        }
    }

    /** Writes {@code size} (1, 2, 4, 8) little-endian bytes; a page-crossing access is split. */
    public void write(long pa, int size, long value) {
        if (((pa & (PAGE_SIZE - 1)) + size) > PAGE_SIZE) {
            for (int i = 0; i < size; i++) write(pa + i, 1, value >>> (8 * i));
            return;
        }
        long d = descriptor(pa);
        int kind = (int) (d & KIND_MASK);
        switch (kind) {
            case KIND_RAM -> {
                long off = (d & PAGE_MASK) + (pa & (PAGE_SIZE - 1));
                VarHandle.releaseFence();       // x86-TSO: no earlier store moves below this one
                switch (size) {
                    case 1 -> backing.set(ValueLayout.JAVA_BYTE, off, (byte) value);
                    case 2 -> backing.set(U16, off, (short) value);
                    case 4 -> backing.set(U32, off, (int) value);
                    default -> backing.set(U64, off, value);
                }
                // The fence orders the data store before the code-bit load; the translator sets
                // the bit before it reads code bytes, so one of the two sees the other (Dekker).
                VarHandle.fullFence();
                if (isCodePage(pa)) codeWriteListener.codeWritten(pa, size);
            }
            case KIND_MMIO -> mmioWrite(pa, d, size, value);
            default -> { } // ROM and unmapped: dropped, as the bus does
        }
    }

    /** Copies guest physical memory into {@code dst} (DMA, loaders, snapshots). */
    public void readBytes(long pa, byte[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            long addr = pa + done;
            int chunk = (int) Math.min(len - done, PAGE_SIZE - (addr & (PAGE_SIZE - 1)));
            long host = hostPageOffset(addr);
            if (host >= 0) {
                MemorySegment.copy(backing, ValueLayout.JAVA_BYTE, host + (addr & (PAGE_SIZE - 1)), dst, off + done, chunk);
            } else {
                for (int i = 0; i < chunk; i++) dst[off + done + i] = (byte) readByte(addr + i);
            }
            done += chunk;
        }
    }

    /** Copies {@code src} into guest physical memory (DMA, loaders); ROM pages are skipped. */
    public void writeBytes(long pa, byte[] src, int off, int len) {
        int done = 0;
        while (done < len) {
            long addr = pa + done;
            int chunk = (int) Math.min(len - done, PAGE_SIZE - (addr & (PAGE_SIZE - 1)));
            if (isRamPage(addr)) {
                long host = hostPageOffset(addr);
                MemorySegment.copy(src, off + done, backing, ValueLayout.JAVA_BYTE, host + (addr & (PAGE_SIZE - 1)), chunk);
                VarHandle.fullFence();                  // as in write(): store before the code-bit load
                if (isCodePage(addr)) codeWriteListener.codeWritten(addr, chunk);
            } else {
                for (int i = 0; i < chunk; i++) writeByte(addr + i, src[off + done + i]);
            }
            done += chunk;
        }
    }

    /**
     * Writes bytes even into ROM pages: for firmware loaders that fill a ROM after mapping it,
     * never for guest accesses.
     */
    public void loadIntoRom(long pa, byte[] src) {
        for (int i = 0; i < src.length; i++) {
            long addr = pa + i;
            long host = hostPageOffset(addr);
            if (host < 0) throw new IllegalArgumentException(String.format("no RAM or ROM at %#x", addr));
            backing.set(ValueLayout.JAVA_BYTE, host + (addr & (PAGE_SIZE - 1)), src[i]);
        }
    }

    private long mmioRead(long pa, long d, int size) {
        MmioRegion r = mmio.get((int) (d >>> PAGE_SHIFT));
        if (r.lockFree) return r.handler.mmioRead(pa - r.base, size);
        lock.lock();
        try {
            return r.handler.mmioRead(pa - r.base, size);
        } finally {
            lock.unlock();
        }
    }

    private void mmioWrite(long pa, long d, int size, long value) {
        MmioRegion r = mmio.get((int) (d >>> PAGE_SHIFT));
        if (r.lockFree) {
            r.handler.mmioWrite(pa - r.base, size, value);
            return;
        }
        lock.lock();
        try {
            r.handler.mmioWrite(pa - r.base, size, value);
        } finally {
            lock.unlock();
        }
    }

    /** Frees the backing memory. The instance must not be used afterwards. */
    public void close() {
        arena.close();
    }
}
