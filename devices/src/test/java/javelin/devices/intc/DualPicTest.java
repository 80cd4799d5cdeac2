package javelin.devices.intc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Expected behaviour from the Intel 8259A datasheet (231468) and the PIIX3 ELCR description. */
class DualPicTest {
    private int attentionRequests;
    private DualPic pic;

    @BeforeEach
    void setUp() {
        pic = new DualPic(() -> attentionRequests++);
    }

    private void out(int port, int value) {
        var dev = port >= DualPic.ELCR_BASE ? pic.elcr() : port >= DualPic.SLAVE_BASE ? pic.slave() : pic.master();
        dev.ioWrite(port, 1, value);
    }

    private int in(int port) {
        var dev = port >= DualPic.ELCR_BASE ? pic.elcr() : port >= DualPic.SLAVE_BASE ? pic.slave() : pic.master();
        return dev.ioRead(port, 1);
    }

    /** The PC BIOS initialization: vectors 0x08 and 0x70, slave on IR2, 8086 mode. */
    private void initLikeBios(int masterIcw4, int slaveIcw4) {
        out(0x20, 0x11);
        out(0x21, 0x08);
        out(0x21, 0x04);
        out(0x21, masterIcw4);
        out(0xA0, 0x11);
        out(0xA1, 0x70);
        out(0xA1, 0x02);
        out(0xA1, slaveIcw4);
    }

    private void eoiMaster() { out(0x20, 0x20); }

    @Nested
    class Initialization {
        @BeforeEach
        void init() { initLikeBios(0x01, 0x01); }

        @Test
        void masterRequestGivesVectorBasePlusLevel() {
            pic.irq(0).pulse();
            assertTrue(pic.interruptPending());
            assertEquals(0x08, pic.acknowledgeInterrupt());
            eoiMaster();
            pic.irq(6).pulse();
            assertEquals(0x0E, pic.acknowledgeInterrupt());
        }

        @Test
        void slaveRequestIsCascadedThroughIr2() {
            pic.irq(14).pulse();
            assertTrue(pic.interruptPending());
            assertEquals(0x76, pic.acknowledgeInterrupt());
            out(0x20, 0x0B);
            out(0xA0, 0x0B);
            assertEquals(0x04, in(0x20), "master ISR holds the cascade input");
            assertEquals(0x40, in(0xA0), "slave ISR holds IR6");
        }

        @Test
        void irq2IsRedirectedToIrq9() {
            pic.irq(2).pulse();
            assertEquals(0x71, pic.acknowledgeInterrupt());
        }

        @Test
        void icw1ClearsMaskAndPendingEdgeRequests() {
            out(0x21, 0xFF);
            pic.irq(3).pulse();
            out(0x20, 0x11);
            out(0x21, 0x08);
            out(0x21, 0x04);
            out(0x21, 0x01);
            assertEquals(0x00, in(0x21));
            assertFalse(pic.interruptPending());
        }

        @Test
        void attentionIsRequestedWhenIntrRises() {
            pic.irq(1).pulse();
            pic.irq(4).pulse();
            assertEquals(1, attentionRequests, "INTR was already high for the second request");
        }

        @Test
        void nothingPendingAfterInitialization() {
            assertFalse(pic.interruptPending());
        }
    }

    @Nested
    class Registers {
        @BeforeEach
        void init() { initLikeBios(0x01, 0x01); }

        @Test
        void imrReadsBackAndMasksRequests() {
            out(0x21, 0xB8);
            assertEquals(0xB8, in(0x21));
            pic.irq(3).pulse();
            assertFalse(pic.interruptPending());
            out(0x21, 0x00);
            assertTrue(pic.interruptPending());
        }

