package javelin.devices.display;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import javelin.softmmu.PhysicalMemory;

/**
 * The adapter's video memory: one block of {@link PhysicalMemory} backing, so that the linear
 * framebuffer BAR can be mapped as ordinary RAM and the CPU writes it on its fast path.
 *
 * <p>Layout (the choice QEMU and Bochs' VBE make too): the first 256 KiB hold the four VGA
 * planes <em>interleaved</em>, byte {@code o} of plane {@code p} at {@code 4*o + p}, so one
 * 32-bit access reads or writes all four planes at one plane offset, exactly like the VGA's
 * 32-bit latch. VBE modes address the whole block linearly from offset 0.
 *
 * <p>The contents are guest RAM, not device state: they are not part of {@link Vga.State};
 * the board saves the block ({@link #backingOffset()}, {@link #size()}) with the rest of the
 * backing when it snapshots RAM.
 *
 * <p>Threading: plain reads and writes of native memory; vCPUs write the LFB without any
 * lock, the renderer reads racily (a torn pixel is repainted on the next frame).
 */
public final class VideoMemory {
    /** 16 MiB, the size QEMU gives {@code -vga std} by default (BAR0 size, VIDEO_MEMORY_64K). */
    public static final int DEFAULT_SIZE = 16 << 20;
    /** Bytes per VGA plane (64 KiB, IBM VGA Technical Reference: 256 KiB in four maps). */
    static final int PLANE_SIZE = 1 << 16;

    private final MemorySegment backing;
    private final long base;
    private final int size;

    /** Allocates {@code size} bytes of backing from {@code memory}. */
    public VideoMemory(PhysicalMemory memory, int size) {
        if (size < 4 * PLANE_SIZE || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("video memory must be a power of two of at least 256 KiB: " + size);
        }
        this.backing = memory.backing();
        this.base = memory.allocateBlock(size);
        this.size = size;
    }

    /** Offset of the block in {@link PhysicalMemory#backing()}. */
    public long backingOffset() { return base; }

    public int size() { return size; }

    MemorySegment backing() { return backing; }

    /** A byte of the linear (VBE) view. */
    int readLinear(int offset) {
        return backing.get(ValueLayout.JAVA_BYTE, base + (offset & (size - 1))) & 0xFF;
    }

    void writeLinear(int offset, int value) {
        backing.set(ValueLayout.JAVA_BYTE, base + (offset & (size - 1)), (byte) value);
    }

    /** Byte {@code offset} (0..64K) of plane {@code plane} (0..3). */
    int readPlane(int plane, int offset) {
        return backing.get(ValueLayout.JAVA_BYTE, base + (((offset & (PLANE_SIZE - 1)) << 2) | plane)) & 0xFF;
    }

    void writePlane(int plane, int offset, int value) {
        backing.set(ValueLayout.JAVA_BYTE, base + (((offset & (PLANE_SIZE - 1)) << 2) | plane), (byte) value);
    }

    /** The four planes at {@code offset} as one little-endian int, plane 0 in the low byte. */
    int readPlanes(int offset) {
        return backing.get(ValueLayout.JAVA_INT_UNALIGNED, base + ((long) (offset & (PLANE_SIZE - 1)) << 2));
    }

    void writePlanes(int offset, int value) {
        backing.set(ValueLayout.JAVA_INT_UNALIGNED, base + ((long) (offset & (PLANE_SIZE - 1)) << 2), value);
    }

    /** Zeroes {@code [offset, offset+length)} of the linear view (VBE mode set without NOCLEARMEM). */
    void clear(int offset, int length) {
        int from = Math.max(0, offset);
        int to = Math.min(size, offset + length);
        if (to > from) backing.asSlice(base + from, to - from).fill((byte) 0);
    }
}
