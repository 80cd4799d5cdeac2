package javelin.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import javelin.devices.audio.PcSpeaker;
import javelin.devices.input.I8042;
import javelin.devices.input.KeyCode;
import javelin.devices.intc.DualPic;
import javelin.devices.misc.SystemControlPortB;
import javelin.devices.rtc.Mc146818Rtc;
import javelin.devices.serial.SerialBackend;
import javelin.devices.serial.Uart16550;
import javelin.devices.timer.Pit8254;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.ManualClock;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chips wired as docs/devices-dev-chips.md tells the board to, on a real port bus: checks
 * that the wire shapes fit and interrupts arrive at the vectors the PC/AT assigns (IRQ 0 → 08h,
 * IRQ 1 → 09h, IRQ 4 → 0Ch, IRQ 8 → 70h after the BIOS's PIC initialization).
 */
class LegacyChipsWiringTest {
    private final ManualClock clock = new ManualClock();
    private final IoPortBus bus = new IoPortBus(new ReentrantLock());
    private final DualPic pic = new DualPic(() -> { });
    private final PcSpeaker speaker = new PcSpeaker();
    private final Pit8254 pit = new Pit8254(clock, 0x40, pic.irq(0), speaker::counter2Changed);
    private final SystemControlPortB port61 = new SystemControlPortB(0x61, clock, high -> pit.setGate(2, high),
            speaker::setDataEnable, () -> pit.out(2));
    private final Mc146818Rtc rtc = new Mc146818Rtc(0x70, clock, pic.irq(8), LocalDateTime.of(2026, 1, 1, 0, 0));
    private final I8042 kbc = new I8042(0x60, clock, pic.irq(1), pic.irq(12), high -> { }, high -> { });
    private final Uart16550 com1 = new Uart16550("com1", 0x3F8, clock, pic.irq(4), SerialBackend.NONE);

    @BeforeEach
    void wireAndInitialize() {
        bus.register(0x20, 2, pic.master());
        bus.register(0xA0, 2, pic.slave());
        bus.register(0x4D0, 2, pic.elcr());
        bus.register(0x40, 4, pit);
        bus.register(0x61, 1, port61);
        bus.register(0x70, 2, rtc);
        bus.register(0x60, 1, kbc);
        bus.register(0x64, 1, kbc);
        bus.register(0x3F8, 8, com1);
        int[][] picInit = {{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01},
            {0xA0, 0x11}, {0xA1, 0x70}, {0xA1, 0x02}, {0xA1, 0x01}};
        for (int[] w : picInit) bus.write(w[0], 1, w[1]);
    }

    private int acknowledgeAndEoi() {
        int vector = pic.acknowledgeInterrupt();
        if (vector >= 0x70) bus.write(0xA0, 1, 0x20);
        bus.write(0x20, 1, 0x20);
        return vector;
    }

    @Test
    void pitTickArrivesAsVector08() {
        bus.write(0x43, 1, 0x34);
        bus.write(0x40, 1, 0xA9);
        bus.write(0x40, 1, 0x04);
        acknowledgeAndEoi();                        // OUT0 went high when programmed
        clock.advance(1_001_000);                   // first rising edge: 1194 ticks after the write
        assertTrue(pic.interruptPending());
        assertEquals(0x08, acknowledgeAndEoi());
    }

    @Test
    void port61GatesCounter2IntoTheSpeakerAndShowsOut2() {
        bus.write(0x43, 1, 0xB6);
        bus.write(0x42, 1, 0x98);
        bus.write(0x42, 1, 0x0A);                   // 2712: 440 Hz
        assertEquals(0, speaker.tonePeriodTicks());
        bus.write(0x61, 1, 0x03);
        assertEquals(2712, speaker.tonePeriodTicks());
        boolean sawHigh = false, sawLow = false;
        for (int i = 0; i < 10; i++) {
            clock.advance(250_000);
            if ((bus.read(0x61, 1) & 0x20) != 0) sawHigh = true; else sawLow = true;
        }
        assertTrue(sawHigh && sawLow, "OUT2 oscillates at 440 Hz");
        bus.write(0x61, 1, 0x00);
        assertEquals(0, speaker.tonePeriodTicks());
    }

    @Test
    void rtcPeriodicInterruptArrivesAsVector70() {
        bus.write(0x70, 1, 0x0B);
        bus.write(0x71, 1, 0x42);
        clock.advance(1_000_000);
        assertEquals(0x70, acknowledgeAndEoi());
        bus.write(0x70, 1, 0x0C);
        assertEquals(0xC0, bus.read(0x71, 1) & 0xC0);
    }

    @Test
    void keyPressArrivesAsVector09() {
        kbc.pressKey(KeyCode.ENTER);
        assertEquals(0x09, acknowledgeAndEoi());
        assertEquals(0x5A, bus.read(0x60, 1));
        assertFalse(pic.interruptPending());
    }

    @Test
    void uartThreInterruptArrivesAsVector0C() {
        bus.write(0x3FC, 1, 0x08);
        bus.write(0x3F9, 1, 0x02);
        assertEquals(0x0C, acknowledgeAndEoi());
    }
}
