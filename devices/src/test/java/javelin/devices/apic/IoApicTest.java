package javelin.devices.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Expected values from the Intel 82093AA I/O APIC datasheet (290566), section 3: IOAPICVER 0x11
 * with maximum redirection entry 0x17, IOAPICID bits 27:24, redirection entries reset masked,
 * remote IRR (bit 14) set when a level interrupt is accepted and cleared by the EOI of its vector.
 */
class IoApicTest {
    private static final int IOAPICID = 0x00, IOAPICVER = 0x01, IOAPICARB = 0x02;
    private static final int LEVEL = 1 << 15, MASKED = 1 << 16, REMOTE_IRR = 1 << 14, LOGICAL = 1 << 11;
    private static final int LOWEST_PRIORITY = 1 << 8, NMI = 4 << 8, INIT = 5 << 8;

    private ApicTestBoard b;

    @BeforeEach
    void setUp() {
        b = new ApicTestBoard(2);
        b.enable(0);
        b.enable(1);
    }

    private boolean irr(int cpu, int vector) {
        return b.bit(cpu, LocalApic.REG_IRR, vector);
    }

    private void takeAndEoi(int cpu, int vector) {
        assertEquals(vector, b.apic(cpu).acknowledgeInterrupt());
        b.write(cpu, LocalApic.REG_EOI, 0);
    }

    @Nested
    class Registers {
        @Test
        void versionIs0x11WithMaximumRedirectionEntry23() {
            assertEquals(0x0017_0011, b.ioRead(IOAPICVER));
        }

        @Test
        void idIsFourBitsAt27To24AndArbitrationFollowsIt() {
            b.ioWrite(IOAPICID, 0xFF00_0000);
            assertEquals(0x0F00_0000, b.ioRead(IOAPICID));
            assertEquals(0x0F00_0000, b.ioRead(IOAPICARB));
        }

        @Test
        void redirectionEntriesResetMasked() {
            for (int n = 0; n < IoApic.PINS; n++) {
                assertEquals(MASKED, b.ioRead(0x10 + 2 * n));
                assertEquals(0, b.ioRead(0x11 + 2 * n));
            }
        }

        @Test
        void ioregselReadsBack() {
            b.ioApic.mmioWrite(IoApic.REG_IOREGSEL, 4, 0x23);
            assertEquals(0x23, b.ioApic.mmioRead(IoApic.REG_IOREGSEL, 4));
        }

        @Test
        void destinationFieldIsBits63To56() {
            b.ioWrite(0x11, 0xFFFF_FFFF);
            assertEquals(0xFF00_0000, b.ioRead(0x11));
        }

        @Test
        void remoteIrrAndDeliveryStatusAreReadOnly() {
            b.ioWrite(0x10, 0x0000_F031 | REMOTE_IRR | 1 << 12);
            assertEquals(LEVEL | 0x2031, b.ioRead(0x10));
        }

        @Test
        void unknownOffsetReadsAllOnes() {
            assertEquals(0xFFFF_FFFFL, b.ioApic.mmioRead(0x04, 4));
        }

        @Test
        void offsetsBeyondIowinInThePageReadAllOnes() {
            assertEquals(0xFFFF_FFFFL, b.ioApic.mmioRead(0xFFC, 4));
        }

        @Test
        void unknownIndirectRegisterReadsAllOnes() {
            assertEquals(0xFFFF_FFFF, b.ioRead(0x03));
        }
    }

    @Nested
    class EdgeTriggered {
        @Test
        void risingEdgeDeliversTheVectorToTheDestination() {
            b.route(1, 0x31, 1);
            b.ioApic.irq(1).raise();
            assertTrue(irr(1, 0x31));
            assertFalse(irr(0, 0x31));
            assertFalse(b.bit(1, LocalApic.REG_TMR, 0x31), "edge: TMR clear");
        }

