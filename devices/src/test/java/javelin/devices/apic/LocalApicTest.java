package javelin.devices.apic;

import static javelin.devices.apic.LocalApic.*;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Expected values from the Intel SDM vol. 3A, chapter "Advanced Programmable Interrupt
 * Controller (APIC)": register reset values ("Local APIC State After Power-Up Reset"), the
 * Pentium 4 / Xeon version register (0x14, six LVT entries), PPR and acceptance rules
 * ("Task and Processor Priorities"), ICR encodings ("Interrupt Command Register"), the divide
 * configuration table ("APIC Timer").
 */
class LocalApicTest {
    /** ICR low: fixed, level assert (the SDM asks for assert on all but INIT de-assert). */
    private static final int FIXED = 0x4000;
    private static final int SELF = 1 << 18, ALL_INCLUDING_SELF = 2 << 18, ALL_EXCLUDING_SELF = 3 << 18;
    private static final int LOGICAL = 1 << 11;

    private ApicTestBoard b;

    @BeforeEach
    void setUp() {
        b = new ApicTestBoard(3);
    }

    private void selfIpi(int cpu, int vector) {
        b.write(cpu, REG_ICR_LOW, SELF | FIXED | vector);
    }

    @Nested
    class PowerUpState {
        @Test
        void idHoldsTheInitialApicIdInBits31To24() {
            assertEquals(0x0200_0000, b.read(2, REG_ID));
        }

        @Test
        void versionIsIntegratedApicWithSixLvtEntries() {
            assertEquals(0x0005_0014, b.read(0, REG_VERSION));
        }

        @Test
        void resetValuesFollowTheSdm() {
            assertEquals(0, b.read(1, REG_TPR));
            assertEquals(0, b.read(1, REG_LDR));
            assertEquals(0xFFFF_FFFF, b.read(1, REG_DFR));
            assertEquals(0xFF, b.read(1, REG_SVR));
            for (int reg = REG_LVT_TIMER; reg <= REG_LVT_ERROR; reg += 0x10) {
                assertEquals(0x0001_0000, b.read(1, reg), "LVT " + Integer.toHexString(reg));
            }
            assertEquals(0, b.read(1, REG_TIMER_INITIAL));
            assertEquals(0, b.read(1, REG_TIMER_DIVIDE));
        }

        @Test
        void bootstrapProcessorLint0StartsAsUnmaskedExtInt() {
            assertEquals(0x0000_0700, b.read(0, REG_LVT_LINT0));
        }

        @Test
        void unknownRegisterReadsAllOnes() {
            assertEquals(0xFFFF_FFFF, b.read(0, 0x400));
        }
    }

    @Nested
    class Registers {
        @Test
        void idIsWritableInBits31To24() {
            b.write(1, REG_ID, 0x0700_00FF);
            assertEquals(0x0700_0000, b.read(1, REG_ID));
        }

        @Test
        void dfrKeepsOnlyTheModelBits() {
            b.write(0, REG_DFR, 0x0000_0000);
            assertEquals(0x0FFF_FFFF, b.read(0, REG_DFR));
        }

        @Test
        void ldrKeepsBits31To24() {
            b.write(0, REG_LDR, 0x1234_5678);
            assertEquals(0x1200_0000, b.read(0, REG_LDR));
        }

        @Test
        void softwareDisableMasksEveryLvtEntryAndKeepsThemMasked() {
            b.enable(1);
            b.write(1, REG_LVT_LINT1, 0x400);
            assertEquals(0x400, b.read(1, REG_LVT_LINT1));
            b.write(1, REG_SVR, 0xFF);
            assertEquals(0x0001_0400, b.read(1, REG_LVT_LINT1));
            b.write(1, REG_LVT_ERROR, 0x33);
            assertEquals(0x0001_0033, b.read(1, REG_LVT_ERROR));
        }

        @Test
        void versionIsReadOnly() {
            b.write(0, REG_VERSION, 0);
            assertEquals(0x0005_0014, b.read(0, REG_VERSION));
        }

        @Test
        void byteReadReturnsTheLowByteOfTheRegister() {
            b.enable(0);
            assertEquals(0xFF, b.apic(0).mmioRead(REG_SVR, 1));
            assertEquals(0x01, b.apic(0).mmioRead(REG_SVR + 1, 1));
        }

