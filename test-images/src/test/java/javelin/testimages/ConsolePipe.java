package javelin.testimages;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javelin.devices.serial.SerialBackend;

/**
 * A serial back end a test holds the other end of: it reads what the guest writes on the
 * port and types at it. Waits are bounded by deadlines (timeouts as a backstop, no sleeps).
 */
final class ConsolePipe implements SerialBackend {
    private final StringBuilder received = new StringBuilder();   // guarded by itself
    private volatile HostInput input;

    @Override public void transmit(int b) {
        synchronized (received) {
            received.append((char) (b & 0xFF));
            received.notifyAll();
        }
    }

    @Override public void attach(HostInput in) {
        this.input = in;
    }

    @Override public void close() { }

    void type(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        input.receive(bytes, 0, bytes.length);
    }

    /** Waits until {@code text} appears at or after {@code from}; returns the index just past it. */
    int await(String text, int from, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        synchronized (received) {
            while (true) {
                int at = received.indexOf(text, from);
                if (at >= 0) return at + text.length();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + text + "' on the serial console within " + timeoutSeconds
                            + " s; last output:\n" + received.substring(Math.max(0, received.length() - 3000)));
                }
                TimeUnit.NANOSECONDS.timedWait(received, left);
            }
        }
    }

    String text() {
        synchronized (received) {
            return received.toString();
        }
    }
}
