package javelin.devices.debug;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import javelin.softmmu.PortDevice;

/**
 * The Bochs/QEMU "debugcon" port (PC: 0xE9): every byte the guest writes goes to the sink
 * unchanged. A read returns 0xE9, the value Bochs and QEMU return so a guest can detect the
 * port ("port E9 hack"). Not a real chip; stateless.
 *
 * <p>Called with the machine lock held. The sink is flushed after each byte so that output
 * interleaves correctly with the serial console on the same terminal.
 */
public final class DebugConsole implements PortDevice {
    /** What a read of the port returns, for guest-side detection. */
    static final int DETECT_VALUE = 0xE9;

    private final OutputStream sink;

    public DebugConsole(OutputStream sink) {
        this.sink = sink;
    }

    @Override public int ioRead(int port, int size) {
        return DETECT_VALUE;
    }

    @Override public void ioWrite(int port, int size, int value) {
        try {
            // Wider writes send their low byte only, as QEMU's debugcon does.
            sink.write(value & 0xFF);
            sink.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("debug console output failed", e);
        }
    }
}
