package javelin.devices.ide;

/**
 * What an IDE channel needs from a device on its cable: the device's registers, command
 * execution, the end of a PIO block, bus-master data movement and reset. Implemented by the
 * two device kinds this board has.
 *
 * <p>Threading: called with the machine lock held.
 */
sealed interface IdeDevice permits AtaDrive, AtapiCdrom {
    AtaRegisters registers();

    /** The host wrote {@code command} to the command register while this device was selected. */
    void executeCommand(int command);

    /** The host has read (data-in) or written (data-out) the whole PIO block. */
    void pioBlockDone();

    /** Bytes the current DMA request still has to move. */
    long dmaRemaining();

    /**
     * Moves the next {@code len} (at most {@link #dmaRemaining()}) bytes of the DMA request:
     * fills {@code buf} when the data goes to memory, consumes it otherwise. Returns false if
     * the device failed (it has then ended the command with an error and an interrupt).
     */
    boolean dmaTransfer(byte[] buf, int len);

    /** Every byte of the DMA request moved: the device completes the command. */
    void dmaDone();

    /** Soft reset (SRST) or EXECUTE DEVICE DIAGNOSTIC: abort, then show the signature. */
    void reset();

    /** Hardware reset (RESET- from the host): power-on settings, then as {@link #reset()}. */
    void hardReset();
}
