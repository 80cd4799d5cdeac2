package javelin.devices.fwcfg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Drives the device through its ports as SeaBIOS does. Expected byte layouts are those of
 * QEMU's docs/specs/fw_cfg.rst: "QEMU" signature, ID bit 1 for DMA, a big-endian directory of
 * 64-byte entries (u32 size, u16 select, u16 reserved, char name[56]), big-endian
 * FWCfgDmaAccess with control bits error 0, read 1, skip 2, select 3 (index in the upper 16
 * bits), write 4, and a control word of 0 after a successful transfer.
 */
class FwCfgTest {
    static final int SELECTOR = 0x510;
    static final int DATA = 0x511;
    static final int DMA_HIGH = 0x514;
    static final int DMA_LOW = 0x518;
    static final long ACCESS = 0x1000;
    static final long BUFFER = 0x2000;

    final ReentrantLock lock = new ReentrantLock();
    PhysicalMemory memory;
    IoPortBus bus;
    FwCfg fwCfg;

    @BeforeEach
    void board() {
        memory = new PhysicalMemory(1 << 20, 0, lock);
        memory.mapRam(0, 1 << 20, 0);
        bus = new IoPortBus(lock);
        fwCfg = new FwCfg(memory, DMA_HIGH);
        bus.register(SELECTOR, FwCfg.PORT_COUNT, fwCfg);
        bus.register(DMA_HIGH, FwCfg.DMA_PORT_COUNT, fwCfg);
    }

    @AfterEach
    void free() {
        memory.close();
    }

    void select(int key) {
        bus.write(SELECTOR, 2, key);
    }

    byte[] readData(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) bus.read(DATA, 1);
        return b;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes a FWCfgDmaAccess at ACCESS and starts it the way SeaBIOS does (one outl of the low half). */
    void dma(int control, int length, long address) {
        memory.writeDword(ACCESS, Integer.reverseBytes(control));
        memory.writeDword(ACCESS + 4, Integer.reverseBytes(length));
        memory.writeDword(ACCESS + 8, Integer.reverseBytes((int) (address >>> 32)));
        memory.writeDword(ACCESS + 12, Integer.reverseBytes((int) address));
        bus.write(DMA_LOW, 4, Integer.reverseBytes((int) ACCESS));
    }

    int dmaControlAfter() {
        return Integer.reverseBytes(memory.readDword(ACCESS));
    }

    byte[] guestBytes(long at, int n) {
        byte[] b = new byte[n];
        memory.readBytes(at, b, 0, n);
        return b;
    }

    @Nested
    class SignatureAndId {
        @Test
        void signatureItemReadsQemu() {
            select(FwCfg.KEY_SIGNATURE);
            assertArrayEquals(ascii("QEMU"), readData(4));
        }

        @Test
        void idHasTheTraditionalAndDmaBits() {
            select(FwCfg.KEY_ID);
            assertArrayEquals(new byte[] {3, 0, 0, 0}, readData(4));
        }

        @Test
        void dmaAddressRegisterReadsQemuCfgInByteOrder() {
            assertEquals(0x554D4551, bus.read(DMA_HIGH, 4), "bytes Q E M U");
            assertEquals(0x47464320, bus.read(DMA_LOW, 4), "bytes ' ' C F G");
            assertEquals('Q', bus.read(DMA_HIGH, 1));
        }

        @Test
        void signatureIsSelectedAfterReset() {
            select(FwCfg.KEY_ID);
            readData(2);
            fwCfg.reset();
            assertArrayEquals(ascii("QEMU"), readData(4));
        }
    }

    @Nested
    class SelectorAndData {
        @Test
        void selectingRewindsTheOffset() {
            select(FwCfg.KEY_SIGNATURE);
            readData(2);
            select(FwCfg.KEY_SIGNATURE);
            assertArrayEquals(ascii("QE"), readData(2));
        }

        @Test
        void readsPastTheEndReturnZero() {
            select(FwCfg.KEY_SIGNATURE);
            readData(4);
            assertArrayEquals(new byte[] {0, 0}, readData(2));
        }

