package javelin.devices.misc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import javelin.softmmu.ManualClock;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Bit layout from the 82371SB (PIIX3) NMISC register description and the PC/AT port 61h. */
class SystemControlPortBTest {
    private final ManualClock clock = new ManualClock();
    private boolean gate2;
    private boolean speakerData;
    private boolean out2;
    private SystemControlPortB port;

    @BeforeEach
    void setUp() {
        port = new SystemControlPortB(0x61, clock, high -> gate2 = high, high -> speakerData = high, () -> out2);
    }

    @Nested
    class Writes {
        @Test
        void bit0DrivesTimer2GateAndBit1TheSpeakerData() {
            port.ioWrite(0x61, 1, 0x03);
            assertTrue(gate2);
            assertTrue(speakerData);
            port.ioWrite(0x61, 1, 0x02);
            assertFalse(gate2);
            assertTrue(speakerData);
        }

        @Test
        void readOnlyBitsIgnoreWrites() {
            port.ioWrite(0x61, 1, 0xFF);
            assertEquals(0x0F, port.ioRead(0x61, 1) & 0xCF);
        }
    }

    @Nested
    class Reads {
        @Test
        void bit5ReflectsTimer2Out() {
            out2 = true;
            assertEquals(0x20, port.ioRead(0x61, 1) & 0x20);
            out2 = false;
            assertEquals(0, port.ioRead(0x61, 1) & 0x20);
        }

        @Test
        void bit4TogglesEveryRefreshPeriod() {
            int first = port.ioRead(0x61, 1) & 0x10;
            clock.advance(15_085);
            int second = port.ioRead(0x61, 1) & 0x10;
            clock.advance(15_085);
            assertNotEquals(first, second);
            assertEquals(first, port.ioRead(0x61, 1) & 0x10);
        }

        @Test
        void nmiSourceStatusBitsReadZero() {
            assertEquals(0, port.ioRead(0x61, 1) & 0xC0);
        }
    }

    @Nested
    class Snapshot {
        @Test
        void roundTripRestoresAndDrivesWires() throws Exception {
            port.ioWrite(0x61, 1, 0x0B);
            SystemControlPortB.State saved = port.saveState();
            ObjectMapper json = new ObjectMapper();
            SystemControlPortB.State read = json.readValue(json.writeValueAsString(saved),
                    SystemControlPortB.State.class);
            assertEquals(saved, read);
            boolean[] wires = new boolean[2];
            SystemControlPortB fresh = new SystemControlPortB(0x61, clock, h -> wires[0] = h, h -> wires[1] = h,
                    () -> false);
            fresh.restoreState(read);
            assertEquals(saved, fresh.saveState());
            assertTrue(wires[0]);
            assertTrue(wires[1]);
        }

        @Test
        void rejectsReadOnlyBits() {
            assertThrows(SnapshotFormatException.class, () -> new SystemControlPortB.State(1, 0x20));
        }

        private <T> T fixture(String name, Class<T> type) throws java.io.IOException {
            try (var in = getClass().getResourceAsStream("/state/" + name)) {
                return new ObjectMapper().readValue(in, type);
            }
        }

        @Test
        void loadsTheVersion1Fixture() throws Exception {
            port.restoreState(fixture("port61-v1.json", SystemControlPortB.State.class));
            assertTrue(gate2);
            assertTrue(speakerData);
        }
    }
}
