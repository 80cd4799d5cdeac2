package javelin.devices.ide;

import static javelin.devices.ide.IdeBench.PRIMARY;
import static javelin.devices.ide.IdeBench.PRIMARY_CONTROL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javelin.devices.block.RawImage;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtaDriveTest {
    // ATA/ATAPI-6 opcodes and status values.
    static final int READ_SECTORS = 0x20;
    static final int READ_SECTORS_EXT = 0x24;
    static final int WRITE_SECTORS = 0x30;
    static final int WRITE_SECTORS_EXT = 0x34;
    static final int READ_VERIFY = 0x40;
    static final int INITIALIZE_DEVICE_PARAMETERS = 0x91;
    static final int READ_MULTIPLE = 0xC4;
    static final int WRITE_MULTIPLE = 0xC5;
    static final int SET_MULTIPLE_MODE = 0xC6;
    static final int FLUSH_CACHE = 0xE7;
    static final int FLUSH_CACHE_EXT = 0xEA;
    static final int IDENTIFY_DEVICE = 0xEC;
    static final int SET_FEATURES = 0xEF;
    static final int READ_NATIVE_MAX_ADDRESS_EXT = 0x27;
    static final int STATUS_READY = 0x50;
    static final int STATUS_DRQ = 0x58;
    static final int STATUS_ERROR = 0x51;
    static final int ERROR_ABRT = 0x04;
    static final int ERROR_IDNF = 0x10;

    /** 300 GiB: beyond the 28-bit limit of 128 GiB, so LBA48 matters. */
    static final long BIG_SECTORS = 300L * 1024 * 1024 * 2;

    private final IdeBench bench = new IdeBench();
    private final SparseDisk disk = new SparseDisk(20160L * 512, false);   // 20 cylinders of 16 x 63
    private final AtaDrive drive = new AtaDrive(disk, "JAV0001");

    AtaDriveTest() {
        bench.ide.attach(0, 0, drive);
    }

    @AfterEach
    void close() {
        bench.close();
    }

    private int[] identifyWords(IdeBench b) {
        b.out8(PRIMARY + 6, 0xA0);
        b.out8(PRIMARY + 7, IDENTIFY_DEVICE);
        assertTrue(b.irq[0]);
        b.assertStatus(PRIMARY, STATUS_DRQ);
        int[] w = new int[256];
        for (int i = 0; i < 256; i++) w[i] = b.in16(PRIMARY);
        b.assertStatus(PRIMARY, STATUS_READY);
        return w;
    }

    private int[] identifyWords() {
        return identifyWords(bench);
    }

    @Nested
    class Identify {
        @Test
        void reportsGeometryAndCapacity() {
            int[] w = identifyWords();
            assertEquals(0x0040, w[0]);
            assertEquals(20, w[1]);
            assertEquals(16, w[3]);
            assertEquals(63, w[6]);
            assertEquals(20160, w[60] | w[61] << 16);
            assertEquals(20160, w[100] | w[101] << 16);
            assertEquals(0, w[102] | w[103]);
            assertEquals(20L * 16 * 63, w[57] | (long) w[58] << 16);
        }

        @Test
        void stringsAreStoredFirstCharacterInTheHighByte() {
            int[] w = identifyWords();
            assertEquals('J' << 8 | 'A', w[27]);
            assertEquals('V' << 8 | 'E', w[28]);
            assertEquals(' ' << 8 | ' ', w[46]);
            assertEquals('J' << 8 | 'A', w[10]);
            assertEquals('V' << 8 | '0', w[11]);
        }

        @Test
        void advertisesLbaDmaAndLba48() {
            int[] w = identifyWords();
            assertEquals(0x0300, w[49] & 0x0300);
            assertEquals(0x4000, w[50] & 0xC000);
            assertEquals(0x0400, w[83] & 0x0400);
            assertEquals(0x0400, w[86] & 0x0400);
            assertEquals(0x3000, w[83] & 0x3000);              // FLUSH CACHE and FLUSH CACHE EXT
            assertEquals(0x8010, w[47]);
            assertEquals(0x0007, w[63] & 0x00FF);
            assertEquals(0x003F, w[88] & 0x00FF);
        }

        @Test
        void integrityWordMakesTheBlockSumToZero() {
            int[] w = identifyWords();
            assertEquals(0xA5, w[255] & 0xFF);
            int sum = 0;
            for (int x : w) sum += (x & 0xFF) + (x >>> 8);
            assertEquals(0, sum & 0xFF);
        }

        @Test
        void lba28CapacitySaturatesOnABigDisk() {
            try (IdeBench big = new IdeBench()) {
                big.ide.attach(0, 0, new AtaDrive(new SparseDisk(BIG_SECTORS * 512, false), "BIG"));
                int[] w = identifyWords(big);
                assertEquals(0x0FFF_FFFF, w[60] | w[61] << 16);
                assertEquals(BIG_SECTORS, w[100] | (long) w[101] << 16 | (long) w[102] << 32);
                assertEquals(16383, w[1]);
            }
        }

        @Test
        void setFeaturesSelectsTheTransferModeReportedInWords63And88() {
            bench.out8(PRIMARY + 1, 0x03);
            bench.out8(PRIMARY + 2, 0x45);                     // UDMA mode 5
            bench.out8(PRIMARY + 7, SET_FEATURES);
            bench.assertStatus(PRIMARY, STATUS_READY);
            int[] w = identifyWords();
            assertEquals(0x203F, w[88]);
            assertEquals(0x0007, w[63]);
            bench.out8(PRIMARY + 1, 0x03);
            bench.out8(PRIMARY + 2, 0x21);                     // multiword DMA mode 1
            bench.out8(PRIMARY + 7, SET_FEATURES);
            w = identifyWords();
            assertEquals(0x0207, w[63]);
            assertEquals(0x003F, w[88]);
        }

        @Test
        void unsupportedTransferModeAborts() {
            bench.out8(PRIMARY + 1, 0x03);
            bench.out8(PRIMARY + 2, 0x47);                     // UDMA mode 7
            bench.out8(PRIMARY + 7, SET_FEATURES);
            bench.assertStatus(PRIMARY, STATUS_ERROR);
            assertEquals(ERROR_ABRT, bench.in8(PRIMARY + 1));
        }
    }

    @Nested
    class PioTransfers {
        @Test
        void readSectorsInterruptsOncePerSector() {
            bench.lba28(PRIMARY, 0, 7, 2, READ_SECTORS);
            assertEquals(1, bench.irqRises);
            bench.assertStatus(PRIMARY, STATUS_DRQ);
            byte[] first = bench.readData(PRIMARY, 512);
            assertEquals(2, bench.irqRises);
            bench.assertStatus(PRIMARY, STATUS_DRQ);
            byte[] second = bench.readData(PRIMARY, 512);
            assertEquals(2, bench.irqRises);                    // no interrupt after the last data-in block
            bench.assertStatus(PRIMARY, STATUS_READY);
            assertArrayEquals(IdeBench.expectedSectors(disk, 7, 1), first);
            assertArrayEquals(IdeBench.expectedSectors(disk, 8, 1), second);
        }

        @Test
        void writeSectorsAsksForDataWithoutInterruptThenInterruptsWhenDone() {
            bench.lba28(PRIMARY, 0, 4, 1, WRITE_SECTORS);
            assertFalse(bench.irq[0]);
            assertEquals(STATUS_DRQ, bench.in8(PRIMARY_CONTROL));
            byte[] data = new byte[512];
            for (int i = 0; i < 512; i++) data[i] = (byte) (255 - i);
            bench.writeData(PRIMARY, data);
            assertTrue(bench.irq[0]);
            bench.assertStatus(PRIMARY, STATUS_READY);
            for (int i = 0; i < 512; i++) assertEquals(data[i], disk.at(4 * 512 + i));
        }

        @Test
        void transfersCountTheBytesReadAndWrittenForTheActivityLight() {
            bench.lba28(PRIMARY, 0, 7, 2, READ_SECTORS);
            bench.readData(PRIMARY, 512);
            bench.readData(PRIMARY, 512);
            bench.lba28(PRIMARY, 0, 4, 1, WRITE_SECTORS);
            bench.writeData(PRIMARY, new byte[512]);
            assertEquals(2 * 512, drive.transfers().bytesRead());
            assertEquals(512, drive.transfers().bytesWritten());
        }

        @Test
        void countZeroMeans256Sectors() {
            bench.lba28(PRIMARY, 0, 0, 0, READ_SECTORS);
            for (int s = 0; s < 256; s++) {
                bench.assertStatus(PRIMARY, STATUS_DRQ);         // the driver's interrupt handler reads status
                bench.readData(PRIMARY, 512);
            }
            assertEquals(256, bench.irqRises);
            bench.assertStatus(PRIMARY, STATUS_READY);
        }

        @Test
        void readMultipleTransfersBlocksOfTheMultipleCount() {
            bench.out8(PRIMARY + 2, 4);
            bench.out8(PRIMARY + 7, SET_MULTIPLE_MODE);
            bench.assertStatus(PRIMARY, STATUS_READY);
            bench.lba28(PRIMARY, 0, 20, 6, READ_MULTIPLE);
            bench.assertStatus(PRIMARY, STATUS_DRQ);
            assertEquals(2, bench.irqRises);                    // SET MULTIPLE, then block 1
            byte[] block1 = bench.readData(PRIMARY, 4 * 512);
            assertEquals(3, bench.irqRises);                    // one interrupt per block, not per sector
            bench.assertStatus(PRIMARY, STATUS_DRQ);
            byte[] block2 = bench.readData(PRIMARY, 2 * 512);   // the last block holds the remainder
            assertEquals(3, bench.irqRises);
            bench.assertStatus(PRIMARY, STATUS_READY);
            assertArrayEquals(IdeBench.expectedSectors(disk, 20, 4), block1);
            assertArrayEquals(IdeBench.expectedSectors(disk, 24, 2), block2);
        }

        @Test
        void writeMultipleWritesWholeBlocks() {
            bench.out8(PRIMARY + 2, 2);
            bench.out8(PRIMARY + 7, SET_MULTIPLE_MODE);
            bench.lba28(PRIMARY, 0, 30, 2, WRITE_MULTIPLE);
            byte[] data = new byte[1024];
            Arrays.fill(data, (byte) 0x5A);
            bench.writeData(PRIMARY, data);
            bench.assertStatus(PRIMARY, STATUS_READY);
            assertEquals(0x5A, disk.at(31 * 512 + 511));
        }

        @Test
        void readMultipleBeforeSetMultipleModeAborts() {
            bench.lba28(PRIMARY, 0, 0, 1, READ_MULTIPLE);
            bench.assertStatus(PRIMARY, STATUS_ERROR);
            assertEquals(ERROR_ABRT, bench.in8(PRIMARY + 1));
        }

        @Test
        void setMultipleModeRefusesANonPowerOfTwo() {
            bench.out8(PRIMARY + 2, 3);
            bench.out8(PRIMARY + 7, SET_MULTIPLE_MODE);
            bench.assertStatus(PRIMARY, STATUS_ERROR);
        }

        @Test
        void readBeyondTheEndIsIdNotFound() {
            bench.lba28(PRIMARY, 0, 20159, 2, READ_SECTORS);
            bench.assertStatus(PRIMARY, STATUS_ERROR);
            assertEquals(ERROR_IDNF, bench.in8(PRIMARY + 1));
        }

        @Test
        void writeToAReadOnlyImageAborts() {
            try (IdeBench ro = new IdeBench()) {
                ro.ide.attach(0, 0, new AtaDrive(new SparseDisk(512 * 8, true), "RO"));
                ro.lba28(PRIMARY, 0, 0, 1, WRITE_SECTORS);
                ro.assertStatus(PRIMARY, STATUS_ERROR);
                assertEquals(ERROR_ABRT, ro.in8(PRIMARY + 1));
            }
        }
    }

    @Nested
    class Lba48 {
        private final SparseDisk big = new SparseDisk(BIG_SECTORS * 512, false);

        @Test
        void readSectorsExtReachesBeyond28Bits() {
            try (IdeBench b = new IdeBench()) {
                b.ide.attach(0, 0, new AtaDrive(big, "BIG"));
                long lba = 0x2345_6789L;                    // above 2^28, below 300 GiB
                b.lba48(PRIMARY, lba, 2, READ_SECTORS_EXT);
                b.assertStatus(PRIMARY, STATUS_DRQ);
                assertArrayEquals(IdeBench.expectedSectors(big, lba, 1), b.readData(PRIMARY, 512));
                assertArrayEquals(IdeBench.expectedSectors(big, lba + 1, 1), b.readData(PRIMARY, 512));
                b.assertStatus(PRIMARY, STATUS_READY);
            }
        }

        @Test
        void writeSectorsExtUsesTheSixteenBitCount() {
            try (IdeBench b = new IdeBench()) {
                b.ide.attach(0, 0, new AtaDrive(big, "BIG"));
                long lba = 0x2000_0000L;
                b.lba48(PRIMARY, lba, 0x0101, WRITE_SECTORS_EXT);
                byte[] data = new byte[512];
                Arrays.fill(data, (byte) 0x11);
                for (int i = 0; i < 0x0101; i++) b.writeData(PRIMARY, data);
                b.assertStatus(PRIMARY, STATUS_READY);
                assertEquals(0x11, big.at((lba + 0x100) * 512));
                assertEquals(SparseDisk.pattern((lba + 0x101) * 512), big.at((lba + 0x101) * 512));
            }
        }

        @Test
        void readNativeMaxAddressExtReportsTheLastSectorInBothRegisterHalves() {
            try (IdeBench b = new IdeBench()) {
                b.ide.attach(0, 0, new AtaDrive(big, "BIG"));
                b.out8(PRIMARY + 6, 0x40);
                b.out8(PRIMARY + 7, READ_NATIVE_MAX_ADDRESS_EXT);
                long last = BIG_SECTORS - 1;
                assertEquals((int) last & 0xFF, b.in8(PRIMARY + 3));
                assertEquals((int) (last >>> 16) & 0xFF, b.in8(PRIMARY + 5));
                b.out8(PRIMARY_CONTROL, 0x80);
                assertEquals((int) (last >>> 24) & 0xFF, b.in8(PRIMARY + 3));
                assertEquals((int) (last >>> 32) & 0xFF, b.in8(PRIMARY + 4));
            }
        }

        @Test
        void lba28CommandCannotReachBeyond28Bits() {
            try (IdeBench b = new IdeBench()) {
                b.ide.attach(0, 0, new AtaDrive(big, "BIG"));
                b.lba28(PRIMARY, 0, 0x0FFF_FFFF, 2, READ_SECTORS);
                b.assertStatus(PRIMARY, STATUS_ERROR);
                assertEquals(ERROR_IDNF, b.in8(PRIMARY + 1));
            }
        }
    }

    @Nested
    class ChsTranslation {
        /** Writes a CHS address: cylinder in LBA mid/high, head in device bits 3:0, sector (from 1) in LBA low. */
        private void chs(int cylinder, int head, int sector, int count, int command) {
            bench.out8(PRIMARY + 6, 0xA0 | head);
            bench.out8(PRIMARY + 2, count);
            bench.out8(PRIMARY + 3, sector);
            bench.out8(PRIMARY + 4, cylinder & 0xFF);
            bench.out8(PRIMARY + 5, cylinder >>> 8);
            bench.out8(PRIMARY + 7, command);
        }

        @Test
        void defaultGeometryMapsCylinderHeadSectorToLba() {
            chs(1, 2, 3, 1, READ_SECTORS);
            // (C * 16 + H) * 63 + S - 1 = (16 + 2) * 63 + 2 = 1136
            assertArrayEquals(IdeBench.expectedSectors(disk, 1136, 1), bench.readData(PRIMARY, 512));
        }

        @Test
        void initializeDeviceParametersChangesTheTranslation() {
            bench.out8(PRIMARY + 6, 0xA0 | 3);                 // 4 heads
            bench.out8(PRIMARY + 2, 32);                       // 32 sectors per track
            bench.out8(PRIMARY + 7, INITIALIZE_DEVICE_PARAMETERS);
            bench.assertStatus(PRIMARY, STATUS_READY);
            chs(2, 1, 5, 1, READ_SECTORS);
            // (2 * 4 + 1) * 32 + 4 = 292
            assertArrayEquals(IdeBench.expectedSectors(disk, 292, 1), bench.readData(PRIMARY, 512));
            int[] w = identifyWords();
            assertEquals(4, w[55]);
            assertEquals(32, w[56]);
            assertEquals(20160 / (4 * 32), w[54]);
        }

        @Test
        void sectorZeroDoesNotExist() {
            chs(0, 0, 0, 1, READ_SECTORS);
            bench.assertStatus(PRIMARY, STATUS_ERROR);
            assertEquals(ERROR_IDNF, bench.in8(PRIMARY + 1));
        }

        @Test
        void verifyOfAValidRangeCompletesWithoutData() {
            bench.lba28(PRIMARY, 0, 100, 10, READ_VERIFY);
            assertTrue(bench.irq[0]);
            bench.assertStatus(PRIMARY, STATUS_READY);
        }
    }

    @Nested
    class Flush {
        @Test
        void flushCacheAndItsExtFormReachTheBackEnd() {
            bench.lba28(PRIMARY, 0, 0, 0, FLUSH_CACHE);
            bench.assertStatus(PRIMARY, STATUS_READY);
            bench.lba28(PRIMARY, 0, 0, 0, FLUSH_CACHE_EXT);
            assertEquals(2, disk.flushes);
        }

        @Test
        void unknownCommandAborts() {
            bench.lba28(PRIMARY, 0, 0, 0, 0xFE);
            bench.assertStatus(PRIMARY, STATUS_ERROR);
            assertEquals(ERROR_ABRT, bench.in8(PRIMARY + 1));
        }
    }

    @Test
    void writesReachARawImageFileAndFlushForcesIt(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("hd.img"), new byte[16 * 512]);
        try (IdeBench b = new IdeBench();
             RawImage image = RawImage.open(file, false)) {
            b.ide.attach(0, 0, new AtaDrive(image, "FILE"));
            b.lba28(PRIMARY, 0, 2, 1, WRITE_SECTORS);
            byte[] data = new byte[512];
            Arrays.fill(data, (byte) 0xC3);
            b.writeData(PRIMARY, data);
            b.lba28(PRIMARY, 0, 0, 0, FLUSH_CACHE);
            b.assertStatus(PRIMARY, STATUS_READY);
            byte[] onDisk = Files.readAllBytes(file);
            assertEquals((byte) 0xC3, onDisk[2 * 512]);
            assertEquals((byte) 0xC3, onDisk[3 * 512 - 1]);
            assertEquals(0, onDisk[3 * 512]);
        }
    }

    @Test
    void snapshotWithAnImpossibleTransferModeIsRefused() {
        AtaDrive.State s = drive.saveState();
        assertThrows(SnapshotFormatException.class,
                () -> new AtaDrive.State(s.version(), s.registers(), s.currentHeads(), s.currentSectorsPerTrack(),
                        s.multipleSectors(), s.pioMode(), s.mwdmaMode(), 9, s.writeCache(), s.readLookAhead(),
                        s.xferCommand(), s.xferLba(), s.xferRemaining(), s.xferBlock(), s.dmaBytesDone()));
    }

    @Test
    void settingsRoundTripThroughJson() throws Exception {
        bench.out8(PRIMARY + 2, 8);
        bench.out8(PRIMARY + 7, SET_MULTIPLE_MODE);
        bench.lba28(PRIMARY, 0, 40, 3, WRITE_SECTORS);
        bench.writeData(PRIMARY, new byte[512]);
        bench.out16(PRIMARY, 0x1234);                          // half a word into the second sector
        AtaDrive.State saved = drive.saveState();
        ObjectMapper json = new ObjectMapper();
        AtaDrive.State parsed = json.readValue(json.writeValueAsString(saved), AtaDrive.State.class);
        assertEquals(saved, parsed);
        AtaDrive fresh = new AtaDrive(disk, "JAV0001");
        fresh.restoreState(parsed);
        assertEquals(saved, fresh.saveState());
    }
}
