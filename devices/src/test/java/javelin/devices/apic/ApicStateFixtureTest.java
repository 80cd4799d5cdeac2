package javelin.devices.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import javelin.softmmu.ManualClock;
import org.junit.jupiter.api.Test;

/** Loads the hand-written version 1 snapshots (see {@code apic/state/README.md}). */
class ApicStateFixtureTest {
    private <T> T fixture(String name, Class<T> type) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/apic/state/" + name)) {
            return new ObjectMapper().readValue(in, type);
        }
    }

    @Test
    void localApicVersion1RestoresRegistersAndTimer() throws IOException {
        ApicTestBoard b = new ApicTestBoard(2, new ManualClock(4000));
        b.apic(1).restoreState(fixture("lapic-v1.json", LocalApic.State.class));
        assertEquals(0x0100_0000, b.read(1, LocalApic.REG_ID));
        assertEquals(0x20, b.read(1, LocalApic.REG_TPR));
        assertEquals(0x90, b.read(1, LocalApic.REG_PPR));
        assertTrue(b.bit(1, LocalApic.REG_ISR, 0x90));
        assertTrue(b.bit(1, LocalApic.REG_IRR, 0x70));
        // (4000 - 1000) ns / 4 ns per tick = 750 ticks into a 500-tick period.
        assertEquals(250, b.read(1, LocalApic.REG_TIMER_CURRENT));
        b.clock.advanceTo(5000);
        assertTrue(b.bit(1, LocalApic.REG_IRR, 0x40));
    }

    @Test
    void ioApicVersion1RestoresEntriesAndRemoteIrr() throws IOException {
        ApicTestBoard b = new ApicTestBoard(2);
        b.enable(0);
        b.ioApic.restoreState(fixture("ioapic-v1.json", IoApic.State.class));
        assertEquals(0x12, b.ioApic.mmioRead(IoApic.REG_IOREGSEL, 4));
        assertEquals(0x0200_0000, b.ioRead(0x00));
        assertEquals(0xC039, b.ioRead(0x10 + 2 * 9));
        assertEquals(0x0100_0000, b.ioRead(0x11 + 2 * 1));
        b.ioApic.endOfInterrupt(0x39);     // INTIN9 still asserted: delivered again
        assertTrue(b.bit(0, LocalApic.REG_IRR, 0x39));
    }
}