        @Test
        void irrIsReadByDefaultAndIsrAfterOcw3Ris() {
            pic.irq(1).pulse();
            pic.irq(5).pulse();
            assertEquals(0x22, in(0x20));
            assertEquals(0x09, pic.acknowledgeInterrupt());
            assertEquals(0x20, in(0x20), "IRR after INTA of IR1");
            out(0x20, 0x0B);
            assertEquals(0x02, in(0x20));
            assertEquals(0x02, in(0x20), "the selection persists");
            out(0x20, 0x0A);
            assertEquals(0x20, in(0x20));
        }

        @Test
        void unknownOffsetReadsAllOnes() {
            assertEquals(0xFF, pic.master().ioRead(0x22, 1));
        }
    }

    @Nested
    class Priority {
        @BeforeEach
        void init() { initLikeBios(0x01, 0x01); }

        @Test
        void lowerLevelWaitsForEoiOfHigherLevel() {
            pic.irq(3).pulse();
            pic.irq(5).pulse();
            assertEquals(0x0B, pic.acknowledgeInterrupt());
            assertFalse(pic.interruptPending());
            eoiMaster();
            assertTrue(pic.interruptPending());
            assertEquals(0x0D, pic.acknowledgeInterrupt());
        }

        @Test
        void higherLevelNestsOverLowerInService() {
            pic.irq(5).pulse();
            assertEquals(0x0D, pic.acknowledgeInterrupt());
            pic.irq(3).pulse();
            assertTrue(pic.interruptPending());
            assertEquals(0x0B, pic.acknowledgeInterrupt());
            out(0x20, 0x0B);
            assertEquals(0x28, in(0x20));
            eoiMaster();
            assertEquals(0x20, in(0x20), "non-specific EOI clears the highest level in service");
        }

        @Test
        void specificEoiClearsTheNamedLevel() {
            pic.irq(5).pulse();
            pic.acknowledgeInterrupt();
            pic.irq(3).pulse();
            pic.acknowledgeInterrupt();
            out(0x20, 0x65);
            out(0x20, 0x0B);
            assertEquals(0x08, in(0x20));
        }

        @Test
        void rotateOnNonSpecificEoiMakesServicedLevelLowest() {
            pic.irq(3).pulse();
            pic.acknowledgeInterrupt();
            out(0x20, 0xA0);
            pic.irq(1).pulse();
            pic.irq(4).pulse();
            assertEquals(0x0C, pic.acknowledgeInterrupt(), "order is now 4,5,6,7,0,1,2,3");
        }

        @Test
        void setPriorityCommandMakesNamedLevelLowest() {
            out(0x20, 0xC4);
            pic.irq(4).pulse();
            pic.irq(5).pulse();
            assertEquals(0x0D, pic.acknowledgeInterrupt());
            eoiMaster();
            pic.irq(1).pulse();
            pic.irq(6).pulse();
            assertEquals(0x0E, pic.acknowledgeInterrupt(), "6 ranks above 1 when 4 is lowest");
        }

        @Test
        void rotateOnSpecificEoiClearsAndRotates() {
            pic.irq(3).pulse();
            pic.acknowledgeInterrupt();
            out(0x20, 0xE3);
            out(0x20, 0x0B);
            assertEquals(0x00, in(0x20));
            pic.irq(3).pulse();
            pic.irq(4).pulse();
            assertEquals(0x0C, pic.acknowledgeInterrupt());
        }

        @Test
        void specialMaskModeLetsLowerLevelsInWhileMaskedLevelIsInService() {
            pic.irq(3).pulse();
            pic.acknowledgeInterrupt();
            pic.irq(5).pulse();
            assertFalse(pic.interruptPending());
            out(0x20, 0x68);            // OCW3: ESMM + SMM
            out(0x21, 0x08);            // mask the level in service
            assertTrue(pic.interruptPending());
            assertEquals(0x0D, pic.acknowledgeInterrupt());
            out(0x20, 0x48);            // reset special mask
            pic.irq(6).pulse();
            assertFalse(pic.interruptPending(), "normal nesting is back: 5 in service blocks 6");
        }
    }

