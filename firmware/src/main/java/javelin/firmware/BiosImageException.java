package javelin.firmware;

/**
 * A {@code -bios} file that cannot be mapped as a PC firmware image: missing, unreadable, or of
 * a size the board cannot map ({@link BiosImage}). The message names the file and is meant for
 * the user as it is.
 */
public final class BiosImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BiosImageException(String message) {
        super(message);
    }

    public BiosImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
