package javelin.devices.intc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WiredOrIrqTest {
    private final List<Boolean> driven = new ArrayList<>();
    private final WiredOrIrq shared = new WiredOrIrq(driven::add, 3);

    @Test
    void outputIsHighWhileAnyInputIsHigh() {
        shared.input(0).raise();
        shared.input(2).raise();
        shared.input(0).lower();
        assertEquals(List.of(true), driven, "still high: input 2 holds it");
        shared.input(2).lower();
        assertEquals(List.of(true, false), driven);
    }

    @Test
    void sharedLevelLineKeepsThePicRequestingUntilTheLastSourceLowers() {
        DualPic pic = new DualPic(() -> { });
        int[][] init = {{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01},
            {0xA0, 0x11}, {0xA1, 0x70}, {0xA1, 0x02}, {0xA1, 0x01}};
        for (int[] w : init) (w[0] >= 0xA0 ? pic.slave() : pic.master()).ioWrite(w[0], 1, w[1]);
        pic.elcr().ioWrite(0x4D1, 1, 0x08);              // IRQ 11 level triggered
        WiredOrIrq irq11 = new WiredOrIrq(pic.irq(11), 2);
        irq11.input(0).raise();
        irq11.input(1).raise();
        assertEquals(0x73, pic.acknowledgeInterrupt());
        irq11.input(0).lower();                           // first device serviced
        pic.slave().ioWrite(0xA0, 1, 0x20);
        pic.master().ioWrite(0x20, 1, 0x20);
        assertTrue(pic.interruptPending(), "the second device still requests");
        assertEquals(0x73, pic.acknowledgeInterrupt());
        irq11.input(1).lower();                           // second device serviced
        pic.slave().ioWrite(0xA0, 1, 0x20);
        pic.master().ioWrite(0x20, 1, 0x20);
        assertFalse(pic.interruptPending());
    }

    @Test
    void rejectsBadInputIndex() {
        assertThrows(IndexOutOfBoundsException.class, () -> shared.input(3));
    }
}
