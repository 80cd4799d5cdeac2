package javelin.ui.chardev;

import java.nio.charset.StandardCharsets;
import javelin.devices.serial.SerialBackend;

/**
 * A stand-in guest shell on a serial back end: for each line it receives it transmits
 * {@code "$ " + line + "\n"} byte by byte, as a UART would.
 */
final class EchoShell implements SerialBackend.HostInput {
    private final SerialBackend backend;
    private final StringBuilder line = new StringBuilder();

    EchoShell(SerialBackend backend) {
        this.backend = backend;
        backend.attach(this);
    }

    @Override public synchronized void receive(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            char c = (char) (bytes[i] & 0xFF);
            if (c == '\n' || c == '\r') {
                if (!line.isEmpty()) type("$ " + line + "\n");
                line.setLength(0);
            } else {
                line.append(c);
            }
        }
    }

    void type(String s) {
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) backend.transmit(b & 0xFF);
    }
}