        @Test
        void holdingTheLineHighDeliversOnce() {
            b.route(1, 0x31, 1);
            b.ioApic.irq(1).raise();
            takeAndEoi(1, 0x31);
            b.ioApic.irq(1).raise();
            assertFalse(irr(1, 0x31));
            b.ioApic.irq(1).lower();
            b.ioApic.irq(1).raise();
            assertTrue(irr(1, 0x31));
        }

        @Test
        void edgeOnAMaskedInputIsLost() {
            b.route(4, MASKED | 0x34, 0);
            b.ioApic.irq(4).pulse();
            b.route(4, 0x34, 0);
            assertFalse(irr(0, 0x34));
        }

        @Test
        void nmiEntrySignalsNmi() {
            b.route(2, NMI, 1);
            b.ioApic.irq(2).pulse();
            assertEquals(1, b.pins.get(1).nmis);
        }

        @Test
        void initEntryResetsTheTarget() {
            b.route(2, INIT, 1);
            b.ioApic.irq(2).pulse();
            assertEquals(1, b.pins.get(1).inits);
        }
    }

    @Nested
    class LevelTriggered {
        @Test
        void assertedLineDeliversSetsTmrAndRemoteIrr() {
            b.route(9, LEVEL | 0x39, 0);
            b.ioApic.irq(9).raise();
            assertTrue(irr(0, 0x39));
            assertTrue(b.bit(0, LocalApic.REG_TMR, 0x39));
            assertEquals(LEVEL | REMOTE_IRR | 0x39, b.ioRead(0x10 + 2 * 9));
        }

        @Test
        void noRedeliveryBeforeEoi() {
            b.route(9, LEVEL | 0x39, 0);
            b.ioApic.irq(9).raise();
            assertEquals(0x39, b.apic(0).acknowledgeInterrupt());
            b.ioApic.irq(9).raise();
            assertFalse(irr(0, 0x39));
        }

        @Test
        void eoiWhileStillAssertedClearsRemoteIrrAndDeliversAgain() {
            b.route(9, LEVEL | 0x39, 0);
            b.ioApic.irq(9).raise();
            takeAndEoi(0, 0x39);
            assertTrue(irr(0, 0x39));
            assertEquals(REMOTE_IRR, b.ioRead(0x10 + 2 * 9) & REMOTE_IRR);
        }

        @Test
        void eoiAfterTheLineDroppedOnlyClearsRemoteIrr() {
            b.route(9, LEVEL | 0x39, 0);
            b.ioApic.irq(9).raise();
            assertEquals(0x39, b.apic(0).acknowledgeInterrupt());
            b.ioApic.irq(9).lower();
            b.write(0, LocalApic.REG_EOI, 0);
            assertFalse(irr(0, 0x39));
            assertEquals(0, b.ioRead(0x10 + 2 * 9) & REMOTE_IRR);
        }

        @Test
        void eoiOfAnEdgeVectorDoesNotTouchRemoteIrr() {
            b.route(9, LEVEL | 0x39, 0);
            b.route(3, 0x53, 0);
            b.ioApic.irq(9).raise();
            assertEquals(0x39, b.apic(0).acknowledgeInterrupt());
            b.ioApic.irq(3).pulse();
            assertEquals(0x53, b.apic(0).acknowledgeInterrupt());
            b.write(0, LocalApic.REG_EOI, 0);    // retires 0x53 (no broadcast: TMR clear)
            assertEquals(REMOTE_IRR, b.ioRead(0x10 + 2 * 9) & REMOTE_IRR);
        }

        @Test
        void unmaskingAnAssertedLineDelivers() {
            b.route(10, LEVEL | MASKED | 0x3A, 0);
            b.ioApic.irq(10).raise();
            assertFalse(irr(0, 0x3A));
            b.route(10, LEVEL | 0x3A, 0);
            assertTrue(irr(0, 0x3A));
        }