        @Test
        void misalignedWriteIsIgnored() {
            b.apic(0).mmioWrite(REG_TPR + 4, 4, 0x20);
            b.apic(0).mmioWrite(REG_TPR, 2, 0x20);
            assertEquals(0, b.read(0, REG_TPR));
        }

        @Test
        void globallyDisabledApicPageReadsAllOnes() {
            b.apic(0).setGloballyEnabled(false);
            assertEquals(0xFFFF_FFFF, b.read(0, REG_VERSION));
        }
    }

    @Nested
    class Priority {
        @BeforeEach
        void enable() {
            b.enable(0);
        }

        @Test
        void acceptedVectorSetsIrrAndRaisesIntr() {
            selfIpi(0, 0x40);
            assertTrue(b.bit(0, REG_IRR, 0x40));
            assertTrue(b.apic(0).interruptPending());
            assertEquals(1, b.pins.get(0).wakes);
        }

        @Test
        void acknowledgeMovesTheVectorFromIrrToIsrAndRaisesPpr() {
            selfIpi(0, 0x40);
            assertEquals(0x40, b.apic(0).acknowledgeInterrupt());
            assertFalse(b.bit(0, REG_IRR, 0x40));
            assertTrue(b.bit(0, REG_ISR, 0x40));
            assertEquals(0x40, b.read(0, REG_PPR));
            assertFalse(b.apic(0).interruptPending());
        }

        @Test
        void tprBlocksVectorsOfItsOwnClassAndBelow() {
            b.write(0, REG_TPR, 0x50);
            selfIpi(0, 0x45);
            selfIpi(0, 0x5F);
            assertFalse(b.apic(0).interruptPending());
            selfIpi(0, 0x61);
            assertTrue(b.apic(0).interruptPending());
            assertEquals(0x61, b.apic(0).acknowledgeInterrupt());
        }

        @Test
        void loweringTprReleasesBlockedVectors() {
            b.write(0, REG_TPR, 0xF0);
            selfIpi(0, 0x45);
            assertFalse(b.apic(0).interruptPending());
            b.write(0, REG_TPR, 0x00);
            assertTrue(b.apic(0).interruptPending());
        }

        @Test
        void pprIsTprWhenTprClassIsAtLeastTheInServiceClass() {
            selfIpi(0, 0x40);
            b.apic(0).acknowledgeInterrupt();
            b.write(0, REG_TPR, 0x47);
            assertEquals(0x47, b.read(0, REG_PPR));
            b.write(0, REG_TPR, 0x32);
            assertEquals(0x40, b.read(0, REG_PPR));
        }

        @Test
        void aprIsTprWhenTprOutranksThePendingAndInServiceClasses() {
            b.write(0, REG_TPR, 0x57);
            selfIpi(0, 0x45);
            assertEquals(0x57, b.read(0, REG_APR));
        }

        @Test
        void aprIsThePendingClassWhenItOutranksTpr() {
            b.write(0, REG_TPR, 0x27);
            selfIpi(0, 0x45);
            assertEquals(0x40, b.read(0, REG_APR));
        }

        @Test
        void higherClassNestsAndEoiRetiresTheHighestInServiceFirst() {
            selfIpi(0, 0x40);
            assertEquals(0x40, b.apic(0).acknowledgeInterrupt());
            selfIpi(0, 0x50);
            selfIpi(0, 0x80);
            assertEquals(0x80, b.apic(0).acknowledgeInterrupt());
            assertFalse(b.apic(0).interruptPending(), "0x50 is below PPR 0x80");
            b.write(0, REG_EOI, 0);
            assertFalse(b.bit(0, REG_ISR, 0x80));
            assertTrue(b.bit(0, REG_ISR, 0x40));
            assertTrue(b.apic(0).interruptPending(), "0x50 is above PPR 0x40");
            assertEquals(0x50, b.apic(0).acknowledgeInterrupt());
        }

        @Test
        void sameClassWaitsForEoi() {
            selfIpi(0, 0x41);
            b.apic(0).acknowledgeInterrupt();
            selfIpi(0, 0x4F);
            assertFalse(b.apic(0).interruptPending());
            b.write(0, REG_EOI, 0);
            assertTrue(b.apic(0).interruptPending());
        }