    @Nested
    class AutoEoi {
        @Test
        void acknowledgeDoesNotSetIsr() {
            initLikeBios(0x03, 0x01);
            pic.irq(3).pulse();
            pic.acknowledgeInterrupt();
            out(0x20, 0x0B);
            assertEquals(0x00, in(0x20));
            pic.irq(5).pulse();
            assertTrue(pic.interruptPending());
        }

        @Test
        void rotateInAutoEoiModeRotatesOnEachAcknowledge() {
            initLikeBios(0x03, 0x01);
            out(0x20, 0x80);
            pic.irq(1).pulse();
            pic.acknowledgeInterrupt();
            pic.irq(1).pulse();
            pic.irq(3).pulse();
            assertEquals(0x0B, pic.acknowledgeInterrupt(), "1 became lowest, so 3 wins");
            out(0x20, 0x00);
            pic.irq(0).pulse();
            assertEquals(0x08, pic.acknowledgeInterrupt(), "3 lowest now: order 4..7,0");
        }
    }

    @Nested
    class Poll {
        @BeforeEach
        void init() { initLikeBios(0x01, 0x01); }

        @Test
        void pollReturnsHighestRequestAndActsAsAcknowledge() {
            pic.irq(6).pulse();
            pic.irq(4).pulse();
            out(0x20, 0x0C);
            assertEquals(0x84, in(0x20));
            out(0x20, 0x0B);
            assertEquals(0x10, in(0x20), "poll set ISR like INTA");
            out(0x20, 0x0A);
            assertEquals(0x40, in(0x20), "IR6 still requested; the poll was consumed");
        }

        @Test
        void pollWithNoRequestHasInterruptBitClear() {
            out(0x20, 0x0C);
            assertEquals(0x00, in(0x21));
        }
    }

    @Nested
    class Spurious {
        @BeforeEach
        void init() { initLikeBios(0x01, 0x01); }

        @Test
        void masterWithoutRequestReturnsIr7AndLeavesIsrClear() {
            assertEquals(0x0F, pic.acknowledgeInterrupt());
            out(0x20, 0x0B);
            assertEquals(0x00, in(0x20));
        }

        @Test
        void slaveRequestGoneBeforeAcknowledgeReturnsIrq15Vector() {
            out(0x4D1, 0x04);            // IRQ 10 level triggered
            pic.irq(10).raise();
            assertTrue(pic.interruptPending());
            pic.irq(10).lower();
            assertEquals(0x77, pic.acknowledgeInterrupt());
            out(0x20, 0x0B);
            out(0xA0, 0x0B);
            assertEquals(0x04, in(0x20), "master services IR2: the BIOS must EOI the master");
            assertEquals(0x00, in(0xA0));
        }
    }

    @Nested
    class Triggering {
        @BeforeEach
        void init() { initLikeBios(0x01, 0x01); }

        @Test
        void edgeInputRequestsOncePerRisingEdge() {
            pic.irq(4).raise();
            pic.irq(4).raise();
            pic.acknowledgeInterrupt();
            eoiMaster();
            assertFalse(pic.interruptPending());
            pic.irq(4).lower();
            pic.irq(4).raise();
            assertTrue(pic.interruptPending());
        }

        @Test
        void edgeRequestStaysLatchedAfterPinFalls() {
            pic.irq(4).raise();
            pic.irq(4).lower();
            assertEquals(0x10, in(0x20));
        }

        @Test
        void levelInputRequestsAgainAfterEoiWhileHigh() {
            out(0x4D0, 0x20);
            pic.irq(5).raise();
            assertEquals(0x0D, pic.acknowledgeInterrupt());
            eoiMaster();
            assertTrue(pic.interruptPending());
            pic.irq(5).lower();
            assertFalse(pic.interruptPending());
        }

        @Test
        void ltimMakesEveryInputLevelTriggered() {
            out(0x20, 0x19);
            out(0x21, 0x08);
            out(0x21, 0x04);
            out(0x21, 0x01);
            pic.irq(3).raise();
            pic.irq(3).lower();
            assertFalse(pic.interruptPending());
        }

