package javelin.softmmu;

/**
 * A memory-mapped device region. {@code offset} is relative to the region's base; {@code size}
 * is 1, 2, 4 or 8 bytes; values are zero-extended little-endian. Called with the machine lock
 * held unless the region was registered as lock-free (see {@link PhysicalMemory#mapMmio}).
 */
public interface MmioHandler {
    long mmioRead(long offset, int size);

    void mmioWrite(long offset, int size, long value);
}
