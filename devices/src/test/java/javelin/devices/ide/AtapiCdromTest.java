package javelin.devices.ide;

import static javelin.devices.ide.IdeBench.BMIBA;
import static javelin.devices.ide.IdeBench.SECONDARY;
import static javelin.devices.ide.IdeBench.SECONDARY_CONTROL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AtapiCdromTest {
    // ATA/ATAPI-6 PACKET protocol values.
    static final int PACKET = 0xA0;
    static final int IDENTIFY_PACKET_DEVICE = 0xA1;
    static final int IDENTIFY_DEVICE = 0xEC;
    static final int STATUS_DRQ = 0x58;
    static final int STATUS_PACKET_DRQ = 0x48;    // DRDY | DRQ while the device waits for the command
    static final int STATUS_DONE = 0x50;
    static final int STATUS_CHECK = 0x41;         // DRDY | ERR
    static final int REASON_COD = 1;
    static final int REASON_IO = 2;
    // MMC opcodes.
    static final int TEST_UNIT_READY = 0x00;
    static final int REQUEST_SENSE = 0x03;
    static final int INQUIRY = 0x12;
    static final int START_STOP_UNIT = 0x1B;
    static final int PREVENT_ALLOW = 0x1E;
    static final int READ_CAPACITY = 0x25;
    static final int READ_10 = 0x28;
    static final int READ_TOC = 0x43;
    static final int GET_CONFIGURATION = 0x46;
    static final int GET_EVENT_STATUS = 0x4A;
    static final int MODE_SENSE_10 = 0x5A;
    static final int READ_12 = 0xA8;

    static final int DISC_SECTORS = 4;

    private final IdeBench bench = new IdeBench();
    private final SparseDisk disc = new SparseDisk(DISC_SECTORS * 2048L, true);
    private final AtapiCdrom cdrom = new AtapiCdrom("CD0");

    AtapiCdromTest() {
        bench.ide.attach(1, 0, cdrom);
    }

    @AfterEach
    void close() {
        bench.close();
    }

    /** Inserts the disc and consumes the UNIT ATTENTION it causes, as a driver's first TUR does. */
    private void insertAndSettle() {
        cdrom.insert(disc);
        packet(cdb(TEST_UNIT_READY), 0xFFFE);
        bench.in8(SECONDARY + 7);
    }

    private static byte[] cdb(int... bytes) {
        byte[] c = new byte[12];
        for (int i = 0; i < bytes.length; i++) c[i] = (byte) bytes[i];
        return c;
    }

    /** Sends a PACKET command with a PIO byte count limit: A0h, then the 12 command bytes. */
    private void packet(byte[] command, int byteCountLimit) {
        bench.out8(SECONDARY + 6, 0xA0);
        bench.out8(SECONDARY + 1, 0);
        bench.out8(SECONDARY + 4, byteCountLimit & 0xFF);
        bench.out8(SECONDARY + 5, byteCountLimit >>> 8);
        bench.out8(SECONDARY + 7, PACKET);
        assertEquals(STATUS_PACKET_DRQ, bench.in8(SECONDARY_CONTROL));
        assertEquals(REASON_COD, bench.in8(SECONDARY + 2));
        assertFalse(bench.irq[1]);
        bench.writeData(SECONDARY, command);
    }

    /** Reads every data-in block of the command in progress, checking each block's handshake. */
    private byte[] dataIn() {
        byte[] all = new byte[0];
        while (bench.in8(SECONDARY_CONTROL) == STATUS_DRQ) {
            assertTrue(bench.irq[1]);
            assertEquals(REASON_IO, bench.in8(SECONDARY + 2));
            int n = bench.in8(SECONDARY + 4) | bench.in8(SECONDARY + 5) << 8;
            bench.in8(SECONDARY + 7);
            byte[] block = bench.readData(SECONDARY, n);
            byte[] joined = Arrays.copyOf(all, all.length + n);
            System.arraycopy(block, 0, joined, all.length, n);
            all = joined;
        }
        assertCompleted();
        return all;
    }

    private void assertCompleted() {
        assertTrue(bench.irq[1]);
        assertEquals(REASON_IO | REASON_COD, bench.in8(SECONDARY + 2));
        assertEquals(STATUS_DONE, bench.in8(SECONDARY + 7));
    }

    /** Expects CHECK CONDITION, then returns sense key, ASC and ASCQ from REQUEST SENSE. */
    private int[] checkConditionSense() {
        assertTrue(bench.irq[1]);
        assertEquals(REASON_IO | REASON_COD, bench.in8(SECONDARY + 2));
        int error = bench.in8(SECONDARY + 1);
        assertEquals(STATUS_CHECK, bench.in8(SECONDARY + 7));
        packet(cdb(REQUEST_SENSE, 0, 0, 0, 18), 0xFFFE);
        byte[] sense = dataIn();
        assertEquals(0x70, sense[0] & 0xFF);
        assertEquals(sense[2] & 0x0F, error >>> 4);          // error register bits 7:4 carry the key
        return new int[] {sense[2] & 0x0F, sense[12] & 0xFF, sense[13] & 0xFF};
    }

    private byte[] discBytes(long lba, int sectors) {
        byte[] b = new byte[sectors * 2048];
        for (int i = 0; i < b.length; i++) b[i] = disc.at(lba * 2048 + i);
        return b;
    }

    @Nested
    class Identification {
        @Test
        void identifyPacketDeviceDescribesARemovableCdRom() {
            bench.out8(SECONDARY + 6, 0xA0);
            bench.out8(SECONDARY + 7, IDENTIFY_PACKET_DEVICE);
            bench.assertStatus(SECONDARY, STATUS_DRQ);
            int[] w = new int[256];
            for (int i = 0; i < 256; i++) w[i] = bench.in16(SECONDARY);
            assertEquals(0x85C0, w[0]);
            assertEquals(0x0300, w[49] & 0x0300);
            assertEquals('J' << 8 | 'A', w[27]);
            assertEquals(0xA5, w[255] & 0xFF);
        }

        @Test
        void identifyDeviceAbortsShowingThePacketSignature() {
            bench.out8(SECONDARY + 6, 0xA0);
            bench.out8(SECONDARY + 7, IDENTIFY_DEVICE);
            assertEquals(0x04, bench.in8(SECONDARY + 1));
            assertEquals(0x14, bench.in8(SECONDARY + 4));
            assertEquals(0xEB, bench.in8(SECONDARY + 5));
        }

        @Test
        void softResetShowsThePacketSignatureWithDrdyClear() {
            bench.out8(SECONDARY_CONTROL, 0x04);
            bench.out8(SECONDARY_CONTROL, 0x00);
            assertEquals(0x01, bench.in8(SECONDARY + 2));
            assertEquals(0x01, bench.in8(SECONDARY + 3));
            assertEquals(0x14, bench.in8(SECONDARY + 4));
            assertEquals(0xEB, bench.in8(SECONDARY + 5));
            assertEquals(0x00, bench.in8(SECONDARY + 7));
        }

        @Test
        void setFeaturesAcceptsMultiwordDmaAndRefusesUdma7() {
            bench.out8(SECONDARY + 6, 0xA0);
            bench.out8(SECONDARY + 1, 0x03);
            bench.out8(SECONDARY + 2, 0x22);
            bench.out8(SECONDARY + 7, 0xEF);
            bench.assertStatus(SECONDARY, STATUS_DONE);
            bench.out8(SECONDARY + 1, 0x03);
            bench.out8(SECONDARY + 2, 0x47);
            bench.out8(SECONDARY + 7, 0xEF);
            assertEquals(0x04, bench.in8(SECONDARY + 1));
        }

        @Test
        void inquiryReportsAPeripheralOfTypeCdDvd() {
            packet(cdb(INQUIRY, 0, 0, 0, 36), 0xFFFE);
            byte[] data = dataIn();
            assertEquals(36, data.length);
            assertEquals(0x05, data[0]);
            assertEquals((byte) 0x80, data[1]);
            assertEquals("JAVELIN ", new String(data, 8, 8, StandardCharsets.US_ASCII));
        }

        @Test
        void allocationLengthTruncatesTheReply() {
            packet(cdb(INQUIRY, 0, 0, 0, 5), 0xFFFE);
            assertEquals(5, dataIn().length);
        }
    }

    @Nested
    class Media {
        @Test
        void noDiscIsNotReadyMediumNotPresent() {
            packet(cdb(TEST_UNIT_READY), 0xFFFE);
            assertArrayEquals(new int[] {0x02, 0x3A, 0x01}, checkConditionSense());
        }

        @Test
        void insertionReportsUnitAttentionOnce() {
            cdrom.insert(disc);
            packet(cdb(TEST_UNIT_READY), 0xFFFE);
            assertArrayEquals(new int[] {0x06, 0x28, 0x00}, checkConditionSense());
            packet(cdb(TEST_UNIT_READY), 0xFFFE);
            assertCompleted();
        }

        @Test
        void eventStatusReportsNewMediaThenNoChange() {
            cdrom.insert(disc);
            packet(cdb(GET_EVENT_STATUS, 1, 0, 0, 0x10, 0, 0, 0, 8), 0xFFFE);
            byte[] first = dataIn();
            assertArrayEquals(new byte[] {0, 6, 4, 0x10, 2, 2, 0, 0}, first);
            packet(cdb(GET_EVENT_STATUS, 1, 0, 0, 0x10, 0, 0, 0, 8), 0xFFFE);
            assertEquals(0, dataIn()[4]);
        }

        @Test
        void lockedDriveRefusesEjectFromTheHostAndTheGuest() {
            insertAndSettle();
            packet(cdb(PREVENT_ALLOW, 0, 0, 0, 1), 0xFFFE);
            assertCompleted();
            assertFalse(cdrom.eject());
            assertTrue(cdrom.hasMedium());
            packet(cdb(GET_EVENT_STATUS, 1, 0, 0, 0x10, 0, 0, 0, 8), 0xFFFE);
            assertEquals(1, dataIn()[4]);                        // eject request
            packet(cdb(START_STOP_UNIT, 0, 0, 0, 0x02), 0xFFFE);
            assertArrayEquals(new int[] {0x05, 0x53, 0x02}, checkConditionSense());
        }

        @Test
        void startStopUnitEjectsAnUnlockedDisc() {
            insertAndSettle();
            packet(cdb(START_STOP_UNIT, 0, 0, 0, 0x02), 0xFFFE);
            assertCompleted();
            assertFalse(cdrom.hasMedium());
            packet(cdb(TEST_UNIT_READY), 0xFFFE);
            assertArrayEquals(new int[] {0x02, 0x3A, 0x02}, checkConditionSense());   // tray open
        }

        @Test
        void hostEjectOfAnUnlockedDiscSucceeds() {
            insertAndSettle();
            assertTrue(cdrom.eject());
            assertFalse(cdrom.hasMedium());
        }
    }

    @Nested
    class Reading {
        @Test
        void readCapacityGivesLastLbaAndBlockSize() {
            insertAndSettle();
            packet(cdb(READ_CAPACITY), 0xFFFE);
            assertArrayEquals(new byte[] {0, 0, 0, DISC_SECTORS - 1, 0, 0, 8, 0}, dataIn());
        }

        @Test
        void read10ThroughPacketPio() {
            insertAndSettle();
            packet(cdb(READ_10, 0, 0, 0, 0, 1, 0, 0, 2), 0xFFFE);
            assertArrayEquals(discBytes(1, 2), dataIn());
        }

        @Test
        void mediumReadsAreCountedForTheActivityLightButRepliesAreNot() {
            insertAndSettle();
            packet(cdb(INQUIRY, 0, 0, 0, 36), 0xFFFE);
            dataIn();
            assertEquals(0, cdrom.transfers().bytesRead());     // the drive's own reply, not the disc
            packet(cdb(READ_10, 0, 0, 0, 0, 1, 0, 0, 2), 0xFFFE);
            dataIn();
            assertEquals(2 * 2048, cdrom.transfers().bytesRead());
            assertEquals(0, cdrom.transfers().bytesWritten());
        }

        @Test
        void byteCountLimitSplitsTheTransferIntoBlocks() {
            insertAndSettle();
            packet(cdb(READ_10, 0, 0, 0, 0, 0, 0, 0, 2), 2048);
            assertEquals(STATUS_DRQ, bench.in8(SECONDARY_CONTROL));
            assertEquals(2048, bench.in8(SECONDARY + 4) | bench.in8(SECONDARY + 5) << 8);
            assertArrayEquals(discBytes(0, 2), dataIn());
        }

        @Test
        void read12ReadsWithAThirtyTwoBitLength() {
            insertAndSettle();
            packet(cdb(READ_12, 0, 0, 0, 0, 3, 0, 0, 0, 1), 0xFFFE);
            assertArrayEquals(discBytes(3, 1), dataIn());
        }

        @Test
        void readBeyondTheDiscIsLbaOutOfRange() {
            insertAndSettle();
            packet(cdb(READ_10, 0, 0, 0, 0, 3, 0, 0, 2), 0xFFFE);
            assertArrayEquals(new int[] {0x05, 0x21, 0x00}, checkConditionSense());
        }

        @Test
        void read10ThroughBusMasterDma() {
            insertAndSettle();
            bench.enableBusMaster();
            bench.prd(0x1000, 0x60000, 4096, true);
            bench.out32(BMIBA + 8 + 4, 0x1000);
            bench.out8(BMIBA + 8, 0x08);
            bench.out8(SECONDARY + 6, 0xA0);
            bench.out8(SECONDARY + 1, 0x01);                     // DMA
            bench.out8(SECONDARY + 7, PACKET);
            bench.writeData(SECONDARY, cdb(READ_10, 0, 0, 0, 0, 2, 0, 0, 2));
            bench.out8(BMIBA + 8, 0x09);
            byte[] got = new byte[4096];
            bench.memory.readBytes(0x60000, got, 0, got.length);
            assertArrayEquals(discBytes(2, 2), got);
            assertEquals(0x04, bench.in8(BMIBA + 8 + 2) & 0x05);
            assertCompleted();
        }

        @Test
        void unknownCommandIsInvalidOperationCode() {
            insertAndSettle();
            packet(cdb(0xFF), 0xFFFE);
            assertArrayEquals(new int[] {0x05, 0x20, 0x00}, checkConditionSense());
        }
    }

    @Nested
    class TableOfContents {
        @Test
        void format0InLbaListsTrack1AndTheLeadOut() {
            insertAndSettle();
            packet(cdb(READ_TOC, 0, 0, 0, 0, 0, 0, 0, 100), 0xFFFE);
            assertArrayEquals(new byte[] {
                0, 18, 1, 1,
                0, 0x14, 1, 0, 0, 0, 0, 0,
                0, 0x14, (byte) 0xAA, 0, 0, 0, 0, DISC_SECTORS}, dataIn());
        }

        @Test
        void format0InMsfStartsTrack1AtTwoSeconds() {
            insertAndSettle();
            packet(cdb(READ_TOC, 0x02, 0, 0, 0, 0, 0, 0, 100), 0xFFFE);
            // LBA 0 is 00:02:00; the lead-out at LBA 4 is 154 frames = 00:02:04.
            assertArrayEquals(new byte[] {
                0, 18, 1, 1,
                0, 0x14, 1, 0, 0, 0, 2, 0,
                0, 0x14, (byte) 0xAA, 0, 0, 0, 2, 4}, dataIn());
        }

        @Test
        void format1GivesTheFirstSession() {
            insertAndSettle();
            packet(cdb(READ_TOC, 0, 1, 0, 0, 0, 0, 0, 12), 0xFFFE);
            assertArrayEquals(new byte[] {0, 10, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0}, dataIn());
        }

        @Test
        void startingTrackBeyondTheLastIsInvalid() {
            insertAndSettle();
            packet(cdb(READ_TOC, 0, 0, 0, 0, 0, 5, 0, 100), 0xFFFE);
            assertArrayEquals(new int[] {0x05, 0x24, 0x00}, checkConditionSense());
        }
    }

    @Nested
    class ModeAndConfiguration {
        @Test
        void modeSenseCapabilitiesPage() {
            insertAndSettle();
            packet(cdb(MODE_SENSE_10, 0, 0x2A, 0, 0, 0, 0, 0, 100), 0xFFFE);
            byte[] data = dataIn();
            assertEquals(28, data.length);
            assertEquals(26, data[1]);                            // mode data length excludes itself
            assertEquals(0x2A, data[8]);
            assertEquals(0x12, data[9]);
            assertEquals(0x08, data[14] & 0x08);                  // eject supported
        }

        @Test
        void modeSenseOfAllPagesConcatenatesThem() {
            insertAndSettle();
            packet(cdb(MODE_SENSE_10, 0, 0x3F, 0, 0, 0, 0, 0x01, 0), 0xFFFE);
            byte[] data = dataIn();
            assertEquals(8 + 8 + 8 + 20, data.length);
            assertEquals(0x01, data[8]);
        }

        @Test
        void readDiscInformationDescribesAClosedSingleSessionDisc() {
            insertAndSettle();
            packet(cdb(0x51, 0, 0, 0, 0, 0, 0, 0, 34), 0xFFFE);
            byte[] data = dataIn();
            assertEquals(34, data.length);
            assertEquals(32, data[1]);
            assertEquals(0x02, data[2] & 0x03);                   // disc status: complete
            assertEquals(1, data[3]);
            assertEquals(1, data[4]);
        }

        @Test
        void mechanismStatusShowsTheOpenTray() {
            insertAndSettle();
            assertTrue(cdrom.eject());
            packet(cdb(0xBD, 0, 0, 0, 0, 0, 0, 0, 0, 8), 0xFFFE);
            byte[] data = dataIn();
            assertEquals(8, data.length);
            assertEquals(0x10, data[1] & 0x10);
        }

        @Test
        void modeSenseOfSavedValuesIsRefused() {
            insertAndSettle();
            packet(cdb(MODE_SENSE_10, 0, 0xEA, 0, 0, 0, 0, 0, 100), 0xFFFE);   // PC = 11b, page 2Ah
            assertArrayEquals(new int[] {0x05, 0x39, 0x00}, checkConditionSense());
        }

        @Test
        void getConfigurationOfOneFeatureReturnsOnlyIt() {
            insertAndSettle();
            packet(cdb(GET_CONFIGURATION, 0x02, 0x00, 0x10, 0, 0, 0, 0, 100), 0xFFFE);
            byte[] data = dataIn();
            assertEquals(8 + 12, data.length);
            assertEquals(0x0010, (data[8] & 0xFF) << 8 | data[9] & 0xFF);
            assertEquals(2048, (data[14] & 0xFF) << 8 | data[15] & 0xFF);   // logical block size
        }

        @Test
        void getConfigurationWithoutADiscHasNoCurrentProfile() {
            packet(cdb(GET_CONFIGURATION, 0, 0, 0, 0, 0, 0, 0, 100), 0xFFFE);
            byte[] data = dataIn();
            assertEquals(0, (data[6] & 0xFF) << 8 | data[7] & 0xFF);
        }

        @Test
        void getConfigurationReportsTheCdRomProfile() {
            insertAndSettle();
            packet(cdb(GET_CONFIGURATION, 0, 0, 0, 0, 0, 0, 0, 100), 0xFFFE);
            byte[] data = dataIn();
            assertEquals(0x0008, (data[6] & 0xFF) << 8 | data[7] & 0xFF);
            assertEquals(0x0000, (data[8] & 0xFF) << 8 | data[9] & 0xFF);        // profile list first
            assertEquals(data.length - 4, (data[2] & 0xFF) << 8 | data[3] & 0xFF);
        }
    }

    @Nested
    class Snapshot {
        @Test
        void midTransferRoundTripContinuesTheSame() throws Exception {
            insertAndSettle();
            packet(cdb(READ_10, 0, 0, 0, 0, 0, 0, 0, 2), 2048);
            bench.in8(SECONDARY + 7);
            bench.readData(SECONDARY, 1000);
            AtapiCdrom.State saved = cdrom.saveState();
            ObjectMapper json = new ObjectMapper();
            AtapiCdrom.State parsed = json.readValue(json.writeValueAsString(saved), AtapiCdrom.State.class);
            assertEquals(saved, parsed);

            try (IdeBench other = new IdeBench()) {
                AtapiCdrom fresh = new AtapiCdrom("CD0");
                other.ide.attach(1, 0, fresh);
                fresh.insert(disc);
                fresh.restoreState(parsed);
                other.ide.restoreState(bench.ide.saveState());
                assertEquals(saved, fresh.saveState());
                byte[] a = bench.readData(SECONDARY, 1048 + 2048);
                byte[] b = other.readData(SECONDARY, 1048 + 2048);
                assertArrayEquals(a, b);
                assertArrayEquals(Arrays.copyOfRange(discBytes(0, 2), 1000, 4096), b);
            }
        }

        @Test
        void restoreRefusesAMissingDisc() {
            insertAndSettle();
            AtapiCdrom.State saved = cdrom.saveState();
            assertThrows(SnapshotFormatException.class, () -> new AtapiCdrom("CD1").restoreState(saved));
        }
    }
}
