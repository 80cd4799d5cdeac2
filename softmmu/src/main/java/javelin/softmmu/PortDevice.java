package javelin.softmmu;

/**
 * A device that answers port I/O. {@code size} is 1, 2 or 4 bytes; values are zero-extended.
 * Called with the machine lock held (see {@link IoPortBus}).
 */
public interface PortDevice {
    /** Reads {@code size} bytes at {@code port}; an unimplemented register returns all ones. */
    int ioRead(int port, int size);

    /** Writes the low {@code size} bytes of {@code value} to {@code port}. */
    void ioWrite(int port, int size, int value);
}
