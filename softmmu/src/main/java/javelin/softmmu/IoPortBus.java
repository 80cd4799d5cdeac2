package javelin.softmmu;

import java.util.BitSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The 64 KiB port I/O space. Devices register ranges of ports; the CPU's IN/OUT and string I/O
 * come here. Every access runs under the machine lock, per DESIGN.md ("Devices are driven under
 * one machine lock"). A port nobody claims reads as all ones and ignores writes; each such port
 * is logged once, not per access.
 *
 * <p>A 2- or 4-byte access is delivered whole to the device registered at its first port (the
 * device decides what a wide access means, as the 16-bit IDE data port does).
 */
public final class IoPortBus {
    private static final System.Logger LOG = System.getLogger(IoPortBus.class.getName());
    public static final int PORT_COUNT = 0x10000;

    private final PortDevice[] devices = new PortDevice[PORT_COUNT]; // guarded by lock for writes
    private final BitSet reportedUnassigned = new BitSet(PORT_COUNT);  // guarded by lock
    private final ReentrantLock lock;

    public IoPortBus(ReentrantLock machineLock) {
        this.lock = machineLock;
    }

    /** Claims {@code count} ports from {@code base}; a port already claimed is an error of the board. */
    public void register(int base, int count, PortDevice device) {
        lock.lock();
        try {
            for (int p = base; p < base + count; p++) {
                if (devices[p & 0xFFFF] != null && devices[p & 0xFFFF] != device) {
                    throw new IllegalStateException(String.format("port %#x claimed twice", p));
                }
                devices[p & 0xFFFF] = device;
            }
        } finally {
            lock.unlock();
        }
    }

    public void unregister(int base, int count) {
        lock.lock();
        try {
            for (int p = base; p < base + count; p++) devices[p & 0xFFFF] = null;
        } finally {
            lock.unlock();
        }
    }

    /** The device at {@code port}, or null. */
    public PortDevice deviceAt(int port) {
        return devices[port & 0xFFFF];
    }

    public int read(int port, int size) {
        port &= 0xFFFF;
        lock.lock();
        try {
            PortDevice d = devices[port];
            if (d == null) {
                reportUnassigned(port, "read");
                return (int) sizeMask(size);
            }
            return (int) (d.ioRead(port, size) & sizeMask(size));
        } finally {
            lock.unlock();
        }
    }

    public void write(int port, int size, int value) {
        port &= 0xFFFF;
        lock.lock();
        try {
            PortDevice d = devices[port];
            if (d == null) {
                reportUnassigned(port, "write");
                return;
            }
            d.ioWrite(port, size, (int) (value & sizeMask(size)));
        } finally {
            lock.unlock();
        }
    }

    private void reportUnassigned(int port, String what) {
        if (!reportedUnassigned.get(port)) {
            reportedUnassigned.set(port);
            LOG.log(System.Logger.Level.DEBUG, "guest {0} of unassigned port {1} (logged once per port)",
                    what, String.format("%#06x", port));
        }
    }

    static long sizeMask(int size) {
        return size >= 4 ? 0xFFFF_FFFFL : (1L << (size * 8)) - 1;
    }
}
