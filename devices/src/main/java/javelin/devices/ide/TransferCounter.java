package javelin.devices.ide;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes a drive has moved for the guest since power-on, read and written, as QEMU's block
 * statistics count them ({@code rd_bytes}, {@code wr_bytes}); a front end's activity light
 * watches them change.
 *
 * <p>Host statistics, not device state: the guest cannot see them, so they are not in the
 * device's state record. Threading: the machine thread adds (under the machine lock); any thread
 * may read.
 */
public final class TransferCounter {
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong written = new AtomicLong();

    void addRead(long bytes) {
        read.addAndGet(bytes);
    }

    void addWritten(long bytes) {
        written.addAndGet(bytes);
    }

    public long bytesRead() {
        return read.get();
    }

    public long bytesWritten() {
        return written.get();
    }
}
