package javelin.devices.serial;

/**
 * The host side of a serial port: where the guest's transmitted bytes go and where bytes for
 * the guest come from.
 *
 * <p>Threading: {@link #transmit} is called by the UART with the machine lock held and must not
 * block for long. Host input arrives on a back end's own thread and is handed to the
 * {@link HostInput} given to {@link #attach}, which is thread-safe and never blocks.
 */
public interface SerialBackend extends AutoCloseable {
    /** Receives bytes typed or sent by the host for the guest. Thread-safe, never blocks. */
    @FunctionalInterface
    interface HostInput {
        void receive(byte[] bytes, int offset, int length);
    }

    /** Sends one byte the guest transmitted. */
    void transmit(int b);

    /** Connects the host's input to the UART; called once, by the UART's constructor. */
    void attach(HostInput input);

    /** Stops input threads and flushes output. */
    @Override void close();

    /** A port with nothing connected: output is dropped, no input ever arrives. */
    SerialBackend NONE = new SerialBackend() {
        @Override public void transmit(int b) { }

        @Override public void attach(HostInput input) { }

        @Override public void close() { }
    };
}
