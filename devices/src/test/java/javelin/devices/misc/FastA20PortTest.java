package javelin.devices.misc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Bits from the IBM PS/2 "System Control Port A" description. */
class FastA20PortTest {
    private boolean a20;
    private int resets;
    private FastA20Port port;

    @BeforeEach
    void setUp() {
        port = new FastA20Port(0x92, high -> a20 = high, high -> { if (high) resets++; });
    }

    @Nested
    class A20 {
        @Test
        void bit1EnablesAndDisablesA20() {
            port.ioWrite(0x92, 1, 0x02);
            assertTrue(a20);
            assertEquals(0x02, port.ioRead(0x92, 1));
            port.ioWrite(0x92, 1, 0x00);
            assertFalse(a20);
        }
    }

    @Nested
    class FastReset {
        @Test
        void settingBit0PulsesReset() {
            port.ioWrite(0x92, 1, 0x01);
            assertEquals(1, resets);
        }

        @Test
        void onlyARisingBit0Resets() {
            port.ioWrite(0x92, 1, 0x01);
            port.ioWrite(0x92, 1, 0x03);
            assertEquals(1, resets);
            port.ioWrite(0x92, 1, 0x02);
            port.ioWrite(0x92, 1, 0x03);
            assertEquals(2, resets);
        }
    }

    @Nested
    class Snapshot {
        @Test
        void roundTripThroughJsonRestoresA20() throws Exception {
            port.ioWrite(0x92, 1, 0x0A);
            FastA20Port.State saved = port.saveState();
            ObjectMapper json = new ObjectMapper();
            FastA20Port.State read = json.readValue(json.writeValueAsString(saved), FastA20Port.State.class);
            boolean[] wire = {false};
            FastA20Port fresh = new FastA20Port(0x92, h -> wire[0] = h, h -> { });
            fresh.restoreState(read);
            assertEquals(saved, fresh.saveState());
            assertTrue(wire[0]);
        }

        private <T> T fixture(String name, Class<T> type) throws java.io.IOException {
            try (var in = getClass().getResourceAsStream("/state/" + name)) {
                return new ObjectMapper().readValue(in, type);
            }
        }

        @Test
        void loadsTheVersion1Fixture() throws Exception {
            port.restoreState(fixture("port92-v1.json", FastA20Port.State.class));
            assertTrue(a20);
            assertEquals(0, resets, "restoring never resets");
        }
    }
}
