package javelin.machine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javelin.devices.serial.SerialBackend;

/**
 * A character device's back end that keeps what the guest writes, for tests to read. The
 * configuration names it {@code vc} (a console the front end provides; here the test).
 */
final class GuestOutput implements SerialBackend {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override public synchronized void transmit(int b) {
        bytes.write(b);
    }

    @Override public void attach(HostInput input) {
        // The tests send the guest nothing.
    }

    @Override public void close() {
        // Nothing to release; the text stays readable.
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