        @Test
        void switchingToEdgeClearsRemoteIrr() {
            b.route(9, LEVEL | 0x39, 0);
            b.ioApic.irq(9).raise();
            b.route(9, 0x39, 0);
            assertEquals(0, b.ioRead(0x10 + 2 * 9) & REMOTE_IRR);
        }

        @Test
        void undeliverableLevelMessageLeavesRemoteIrrClear() {
            b.route(9, LEVEL | 0x39, 7);         // no APIC with ID 7
            b.ioApic.irq(9).raise();
            assertEquals(0, b.ioRead(0x10 + 2 * 9) & REMOTE_IRR);
        }
    }

    @Nested
    class Destinations {
        @Test
        void logicalDestinationUsesTheLdr() {
            b.write(1, LocalApic.REG_LDR, 0x0200_0000);
            b.route(5, LOGICAL | 0x35, 0x02);
            b.ioApic.irq(5).pulse();
            assertTrue(irr(1, 0x35));
            assertFalse(irr(0, 0x35));
        }

        @Test
        void lowestPriorityGoesToTheLowestTpr() {
            b.write(0, LocalApic.REG_TPR, 0x40);
            b.write(1, LocalApic.REG_TPR, 0x10);
            b.route(6, LOWEST_PRIORITY | 0x36, 0xFF);
            b.ioApic.irq(6).pulse();
            assertTrue(irr(1, 0x36));
            assertFalse(irr(0, 0x36));
        }
    }

    @Nested
    class Snapshot {
        private IoApic.State busyState() {
            b.ioWrite(IOAPICID, 0x0200_0000);
            b.route(9, LEVEL | 0x39, 0);
            b.route(1, 0x31, 1);
            b.route(20, LOGICAL | LOWEST_PRIORITY | 0x3F, 0x03);
            b.ioApic.irq(9).raise();
            b.ioApic.irq(1).raise();
            b.ioApic.mmioWrite(IoApic.REG_IOREGSEL, 4, 0x12);
            return b.ioApic.saveState();
        }

        @Test
        void roundTripsThroughAFreshInstance() {
            IoApic.State saved = busyState();
            ApicTestBoard fresh = new ApicTestBoard(2);
            fresh.ioApic.restoreState(saved);
            assertEquals(saved, fresh.ioApic.saveState());
        }

        @Test
        void roundTripsThroughJson() throws Exception {
            IoApic.State saved = busyState();
            ObjectMapper json = new ObjectMapper();
            assertEquals(saved, json.readValue(json.writeValueAsString(saved), IoApic.State.class));
        }

        @Test
        void restoredChipBehavesTheSameOnEoi() {
            busyState();
            ApicTestBoard twin = new ApicTestBoard(2);
            twin.enable(0);
            twin.enable(1);
            twin.ioApic.restoreState(b.ioApic.saveState());
            twin.apic(0).restoreState(b.apic(0).saveState());
            twin.apic(1).restoreState(b.apic(1).saveState());
            assertEquals(run(b), run(twin));
        }

        private List<String> run(ApicTestBoard board) {
            List<String> trace = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                trace.add(Integer.toHexString(board.apic(0).acknowledgeInterrupt()));
                board.write(0, LocalApic.REG_EOI, 0);
            }
            board.ioApic.irq(9).lower();
            trace.add(Integer.toHexString(board.apic(0).acknowledgeInterrupt()));
            board.write(0, LocalApic.REG_EOI, 0);
            trace.add(board.ioApic.saveState().toString());
            return trace;
        }

        @Test
        void rejectsReservedBitsInAnEntry() {
            List<Long> entries = new ArrayList<>(Collections.nCopies(IoApic.PINS, 0x1_0000L));
            entries.set(3, 1L << 40);
            assertThrows(SnapshotFormatException.class, () -> new IoApic.State(1, 0, 0, entries, 0));
        }

        @Test
        void rejectsTheWrongNumberOfEntries() {
            assertThrows(SnapshotFormatException.class, () -> new IoApic.State(1, 0, 0, List.of(0L), 0));
        }
    }
}
