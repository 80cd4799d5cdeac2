package javelin.devices.ide;

import static javelin.devices.ide.IdeBench.BMIBA;
import static javelin.devices.ide.IdeBench.PRIMARY;
import static javelin.devices.ide.IdeBench.PRIMARY_CONTROL;
import static javelin.devices.ide.IdeBench.SECONDARY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import javelin.softmmu.PortDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PiixIdeTest {
    // ATA-6 and PIIX3 values used below.
    static final int READ_DMA = 0xC8;
    static final int WRITE_DMA = 0xCA;
    static final int READ_SECTORS = 0x20;
    static final int STATUS_READY = 0x50;       // DRDY | DSC
    static final int BM_WRITE_TO_MEMORY = 0x08;
    static final int BM_START = 0x01;
    static final int BM_ACTIVE = 0x01;
    static final int BM_INTERRUPT = 0x04;

    private final IdeBench bench = new IdeBench();
    private final SparseDisk disk = new SparseDisk(64 * 512, false);
    private final AtaDrive drive = new AtaDrive(disk, "DISK0");

    PiixIdeTest() {
        bench.ide.attach(0, 0, drive);
    }

    @AfterEach
    void close() {
        bench.close();
    }

    @Nested
    class Configuration {
        @Test
        void identifiesAsPiix3Ide() {
            assertEquals(0x70108086, bench.ide.configRead(0x00, 4));
            assertEquals(0x010180, bench.ide.configRead(0x08, 4) >>> 8);
        }

        @Test
        void bmibaSizesAs16BytesOfIo() {
            bench.ide.configWrite(PiixIde.REG_BMIBA, 4, 0xFFFF_FFFF);
            assertEquals(0xFFFF_FFF1, bench.ide.configRead(PiixIde.REG_BMIBA, 4));
        }

        @Test
        void busMasterRegistersAppearOnlyWhenIoDecodingIsOn() {
            bench.ide.configWrite(PiixIde.REG_BMIBA, 4, BMIBA);
            assertEquals(0xFF, bench.in8(BMIBA + 2));          // nobody there yet
            bench.ide.configWrite(0x04, 2, 0x0001);
            assertEquals(0x00, bench.in8(BMIBA + 2));
            bench.ide.configWrite(PiixIde.REG_BMIBA, 4, 0xD000);
            assertEquals(0xFF, bench.in8(BMIBA + 2));          // moved away
            assertEquals(0x00, bench.in8(0xD000 + 2));
        }

        @Test
        void bar4OverAnotherDevicesPortsIsLeftUnmapped() {
            int[] seen = new int[1];
            bench.ports.register(0x60, 1, new PortDevice() {
                @Override public int ioRead(int port, int size) { return 0x42; }
                @Override public void ioWrite(int port, int size, int value) { seen[0] = value; }
            });
            bench.ide.configWrite(0x04, 2, 0x0001);
            bench.ide.configWrite(PiixIde.REG_BMIBA, 4, 0x0050);    // 0x50-0x5F is free, 0x60 is not
            bench.ide.configWrite(PiixIde.REG_BMIBA, 4, 0x0060);
            assertEquals(0x42, bench.in8(0x60));
            assertEquals(0xFF, bench.in8(0x50 + 2));                 // the old block was released
            bench.ide.configWrite(PiixIde.REG_BMIBA, 4, 0x01F0);     // over the legacy IDE ports
            bench.ide.configWrite(PiixIde.REG_BMIBA, 4, BMIBA);
            assertEquals(0x00, bench.in8(BMIBA + 2));
            assertEquals(0x50, bench.in8(PRIMARY + 7));              // legacy ports untouched
        }

        @Test
        void idetimDecodeEnableReadsBack() {
            bench.ide.configWrite(PiixIde.REG_IDETIM_PRIMARY, 2, 0x8000);
            assertEquals(0x8000, bench.ide.configRead(PiixIde.REG_IDETIM_PRIMARY, 2));
        }
    }

    @Nested
    class BusMasterDma {
        @Test
        void readDmaThroughPrdTableLandsInRam() {
            bench.enableBusMaster();
            bench.prd(0x1000, 0x20000, 512, false);
            bench.prd(0x1008, 0x30000, 1024, true);
            bench.out32(BMIBA + 4, 0x1000);
            bench.out8(BMIBA, BM_WRITE_TO_MEMORY);
            bench.lba28(PRIMARY, 0, 5, 3, READ_DMA);
            assertFalse(bench.irq[0]);                        // waits for the bus master
            bench.out8(BMIBA, BM_WRITE_TO_MEMORY | BM_START);

            byte[] first = new byte[512];
            byte[] rest = new byte[1024];
            bench.memory.readBytes(0x20000, first, 0, 512);
            bench.memory.readBytes(0x30000, rest, 0, 1024);
            assertArrayEquals(IdeBench.expectedSectors(disk, 5, 1), first);
            assertArrayEquals(IdeBench.expectedSectors(disk, 6, 2), rest);
            assertTrue(bench.irq[0]);
            // PRDs used exactly: ACTIVE cleared, INTERRUPT set (PIIX3 datasheet, BMISX table).
            assertEquals(BM_INTERRUPT, bench.in8(BMIBA + 2) & (BM_ACTIVE | BM_INTERRUPT));
            bench.assertStatus(PRIMARY, STATUS_READY);
            assertFalse(bench.irq[0]);
            bench.out8(BMIBA + 2, BM_INTERRUPT);              // write 1 to clear
            assertEquals(0, bench.in8(BMIBA + 2) & BM_INTERRUPT);
        }

        @Test
        void startingTheEngineBeforeTheCommandAlsoWorks() {
            bench.enableBusMaster();
            bench.prd(0x1000, 0x40000, 512, true);
            bench.out32(BMIBA + 4, 0x1000);
            bench.out8(BMIBA, BM_WRITE_TO_MEMORY | BM_START);
            bench.lba28(PRIMARY, 0, 9, 1, READ_DMA);
            byte[] got = new byte[512];
            bench.memory.readBytes(0x40000, got, 0, 512);
            assertArrayEquals(IdeBench.expectedSectors(disk, 9, 1), got);
        }

        @Test
        void largerPrdTableLeavesActiveSetWithInterrupt() {
            bench.enableBusMaster();
            bench.prd(0x1000, 0x20000, 4096, true);
            bench.out32(BMIBA + 4, 0x1000);
            bench.out8(BMIBA, BM_WRITE_TO_MEMORY | BM_START);
            bench.lba28(PRIMARY, 0, 0, 1, READ_DMA);
            assertEquals(BM_ACTIVE | BM_INTERRUPT, bench.in8(BMIBA + 2) & (BM_ACTIVE | BM_INTERRUPT));
            assertTrue(bench.irq[0]);
        }

        @Test
        void shorterPrdTableStopsWithoutInterrupt() {
            bench.enableBusMaster();
            bench.prd(0x1000, 0x20000, 512, true);
            bench.out32(BMIBA + 4, 0x1000);
            bench.out8(BMIBA, BM_WRITE_TO_MEMORY | BM_START);
            bench.lba28(PRIMARY, 0, 0, 2, READ_DMA);
            assertEquals(0, bench.in8(BMIBA + 2) & (BM_ACTIVE | BM_INTERRUPT));
            assertFalse(bench.irq[0]);
            assertEquals(0x58, bench.in8(PRIMARY_CONTROL));   // device still waiting with DRQ
        }

        @Test
        void writeDmaMovesRamToTheDisk() {
            bench.enableBusMaster();
            byte[] data = new byte[1024];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 3 + 1);
            bench.memory.writeBytes(0x50000, data, 0, data.length);
            bench.prd(0x2000, 0x50000, 1024, true);
            bench.out32(BMIBA + 4, 0x2000);
            bench.lba28(PRIMARY, 0, 10, 2, WRITE_DMA);
            bench.out8(BMIBA, BM_START);
            for (int i = 0; i < data.length; i++) assertEquals(data[i], disk.at(10 * 512 + i));
            bench.assertStatus(PRIMARY, STATUS_READY);
        }

        @Test
        void interruptBitIsSetEvenWhileIrqIsStillHighFromAnEarlierCommand() {
            bench.enableBusMaster();
            bench.lba28(PRIMARY, 0, 0, 1, 0xE7);             // FLUSH CACHE interrupts; status not read
            bench.out8(BMIBA + 2, BM_INTERRUPT);              // driver clears the BM bit only
            bench.prd(0x1000, 0x20000, 512, true);
            bench.out32(BMIBA + 4, 0x1000);
            bench.out8(BMIBA, BM_WRITE_TO_MEMORY | BM_START);
            bench.lba28(PRIMARY, 0, 1, 1, READ_DMA);
            assertEquals(BM_INTERRUPT, bench.in8(BMIBA + 2) & BM_INTERRUPT);
        }

        @Test
        void dmaIntoAPageHoldingCodeReportsTheWrite() {
            List<Long> written = new ArrayList<>();
            bench.memory.setCodePage(0x21000, true);
            bench.memory.setCodeWriteListener((pa, len) -> written.add(pa));
            bench.enableBusMaster();
            bench.prd(0x1000, 0x20E00, 1024, true);          // straddles into the code page
            bench.out32(BMIBA + 4, 0x1000);
            bench.out8(BMIBA, BM_WRITE_TO_MEMORY | BM_START);
            bench.lba28(PRIMARY, 0, 0, 2, READ_DMA);
            assertEquals(List.of(0x21000L), written);
        }

        @Test
        void prdTablePointerIgnoresLowBits() {
            bench.enableBusMaster();
            bench.out32(BMIBA + 4, 0x12345677);
            assertEquals(0x12345674, bench.ports.read(BMIBA + 4, 4));
        }

        @Test
        void secondaryChannelRegistersStartAtOffset8() {
            bench.enableBusMaster();
            bench.out32(BMIBA + 12, 0x3000);
            assertEquals(0x3000, bench.ports.read(BMIBA + 12, 4));
            assertEquals(0, bench.ports.read(BMIBA + 4, 4));
        }
    }

    @Nested
    class ChannelRegisters {
        @Test
        void softResetShowsBusyThenTheAtaSignature() {
            bench.out8(PRIMARY_CONTROL, 0x04);
            assertEquals(0x80, bench.in8(PRIMARY_CONTROL));
            bench.out8(PRIMARY_CONTROL, 0x00);
            // ATA-6 reset signature: count 01h, LBA low 01h, mid 00h, high 00h; error 01h.
            assertEquals(0x01, bench.in8(PRIMARY + 2));
            assertEquals(0x01, bench.in8(PRIMARY + 3));
            assertEquals(0x00, bench.in8(PRIMARY + 4));
            assertEquals(0x00, bench.in8(PRIMARY + 5));
            assertEquals(0x01, bench.in8(PRIMARY + 1));
            bench.assertStatus(PRIMARY, STATUS_READY);
            assertFalse(bench.irq[0]);
        }

        @Test
        void nienMasksTheInterrupt() {
            bench.out8(PRIMARY_CONTROL, 0x02);
            bench.lba28(PRIMARY, 0, 0, 1, 0xE7);             // FLUSH CACHE
            assertFalse(bench.irq[0]);
            bench.out8(PRIMARY_CONTROL, 0x00);
            assertTrue(bench.irq[0]);                          // still pending until status is read
            bench.in8(PRIMARY + 7);
            assertFalse(bench.irq[0]);
        }

        @Test
        void alternateStatusDoesNotClearTheInterrupt() {
            bench.lba28(PRIMARY, 0, 0, 1, 0xE7);
            assertEquals(STATUS_READY, bench.in8(PRIMARY_CONTROL));
            assertTrue(bench.irq[0]);
        }

        @Test
        void absentDeviceOneReadsZeroBesideAPresentDeviceZero() {
            bench.out8(PRIMARY + 6, 0xB0);
            assertEquals(0x00, bench.in8(PRIMARY + 7));
            assertEquals(0x00, bench.in8(PRIMARY_CONTROL));
        }

        @Test
        void emptyChannelFloatsHigh() {
            assertEquals(0xFF, bench.in8(SECONDARY + 7));
            assertEquals(0xFF, bench.in8(IdeBench.SECONDARY_CONTROL));
        }

        @Test
        void commandBlockWritesReadBack() {
            bench.out8(PRIMARY + 2, 0x55);
            bench.out8(PRIMARY + 3, 0xAA);
            assertEquals(0x55, bench.in8(PRIMARY + 2));
            assertEquals(0xAA, bench.in8(PRIMARY + 3));
        }

        @Test
        void hobBitReadsThePreviousValueAndAnyRegisterWriteClearsIt() {
            bench.out8(PRIMARY + 3, 0x12);
            bench.out8(PRIMARY + 3, 0x34);
            bench.out8(PRIMARY_CONTROL, 0x80);
            assertEquals(0x12, bench.in8(PRIMARY + 3));
            bench.out8(PRIMARY + 4, 0);
            assertEquals(0x34, bench.in8(PRIMARY + 3));
        }

        @Test
        void executeDeviceDiagnosticResetsAndInterrupts() {
            bench.out8(PRIMARY + 4, 0x77);
            bench.out8(PRIMARY + 7, 0x90);
            assertTrue(bench.irq[0]);
            assertEquals(0x01, bench.in8(PRIMARY + 1));
            assertEquals(0x00, bench.in8(PRIMARY + 4));
        }
    }

    @Nested
    class FirmwareStyleProbe {
        /** The presence test firmware runs per position: write 55h/AAh patterns, read them back. */
        private boolean present(int base, int dev) {
            bench.out8(base + 6, 0xA0 | dev << 4);
            bench.out8(base + 2, 0x55);
            bench.out8(base + 3, 0xAA);
            bench.out8(base + 2, 0xAA);
            bench.out8(base + 3, 0x55);
            bench.out8(base + 2, 0x55);
            bench.out8(base + 3, 0xAA);
            return bench.in8(base + 2) == 0x55 && bench.in8(base + 3) == 0xAA;
        }

        /** After SRST: "ata", "atapi" or "none" from the signature and status (ATA-6 reset protocol). */
        private String classify(int base, int control, int dev) {
            bench.out8(control, 0x06);
            bench.out8(control, 0x02);
            bench.out8(base + 6, 0xA0 | dev << 4);
            if (bench.in8(base + 2) != 1 || bench.in8(base + 3) != 1) return "none";
            int mid = bench.in8(base + 4);
            int high = bench.in8(base + 5);
            if (mid == 0x14 && high == 0xEB) return "atapi";
            if (mid == 0 && high == 0 && bench.in8(base + 7) != 0) return "ata";
            return "none";
        }

        @Test
        void findsTheDiskAndTheCdromAndNothingElse() {
            bench.ide.attach(1, 0, new AtapiCdrom("CD0"));
            assertTrue(present(PRIMARY, 0));
            assertFalse(present(PRIMARY, 1));
            assertTrue(present(SECONDARY, 0));
            assertFalse(present(SECONDARY, 1));
            assertEquals("ata", classify(PRIMARY, PRIMARY_CONTROL, 0));
            assertEquals("none", classify(PRIMARY, PRIMARY_CONTROL, 1));
            assertEquals("atapi", classify(SECONDARY, IdeBench.SECONDARY_CONTROL, 0));
            assertEquals("none", classify(SECONDARY, IdeBench.SECONDARY_CONTROL, 1));
            assertFalse(bench.irq[0] || bench.irq[1]);               // probing with nIEN raised nothing
        }

        @Test
        void emptyChannelFailsThePresenceTest() {
            try (IdeBench empty = new IdeBench()) {
                empty.out8(SECONDARY + 6, 0xA0);
                empty.out8(SECONDARY + 2, 0x55);
                assertEquals(0xFF, empty.in8(SECONDARY + 2));
            }
        }
    }

    @Test
    void systemResetUnmapsBar4AndResetsTheDrives() {
        bench.enableBusMaster();
        bench.out8(PRIMARY + 2, 4);
        bench.out8(PRIMARY + 7, 0xC6);                       // SET MULTIPLE MODE 4
        bench.ide.reset();
        assertEquals(0xFF, bench.in8(BMIBA + 2));
        assertEquals(0, bench.ide.configRead(0x04, 2));
        bench.lba28(PRIMARY, 0, 0, 1, 0xC4);                 // READ MULTIPLE: multiple mode is off again
        assertEquals(0x51, bench.in8(PRIMARY + 7));
    }

    @Nested
    class Snapshot {
        @Test
        void midTransferStateRoundTripsAndContinuesTheSame() throws Exception {
            bench.enableBusMaster();
            bench.out32(BMIBA + 4, 0x1000);
            bench.lba28(PRIMARY, 0, 3, 2, READ_SECTORS);
            byte[] firstHalf = bench.readData(PRIMARY, 256);
            PiixIde.State ideState = bench.ide.saveState();
            AtaDrive.State driveState = drive.saveState();

            ObjectMapper json = new ObjectMapper();
            PiixIde.State ideParsed = json.readValue(json.writeValueAsString(ideState), PiixIde.State.class);
            AtaDrive.State driveParsed = json.readValue(json.writeValueAsString(driveState), AtaDrive.State.class);
            assertEquals(ideState, ideParsed);
            assertEquals(driveState, driveParsed);

            try (IdeBench other = new IdeBench()) {
                AtaDrive fresh = new AtaDrive(disk, "DISK0");
                other.ide.attach(0, 0, fresh);
                fresh.restoreState(driveParsed);
                other.ide.restoreState(ideParsed);
                assertEquals(driveState, fresh.saveState());
                assertEquals(ideState, other.ide.saveState());
                assertEquals(0x1000, other.ports.read(BMIBA + 4, 4));

                // Same future: both finish the transfer with the same bytes and status.
                byte[] restOriginal = bench.readData(PRIMARY, 512 + 256);
                byte[] restFresh = other.readData(PRIMARY, 512 + 256);
                assertArrayEquals(restOriginal, restFresh);
                byte[] expected = IdeBench.expectedSectors(disk, 3, 2);
                byte[] all = new byte[1024];
                System.arraycopy(firstHalf, 0, all, 0, 256);
                System.arraycopy(restFresh, 0, all, 256, 768);
                assertArrayEquals(expected, all);
                assertEquals(bench.in8(PRIMARY + 7), other.in8(PRIMARY + 7));
            }
        }
    }
}
