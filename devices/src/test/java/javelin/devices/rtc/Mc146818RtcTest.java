package javelin.devices.rtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.List;
import javelin.softmmu.ManualClock;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Expected values from the MC146818A datasheet (formats, registers A–D, table 5 rates). */
class Mc146818RtcTest {
    /** Tuesday 24 November 2026, 22:30:45. */
    private static final LocalDateTime START = LocalDateTime.of(2026, 11, 24, 22, 30, 45);
    private static final long MS = 1_000_000;

    private ManualClock clock;
    private boolean irq8;
    private int irq8Rises;
    private Mc146818Rtc rtc;

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        rtc = newRtc(clock);
    }

    private Mc146818Rtc newRtc(ManualClock c) {
        return new Mc146818Rtc(0x70, c, high -> {
            if (high && !irq8) irq8Rises++;
            irq8 = high;
        }, START);
    }

    private int read(int location) {
        rtc.ioWrite(0x70, 1, location);
        return rtc.ioRead(0x71, 1);
    }

    private void write(int location, int value) {
        rtc.ioWrite(0x70, 1, location);
        rtc.ioWrite(0x71, 1, value);
    }

    @Nested
    class TimeRegisters {
        @Test
        void powerOnFormatIsBcdAnd24Hours() {
            assertEquals(0x45, read(0x00));
            assertEquals(0x30, read(0x02));
            assertEquals(0x22, read(0x04));
            assertEquals(3, read(0x06), "Sunday is 1, so Tuesday is 3");
            assertEquals(0x24, read(0x07));
            assertEquals(0x11, read(0x08));
            assertEquals(0x26, read(0x09));
            assertEquals(0x20, read(0x32));
        }

        @Test
        void timeAdvancesWithTheVirtualClock() {
            clock.advance(15_000 * MS);
            assertEquals(0x00, read(0x00));
            assertEquals(0x31, read(0x02));
            clock.advance(2L * 3600 * 1000 * MS);
            assertEquals(0x00, read(0x04));
            assertEquals(0x25, read(0x07));
            assertEquals(4, read(0x06));
        }

        @Test
        void binaryModeGivesPlainNumbers() {
            write(0x0B, 0x06);
            assertEquals(45, read(0x00));
            assertEquals(22, read(0x04));
            assertEquals(26, read(0x09));
        }

        @Test
        void twelveHourModeSetsPmBit() {
            write(0x0B, 0x00);
            assertEquals(0x80 | 0x10, read(0x04));
        }

        @Test
        void setStopsUpdatesAndNewTimeRunsFromClearingIt() {
            write(0x0B, 0x82);
            write(0x00, 0x58);
            write(0x02, 0x59);
            write(0x04, 0x23);
            write(0x07, 0x31);
            write(0x08, 0x12);
            write(0x09, 0x99);
            write(0x32, 0x19);
            clock.advance(5_000 * MS);
            assertEquals(0x58, read(0x00), "frozen while SET");
            write(0x0B, 0x02);
            clock.advance(2_000 * MS);
            assertEquals(0x00, read(0x00));
            assertEquals(0x00, read(0x04));
            assertEquals(0x01, read(0x07));
            assertEquals(0x01, read(0x08));
            assertEquals(0x00, read(0x09));
            assertEquals(0x20, read(0x32));
        }

        @Test
        void writingOneFieldWhileRunningKeepsTheOthers() {
            write(0x09, 0x30);
            assertEquals(0x30, read(0x09));
            assertEquals(0x11, read(0x08));
            assertEquals(0x45, read(0x00));
        }
    }

    @Nested
    class RegisterA {
        @Test
        void uipIsSetInTheLast244MicrosecondsBeforeAnUpdate() {
            clock.advance(1_000 * MS - 300_000);
            assertEquals(0, read(0x0A) & 0x80);
            clock.advance(100_000);
            assertEquals(0x80, read(0x0A) & 0x80);
            clock.advance(200_000);
            assertEquals(0, read(0x0A) & 0x80);
        }

        @Test
        void powerOnValueSelects32KilohertzAnd1024Hertz() {
            assertEquals(0x26, read(0x0A) & 0x7F);
        }

        @Test
        void dividerResetStopsTimeAndReleaseUpdatesHalfASecondLater() {
            write(0x0A, 0x76);
            clock.advance(10_000 * MS);
            assertEquals(0x45, read(0x00));
            write(0x0A, 0x26);
            clock.advance(499 * MS);
            assertEquals(0x45, read(0x00));
            clock.advance(1 * MS);
            assertEquals(0x46, read(0x00));
        }
    }

    @Nested
    class Interrupts {
        @Test
        void rate6Gives1024PeriodicInterruptsPerSecond() {
            write(0x0B, 0x42);
            int count = 0;
            while (clock.nextDeadline() <= 1_000 * MS) {
                clock.advanceTo(clock.nextDeadline());
                assertTrue(irq8);
                assertEquals(0xC0, read(0x0C) & 0xC0, "IRQF and PF (UF is set each second too)");
                assertFalse(irq8);
                count++;
            }
            assertEquals(1024, count);
        }

        @Test
        void rate15Gives2InterruptsPerSecond() {
            write(0x0A, 0x2F);
            write(0x0B, 0x42);
            clock.advance(1_000 * MS);
            assertEquals(1, irq8Rises, "IRQF stays set until register C is read");
            read(0x0C);
            clock.advance(500 * MS);
            assertEquals(2, irq8Rises);
        }

        @Test
        void periodicFlagIsSetWithoutInterruptWhenPieIsClear() {
            clock.advance(10 * MS);
            assertEquals(0x40, read(0x0C));
            assertFalse(irq8);
            assertEquals(0x00, read(0x0C), "reading C cleared it");
        }

        @Test
        void updateEndedInterruptFollowsEachSecond() {
            write(0x0A, 0x20);
            write(0x0B, 0x12);
            clock.advance(999 * MS);
            assertFalse(irq8);
            clock.advance(1 * MS);
            assertTrue(irq8);
            assertEquals(0x90, read(0x0C));
        }

        @Test
        void alarmInterruptAtMatchingTime() {
            write(0x0A, 0x20);
            write(0x01, 0x50);
            write(0x03, 0x30);
            write(0x05, 0x22);
            write(0x0B, 0x22);
            clock.advance(4_000 * MS);
            assertFalse(irq8);
            clock.advance(1_000 * MS);
            assertTrue(irq8);
            assertEquals(0xB0, read(0x0C));
        }

        @Test
        void dontCareAlarmFiresEverySecond() {
            write(0x0A, 0x20);
            write(0x01, 0xC0);
            write(0x03, 0xFF);
            write(0x05, 0xC0);
            write(0x0B, 0x22);
            clock.advance(1_000 * MS);
            assertEquals(0xB0, read(0x0C));
            clock.advance(1_000 * MS);
            assertEquals(0xB0, read(0x0C));
        }

        @Test
        void setClearsUpdateInterruptEnable() {
            write(0x0B, 0x92);
            assertEquals(0x82, read(0x0B));
        }

        @Test
        void registerDReportsValidRam() {
            assertEquals(0x80, read(0x0D));
        }
    }

    @Nested
    class Nvram {
        @Test
        void ordinaryBytesReadBack() {
            write(0x40, 0x5A);
            assertEquals(0x5A, read(0x40));
            write(0x7F, 0xA5);
            assertEquals(0xA5, read(0x7F));
        }

        @Test
        void indexBit7MasksNmi() {
            rtc.ioWrite(0x70, 1, 0x8F);
            assertTrue(rtc.isNmiMasked());
            rtc.ioWrite(0x70, 1, 0x0F);
            assertFalse(rtc.isNmiMasked());
        }

        @Test
        void memorySizeBytesForSixteenMegabytes() {
            rtc.setMemorySize(16L << 20, 0);
            assertEquals(0x80, read(0x15));
            assertEquals(0x02, read(0x16));
            assertEquals(0x00, read(0x17));
            assertEquals(0x3C, read(0x18));
            assertEquals(0x00, read(0x30));
            assertEquals(0x3C, read(0x31));
            assertEquals(0x00, read(0x34));
            assertEquals(0x00, read(0x35));
        }

        @Test
        void memorySizeBytesAbove16MegabytesAnd4Gigabytes() {
            rtc.setMemorySize(0xC000_0000L, 2L << 30);
            assertEquals(0xFF, read(0x17));
            assertEquals(0xFF, read(0x18));
            assertEquals(0x00, read(0x34));
            assertEquals(0xBF, read(0x35));
            assertEquals(0x00, read(0x5B));
            assertEquals(0x80, read(0x5C));
            assertEquals(0x00, read(0x5D));
        }

        @Test
        void bootOrderNibbles() {
            rtc.setBootOrder(List.of(Mc146818Rtc.BootDevice.CDROM, Mc146818Rtc.BootDevice.HARD_DISK,
                    Mc146818Rtc.BootDevice.FLOPPY), true);
            assertEquals(0x23, read(0x3D));
            assertEquals(0x10, read(0x38));
            rtc.setBootOrder(List.of(Mc146818Rtc.BootDevice.HARD_DISK), false);
            assertEquals(0x02, read(0x3D));
            assertEquals(0x01, read(0x38));
        }
    }

    @Nested
    class Snapshot {
        private void busy() {
            write(0x0A, 0x2A);
            write(0x0B, 0x62);
            write(0x01, 0xC0);
            write(0x03, 0xC0);
            write(0x05, 0xC0);
            write(0x50, 0x12);
            rtc.ioWrite(0x70, 1, 0x8C);
            clock.advance(1_234 * MS + 567);
        }

        @Test
        void roundTripThroughJson() throws Exception {
            busy();
            Mc146818Rtc.State saved = rtc.saveState();
            ObjectMapper json = new ObjectMapper();
            Mc146818Rtc.State read = json.readValue(json.writeValueAsString(saved), Mc146818Rtc.State.class);
            assertEquals(saved, read);
            Mc146818Rtc fresh = newRtc(new ManualClock(clock.nanos()));
            fresh.restoreState(read);
            assertEquals(saved, fresh.saveState());
            assertTrue(fresh.isNmiMasked());
        }

        @Test
        void restoredClockHasTheSameFuture() {
            busy();
            Mc146818Rtc.State saved = rtc.saveState();
            ManualClock otherClock = new ManualClock(clock.nanos());
            int[] otherRises = {0};
            boolean[] otherLevel = {irq8};
            Mc146818Rtc other = new Mc146818Rtc(0x70, otherClock, high -> {
                if (high && !otherLevel[0]) otherRises[0]++;
                otherLevel[0] = high;
            }, LocalDateTime.of(1999, 1, 1, 0, 0));
            other.restoreState(saved);
            int before = irq8Rises;
            for (int i = 0; i < 20; i++) {
                clock.advance(37 * MS);
                otherClock.advance(37 * MS);
                assertEquals(read(0x0C), readOther(other, 0x0C));
                assertEquals(read(0x00), readOther(other, 0x00));
            }
            assertEquals(irq8Rises - before, otherRises[0]);
            assertEquals(rtc.saveState(), other.saveState());
        }

        private int readOther(Mc146818Rtc r, int location) {
            r.ioWrite(0x70, 1, location);
            return r.ioRead(0x71, 1);
        }

        @Test
        void rejectsShortCmos() {
            assertThrows(SnapshotFormatException.class, () -> new Mc146818Rtc.State(1, 0,
                    Collections.nCopies(64, 0), 0, 0, 0, 0));
        }

        private <T> T fixture(String name, Class<T> type) throws java.io.IOException {
            try (var in = getClass().getResourceAsStream("/state/" + name)) {
                return new ObjectMapper().readValue(in, type);
            }
        }

        @Test
        void loadsTheVersion1Fixture() throws Exception {
            ManualClock later = new ManualClock(7_000_000_000L);
            Mc146818Rtc fresh = new Mc146818Rtc(0x70, later, high -> { }, LocalDateTime.of(2000, 1, 1, 0, 0));
            fresh.restoreState(fixture("rtc-v1.json", Mc146818Rtc.State.class));
            assertEquals(0x45, readOther(fresh, 0x00));
            assertEquals(0x22, readOther(fresh, 0x04));
            assertEquals(0x23, readOther(fresh, 0x3D));
            assertEquals(0x07, readOther(fresh, 0x35));
        }
    }
}
