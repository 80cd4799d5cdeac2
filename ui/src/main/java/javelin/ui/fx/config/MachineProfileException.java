package javelin.ui.fx.config;

/** A profile that cannot be read, written or used; the message is one line for the user and names the file. */
public final class MachineProfileException extends RuntimeException {
    MachineProfileException(String message) {
        super(message);
    }

    MachineProfileException(String message, Throwable cause) {
        super(message, cause);
    }
}