        @Test
        void acknowledgeWithNothingDeliverableReturnsTheSpuriousVectorAndSetsNoIsr() {
            b.write(0, REG_SVR, 0x13F);
            b.write(0, REG_LVT_LINT0, 0x1_0700);
            assertEquals(0x3F, b.apic(0).acknowledgeInterrupt());
            assertFalse(b.bit(0, REG_ISR, 0x3F));
        }

        @Test
        void eoiWithEmptyIsrChangesNothing() {
            b.write(0, REG_EOI, 0);
            assertEquals(0, b.read(0, REG_PPR));
        }

        @Test
        void softwareDisabledApicRejectsFixedInterrupts() {
            b.write(1, REG_SVR, 0xFF);
            b.ipi(0, 1, FIXED | 0x40);
            assertFalse(b.bit(1, REG_IRR, 0x40));
        }
    }

    @Nested
    class Errors {
        @Test
        void sendingAnIllegalVectorSetsEsrBit5AfterTheEsrWrite() {
            b.enable(0);
            selfIpi(0, 0x05);
            assertEquals(0, b.read(0, REG_ESR), "ESR updates only on a write");
            b.write(0, REG_ESR, 0);
            assertEquals(0x20, b.read(0, REG_ESR));
            b.write(0, REG_ESR, 0);
            assertEquals(0, b.read(0, REG_ESR));
        }

        @Test
        void errorRaisesTheLvtErrorVector() {
            b.enable(0);
            b.write(0, REG_LVT_ERROR, 0xFE);
            selfIpi(0, 0x05);
            assertEquals(0xFE, b.apic(0).acknowledgeInterrupt());
        }
    }

    @Nested
    class Lint {
        @Test
        void softwareDisabledApicPassesThePicThroughAsVirtualWire() {
            b.write(0, REG_LVT_LINT0, 0x1_0000);      // masked: still through while disabled
            b.pic.pending = true;
            b.pic.vector = 0x08;
            assertTrue(b.apic(0).interruptPending());
            assertEquals(0x08, b.apic(0).acknowledgeInterrupt());
            assertEquals(1, b.pic.acknowledged);
        }

        @Test
        void enabledApicPassesThePicOnlyThroughUnmaskedExtIntLint0() {
            b.enable(0);
            b.pic.pending = true;
            b.pic.vector = 0x20;
            assertTrue(b.apic(0).interruptPending());
            b.write(0, REG_LVT_LINT0, 0x1_0700);
            assertFalse(b.apic(0).interruptPending());
            b.write(0, REG_LVT_LINT0, 0x0_0700);
            assertEquals(0x20, b.apic(0).acknowledgeInterrupt());
        }

        @Test
        void globallyDisabledApicPassesThePicThrough() {
            b.enable(0);
            b.write(0, REG_LVT_LINT0, 0x1_0700);
            b.apic(0).setGloballyEnabled(false);
            b.pic.pending = true;
            b.pic.vector = 0x09;
            assertEquals(0x09, b.apic(0).acknowledgeInterrupt());
        }

        @Test
        void fixedInterruptGoesBeforeTheExtInt() {
            b.enable(0);
            b.pic.pending = true;
            b.pic.vector = 0x20;
            selfIpi(0, 0x90);
            assertEquals(0x90, b.apic(0).acknowledgeInterrupt());
            assertEquals(0x20, b.apic(0).acknowledgeInterrupt());
        }

        @Test
        void lint1RisingEdgeInNmiModeSignalsNmi() {
            b.enable(1);
            b.write(1, REG_LVT_LINT1, 0x400);
            b.apic(1).lint1().raise();
            b.apic(1).lint1().raise();
            assertEquals(1, b.pins.get(1).nmis);
            b.apic(1).lint1().lower();
            b.apic(1).lint1().pulse();
            assertEquals(2, b.pins.get(1).nmis);
        }

        @Test
        void maskedLint1SignalsNothing() {
            b.enable(1);
            b.apic(1).lint1().pulse();
            assertEquals(0, b.pins.get(1).nmis);
        }

        @Test
        void lint1OfADisabledApicIsTheNmiPin() {
            b.apic(1).lint1().pulse();
            assertEquals(1, b.pins.get(1).nmis);
        }
    }

    @Nested
    class InterprocessorInterrupts {
        @BeforeEach
        void enableAll() {
            for (int i = 0; i < 3; i++) b.enable(i);
        }