        @Test
        void anUnknownKeyReadsZero() {
            select(0x1234);
            assertArrayEquals(new byte[] {0, 0, 0}, readData(3));
        }

        @Test
        void theWriteChannelBitIsIgnored() {
            select(FwCfg.KEY_SIGNATURE | 0x4000);
            assertArrayEquals(ascii("QEMU"), readData(4));
        }

        @Test
        void numericItemsAreLittleEndian() {
            fwCfg.putUint64(FwCfg.KEY_RAM_SIZE, 0x0800_0000L);
            fwCfg.putUint16(FwCfg.KEY_NB_CPUS, 4);
            select(FwCfg.KEY_RAM_SIZE);
            assertArrayEquals(new byte[] {0, 0, 0, 8, 0, 0, 0, 0}, readData(8));
            select(FwCfg.KEY_NB_CPUS);
            assertArrayEquals(new byte[] {4, 0}, readData(2));
        }

        @Test
        void architectureLocalKeysAreSeparateFromGenericOnes() {
            fwCfg.putUint32(FwCfg.KEY_E820_TABLE, 7);
            select(FwCfg.KEY_E820_TABLE & ~FwCfg.KEY_ARCH_LOCAL);
            assertArrayEquals(new byte[] {0, 0, 0, 0}, readData(4), "key 3 without bit 15 is RAM_SIZE, unset here");
            select(FwCfg.KEY_E820_TABLE);
            assertArrayEquals(new byte[] {7, 0, 0, 0}, readData(4));
        }

        @Test
        void dataPortWritesAreIgnored() {
            select(FwCfg.KEY_SIGNATURE);
            bus.write(DATA, 1, 0x55);
            assertArrayEquals(ascii("QEMU"), readData(4));
        }

        @Test
        void aByteReadAtTheSelectorPortReadsData() {
            select(FwCfg.KEY_SIGNATURE);
            assertEquals('Q', bus.read(SELECTOR, 1));
            assertEquals('E', bus.read(DATA, 1));
        }

        @Test
        void aDwordReadOfTheDataPortReadsAllOnesAndDoesNotAdvance() {
            select(FwCfg.KEY_SIGNATURE);
            assertEquals(0xFFFF_FFFF, bus.read(SELECTOR, 4));
            assertEquals('Q', bus.read(DATA, 1));
        }
    }

    @Nested
    class FileDirectory {
        @Test
        void directoryIsSortedByNameWithBigEndianEntries() {
            fwCfg.putFile("etc/e820", new byte[20], false);
            fwCfg.putFile("bootorder", ascii("/pci@i0cf8/ide@1,1/drive@0/disk@0\0"), false);
            select(FwCfg.KEY_FILE_DIR);
            byte[] dir = readData(4 + 2 * 64);
            assertArrayEquals(new byte[] {0, 0, 0, 2}, java.util.Arrays.copyOfRange(dir, 0, 4));
            // entry 0: "bootorder", 34 bytes, select 0x0020
            assertArrayEquals(new byte[] {0, 0, 0, 34, 0, 0x20, 0, 0}, java.util.Arrays.copyOfRange(dir, 4, 12));
            assertEquals("bootorder", nameAt(dir, 12));
            // entry 1: "etc/e820", 20 bytes, select 0x0021
            assertArrayEquals(new byte[] {0, 0, 0, 20, 0, 0x21, 0, 0}, java.util.Arrays.copyOfRange(dir, 68, 76));
            assertEquals("etc/e820", nameAt(dir, 76));
            assertEquals(0x21, fwCfg.fileKey("etc/e820"));
        }

        String nameAt(byte[] dir, int at) {
            int end = at;
            while (dir[end] != 0) end++;
            for (int i = end; i < at + 56; i++) assertEquals(0, dir[i], "name is NUL-padded");
            return new String(dir, at, end - at, StandardCharsets.US_ASCII);
        }

        @Test
        void aFileIsReadThroughItsSelector() {
            fwCfg.putFile("etc/show-boot-menu", new byte[] {1, 0}, false);
            select(fwCfg.fileKey("etc/show-boot-menu"));
            assertArrayEquals(new byte[] {1, 0}, readData(2));
        }

