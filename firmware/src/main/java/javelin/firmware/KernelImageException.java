package javelin.firmware;

/**
 * A {@code -kernel} or {@code -initrd} image that cannot be booted, with the reason in terms of
 * the format's specification (Linux boot protocol, Multiboot). The caller adds the file name.
 */
public final class KernelImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KernelImageException(String message) {
        super(message);
    }
}
