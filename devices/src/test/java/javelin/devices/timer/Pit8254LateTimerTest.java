package javelin.devices.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javelin.softmmu.HostDrivenClock;
import org.junit.jupiter.api.Test;

/**
 * On a running machine timers are served between instruction slices, so the OUT0 timer runs
 * after the edge it was armed for. A mode 2 rate generator's pulse is one CLK tick (838 ns)
 * low (8254 datasheet, mode 2): a late timer must still produce the low-then-high edge IRQ 0
 * needs, once per period, or a PC's timer interrupt stops after the first tick.
 */
class Pit8254LateTimerTest {
    private static final int CONTROL = 0x43, COUNTER0 = 0x40;

    @Test
    void lateTimerStillDeliversOneRisingEdgePerPeriod() {
        AtomicLong host = new AtomicLong(1_000_000_000L);
        HostDrivenClock clock = new HostDrivenClock(host::get);
        clock.resume();
        AtomicInteger risingEdges = new AtomicInteger();
        boolean[] level = {false};
        Pit8254 pit = new Pit8254(clock, COUNTER0, high -> {
            if (high && !level[0]) risingEdges.incrementAndGet();
            level[0] = high;
        }, Pit8254.Counter2Listener.NONE);
        pit.ioWrite(CONTROL, 1, 0x34);           // counter 0, LSB then MSB, mode 2, binary
        pit.ioWrite(COUNTER0, 1, 11932 & 0xFF);  // 100 Hz
        pit.ioWrite(COUNTER0, 1, 11932 >> 8);
        int before = risingEdges.get();
        for (int period = 0; period < 10; period++) {
            // A period is 11932 / 1.193182 MHz = 10.0001 ms; time moves a little more than one
            // period at a time, so each timer callback runs long after its pulse ended.
            host.addAndGet(10_001_000L);
            clock.runExpiredTimers();
        }
        assertEquals(10, risingEdges.get() - before, "one IRQ 0 edge per period");
    }
}
