package javelin.devices.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import javelin.softmmu.MmioHandler;
import org.junit.jupiter.api.Test;

/** The per-vCPU view of the shared local APIC page, and the machine-lock precondition. */
class ApicBusTest {
    @Test
    void eachThreadSeesItsOwnApicAtTheSameAddress() throws Exception {
        ApicTestBoard b = new ApicTestBoard(2);
        MmioHandler page = b.bus.mmio();
        b.bus.bindCurrentThread(b.apic(1));
        assertEquals(0x0100_0000L, page.mmioRead(LocalApic.REG_ID, 4));
        b.bus.bindCurrentThread(b.apic(0));
        assertEquals(0L, page.mmioRead(LocalApic.REG_ID, 4));
    }

    @Test
    void unboundThreadReadsAllOnesAndWritesNothing() {
        ApicTestBoard b = new ApicTestBoard(1);
        MmioHandler page = b.bus.mmio();
        assertEquals(0xFFFF_FFFFL, page.mmioRead(LocalApic.REG_ID, 4));
        page.mmioWrite(LocalApic.REG_TPR, 4, 0x20);
        assertEquals(0, b.read(0, LocalApic.REG_TPR));
    }

    @Test
    void accessWithoutTheMachineLockTripsTheAssertion() {
        ApicTestBoard b = new ApicTestBoard(1);
        b.lock.unlock();
        assertThrows(AssertionError.class, () -> b.apic(0).acknowledgeInterrupt());
    }
}
