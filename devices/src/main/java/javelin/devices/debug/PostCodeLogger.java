package javelin.devices.debug;

import java.io.PrintStream;
import javelin.softmmu.PortDevice;

/**
 * The PC diagnostic ("POST code") ports, 0x80 and 0x190: firmware writes a progress byte there
 * that a POST card would display. Each byte written is logged as a line {@code POST xx} (two
 * lower-case hex digits). Reads return all ones, as with no card present; the board does not
 * register port 0x80 for reading side effects (Linux uses it as an I/O delay).
 */
public final class PostCodeLogger implements PortDevice {
    private final PrintStream sink;

    public PostCodeLogger(PrintStream sink) {
        this.sink = sink;
    }

    @Override public int ioRead(int port, int size) {
        return -1;
    }

    @Override public void ioWrite(int port, int size, int value) {
        sink.printf("POST %02x%n", value & 0xFF);
        sink.flush();
    }
}
