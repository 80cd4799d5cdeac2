package javelin.machine;

/**
 * A machine that cannot be built as configured (missing or malformed image, bad option value).
 * The message is one line meant for the user; the app prints it without a stack trace.
 */
public final class MachineConfigException extends RuntimeException {
    public MachineConfigException(String message) {
        super(message);
    }

    public MachineConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
