package javelin.devices.debug;

import java.util.function.IntConsumer;
import javelin.softmmu.PortDevice;

/**
 * QEMU's {@code isa-debug-exit} device: a guest write of value V to its port range ends the
 * emulator with exit status {@code (V << 1) | 1}, so a guest test can report success or
 * failure to the host (status 1 is never produced by a clean exit, so "0 written" is
 * distinguishable from "emulator exited normally"). Reads return all ones.
 *
 * <p>The exit itself is the board's business: this device only calls {@code exitRequest} with
 * the status, with the machine lock held.
 */
public final class IsaDebugExit implements PortDevice {
    private final IntConsumer exitRequest;

    public IsaDebugExit(IntConsumer exitRequest) {
        this.exitRequest = exitRequest;
    }

    @Override public int ioRead(int port, int size) {
        return -1;
    }

    @Override public void ioWrite(int port, int size, int value) {
        exitRequest.accept((value << 1) | 1);
    }
}