        @Test
        void emptyDirectoryHasCountZero() {
            select(FwCfg.KEY_FILE_DIR);
            assertArrayEquals(new byte[] {0, 0, 0, 0, 0}, readData(5));
        }

        @Test
        void namesOf56CharactersAreRefused() {
            assertThrows(IllegalArgumentException.class, () -> fwCfg.putFile("x".repeat(56), new byte[1], false));
        }

        @Test
        void fileKeysCannotBeSetAsNumberedItems() {
            assertThrows(IllegalArgumentException.class, () -> fwCfg.putBytes(FwCfg.KEY_FILE_FIRST, new byte[1]));
            assertThrows(IllegalArgumentException.class, () -> fwCfg.putBytes(FwCfg.KEY_FILE_DIR, new byte[1]));
        }
    }

    @Nested
    class Dma {
        @Test
        void selectAndReadCopiesTheItemAndClearsControl() {
            dma(FwCfg.KEY_SIGNATURE << 16 | FwCfg.DMA_CTL_SELECT | FwCfg.DMA_CTL_READ, 4, BUFFER);
            assertArrayEquals(ascii("QEMU"), guestBytes(BUFFER, 4));
            assertEquals(0, dmaControlAfter());
        }

        @Test
        void readingPastTheEndZeroFills() {
            memory.writeBytes(BUFFER, new byte[] {9, 9, 9, 9, 9, 9}, 0, 6);
            dma(FwCfg.KEY_SIGNATURE << 16 | FwCfg.DMA_CTL_SELECT | FwCfg.DMA_CTL_READ, 6, BUFFER);
            assertArrayEquals(new byte[] {'Q', 'E', 'M', 'U', 0, 0}, guestBytes(BUFFER, 6));
            assertEquals(0, dmaControlAfter());
        }

        @Test
        void skipAdvancesTheOffsetSharedWithTheDataPort() {
            dma(FwCfg.KEY_SIGNATURE << 16 | FwCfg.DMA_CTL_SELECT | FwCfg.DMA_CTL_SKIP, 2, 0);
            assertEquals(0, dmaControlAfter());
            assertArrayEquals(ascii("MU"), readData(2));
        }

        @Test
        void readContinuesFromTheDataPortOffset() {
            select(FwCfg.KEY_SIGNATURE);
            readData(1);
            dma(FwCfg.DMA_CTL_READ, 3, BUFFER);
            assertArrayEquals(ascii("EMU"), guestBytes(BUFFER, 3));
        }

        @Test
        void selectAloneOnlySelects() {
            fwCfg.putUint32(FwCfg.KEY_NB_CPUS, 2);
            dma(FwCfg.KEY_NB_CPUS << 16 | FwCfg.DMA_CTL_SELECT, 4, BUFFER);
            assertEquals(0, dmaControlAfter());
            assertArrayEquals(new byte[] {2, 0}, readData(2));
        }

        @Test
        void writeToAWritableFileChangesItsContents() {
            fwCfg.putFile("etc/vmgenid_addr", new byte[8], true);
            memory.writeBytes(BUFFER, new byte[] {1, 2, 3, 4}, 0, 4);
            dma(fwCfg.fileKey("etc/vmgenid_addr") << 16 | FwCfg.DMA_CTL_SELECT | FwCfg.DMA_CTL_WRITE, 4, BUFFER);
            assertEquals(0, dmaControlAfter());
            select(fwCfg.fileKey("etc/vmgenid_addr"));
            assertArrayEquals(new byte[] {1, 2, 3, 4, 0, 0, 0, 0}, readData(8));
        }

        @Test
        void writeToAReadOnlyItemSetsTheErrorBit() {
            dma(FwCfg.KEY_SIGNATURE << 16 | FwCfg.DMA_CTL_SELECT | FwCfg.DMA_CTL_WRITE, 4, BUFFER);
            assertEquals(FwCfg.DMA_CTL_ERROR, dmaControlAfter());
            select(FwCfg.KEY_SIGNATURE);
            assertArrayEquals(ascii("QEMU"), readData(4));
        }