        private List<Integer> receivers(int vector) {
            List<Integer> r = new ArrayList<>();
            for (int i = 0; i < 3; i++) if (b.bit(i, REG_IRR, vector)) r.add(i);
            return r;
        }

        @Test
        void physicalDestinationReachesOneApic() {
            b.ipi(0, 2, FIXED | 0x41);
            assertEquals(List.of(2), receivers(0x41));
        }

        @Test
        void physicalBroadcastReachesAll() {
            b.ipi(0, 0xFF, FIXED | 0x42);
            assertEquals(List.of(0, 1, 2), receivers(0x42));
        }

        @Test
        void deliveryStatusReadsIdleAfterTheSend() {
            b.ipi(0, 1, FIXED | 0x41);
            assertEquals(0, b.read(0, REG_ICR_LOW) & 0x1000);
            assertEquals(FIXED | 0x41, b.read(0, REG_ICR_LOW));
            assertEquals(0x0100_0000, b.read(0, REG_ICR_HIGH));
        }

        @Test
        void shorthandSelf() {
            b.ipi(1, 0, SELF | FIXED | 0x43);
            assertEquals(List.of(1), receivers(0x43));
        }

        @Test
        void shorthandAllIncludingSelf() {
            b.ipi(1, 0, ALL_INCLUDING_SELF | FIXED | 0x44);
            assertEquals(List.of(0, 1, 2), receivers(0x44));
        }

        @Test
        void shorthandAllExcludingSelf() {
            b.ipi(1, 0, ALL_EXCLUDING_SELF | FIXED | 0x45);
            assertEquals(List.of(0, 2), receivers(0x45));
        }

        @Test
        void logicalFlatMatchesAnyCommonLdrBit() {
            b.write(0, REG_LDR, 0x0100_0000);
            b.write(1, REG_LDR, 0x0200_0000);
            b.write(2, REG_LDR, 0x0400_0000);
            b.ipi(0, 0x06, LOGICAL | FIXED | 0x46);
            assertEquals(List.of(1, 2), receivers(0x46));
            b.ipi(0, 0x01, LOGICAL | FIXED | 0x47);
            assertEquals(List.of(0), receivers(0x47));
        }

        @Test
        void logicalClusterMatchesClusterAndMemberBits() {
            for (int i = 0; i < 3; i++) b.write(i, REG_DFR, 0x0FFF_FFFF);
            b.write(0, REG_LDR, 0x2100_0000);   // cluster 2, member 0
            b.write(1, REG_LDR, 0x1100_0000);   // cluster 1, member 0
            b.write(2, REG_LDR, 0x1200_0000);   // cluster 1, member 1
            b.ipi(0, 0x13, LOGICAL | FIXED | 0x50);
            assertEquals(List.of(1, 2), receivers(0x50));
            b.ipi(0, 0x11, LOGICAL | FIXED | 0x51);
            assertEquals(List.of(1), receivers(0x51));
            b.ipi(0, 0x21, LOGICAL | FIXED | 0x52);
            assertEquals(List.of(0), receivers(0x52));
            b.ipi(0, 0x22, LOGICAL | FIXED | 0x53);
            assertEquals(List.of(), receivers(0x53));
        }

        @Test
        void lowestPriorityPicksTheLowestTpr() {
            b.write(0, REG_TPR, 0x30);
            b.write(1, REG_TPR, 0x20);
            b.write(2, REG_TPR, 0x10);
            b.ipi(0, 0xFF, FIXED | 0x100 | 0x60);
            assertEquals(List.of(2), receivers(0x60));
            b.write(2, REG_TPR, 0x40);
            b.ipi(0, 0xFF, FIXED | 0x100 | 0x61);
            assertEquals(List.of(1), receivers(0x61));
        }

        @Test
        void lowestPriorityTieGoesToTheLowestApicId() {
            b.ipi(2, 0xFF, FIXED | 0x100 | 0x62);
            assertEquals(List.of(0), receivers(0x62));
        }

        @Test
        void initResetsTheTargetButItsIdAndTellsTheCore() {
            b.write(1, REG_TPR, 0x20);
            b.write(1, REG_ID, 0x0500_0000);
            b.ipi(0, 5, 0x4500);                // INIT, level assert
            assertEquals(1, b.pins.get(1).inits);
            assertEquals(0, b.read(1, REG_TPR));
            assertEquals(0xFF, b.read(1, REG_SVR));
            assertEquals(0x0500_0000, b.read(1, REG_ID));
        }

