package javelin.devices.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.ManualClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A back-end thread feeds host input while the machine thread runs the UART under its lock. */
class Uart16550HostInputStressTest {
    private static final int COM1 = 0x3F8;
    private static final int BYTES = 50_000;
    private static final long CHAR_115200 = 86_805;

    private final ReentrantLock machineLock = new ReentrantLock();
    private final ManualClock clock = new ManualClock();
    private final Uart16550Test.TestBackend backend = new Uart16550Test.TestBackend();
    private final Uart16550 uart = new Uart16550("com1", COM1, clock, high -> { }, backend);

    private static byte[] pattern() {
        byte[] data = new byte[BYTES];
        new Random(42).nextBytes(data);
        return data;
    }

    private Thread feeder(byte[] data) {
        return Thread.ofPlatform().name("host-input").start(() -> {
            Random chunks = new Random(7);
            for (int at = 0; at < data.length; ) {
                int n = Math.min(1 + chunks.nextInt(64), data.length - at);
                backend.input.receive(data, at, n);
                at += n;
            }
        });
    }

    private void configureLocked() {
        uart.ioWrite(COM1 + 3, 1, 0x80);
        uart.ioWrite(COM1, 1, 1);
        uart.ioWrite(COM1 + 3, 1, 0x03);
        uart.ioWrite(COM1 + 2, 1, 0xC7);
    }

    /** Runs the machine until every byte has arrived; returns what the guest read. */
    private byte[] runMachineUntil(int count) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long backstop = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (got.size() < count && System.nanoTime() < backstop) {
            machineLock.lock();
            try {
                clock.advance(CHAR_115200);
                while ((uart.ioRead(COM1 + 5, 1) & 0x01) != 0) got.write(uart.ioRead(COM1, 1));
            } finally {
                machineLock.unlock();
            }
        }
        return got.toByteArray();
    }

    @Test
    @DisplayName("[UART-1] host input completes while the machine lock is held")
    void hostInputDoesNotBlockOnTheMachineLock() throws Exception {
        byte[] data = pattern();
        machineLock.lock();
        Thread host;
        try {
            configureLocked();
            host = feeder(data);
            host.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(host.isAlive(), "the back end finished while the machine held its lock");
        } finally {
            machineLock.unlock();
        }
        assertArrayEquals(data, runMachineUntil(data.length));
    }

    @Test
    @DisplayName("[UART-2] concurrent host input arrives complete and in order")
    void concurrentHostInputArrivesInOrder() throws Exception {
        byte[] data = pattern();
        machineLock.lock();
        try {
            configureLocked();
        } finally {
            machineLock.unlock();
        }
        Thread host = feeder(data);
        byte[] got = runMachineUntil(data.length);
        host.join(TimeUnit.SECONDS.toMillis(30));
        assertArrayEquals(data, got);
        assertEquals(0, uart.ioRead(COM1 + 5, 1) & 0x02, "no overrun");
    }
}