        @Test
        void elcrBitsForTimerKeyboardCascadeRtcAndFpuAreReadOnlyZero() {
            out(0x4D0, 0xFF);
            out(0x4D1, 0xFF);
            assertEquals(0xF8, in(0x4D0));
            assertEquals(0xDE, in(0x4D1));
        }
    }

    @Nested
    class SpecialFullyNested {
        @Test
        void higherSlaveRequestInterruptsWhileSlaveIsInService() {
            initLikeBios(0x11, 0x01);
            pic.irq(12).pulse();
            assertEquals(0x74, pic.acknowledgeInterrupt());
            pic.irq(10).pulse();
            assertTrue(pic.interruptPending());
            assertEquals(0x72, pic.acknowledgeInterrupt());
        }

        @Test
        void withoutSfnmTheCascadeInServiceBlocksTheSlave() {
            initLikeBios(0x01, 0x01);
            pic.irq(12).pulse();
            pic.acknowledgeInterrupt();
            pic.irq(10).pulse();
            assertFalse(pic.interruptPending());
        }
    }

    @Nested
    class Snapshot {
        private DualPic busyPic() {
            initLikeBios(0x01, 0x01);
            out(0x21, 0x10);
            out(0x4D1, 0x08);
            pic.irq(11).raise();
            pic.irq(3).pulse();
            pic.irq(14).pulse();
            pic.acknowledgeInterrupt();
            out(0x20, 0x0B);
            out(0x20, 0xC2);
            return pic;
        }

        @Test
        void roundTripGivesEqualState() {
            DualPic.State saved = busyPic().saveState();
            DualPic fresh = new DualPic(() -> { });
            fresh.restoreState(saved);
            assertEquals(saved, fresh.saveState());
            assertEquals(pic.interruptPending(), fresh.interruptPending());
        }

        @Test
        void roundTripThroughJson() throws Exception {
            DualPic.State saved = busyPic().saveState();
            ObjectMapper json = new ObjectMapper();
            DualPic.State read = json.readValue(json.writeValueAsString(saved), DualPic.State.class);
            assertEquals(saved, read);
            DualPic fresh = new DualPic(() -> { });
            fresh.restoreState(read);
            assertEquals(saved, fresh.saveState());
        }

        @Test
        void restoredPicBehavesTheSame() {
            DualPic.State saved = busyPic().saveState();
            DualPic fresh = new DualPic(() -> { });
            fresh.restoreState(saved);
            assertEquals(pic.acknowledgeInterrupt(), fresh.acknowledgeInterrupt());
            assertEquals(pic.acknowledgeInterrupt(), fresh.acknowledgeInterrupt());
        }

        @Test
        void rejectsOutOfRangeRegister() {
            assertThrows(SnapshotFormatException.class, () -> new Pic8259.State(Pic8259.State.VERSION,
                    0, 0x100, 0, 0, 0, 0, 0, 7, 0, false, false, false, false, false, false, false, false, false));
        }

        @Test
        void rejectsNewerVersion() {
            Pic8259.State s = new Pic8259("p", 0x20, l -> { }, 0xF8).saveState();
            assertThrows(SnapshotFormatException.class, () -> new DualPic.State(2, s, s));
        }

        private <T> T fixture(String name, Class<T> type) throws java.io.IOException {
            try (var in = getClass().getResourceAsStream("/state/" + name)) {
                return new ObjectMapper().readValue(in, type);
            }
        }

        @Test
        void loadsTheVersion1Fixture() throws Exception {
            DualPic fresh = new DualPic(() -> { });
            fresh.restoreState(fixture("pic-v1.json", DualPic.State.class));
            assertTrue(fresh.interruptPending());
            assertEquals(0x08, fresh.acknowledgeInterrupt());
            fresh.master().ioWrite(0x20, 1, 0x20);
            assertEquals(0x76, fresh.acknowledgeInterrupt());
            assertEquals(0xB8, fresh.master().ioRead(0x21, 1));
        }
    }
}
