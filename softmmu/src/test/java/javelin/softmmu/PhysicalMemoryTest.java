package javelin.softmmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    private final PhysicalMemory mem = new PhysicalMemory(1 << 20, 1 << 20, new ReentrantLock());

    @Test
    void ramReadsBackWhatWasWrittenLittleEndian() {
        mem.mapRam(0, 1 << 20, 0);
        mem.writeDword(0x1000, 0x11223344);
        assertEquals(0x44, mem.readByte(0x1000));
        assertEquals(0x3344, mem.readWord(0x1000));
        assertEquals(0x11223344, mem.readDword(0x1000));
    }

    @Test
    void pageCrossingAccessIsSplitAcrossPages() {
        mem.mapRam(0, 1 << 20, 0);
        mem.writeDword(0x1FFE, 0xAABBCCDD);
        assertEquals(0xDD, mem.readByte(0x1FFE));
        assertEquals(0xAABB, mem.readWord(0x2000));
    }

    @Test
    void unmappedReadsAllOnesAndDropsWrites() {
        mem.writeDword(0x8000_0000L, 0);
        assertEquals(0xFF, mem.readByte(0x8000_0000L));
        assertEquals(0xFFFF_FFFF, mem.readDword(0x8000_0000L));
        assertEquals(-1L, mem.readQword(0x1_0000_0000L));
    }

    @Test
    void romIgnoresGuestWritesButLoaderFillsIt() {
        mem.loadRom(0xF0000, new byte[] {1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        mem.writeByte(0xF0000, 0x77);
        assertEquals(1, mem.readByte(0xF0000));
        assertEquals(0x04030201, mem.readDword(0xF0000));
    }

    @Test
    void mmioDispatchesSizeAndOffsetToHandler() {
        AtomicLong last = new AtomicLong();
        mem.mapMmio(0xFEC0_0000L, 0x1000, new MmioHandler() {
            @Override public long mmioRead(long offset, int size) { return offset * 16 + size; }
            @Override public void mmioWrite(long offset, int size, long value) { last.set(offset << 32 | size << 16 | value); }
        }, false);
        assertEquals(0x10 * 16 + 4, mem.readDword(0xFEC0_0010L));
        mem.writeWord(0xFEC0_0020L, 0xBEEF);
        assertEquals(0x20L << 32 | 2 << 16 | 0xBEEF, last.get());
    }

    @Test
    void remappingAnEqualMmioRegionReusesItsSlot() {
        MmioHandler handler = new MmioHandler() {
            @Override public long mmioRead(long offset, int size) { return 0; }
            @Override public void mmioWrite(long offset, int size, long value) { }
        };
        mem.mapMmio(0xC0000, 0x4000, handler, false);
        long first = mem.descriptor(0xC0000);
        mem.mapRam(0xC0000, 0x4000, 0xC0000);
        mem.mapMmio(0xC0000, 0x4000, handler, false);
        assertEquals(first, mem.descriptor(0xC0000));
        mem.mapMmio(0xD0000, 0x4000, handler, false);
        assertTrue(mem.descriptor(0xD0000) != first);
    }

    @Test
    void writesToCodePagesReachTheListener() {
        mem.mapRam(0, 1 << 20, 0);
        AtomicLong hit = new AtomicLong(-1);
        mem.setCodeWriteListener((pa, len) -> hit.set(pa));
        mem.writeByte(0x3004, 1);
        assertEquals(-1, hit.get());
        mem.setCodePage(0x3000, true);
        assertTrue(mem.isCodePage(0x3FFF));
        mem.writeByte(0x3004, 1);
        assertEquals(0x3004, hit.get());
    }
}