        @Test
        void initLevelDeassertIsNotAnInit() {
            b.ipi(0, 1, 0x8500);                // INIT, level trigger, de-assert
            assertEquals(0, b.pins.get(1).inits);
        }

        @Test
        void startupPassesItsVectorToTheCore() {
            b.ipi(0, 2, 0x4600 | 0x9A);
            assertEquals(List.of(0x9A), b.pins.get(2).startups);
        }

        @Test
        void initAndStartupReachASoftwareDisabledApic() {
            b.write(2, REG_SVR, 0xFF);
            b.ipi(0, 2, 0x4500);
            b.ipi(0, 2, 0x4600 | 0x10);
            assertEquals(1, b.pins.get(2).inits);
            assertEquals(List.of(0x10), b.pins.get(2).startups);
        }

        @Test
        void nmiIpiSignalsNmi() {
            b.ipi(0, 1, 0x4400);
            assertEquals(1, b.pins.get(1).nmis);
        }

        @Test
        void globallyDisabledApicReceivesNothing() {
            b.apic(1).setGloballyEnabled(false);
            b.ipi(0, 1, 0x4500);
            assertEquals(0, b.pins.get(1).inits);
        }
    }

    @Nested
    class ApicTimer {
        @BeforeEach
        void enable() {
            b.enable(0);
        }

        @ParameterizedTest(name = "divide code {0} divides by {1}")
        @CsvSource({"0, 2", "1, 4", "2, 8", "3, 16", "8, 32", "9, 64", "10, 128", "11, 1"})
        void divideConfigurationSetsTheTickLength(int code, int divisor) {
            b.write(0, REG_TIMER_DIVIDE, code);
            b.write(0, REG_TIMER_INITIAL, 1000);
            b.clock.advance(10L * divisor);     // BUS_HZ is 1 GHz: a tick is 'divisor' ns
            assertEquals(990, b.read(0, REG_TIMER_CURRENT));
        }

        @Test
        void oneShotInterruptsOnceAtZeroAndStops() {
            b.write(0, REG_TIMER_DIVIDE, 0b1011);
            b.write(0, REG_LVT_TIMER, 0x30);
            b.write(0, REG_TIMER_INITIAL, 100);
            b.clock.advance(99);
            assertFalse(b.apic(0).interruptPending());
            assertEquals(1, b.read(0, REG_TIMER_CURRENT));
            b.clock.advance(1);
            assertEquals(0x30, b.apic(0).acknowledgeInterrupt());
            b.write(0, REG_EOI, 0);
            b.clock.advance(1000);
            assertFalse(b.apic(0).interruptPending());
            assertEquals(0, b.read(0, REG_TIMER_CURRENT));
        }

        @Test
        void periodicReloadsTheInitialCount() {
            b.write(0, REG_TIMER_DIVIDE, 0b1011);
            b.write(0, REG_LVT_TIMER, 0x2_0031);
            b.write(0, REG_TIMER_INITIAL, 100);
            b.clock.advance(150);
            assertEquals(50, b.read(0, REG_TIMER_CURRENT));
            int interrupts = 0;
            for (int i = 0; i < 10; i++) {
                if (b.apic(0).interruptPending()) {
                    assertEquals(0x31, b.apic(0).acknowledgeInterrupt());
                    b.write(0, REG_EOI, 0);
                    interrupts++;
                }
                b.clock.advance(100);
            }
            assertEquals(10, interrupts);        // at 100, 200, ..., 1000 ns
            assertEquals(50, b.read(0, REG_TIMER_CURRENT));
        }

        @Test
        void maskedTimerCountsWithoutInterrupting() {
            b.write(0, REG_TIMER_DIVIDE, 0b1011);
            b.write(0, REG_TIMER_INITIAL, 100);
            b.clock.advance(40);
            assertEquals(60, b.read(0, REG_TIMER_CURRENT));
            b.clock.advance(100);
            assertFalse(b.apic(0).interruptPending());
        }

        @Test
        void writingZeroStopsTheTimer() {
            b.write(0, REG_TIMER_DIVIDE, 0b1011);
            b.write(0, REG_LVT_TIMER, 0x30);
            b.write(0, REG_TIMER_INITIAL, 100);
            b.write(0, REG_TIMER_INITIAL, 0);
            b.clock.advance(1000);
            assertFalse(b.apic(0).interruptPending());
            assertEquals(Long.MAX_VALUE, b.clock.nextDeadline());
        }

