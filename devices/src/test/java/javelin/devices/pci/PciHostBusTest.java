package javelin.devices.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.IoPortBus;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PciHostBusTest {
    private static final int CONFIG_ADDRESS = 0xCF8;
    private static final int CONFIG_DATA = 0xCFC;

    private final IoPortBus ports = new IoPortBus(new ReentrantLock());
    private final PciHostBus bus = new PciHostBus(ports, CONFIG_ADDRESS);
    private final PciConfigSpace host = new PciConfigSpace(0x8086, 0x1237, 2, 0x060000, 0, null);

    PciHostBusTest() {
        host.writable(0x59, 0xFF);
        bus.attach(0, 0, new PciFunction() {
            @Override public int configRead(int offset, int size) { return host.read(offset, size); }
            @Override public void configWrite(int offset, int size, int value) { host.write(offset, size, value); }
        });
    }

    private static int address(int bus, int device, int fn, int reg) {
        return 0x8000_0000 | bus << 16 | device << 11 | fn << 8 | reg;
    }

    @Nested
    class ConfigAddress {
        @Test
        void readsBackWithReservedBitsZero() {
            bus.ioWrite(CONFIG_ADDRESS, 4, 0xFFFF_FFFF);
            assertEquals(0x80FF_FFFC, bus.ioRead(CONFIG_ADDRESS, 4));
        }

        @Test
        void byteAccessDoesNotChangeIt() {
            bus.ioWrite(CONFIG_ADDRESS, 4, address(0, 0, 0, 0));
            bus.ioWrite(CONFIG_ADDRESS, 1, 0x12);
            assertEquals(address(0, 0, 0, 0), bus.ioRead(CONFIG_ADDRESS, 4));
        }
    }

    @Nested
    class ConfigData {
        @Test
        void dwordReadReturnsVendorAndDevice() {
            bus.ioWrite(CONFIG_ADDRESS, 4, address(0, 0, 0, 0));
            assertEquals(0x12378086, bus.ioRead(CONFIG_DATA, 4));
        }

        @Test
        void byteAndWordLanesSelectTheOffsetWithinTheDword() {
            bus.ioWrite(CONFIG_ADDRESS, 4, address(0, 0, 0, 0));
            assertEquals(0x12, bus.ioRead(CONFIG_DATA + 3, 1));
            assertEquals(0x1237, bus.ioRead(CONFIG_DATA + 2, 2));
            bus.ioWrite(CONFIG_ADDRESS, 4, address(0, 0, 0, 0x08));
            assertEquals(0x06, bus.ioRead(CONFIG_DATA + 3, 1));   // base class: bridge
        }

        @Test
        void byteWriteAtALaneReachesThatOffset() {
            bus.ioWrite(CONFIG_ADDRESS, 4, address(0, 0, 0, 0x58));
            bus.ioWrite(CONFIG_DATA + 1, 1, 0x30);
            assertEquals(0x30, host.read(0x59, 1));
        }

        @Test
        void absentFunctionReadsAllOnes() {
            bus.ioWrite(CONFIG_ADDRESS, 4, address(0, 5, 0, 0));
            assertEquals(0xFFFF_FFFF, bus.ioRead(CONFIG_DATA, 4));
            assertEquals(0xFFFF, bus.ioRead(CONFIG_DATA + 2, 2));
        }

        @Test
        void otherBusReadsAllOnes() {
            bus.ioWrite(CONFIG_ADDRESS, 4, address(1, 0, 0, 0));
            assertEquals(0xFFFF_FFFF, bus.ioRead(CONFIG_DATA, 4));
        }

        @Test
        void disabledTranslationReadsAllOnes() {
            bus.ioWrite(CONFIG_ADDRESS, 4, 0);
            assertEquals(0xFF, bus.ioRead(CONFIG_DATA, 1));
        }
    }

    @Test
    void claimsAddressAndDataButLeavesTheResetControlPortFree() {
        ports.write(CONFIG_ADDRESS, 4, address(0, 0, 0, 0));
        assertEquals(0x8086, ports.read(CONFIG_DATA, 2));
        assertEquals(null, ports.deviceAt(0xCF9));
        assertEquals(bus, ports.deviceAt(CONFIG_DATA + 3));
    }

    @Test
    void resetDisablesTranslation() {
        bus.ioWrite(CONFIG_ADDRESS, 4, address(0, 0, 0, 0));
        bus.reset();
        assertEquals(0, bus.ioRead(CONFIG_ADDRESS, 4));
        assertEquals(0xFFFF_FFFF, bus.ioRead(CONFIG_DATA, 4));
    }

    @Test
    void stateRoundTripsDirectlyAndThroughJson() throws Exception {
        bus.ioWrite(CONFIG_ADDRESS, 4, address(0, 1, 1, 0x20));
        PciHostBus.State saved = bus.saveState();
        ObjectMapper json = new ObjectMapper();
        assertEquals(saved, json.readValue(json.writeValueAsString(saved), PciHostBus.State.class));
        PciHostBus fresh = new PciHostBus(new IoPortBus(new ReentrantLock()), CONFIG_ADDRESS);
        fresh.restoreState(saved);
        assertEquals(saved, fresh.saveState());
        assertEquals(address(0, 1, 1, 0x20), fresh.ioRead(CONFIG_ADDRESS, 4));
    }
}