        @Test
        void aWritePastTheEndIsRefusedWhole() {
            fwCfg.putFile("etc/w", new byte[4], true);
            memory.writeBytes(BUFFER, new byte[] {1, 2, 3, 4, 5}, 0, 5);
            dma(fwCfg.fileKey("etc/w") << 16 | FwCfg.DMA_CTL_SELECT | FwCfg.DMA_CTL_WRITE, 5, BUFFER);
            assertEquals(FwCfg.DMA_CTL_ERROR, dmaControlAfter());
            select(fwCfg.fileKey("etc/w"));
            assertArrayEquals(new byte[4], readData(4));
        }

        @Test
        void theHighHalfIsLatchedUntilTheLowHalfStartsTheTransfer() {
            // A 64-bit address above 4 GiB: there is no memory there, so nothing happens.
            bus.write(DMA_HIGH, 4, Integer.reverseBytes(1));
            memory.writeDword(ACCESS, Integer.reverseBytes(FwCfg.DMA_CTL_READ));
            bus.write(DMA_LOW, 4, Integer.reverseBytes((int) ACCESS));
            assertEquals(Integer.reverseBytes(FwCfg.DMA_CTL_READ), memory.readDword(ACCESS),
                    "the structure at 0x1000 was not used: the address was 4 GiB + 0x1000");
            dma(FwCfg.KEY_SIGNATURE << 16 | FwCfg.DMA_CTL_SELECT | FwCfg.DMA_CTL_READ, 4, BUFFER);
            assertEquals(0, dmaControlAfter(), "the register is cleared after an operation");
        }
    }

    @Nested
    class Snapshot {
        @Test
        void roundTripsThroughARestoreAndJson() throws Exception {
            fwCfg.putFile("etc/w", new byte[4], true);
            fwCfg.putFile("etc/r", new byte[4], false);
            memory.writeBytes(BUFFER, new byte[] {7, 7}, 0, 2);
            dma(fwCfg.fileKey("etc/w") << 16 | FwCfg.DMA_CTL_SELECT | FwCfg.DMA_CTL_WRITE, 2, BUFFER);
            select(FwCfg.KEY_SIGNATURE);
            readData(3);
            bus.write(DMA_HIGH, 4, Integer.reverseBytes(5));
            FwCfg.State saved = fwCfg.saveState();

            FwCfg fresh = new FwCfg(memory, DMA_HIGH);
            fresh.putFile("etc/w", new byte[4], true);
            fresh.putFile("etc/r", new byte[4], false);
            fresh.restoreState(saved);
            assertEquals(saved, fresh.saveState());
            assertEquals('U', fresh.ioRead(DATA, 1));

            ObjectMapper json = new ObjectMapper();
            assertEquals(saved, json.readValue(json.writeValueAsString(saved), FwCfg.State.class));
        }

        @Test
        void version1FixtureRestoresSelectorOffsetAndWrittenFile() throws Exception {
            fwCfg.putFile("etc/w", new byte[4], true);
            try (var in = getClass().getResourceAsStream("/fwcfg/state/fw_cfg-v1.json")) {
                fwCfg.restoreState(new ObjectMapper().readValue(in, FwCfg.State.class));
            }
            assertArrayEquals(new byte[] {'M', 'U', 0}, readData(3), "the signature from offset 2, then its end");
            select(fwCfg.fileKey("etc/w"));
            assertArrayEquals(new byte[] {1, 2, 3, 4}, readData(4));
        }

        @Test
        void restoreRefusesAWritableFileThisMachineDoesNotHave() {
            fwCfg.putFile("etc/w", new byte[4], true);
            FwCfg.State saved = fwCfg.saveState();
            FwCfg other = new FwCfg(memory, DMA_HIGH);
            assertThrows(SnapshotFormatException.class, () -> other.restoreState(saved));
        }

        @Test
        void aNegativeOffsetIsRefused() {
            assertThrows(SnapshotFormatException.class,
                    () -> new FwCfg.State(FwCfg.State.VERSION, 0, -1, 0, java.util.List.of()));
        }
    }
}
