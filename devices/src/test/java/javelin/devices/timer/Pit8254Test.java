package javelin.devices.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import javelin.softmmu.ManualClock;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Expected values from the Intel 8254 datasheet (231164): a CLK period is 1/1,193,182 s; the CE
 * is loaded on the CLK after the count is written, then decrements once per CLK.
 */
class Pit8254Test {
    private static final int BASE = 0x40;
    private static final int CONTROL = 0x43;

    private ManualClock clock;
    private Pit8254 pit;
    private int irq0Rises;
    private boolean irq0Level;
    private final List<String> counter2Changes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        pit = newPit(clock);
    }

    private Pit8254 newPit(ManualClock c) {
        return new Pit8254(c, BASE, high -> {
            if (high && !irq0Level) irq0Rises++;
            irq0Level = high;
        }, (mode, period, gate) -> counter2Changes.add(mode + "/" + period + "/" + gate));
    }

    private void out(int port, int value) { pit.ioWrite(port, 1, value); }

    private int in(int port) { return pit.ioRead(port, 1); }

    /** Moves the clock to the instant of CLK edge {@code tick}. */
    private void toTick(long tick) { clock.advanceTo(Pit8254.nanosOfTick(tick)); }

    private void program(int counter, int mode, int count) {
        out(CONTROL, counter << 6 | 0x30 | mode << 1);
        out(BASE + counter, count & 0xFF);
        out(BASE + counter, count >> 8);
    }

    private int latchAndRead(int counter) {
        out(CONTROL, counter << 6);
        return in(BASE + counter) | in(BASE + counter) << 8;
    }

    @Nested
    class Clock {
        @Test
        void tickConversionMatchesTheInputFrequency() {
            assertEquals(1_193_182, Pit8254.ticksAt(1_000_000_000L));
            assertEquals(0, Pit8254.ticksAt(838));
            assertEquals(1, Pit8254.ticksAt(839));
            for (long tick : new long[] {1, 2, 1193, 1_193_182, 123_456_789_012L}) {
                assertEquals(tick, Pit8254.ticksAt(Pit8254.nanosOfTick(tick)));
                assertEquals(tick - 1, Pit8254.ticksAt(Pit8254.nanosOfTick(tick) - 1));
            }
        }
    }

    @Nested
    class Mode0InterruptOnTerminalCount {
        @Test
        void outGoesHighNPlusOneClocksAfterTheCountIsWritten() {
            program(0, 0, 100);
            toTick(100);
            assertFalse(irq0Level);
            toTick(101);
            assertTrue(irq0Level);
            assertEquals(1, irq0Rises);
        }

        @Test
        void countWrapsAfterTerminalCountAndOutStaysHigh() {
            program(0, 0, 100);
            toTick(111);
            assertEquals(0xFFF6, latchAndRead(0));
            assertTrue(pit.out(0));
        }

        @Test
        void firstByteOfTwoStopsCountingAndDrivesOutLow() {
            program(0, 0, 10);
            toTick(20);
            assertTrue(irq0Level);
            out(BASE, 50);
            assertFalse(irq0Level);
            toTick(100);
            out(BASE, 0);
            toTick(150);
            assertFalse(irq0Level);
            toTick(151);
            assertTrue(irq0Level);
        }

        @Test
        void gateLowSuspendsCounting() {
            program(2, 0, 100);
            pit.setGate(2, true);
            toTick(51);                 // 50 counted
            pit.setGate(2, false);
            toTick(500);
            assertEquals(50, latchAndRead(2));
            assertFalse(pit.out(2));
            pit.setGate(2, true);
            toTick(549);
            assertFalse(pit.out(2));
            toTick(550);
            assertTrue(pit.out(2));
        }
    }

    @Nested
    class Mode1OneShot {
        @Test
        void gateTriggerDrivesOutLowForNClocks() {
            program(2, 1, 10);
            toTick(5);
            assertTrue(pit.out(2), "OUT is high until triggered");
            pit.setGate(2, true);
            toTick(6);
            assertFalse(pit.out(2));
            toTick(15);
            assertFalse(pit.out(2));
            toTick(16);
            assertTrue(pit.out(2));
        }

        @Test
        void retriggerRestartsTheOneShot() {
            program(2, 1, 10);
            pit.setGate(2, true);
            toTick(8);
            pit.setGate(2, false);
            pit.setGate(2, true);
            toTick(18);
            assertFalse(pit.out(2));
            toTick(19);
            assertTrue(pit.out(2));
        }
    }

    @Nested
    class Mode2RateGenerator {
        @Test
        void oneKilohertzGivesOneThousandInterruptsPerSecond() {
            program(0, 2, 1193);
            irq0Rises = 0;
            clock.advance(1_000_000_000L);
            assertEquals(1000, irq0Rises);
        }

        @Test
        void outIsLowForOneClockWhenCountReachesOne() {
            program(0, 2, 5);
            irq0Rises = 0;
            toTick(4);
            assertTrue(irq0Level);
            toTick(5);
            assertFalse(irq0Level);
            assertEquals(1, latchAndRead(0));
            toTick(6);
            assertTrue(irq0Level);
            assertEquals(5, latchAndRead(0));
            assertEquals(1, irq0Rises);
        }

        @Test
        void countReadsNDownToOneAndRepeats() {
            program(0, 2, 1000);
            toTick(300);
            assertEquals(701, latchAndRead(0));
            toTick(1001);
            assertEquals(1000, latchAndRead(0));
        }

        @Test
        void newCountTakesEffectAtTheEndOfTheCurrentPeriod() {
            program(0, 2, 100);
            toTick(50);
            out(BASE, 10);
            out(BASE, 0);
            assertEquals(51, latchAndRead(0));
            toTick(101);
            assertEquals(10, latchAndRead(0));
            toTick(111);
            assertEquals(10, latchAndRead(0));
        }

        @Test
        void gateLowForcesOutHighAndGateHighReloads() {
            program(2, 2, 10);
            pit.setGate(2, true);
            toTick(10);
            assertFalse(pit.out(2), "count is 1");
            pit.setGate(2, false);
            assertTrue(pit.out(2));
            toTick(50);
            pit.setGate(2, true);
            toTick(51);
            assertEquals(10, latchAndRead(2));
        }
    }

    @Nested
    class Mode3SquareWave {
        @Test
        void evenCountIsHighForHalfAndLowForHalf() {
            program(2, 3, 4);
            pit.setGate(2, true);
            boolean[] expected = {true, true, false, false, true, true, false, false};
            for (int d = 0; d < expected.length; d++) {
                toTick(1 + d);
                assertEquals(expected[d], pit.out(2), "tick " + d);
            }
        }

        @Test
        void oddCountIsHighOneClockLongerThanLow() {
            program(2, 3, 5);
            pit.setGate(2, true);
            boolean[] expected = {true, true, true, false, false, true};
            for (int d = 0; d < expected.length; d++) {
                toTick(1 + d);
                assertEquals(expected[d], pit.out(2), "tick " + d);
            }
        }

        @Test
        void newCountTakesEffectAtTheEndOfTheHalfCycle() {
            program(2, 3, 100);
            pit.setGate(2, true);
            toTick(11);
            out(BASE + 2, 20);
            out(BASE + 2, 0);
            toTick(50);
            assertTrue(pit.out(2), "old high half lasts 50 ticks");
            toTick(51);
            assertFalse(pit.out(2), "new count loaded with OUT low");
            toTick(60);
            assertFalse(pit.out(2));
            toTick(61);
            assertTrue(pit.out(2), "low half of the new count: 10 ticks");
            toTick(71);
            assertFalse(pit.out(2));
        }

        @Test
        void countDecrementsByTwo() {
            program(2, 3, 100);
            pit.setGate(2, true);
            toTick(11);
            assertEquals(80, latchAndRead(2));
        }

        @Test
        void biosTickRateOnIrq0() {
            program(0, 3, 0);              // 65536: 18.2 Hz
            irq0Rises = 0;
            clock.advance(10_000_000_000L);
            assertEquals(182, irq0Rises);
        }
    }

    @Nested
    class Modes4And5Strobes {
        @Test
        void softwareStrobePulsesOutLowForOneClockAtTerminalCount() {
            program(0, 4, 10);
            irq0Rises = 0;
            toTick(10);
            assertTrue(irq0Level);
            toTick(11);
            assertFalse(irq0Level);
            toTick(12);
            assertTrue(irq0Level);
            assertEquals(1, irq0Rises, "one rising edge at the end of the strobe");
        }

        @Test
        void hardwareStrobeStartsOnGateEdge() {
            program(2, 5, 3);
            toTick(10);
            assertTrue(pit.out(2));
            pit.setGate(2, true);
            toTick(14);
            assertFalse(pit.out(2));
            toTick(15);
            assertTrue(pit.out(2));
        }
    }

    @Nested
    class Access {
        @Test
        void bcdCountsInDecimalDigits() {
            out(CONTROL, 0x35);
            out(BASE, 0x00);
            out(BASE, 0x10);
            toTick(301);
            assertEquals(0x0700, latchAndRead(0));
        }

        @Test
        void lsbOnlyAndMsbOnlyAccess() {
            out(CONTROL, 0x54);            // counter 1, LSB only, mode 2
            out(BASE + 1, 18);
            toTick(5);
            out(CONTROL, 0x40);
            assertEquals(14, in(BASE + 1));
            out(CONTROL, 0xA4);            // counter 2, MSB only, mode 2
            out(BASE + 2, 0x02);
            pit.setGate(2, true);
            toTick(6);
            assertEquals(0x02, in(BASE + 2));
        }

        @Test
        void latchHoldsTheCountUntilRead() {
            program(0, 2, 1000);
            toTick(101);
            out(CONTROL, 0x00);
            toTick(200);
            out(CONTROL, 0x00);            // ignored: a latch is pending
            assertEquals(900 & 0xFF, in(BASE));
            assertEquals(900 >> 8, in(BASE));
            assertEquals(1000 - 199 & 0xFF, in(BASE), "unlatched read follows the count again");
        }

        @Test
        void readBackStatusShowsOutNullCountAndProgramming() {
            out(CONTROL, 0x34);
            out(CONTROL, 0xE2);
            assertEquals(0x80 | 0x40 | 0x34, in(BASE));
            out(BASE, 0x10);
            out(BASE, 0x00);
            toTick(2);
            out(CONTROL, 0xE2);
            assertEquals(0x80 | 0x34, in(BASE));
        }

        @Test
        void readBackOfStatusAndCountReturnsStatusFirst() {
            program(0, 0, 100);
            toTick(41);
            out(CONTROL, 0xC2);
            assertEquals(0x30, in(BASE));   // OUT low, count loaded, RW both, mode 0, binary
            assertEquals(60, in(BASE));
            assertEquals(0, in(BASE));
        }

        @Test
        void readBackLatchesSeveralCounters() {
            program(0, 2, 500);
            program(1, 2, 300);
            toTick(101);
            out(CONTROL, 0xD6);            // latch count of counters 0 and 1
            toTick(150);
            assertEquals(400, in(BASE) | in(BASE) << 8);
            assertEquals(200, in(BASE + 1) | in(BASE + 1) << 8);
        }

        @Test
        void controlPortReadsAllOnes() {
            assertEquals(0xFF, in(CONTROL));
        }

        @Test
        void counter2ChangesAreReportedForTheSpeaker() {
            program(2, 3, 1193);
            pit.setGate(2, true);
            assertEquals(List.of("3/0/false", "3/0/false", "3/1193/false", "3/1193/true"), counter2Changes);
        }
    }

    @Nested
    class Snapshot {
        private void busy() {
            program(0, 2, 1193);
            program(2, 3, 3000);
            pit.setGate(2, true);
            program(1, 0, 5000);
            clock.advance(2_345_678);
            out(CONTROL, 0x40);
            out(BASE + 2, 7);   // half of a new count
        }

        @Test
        void roundTripGivesEqualState() throws Exception {
            busy();
            Pit8254.State saved = pit.saveState();
            ManualClock other = new ManualClock(clock.nanos());
            Pit8254 fresh = newPit(other);
            fresh.restoreState(saved);
            assertEquals(saved, fresh.saveState());
            ObjectMapper json = new ObjectMapper();
            Pit8254.State read = json.readValue(json.writeValueAsString(saved), Pit8254.State.class);
            assertEquals(saved, read);
        }

        @Test
        void restoredTimerHasTheSameFuture() {
            busy();
            Pit8254.State saved = pit.saveState();
            ManualClock otherClock = new ManualClock(clock.nanos());
            int[] otherRises = {0};
            boolean[] otherLevel = {irq0Level};
            Pit8254 other = new Pit8254(otherClock, BASE, high -> {
                if (high && !otherLevel[0]) otherRises[0]++;
                otherLevel[0] = high;
            }, Pit8254.Counter2Listener.NONE);
            other.restoreState(saved);
            int risesBefore = irq0Rises;
            clock.advance(50_000_000);
            otherClock.advance(50_000_000);
            assertEquals(irq0Rises - risesBefore, otherRises[0]);
            assertEquals(50, otherRises[0]);
            for (int n = 0; n < 3; n++) {
                assertEquals(latchAndRead(n), readLatched(other, n), "counter " + n);
            }
            assertEquals(pit.saveState(), other.saveState());
        }

        private int readLatched(Pit8254 p, int n) {
            p.ioWrite(CONTROL, 1, n << 6);
            return p.ioRead(BASE + n, 1) | p.ioRead(BASE + n, 1) << 8;
        }

        @Test
        void rejectsWrongCounterCount() {
            assertThrows(SnapshotFormatException.class, () -> new Pit8254.State(1, List.of()));
        }

        @Test
        void rejectsBadMode() {
            assertThrows(SnapshotFormatException.class, () -> new Pit8254.CounterState(6, 3, false, 0, false, 0,
                    Pit8254.CounterState.NOT_LOADED, false, 0, -1, 0, false, false, 0, false, -1, -1));
        }

        private <T> T fixture(String name, Class<T> type) throws java.io.IOException {
            try (var in = getClass().getResourceAsStream("/state/" + name)) {
                return new ObjectMapper().readValue(in, type);
            }
        }

        @Test
        void loadsTheVersion1Fixture() throws Exception {
            ManualClock later = new ManualClock(5_000_000_000L);
            int[] rises = {0};
            boolean[] level = {true};
            Pit8254 fresh = new Pit8254(later, BASE, high -> {
                if (high && !level[0]) rises[0]++;
                level[0] = high;
            }, Pit8254.Counter2Listener.NONE);
            fresh.restoreState(fixture("pit-v1.json", Pit8254.State.class));
            later.advance(1_000_000_000L);
            assertEquals(1000, rises[0], "counter 0: mode 2, divisor 1193");
            fresh.ioWrite(CONTROL, 1, 0xE8);          // read-back status of counter 2
            assertEquals(0x36, fresh.ioRead(BASE + 2, 1) & 0x3F, "mode 3, LSB then MSB, binary");
        }
    }
}