        @Test
        void rewritingTheInitialCountRestartsTheCount() {
            b.write(0, REG_TIMER_DIVIDE, 0b1011);
            b.write(0, REG_TIMER_INITIAL, 100);
            b.clock.advance(70);
            b.write(0, REG_TIMER_INITIAL, 100);
            b.clock.advance(20);
            assertEquals(80, b.read(0, REG_TIMER_CURRENT));
        }
    }

    @Nested
    class Snapshot {
        private LocalApic.State busyState(ApicTestBoard board) {
            board.enable(1);
            board.write(1, REG_TPR, 0x20);
            board.write(1, REG_LDR, 0x0300_0000);
            board.write(1, REG_DFR, 0x0FFF_FFFF);
            board.write(1, REG_LVT_TIMER, 0x2_0040);
            board.write(1, REG_TIMER_DIVIDE, 0b0001);
            board.write(1, REG_TIMER_INITIAL, 500);
            board.ipi(0, 1, FIXED | 0x70);
            board.ipi(0, 1, FIXED | 0x90);
            board.apic(1).acknowledgeInterrupt();
            board.clock.advance(3000);
            return board.apic(1).saveState();
        }

        @Test
        void roundTripsThroughAFreshInstance() {
            LocalApic.State saved = busyState(b);
            ApicTestBoard fresh = new ApicTestBoard(3, new ManualClock(b.clock.nanos()));
            fresh.apic(1).restoreState(saved);
            assertEquals(saved, fresh.apic(1).saveState());
        }

        @Test
        void roundTripsThroughJson() throws Exception {
            LocalApic.State saved = busyState(b);
            ObjectMapper json = new ObjectMapper();
            LocalApic.State read = json.readValue(json.writeValueAsString(saved), LocalApic.State.class);
            assertEquals(saved, read);
        }

        @Test
        void restoredTimerHasTheSameFuture() {
            busyState(b);
            ApicTestBoard twin = new ApicTestBoard(3, new ManualClock(b.clock.nanos()));
            twin.apic(1).restoreState(b.apic(1).saveState());
            List<String> original = run(b);
            List<String> restored = run(twin);
            assertEquals(original, restored);
            assertTrue(original.contains("0x40"), "the timer fired");
        }

        /** Runs 10 µs in 100 ns steps, taking every interrupt; records vectors and current counts. */
        private List<String> run(ApicTestBoard board) {
            List<String> trace = new ArrayList<>();
            board.write(1, REG_EOI, 0);         // retire 0x90 so 0x70 and the timer's 0x40 can come
            for (int step = 0; step < 100; step++) {
                board.clock.advance(100);
                while (board.apic(1).interruptPending()) {
                    trace.add(String.format("%#x", board.apic(1).acknowledgeInterrupt()));
                    board.write(1, REG_EOI, 0);
                }
                trace.add(Integer.toString(board.read(1, REG_TIMER_CURRENT)));
            }
            trace.add(board.apic(1).saveState().toString());
            return trace;
        }

        @Test
        void rejectsAnotherVersion() {
            LocalApic.State s = b.apic(0).saveState();
            assertThrows(SnapshotFormatException.class, () -> new LocalApic.State(2, s.globallyEnabled(),
                    s.apicId(), s.tpr(), s.ldr(), s.dfr(), s.svr(), s.isr(), s.tmr(), s.irr(), s.esr(),
                    s.esrPending(), s.icrLow(), s.icrHigh(), s.lvt(), s.timerInitialCount(), s.timerDivide(),
                    s.timerLoadNanos(), s.timerDeadline(), s.lint1Level()));
        }

        @Test
        void rejectsAShortIrr() {
            LocalApic.State s = b.apic(0).saveState();
            assertThrows(SnapshotFormatException.class, () -> new LocalApic.State(1, s.globallyEnabled(),
                    s.apicId(), s.tpr(), s.ldr(), s.dfr(), s.svr(), s.isr(), s.tmr(), List.of(0, 0), s.esr(),
                    s.esrPending(), s.icrLow(), s.icrHigh(), s.lvt(), s.timerInitialCount(), s.timerDivide(),
                    s.timerLoadNanos(), s.timerDeadline(), s.lint1Level()));
        }
    }
}
